//! Go to definition, find references and rename, for type names and field names.

//!
//! Each function reads a model and the text its spans point into: one document's, or a
//! project's (several files in one offset space), so the same code navigates across files.

use amplint_rules::model::{FieldKind, FileModel, References, Schema, TypeKind};
use amplint_rules::Span;

use super::names::{occurrence_at, occurrences_of, schema_at, Occurrence, Role, Symbol, Writing};

/// Every occurrence of the symbol at `offset`, definitions first.
fn find(model: &FileModel, text: &str, offset: usize) -> Option<Vec<Occurrence>> {
    let schema = schema_at(model, offset)?;
    let occurrence = occurrence_at(schema, text, offset)?;
    Some(occurrences_of(schema, text, &occurrence.symbol))
}

/// Where the symbol at `offset` is declared.
pub fn definition(model: &FileModel, text: &str, offset: usize) -> Option<Span> {
    find(model, text, offset)?
        .iter()
        .find(|occurrence| occurrence.role == Role::Definition)
        .map(|occurrence| occurrence.name_span)
}

/// Every place naming the symbol at `offset`.
pub fn references(
    model: &FileModel,
    text: &str,
    offset: usize,
    include_declaration: bool,
) -> Vec<Span> {
    let Some(found) = find(model, text, offset) else {
        return Vec::new();
    };
    found
        .iter()
        .filter(|occurrence| include_declaration || occurrence.role != Role::Definition)
        .map(|occurrence| occurrence.name_span)
        .collect()
}

/// Why a rename cannot be done, for the user.
pub type Refusal = String;

/// The name to rename at `offset`, or why it cannot be renamed safely (every use must be
/// updated, so anything amplint cannot see refuses).
pub fn prepare_rename(
    model: &FileModel,
    text: &str,
    offset: usize,
) -> Result<(Span, String), Refusal> {
    let schema = schema_at(model, offset).ok_or("no schema here")?;
    let occurrence =
        occurrence_at(schema, text, offset).ok_or("no model, type or field name here")?;
    let all = occurrences_of(schema, text, &occurrence.symbol);
    check_renamable(schema, &occurrence.symbol, &all)?;
    let name = match &occurrence.symbol {
        Symbol::Type { name } => name.clone(),
        Symbol::Field { field, .. } => field.clone(),
    };
    Ok((occurrence.name_span, name))
}

/// The edits renaming the symbol at `offset` to `new_name`.
pub fn rename(
    model: &FileModel,
    text: &str,
    offset: usize,
    new_name: &str,
) -> Result<Vec<(Span, String)>, Refusal> {
    let schema = schema_at(model, offset).ok_or("no schema here")?;
    let occurrence =
        occurrence_at(schema, text, offset).ok_or("no model, type or field name here")?;
    let all = occurrences_of(schema, text, &occurrence.symbol);
    check_renamable(schema, &occurrence.symbol, &all)?;
    if !is_identifier(new_name) {
        return Err(format!(
            "`{new_name}` is not a valid name: use letters, digits and `_`, not starting with a digit"
        ));
    }
    let taken = match &occurrence.symbol {
        Symbol::Type { .. } => schema.get(new_name).is_some(),
        Symbol::Field { owner, .. } => fields_of(schema, owner)
            .is_some_and(|fields| fields.iter().any(|field| field.name == new_name)),
    };
    if taken {
        return Err(format!("`{new_name}` is already used here"));
    }
    Ok(all
        .iter()
        .map(|occurrence| (occurrence.name_span, new_name.to_string()))
        .collect())
}

fn is_identifier(name: &str) -> bool {
    let mut characters = name.chars();
    characters
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_' || first == '$')
        && characters.all(|rest| rest.is_ascii_alphanumeric() || rest == '_' || rest == '$')
}

fn fields_of<'s>(schema: &'s Schema, owner: &str) -> Option<&'s [amplint_rules::model::Field]> {
    match &schema.get(owner)?.kind {
        TypeKind::Model(model) => Some(&model.fields),
        TypeKind::CustomType(custom_type) => Some(&custom_type.fields),
        _ => None,
    }
}

/// Refuses unless every use of `symbol` is known and can be edited.
fn check_renamable(schema: &Schema, symbol: &Symbol, all: &[Occurrence]) -> Result<(), Refusal> {
    if !schema.complete {
        return Err(
            "the schema has entries amplint cannot read (a spread or a computed key): \
                    some uses may be hidden, so renaming could miss them"
                .to_string(),
        );
    }
    for occurrence in all {
        match occurrence.writing {
            Writing::Unwritable(kind) => {
                return Err(format!(
                    "a use of this name is written as a {} and cannot be renamed here",
                    match kind {
                        amplint_rules::value::KeyKind::Shorthand => "shorthand property",
                        amplint_rules::value::KeyKind::Spread => "spread",
                        _ => "computed key or expression",
                    }
                ))
            }
            Writing::Identifier | Writing::Quoted => {}
        }
        // A model, enum or field object defined in another file of the project is renamed
        // there; a constant of this file outside the schema may be used elsewhere too.
        let outside =
            occurrence.span.start < schema.span.start || occurrence.span.end > schema.span.end;
        if outside && occurrence.span.file == schema.span.file {
            return Err(
                "a use of this name comes from a constant declared outside the schema; \
                        rename the constant instead"
                    .to_string(),
            );
        }
    }
    if !all
        .iter()
        .any(|occurrence| occurrence.role == Role::Definition)
    {
        return Err(
            "this name is not declared in the schema (an implicit `id` or an \
                    unknown name) and cannot be renamed"
                .to_string(),
        );
    }
    let every_field_known = schema
        .types
        .iter()
        .all(|schema_type| match &schema_type.kind {
            TypeKind::Model(model) => model.fields_fully_known(),
            TypeKind::CustomType(custom_type) => {
                custom_type.fields_complete
                    && custom_type
                        .fields
                        .iter()
                        .all(|field| !matches!(field.kind, FieldKind::Unknown))
            }
            _ => true,
        });
    if !every_field_known {
        return Err(
            "some fields of the schema cannot be read: uses of this name may be \
                    hidden in them"
                .to_string(),
        );
    }
    for (_, model) in schema.models() {
        for (_, relationship) in model.relationships() {
            if relationship.related_model.is_none() {
                return Err("a relationship names its model with an expression amplint \
                            cannot read"
                    .to_string());
            }
            if matches!(symbol, Symbol::Field { .. })
                && matches!(relationship.references, References::Unknown)
            {
                return Err("a relationship's references cannot be read".to_string());
            }
        }
    }
    if let Symbol::Field { owner, .. } = symbol {
        if let Some(model) = schema.model(owner) {
            if model
                .identifier
                .as_ref()
                .is_some_and(|identifier| identifier.fields.is_none())
            {
                return Err(format!("the identifier of `{owner}` cannot be read"));
            }
            if model
                .secondary_indexes
                .as_ref()
                .is_some_and(|indexes| !indexes.complete)
            {
                return Err(format!("the secondary indexes of `{owner}` cannot be read"));
            }
        }
    }
    Ok(())
}
