use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::fix::{Edit, Fix};
use crate::rules::Context;

use super::references::child_references;

declare_rule! {
    /// ## What it does
    /// Checks that the fields of a composite references list are either all `.required()`
    /// or all optional. The diagnostic points at the references list; related labels
    /// point at the optional fields.
    ///
    /// ## Why is this bad?
    /// The relationship is required exactly when its reference fields are. Amplify stops
    /// the deployment with `Reference fields defined on related type: 'Post' for
    /// @hasMany(...) Person.posts relationship have inconsistent nullability`.
    ///
    /// ## Example
    /// ```ts
    /// Post: a.model({
    ///   authorFirstName: a.string().required(),
    ///   authorLastName: a.string(),
    ///   author: a.belongsTo('Person', ['authorFirstName', 'authorLastName']),
    /// }),
    /// ```
    ///
    /// ## Fix
    /// Makes them all required by adding `.required()` to the optional ones (unsafe: to make
    /// the relationship optional, remove `.required()` from the others instead).
    pub(crate) static MIXED_REFERENCE_NULLABILITY = {
        name: "mixed-reference-nullability",
        severity: Error,
        fix: Always,
    }
}

pub(crate) fn check(context: &mut Context) {
    for pairing in context.relationship_pairings() {
        let _schema = pairing.schema;
        for references in child_references(pairing) {
            if references.names.len() < 2 || references.scalars().is_none() {
                continue;
            }
            let fields: Vec<_> = references.fields.iter().flatten().collect();
            let (required, optional): (Vec<_>, Vec<_>) =
                fields.iter().partition(|field| field.is_required());
            if required.is_empty() || optional.is_empty() {
                continue;
            }
            let list = |fields: &[&&crate::model::Field]| {
                fields
                    .iter()
                    .map(|field| format!("`{}`", field.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let site = references.site;
            let message = format!(
                "the references of `{}` mix required ({}) and optional ({}) fields: make them \
                 all required (a required relationship) or all optional",
                site.qualified_name(),
                list(&required),
                list(&optional)
            );
            let edits: Option<Vec<Edit>> = optional
                .iter()
                .map(|field| {
                    let head = field.chain.as_ref()?.head()?;
                    Some(Edit::insert(head.span.at_end(), ".required()"))
                })
                .collect();
            let mut diagnostic =
                Diagnostic::new(&MIXED_REFERENCE_NULLABILITY, references.span, message)
                    .with_optional_fix(edits.map(|edits| {
                        Fix::unsafe_(format!("Make {} required", list(&optional)), edits)
                    }));
            for field in &optional {
                diagnostic =
                    diagnostic.with_label(field.key_span, format!("`{}` is optional", field.name));
            }
            context.report(diagnostic);
        }
    }
}
