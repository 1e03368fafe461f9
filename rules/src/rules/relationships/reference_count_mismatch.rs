use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::fix::{Edit, Fix};
use crate::rules::Context;

use super::edits::{
    builder_call, builder_of, insert_before_field, object_key, quote_of, upper_first,
};
use super::pairing::{Pairing, Status};
use super::references::{child_references, ChildReferences};

declare_rule! {
    /// ## What it does
    /// Checks that a relationship lists as many references as the parent has identifier
    /// fields (the default identifier is the single field `id`). The diagnostic points at
    /// the references argument; a related label points at the parent's identifier.
    ///
    /// ## Why is this bad?
    /// Each reference field holds one identifier field of the parent. Amplify stops the
    /// deployment with `The identifiers defined on Person must match the reference fields
    /// defined on Post. 2 identifiers defined on Person. 1 reference fields found on Post`.
    ///
    /// ## Example
    /// ```ts
    /// Person: a.model({
    ///   firstName: a.string().required(),
    ///   lastName: a.string().required(),
    ///   posts: a.hasMany('Post', 'authorFirstName'),
    /// }).identifier(['firstName', 'lastName']),
    /// Post: a.model({
    ///   authorFirstName: a.string(),
    ///   author: a.belongsTo('Person', 'authorFirstName'),
    /// }),
    /// ```
    ///
    /// ## Fix
    /// When references are missing and their names follow from the ones given (the prefix
    /// `author` of `authorFirstName` gives `authorLastName`), lists them in identifier order
    /// on both sides and adds the missing fields to the child, typed like the identifier
    /// (unsafe: it changes the data model).
    pub(crate) static REFERENCE_COUNT_MISMATCH = {
        name: "reference-count-mismatch",
        severity: Error,
        fix: Sometimes,
    }
}

pub(crate) fn check(context: &mut Context) {
    for pairing in context.relationship_pairings() {
        let _schema = pairing.schema;
        for references in child_references(pairing) {
            let Some(identifier) = &references.identifier else {
                continue;
            };
            if identifier.len() == references.names.len() {
                continue;
            }
            let site = references.site;
            let keys: Vec<String> = identifier
                .iter()
                .map(|key| format!("`{}`", key.value))
                .collect();
            let mut message = format!(
                "`{}` lists {} reference field{} but `{}` is identified by {} field{} ({}): \
                 list one reference field of `{}` per identifier field, in the same order",
                site.qualified_name(),
                references.names.len(),
                if references.names.len() == 1 { "" } else { "s" },
                site.related_name,
                identifier.len(),
                if identifier.len() == 1 { "" } else { "s" },
                keys.join(", "),
                site.model_name,
            );
            let fix = completion(context, pairing, &references);
            if let Some((list, _)) = &fix {
                message.push_str(&format!(": {list}"));
            }
            let (label_span, label) = references.identifier_label();
            context.report(
                Diagnostic::new(&REFERENCE_COUNT_MISMATCH, references.span, message)
                    .with_label(label_span, label)
                    .with_optional_fix(fix.map(|(_, fix)| fix)),
            );
        }
    }
}

/// The completed list and the fix that writes it, when references are missing and the
/// given ones all read `<prefix><IdentifierField>` with one prefix.
fn completion(
    context: &Context,
    pairing: &Pairing,
    references: &ChildReferences,
) -> Option<(String, Fix)> {
    let identifier = references.identifier.as_ref()?;
    if references.names.len() >= identifier.len() || references.names.is_empty() {
        return None;
    }
    let first = &references.names[0].value;
    let prefix = identifier
        .iter()
        .find_map(|key| first.strip_suffix(&upper_first(&key.value)))?;
    if prefix.is_empty() {
        return None;
    }
    let completed: Vec<String> = identifier
        .iter()
        .map(|key| format!("{prefix}{}", upper_first(&key.value)))
        .collect();
    if !references
        .names
        .iter()
        .all(|name| completed.contains(&name.value))
    {
        return None;
    }
    let site = references.site;
    let quote = quote_of(context.source, references.names[0].span);
    let list = format!(
        "[{}]",
        completed
            .iter()
            .map(|name| format!("{quote}{name}{quote}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut edits = vec![Edit::replace(references.span, list.clone())];
    if let Status::Matched(other) = pairing.status[references.index] {
        let counterpart = &pairing.sites[other];
        if let crate::model::References::Known { span, .. } = &counterpart.relationship.references {
            edits.push(Edit::replace(*span, list.clone()));
        }
    }
    let mut declarations = String::new();
    let mut anchor = None;
    for (key, name) in identifier.iter().zip(&completed) {
        if site.model.field(name).is_some() {
            continue;
        }
        let scalar = site.related.scalar_of(&key.value)?;
        let declaration = format!(
            "{}: {}",
            object_key(name, quote_of(context.source, site.relationship.span)),
            builder_call(builder_of(site.field), scalar)
        );
        let edit = insert_before_field(context.source, site.model, site.field, &declaration)?;
        anchor = Some(edit.span);
        declarations.push_str(&edit.text);
    }
    if let Some(anchor) = anchor {
        edits.push(Edit::insert(anchor, declarations));
    }
    Some((
        list.clone(),
        Fix::unsafe_(format!("List the references as {list}"), edits),
    ))
}
