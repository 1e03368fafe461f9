use std::borrow::Cow;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::model::{FieldKind, Model, OperationKind, Schema, SchemaType, TypeKind};
use crate::rules::fields::pluralize::plural;
use crate::rules::fields::walk::{for_each_field, generated_type_name, upper_first};
use crate::rules::Context;
use crate::span::Span;
use crate::value::Value;

declare_rule! {
    /// ## What it does
    /// Finds names that collide in the schema Amplify generates: two schema entries with
    /// the same key; an inline enum or custom type whose generated name `<Model><Field>` is
    /// taken; models whose generated queries coincide (`Todo` and `Todos` both make
    /// `listTodos`, `Person` and `People` both make `listPeople`); an index `queryField` or a
    /// custom operation named like another generated query; types named `Query`,
    /// `Mutation` or `Subscription`; and types named like an AppSync scalar (`AWSDate`,
    /// `AWSJSON`, ...). Also a field key written twice in one model or custom type.
    ///
    /// ## Why is this bad?
    /// A repeated key silently replaces the earlier entry (JavaScript keeps the last one),
    /// so a whole model disappears from the API. The other collisions stop the deployment
    /// with `There can be only one type named "TodoStatus".` or `Object type extension
    /// 'Query' cannot redeclare field listTodos`, without saying which models caused it.
    ///
    /// ## Example
    /// ```ts
    /// const schema = a.schema({
    ///   Todo: a.model({ content: a.string() }),
    ///   Todos: a.model({ title: a.string() }), // listTodos twice
    ///   TodoStatus: a.enum(['A', 'B']),
    ///   Task: a.model({ status: a.enum(['OPEN', 'DONE']) }),
    /// });
    /// ```
    ///
    /// ## Fix
    /// None: renaming a model or field is the author's decision.
    pub(crate) static NAME_COLLISION = {
        name: "name-collision",
        severity: Error,
        fix: None,
    }
}

pub(crate) fn check(context: &mut Context) {
    let mut findings = Vec::new();
    for schema in context.schemas() {
        duplicate_keys(schema, &mut findings);
        combined_duplicates(schema, &mut findings);
        duplicate_fields(schema, &mut findings);
        reserved_names(schema, &mut findings);
        generated_type_names(schema, &mut findings);
        generated_operation_names(schema, &mut findings);
    }
    for diagnostic in findings {
        context.report(diagnostic);
    }
}

/// Whether `schema_type` is the entry JavaScript keeps for its key (the last one).
fn is_kept(schema: &Schema, schema_type: &SchemaType) -> bool {
    schema
        .get(&schema_type.name)
        .is_some_and(|kept| std::ptr::eq(kept, schema_type))
}

fn duplicate_keys(schema: &Schema, findings: &mut Vec<Diagnostic>) {
    let mut first_seen: FxHashMap<&str, &SchemaType> = FxHashMap::default();
    for schema_type in &schema.types {
        match first_seen.get(schema_type.name.as_str()) {
            Some(first) => findings.push(
                Diagnostic::new(
                    &NAME_COLLISION,
                    schema_type.key_span,
                    format!(
                        "`{}` is defined twice in the schema: JavaScript keeps only the last \
                         entry, so the earlier {} `{}` silently disappears from the API; rename \
                         one of them or merge them",
                        schema_type.name,
                        first.kind_name(),
                        schema_type.name
                    ),
                )
                .with_label(
                    first.key_span,
                    format!("this `{}` is silently replaced", schema_type.name),
                ),
            ),
            None => {
                first_seen.insert(&schema_type.name, schema_type);
            }
        }
    }
}

/// A name defined in two schemas joined by `a.combine([...])`, reported on the later one.
fn combined_duplicates(schema: &Schema, findings: &mut Vec<Diagnostic>) {
    let Some(combine_span) = schema.combine_span else {
        return;
    };
    let position = |span: Span| (span.file, span.start);
    for schema_type in &schema.types {
        let earlier = schema.combined_with.iter().find(|other| {
            other.name == schema_type.name
                && position(other.key_span) < position(schema_type.key_span)
        });
        if let Some(earlier) = earlier {
            findings.push(
                Diagnostic::new(
                    &NAME_COLLISION,
                    schema_type.key_span,
                    format!(
                        "`{name}` is defined in two of the schemas given to `a.combine`: \
                         Amplify stops with `The schemas you are attempting to combine have a \
                         name collision. Please remove or rename {name}.`; rename one of them",
                        name = schema_type.name
                    ),
                )
                .with_label(
                    earlier.key_span,
                    format!("`{}` is also defined here", earlier.name),
                )
                .with_label(combine_span, "the schemas are combined here"),
            );
        }
    }
}

