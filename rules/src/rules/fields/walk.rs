//! Shared by the rules of this section: visiting every field of a schema, including the
//! fields of inline custom types, with the name of the type that holds them.

use std::borrow::Cow;

use crate::model::{Field, FieldKind, Schema, TypeKind};

/// Where a field sits.
pub(super) struct FieldSite<'schema> {
    /// The GraphQL type holding the field: the model or custom type name, or the generated
    /// `<Model><Field>` name of an inline custom type.
    pub owner: Cow<'schema, str>,
    /// Whether the holder is a model (`@model`): defaults and validators apply only there.
    pub owner_is_model: bool,
    pub field: &'schema Field,
}

/// Calls `visit` for every field of every model and custom type of `schema`, inline custom
/// types included (depth-first, in source order).
pub(super) fn for_each_field<'schema>(
    schema: &'schema Schema,
    mut visit: impl FnMut(&FieldSite<'schema>),
) {
    for schema_type in &schema.types {
        let (fields, is_model) = match &schema_type.kind {
            TypeKind::Model(model) => (&model.fields, true),
            TypeKind::CustomType(custom_type) => (&custom_type.fields, false),
            _ => continue,
        };
        visit_fields(
            Cow::Borrowed(schema_type.name.as_str()),
            fields,
            is_model,
            &mut visit,
            0,
        );
    }
}

/// How deep inline custom types are followed (deeper nesting is left alone).
const MAX_NESTING: usize = 32;

fn visit_fields<'schema>(
    owner: Cow<'schema, str>,
    fields: &'schema [Field],
    owner_is_model: bool,
    visit: &mut impl FnMut(&FieldSite<'schema>),
    depth: usize,
) {
    if depth > MAX_NESTING {
        return;
    }
    for field in fields {
        visit(&FieldSite {
            owner: owner.clone(),
            owner_is_model,
            field,
        });
        if let FieldKind::InlineCustomType(custom_type) = &field.kind {
            let inline_name = generated_type_name(&owner, &field.name);
            visit_fields(
                Cow::Owned(inline_name),
                &custom_type.fields,
                false,
                visit,
                depth + 1,
            );
        }
    }
}

/// The name Amplify gives an inline enum or custom type: `<Owner><Field>`, each with its
/// first letter upper-cased.
pub(super) fn generated_type_name(owner: &str, field: &str) -> String {
    let mut name = String::with_capacity(owner.len() + field.len());
    push_upper_first(&mut name, owner);
    push_upper_first(&mut name, field);
    name
}

/// `todo` -> `Todo` (JavaScript's `charAt(0).toUpperCase() + slice(1)`).
pub(super) fn upper_first(text: &str) -> String {
    let mut upper = String::with_capacity(text.len());
    push_upper_first(&mut upper, text);
    upper
}

/// Appends [`upper_first`]`(text)` to `out`.
pub(super) fn push_upper_first(out: &mut String, text: &str) {
    let mut characters = text.chars();
    if let Some(first) = characters.next() {
        out.extend(first.to_uppercase());
        out.push_str(characters.as_str());
    }
}
