use rustc_hash::FxHashMap;

use super::reference_instead_of;
use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::model::{FieldKind, IndexDef, Model, Scalar, Schema, TypeKind};
use crate::rules::Context;
use crate::span::{Span, Spanned};
use crate::suggest::did_you_mean;

declare_rule! {
    /// ## What it does
    /// Checks `.secondaryIndexes((index) => [...])`: the partition key and the sort keys
    /// must be scalar (or enum) fields of the model that are not lists, not Booleans and
    /// not relationships; a sort key must differ from the partition key; an index name
    /// must match `^[A-Za-z0-9_.-]{3,255}$`, be unique in the model and not be
    /// `gsi-<Parent>.<field>` (the name Amplify gives the index of a `hasMany`/`hasOne`);
    /// and the partition key may not be the primary key's partition key unless the
    /// identifier has a sort key.
    ///
    /// ## Why is this bad?
    /// An index on a field that does not exist, on the implicit `id`, on a relationship
    /// field or on an inline custom type is silently dropped: the deployed table has no
    /// such index and the query the author expects is never generated. The other cases
    /// stop Amplify late, without a location: `Can't find field 'createdOn' in Todo, but it
    /// was specified in index '...'`, `Boolean values cannot be used as sort keys.`,
    /// `Index '...' on type 'Post.tags' cannot be a non-scalar.`,
    /// `The indexName is invalid.`, `You may only supply one @index with the name '...'`,
    /// `You may not create an index where the partition key is the same as that of the
    /// primary key unless the primary key has a sort field.`
    ///
    /// ## Example
    /// ```ts
    /// Todo: a.model({
    ///   content: a.string(),
    ///   status: a.string(),
    /// }).secondaryIndexes((index) => [index('state').sortKeys(['createdOn'])]),
    /// ```
    ///
    /// ## Fix
    /// None: name an existing scalar field (declare `createdAt: a.datetime()` explicitly to
    /// sort by it), index a relationship's reference field instead of the relationship,
    /// and rename the index.
    pub(crate) static INVALID_SECONDARY_INDEX = {
        name: "invalid-secondary-index",
        severity: Error,
        fix: None,
    }
}

pub(crate) fn check(context: &mut Context) {
    for schema in context.schemas() {
        for (schema_type, model) in schema.models() {
            let Some(secondary_indexes) = &model.secondary_indexes else {
                continue;
            };
            let mut names: FxHashMap<&str, Span> = FxHashMap::default();
            for index in &secondary_indexes.indexes {
                let model_check = ModelCheck {
                    schema,
                    model_name: &schema_type.name,
                    model,
                };
                model_check.check_index(context, index);
                if let Some(name) = &index.name {
                    model_check.check_name(context, name, &mut names);
                }
            }
        }
    }
}

struct ModelCheck<'a> {
    schema: &'a Schema,
    model_name: &'a str,
    model: &'a Model,
}

/// Why a field cannot be an index key.
enum KeyProblem {
    Missing,
    Relationship,
    InlineCustomType,
    List,
    Boolean,
    /// `a.ref` to a type that is not an enum: (target, what it is).
    RefNotEnum(String, &'static str),
}

impl ModelCheck<'_> {
    fn check_index(&self, context: &mut Context, index: &IndexDef) {
        if let Some(partition_key) = &index.partition_key {
            self.check_partition_key(context, partition_key);
        }
        for sort_key in index.sort_keys.iter().flatten() {
            if index
                .partition_key
                .as_ref()
                .is_some_and(|partition_key| partition_key.value == sort_key.value)
            {
                let diagnostic = Diagnostic::new(
                    &INVALID_SECONDARY_INDEX,
                    sort_key.span,
                    format!(
                        "`{}` is the index's partition key and cannot also be its sort key; \
                         sort by another field",
                        sort_key.value
                    ),
                );
                context.report(diagnostic);
                continue;
            }
            self.check_sort_key(context, sort_key);
        }
    }

