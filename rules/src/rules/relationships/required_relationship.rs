use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::fix::{Edit, Fix};
use crate::model::{References, RelationKind, Relationship, Schema};
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Checks for modifiers that make a relationship required: `a.hasOne(...).required()`
    /// and `a.hasMany(...).valueRequired()` (rejected), and `a.hasMany(...).required()` /
    /// `a.belongsTo(...).required()` (these methods do not exist). The diagnostic points at
    /// the modifier call (`required()`).
    ///
    /// ## Why is this bad?
    /// Whether a relationship is required follows from its reference fields. Amplify
    /// rejects `@hasOne fields must not be required`, `@hasMany fields must not be
    /// required`, and the file does not even load with `a.belongsTo(...).required is not a
    /// function`.
    ///
    /// ## Example
    /// ```ts
    /// Member: a.model({
    ///   teamId: a.id(),
    ///   team: a.belongsTo('Team', 'teamId').required(),
    /// }),
    /// ```
    /// Make the reference field required instead:
    /// ```ts
    /// Member: a.model({
    ///   teamId: a.id().required(),
    ///   team: a.belongsTo('Team', 'teamId'),
    /// }),
    /// ```
    ///
    /// ## Fix
    /// Removes the modifier (unsafe: to keep the relationship required, make its reference
    /// fields `.required()`, as the message says).
    pub(crate) static REQUIRED_RELATIONSHIP = {
        name: "required-relationship",
        severity: Error,
        fix: Always,
    }
}

pub(crate) fn check(context: &mut Context) {
    for schema in context.schemas() {
        for schema_type in &schema.types {
            let Some(fields) = schema_type.fields() else {
                continue;
            };
            for field in fields {
                let Some(relationship) = field.as_relationship() else {
                    continue;
                };
                for call in &field.modifiers {
                    let name = call.name.value.as_str();
                    if name != "required" && name != "valueRequired" {
                        continue;
                    }
                    let kind = relationship.kind.as_str();
                    let problem = match (relationship.kind, name) {
                        (RelationKind::HasOne, "required") => {
                            "Amplify rejects a required `hasOne`".to_string()
                        }
                        (RelationKind::HasMany, "valueRequired") => {
                            "Amplify rejects a `hasMany` with required values".to_string()
                        }
                        _ => format!(
                            "`a.{kind}(...)` has no `.{name}()` method, so the file does not load"
                        ),
                    };
                    let message = format!(
                        "`.{name}()` on the relationship `{}.{}`: {problem}; {}",
                        schema_type.name,
                        field.name,
                        advice(schema, &schema_type.name, relationship)
                    );
                    context.report(
                        Diagnostic::new(&REQUIRED_RELATIONSHIP, call.span, message).with_fix(
                            Fix::unsafe_(
                                format!("Remove `.{name}()`"),
                                vec![Edit::delete(call.tail_span)],
                            ),
                        ),
                    );
                }
            }
        }
    }
}

/// What to do instead: name the reference fields and their model.
fn advice(schema: &Schema, model_name: &str, relationship: &Relationship) -> String {
    let child = match relationship.kind {
        RelationKind::BelongsTo => Some(model_name),
        _ => relationship
            .related_model
            .as_ref()
            .map(|name| name.value.as_str())
            .filter(|name| schema.model(name).is_some()),
    };
    match (&relationship.references, child) {
        (References::Known { fields, .. }, Some(child)) => {
            let names: Vec<String> = fields
                .iter()
                .map(|field| format!("`{child}.{}`", field.value))
                .collect();
            format!(
                "to require the relationship, make its reference field{} {} `.required()` instead",
                if names.len() == 1 { "" } else { "s" },
                names.join(", ")
            )
        }
        _ => "to require the relationship, make its reference fields `.required()` instead"
            .to_string(),
    }
}
