use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::fix::{Edit, Fix};
use crate::model::{AuthRule, DefineData};
use crate::rules::authorization::AuthSite;
use crate::rules::Context;
use crate::span::Span;
use crate::suggest::did_you_mean;
use crate::value::{ObjectValue, Value};

declare_rule! {
    /// ## What it does
    /// Checks that each authorization rule's provider is one its strategy accepts and one
    /// that `defineData`'s `authorizationModes` enables: `publicApiKey` needs an API key
    /// (`apiKeyAuthorizationMode` or `defaultAuthorizationMode: 'apiKey'`), `oidc` needs
    /// `oidcAuthorizationMode`, `custom` needs `lambdaAuthorizationMode`, user pool rules
    /// need `defineAuth`. IAM (`guest`, `identityPool`) is always enabled. Owner rules take
    /// only `userPools` / `oidc`, group rules the same, `authenticated` also
    /// `identityPool`, `custom` only `function`.
    ///
    /// ## Why is this bad?
    /// A provider a strategy does not accept throws `Invalid provider (apiKey) given!`
    /// when the file loads, or fails in the transformer (`@auth directive with 'groups'
    /// strategy only supports 'userPools' and 'oidc' providers`). A provider that is not
    /// enabled fails with `@auth directive with 'apiKey' provider found, but the project
    /// has no API Key authentication provider configured.` With `defineAuth` and no
    /// modes, the default is the user pool without an API key.
    ///
    /// ## Example
    /// ```ts
    /// Post: a.model({ title: a.string() })
    ///   .authorization((allow) => [allow.owner(), allow.publicApiKey().to(['read'])]),
    /// // ...
    /// export const data = defineData({
    ///   schema,
    ///   authorizationModes: { defaultAuthorizationMode: 'userPool' },
    /// });
    /// ```
    ///
    /// ## Fix
    /// For a missing API key, adds `apiKeyAuthorizationMode: { expiresInDays: 30 }` to the
    /// `authorizationModes` object of `defineData` in this file (unsafe: it creates a
    /// public API key). A misspelt provider with one close valid name is corrected (safe).
    /// OIDC and Lambda modes need values only the author knows, so they get no fix.
    pub(crate) static AUTH_PROVIDER_NOT_CONFIGURED = {
        name: "auth-provider-not-configured",
        severity: Error,
        fix: Sometimes,
    }
}

/// What the file's `defineData` enables; `None` where amplint cannot know.
#[derive(Clone, Copy, Debug, Default)]
struct EnabledModes {
    api_key: Option<bool>,
    user_pools: Option<bool>,
    oidc: Option<bool>,
    lambda: Option<bool>,
}

pub(crate) fn check(context: &mut Context) {
    let enabled = enabled_modes(context);
    let api_key_fix = api_key_fix(context);
    for site in context.authorization_sites() {
        for rule in &site.authorization.rules {
            check_rule(context, site, rule, &enabled, api_key_fix.as_ref());
        }
    }
}

/// The providers a strategy accepts (load-time checks for owner-style and
/// `authenticated`, transformer checks for groups and custom).
fn accepted_providers(strategy: &str) -> Option<&'static [&'static str]> {
    Some(match strategy {
        "authenticated" => &["userPools", "oidc", "identityPool"],
        "owner" | "ownerDefinedIn" | "ownersDefinedIn" => &["userPools", "oidc"],
        "group" | "groups" | "groupDefinedIn" | "groupsDefinedIn" => &["userPools", "oidc"],
        "custom" => &["function"],
        _ => return None,
    })
}

