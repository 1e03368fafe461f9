//! Catalog section 2: identifiers and secondary indexes; one file per rule.

mod invalid_identifier_field;
mod invalid_secondary_index;
mod optional_identifier_field;
mod unknown_identifier_field;

use crate::model::{Field, FieldKind, Model, References, RelationKind};
use crate::registry::Rule;
use crate::span::Span;
use crate::value::Value;

pub(crate) const RULES: &[Rule] = &[
    Rule {
        meta: &unknown_identifier_field::UNKNOWN_IDENTIFIER_FIELD,
        check: unknown_identifier_field::check,
    },
    Rule {
        meta: &optional_identifier_field::OPTIONAL_IDENTIFIER_FIELD,
        check: optional_identifier_field::check,
    },
    Rule {
        meta: &invalid_identifier_field::INVALID_IDENTIFIER_FIELD,
        check: invalid_identifier_field::check,
    },
    Rule {
        meta: &invalid_secondary_index::INVALID_SECONDARY_INDEX,
        check: invalid_secondary_index::check,
    },
];

/// One name of a model's primary key, as written.
struct KeyEntry<'a> {
    name: &'a str,
    /// The string literal in `.identifier([...])`, or the `id` key of an explicit `id`
    /// field when the model declares no identifier.
    span: Span,
    /// 0 for the partition key, 1.. for the sort keys.
    position: usize,
    /// Whether an earlier entry has the same name.
    repeated: bool,
}

/// The names the model's primary key is made of, in the terms Amplify checks them: the
/// string items of `.identifier([...])` (items amplint cannot read are skipped, positions
/// kept), or, without an identifier, the implicit `id` when the model declares an `id`
/// field explicitly. Empty when there is nothing to check.
fn key_entries(model: &Model) -> Vec<KeyEntry<'_>> {
    let Some(declared) = &model.identifier else {
        return match model.field("id") {
            Some(field) => vec![KeyEntry {
                name: "id",
                span: field.key_span,
                position: 0,
                repeated: false,
            }],
            None => Vec::new(),
        };
    };
    let Some(Value::Array(array)) = &declared.argument else {
        return Vec::new();
    };
    let mut entries: Vec<KeyEntry<'_>> = Vec::new();
    for (position, item) in array.items.iter().enumerate() {
        let Some(name) = item.as_string() else {
            continue;
        };
        let repeated = entries.iter().any(|entry| entry.name == name.value);
        entries.push(KeyEntry {
            name: &name.value,
            span: name.span,
            position,
            repeated,
        });
    }
    entries
}

/// For a `belongsTo` field, the single reference field to use instead of it in a key.
fn reference_instead_of(field: &Field) -> Option<&str> {
    let FieldKind::Relationship(relationship) = &field.kind else {
        return None;
    };
    if relationship.kind != RelationKind::BelongsTo {
        return None;
    }
    match &relationship.references {
        References::Known { fields, .. } if fields.len() == 1 => Some(&fields[0].value),
        _ => None,
    }
}
