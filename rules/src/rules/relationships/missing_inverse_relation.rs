use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::fix::Fix;
use crate::model::{References, RelationKind};
use crate::rules::Context;

use super::edits::{
    builder_call, builder_of, insert_after_last_field, lower_camel, lower_camel_plural, object_key,
    quote_of, unique_field_name,
};
use super::pairing::{Site, Status};

declare_rule! {
    /// ## What it does
    /// Checks that every relationship has its counterpart on the related model: a
    /// `hasMany`/`hasOne` needs a `belongsTo` back with the identical references list, and
    /// a `belongsTo` needs a `hasMany` or `hasOne` back. Fires when nothing on the related
    /// model points back at all (a counterpart that differs is
    /// `inverse-relation-mismatch`). The diagnostic points at the relationship call
    /// (`a.hasMany('Member', 'teamId')`); a related label points at the related model.
    ///
    /// ## Why is this bad?
    /// Gen 2 has no one-sided relationships. Amplify stops the deployment with `Unable to
    /// find associated relationship definition in Member for Team.members`.
    ///
    /// ## Example
    /// ```ts
    /// Order: a.model({
    ///   lines: a.hasMany('OrderLine', 'orderId'),
    /// }),
    /// OrderLine: a.model({
    ///   orderId: a.id(),
    /// }),
    /// ```
    ///
    /// ## Fix
    /// Inserts the counterpart into the related model after its last field, indented like
    /// its fields and keeping their trailing-comma style: for a `hasMany`/`hasOne` on
    /// `Order`, `order: a.belongsTo('Order', 'orderId')` plus any missing reference field
    /// typed like `Order`'s identifier (`orderId: a.id()`); for a `belongsTo` on `Member`,
    /// `members: a.hasMany('Member', 'teamId')` (unsafe: a `hasOne` may be meant).
    pub(crate) static MISSING_INVERSE_RELATION = {
        name: "missing-inverse-relation",
        severity: Error,
        fix: Sometimes,
    }
}

pub(crate) fn check(context: &mut Context) {
    for pairing in context.relationship_pairings() {
        let _schema = pairing.schema;
        for (index, site) in pairing.sites.iter().enumerate() {
            if pairing.status[index] != Status::MissingInverse {
                continue;
            }
            // Without references, `missing-reference-field` reports the relationship.
            if !matches!(site.relationship.references, References::Known { .. }) {
                continue;
            }
            let counterpart = counterpart_fields(context.source, site);
            let wanted = match site.kind() {
                RelationKind::BelongsTo => "`hasMany` or `hasOne`",
                _ => "`belongsTo`",
            };
            let mut message = format!(
                "`{}` has no counterpart: `{}` has no {wanted} pointing back at `{}` with the \
                 references {}",
                site.qualified_name(),
                site.related_name,
                site.model_name,
                site.references_text(context.source)
            );
            if let Some(fields) = &counterpart {
                let listed: Vec<String> = fields.iter().map(|field| format!("`{field}`")).collect();
                message.push_str(&format!(
                    "; add {} to `{}`",
                    listed.join(" and "),
                    site.related_name
                ));
            }
            let fix = counterpart.and_then(|fields| {
                let edit = insert_after_last_field(context.source, site.related, &fields)?;
                let title = format!(
                    "Add `{}` to `{}`",
                    fields.last().map_or("", String::as_str),
                    site.related_name
                );
                Some(Fix::unsafe_(title, vec![edit]))
            });
            context.report(
                Diagnostic::new(&MISSING_INVERSE_RELATION, site.call_span(), message)
                    .with_label(
                        site.related_type.key_span,
                        format!(
                            "`{}` has no relationship back to `{}` with these references",
                            site.related_name, site.model_name
                        ),
                    )
                    .with_optional_fix(fix),
            );
        }
    }
}

/// The fields to add to the related model: missing reference fields (for a child) and the
/// counterpart relationship, each as `name: value`.
fn counterpart_fields(source: &str, site: &Site) -> Option<Vec<String>> {
    let names = site.relationship.references.fields()?;
    let references_span = match &site.relationship.references {
        References::Known { span, .. } => *span,
        _ => return None,
    };
    let references_text = source.get(references_span.range())?;
    let quote = quote_of(source, site.relationship.related_model_span?);
    let builder = builder_of(site.field);
    let related = site.related;
    let mut fields = Vec::new();
    let mut taken = Vec::new();
    let (base, call) = match site.kind() {
        RelationKind::BelongsTo => (
            lower_camel_plural(site.model_name),
            format!(
                "{builder}.hasMany({quote}{}{quote}, {references_text})",
                site.model_name
            ),
        ),
        RelationKind::HasMany | RelationKind::HasOne => {
            // The related model is the child: it holds the reference fields.
            let identifier = site.model.identifier_fields()?;
            if identifier.len() != names.len() {
                return None;
            }
            for (name, key) in names.iter().zip(&identifier) {
                if related.field(&name.value).is_some() || taken.contains(&name.value) {
                    continue;
                }
                let scalar = site.model.scalar_of(&key.value)?;
                fields.push(format!(
                    "{}: {}",
                    object_key(&name.value, quote),
                    builder_call(builder, scalar)
                ));
                taken.push(name.value.clone());
            }
            (
                lower_camel(site.model_name),
                format!(
                    "{builder}.belongsTo({quote}{}{quote}, {references_text})",
                    site.model_name
                ),
            )
        }
    };
    let name = unique_field_name(related, &base, &taken);
    fields.push(format!("{name}: {call}"));
    Some(fields)
}
