use rustc_hash::FxHashSet;

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::model::{AuthRule, Authorization, FieldKind, Model, Scalar, SchemaType};
use crate::rules::authorization::AuthLevel;
use crate::rules::Context;
use crate::value::Value;

declare_rule! {
    /// ## What it does
    /// Flags `allow.groups([])`, and an explicit field that an authorization rule implies
    /// when its type or plurality does not match: the `owner` field of `allow.owner()`, and
    /// the field named in `ownerDefinedIn` / `groupDefinedIn` (one string) or
    /// `ownersDefinedIn` / `groupsDefinedIn` (a list of strings); also two rules that imply
    /// the same field once as a string and once as a list.
    ///
    /// ## Why is this bad?
    /// `allow.groups([])` fails with `@auth rules using groups cannot have an empty list`.
    /// Amplify adds the implied field itself; an explicit one must match it, or the
    /// deployment stops with `Implicit field owner conflicts with the explicit field
    /// definition.` (no location); two rules disagreeing on it stop it with `Field editors
    /// defined twice with conflicting definitions.` Amplify treats ID and the other
    /// string-like scalars (AWSDate, AWSEmail, AWSURL, ...) as strings here.
    ///
    /// ## Example
    /// ```ts
    /// Post: a.model({
    ///   owner: a.integer(),
    ///   editors: a.string(),
    /// }).authorization((allow) => [allow.owner(), allow.ownersDefinedIn('editors')]),
    /// ```
    ///
    /// ## Fix
    /// None: declare the field as `a.string()` (or `a.id()`), with `.array()` for
    /// `ownersDefinedIn` / `groupsDefinedIn`, or remove it and let Amplify add it.
    pub(crate) static INVALID_AUTH_RULE = {
        name: "invalid-auth-rule",
        severity: Error,
        fix: None,
    }
}

pub(crate) fn check(context: &mut Context) {
    let sites = context.authorization_sites();
    for site in sites {
        for rule in &site.authorization.rules {
            check_empty_groups(context, rule);
        }
        check_conflicting_implied_fields(context, &site.authorization);
    }
    // Implied fields: model rules (and field rules) apply to their model; schema rules to
    // every model without rules of its own.
    let mut reported = FxHashSet::default();
    for site in sites {
        match site.level {
            AuthLevel::Model | AuthLevel::Field => {
                if let (Some(model), Some(name)) = (site.model, site.type_name) {
                    check_implied_fields(context, name, model, &site.authorization, &mut reported);
                }
            }
            AuthLevel::Schema => {
                let models: Vec<(&SchemaType, &Model)> = site
                    .schema
                    .models()
                    .filter(|(_, model)| match &model.authorization {
                        // An empty list of model rules falls back to the schema's too.
                        None => true,
                        Some(own) => own.complete && own.rules.is_empty(),
                    })
                    .collect();
                for (schema_type, model) in models {
                    check_implied_fields(
                        context,
                        &schema_type.name,
                        model,
                        &site.authorization,
                        &mut reported,
                    );
                }
            }
            AuthLevel::CustomOperation => {}
        }
    }
}

fn check_empty_groups(context: &mut Context, rule: &AuthRule) {
    if rule.strategy.value != "groups" {
        return;
    }
    let Some(Value::Array(array)) = rule.strategy_call.arg(0) else {
        return;
    };
    if array.complete && array.items.is_empty() {
        context.report(Diagnostic::new(
            &INVALID_AUTH_RULE,
            array.span,
            "`allow.groups([])` names no group (Amplify stops with `@auth rules using groups \
             cannot have an empty list`): list the groups that get access, e.g. \
             `allow.groups(['Admin'])`, or remove the rule",
        ));
    }
}

