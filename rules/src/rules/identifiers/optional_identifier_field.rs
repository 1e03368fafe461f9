use super::{key_entries, reference_instead_of, KeyEntry};
use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::fix::{Edit, Fix};
use crate::model::{Field, FieldKind, Scalar};
use crate::rules::Context;
use crate::span::Span;

declare_rule! {
    /// ## What it does
    /// Checks that every field of a model's primary key (the fields named in
    /// `.identifier([...])`, or an explicitly declared `id` field) is a `.required()`
    /// scalar field. An `a.id()` partition key is exempt (Amplify makes it required), an
    /// optional `a.id()` sort key is not. An enum (`a.ref('Status')` or an inline
    /// `a.enum([...])`), a custom type or a relationship field can never be a key field,
    /// even when required.
    ///
    /// ## Why is this bad?
    /// Amplify stops with `Invalid identifier definition. Field slug cannot be used in the
    /// identifier. Identifiers must reference required or DB-generated fields)`, or, for an
    /// optional `a.id()` sort key, only later in the GraphQL transformer with
    /// `The primary key on type 'Todo' must reference non-null fields.` Neither names the
    /// line, and TypeScript accepts both.
    ///
    /// ## Example
    /// ```ts
    /// Product: a.model({
    ///   sku: a.string().required(),
    ///   size: a.string(),
    /// }).identifier(['sku', 'size']),
    /// ```
    ///
    /// ## Fix
    /// For a scalar field, appends `.required()` to the field's definition. The fix is
    /// unsafe: it changes the field's type in the API and in the generated client types
    /// (`string | null` becomes `string`, and creating a record now needs the value), and
    /// the author may have meant a different field as the key. None for enums, custom
    /// types and relationships: key the model by a scalar field instead (for a
    /// `belongsTo`, its reference field).
    pub(crate) static OPTIONAL_IDENTIFIER_FIELD = {
        name: "optional-identifier-field",
        severity: Error,
        fix: Sometimes,
    }
}

pub(crate) fn check(context: &mut Context) {
    for schema in context.schemas() {
        for (schema_type, model) in schema.models() {
            for entry in key_entries(model) {
                if entry.repeated {
                    continue;
                }
                let Some(field) = model.field(entry.name) else {
                    continue;
                };
                check_key_field(context, &schema_type.name, &entry, field);
            }
        }
    }
}

fn check_key_field(context: &mut Context, model_name: &str, entry: &KeyEntry, field: &Field) {
    let key_role = if entry.position == 0 {
        "partition key"
    } else {
        "sort key"
    };
    let never_a_key = |what: String| {
        format!(
            "`{model_name}.{}` is {what}, which cannot be part of the primary key even when \
             required; key `{model_name}` by a required scalar field instead",
            field.name
        )
    };
    let message = match &field.kind {
        FieldKind::Scalar(scalar) => {
            // Boolean and list keys are `invalid-identifier-field`'s business; a
            // value-less `.default()` (DB-generated) is `invalid-default-value`'s.
            if field.is_required()
                || *scalar == Scalar::Boolean
                || field.is_array()
                || (*scalar == Scalar::Id && entry.position == 0)
                || is_database_generated(field)
            {
                return;
            }
            let id_note = if *scalar == Scalar::Id {
                " (only an `a.id()` partition key may be optional)"
            } else {
                ""
            };
            let diagnostic = Diagnostic::new(
                &OPTIONAL_IDENTIFIER_FIELD,
                entry.span,
                format!(
                    "`{model_name}.{}` is the {key_role} but it is optional{id_note}: add \
                     `.required()` to the field",
                    field.name
                ),
            )
            .with_optional_fix(required_fix(field));
            context.report(with_definition_label(diagnostic, entry, field));
            return;
        }
        FieldKind::Ref { target } => never_a_key(format!("a reference to `{}`", target.value)),
        FieldKind::InlineEnum(_) => never_a_key("an enum".to_string()),
        FieldKind::InlineCustomType(_) => never_a_key("a custom type".to_string()),
        FieldKind::Relationship(relationship) => {
            let mut message = format!(
                "`{model_name}.{}` is a {} relationship, which cannot be part of the primary key",
                field.name,
                relationship.kind.as_str()
            );
            match reference_instead_of(field) {
                Some(reference) => {
                    message.push_str(&format!("; use its reference field `{reference}` instead"))
                }
                None => message.push_str(&format!(
                    "; key `{model_name}` by a required scalar field instead"
                )),
            }
            message
        }
        FieldKind::Other(_) | FieldKind::Unknown => return,
    };
    let diagnostic = Diagnostic::new(&OPTIONAL_IDENTIFIER_FIELD, entry.span, message);
    context.report(with_definition_label(diagnostic, entry, field));
}

/// Labels the field's definition, unless the diagnostic already points at it.
fn with_definition_label(diagnostic: Diagnostic, entry: &KeyEntry, field: &Field) -> Diagnostic {
    if entry.span == field.key_span {
        return diagnostic;
    }
    diagnostic.with_label(field.span, format!("`{}` is defined here", field.name))
}

/// `.default()` without a value marks a DB-generated field, which Amplify accepts in an
/// identifier (and rejects elsewhere for DynamoDB).
fn is_database_generated(field: &Field) -> bool {
    field
        .modifier("default")
        .is_some_and(|call| call.args.as_ref().is_some_and(|args| args.items.is_empty()))
}

/// Appends `.required()` to the field's chain when the chain is written in place.
fn required_fix(field: &Field) -> Option<Fix> {
    let chain = field.chain.as_ref()?;
    if chain.span.start < field.span.start || chain.span.end > field.span.end {
        return None;
    }
    let end = Span::new(chain.span.file, chain.span.end, chain.span.end);
    Some(Fix::unsafe_(
        format!("Make `{}` required", field.name),
        vec![Edit::insert(end, ".required()")],
    ))
}
