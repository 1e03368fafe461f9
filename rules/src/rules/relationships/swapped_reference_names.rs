use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::fix::Fix;
use crate::rules::Context;

use super::references::{child_references, permutations, shared_words, Alignment};

declare_rule! {
    /// ## What it does
    /// Checks composite references whose types line up with the parent's identifier but
    /// whose names say the order is swapped: `['authorFirstName', 'authorLastName']`
    /// against the identifier `['lastName', 'firstName']`. Names are compared word by word
    /// (`authorFirst` shares `first` with `firstName`); it fires only when another order
    /// matches strictly more words at every moved position. The diagnostic points at the
    /// references list; a related label points at the parent's identifier.
    ///
    /// ## Why is this bad?
    /// References are matched to identifier fields by position, not by name. Amplify
    /// accepts the list silently and stores each value in the other field: the last name
    /// goes where the first name should be.
    ///
    /// ## Example
    /// ```ts
    /// Person: a.model({
    ///   lastName: a.string().required(),
    ///   firstName: a.string().required(),
    ///   posts: a.hasMany('Post', ['authorFirstName', 'authorLastName']),
    /// }).identifier(['lastName', 'firstName']),
    /// Post: a.model({
    ///   authorFirstName: a.string(),
    ///   authorLastName: a.string(),
    ///   author: a.belongsTo('Person', ['authorFirstName', 'authorLastName']),
    /// }),
    /// ```
    ///
    /// ## Fix
    /// Reorders the list, on both sides of the relationship, to follow the identifier
    /// (unsafe: records written so far keep their swapped values).
    pub(crate) static SWAPPED_REFERENCE_NAMES = {
        name: "swapped-reference-names",
        severity: Warning,
        fix: Always,
    }
}

pub(crate) fn check(context: &mut Context) {
    for pairing in context.relationship_pairings() {
        let _schema = pairing.schema;
        for references in child_references(pairing) {
            if references.names.len() < 2 {
                continue;
            }
            let Some(Alignment::Aligned) = references.alignment() else {
                continue;
            };
            let (Some(scalars), Some(identifier_scalars), Some(identifier)) = (
                references.scalars(),
                references.identifier_scalars(),
                references.identifier.as_ref(),
            ) else {
                continue;
            };
            let names = references.names;
            let shared = |from: usize, position: usize| {
                shared_words(&names[from].value, &identifier[position].value)
            };
            let identity: Vec<usize> = (0..names.len()).collect();
            let identity_score = references.name_score(&identity);
            let better = permutations(names.len())
                .unwrap_or_default()
                .into_iter()
                .filter(|order| *order != identity)
                .filter(|order| {
                    order.iter().enumerate().all(|(position, &from)| {
                        scalars[from].matches_reference(identifier_scalars[position])
                            && (from == position
                                || shared(from, position) > shared(position, position))
                    })
                })
                .max_by_key(|order| references.name_score(order))
                .filter(|order| references.name_score(order) > identity_score);
            let Some(order) = better else { continue };
            let site = references.site;
            let pairs: Vec<String> = identifier
                .iter()
                .zip(names)
                .map(|(key, name)| format!("`{}` -> `{}`", name.value, key.value))
                .collect();
            let reordered: Vec<String> = order
                .iter()
                .map(|&from| format!("'{}'", names[from].value))
                .collect();
            let message = format!(
                "the references of `{}` look swapped: they are matched to `{}`'s identifier by \
                 position ({}), so Amplify would store each value in the other field; list \
                 them as [{}]",
                site.qualified_name(),
                site.related_name,
                pairs.join(", "),
                reordered.join(", ")
            );
            let edits = references.reorder_everywhere(pairing, context.source, &order);
            let (label_span, label) = references.identifier_label();
            context.report(
                Diagnostic::new(&SWAPPED_REFERENCE_NAMES, references.span, message)
                    .with_label(label_span, label)
                    .with_fix(Fix::unsafe_(
                        format!("Reorder the references to [{}]", reordered.join(", ")),
                        edits,
                    )),
            );
        }
    }
}