    fn key_problem(&self, name: &str) -> Option<KeyProblem> {
        let Some(field) = self.model.field(name) else {
            return self.model.fields_complete.then_some(KeyProblem::Missing);
        };
        match &field.kind {
            FieldKind::Relationship(_) => Some(KeyProblem::Relationship),
            FieldKind::InlineCustomType(_) => Some(KeyProblem::InlineCustomType),
            _ if field.is_array() => Some(KeyProblem::List),
            FieldKind::Scalar(Scalar::Boolean) => Some(KeyProblem::Boolean),
            FieldKind::Ref { target } => match self.schema.get(&target.value).map(|t| &t.kind) {
                Some(TypeKind::CustomType(_)) => {
                    Some(KeyProblem::RefNotEnum(target.value.clone(), "custom type"))
                }
                Some(TypeKind::Model(_)) => {
                    Some(KeyProblem::RefNotEnum(target.value.clone(), "model"))
                }
                _ => None,
            },
            _ => None,
        }
    }

    fn check_partition_key(&self, context: &mut Context, key: &Spanned<String>) {
        let model_name = self.model_name;
        let name = &key.value;
        let message = match self.key_problem(name) {
            Some(KeyProblem::Missing) if name == "id" => format!(
                "an index on the implicit `id` is silently dropped by Amplify: `id` is already \
                 the primary key of `{model_name}` (use `get{model_name}`), or index another field"
            ),
            Some(KeyProblem::Missing) => {
                let mut message = format!(
                    "`{model_name}` has no field `{name}`: Amplify silently drops this index"
                );
                match name.as_str() {
                    "createdAt" | "updatedAt" => message.push_str(&format!(
                        "; the implicit `{name}` must be declared to index it \
                         (`{name}: a.datetime()`)"
                    )),
                    _ => self.push_suggestion(&mut message, name),
                }
                message
            }
            Some(KeyProblem::Relationship) => {
                let mut message = format!(
                    "`{model_name}.{name}` is a relationship field: Amplify silently drops an \
                     index on it"
                );
                match self.model.field(name).and_then(reference_instead_of) {
                    Some(reference) => message.push_str(&format!(
                        "; index its reference field `{reference}` instead"
                    )),
                    None => message.push_str("; index a scalar field instead"),
                }
                message
            }
            Some(KeyProblem::InlineCustomType) => format!(
                "`{model_name}.{name}` is a custom type: Amplify silently drops an index on it; \
                 index a scalar field instead"
            ),
            Some(problem) => self.rejected_key_message(problem, name, "the partition key"),
            None => {
                self.check_primary_partition_key(context, key);
                return;
            }
        };
        context.report(self.with_field_label(
            Diagnostic::new(&INVALID_SECONDARY_INDEX, key.span, message),
            name,
        ));
    }

    /// An index whose partition key is the primary key's, while the primary key has no
    /// sort key.
    fn check_primary_partition_key(&self, context: &mut Context, key: &Spanned<String>) {
        let Some(identifier) = self.model.identifier_fields() else {
            return;
        };
        if identifier.len() != 1
            || identifier[0].value != key.value
            || self.model.field(&key.value).is_none()
        {
            return;
        }
        let label_span = match &self.model.identifier {
            Some(declared) => declared.span,
            None => self
                .model
                .field(&key.value)
                .map_or(key.span, |field| field.key_span),
        };
        let diagnostic = Diagnostic::new(
            &INVALID_SECONDARY_INDEX,
            key.span,
            format!(
                "`{}` is already the partition key of `{}`'s primary key, which has no sort key: \
                 Amplify rejects an index on it; index another field, or give the identifier a \
                 sort key",
                key.value, self.model_name
            ),
        )
        .with_label(label_span, "the primary key is declared here");
        context.report(diagnostic);
    }

    fn check_sort_key(&self, context: &mut Context, key: &Spanned<String>) {
        let model_name = self.model_name;
        let name = &key.value;
        let message = match self.key_problem(name) {
            None => return,
            Some(KeyProblem::Missing) => {
                let mut message = format!(
                    "`{model_name}` has no field `{name}`: Amplify rejects a sort key that is \
                     not a field of the model"
                );
                match name.as_str() {
                    "createdAt" | "updatedAt" | "id" => message.push_str(&format!(
                        "; the implicit `{name}` must be declared to sort by it (`{name}: {}`)",
                        if name == "id" {
                            "a.id().required()"
                        } else {
                            "a.datetime().required()"
                        }
                    )),
                    _ => self.push_suggestion(&mut message, name),
                }
                message
            }
            Some(KeyProblem::Relationship) => {
                let mut message = format!(
                    "`{model_name}.{name}` is a relationship field and cannot be a sort key"
                );
                if let Some(reference) = self.model.field(name).and_then(reference_instead_of) {
                    message.push_str(&format!("; sort by its reference field `{reference}`"));
                }
                message
            }
            Some(KeyProblem::InlineCustomType) => format!(
                "`{model_name}.{name}` is a custom type and cannot be a sort key; sort by a \
                 scalar field"
            ),
            Some(problem) => self.rejected_key_message(problem, name, "a sort key"),
        };
        context.report(self.with_field_label(
            Diagnostic::new(&INVALID_SECONDARY_INDEX, key.span, message),
            name,
        ));
    }

