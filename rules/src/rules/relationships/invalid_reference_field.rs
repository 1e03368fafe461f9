use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::fix::{Edit, Fix};
use crate::model::{Field, FieldKind, Schema, TypeKind};
use crate::rules::Context;

use super::edits::{builder_call, builder_of};
use super::references::{child_references, reported_elsewhere};

declare_rule! {
    /// ## What it does
    /// Checks that each reference field of a relationship is a plain scalar field of the
    /// child model: not an enum (`a.ref('Status')`), a custom type, a relationship field,
    /// or a list (`.array()`). The diagnostic points at the reference string; a related
    /// label points at the field's declaration.
    ///
    /// ## Why is this bad?
    /// Amplify rejects enum and custom-type references (`reference field 'teamId' must be
    /// defined on Member`), fails a relationship field with `types do not match`, and
    /// crashes on a list (`Cannot read properties of undefined (reading 'value')`).
    ///
    /// ## Example
    /// ```ts
    /// Cart: a.model({
    ///   customerId: a.id().array(),
    ///   customer: a.belongsTo('Customer', 'customerId'),
    /// }),
    /// ```
    ///
    /// ## Fix
    /// For a list, removes `.array()`; for an enum or custom type, retypes the field like
    /// the parent's identifier field at that position (both unsafe: they change the data
    /// model). None for a relationship field.
    pub(crate) static INVALID_REFERENCE_FIELD = {
        name: "invalid-reference-field",
        severity: Error,
        fix: Sometimes,
    }
}

pub(crate) fn check(context: &mut Context) {
    for pairing in context.relationship_pairings() {
        let schema = pairing.schema;
        for references in child_references(pairing) {
            let site = references.site;
            let identifier_scalars = references
                .identifier_scalars()
                .filter(|scalars| scalars.len() == references.names.len());
            for (position, (name, field)) in
                references.names.iter().zip(&references.fields).enumerate()
            {
                let Some(field) = field else { continue };
                let Some(problem) = problem_of(schema, field) else {
                    continue;
                };
                let typed = identifier_scalars
                    .as_ref()
                    .and_then(|scalars| scalars.get(position).copied());
                let wanted = typed.map_or_else(
                    || format!("a scalar typed like `{}`'s identifier", site.related_name),
                    |scalar| format!("`{}`", builder_call(builder_of(field), scalar)),
                );
                let remedy = if matches!(field.kind, FieldKind::Relationship(_)) {
                    format!(
                        "reference a scalar field of `{}` holding it instead ({wanted})",
                        site.model_name
                    )
                } else {
                    format!("make it {wanted}")
                };
                let message = format!(
                    "reference field `{}.{}` is {problem}; a reference field must be a plain \
                     scalar holding `{}`'s identifier: {remedy}",
                    site.model_name, name.value, site.related_name
                );
                let fix = match &field.kind {
                    FieldKind::Scalar(_) => field.modifier("array").map(|array| {
                        Fix::unsafe_(
                            format!("Remove `.array()` from `{}`", name.value),
                            vec![Edit::delete(array.tail_span)],
                        )
                    }),
                    FieldKind::Relationship(_) => None,
                    _ => typed.map(|scalar| {
                        let replacement = builder_call(builder_of(field), scalar);
                        Fix::unsafe_(
                            format!("Make `{}` `{replacement}`", name.value),
                            vec![Edit::replace(field.value_span, replacement)],
                        )
                    }),
                };
                context.report(
                    Diagnostic::new(&INVALID_REFERENCE_FIELD, name.span, message)
                        .with_label(
                            field.key_span,
                            format!("`{}` is declared here as {problem}", name.value),
                        )
                        .with_optional_fix(fix),
                );
            }
        }
    }
}

/// What makes a field unusable as a reference, or `None` when it is fine or another rule
/// reports it.
fn problem_of(schema: &Schema, field: &Field) -> Option<String> {
    if reported_elsewhere(field) {
        return None;
    }
    match &field.kind {
        FieldKind::Scalar(scalar) if field.is_array() => {
            Some(format!("a list (`{}[]`)", scalar.graphql_name()))
        }
        FieldKind::Scalar(_) => None,
        FieldKind::Ref { target } => match schema.get(&target.value).map(|found| &found.kind) {
            Some(TypeKind::Enum(_)) => Some(format!("the enum `{}`", target.value)),
            Some(TypeKind::CustomType(_)) => Some(format!("the custom type `{}`", target.value)),
            // Unknown names and models are other rules' business.
            _ => None,
        },
        FieldKind::InlineEnum(_) => Some("an inline enum".to_string()),
        FieldKind::InlineCustomType(_) => Some("an inline custom type".to_string()),
        FieldKind::Relationship(relationship) => Some(format!(
            "a {} relationship field",
            relationship.kind.as_str()
        )),
        FieldKind::Other(_) | FieldKind::Unknown => None,
    }
}
