use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::fix::Fix;
use crate::rules::Context;

use super::references::{child_references, Alignment};

declare_rule! {
    /// ## What it does
    /// Checks that a composite references list follows the order of the parent's
    /// identifier: fires when the types do not line up as written but do in another order.
    /// The diagnostic points at the references list; a related label points at the
    /// parent's identifier.
    ///
    /// ## Why is this bad?
    /// References are matched to identifier fields by position. Amplify stops the
    /// deployment with `Validate Error: types do not match`, which does not say that the
    /// order is the problem.
    ///
    /// ## Example
    /// ```ts
    /// Album: a.model({
    ///   title: a.string().required(),
    ///   year: a.integer().required(),
    ///   tracks: a.hasMany('Track', ['albumYear', 'albumTitle']),
    /// }).identifier(['title', 'year']),
    /// Track: a.model({
    ///   albumTitle: a.string(),
    ///   albumYear: a.integer(),
    ///   album: a.belongsTo('Album', ['albumYear', 'albumTitle']),
    /// }),
    /// ```
    ///
    /// ## Fix
    /// Reorders the list, on both sides of the relationship, to the identifier's order
    /// (unsafe: when the identifier is the one in the wrong order, reorder it instead).
    pub(crate) static REFERENCE_ORDER_MISMATCH = {
        name: "reference-order-mismatch",
        severity: Error,
        fix: Always,
    }
}

pub(crate) fn check(context: &mut Context) {
    for pairing in context.relationship_pairings() {
        let _schema = pairing.schema;
        for references in child_references(pairing) {
            let Some(Alignment::Reorderable(order)) = references.alignment() else {
                continue;
            };
            let site = references.site;
            let reordered: Vec<String> = order
                .iter()
                .filter_map(|&from| references.names.get(from))
                .map(|name| format!("'{}'", name.value))
                .collect();
            let identifier: Vec<String> = references
                .identifier
                .iter()
                .flatten()
                .map(|key| format!("'{}'", key.value))
                .collect();
            let message = format!(
                "the references of `{}` do not follow the order of `{}`'s identifier [{}]: \
                 their types only line up as [{}]",
                site.qualified_name(),
                site.related_name,
                identifier.join(", "),
                reordered.join(", ")
            );
            let edits = references.reorder_everywhere(pairing, context.source, &order);
            let (label_span, label) = references.identifier_label();
            context.report(
                Diagnostic::new(&REFERENCE_ORDER_MISMATCH, references.span, message)
                    .with_label(label_span, label)
                    .with_fix(Fix::unsafe_(
                        format!("Reorder the references to [{}]", reordered.join(", ")),
                        edits,
                    )),
            );
        }
    }
}