/// Two rules of one list implying the same field, one as a string and one as a list
/// (`ownerDefinedIn('editors')` with `ownersDefinedIn('editors')`): Amplify stops with
/// `Field editors defined twice with conflicting definitions.`
fn check_conflicting_implied_fields(context: &mut Context, authorization: &Authorization) {
    let mut first_of: rustc_hash::FxHashMap<String, (bool, &AuthRule)> =
        rustc_hash::FxHashMap::default();
    for rule in &authorization.rules {
        let Some((field_name, list)) = implied_field(rule) else {
            continue;
        };
        match first_of.get(&field_name) {
            None => {
                first_of.insert(field_name, (list, rule));
            }
            Some(&(first_list, first_rule)) if first_list != list => {
                let span = rule
                    .strategy_call
                    .arg(0)
                    .map_or(rule.strategy.span, Value::span);
                let describe = |list: bool| {
                    if list {
                        "a list of strings"
                    } else {
                        "one string"
                    }
                };
                context.report(
                    Diagnostic::new(
                        &INVALID_AUTH_RULE,
                        span,
                        format!(
                            "`allow.{}` makes `{field_name}` {}, but `allow.{}` makes it {}: \
                             Amplify stops with `Field {field_name} defined twice with \
                             conflicting definitions.`; use one field per rule, or the same \
                             plurality in both",
                            rule.strategy.value,
                            describe(list),
                            first_rule.strategy.value,
                            describe(first_list)
                        ),
                    )
                    .with_label(
                        first_rule.strategy.span,
                        format!("`{field_name}` is first implied here"),
                    ),
                );
            }
            Some(_) => {}
        }
    }
}

/// The field a rule implies and whether it is a list.
fn implied_field(rule: &AuthRule) -> Option<(String, bool)> {
    let argument = || {
        rule.strategy_call
            .arg(0)
            .and_then(|value| value.as_str())
            .map(str::to_string)
    };
    match rule.strategy.value.as_str() {
        "owner" => Some(("owner".to_string(), false)),
        "ownerDefinedIn" | "groupDefinedIn" => Some((argument()?, false)),
        "ownersDefinedIn" | "groupsDefinedIn" => Some((argument()?, true)),
        _ => None,
    }
}

/// Types Amplify treats as strings when comparing an explicit field with an implied one.
fn is_string_like(scalar: Scalar) -> bool {
    matches!(
        scalar,
        Scalar::Id
            | Scalar::String
            | Scalar::Date
            | Scalar::Time
            | Scalar::DateTime
            | Scalar::Email
            | Scalar::Phone
            | Scalar::Url
            | Scalar::IpAddress
    )
}

fn check_implied_fields(
    context: &mut Context,
    model_name: &str,
    model: &Model,
    authorization: &Authorization,
    reported: &mut FxHashSet<(usize, usize)>,
) {
    for rule in &authorization.rules {
        let Some((field_name, list)) = implied_field(rule) else {
            continue;
        };
        let Some(field) = model.field(&field_name) else {
            continue;
        };
        let type_ok = match &field.kind {
            FieldKind::Scalar(scalar) => is_string_like(*scalar),
            FieldKind::Ref { .. }
            | FieldKind::InlineEnum(_)
            | FieldKind::InlineCustomType(_)
            | FieldKind::Relationship(_) => false,
            FieldKind::Other(_) | FieldKind::Unknown => continue,
        };
        if type_ok && field.is_array() == list {
            continue;
        }
        if !reported.insert((field.key_span.start, field.key_span.end)) {
            continue;
        }
        let strategy = rule.strategy.value.as_str();
        let wanted = if list {
            "a list of strings (`a.string().array()`)"
        } else {
            "a single string (`a.string()` or `a.id()`, not a list)"
        };
        let written = context.text(rule.strategy_call.span);
        let message = format!(
            "`{model_name}.{field_name}` is the {} field of `allow.{written}` and must be \
             {wanted}, but it is declared as {}: Amplify stops with `Implicit field \
             {field_name} conflicts with the explicit field definition.`; change its type, or \
             remove it and let Amplify add it",
            if strategy.starts_with("group") {
                "group"
            } else {
                "owner"
            },
            field.describe()
        );
        context.report(
            Diagnostic::new(&INVALID_AUTH_RULE, field.key_span, message).with_label(
                rule.strategy.span,
                format!("`allow.{strategy}` implies the field `{field_name}` here"),
            ),
        );
    }
}
