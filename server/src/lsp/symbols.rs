//! Document symbols: models, enums, custom types and operations, with their fields.

use amplint_rules::model::{extract, Field, TypeKind};
use amplint_rules::FileId;
use tower_lsp::lsp_types::{DocumentSymbol, SymbolKind};

use super::document::Snapshot;
use super::encoding::PositionMapper;
use super::hover::graphql_type;

pub fn document_symbols(snapshot: &Snapshot, mapper: &PositionMapper<'_>) -> Vec<DocumentSymbol> {
    let model = extract(&snapshot.tree, &snapshot.text, FileId::MAIN);
    let mut symbols = Vec::new();
    for schema in &model.schemas {
        for schema_type in &schema.types {
            let name = schema_type.name.as_str();
            let (kind, children) = match &schema_type.kind {
                TypeKind::Model(model) => (SymbolKind::CLASS, fields(name, &model.fields, mapper)),
                TypeKind::CustomType(custom_type) => (
                    SymbolKind::STRUCT,
                    fields(name, &custom_type.fields, mapper),
                ),
                TypeKind::Enum(enum_def) => (
                    SymbolKind::ENUM,
                    enum_def
                        .values
                        .iter()
                        .flatten()
                        .map(|value| {
                            symbol(
                                value.value.clone(),
                                None,
                                SymbolKind::ENUM_MEMBER,
                                mapper.range(value.span),
                                mapper.range(value.span),
                                Vec::new(),
                            )
                        })
                        .collect(),
                ),
                TypeKind::Operation(_) => (SymbolKind::FUNCTION, Vec::new()),
                TypeKind::Other(_) | TypeKind::Unknown => continue,
            };
            let range = mapper.range(schema_type.span.cover(schema_type.key_span));
            symbols.push(symbol(
                name.to_string(),
                Some(schema_type.kind_name().to_string()),
                kind,
                range,
                mapper.range(schema_type.key_span),
                children,
            ));
        }
    }
    symbols
}

fn fields(owner: &str, fields: &[Field], mapper: &PositionMapper<'_>) -> Vec<DocumentSymbol> {
    fields
        .iter()
        .map(|field| {
            let kind = match field.kind {
                amplint_rules::model::FieldKind::Relationship(_) => SymbolKind::PROPERTY,
                _ => SymbolKind::FIELD,
            };
            symbol(
                field.name.clone(),
                graphql_type(owner, field),
                kind,
                mapper.range(field.span.cover(field.key_span)),
                mapper.range(field.key_span),
                Vec::new(),
            )
        })
        .collect()
}

#[allow(deprecated)]
fn symbol(
    name: String,
    detail: Option<String>,
    kind: SymbolKind,
    range: tower_lsp::lsp_types::Range,
    selection_range: tower_lsp::lsp_types::Range,
    children: Vec<DocumentSymbol>,
) -> DocumentSymbol {
    DocumentSymbol {
        name,
        detail,
        kind,
        tags: None,
        deprecated: None,
        range,
        selection_range,
        children: (!children.is_empty()).then_some(children),
    }
}
