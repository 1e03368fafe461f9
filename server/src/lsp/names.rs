//! Where a schema names its types and fields: every schema key, field key, relationship
//! target, `a.ref` target, references list, identifier list and secondary index key.
//! Navigation and hover look names up here.

use amplint_rules::model::{FileModel, References, Schema, TypeKind};
use amplint_rules::value::KeyKind;
use amplint_rules::Span;

/// What a name stands for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Symbol {
    /// A model, enum, custom type or operation of the schema.
    Type { name: String },
    /// A field of a model or custom type.
    Field { owner: String, field: String },
}

/// How a name is written where it occurs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Writing {
    /// A plain identifier key (`Team: ...`).
    Identifier,
    /// A string literal or quoted key (`'Team'`).
    Quoted,
    /// A computed key, a spread or a shorthand property: not a place a rename can edit.
    Unwritable(KeyKind),
}

/// Where the occurrence sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The schema key or field key that declares the name.
    Definition,
    /// A relationship's target model.
    RelationshipTarget,
    /// The target of `a.ref(...)`.
    RefTarget,
    /// An entry of a relationship's references list.
    Reference,
    /// An entry of `.identifier([...])`.
    Identifier,
    /// A partition key or sort key of a secondary index.
    IndexKey,
}

/// One place a schema names a symbol.
#[derive(Clone, Debug)]
pub struct Occurrence {
    pub symbol: Symbol,
    /// As written (quotes included).
    pub span: Span,
    /// The name itself (inside the quotes).
    pub name_span: Span,
    pub writing: Writing,
    pub role: Role,
}

/// The schema whose expression holds `offset` (the first one when none does).
pub fn schema_at(model: &FileModel, offset: usize) -> Option<&Schema> {
    model
        .schemas
        .iter()
        .find(|schema| schema.span.start <= offset && offset <= schema.span.end)
        .or_else(|| model.schemas.first())
}

/// The occurrence whose name touches `offset` (a cursor just after a name counts).
pub fn occurrence_at(schema: &Schema, text: &str, offset: usize) -> Option<Occurrence> {
    occurrences(schema, text)
        .into_iter()
        .filter(|occurrence| {
            occurrence.name_span.start <= offset && offset <= occurrence.name_span.end
        })
        .min_by_key(|occurrence| occurrence.span.len())
}

/// Every occurrence of `symbol`, definitions first, then in source order.
pub fn occurrences_of(schema: &Schema, text: &str, symbol: &Symbol) -> Vec<Occurrence> {
    let mut found: Vec<Occurrence> = occurrences(schema, text)
        .into_iter()
        .filter(|occurrence| &occurrence.symbol == symbol)
        .collect();
    found.sort_by_key(|occurrence| (occurrence.role != Role::Definition, occurrence.span.start));
    found.dedup_by_key(|occurrence| occurrence.span);
    found
}

/// Every name occurrence of the schema.
pub fn occurrences(schema: &Schema, text: &str) -> Vec<Occurrence> {
    let mut found = Vec::new();
    let mut push = |symbol: Symbol, span: Span, key_kind: Option<KeyKind>, role: Role| {
        found.push(occurrence(text, symbol, span, key_kind, role));
    };
    for schema_type in &schema.types {
        let owner = schema_type.name.as_str();
        push(
            type_symbol(owner),
            schema_type.key_span,
            Some(schema_type.key_kind),
            Role::Definition,
        );
        let fields = match &schema_type.kind {
            TypeKind::Model(model) => &model.fields,
            TypeKind::CustomType(custom_type) => &custom_type.fields,
            _ => continue,
        };
        for field in fields {
            push(
                field_symbol(owner, &field.name),
                field.key_span,
                Some(field.key_kind),
                Role::Definition,
            );
            match &field.kind {
                amplint_rules::model::FieldKind::Ref { target } => {
                    push(
                        type_symbol(&target.value),
                        target.span,
                        None,
                        Role::RefTarget,
                    );
                }
                amplint_rules::model::FieldKind::Relationship(relationship) => {
                    let Some(target) = &relationship.related_model else {
                        continue;
                    };
                    push(
                        type_symbol(&target.value),
                        target.span,
                        None,
                        Role::RelationshipTarget,
                    );
                    let child = if relationship.kind.is_parent_side() {
                        target.value.as_str()
                    } else {
                        owner
                    };
                    if let References::Known { fields, .. } = &relationship.references {
                        for reference in fields {
                            push(
                                field_symbol(child, &reference.value),
                                reference.span,
                                None,
                                Role::Reference,
                            );
                        }
                    }
                }
                _ => {}
            }
        }
        let TypeKind::Model(model) = &schema_type.kind else {
            continue;
        };
        if let Some(fields) = model
            .identifier
            .as_ref()
            .and_then(|decl| decl.fields.as_ref())
        {
            for field in fields {
                push(
                    field_symbol(owner, &field.value),
                    field.span,
                    None,
                    Role::Identifier,
                );
            }
        }
        for index in model
            .secondary_indexes
            .iter()
            .flat_map(|indexes| &indexes.indexes)
        {
            let keys = index
                .partition_key
                .iter()
                .chain(index.sort_keys.iter().flatten());
            for key in keys {
                push(
                    field_symbol(owner, &key.value),
                    key.span,
                    None,
                    Role::IndexKey,
                );
            }
        }
    }
    found
}

fn type_symbol(name: &str) -> Symbol {
    Symbol::Type {
        name: name.to_string(),
    }
}

fn field_symbol(owner: &str, field: &str) -> Symbol {
    Symbol::Field {
        owner: owner.to_string(),
        field: field.to_string(),
    }
}

/// An occurrence; `key_kind` is `None` for a string value.
fn occurrence(
    text: &str,
    symbol: Symbol,
    span: Span,
    key_kind: Option<KeyKind>,
    role: Role,
) -> Occurrence {
    let written = text.get(span.range()).unwrap_or("");
    let quoted = written.len() >= 2
        && matches!(written.as_bytes()[0], b'\'' | b'"' | b'`')
        && written.as_bytes()[written.len() - 1] == written.as_bytes()[0];
    let writing = match key_kind {
        Some(KeyKind::Identifier) => Writing::Identifier,
        Some(KeyKind::Quoted) | None if quoted => Writing::Quoted,
        Some(KeyKind::Quoted) | None => Writing::Unwritable(KeyKind::Computed),
        Some(other) => Writing::Unwritable(other),
    };
    let name_span = match writing {
        Writing::Quoted => Span::new(span.file, span.start + 1, span.end - 1),
        _ => span,
    };
    Occurrence {
        symbol,
        span,
        name_span,
        writing,
        role,
    }
}