fn duplicate_fields(schema: &Schema, findings: &mut Vec<Diagnostic>) {
    for_each_field_list(schema, |owner, fields| {
        let mut first_seen: FxHashMap<&str, Span> = FxHashMap::default();
        for field in fields {
            match first_seen.get(field.name.as_str()) {
                Some(first) => findings.push(
                    Diagnostic::new(
                        &NAME_COLLISION,
                        field.key_span,
                        format!(
                            "`{owner}.{}` is defined twice: JavaScript keeps only the last one, so \
                             the earlier field silently disappears; rename or remove one",
                            field.name
                        ),
                    )
                    .with_label(
                        *first,
                        format!("this `{}` is silently replaced", field.name),
                    ),
                ),
                None => {
                    first_seen.insert(&field.name, field.key_span);
                }
            }
        }
    });
}

/// Calls `visit` with each model's and custom type's own field list (written keys only:
/// fields brought in by a spread legitimately override).
fn for_each_field_list<'s>(
    schema: &'s Schema,
    mut visit: impl FnMut(&str, Vec<&'s crate::model::Field>),
) {
    for schema_type in &schema.types {
        let Some(fields) = schema_type.fields() else {
            continue;
        };
        let written = fields
            .iter()
            .filter(|field| field.key_kind != crate::value::KeyKind::Spread)
            .collect();
        visit(&schema_type.name, written);
    }
}

const RESERVED: [&str; 3] = ["Query", "Mutation", "Subscription"];

/// AppSync's scalars, which the transformer always declares.
const AWS_SCALARS: [&str; 9] = [
    "AWSDate",
    "AWSTime",
    "AWSDateTime",
    "AWSTimestamp",
    "AWSEmail",
    "AWSJSON",
    "AWSPhone",
    "AWSURL",
    "AWSIPAddress",
];

fn reserved_names(schema: &Schema, findings: &mut Vec<Diagnostic>) {
    for schema_type in &schema.types {
        let is_type = matches!(
            schema_type.kind,
            TypeKind::Model(_) | TypeKind::Enum(_) | TypeKind::CustomType(_)
        );
        if !is_type {
            continue;
        }
        let name = schema_type.name.as_str();
        let message = if RESERVED.contains(&name) {
            format!(
                "`{name}` is a reserved GraphQL type name (`'{name}' is a reserved type name and \
                 currently in use within the default schema element.`); rename the {}",
                schema_type.kind_name()
            )
        } else if AWS_SCALARS.contains(&name) {
            format!(
                "`{name}` is the name of an AppSync scalar that Amplify always declares (`There \
                 can be only one type named \"{name}\".`); rename the {}",
                schema_type.kind_name()
            )
        } else {
            continue;
        };
        findings.push(Diagnostic::new(
            &NAME_COLLISION,
            schema_type.key_span,
            message,
        ));
    }
}

/// Inline enums and custom types are named `<Owner><Field>`; that name must be free.
fn generated_type_names(schema: &Schema, findings: &mut Vec<Diagnostic>) {
    if !schema.complete {
        return;
    }
    let mut taken: FxHashMap<Cow<'_, str>, (Span, Holder<'_>)> = FxHashMap::default();
    for schema_type in &schema.types {
        if matches!(
            schema_type.kind,
            TypeKind::Model(_) | TypeKind::Enum(_) | TypeKind::CustomType(_)
        ) && is_kept(schema, schema_type)
        {
            taken.insert(
                Cow::Borrowed(schema_type.name.as_str()),
                (schema_type.key_span, Holder::Type(schema_type)),
            );
        }
    }
    let mut collisions = Vec::new();
    for_each_field(schema, |site| {
        let kind = match site.field.kind {
            FieldKind::InlineEnum(_) => "enum",
            FieldKind::InlineCustomType(_) => "custom type",
            _ => return,
        };
        let owner_kept = schema
            .get(&site.owner)
            .is_none_or(|owner| owner.key_span.start <= site.field.key_span.start);
        if !owner_kept {
            return;
        }
        let generated = generated_type_name(&site.owner, &site.field.name);
        match taken.get(generated.as_str()) {
            Some((span, holder)) => collisions.push(
                Diagnostic::new(
                    &NAME_COLLISION,
                    site.field.key_span,
                    format!(
                        "the inline {kind} of `{}.{}` is named `{generated}` by Amplify, which is \
                         already {} (`There can be only one type named \"{generated}\".`); \
                         rename the field or the type, or define the {kind} at the top level and \
                         use `a.ref(...)`",
                        site.owner,
                        site.field.name,
                        holder.describe()
                    ),
                )
                .with_label(*span, format!("`{generated}` is defined here")),
            ),
            None => {
                let holder = Holder::Inline(format!(
                    "the inline {kind} of `{}.{}`",
                    site.owner, site.field.name
                ));
                taken.insert(Cow::Owned(generated), (site.field.key_span, holder));
            }
        }
    });
    findings.extend(collisions);
}

