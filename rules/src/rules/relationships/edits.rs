//! Text helpers for the relationship fixes: names for new fields, and where and how to
//! insert a field into a model in the file's own style (indentation, trailing commas).

use crate::fix::Edit;
use crate::model::{Field, Model, Scalar};
use crate::span::Span;
use crate::value::KeyKind;

/// `Team` -> `team`, `PostTag` -> `postTag`.
pub(crate) fn lower_camel(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `firstName` -> `FirstName`.
pub(crate) fn upper_first(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The lowerCamelCase plural of a model name: `Member` -> `members`, `Category` ->
/// `categories`, `Box` -> `boxes`.
pub(crate) fn lower_camel_plural(name: &str) -> String {
    let base = lower_camel(name);
    let lowered = base.to_lowercase();
    if lowered.ends_with('s')
        || lowered.ends_with('x')
        || lowered.ends_with('z')
        || lowered.ends_with("ch")
        || lowered.ends_with("sh")
    {
        format!("{base}es")
    } else if let Some(stem) = base.strip_suffix('y').filter(|stem| {
        stem.chars()
            .last()
            .is_some_and(|c| !"aeiouAEIOU".contains(c))
    }) {
        format!("{stem}ies")
    } else {
        format!("{base}s")
    }
}

/// `base`, or `base2`, `base3`, ... : the first name that is not a field of `model` and not
/// in `taken`.
pub(crate) fn unique_field_name(model: &Model, base: &str, taken: &[String]) -> String {
    let free = |name: &str| model.field(name).is_none() && !taken.iter().any(|t| t == name);
    if free(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}{n}"))
        .find(|name| free(name))
        .unwrap_or_else(|| base.to_string())
}

/// `a.id()` for a scalar, with the builder name used in the file.
/// `name` as an object key: as it is when it is a JavaScript identifier, quoted otherwise
/// (a reference named `team-id` becomes `'team-id': a.id()`).
pub(crate) fn object_key(name: &str, quote: char) -> String {
    let mut characters = name.chars();
    let is_identifier = characters
        .next()
        .is_some_and(|first| first.is_alphabetic() || first == '_' || first == '$')
        && characters
            .all(|character| character.is_alphanumeric() || character == '_' || character == '$');
    if is_identifier {
        name.to_string()
    } else {
        let escaped = name
            .replace('\\', "\\\\")
            .replace(quote, &format!("\\{quote}"));
        format!("{quote}{escaped}{quote}")
    }
}

pub(crate) fn builder_call(builder: &str, scalar: Scalar) -> String {
    format!("{builder}.{}()", scalar.builder_name())
}

/// The builder name (`a`) a field's chain starts with.
pub(crate) fn builder_of(field: &Field) -> &str {
    field
        .chain
        .as_ref()
        .map_or("a", |chain| chain.root.value.as_str())
}

/// The quote character of a string literal's text (`'` when unknown).
pub(crate) fn quote_of(source: &str, span: Span) -> char {
    source
        .get(span.range())
        .and_then(|text| text.chars().next())
        .filter(|c| matches!(c, '\'' | '"' | '`'))
        .unwrap_or('\'')
}

fn line_start(source: &str, offset: usize) -> usize {
    source
        .get(..offset)
        .and_then(|before| before.rfind('\n'))
        .map_or(0, |newline| newline + 1)
}

/// The whitespace at the start of the line holding `offset`.
pub(crate) fn indentation_at(source: &str, offset: usize) -> &str {
    let start = line_start(source, offset);
    let line = source.get(start..).unwrap_or("");
    let end = line
        .find(|c: char| c != ' ' && c != '\t')
        .unwrap_or(line.len());
    &line[..end]
}

/// Whether only whitespace precedes `offset` on its line.
fn starts_line(source: &str, offset: usize) -> bool {
    let start = line_start(source, offset);
    source
        .get(start..offset)
        .is_some_and(|before| before.chars().all(|c| c == ' ' || c == '\t'))
}

/// Whether a field was written inside the model's own field object (not brought in by a
/// spread or defined elsewhere), so text can be inserted next to it.
fn written_in(model: &Model, field: &Field) -> bool {
    model.fields_span.is_some_and(|object| {
        field.key_kind != KeyKind::Spread
            && object.start <= field.span.start
            && field.span.end <= object.end
    })
}

/// Inserts `new_fields` (each `name: value`) into `model` after its last field, on new lines
/// indented like that field, keeping its trailing-comma style (or on the same line, for a
/// model written on one line). `None` when the model's last field was not written in its
/// field object.
pub(crate) fn insert_after_last_field(
    source: &str,
    model: &Model,
    new_fields: &[String],
) -> Option<Edit> {
    let object = model.fields_span?;
    let Some(last) = model.fields.last() else {
        return insert_into_empty_object(source, object, new_fields);
    };
    if !written_in(model, last) || new_fields.is_empty() {
        return None;
    }
    let after = source.get(last.span.end..object.end)?;
    let comma = after
        .char_indices()
        .find(|(_, c)| !c.is_whitespace())
        .filter(|(_, c)| *c == ',')
        .map(|(offset, _)| last.span.end + offset);
    let one_line = !starts_line(source, last.span.start);
    let indent = indentation_at(source, last.span.start);
    match (comma, one_line) {
        (Some(comma), false) => {
            // After the comma, past a comment that ends the line.
            let rest_of_line = source.get(comma + 1..).unwrap_or("");
            let line_end = rest_of_line.find('\n').unwrap_or(rest_of_line.len());
            let tail = rest_of_line[..line_end].trim();
            let at = if tail.is_empty() || tail.starts_with("//") {
                comma + 1 + rest_of_line[..line_end].trim_end_matches('\r').len()
            } else {
                comma + 1
            };
            let text: String = new_fields
                .iter()
                .map(|field| format!("\n{indent}{field},"))
                .collect();
            Some(Edit::insert(Span::new(object.file, at, at), text))
        }
        (None, false) => {
            let text: String = new_fields
                .iter()
                .map(|field| format!(",\n{indent}{field}"))
                .collect();
            Some(Edit::insert(last.span.at_end(), text))
        }
        (Some(comma), true) => {
            let text: String = new_fields
                .iter()
                .map(|field| format!(" {field},"))
                .collect();
            Some(Edit::insert(
                Span::new(object.file, comma + 1, comma + 1),
                text,
            ))
        }
        (None, true) => {
            let text: String = new_fields
                .iter()
                .map(|field| format!(", {field}"))
                .collect();
            Some(Edit::insert(last.span.at_end(), text))
        }
    }
}

/// `a.model({})` -> `a.model({ team: ... })`.
fn insert_into_empty_object(source: &str, object: Span, new_fields: &[String]) -> Option<Edit> {
    let text = source.get(object.range())?;
    let inner = text.strip_prefix('{')?.strip_suffix('}')?;
    if !inner.trim().is_empty() || new_fields.is_empty() {
        return None;
    }
    let replacement = format!("{{ {} }}", new_fields.join(", "));
    Some(Edit::replace(object, replacement))
}

/// Inserts `new_field` (`name: value`) just before `before`: on its own line with the same
/// indentation when `before` starts its line, else inline. `None` when `before` was not
/// written in the model's field object.
pub(crate) fn insert_before_field(
    source: &str,
    model: &Model,
    before: &Field,
    new_field: &str,
) -> Option<Edit> {
    if !written_in(model, before) {
        return None;
    }
    if starts_line(source, before.span.start) {
        let start = line_start(source, before.span.start);
        let indent = indentation_at(source, before.span.start);
        Some(Edit::insert(
            Span::new(before.span.file, start, start),
            format!("{indent}{new_field},\n"),
        ))
    } else {
        Some(Edit::insert(before.span, format!("{new_field}, ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(lower_camel("PostTag"), "postTag");
        assert_eq!(lower_camel_plural("Member"), "members");
        assert_eq!(lower_camel_plural("Category"), "categories");
        assert_eq!(lower_camel_plural("Day"), "days");
        assert_eq!(lower_camel_plural("Box"), "boxes");
        assert_eq!(upper_first("id"), "Id");
        assert_eq!(indentation_at("a\n    b: c", 8), "    ");
    }
}
