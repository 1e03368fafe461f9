use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::rules::Context;

use super::pairing::Status;

declare_rule! {
    /// ## What it does
    /// Checks that a relationship has exactly one counterpart: fires when several
    /// relationships of the related model point back with the identical references list
    /// (two `belongsTo` over the same field, or a `hasMany` and a `hasOne` over the same
    /// field). The diagnostic points at the relationship call that sees several
    /// counterparts; related labels point at each of them.
    ///
    /// ## Why is this bad?
    /// Relationships are told apart by their reference fields. Amplify stops the
    /// deployment with `Found multiple relationship associations with Post.author,
    /// Post.editor for Person.posts`.
    ///
    /// ## Example
    /// ```ts
    /// Post: a.model({
    ///   authorId: a.id(),
    ///   author: a.belongsTo('Person', 'authorId'),
    ///   editor: a.belongsTo('Person', 'authorId'),
    /// }),
    /// Person: a.model({
    ///   posts: a.hasMany('Post', 'authorId'),
    /// }),
    /// ```
    ///
    /// ## Fix
    /// None: give each relationship its own reference fields (`editorId` for the editor)
    /// and its own counterpart, as in the author/editor example of Amplify's guide.
    pub(crate) static AMBIGUOUS_RELATION = {
        name: "ambiguous-relation",
        severity: Error,
        fix: None,
    }
}

pub(crate) fn check(context: &mut Context) {
    for pairing in context.relationship_pairings() {
        let _schema = pairing.schema;
        for (index, site) in pairing.sites.iter().enumerate() {
            let Status::Ambiguous(matches) = &pairing.status[index] else {
                continue;
            };
            // When both sides are ambiguous, the belongsTo sides report.
            if site.kind().is_parent_side()
                && matches
                    .iter()
                    .any(|&other| matches!(pairing.status[other], Status::Ambiguous(_)))
            {
                continue;
            }
            let names: Vec<String> = matches
                .iter()
                .map(|&other| format!("`{}`", pairing.sites[other].qualified_name()))
                .collect();
            let message = format!(
                "`{}` (references {}) has {} counterparts on `{}`: {}; give each relationship \
                 its own reference fields so that each side has exactly one counterpart",
                site.qualified_name(),
                site.references_text(context.source),
                matches.len(),
                site.related_name,
                names.join(", ")
            );
            let mut diagnostic = Diagnostic::new(&AMBIGUOUS_RELATION, site.call_span(), message);
            for &other in matches {
                let other = &pairing.sites[other];
                diagnostic = diagnostic.with_label(
                    other.call_span(),
                    format!("`{}` matches", other.qualified_name()),
                );
            }
            context.report(diagnostic);
        }
    }
}