/// What holds a GraphQL type name: a type of the schema, or an inline enum or custom type
/// (described when it is found, as inline types are rare).
enum Holder<'s> {
    Type(&'s SchemaType),
    Inline(String),
}

impl Holder<'_> {
    fn describe(&self) -> Cow<'_, str> {
        match self {
            Holder::Type(schema_type) => Cow::Owned(format!(
                "the {} `{}`",
                schema_type.kind_name(),
                schema_type.name
            )),
            Holder::Inline(description) => Cow::Borrowed(description),
        }
    }
}

/// What produces a root field.
#[derive(Clone, Copy)]
enum Origin<'s> {
    Model(&'s str),
    Index {
        model: &'s str,
        partition_key: &'s str,
    },
    Operation {
        kind: OperationKind,
        name: &'s str,
    },
}

impl Origin<'_> {
    /// "the model `Todo`", for messages.
    fn describe(self) -> String {
        match self {
            Origin::Model(name) => format!("the model `{name}`"),
            Origin::Index {
                model,
                partition_key,
            } => format!("the secondary index on `{model}.{partition_key}`"),
            Origin::Operation { kind, name } => format!("the custom {} `{name}`", kind.as_str()),
        }
    }
}

/// One root field Amplify generates or the author declares: `listTodos`, `getTodo`, an
/// index query, a custom query.
struct RootField<'s> {
    root: &'static str,
    name: String,
    span: Span,
    origin: Origin<'s>,
    /// Items from the same origin do not collide with each other here.
    origin_id: usize,
    /// Whether this is a model's list query (its name comes from pluralizing).
    is_list: bool,
}