    fn rejected_key_message(&self, problem: KeyProblem, name: &str, role: &str) -> String {
        let model_name = self.model_name;
        match problem {
            KeyProblem::List => format!(
                "`{model_name}.{name}` is a list and cannot be {role} of an index; index a \
                 scalar field"
            ),
            KeyProblem::Boolean => format!(
                "`{model_name}.{name}` is a Boolean and cannot be {role} of an index: Amplify \
                 rejects Boolean index keys"
            ),
            KeyProblem::RefNotEnum(target, what) => format!(
                "`{model_name}.{name}` refers to the {what} `{target}`: an `a.ref` index key \
                 must refer to an enum"
            ),
            KeyProblem::Missing | KeyProblem::Relationship | KeyProblem::InlineCustomType => {
                format!("`{model_name}.{name}` cannot be {role} of an index")
            }
        }
    }

    fn push_suggestion(&self, message: &mut String, name: &str) {
        let candidates = self.model.fields.iter().map(|field| field.name.as_str());
        match did_you_mean(name, candidates) {
            Some(field) => message.push_str(&format!("; did you mean `{field}`?")),
            None => message.push_str(&format!(
                "; add `{name}` to the model or index an existing field"
            )),
        }
    }

    fn with_field_label(&self, diagnostic: Diagnostic, name: &str) -> Diagnostic {
        match self.model.field(name) {
            Some(field) => diagnostic.with_label(field.span, format!("`{name}` is defined here")),
            None => diagnostic,
        }
    }

    fn check_name<'n>(
        &self,
        context: &mut Context,
        name: &'n Spanned<String>,
        seen: &mut FxHashMap<&'n str, Span>,
    ) {
        let text = name.value.as_str();
        let length = text.chars().count();
        let valid_characters = text
            .chars()
            .all(|character| character.is_ascii_alphanumeric() || "_-.".contains(character));
        if !(3..=255).contains(&length) || !valid_characters {
            let reason = if !valid_characters {
                "only letters A-Z and a-z, digits, `_`, `-` and `.` are allowed"
            } else {
                "it must be 3 to 255 characters long"
            };
            context.report(Diagnostic::new(
                &INVALID_SECONDARY_INDEX,
                name.span,
                format!("`{text}` is not a valid index name: {reason}"),
            ));
            return;
        }
        if let Some(&first) = seen.get(text) {
            context.report(
                Diagnostic::new(
                    &INVALID_SECONDARY_INDEX,
                    name.span,
                    format!(
                        "`{}` already has an index named `{text}`: give each index its own name",
                        self.model_name
                    ),
                )
                .with_label(first, "first used here"),
            );
            return;
        }
        seen.insert(text, name.span);
        if let Some(relationship_field) = self.relationship_index_name(text) {
            context.report(
                Diagnostic::new(
                    &INVALID_SECONDARY_INDEX,
                    name.span,
                    format!(
                        "`{text}` is the name Amplify gives the index of a relationship to \
                         `{}`: rename this index",
                        self.model_name
                    ),
                )
                .with_label(
                    relationship_field,
                    "the relationship that owns this index name",
                ),
            );
        }
    }

    /// For a name `gsi-<Parent>.<field>` where `Parent.field` is a hasMany/hasOne to this
    /// model, the relationship field's span.
    fn relationship_index_name(&self, name: &str) -> Option<Span> {
        let (parent, field_name) = name.strip_prefix("gsi-")?.split_once('.')?;
        let field = self.schema.model(parent)?.field(field_name)?;
        let relationship = field.as_relationship()?;
        let points_here = relationship
            .related_model
            .as_ref()
            .is_some_and(|related| related.value == self.model_name);
        (relationship.kind.is_parent_side() && points_here).then_some(field.span)
    }
}
