use std::borrow::Cow;

use rustc_hash::FxHashMap;

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::fix::{Edit, Fix};
use crate::model::{AuthRule, Operations};
use crate::rules::authorization::{quoted, AuthSite};
use crate::rules::Context;
use crate::span::Span;

declare_rule! {
    /// ## What it does
    /// Flags two authorization rules of one model, field, custom operation or schema that
    /// Amplify sees as the same rule: the same strategy and provider, and the same owner
    /// field or groups (and claims). Splitting one rule's operations over two rules is the
    /// usual cause: `allow.publicApiKey().to(['read'])` and
    /// `allow.publicApiKey().to(['create'])`.
    ///
    /// ## Why is this bad?
    /// The transformer stops with `@auth Post:apiKey:public already exists for Post`.
    ///
    /// ## Example
    /// ```ts
    /// .authorization((allow) => [
    ///   allow.owner().to(['read']),
    ///   allow.owner().to(['update']),
    /// ])
    /// ```
    ///
    /// ## Fix
    /// Merges the second rule's operations into the first and removes the second. Safe when
    /// the second grants nothing the first does not already grant (the first has no `.to`,
    /// or lists all of the second's operations); unsafe otherwise, since the merged rule is
    /// a rewrite of what the author wrote.
    pub(crate) static DUPLICATE_AUTH_RULE = {
        name: "duplicate-auth-rule",
        severity: Error,
        fix: Sometimes,
    }
}

pub(crate) fn check(context: &mut Context) {
    for site in context.authorization_sites() {
        check_site(context, site);
    }
}

/// What Amplify compares: the data-level strategy, the provider, the owner / group field
/// or the static groups, and the identity / group claim.
#[derive(PartialEq, Eq, Hash)]
struct Identity<'r> {
    kind: &'static str,
    provider: String,
    subject: Cow<'r, str>,
    identity_claim: &'r str,
    group_claim: &'r str,
}

fn identity_of(rule: &AuthRule) -> Option<Identity<'_>> {
    let strategy = rule.strategy.value.as_str();
    let call = &rule.strategy_call;
    let provider = rule.provider()?;
    let argument = |n: usize| {
        call.arg(n)
            .and_then(|value| value.as_str())
            .map(Cow::Borrowed)
    };
    let claim = |name: &str| -> Option<&str> {
        match rule.modifier(name) {
            None => Some(""),
            Some(modifier) => modifier.arg(0)?.as_str(),
        }
    };
    let (kind, subject) = match strategy {
        "publicApiKey" | "guest" => ("public", Cow::Borrowed("")),
        "authenticated" => ("private", Cow::Borrowed("")),
        "custom" => ("custom", Cow::Borrowed("")),
        "owner" => ("owner", Cow::Borrowed("owner")),
        "ownerDefinedIn" => ("owner", argument(0)?),
        // A field implied once as a string and once as a list is `invalid-auth-rule`'s.
        "ownersDefinedIn" => ("owners", argument(0)?),
        "groupDefinedIn" => ("dynamicGroup", argument(0)?),
        "groupsDefinedIn" => ("dynamicGroups", argument(0)?),
        "group" => ("staticGroup", argument(0)?),
        "groups" => {
            let groups = call.arg(0)?.string_list()?;
            let names: Vec<&str> = groups.iter().map(|group| group.value.as_str()).collect();
            ("staticGroup", Cow::Owned(names.join("\u{1}")))
        }
        _ => return None,
    };
    Some(Identity {
        kind,
        provider,
        subject,
        identity_claim: claim("identityClaim")?,
        group_claim: claim("withClaimIn")?,
    })
}