fn generated_operation_names(schema: &Schema, findings: &mut Vec<Diagnostic>) {
    // Sized up front: grown by doubling, a 200-model schema's list left 240 KB of earlier
    // copies behind in the batch run's arena, which never reuses them.
    let most = schema
        .types
        .iter()
        .map(|schema_type| match &schema_type.kind {
            TypeKind::Model(model) => {
                let indexes = model.secondary_indexes.as_ref();
                GENERATED_PER_MODEL + indexes.map_or(0, |indexes| indexes.indexes.len())
            }
            _ => 1,
        })
        .sum();
    let mut fields: Vec<RootField> = Vec::with_capacity(most);
    let mut next_origin = 0;
    for schema_type in &schema.types {
        if !is_kept(schema, schema_type) {
            continue;
        }
        next_origin += 1;
        let origin_id = next_origin;
        match &schema_type.kind {
            TypeKind::Model(model) => {
                model_root_fields(schema_type, model, &mut next_origin, &mut fields)
            }
            TypeKind::Operation(operation) => {
                let root = match operation.kind {
                    OperationKind::Query => "Query",
                    OperationKind::Mutation => "Mutation",
                    OperationKind::Subscription => "Subscription",
                    _ => continue,
                };
                fields.push(RootField {
                    root,
                    name: schema_type.name.clone(),
                    span: schema_type.key_span,
                    origin: Origin::Operation {
                        kind: operation.kind,
                        name: &schema_type.name,
                    },
                    origin_id,
                    is_list: false,
                });
            }
            _ => {}
        }
    }
    debug_assert!(fields.len() <= most, "GENERATED_PER_MODEL is out of date");
    let mut seen: FxHashMap<(&'static str, &str), usize> =
        FxHashMap::with_capacity_and_hasher(fields.len(), Default::default());
    let mut reported_pairs: FxHashSet<(usize, usize)> = FxHashSet::default();
    for (index, field) in fields.iter().enumerate() {
        let Some(&earlier_index) = seen.get(&(field.root, field.name.as_str())) else {
            seen.insert((field.root, field.name.as_str()), index);
            continue;
        };
        let earlier = &fields[earlier_index];
        let pair = (earlier.origin_id, field.origin_id);
        if earlier.origin_id != field.origin_id && !reported_pairs.insert(pair) {
            continue;
        }
        let earlier_origin = earlier.origin.describe();
        findings.push(
            Diagnostic::new(
                &NAME_COLLISION,
                field.span,
                format!(
                    "{} and {earlier_origin} both produce the {} field `{}` (`Object type \
                     extension '{}' cannot redeclare field {}`); rename one of them{}",
                    upper_first(&field.origin.describe()),
                    field.root,
                    field.name,
                    field.root,
                    field.name,
                    hint(earlier, field)
                ),
            )
            .with_label(
                earlier.span,
                format!("{earlier_origin} also produces `{}`", field.name),
            ),
        );
    }
}

/// How many root fields [`model_root_fields`] generates for a model at most, before its
/// secondary indexes: `get`, `list`, three mutations, three subscriptions.
const GENERATED_PER_MODEL: usize = 8;

/// The queries, mutations and subscriptions Amplify generates for a model, minus those
/// `disableOperations` removes; nothing when that list cannot be read.
fn model_root_fields<'s>(
    schema_type: &'s SchemaType,
    model: &'s Model,
    next_origin: &mut usize,
    fields: &mut Vec<RootField<'s>>,
) {
    let origin_id = *next_origin;
    let disabled: Vec<String> = match &model.disable_operations {
        None => Vec::new(),
        Some(call) => match call.arg(0).and_then(Value::string_list) {
            Some(list) => list.into_iter().map(|item| item.value).collect(),
            None => return,
        },
    };
    let is_disabled = |operation: &str, group: &str| {
        disabled
            .iter()
            .any(|item| item == operation || item == group)
    };
    let name = upper_first(&schema_type.name);
    let origin = Origin::Model(&schema_type.name);
    let span = schema_type.key_span;
    let mut push = |root: &'static str, generated: String, is_list: bool| {
        fields.push(RootField {
            root,
            name: generated,
            span,
            origin,
            origin_id,
            is_list,
        });
    };
    if !is_disabled("get", "queries") {
        push("Query", concat("get", &name), false);
    }
    if !is_disabled("list", "queries") {
        push("Query", concat("list", &upper_first(&plural(&name))), true);
    }
    for operation in ["create", "update", "delete"] {
        if !is_disabled(operation, "mutations") {
            push("Mutation", concat(operation, &name), false);
        }
    }
    for operation in ["onCreate", "onUpdate", "onDelete"] {
        if !is_disabled(operation, "subscriptions") {
            push("Subscription", concat(operation, &name), false);
        }
    }
    let Some(indexes) = &model.secondary_indexes else {
        return;
    };
    for index in &indexes.indexes {
        let Some(partition_key) = &index.partition_key else {
            continue;
        };
        let query_call = index.chain.find("queryField");
        let (query_field, span) = match (query_call, &index.query_field) {
            (Some(_), Some(explicit)) => (explicit.value.clone(), explicit.span),
            // `queryField(null)` or something amplint cannot read: no (known) query.
            (Some(_), None) => continue,
            (None, _) => {
                let sort_keys: Vec<&str> = match (index.chain.find("sortKeys"), &index.sort_keys) {
                    (None, _) => Vec::new(),
                    (Some(_), Some(keys)) => keys.iter().map(|key| key.value.as_str()).collect(),
                    (Some(_), None) => continue,
                };
                // data-schema's `secondaryIndexDefaultQueryField`.
                let mut generated = format!(
                    "list{}By{}",
                    upper_first(&schema_type.name),
                    upper_first(&partition_key.value)
                );
                for sort_key in &sort_keys {
                    generated.push_str("And");
                    generated.push_str(&upper_first(sort_key));
                }
                (generated, index.span)
            }
        };
        *next_origin += 1;
        fields.push(RootField {
            root: "Query",
            name: query_field,
            span,
            origin: Origin::Index {
                model: &schema_type.name,
                partition_key: &partition_key.value,
            },
            origin_id: *next_origin,
            is_list: false,
        });
    }
}

/// `prefix` then `name` (a generated root field: `get` + `Todo`).
fn concat(prefix: &str, name: &str) -> String {
    let mut joined = String::with_capacity(prefix.len() + name.len());
    joined.push_str(prefix);
    joined.push_str(name);
    joined
}

/// Why the two produce the same name, and what to do.
fn hint(earlier: &RootField, later: &RootField) -> String {
    if let (true, true, Origin::Model(first), Origin::Model(second)) =
        (earlier.is_list, later.is_list, earlier.origin, later.origin)
    {
        return format!(
            " (Amplify pluralizes both `{first}` and `{second}` to `{}`)",
            later.name.trim_start_matches("list")
        );
    }
    if [earlier, later]
        .iter()
        .any(|field| matches!(field.origin, Origin::Index { .. }))
    {
        return ", e.g. give the index its own `.queryField('...')`".to_string();
    }
    String::new()
}
