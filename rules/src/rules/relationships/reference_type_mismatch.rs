use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::fix::{Edit, Fix};
use crate::rules::Context;

use super::references::{child_references, Alignment};

declare_rule! {
    /// ## What it does
    /// Checks that each reference field has the type of the parent's identifier field at
    /// the same position. `ID` and `String` count as equal, as Amplify treats them; every
    /// other type must be identical (`Int` is not `Float`, `AWSDate` is not `String`).
    /// The diagnostic points at the reference string; a related label points at the
    /// parent's identifier. When some other order of a composite list would line up, the
    /// problem is `reference-order-mismatch` instead.
    ///
    /// ## Why is this bad?
    /// Amplify stops the deployment with `Validate Error: types do not match`, naming
    /// neither the models nor the fields.
    ///
    /// ## Example
    /// ```ts
    /// Member: a.model({
    ///   teamId: a.integer(), // Team's identifier `id` is an ID
    ///   team: a.belongsTo('Team', 'teamId'),
    /// }),
    /// ```
    ///
    /// ## Fix
    /// Changes the reference field's builder to the identifier's type (`a.integer()` ->
    /// `a.id()`), keeping its modifiers (unsafe: it changes the stored type).
    pub(crate) static REFERENCE_TYPE_MISMATCH = {
        name: "reference-type-mismatch",
        severity: Error,
        fix: Sometimes,
    }
}

pub(crate) fn check(context: &mut Context) {
    for pairing in context.relationship_pairings() {
        let _schema = pairing.schema;
        for references in child_references(pairing) {
            let Some(Alignment::Mismatched(positions)) = references.alignment() else {
                continue;
            };
            let (Some(scalars), Some(identifier_scalars), Some(identifier)) = (
                references.scalars(),
                references.identifier_scalars(),
                references.identifier.as_ref(),
            ) else {
                continue;
            };
            let site = references.site;
            for position in positions {
                let (Some(name), Some(Some(field)), Some(key)) = (
                    references.names.get(position),
                    references.fields.get(position),
                    identifier.get(position),
                ) else {
                    continue;
                };
                let (actual, wanted) = (scalars[position], identifier_scalars[position]);
                let message = format!(
                    "reference field `{}.{}` is `{}`, but `{}`'s identifier field `{}` is `{}`: \
                     make `{}` `{}` (`a.{}()`)",
                    site.model_name,
                    name.value,
                    actual.graphql_name(),
                    site.related_name,
                    key.value,
                    wanted.graphql_name(),
                    name.value,
                    wanted.graphql_name(),
                    wanted.builder_name()
                );
                let fix = field
                    .chain
                    .as_ref()
                    .and_then(|chain| chain.head())
                    .map(|head| {
                        Fix::unsafe_(
                            format!("Make `{}` `a.{}()`", name.value, wanted.builder_name()),
                            vec![Edit::replace(head.name.span, wanted.builder_name())],
                        )
                    });
                let label = match site.related.field(&key.value) {
                    Some(identifier_field) => (
                        identifier_field.key_span,
                        format!(
                            "`{}.{}` is `{}`",
                            site.related_name,
                            key.value,
                            wanted.graphql_name()
                        ),
                    ),
                    None => references.identifier_label(),
                };
                context.report(
                    Diagnostic::new(&REFERENCE_TYPE_MISMATCH, name.span, message)
                        .with_label(label.0, label.1)
                        .with_label(field.key_span, format!("`{}` is declared here", name.value))
                        .with_optional_fix(fix),
                );
            }
        }
    }
}
