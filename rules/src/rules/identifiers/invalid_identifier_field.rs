use super::{key_entries, KeyEntry};
use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::model::{AuthRule, Authorization, FieldKind, Model, Scalar, Schema};
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Checks the fields of a model's primary key for what Amplify cannot key a table by:
    /// a Boolean field, a list field (`.array()`), a field named twice in
    /// `.identifier([...])`, and a sort key that is also the owner field of an owner rule
    /// (`allow.owner()`, `allow.ownerDefinedIn('author')`, ...).
    ///
    /// ## Why is this bad?
    /// Amplify rejects each of them, late and without a location:
    /// `Boolean values cannot be used as sort keys.` (also for a Boolean partition key),
    /// `@primaryKey field 'pk' cannot reference itself.`,
    /// `The primary key's sort key type 'owner' cannot be used as an owner @auth field too.`
    /// A list partition key is worse: Amplify silently drops the list and deploys a
    /// scalar key.
    ///
    /// ## Example
    /// ```ts
    /// Task: a.model({
    ///   projectId: a.id().required(),
    ///   done: a.boolean().required(),
    /// }).identifier(['projectId', 'done']),
    /// ```
    ///
    /// ## Fix
    /// None: key the model by other fields (a String, ID, number or date field), or give
    /// the owner rule another field.
    pub(crate) static INVALID_IDENTIFIER_FIELD = {
        name: "invalid-identifier-field",
        severity: Error,
        fix: None,
    }
}

pub(crate) fn check(context: &mut Context) {
    for schema in context.schemas() {
        for (schema_type, model) in schema.models() {
            let entries = key_entries(model);
            for entry in &entries {
                if entry.repeated {
                    report_repeated(context, &schema_type.name, entry, &entries);
                    continue;
                }
                check_entry(context, schema, &schema_type.name, model, entry);
            }
        }
    }
}

fn report_repeated(context: &mut Context, model_name: &str, entry: &KeyEntry, all: &[KeyEntry]) {
    let mut diagnostic = Diagnostic::new(
        &INVALID_IDENTIFIER_FIELD,
        entry.span,
        format!(
            "`{}` appears twice in the identifier of `{model_name}`: name each key field once",
            entry.name
        ),
    );
    if let Some(first) = all.iter().find(|other| other.name == entry.name) {
        diagnostic = diagnostic.with_label(first.span, "first named here");
    }
    context.report(diagnostic);
}

fn check_entry(
    context: &mut Context,
    schema: &Schema,
    model_name: &str,
    model: &Model,
    entry: &KeyEntry,
) {
    let Some(field) = model.field(entry.name) else {
        return;
    };
    let FieldKind::Scalar(scalar) = field.kind else {
        return;
    };
    let key_role = if entry.position == 0 {
        "partition key"
    } else {
        "sort key"
    };
    let problem = if field.is_array() {
        Some(if entry.position == 0 {
            format!(
                "`{model_name}.{}` is a list and cannot be the partition key: Amplify silently \
                 drops the list and deploys a single-value key; key the model by a scalar field",
                field.name
            )
        } else {
            format!(
                "`{model_name}.{}` is a list and cannot be a sort key: key the model by a \
                 scalar field",
                field.name
            )
        })
    } else if scalar == Scalar::Boolean {
        Some(format!(
            "`{model_name}.{}` is a Boolean and cannot be the {key_role}: Amplify rejects \
             Boolean key fields; use a String, ID, number or date field",
            field.name
        ))
    } else {
        None
    };
    if let Some(message) = problem {
        let mut diagnostic = Diagnostic::new(&INVALID_IDENTIFIER_FIELD, entry.span, message);
        if entry.span != field.key_span {
            diagnostic =
                diagnostic.with_label(field.span, format!("`{}` is defined here", field.name));
        }
        context.report(diagnostic);
        return;
    }
    if entry.position == 0 {
        return;
    }
    let authorization = model
        .authorization
        .as_ref()
        .or(schema.authorization.as_ref());
    if let Some(rule) = authorization.and_then(|rules| owner_rule_using(rules, entry.name)) {
        let diagnostic = Diagnostic::new(
            &INVALID_IDENTIFIER_FIELD,
            entry.span,
            format!(
                "`{model_name}.{}` is the owner field of an owner rule and cannot also be a \
                 sort key: use another field for the sort key",
                entry.name
            ),
        )
        .with_label(
            rule.strategy_call.span,
            format!("`{}` is the owner field of this rule", entry.name),
        );
        context.report(diagnostic);
    }
}

/// The owner rule whose owner field is `field_name` and whose identity claim is the
/// default `sub::username` form (only those conflict with a sort key).
fn owner_rule_using<'a>(
    authorization: &'a Authorization,
    field_name: &str,
) -> Option<&'a AuthRule> {
    authorization.rules.iter().find(|rule| {
        let owner_field = match rule.strategy.value.as_str() {
            "owner" => Some("owner"),
            "ownerDefinedIn" | "ownersDefinedIn" => rule
                .strategy_call
                .arg(0)
                .and_then(|argument| argument.as_str()),
            _ => None,
        };
        if owner_field != Some(field_name) {
            return false;
        }
        match rule.modifier("identityClaim") {
            None => true,
            Some(call) => call
                .arg(0)
                .and_then(|claim| claim.as_str())
                .is_some_and(|claim| claim.contains("::")),
        }
    })
}
