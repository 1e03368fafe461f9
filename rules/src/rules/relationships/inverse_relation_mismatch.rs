use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::fix::{Edit, Fix};
use crate::model::References;
use crate::rules::Context;

use super::pairing::{compatible_kinds, Site, Status};

declare_rule! {
    /// ## What it does
    /// Checks that the two sides of a relationship agree: a `hasMany`/`hasOne` and a
    /// `belongsTo` with the identical references list (same names, same order). Fires when
    /// the related model points back, but with different references or with an
    /// incompatible kind (`belongsTo` on both sides, `hasOne` against `hasMany`).
    /// Reported once per pair, on the side that is most likely wrong (the side without
    /// references, else the side whose references are not the child's fields in the
    /// identifier's order, else the parent side; for incompatible kinds the later one), with
    /// a related label on the other side. The diagnostic points at the relationship call.
    ///
    /// ## Why is this bad?
    /// Amplify pairs the sides by their references list. It stops the deployment with
    /// `Unable to find associated relationship definition in Member for Team.members`,
    /// the same message as for a missing side, without saying what differs.
    ///
    /// ## Example
    /// ```ts
    /// Member: a.model({
    ///   teamId: a.id(),
    ///   team: a.belongsTo('Team', 'teamId'),
    /// }),
    /// Team: a.model({
    ///   members: a.hasMany('Member', 'teamID'),
    /// }),
    /// ```
    ///
    /// ## Fix
    /// For differing references, replaces this side's references with the other side's
    /// (unsafe: which side is right is a guess). None for incompatible kinds.
    pub(crate) static INVERSE_RELATION_MISMATCH = {
        name: "inverse-relation-mismatch",
        severity: Error,
        fix: Sometimes,
    }
}

pub(crate) fn check(context: &mut Context) {
    for pairing in context.relationship_pairings() {
        let _schema = pairing.schema;
        for (index, site) in pairing.sites.iter().enumerate() {
            if !pairing.reports_mismatch(index) {
                continue;
            }
            let Status::Mismatch(candidates) = &pairing.status[index] else {
                continue;
            };
            let diagnostic = match candidates.as_slice() {
                [other] => pair_diagnostic(context, site, &pairing.sites[*other]),
                several => {
                    several_diagnostic(context, site, several.iter().map(|&i| &pairing.sites[i]))
                }
            };
            context.report(diagnostic);
        }
    }
}

fn pair_diagnostic(context: &Context, site: &Site, other: &Site) -> Diagnostic {
    let this_kind = site.kind().as_str();
    let other_kind = other.kind().as_str();
    if !compatible_kinds(site.kind(), other.kind()) {
        let message = if site.kind().is_parent_side() {
            format!(
                "`{}` ({this_kind}) and its counterpart `{}` ({other_kind}) are both parent \
                 sides: the model holding the reference fields must use `a.belongsTo`",
                site.qualified_name(),
                other.qualified_name()
            )
        } else {
            format!(
                "`{}` and its counterpart `{}` are both `belongsTo`: one side must be the \
                 parent, with `a.hasMany` or `a.hasOne` over the child's reference fields",
                site.qualified_name(),
                other.qualified_name()
            )
        };
        return Diagnostic::new(&INVERSE_RELATION_MISMATCH, site.call_span(), message).with_label(
            other.call_span(),
            format!("`{}` is a {other_kind} too", other.qualified_name()),
        );
    }
    let this_text = site.references_text(context.source);
    let other_text = other.references_text(context.source);
    let lists = |site: &Site, text: &str| match site.relationship.references {
        References::Known { .. } => format!("lists the references {text}"),
        _ => "lists no references".to_string(),
    };
    let message = format!(
        "`{}` {}, but its counterpart `{}` {}: both sides must list the same reference fields \
         in the same order; use {other_text}",
        site.qualified_name(),
        lists(site, &this_text),
        other.qualified_name(),
        lists(other, &other_text)
    );
    let fix = align(context, site, other).map(|edit| {
        Fix::unsafe_(
            format!(
                "Use the references {other_text} as `{}` does",
                other.qualified_name()
            ),
            vec![edit],
        )
    });
    let label_span = match &other.relationship.references {
        References::Known { span, .. } => *span,
        _ => other.call_span(),
    };
    Diagnostic::new(&INVERSE_RELATION_MISMATCH, site.call_span(), message)
        .with_label(
            label_span,
            format!("`{}` lists {other_text} here", other.qualified_name()),
        )
        .with_optional_fix(fix)
}

/// Replaces (or adds) this side's references with the other side's text.
fn align(context: &Context, site: &Site, other: &Site) -> Option<Edit> {
    let References::Known {
        span: other_span, ..
    } = &other.relationship.references
    else {
        return None;
    };
    let text = context.source.get(other_span.range())?;
    match &site.relationship.references {
        References::Known { span, .. } => Some(Edit::replace(*span, text)),
        References::Missing => {
            let first = site.relationship.related_model_span?;
            Some(Edit::insert(first.at_end(), format!(", {text}")))
        }
        References::Unknown => None,
    }
}

fn several_diagnostic<'a, 's: 'a>(
    context: &Context,
    site: &Site,
    others: impl Iterator<Item = &'a Site<'s>>,
) -> Diagnostic {
    let others: Vec<&Site> = others.collect();
    let names: Vec<String> = others
        .iter()
        .map(|other| format!("`{}`", other.qualified_name()))
        .collect();
    let message = format!(
        "`{}` (references {}) matches none of the relationships of `{}` that point back at \
         `{}` ({}): pair it with one of them by giving both sides the same references list \
         and compatible kinds",
        site.qualified_name(),
        site.references_text(context.source),
        site.related_name,
        site.model_name,
        names.join(", ")
    );
    let mut diagnostic = Diagnostic::new(&INVERSE_RELATION_MISMATCH, site.call_span(), message);
    for other in others {
        diagnostic = diagnostic.with_label(
            other.call_span(),
            format!(
                "`{}` ({}, references {})",
                other.qualified_name(),
                other.kind().as_str(),
                other.references_text(context.source)
            ),
        );
    }
    diagnostic
}
