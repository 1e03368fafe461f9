//! Catalog section 3: enums; one file per rule.

mod enum_modifier;
mod invalid_enum_value;

use crate::model::{EnumDef, Field, FieldKind, Schema, TypeKind};
use crate::registry::Rule;

pub(crate) const RULES: &[Rule] = &[
    Rule {
        meta: &enum_modifier::ENUM_MODIFIER,
        check: enum_modifier::check,
    },
    Rule {
        meta: &invalid_enum_value::INVALID_ENUM_VALUE,
        check: invalid_enum_value::check,
    },
];

/// One `a.enum([...])` of a schema: a top-level entry or a field's inline enum.
struct EnumSite<'a> {
    /// The GraphQL type name: the key of a top-level enum, `<Type><Field>` for an inline
    /// one (`TodoStatus`, `TodoMetaLevel` inside the inline custom type `Todo.meta`).
    name: String,
    definition: &'a EnumDef,
    /// The field holding an inline enum; `None` for a top-level enum.
    field: Option<&'a Field>,
    /// The type whose field holds an inline enum (`Todo`, or `TodoMeta` for an inline
    /// custom type); the enum's own name for a top-level enum.
    owner: String,
    /// The index in `schema.types` of the top-level entry the enum is written in.
    top_level: usize,
}

/// Every enum of the schema, in source order, inline ones included (also inside inline
/// custom types).
fn enum_sites(schema: &Schema) -> Vec<EnumSite<'_>> {
    let mut sites = Vec::new();
    for (top_level, schema_type) in schema.types.iter().enumerate() {
        match &schema_type.kind {
            TypeKind::Enum(definition) => sites.push(EnumSite {
                name: schema_type.name.clone(),
                definition,
                field: None,
                owner: schema_type.name.clone(),
                top_level,
            }),
            TypeKind::Model(model) => {
                collect_inline(&schema_type.name, &model.fields, top_level, &mut sites)
            }
            TypeKind::CustomType(custom_type) => collect_inline(
                &schema_type.name,
                &custom_type.fields,
                top_level,
                &mut sites,
            ),
            _ => {}
        }
    }
    sites
}

fn collect_inline<'a>(
    owner: &str,
    fields: &'a [Field],
    top_level: usize,
    sites: &mut Vec<EnumSite<'a>>,
) {
    for field in fields {
        match &field.kind {
            FieldKind::InlineEnum(definition) => sites.push(EnumSite {
                name: inline_type_name(owner, &field.name),
                definition,
                field: Some(field),
                owner: owner.to_string(),
                top_level,
            }),
            FieldKind::InlineCustomType(custom_type) => collect_inline(
                &inline_type_name(owner, &field.name),
                &custom_type.fields,
                top_level,
                sites,
            ),
            _ => {}
        }
    }
}

/// The name Amplify gives an inline enum or custom type: `<Type><Field>`, each with its
/// first letter upper-cased.
fn inline_type_name(owner: &str, field: &str) -> String {
    format!("{}{}", capitalize(owner), capitalize(field))
}

fn capitalize(text: &str) -> String {
    let mut characters = text.chars();
    match characters.next() {
        Some(first) => first.to_uppercase().chain(characters).collect(),
        None => String::new(),
    }
}

/// The names of the types Amplify generates for inline custom types (inline enums are
/// in [`enum_sites`]).
fn inline_custom_type_names(schema: &Schema) -> Vec<String> {
    fn walk(owner: &str, fields: &[Field], names: &mut Vec<String>) {
        for field in fields {
            if let FieldKind::InlineCustomType(custom_type) = &field.kind {
                let name = inline_type_name(owner, &field.name);
                walk(&name, &custom_type.fields, names);
                names.push(name);
            }
        }
    }
    let mut names = Vec::new();
    for schema_type in &schema.types {
        match &schema_type.kind {
            TypeKind::Model(model) => walk(&schema_type.name, &model.fields, &mut names),
            TypeKind::CustomType(custom_type) => {
                walk(&schema_type.name, &custom_type.fields, &mut names)
            }
            _ => {}
        }
    }
    names
}
