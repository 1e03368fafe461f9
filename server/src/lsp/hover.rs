//! Hover: what a model is (identifier, relationships), what a reference field connects,
//! and which GraphQL type a field builder chain becomes.

use std::fmt::Write as _;

use amplint_rules::model::{
    Field, FieldKind, FileModel, Model, References, RelationKind, Schema, TypeKind,
};
use amplint_rules::Span;

use super::names::{occurrence_at, schema_at, Symbol};

/// Markdown for the thing at `offset`, and the span it describes, in a schema model and
/// the text its spans are in: a document's own, or its project's (all its files in one
/// offset space), so a name defined in another file is described too.
pub fn hover_in(model: &FileModel, text: &str, offset: usize) -> Option<(String, Span)> {
    let schema = schema_at(model, offset)?;
    if let Some(occurrence) = occurrence_at(schema, text, offset) {
        let markdown = match &occurrence.symbol {
            Symbol::Type { name } => describe_type(schema, name),
            Symbol::Field { owner, field } => describe_field(schema, owner, field),
        };
        if let Some(markdown) = markdown {
            return Some((markdown, occurrence.name_span));
        }
    }
    let (owner, field) = field_value_at(schema, offset)?;
    let graphql = graphql_type(owner, field)?;
    Some((
        format!("```graphql\n{}: {graphql}\n```", field.name),
        field.value_span,
    ))
}

/// The field whose value (builder chain) holds `offset`.
fn field_value_at(schema: &Schema, offset: usize) -> Option<(&str, &Field)> {
    schema.types.iter().find_map(|schema_type| {
        let fields = match &schema_type.kind {
            TypeKind::Model(model) => &model.fields,
            TypeKind::CustomType(custom_type) => &custom_type.fields,
            _ => return None,
        };
        fields
            .iter()
            .find(|field| field.value_span.start <= offset && offset < field.value_span.end)
            .map(|field| (schema_type.name.as_str(), field))
    })
}

/// The GraphQL type a field becomes: `String!`, `[Int]`, `AWSDate`, `Status`,
/// `[Member]`; `None` when amplint cannot tell.
pub fn graphql_type(owner: &str, field: &Field) -> Option<String> {
    let base = match &field.kind {
        FieldKind::Scalar(scalar) => scalar.graphql_name().to_string(),
        FieldKind::Ref { target } => target.value.clone(),
        FieldKind::InlineEnum(_) | FieldKind::InlineCustomType(_) => {
            format!("{owner}{}", capitalized(&field.name))
        }
        FieldKind::Relationship(relationship) => {
            let target = &relationship.related_model.as_ref()?.value;
            return Some(match relationship.kind {
                RelationKind::HasMany => format!("[{target}]"),
                RelationKind::HasOne | RelationKind::BelongsTo => target.clone(),
            });
        }
        FieldKind::Other(_) | FieldKind::Unknown => return None,
    };
    // `.required()` before `.array()` makes the items required, after it the list.
    let mut array = false;
    let mut item_required = false;
    let mut list_required = false;
    for call in &field.modifiers {
        match call.name.value.as_str() {
            "array" => array = true,
            "required" if array => list_required = true,
            "required" => item_required = true,
            _ => {}
        }
    }
    let item = format!("{base}{}", if item_required { "!" } else { "" });
    Some(if array {
        format!("[{item}]{}", if list_required { "!" } else { "" })
    } else {
        item
    })
}

fn capitalized(name: &str) -> String {
    let mut characters = name.chars();
    match characters.next() {
        Some(first) => first.to_uppercase().chain(characters).collect(),
        None => String::new(),
    }
}

