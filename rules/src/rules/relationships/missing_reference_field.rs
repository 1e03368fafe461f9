use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::fix::{Edit, Fix};
use crate::model::{References, RelationKind, Scalar};
use crate::rules::Context;
use crate::suggest::did_you_mean;

use super::edits::{
    builder_call, builder_of, insert_before_field, lower_camel, object_key, quote_of, upper_first,
};
use super::pairing::{Pairing, Site, Status};
use super::references::{child_references, plain_scalar};

declare_rule! {
    /// ## What it does
    /// Checks that every name in a relationship's references list is a field of the child
    /// model (the model holding the `belongsTo`), and that references are given at all.
    /// The diagnostic points at the reference string (`'teamId'`); for a relationship
    /// without references (Gen 1 style `a.belongsTo('Team')`) at the relationship call.
    /// Reported on the belongsTo side only; when the two sides list different references,
    /// `inverse-relation-mismatch` reports instead.
    ///
    /// ## Why is this bad?
    /// Amplify stops the deployment with `reference field 'teamId' must be defined on
    /// Member`, also when the field was declared on the parent instead, and with
    /// `'undefined'` when no references were given (Gen 2 has no implicit foreign keys).
    ///
    /// ## Example
    /// ```ts
    /// Member: a.model({
    ///   team: a.belongsTo('Team', 'teamId'), // Member has no teamId field
    /// }),
    /// Team: a.model({
    ///   members: a.hasMany('Member', 'teamId'),
    /// }),
    /// ```
    ///
    /// ## Fix
    /// Adds the field to the child model, just before the relationship, typed like the
    /// parent's identifier field at that position (`teamId: a.id()`); for a relationship
    /// without references, also names them (`teamId`) on both sides (unsafe: it changes
    /// the data model).
    pub(crate) static MISSING_REFERENCE_FIELD = {
        name: "missing-reference-field",
        severity: Error,
        fix: Sometimes,
    }
}

pub(crate) fn check(context: &mut Context) {
    for pairing in context.relationship_pairings() {
        let _schema = pairing.schema;
        check_named_references(context, pairing);
        check_missing_lists(context, pairing);
    }
}

/// Each name of a belongsTo's list that is not a field of the child.
fn check_named_references(context: &mut Context, pairing: &Pairing) {
    for references in child_references(pairing) {
        let site = references.site;
        let child = references.child();
        let identifier_scalars = references.identifier_scalars();
        for (position, (name, field)) in references.names.iter().zip(&references.fields).enumerate()
        {
            if field.is_some() {
                continue;
            }
            let typed = identifier_scalars
                .as_ref()
                .and_then(|scalars| scalars.get(position).copied())
                .filter(|_| {
                    references.identifier.as_ref().map(Vec::len) == Some(references.names.len())
                });
            let mut message = format!(
                "`{}` is not a field of `{}`, the model holding `{}`",
                name.value,
                site.model_name,
                site.qualified_name()
            );
            let on_parent =
                site.related.field(&name.value).is_some() && site.related_name != site.model_name;
            if on_parent {
                message.push_str(&format!(
                    "; it is declared on the parent `{}`, but reference fields belong on the child",
                    site.related_name
                ));
            }
            let candidates = child
                .fields
                .iter()
                .filter(|field| plain_scalar(field).is_some())
                .filter(|field| !references.names.iter().any(|used| used.value == field.name))
                .map(|field| field.name.as_str());
            let suggestion = did_you_mean(&name.value, candidates);
            let declaration = typed.map(|scalar| {
                format!(
                    "{}: {}",
                    object_key(&name.value, quote_of(context.source, name.span)),
                    builder_call(builder_of(site.field), scalar)
                )
            });
            match (suggestion, &declaration) {
                // A typo: adding a second, misspelled field would be the wrong repair.
                (Some(suggestion), _) => message.push_str(&format!(
                    "; did you mean `{suggestion}`? Rename the reference on both sides"
                )),
                (None, Some(declaration)) => {
                    message.push_str(&format!("; add `{declaration}` to `{}`", site.model_name))
                }
                (None, None) => message.push_str(&format!(
                    "; add a field `{}` to `{}` typed like `{}`'s identifier",
                    name.value, site.model_name, site.related_name
                )),
            }
            let fix = declaration
                .filter(|_| suggestion.is_none())
                .and_then(|declaration| {
                    insert_before_field(context.source, child, site.field, &declaration).map(
                        |edit| {
                            Fix::unsafe_(
                                format!("Add `{declaration}` to `{}`", site.model_name),
                                vec![edit],
                            )
                        },
                    )
                });
            let mut diagnostic = Diagnostic::new(&MISSING_REFERENCE_FIELD, name.span, message)
                .with_optional_fix(fix);
            if let Some(parent_field) = site.related.field(&name.value).filter(|_| on_parent) {
                diagnostic = diagnostic.with_label(
                    parent_field.key_span,
                    format!(
                        "`{}` is declared on `{}` here",
                        name.value, site.related_name
                    ),
                );
            } else if references.identifier.is_some() {
                let (span, label) = references.identifier_label();
                diagnostic = diagnostic.with_label(span, label);
            }
            context.report(diagnostic);
        }
    }
}

