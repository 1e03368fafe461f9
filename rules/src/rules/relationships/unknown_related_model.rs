use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::fix::{Edit, Fix};
use crate::model::{Field, FieldKind, Schema, TypeKind};
use crate::rules::Context;
use crate::span::Spanned;
use crate::suggest::did_you_mean;

declare_rule! {
    /// ## What it does
    /// Checks that the model named in `a.hasMany`, `a.hasOne`, `a.belongsTo` and the type
    /// named in `a.ref` exist in the schema, and that a relationship names a model (not a
    /// custom type or an enum); also inside custom types written inline in a field. The
    /// diagnostic points at the name (the string literal, quotes included).
    ///
    /// ## Why is this bad?
    /// TypeScript sees the name as a plain string. Amplify stops the deployment with
    /// `Invalid ref. Member is referring to Teem which is not defined in the schema`, or
    /// `Expected to find model type with name Address` for a custom type.
    ///
    /// ## Example
    /// ```ts
    /// Member: a.model({
    ///   teamId: a.id(),
    ///   team: a.belongsTo('Teem', 'teamId'),
    /// }),
    /// ```
    ///
    /// ## Fix
    /// Replaces the name with the closest model name when exactly one is close (safe).
    pub(crate) static UNKNOWN_RELATED_MODEL = {
        name: "unknown-related-model",
        severity: Error,
        fix: Sometimes,
    }
}

pub(crate) fn check(context: &mut Context) {
    for schema in context.schemas() {
        for schema_type in &schema.types {
            let Some(fields) = schema_type.fields() else {
                continue;
            };
            check_fields(context, schema, &schema_type.name, fields);
        }
    }
}

/// The fields of a model or custom type, and of the custom types written inline in them.
fn check_fields(context: &mut Context, schema: &Schema, owner: &str, fields: &[Field]) {
    for field in fields {
        match &field.kind {
            FieldKind::Relationship(relationship) => {
                if let Some(target) = &relationship.related_model {
                    check_model_name(context, schema, owner, target);
                }
            }
            FieldKind::Ref { target } => check_ref_name(context, schema, target),
            FieldKind::InlineCustomType(custom_type) => {
                let owner = format!("{owner}.{}", field.name);
                check_fields(context, schema, &owner, &custom_type.fields);
            }
            _ => {}
        }
    }
}

/// A relationship target must be a model of the schema.
fn check_model_name(context: &mut Context, schema: &Schema, from: &str, target: &Spanned<String>) {
    match schema.get(&target.value) {
        Some(found) if found.is_model() => {}
        // Registered under that name but not readable (an import from a package, a helper
        // call): it may well be a model.
        Some(found) if matches!(found.kind, TypeKind::Unknown | TypeKind::Other(_)) => {}
        Some(found) => {
            let diagnostic = Diagnostic::new(
                &UNKNOWN_RELATED_MODEL,
                target.span,
                format!(
                    "`{}` is a {}, not a model: a relationship of `{from}` must name a model",
                    target.value,
                    found.kind_name()
                ),
            )
            .with_label(
                found.key_span,
                format!(
                    "`{}` is defined here as a {}",
                    target.value,
                    found.kind_name()
                ),
            );
            context.report(diagnostic);
        }
        None if schema.knows_all_types() => {
            let models = schema
                .types_in_scope()
                .filter(|schema_type| schema_type.is_model())
                .map(|schema_type| schema_type.name.as_str());
            report_missing(context, target, models, "model");
        }
        None => {}
    }
}

/// An `a.ref` target must be some type of the schema (enums, custom types; models are
/// `ref-to-model`'s business).
fn check_ref_name(context: &mut Context, schema: &Schema, target: &Spanned<String>) {
    if schema.get(&target.value).is_none() && schema.knows_all_types() {
        let names = schema
            .types_in_scope()
            .filter(|schema_type| {
                matches!(
                    schema_type.kind,
                    TypeKind::Enum(_) | TypeKind::CustomType(_)
                )
            })
            .map(|schema_type| schema_type.name.as_str());
        report_missing(context, target, names, "enum or custom type");
    }
}

fn report_missing<'n>(
    context: &mut Context,
    target: &Spanned<String>,
    candidates: impl Iterator<Item = &'n str>,
    what: &str,
) {
    let suggestion = did_you_mean(&target.value, candidates);
    let mut message = format!("`{}` is not defined in the schema", target.value);
    match suggestion {
        Some(name) => message.push_str(&format!("; did you mean `{name}`?")),
        None => {
            let article = if what.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            };
            message.push_str(&format!(
                "; add {article} {what} named `{}` or name an existing one",
                target.value
            ))
        }
    }
    let fix = suggestion.map(|name| {
        let quote = context.text(target.span).chars().next().unwrap_or('\'');
        Fix::safe(
            format!("Replace `{}` with `{name}`", target.value),
            vec![Edit::replace(target.span, format!("{quote}{name}{quote}"))],
        )
    });
    context.report(
        Diagnostic::new(&UNKNOWN_RELATED_MODEL, target.span, message).with_optional_fix(fix),
    );
}
