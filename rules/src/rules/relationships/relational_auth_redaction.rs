use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::model::{Authorization, Model, Schema};
use crate::rules::Context;
use crate::span::Span;

use super::pairing::Status;

declare_rule! {
    /// ## What it does
    /// Notes relationship fields whose two models have different authorization rules (a
    /// model's own rules, or the schema's when it has none). Reported on each such
    /// relationship field's name, with a related label on the related model's rules.
    ///
    /// ## Why is this bad?
    /// It deploys, and it is often deliberate. But Amplify redacts the relational field in
    /// subscriptions and mutation responses whenever it cannot tell that the related
    /// model is protected by the same rules (documented in the relationships guide): the
    /// field arrives as `null` and clients must query it separately.
    ///
    /// ## Example
    /// ```ts
    /// Team: a.model({
    ///   members: a.hasMany('Member', 'teamId'),
    /// }).authorization((allow) => [allow.publicApiKey()]),
    /// Member: a.model({
    ///   teamId: a.id(),
    ///   team: a.belongsTo('Team', 'teamId'),
    /// }).authorization((allow) => [allow.owner()]),
    /// ```
    ///
    /// ## Fix
    /// None: give both models the same rules if the field must reach subscribers, or
    /// query the relationship after the event.
    pub(crate) static RELATIONAL_AUTH_REDACTION = {
        name: "relational-auth-redaction",
        severity: Info,
        fix: None,
    }
}

pub(crate) fn check(context: &mut Context) {
    for pairing in context.relationship_pairings() {
        let schema = pairing.schema;
        for (index, site) in pairing.sites.iter().enumerate() {
            if !matches!(pairing.status[index], Status::Matched(_))
                || site.model_name == site.related_name
            {
                continue;
            }
            let (Some((own, _)), Some((related, related_span))) = (
                effective_rules(context, schema, site.model),
                effective_rules(context, schema, site.related),
            ) else {
                continue;
            };
            if own == related {
                continue;
            }
            let message = format!(
                "`{}` is redacted (null) in subscriptions and mutation responses: `{}` and \
                 `{}` have different authorization rules; clients must query it separately, \
                 or give both models the same rules",
                site.qualified_name(),
                site.model_name,
                site.related_name
            );
            context.report(
                Diagnostic::new(&RELATIONAL_AUTH_REDACTION, site.field.key_span, message)
                    .with_label(related_span, format!("`{}`'s rules", site.related_name)),
            );
        }
    }
}

/// A model's rules as comparable text (strategy onwards, whitespace and quote style
/// removed, sorted), and where they are written; `None` when they cannot be read.
fn effective_rules(
    context: &Context,
    schema: &Schema,
    model: &Model,
) -> Option<(Vec<String>, Span)> {
    let authorization: &Authorization = model
        .authorization
        .as_ref()
        .or(schema.authorization.as_ref())?;
    if !authorization.complete {
        return None;
    }
    let mut rules: Vec<String> = authorization
        .rules
        .iter()
        .map(|rule| {
            let span = Span::new(rule.span.file, rule.strategy.span.start, rule.span.end);
            context
                .text(span)
                .chars()
                .filter(|c| !c.is_whitespace())
                .map(|c| if c == '"' { '\'' } else { c })
                .collect()
        })
        .collect();
    rules.sort();
    rules.dedup();
    Some((rules, authorization.span))
}