fn check_rule(
    context: &mut Context,
    site: &AuthSite,
    rule: &AuthRule,
    enabled: &EnabledModes,
    api_key_fix: Option<&Fix>,
) {
    let strategy = rule.strategy.value.as_str();
    if let Some(explicit) = rule.explicit_provider() {
        let Some(accepted) = accepted_providers(strategy) else {
            return;
        };
        if !accepted.contains(&explicit.value.as_str()) {
            let provider = explicit.value.as_str();
            let accepted_list = accepted.join("`, `");
            let consequence =
                if matches!(
                    strategy,
                    "authenticated" | "owner" | "ownerDefinedIn" | "ownersDefinedIn"
                ) {
                    format!(
                        "Amplify throws `Invalid provider ({provider}) given!` when the file loads"
                    )
                } else {
                    format!(
                    "Amplify's transformer rejects it (`@auth directive with '{}' strategy only \
                     supports {}`)",
                    if strategy == "custom" { "custom" } else { "groups" },
                    accepted
                        .iter()
                        .map(|name| format!("'{name}'"))
                        .collect::<Vec<_>>()
                        .join(" and ")
                )
                };
            let advice = match (strategy, provider) {
                ("authenticated", "apiKey") => {
                    "; for API-key access use `allow.publicApiKey()`".to_string()
                }
                ("authenticated", "iam") => "; IAM sign-in is `'identityPool'`".to_string(),
                (_, "apiKey" | "identityPool" | "iam") => {
                    "; per-user and per-group rules need signed-in users of a user pool or OIDC"
                        .to_string()
                }
                _ => String::new(),
            };
            let suggestion = did_you_mean(provider, accepted.iter().copied());
            let did_you_mean_text = suggestion
                .map(|name| format!("; did you mean `'{name}'`?"))
                .unwrap_or_default();
            let fix = suggestion.map(|name| {
                Fix::safe(
                    format!("Replace `'{provider}'` with `'{name}'`"),
                    vec![Edit::replace(
                        explicit.span,
                        super::quoted(context, explicit.span, name),
                    )],
                )
            });
            context.report(
                Diagnostic::new(
                    &AUTH_PROVIDER_NOT_CONFIGURED,
                    explicit.span,
                    format!(
                        "`allow.{strategy}` does not accept the `{provider}` provider: {consequence}; \
                         it accepts `{accepted_list}`{did_you_mean_text}{advice}"
                    ),
                )
                .with_optional_fix(fix),
            );
            return;
        }
    }
    let Some(provider) = rule.provider() else {
        return;
    };
    let flagged = rule
        .explicit_provider()
        .map_or(rule.strategy.span, |explicit| explicit.span);
    let (enabled, what, add) = match provider.as_str() {
        "apiKey" => (
            enabled.api_key,
            "an API key",
            "add `apiKeyAuthorizationMode: { expiresInDays: 30 }` to `authorizationModes` in \
             `defineData` (or make `defaultAuthorizationMode: 'apiKey'`)",
        ),
        "oidc" => (
            enabled.oidc,
            "an OpenID Connect provider",
            "add `oidcAuthorizationMode: { oidcProviderName, oidcIssuerUrl, \
             tokenExpiryFromAuthInSeconds, tokenExpireFromIssueInSeconds }` to \
             `authorizationModes` in `defineData`",
        ),
        "function" => (
            enabled.lambda,
            "a Lambda authorizer",
            "add `lambdaAuthorizationMode: { function: yourAuthorizer }` (a `defineFunction`) to \
             `authorizationModes` in `defineData`",
        ),
        "userPools" => (
            enabled.user_pools,
            "a Cognito user pool",
            "define auth with `defineAuth` in `amplify/auth/resource.ts` and pass it to \
             `defineBackend`",
        ),
        _ => return,
    };
    if enabled != Some(false) {
        return;
    }
    let written = context.text(rule.strategy_call.span);
    let fix = if provider == "apiKey" {
        api_key_fix.cloned()
    } else {
        None
    };
    context.report(
        Diagnostic::new(
            &AUTH_PROVIDER_NOT_CONFIGURED,
            flagged,
            format!(
                "`allow.{written}` on {} needs {what}, but `defineData` does not enable one \
                 (Amplify stops with `@auth directive with '{provider}' provider found, but the \
                 project has no ... authentication provider configured`): {add}",
                site.describe()
            ),
        )
        .with_optional_fix(fix),
    );
}