fn describe_type(schema: &Schema, name: &str) -> Option<String> {
    let schema_type = schema.get(name)?;
    let mut out = String::new();
    match &schema_type.kind {
        TypeKind::Model(model) => {
            let _ = writeln!(out, "**model `{name}`**\n");
            match identifier_with_types(model) {
                Some(fields) => {
                    let _ = writeln!(out, "Identifier: {}\n", fields.join(", "));
                }
                None => out.push_str("Identifier: cannot be read\n\n"),
            }
            let relationships: Vec<String> = model
                .relationships()
                .map(|(field, relationship)| {
                    let target = relationship
                        .related_model
                        .as_ref()
                        .map_or("?", |target| target.value.as_str());
                    let references = match &relationship.references {
                        References::Known { fields, .. } => format!(
                            " via {}",
                            fields
                                .iter()
                                .map(|field| format!("`{}`", field.value))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                        References::Missing => " (no references)".to_string(),
                        References::Unknown => String::new(),
                    };
                    format!(
                        "- `{}`: {} `{target}`{references}",
                        field.name,
                        relationship.kind.as_str()
                    )
                })
                .collect();
            if relationships.is_empty() {
                out.push_str("No relationships.");
            } else {
                let _ = write!(out, "Relationships:\n{}", relationships.join("\n"));
            }
        }
        TypeKind::Enum(enum_def) => {
            let _ = writeln!(out, "**enum `{name}`**\n");
            match &enum_def.values {
                Some(values) => {
                    let values: Vec<String> = values
                        .iter()
                        .map(|value| format!("`{}`", value.value))
                        .collect();
                    let _ = write!(out, "Values: {}", values.join(", "));
                }
                None => out.push_str("Values: cannot be read"),
            }
        }
        TypeKind::CustomType(custom_type) => {
            let _ = writeln!(out, "**custom type `{name}`**\n");
            for field in &custom_type.fields {
                let graphql = graphql_type(name, field).unwrap_or_else(|| "?".to_string());
                let _ = writeln!(out, "- `{}: {graphql}`", field.name);
            }
        }
        _ => {
            let _ = write!(out, "**{} `{name}`**", schema_type.kind_name());
        }
    }
    Some(out.trim_end().to_string())
}

/// `` `name: String!` `` for each identifier field.
fn identifier_with_types(model: &Model) -> Option<Vec<String>> {
    let fields = model.identifier_fields()?;
    Some(
        fields
            .iter()
            .map(|name| {
                let graphql = match model.field(&name.value) {
                    Some(field) => graphql_type("", field).unwrap_or_else(|| "?".to_string()),
                    None => "ID!".to_string(),
                };
                format!("`{}: {graphql}`", name.value)
            })
            .collect(),
    )
}

/// A field: its GraphQL type and every relationship that uses it as a reference.
fn describe_field(schema: &Schema, owner: &str, field_name: &str) -> Option<String> {
    let mut out = String::new();
    let field = match &schema.get(owner)?.kind {
        TypeKind::Model(model) => model.field(field_name),
        TypeKind::CustomType(custom_type) => custom_type
            .fields
            .iter()
            .rev()
            .find(|field| field.name == field_name),
        _ => None,
    };
    match field.and_then(|field| graphql_type(owner, field)) {
        Some(graphql) => {
            let _ = writeln!(out, "```graphql\n{owner}.{field_name}: {graphql}\n```");
        }
        None => {
            let _ = writeln!(out, "**`{owner}.{field_name}`**");
        }
    }
    for usage in reference_usages(schema, owner, field_name) {
        let _ = write!(out, "\n{usage}\n");
    }
    Some(out.trim_end().to_string())
}

/// "Reference of `Member.team` (belongsTo `Team`), position 1: points at `Team.id: ID`",
/// for every relationship whose child is `child` and whose references name `field`.
fn reference_usages(schema: &Schema, child: &str, field: &str) -> Vec<String> {
    let mut usages = Vec::new();
    for (owner_type, owner_model) in schema.models() {
        for (relationship_field, relationship) in owner_model.relationships() {
            let Some(target) = &relationship.related_model else {
                continue;
            };
            let (parent, relationship_child) = if relationship.kind.is_parent_side() {
                (owner_type.name.as_str(), target.value.as_str())
            } else {
                (target.value.as_str(), owner_type.name.as_str())
            };
            if relationship_child != child {
                continue;
            }
            let Some(references) = relationship.references.fields() else {
                continue;
            };
            let Some(position) = references
                .iter()
                .position(|reference| reference.value == field)
            else {
                continue;
            };
            let parent_key = schema
                .model(parent)
                .and_then(|parent_model| {
                    let identifier = parent_model.identifier_fields()?;
                    let key = identifier.get(position)?;
                    let scalar = parent_model.scalar_of(&key.value);
                    Some(format!(
                        "`{parent}.{}: {}`",
                        key.value,
                        scalar.map_or("?", |scalar| scalar.graphql_name())
                    ))
                })
                .unwrap_or_else(|| format!("no identifier field of `{parent}`"));
            usages.push(format!(
                "Reference {} of `{}.{}` ({} `{}`): points at {parent_key}",
                position + 1,
                owner_type.name,
                relationship_field.name,
                relationship.kind.as_str(),
                target.value,
            ));
        }
    }
    usages
}