/// Relationships without a references argument: on the belongsTo side, or on a parent side
/// that has no belongsTo at all.
fn check_missing_lists(context: &mut Context, pairing: &Pairing) {
    for (index, site) in pairing.sites.iter().enumerate() {
        if !matches!(site.relationship.references, References::Missing) {
            continue;
        }
        let status = &pairing.status[index];
        let reported = match (site.kind(), status) {
            (_, Status::Mismatch(_)) => false,
            (RelationKind::BelongsTo, _) => true,
            (_, Status::MissingInverse) => true,
            _ => false,
        };
        if !reported {
            continue;
        }
        let counterpart = match status {
            Status::Matched(other) => Some(&pairing.sites[*other]),
            _ => None,
        };
        let (child_name, parent_name) = if site.kind() == RelationKind::BelongsTo {
            (site.model_name, site.related_name)
        } else {
            (site.related_name, site.model_name)
        };
        // With several counterparts, naming references on one pair would leave the others
        // mismatched: only say what is missing.
        let proposal = if site.kind() == RelationKind::BelongsTo
            && matches!(status, Status::Matched(_) | Status::MissingInverse)
        {
            propose_references(site)
        } else {
            None
        };
        let mut message = format!(
            "`{}` names no reference fields: Gen 2 relationships need the fields of `{child_name}` \
             that hold `{parent_name}`'s identifier",
            site.qualified_name()
        );
        match &proposal {
            Some(proposal) => message.push_str(&format!(
                "; add {} to `{child_name}` and pass {} to both sides",
                proposal
                    .declarations
                    .iter()
                    .map(|declaration| format!("`{declaration}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                proposal.argument
            )),
            None if site.kind() == RelationKind::BelongsTo => message.push_str(&format!(
                "; add a reference field to `{child_name}` and pass its name to both sides"
            )),
            None => message.push_str(&format!(
                "; add a reference field and a `belongsTo('{parent_name}', ...)` over it to \
                 `{child_name}`, and pass the field's name here too"
            )),
        }
        let fix =
            proposal.and_then(|proposal| fix_missing_list(context, site, counterpart, proposal));
        let mut diagnostic = Diagnostic::new(&MISSING_REFERENCE_FIELD, site.call_span(), message)
            .with_optional_fix(fix);
        if let Some(counterpart) = counterpart {
            diagnostic = diagnostic.with_label(
                counterpart.call_span(),
                format!(
                    "the other side, `{}`, names none either",
                    counterpart.qualified_name()
                ),
            );
        }
        context.report(diagnostic);
    }
}

/// Reference fields named after the parent and its identifier (`teamId`), typed like it.
struct Proposal {
    /// `'teamId'` or `['storeRegion', 'storeCode']`.
    argument: String,
    /// `teamId: a.id()` for each field the child lacks.
    declarations: Vec<String>,
}

fn propose_references(site: &Site) -> Option<Proposal> {
    let identifier = site.related.identifier_fields()?;
    let prefix = lower_camel(site.related_name);
    let mut names = Vec::new();
    let mut declarations = Vec::new();
    for key in &identifier {
        let scalar: Scalar = site.related.scalar_of(&key.value)?;
        let name = format!("{prefix}{}", upper_first(&key.value));
        match site.model.field(&name) {
            Some(existing) if plain_scalar(existing).is_some() => {}
            Some(_) => return None,
            None => declarations.push(format!(
                "{name}: {}",
                builder_call(builder_of(site.field), scalar)
            )),
        }
        names.push(format!("'{name}'"));
    }
    let argument = match names.as_slice() {
        [single] => single.clone(),
        _ => format!("[{}]", names.join(", ")),
    };
    Some(Proposal {
        argument,
        declarations,
    })
}

fn fix_missing_list(
    context: &Context,
    site: &Site,
    counterpart: Option<&Site>,
    proposal: Proposal,
) -> Option<Fix> {
    let argument = |site: &Site| -> Option<Edit> {
        let first = site.relationship.related_model_span?;
        let quote = quote_of(context.source, first);
        let text = proposal.argument.replace('\'', &quote.to_string());
        Some(Edit::insert(first.at_end(), format!(", {text}")))
    };
    let mut edits = vec![argument(site)?];
    if let Some(counterpart) = counterpart {
        edits.push(argument(counterpart)?);
    }
    for declaration in &proposal.declarations {
        edits.push(insert_before_field(
            context.source,
            site.model,
            site.field,
            declaration,
        )?);
    }
    if proposal.declarations.len() > 1 {
        // Several fields at one place: one edit with all of them.
        let first = edits.len() - proposal.declarations.len();
        let merged: String = edits[first..]
            .iter()
            .map(|edit| edit.text.clone())
            .collect();
        let span = edits[first].span;
        edits.truncate(first);
        edits.push(Edit::insert(span, merged));
    }
    Some(Fix::unsafe_(
        format!("Add the reference fields {}", proposal.argument),
        edits,
    ))
}