/// The one `defineData` of the file, when there is exactly one with a readable argument.
fn define_data<'a>(context: &Context<'a>) -> Option<(&'a DefineData, &'a ObjectValue)> {
    match context.file.define_data.as_slice() {
        [define_data] => {
            let props = define_data.props.as_ref()?;
            props.complete.then_some((define_data, props))
        }
        _ => None,
    }
}

/// Whether a property is given a value that is not `undefined` / `null` / `false`.
fn is_set(object: &ObjectValue, key: &str) -> bool {
    object.get(key).is_some_and(|entry| {
        !matches!(
            entry.value,
            Value::Undefined(_) | Value::Null(_) | Value::Bool { value: false, .. }
        )
    })
}

fn enabled_modes(context: &Context) -> EnabledModes {
    let has_define_auth = context.settings.has_define_auth;
    let Some((_, props)) = define_data(context) else {
        return EnabledModes::default();
    };
    match props.get("authorizationModes").map(|entry| &entry.value) {
        // No modes: with defineAuth the user pool is the default and there is no API key;
        // without defineAuth, Amplify adds a default API key.
        None => EnabledModes {
            api_key: has_define_auth.map(|has_auth| !has_auth),
            user_pools: has_define_auth,
            oidc: Some(false),
            lambda: Some(false),
        },
        Some(Value::Object(modes)) if modes.complete => {
            let default_mode = modes
                .get("defaultAuthorizationMode")
                .map(|entry| &entry.value);
            let default_is_api_key = match default_mode {
                None => Some(false),
                Some(Value::String(mode)) => Some(mode.value == "apiKey"),
                Some(_) => None,
            };
            let api_key = match (is_set(modes, "apiKeyAuthorizationMode"), default_is_api_key) {
                (true, _) | (_, Some(true)) => Some(true),
                (false, Some(false)) => Some(false),
                (false, None) => None,
            };
            EnabledModes {
                api_key,
                user_pools: has_define_auth,
                oidc: Some(is_set(modes, "oidcAuthorizationMode")),
                lambda: Some(is_set(modes, "lambdaAuthorizationMode")),
            }
        }
        Some(_) => EnabledModes::default(),
    }
}

/// The edit adding an API key mode to `defineData`, when it can be placed unambiguously:
/// into the `authorizationModes` object literal, or as a new `authorizationModes` property
/// when there is none and the project is known to define auth.
fn api_key_fix(context: &Context) -> Option<Fix> {
    let (_, props) = define_data(context)?;
    match props.get("authorizationModes") {
        Some(entry) => {
            let Value::Object(modes) = &entry.value else {
                return None;
            };
            // Only an object literal written right here (not a constant defined elsewhere).
            if !entry.span.contains(modes.span.start) || !modes.complete {
                return None;
            }
            let edit = insert_property(context, modes, |_| {
                "apiKeyAuthorizationMode: { expiresInDays: 30 }".to_string()
            })?;
            Some(Fix::unsafe_(
                "Add `apiKeyAuthorizationMode: { expiresInDays: 30 }` to `authorizationModes`",
                vec![edit],
            ))
        }
        None if context.settings.has_define_auth == Some(true) => {
            let edit = insert_property(context, props, |indentation| {
                match indentation {
                Some(indentation) => format!(
                    "authorizationModes: {{\n{indentation}  defaultAuthorizationMode: 'userPool',\n\
                     {indentation}  apiKeyAuthorizationMode: {{ expiresInDays: 30 }},\n{indentation}}}"
                ),
                None => "authorizationModes: { defaultAuthorizationMode: 'userPool', \
                         apiKeyAuthorizationMode: { expiresInDays: 30 } }"
                    .to_string(),
            }
            })?;
            Some(Fix::unsafe_(
                "Add `authorizationModes` with the user pool default and an API key",
                vec![edit],
            ))
        }
        None => None,
    }
}

