use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::fix::{Edit, Fix};
use crate::model::AuthRule;
use crate::rules::authorization::{quoted, AuthSite};
use crate::rules::Context;
use crate::span::Span;
use crate::value::Value;

declare_rule! {
    /// ## What it does
    /// Flags the Gen 1 and preview authorization idioms that Gen 2 no longer has:
    /// `allow.public()`, `allow.private()` and rules written through the builder,
    /// `a.allow.owner()`.
    ///
    /// ## Why is this bad?
    /// Authorization callbacks run when the file loads, and `allow` has no `public` or
    /// `private` method any more: Amplify stops with `allow.public is not a function`
    /// before anything is deployed. `a.allow` does not exist at all.
    ///
    /// ## Example
    /// ```ts
    /// Post: a.model({ title: a.string() })
    ///   .authorization((allow) => [allow.public(), allow.private().to(['read'])]),
    /// ```
    ///
    /// ## Fix
    /// Renames to the Gen 2 strategy: `allow.public()` -> `allow.publicApiKey()` (or
    /// `allow.guest()` for IAM access: `allow.public('iam')` -> `allow.guest()`),
    /// `allow.private()` -> `allow.authenticated()` (`private('iam')` ->
    /// `authenticated('identityPool')`), and `a.allow.X(...)` -> `allow.X(...)` using the
    /// callback's parameter. The fix is unsafe: the file does not load today, so applying
    /// it is what first grants these users access to the data, and `public` could have
    /// meant API-key or IAM guest access; a person should confirm the choice (and
    /// `publicApiKey` also needs an API key mode in `defineData`).
    pub(crate) static PUBLIC_AUTH = {
        name: "public-auth",
        severity: Error,
        fix: Sometimes,
    }
}

pub(crate) fn check(context: &mut Context) {
    for site in context.authorization_sites() {
        for rule in &site.authorization.rules {
            check_rule(context, site, rule);
        }
        check_preview_array(context, site);
    }
}

/// The preview form without a callback: `.authorization([a.allow.owner()])`.
fn check_preview_array(context: &mut Context, site: &AuthSite) {
    let Some(Value::Array(array)) = site.call.arg(0) else {
        return;
    };
    let builder_names = &context.file.builder_names;
    let heads: Vec<(Span, String)> = array
        .items
        .iter()
        .filter_map(Value::as_chain)
        .filter(|chain| builder_names.contains(&chain.root.value))
        .filter_map(|chain| {
            let allow = chain.calls.first()?;
            let strategy = chain.calls.get(1)?;
            (allow.name.value == "allow" && allow.args.is_none()).then(|| {
                (
                    chain.root.span.cover(strategy.name.span),
                    strategy.name.value.clone(),
                )
            })
        })
        .collect();
    let mut fix = if array.complete && heads.len() == array.items.len() {
        let mut edits = vec![Edit::insert(array.span, "(allow) => ")];
        for chain in array.items.iter().filter_map(Value::as_chain) {
            if let Some(allow) = chain.calls.first() {
                edits.push(Edit::replace(
                    chain.root.span.cover(allow.name.span),
                    "allow",
                ));
            }
        }
        Some(Fix::unsafe_(
            "Use a callback: `(allow) => [allow.…]`",
            edits,
        ))
    } else {
        None
    };
    for (span, strategy) in heads {
        let written = context.text(span).to_string();
        context.report(
            Diagnostic::new(
                &PUBLIC_AUTH,
                span,
                format!(
                    "`{written}` in an array is the preview syntax: Gen 2 takes a callback, \
                     `.authorization((allow) => [allow.{strategy}(...)])`, and has no `a.allow`"
                ),
            )
            .with_optional_fix(fix.take()),
        );
    }
}

/// The Gen 2 call replacing a Gen 1 strategy with its (optional) provider argument:
/// `(strategy, argument text)`.
fn gen2_strategy(strategy: &str, provider: Option<&str>) -> Option<(&'static str, String)> {
    Some(match (strategy, provider) {
        ("public", None | Some("apiKey")) => ("publicApiKey", String::new()),
        ("public", Some("iam" | "identityPool")) => ("guest", String::new()),
        ("private", None) => ("authenticated", String::new()),
        ("private", Some("iam" | "identityPool")) => ("authenticated", "identityPool".to_string()),
        ("private", Some(provider @ ("userPools" | "oidc"))) => {
            ("authenticated", provider.to_string())
        }
        _ => return None,
    })
}