fn check_site(context: &mut Context, site: &AuthSite) {
    let authorization = &site.authorization;
    if !authorization.complete || authorization.rules.len() < 2 {
        return;
    }
    let mut first_of: FxHashMap<Identity<'_>, usize> = FxHashMap::default();
    for (index, rule) in authorization.rules.iter().enumerate() {
        let Some(identity) = identity_of(rule) else {
            continue;
        };
        let Some(&first_index) = first_of.get(&identity) else {
            first_of.insert(identity, index);
            continue;
        };
        let first = &authorization.rules[first_index];
        let written = context.text(rule.strategy_call.span);
        let message = format!(
            "`allow.{written}` repeats a rule of {} (same strategy, provider and owner field / \
             groups): Amplify stops with `@auth ... already exists`; give one rule all the \
             operations (`.to([...])`) instead of two",
            site.describe()
        );
        let fix = if authorization.returns_array {
            merge_fix(context, authorization.rules.as_slice(), first_index, index)
        } else {
            None
        };
        context.report(
            Diagnostic::new(&DUPLICATE_AUTH_RULE, rule.strategy.span, message)
                .with_label(first.strategy.span, "the same rule is first given here")
                .with_optional_fix(fix),
        );
    }
}

/// The operations of a rule: `None` for all (no `.to`), the names for a readable list.
enum Granted {
    All,
    Listed(Vec<String>, Span),
}

fn granted(rule: &AuthRule) -> Option<Granted> {
    match rule.operations() {
        None => Some(Granted::All),
        Some(Operations::List {
            operations,
            complete: true,
            span,
        }) => Some(Granted::Listed(
            operations
                .into_iter()
                .map(|operation| operation.value)
                .collect(),
            span,
        )),
        Some(_) => None,
    }
}

fn merge_fix(context: &Context, rules: &[AuthRule], first: usize, second: usize) -> Option<Fix> {
    let previous = rules.get(second.checked_sub(1)?)?;
    let duplicate = &rules[second];
    // Removes `, allow.x()` (the separator before it and the rule).
    let removal = Edit::delete(Span::new(
        duplicate.span.file,
        previous.span.end,
        duplicate.span.end,
    ));
    let first_rule = &rules[first];
    match (granted(first_rule)?, granted(duplicate)?) {
        (Granted::All, _) => Some(Fix::safe(
            "Remove the repeated rule (the first already grants every operation)",
            vec![removal],
        )),
        (Granted::Listed(..), Granted::All) => {
            let to = first_rule.modifier("to")?;
            Some(Fix::unsafe_(
                "Remove the repeated rule and `.to(...)` of the first (together they grant every operation)",
                vec![Edit::delete(to.tail_span), removal],
            ))
        }
        (Granted::Listed(first_operations, span), Granted::Listed(second_operations, _)) => {
            let missing: Vec<&String> = second_operations
                .iter()
                .filter(|operation| !first_operations.contains(operation))
                .collect();
            if missing.is_empty() {
                return Some(Fix::safe(
                    "Remove the repeated rule (the first already grants its operations)",
                    vec![removal],
                ));
            }
            let array_text = context.text(span);
            let inner = array_text.strip_prefix('[')?.strip_suffix(']')?;
            let trimmed = inner.trim_end();
            let trimmed = trimmed.strip_suffix(',').unwrap_or(trimmed).trim_end();
            let like = like_string(context, span);
            let additions: Vec<String> = missing
                .iter()
                .map(|operation| quoted(context, like, operation))
                .collect();
            let merged = if trimmed.trim().is_empty() {
                format!("[{}]", additions.join(", "))
            } else {
                format!("[{trimmed}, {}]", additions.join(", "))
            };
            Some(Fix::unsafe_(
                format!(
                    "Merge `{}` into the first rule and remove the repeated one",
                    missing
                        .iter()
                        .map(|operation| format!("'{operation}'"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                vec![Edit::replace(span, merged), removal],
            ))
        }
    }
}

/// A span starting at the first string literal inside `span`, so `quoted` copies its quote.
fn like_string(context: &Context, span: Span) -> Span {
    let text = context.text(span);
    match text.find(['\'', '"']) {
        Some(offset) => Span::new(span.file, span.start + offset, span.end),
        None => span,
    }
}