/// Inserts a property as the last entry of an object literal, in its style: on its own
/// line with the last entry's indentation when the object is multi-line, else inline.
/// `property` gets the indentation (`None` when inline).
fn insert_property(
    context: &Context,
    object: &ObjectValue,
    property: impl Fn(Option<&str>) -> String,
) -> Option<Edit> {
    let text = context.text(object.span);
    if !text.starts_with('{') || !text.ends_with('}') {
        return None;
    }
    let file = object.span.file;
    let Some(last) = object.entries.last() else {
        let at = object.span.start + 1;
        return Some(Edit::insert(
            Span::new(file, at, at),
            format!(" {} ", property(None)),
        ));
    };
    let after_last = Span::new(file, last.span.end, object.span.end.saturating_sub(1));
    let between = context.text(after_last);
    let has_comma = between.trim_start().starts_with(',');
    let comma_end = if has_comma {
        last.span.end + between.find(',')? + 1
    } else {
        last.span.end
    };
    let line_start = context
        .source
        .get(..last.span.start)?
        .rfind('\n')
        .map_or(0, |index| index + 1);
    let indentation = context.source.get(line_start..last.span.start)?;
    let at = Span::new(file, comma_end, comma_end);
    let separator = if has_comma { "" } else { "," };
    Some(if between.contains('\n') && indentation.trim().is_empty() {
        Edit::insert(
            at,
            format!("{separator}\n{indentation}{},", property(Some(indentation))),
        )
    } else {
        Edit::insert(at, format!("{separator} {}", property(None)))
    })
}

#[cfg(test)]
mod tests {
    use crate::engine::fix_all;
    use crate::fix::Applicability;
    use crate::settings::Settings;
    use crate::syntax::SourceKind;

    const NO_MODES: &str = "import { a, defineData } from '@aws-amplify/backend';
const schema = a.schema({
  Todo: a.model({ content: a.string() }),
}).authorization((allow) => [allow.publicApiKey(), allow.owner()]);
export const data = defineData({
  schema,
});
";

    fn settings(has_define_auth: Option<bool>) -> Settings {
        Settings {
            has_define_auth,
            ..Settings::default()
        }
    }

    fn findings(source: &str, has_define_auth: Option<bool>) -> Vec<String> {
        crate::check(source, SourceKind::TypeScript, &settings(has_define_auth))
            .diagnostics
            .into_iter()
            .filter(|diagnostic| diagnostic.rule == "auth-provider-not-configured")
            .map(|diagnostic| source[diagnostic.span.range()].to_string())
            .collect()
    }

    #[test]
    fn no_modes_with_define_auth_has_no_api_key() {
        assert_eq!(findings(NO_MODES, Some(true)), vec!["publicApiKey"]);
    }

    #[test]
    fn no_modes_without_define_auth_has_an_api_key_but_no_user_pool() {
        assert_eq!(findings(NO_MODES, Some(false)), vec!["owner"]);
    }

    #[test]
    fn no_modes_and_unknown_define_auth_stays_silent() {
        assert!(findings(NO_MODES, None).is_empty());
    }

    #[test]
    fn fix_adds_modes_with_the_user_pool_default() {
        let result = fix_all(
            NO_MODES,
            SourceKind::TypeScript,
            &settings(Some(true)),
            Applicability::Unsafe,
        );
        assert!(result.text.contains(
            "  schema,\n  authorizationModes: {\n    defaultAuthorizationMode: 'userPool',\n    \
             apiKeyAuthorizationMode: { expiresInDays: 30 },\n  },\n});"
        ));
        assert!(findings(&result.text, Some(true)).is_empty());
    }

    #[test]
    fn fix_inline_define_data() {
        let source = NO_MODES.replace("defineData({\n  schema,\n})", "defineData({ schema })");
        let result = fix_all(
            &source,
            SourceKind::TypeScript,
            &settings(Some(true)),
            Applicability::Unsafe,
        );
        assert!(result.text.contains(
            "defineData({ schema, authorizationModes: { defaultAuthorizationMode: 'userPool', \
             apiKeyAuthorizationMode: { expiresInDays: 30 } } })"
        ));
    }
}
