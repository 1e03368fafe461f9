use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::model::{Field, FieldKind, TypeKind};
use crate::rules::Context;
use crate::span::Span;

use super::pairing::relationship_call_span;

declare_rule! {
    /// ## What it does
    /// Checks for `a.hasMany`, `a.hasOne` and `a.belongsTo` inside `a.customType({...})`,
    /// top-level or inline in a model. The diagnostic points at the relationship call; a
    /// related label points at the custom type.
    ///
    /// ## Why is this bad?
    /// Relationships connect models: a custom type has no table and no identifier. Amplify
    /// stops the deployment with `Uni-directional relationships are not supported`.
    ///
    /// ## Example
    /// ```ts
    /// Folder: a.customType({
    ///   notes: a.hasMany('Note', 'folderId'),
    /// }),
    /// ```
    ///
    /// ## Fix
    /// None: make the custom type a model (`a.model`, with authorization) and give the
    /// relationship its counterpart, or store the related model's identifier in a plain
    /// field.
    pub(crate) static RELATIONSHIP_IN_CUSTOM_TYPE = {
        name: "relationship-in-custom-type",
        severity: Error,
        fix: None,
    }
}

pub(crate) fn check(context: &mut Context) {
    for schema in context.schemas() {
        for schema_type in &schema.types {
            match &schema_type.kind {
                TypeKind::CustomType(custom_type) => check_custom_type(
                    context,
                    &schema_type.name,
                    schema_type.key_span,
                    &custom_type.fields,
                ),
                TypeKind::Model(model) => {
                    check_inline(context, &schema_type.name, &model.fields);
                }
                _ => {}
            }
        }
    }
}

fn check_inline(context: &mut Context, owner: &str, fields: &[Field]) {
    for field in fields {
        if let FieldKind::InlineCustomType(custom_type) = &field.kind {
            let name = format!("{owner}.{}", field.name);
            check_custom_type(context, &name, field.key_span, &custom_type.fields);
        }
    }
}

fn check_custom_type(context: &mut Context, name: &str, key_span: Span, fields: &[Field]) {
    for field in fields {
        if let Some(relationship) = field.as_relationship() {
            let message = format!(
                "`{name}.{}` is a {} relationship inside the custom type `{name}`: \
                 relationships only connect models; make `{name}` a model, or keep the related \
                 model's identifier in a plain field",
                field.name,
                relationship.kind.as_str()
            );
            context.report(
                Diagnostic::new(
                    &RELATIONSHIP_IN_CUSTOM_TYPE,
                    relationship_call_span(field, relationship),
                    message,
                )
                .with_label(key_span, format!("`{name}` is a custom type")),
            );
        }
    }
    check_inline(context, name, fields);
}