fn check_rule(context: &mut Context, site: &AuthSite, rule: &AuthRule) {
    let strategy = rule.strategy.value.as_str();
    let is_gen1 = matches!(strategy, "public" | "private");
    if !is_gen1 && !rule.via_builder_allow {
        return;
    }
    let call = &rule.strategy_call;
    let first_argument = call.arg(0);
    let provider = first_argument.and_then(|argument| argument.as_str());
    let argument_known = first_argument.is_none() || provider.is_some();
    let replacement = if is_gen1 {
        if argument_known && call.args.as_ref().is_some_and(|args| args.items.len() <= 1) {
            gen2_strategy(strategy, provider)
        } else {
            None
        }
    } else {
        None
    };

    // What is flagged: the strategy name, or `a.allow.X` for the builder form.
    let flagged = if rule.via_builder_allow {
        rule.chain.root.span.cover(rule.strategy.span)
    } else {
        rule.strategy.span
    };
    let parameter = site
        .authorization
        .parameter
        .as_ref()
        .map(|parameter| parameter.value.as_str());

    let mut message = String::new();
    if rule.via_builder_allow {
        let root = &rule.chain.root.value;
        message.push_str(&format!(
            "`{root}.allow.{strategy}` is the preview syntax: `{root}.allow` does not exist in \
             Gen 2; use the callback's parameter instead ({})",
            match parameter {
                Some(parameter) => format!(
                    "`{parameter}.{}(...)`",
                    replacement.as_ref().map_or(strategy, |(name, _)| *name)
                ),
                None => "`(allow) => [allow.owner()]`".to_string(),
            }
        ));
        if is_gen1 {
            message.push_str("; ");
        }
    }
    if is_gen1 {
        let written = match provider {
            Some(provider) => format!("allow.{strategy}('{provider}')"),
            None => format!("allow.{strategy}()"),
        };
        let advice = match (strategy, provider) {
            ("public", None | Some("apiKey")) => {
                "use `allow.publicApiKey()` for API-key access (it needs an API key mode in \
                 `defineData`), or `allow.guest()` for unauthenticated IAM (identity pool) access"
                    .to_string()
            }
            ("public", _) => "use `allow.guest()` for unauthenticated IAM (identity pool) \
                              access, or `allow.publicApiKey()` for API-key access"
                .to_string(),
            _ => match replacement.as_ref() {
                Some((name, provider)) if provider.is_empty() => format!("use `allow.{name}()`"),
                Some((name, provider)) => format!("use `allow.{name}('{provider}')`"),
                None => "use `allow.authenticated(...)`".to_string(),
            },
        };
        message.push_str(&format!(
            "`{written}` is Gen 1 syntax: Gen 2 has no `allow.{strategy}` (Amplify stops with \
             `allow.{strategy} is not a function` when the file loads); {advice}"
        ));
    }

    let fix = build_fix(context, rule, parameter, replacement.as_ref(), is_gen1);
    context.report(Diagnostic::new(&PUBLIC_AUTH, flagged, message).with_optional_fix(fix));
}

fn build_fix(
    context: &Context,
    rule: &AuthRule,
    parameter: Option<&str>,
    replacement: Option<&(&'static str, String)>,
    is_gen1: bool,
) -> Option<Fix> {
    let call = &rule.strategy_call;
    if is_gen1 && replacement.is_none() {
        return None;
    }
    let mut edits = Vec::new();
    let new_name = replacement.map_or(rule.strategy.value.as_str(), |(name, _)| name);
    if rule.via_builder_allow {
        let parameter = parameter?;
        let head = rule.chain.root.span.cover(rule.strategy.span);
        edits.push(Edit::replace(head, format!("{parameter}.{new_name}")));
    } else {
        edits.push(Edit::replace(rule.strategy.span, new_name));
    }
    if let Some((_, provider)) = replacement {
        let args = call.args.as_ref()?;
        let argument = match (provider.is_empty(), call.arg(0)) {
            (true, _) => String::new(),
            (false, Some(written)) => quoted(context, written.span(), provider),
            (false, None) => format!("'{provider}'"),
        };
        let current = context.text(args.span);
        let wanted = format!("({argument})");
        if current != wanted {
            let inner = Span::new(
                args.span.file,
                args.span.start + 1,
                args.span.end.saturating_sub(1).max(args.span.start + 1),
            );
            edits.push(Edit::replace(inner, argument));
        }
    }
    let title = match replacement {
        Some((name, provider)) if provider.is_empty() => format!("Use `allow.{name}()`"),
        Some((name, provider)) => format!("Use `allow.{name}('{provider}')`"),
        None => format!("Use the callback parameter: `{}.{new_name}`", parameter?),
    };
    Some(Fix::unsafe_(title, edits))
}
