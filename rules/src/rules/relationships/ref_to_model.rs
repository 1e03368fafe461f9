use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::model::{Field, FieldKind, Schema};
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Checks that `a.ref('Name')` in a model or custom type does not name a model.
    /// The diagnostic points at the model name inside `a.ref(...)`; a related label points
    /// at the model's definition.
    ///
    /// ## Why is this bad?
    /// `a.ref` is for enums and custom types. Amplify rejects a reference to a model:
    /// ``Cannot use `.ref()` to refer a model from a `model`. Field `author` of `Post`
    /// refers to model `Person` ``. Models are related with `a.belongsTo`, `a.hasOne` and
    /// `a.hasMany` over reference fields.
    ///
    /// ## Example
    /// ```ts
    /// Post: a.model({
    ///   author: a.ref('Person'),
    /// }),
    /// ```
    /// Use a relationship instead:
    /// ```ts
    /// Post: a.model({
    ///   authorId: a.id(),
    ///   author: a.belongsTo('Person', 'authorId'),
    /// }),
    /// Person: a.model({
    ///   posts: a.hasMany('Post', 'authorId'),
    /// }),
    /// ```
    ///
    /// ## Fix
    /// None: turning a field into a relationship needs reference fields and a counterpart
    /// on the other model; the message explains how.
    pub(crate) static REF_TO_MODEL = {
        name: "ref-to-model",
        severity: Error,
        fix: None,
    }
}

pub(crate) fn check(context: &mut Context) {
    for schema in context.schemas() {
        for schema_type in &schema.types {
            let Some(fields) = schema_type.fields() else {
                continue;
            };
            check_fields(context, schema, &schema_type.name, fields);
        }
    }
}

fn check_fields(context: &mut Context, schema: &Schema, owner: &str, fields: &[Field]) {
    for field in fields {
        match &field.kind {
            FieldKind::Ref { target } => {
                let Some(found) = schema.get(&target.value).filter(|found| found.is_model()) else {
                    continue;
                };
                let message = format!(
                    "`{owner}.{}` uses `a.ref('{}')`, but `{}` is a model: `a.ref` only names \
                     enums and custom types. Relate the models with a reference field and \
                     `a.belongsTo('{}', '...')` here plus `a.hasMany`/`a.hasOne` on `{}`",
                    field.name, target.value, target.value, target.value, target.value
                );
                context.report(
                    Diagnostic::new(&REF_TO_MODEL, target.span, message).with_label(
                        found.key_span,
                        format!("`{}` is defined here as a model", target.value),
                    ),
                );
            }
            FieldKind::InlineCustomType(custom_type) => {
                let owner = format!("{owner}.{}", field.name);
                check_fields(context, schema, &owner, &custom_type.fields);
            }
            _ => {}
        }
    }
}
