use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::fix::{Edit, Fix};
use crate::model::{IdentifierDecl, Model};
use crate::rules::Context;
use crate::span::Spanned;
use crate::suggest::did_you_mean;
use crate::value::Value;

declare_rule! {
    /// ## What it does
    /// Checks that `.identifier([...])` is an array that names fields of the model:
    /// reports a name that is not a field, an empty list, and an argument that is not an
    /// array (`.identifier('slug')`).
    ///
    /// ## Why is this bad?
    /// Amplify does not complain about a partition key it cannot find, an empty list or a
    /// plain string: it silently ignores the identifier and keys the model by the implicit
    /// `id`, so the deployed table is not the one the author wrote. A sort key that is not a
    /// field crashes Amplify's code generation with
    /// `Cannot read properties of undefined (reading 'name')`, without saying where.
    /// Field names in `.identifier` are plain strings to TypeScript.
    ///
    /// ## Example
    /// ```ts
    /// Book: a.model({
    ///   isbn: a.string().required(),
    ///   title: a.string(),
    /// }).identifier(['ISBN']),
    /// ```
    ///
    /// ## Fix
    /// Replaces the name with the model's field of the closest name when exactly one is
    /// close (safe: the author meant that field). Otherwise none: add the field to the
    /// model or name an existing one.
    pub(crate) static UNKNOWN_IDENTIFIER_FIELD = {
        name: "unknown-identifier-field",
        severity: Error,
        fix: Sometimes,
    }
}

/// Fields Amplify adds to every model that exist only after the identifier is read.
const IMPLICIT_FIELDS: &[(&str, &str)] = &[
    ("id", "a.id().required()"),
    ("createdAt", "a.datetime().required()"),
    ("updatedAt", "a.datetime().required()"),
];

pub(crate) fn check(context: &mut Context) {
    for schema in context.schemas() {
        for (schema_type, model) in schema.models() {
            let Some(declared) = &model.identifier else {
                continue;
            };
            check_identifier(context, &schema_type.name, model, declared);
        }
    }
}

fn check_identifier(
    context: &mut Context,
    model_name: &str,
    model: &Model,
    declared: &IdentifierDecl,
) {
    match &declared.argument {
        Some(Value::Array(array)) => {
            if array.items.is_empty() {
                if array.complete {
                    context.report(Diagnostic::new(
                        &UNKNOWN_IDENTIFIER_FIELD,
                        array.span,
                        format!(
                            "`.identifier([])` names no field: Amplify ignores it and keys \
                             `{model_name}` by the implicit `id`; list the primary key fields, \
                             or remove `.identifier([])`"
                        ),
                    ));
                }
                return;
            }
            if !model.fields_complete {
                return;
            }
            for (position, item) in array.items.iter().enumerate() {
                if let Some(name) = item.as_string() {
                    check_name(context, model_name, model, name, position);
                }
            }
        }
        Some(argument @ Value::String(name)) => context.report(Diagnostic::new(
            &UNKNOWN_IDENTIFIER_FIELD,
            argument.span(),
            format!(
                "`.identifier` takes an array of field names: Amplify ignores `'{}'` and keys \
                 `{model_name}` by the implicit `id`; write `['{}']`",
                name.value, name.value
            ),
        )),
        Some(
            argument @ (Value::Number { .. }
            | Value::Bool { .. }
            | Value::Null(_)
            | Value::Undefined(_)
            | Value::Object(_)),
        ) => context.report(Diagnostic::new(
            &UNKNOWN_IDENTIFIER_FIELD,
            argument.span(),
            format!(
                "`.identifier` takes an array of field names: Amplify ignores this value and \
                 keys `{model_name}` by the implicit `id`"
            ),
        )),
        _ => {}
    }
}

fn check_name(
    context: &mut Context,
    model_name: &str,
    model: &Model,
    name: &Spanned<String>,
    position: usize,
) {
    if model.field(&name.value).is_some() || (position == 0 && name.value == "id") {
        return;
    }
    let suggestion = did_you_mean(
        &name.value,
        model.fields.iter().map(|field| field.name.as_str()),
    );
    let mut message = if position == 0 {
        format!(
            "`{model_name}` has no field `{}`: Amplify ignores this identifier and keys the \
             model by the implicit `id`",
            name.value
        )
    } else {
        format!(
            "`{model_name}` has no field `{}`: a sort key must be a field of the model \
             (Amplify's code generation crashes on it)",
            name.value
        )
    };
    let implicit = IMPLICIT_FIELDS
        .iter()
        .find(|(implicit, _)| *implicit == name.value);
    match (suggestion, implicit) {
        (Some(field), _) => message.push_str(&format!("; did you mean `{field}`?")),
        (None, Some((field, builder))) => message.push_str(&format!(
            "; the implicit `{field}` cannot be a sort key until it is declared: add \
             `{field}: {builder}` to the model"
        )),
        (None, None) => message.push_str(&format!(
            "; add `{}` to the model or name an existing field",
            name.value
        )),
    }
    let fix = suggestion.map(|field| {
        let quote = context.text(name.span).chars().next().unwrap_or('\'');
        Fix::safe(
            format!("Replace `{}` with `{field}`", name.value),
            vec![Edit::replace(name.span, format!("{quote}{field}{quote}"))],
        )
    });
    context.report(
        Diagnostic::new(&UNKNOWN_IDENTIFIER_FIELD, name.span, message).with_optional_fix(fix),
    );
}
