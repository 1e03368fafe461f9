use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Flags a model that has no authorization rules of its own while the schema has no
    /// schema-level rules either. Model rules replace schema rules (they do not add to
    /// them), so a model with its own rules does not need schema rules, and schema rules
    /// cover every model without its own.
    ///
    /// ## Why is this bad?
    /// Amplify stops the deployment with ``Model `Cart` is missing authorization rules. Add
    /// global rules to the schema or ensure every model has its own rules.``, without a
    /// file location.
    ///
    /// ## Example
    /// ```ts
    /// const schema = a.schema({
    ///   Post: a.model({ title: a.string() }).authorization((allow) => [allow.owner()]),
    ///   Cart: a.model({ total: a.float() }),
    /// });
    /// ```
    ///
    /// ## Fix
    /// None: who may read and change the data is a security decision. The message lists
    /// the usual choices (`allow.owner()`, `allow.authenticated()`, `allow.publicApiKey()`,
    /// `allow.guest()`, or schema-level rules).
    pub(crate) static MISSING_AUTHORIZATION = {
        name: "missing-authorization",
        severity: Error,
        fix: None,
    }
}

pub(crate) fn check(context: &mut Context) {
    for schema in context.schemas() {
        if let Some(schema_rules) = &schema.authorization {
            // Schema rules cover every model without its own; an unreadable or non-empty
            // set means there is nothing to say.
            if !schema_rules.complete || !schema_rules.rules.is_empty() {
                continue;
            }
        }
        for (schema_type, model) in schema.models() {
            let diagnostic = match &model.authorization {
                None => Diagnostic::new(
                    &MISSING_AUTHORIZATION,
                    schema_type.key_span,
                    message(&schema_type.name, "has no authorization rules"),
                ),
                Some(authorization) if authorization.complete && authorization.rules.is_empty() => {
                    Diagnostic::new(
                        &MISSING_AUTHORIZATION,
                        schema_type.key_span,
                        message(
                            &schema_type.name,
                            "has an empty list of authorization rules",
                        ),
                    )
                    .with_label(authorization.span, "no rule is given here")
                }
                Some(_) => continue,
            };
            let diagnostic = match &schema.authorization {
                Some(schema_rules) => {
                    diagnostic.with_label(schema_rules.span, "the schema-level rules are empty")
                }
                None => diagnostic,
            };
            context.report(diagnostic);
        }
    }
}

fn message(model: &str, what: &str) -> String {
    format!(
        "model `{model}` {what} and the schema has none to fall back on: Amplify stops with \
         ``Model `{model}` is missing authorization rules``. Add \
         `.authorization((allow) => [...])` to `{model}` (for example `allow.owner()`, \
         `allow.authenticated()`, `allow.publicApiKey()` or `allow.guest()`), or give the \
         schema rules with `a.schema({{...}}).authorization(...)`"
    )
}
