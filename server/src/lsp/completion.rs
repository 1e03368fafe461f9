//! Completion inside builder calls: model names for relationships, reference fields that
//! fit the parent's identifier, `a.ref` targets, field names for identifiers and indexes,
//! `allow.` strategies and `.to([...])` operations.
//!
//! The cursor's context comes from the syntax tree when the string under the cursor is
//! whole, and otherwise from the text before the cursor, read backwards through brackets
//! and strings: half-typed code (`a.belongsTo('Te`) is the normal case here.

use amplint_rules::model::{extract, FileModel, Schema, SchemaType, TypeKind};
use amplint_rules::syntax::named_children;
use amplint_rules::FileId;
use tree_sitter::Node;

use super::document::Snapshot;

/// The `allow.` strategies a model or field rule may use (VALIDATION.md).
pub const STRATEGIES: &[&str] = &[
    "publicApiKey",
    "guest",
    "authenticated",
    "owner",
    "ownerDefinedIn",
    "ownersDefinedIn",
    "group",
    "groups",
    "groupDefinedIn",
    "groupsDefinedIn",
    "custom",
];

/// `.to([...])` operations (VALIDATION.md).
pub const OPERATIONS: &[&str] = &[
    "create", "update", "delete", "read", "get", "list", "sync", "listen", "search",
];

/// One completion: the label, what it is, and the text to insert over `replace`
/// (a byte range of the document).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub label: String,
    pub detail: String,
    pub insert: String,
    pub replace: std::ops::Range<usize>,
    pub kind: CandidateKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CandidateKind {
    Model,
    Type,
    Field,
    Strategy,
    Operation,
}

/// Where the cursor is, read from the text before it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct CallContext {
    /// The method called (`hasMany`, `ref`, `identifier`, `index`, `sortKeys`, `to`).
    method: String,
    /// Which argument holds the cursor.
    argument: usize,
    /// The element index when the argument is an array literal holding the cursor.
    element: Option<usize>,
    /// The byte range of the call's first argument (for the relationship's model name).
    first_argument: std::ops::Range<usize>,
    /// Where the open string under the cursor starts (its quote) when there is one.
    string_start: Option<usize>,
    /// The byte offset of the opening parenthesis (to find the enclosing model).
    paren: usize,
}

/// The schema model of the project a document belongs to (all its files in one offset
/// space, [`amplint_rules::project::Project`]), and where the document starts in it.
pub struct ProjectModel<'a> {
    pub model: &'a FileModel,
    pub base: usize,
}

/// The candidates at `offset` of the document. Names come from the document's own schema,
/// or from its project's when it has one (a model file that names models another file
/// defines).
pub fn complete(
    snapshot: &Snapshot,
    offset: usize,
    project: Option<ProjectModel>,
) -> Vec<Candidate> {
    let text: &str = &snapshot.text;
    let offset = floor_char_boundary(text, offset.min(text.len()));
    if let Some(candidates) = complete_strategy(text, offset) {
        return candidates;
    }
    let string_start = string_start(snapshot, offset);
    let context = call_context_from_tree(snapshot, offset, string_start)
        .or_else(|| call_context_from_text(text, offset, string_start));
    let Some(context) = context else {
        return Vec::new();
    };
    let own_model;
    let (model, base) = match project {
        Some(project) => (project.model, project.base),
        None => {
            own_model = model_around(snapshot, offset);
            (&own_model, 0)
        }
    };
    let Some(schema) = enclosing_schema(model, base + context.paren) else {
        return Vec::new();
    };
    // What the insertion replaces: the string's contents typed so far, or nothing.
    let replace = match context.string_start {
        Some(start) => start + 1..word_end(text, offset),
        None => offset..offset,
    };
    let quote = |name: &str| match context.string_start {
        Some(_) => name.to_string(),
        None => format!("'{name}'"),
    };
    let make = |label: &str, detail: String, kind| Candidate {
        label: label.to_string(),
        detail,
        insert: quote(label),
        replace: replace.clone(),
        kind,
    };
    let enclosing = enclosing_type(schema, base + context.paren, base..base + text.len() + 1);
    match (context.method.as_str(), context.argument) {
        ("hasMany" | "hasOne" | "belongsTo", 0) if context.element.is_none() => schema
            .models()
            .map(|(schema_type, _)| {
                make(&schema_type.name, "model".to_string(), CandidateKind::Model)
            })
            .collect(),
        ("hasMany" | "hasOne" | "belongsTo", 1) => {
            let Some(owner) = enclosing else {
                return Vec::new();
            };
            let related = text
                .get(context.first_argument.clone())
                .unwrap_or("")
                .trim()
                .trim_matches(|c| matches!(c, '\'' | '"' | '`'));
            reference_candidates(schema, owner, related, &context, &replace)
        }
        ("ref", 0) if context.element.is_none() => schema
            .types
            .iter()
            .filter(|schema_type| {
                matches!(
                    schema_type.kind,
                    TypeKind::Enum(_) | TypeKind::CustomType(_)
                )
            })
            .map(|schema_type| {
                make(
                    &schema_type.name,
                    schema_type.kind_name().to_string(),
                    CandidateKind::Type,
                )
            })
            .collect(),
        ("identifier", 0) | ("sortKeys", 0) if context.element.is_some() => {
            field_candidates(enclosing, make)
        }
        ("index", 0) if context.element.is_none() => field_candidates(enclosing, make),
        ("to", 0) if context.element.is_some() => OPERATIONS
            .iter()
            .map(|operation| make(operation, "operation".to_string(), CandidateKind::Operation))
            .collect(),
        _ => Vec::new(),
    }
}

fn field_candidates(
    enclosing: Option<&SchemaType>,
    make: impl Fn(&str, String, CandidateKind) -> Candidate,
) -> Vec<Candidate> {
    let Some(model) = enclosing.and_then(SchemaType::as_model) else {
        return Vec::new();
    };
    let mut candidates: Vec<Candidate> = model
        .fields
        .iter()
        .filter(|field| field.as_relationship().is_none())
        .map(|field| make(&field.name, field.describe(), CandidateKind::Field))
        .collect();
    if model.field("id").is_none() {
        candidates.push(make(
            "id",
            "ID (implicit)".to_string(),
            CandidateKind::Field,
        ));
    }
    candidates
}

/// The child's scalar fields whose type fits the parent's identifier field at the
/// cursor's position; for a composite identifier outside an array, the whole array.
fn reference_candidates(
    schema: &Schema,
    owner: &SchemaType,
    related: &str,
    context: &CallContext,
    replace: &std::ops::Range<usize>,
) -> Vec<Candidate> {
    let Some(owner_model) = owner.as_model() else {
        return Vec::new();
    };
    let Some(related_model) = schema.model(related) else {
        return Vec::new();
    };
    let is_parent_side = context.method != "belongsTo";
    let ((parent_name, parent), (_, child)) = if is_parent_side {
        ((owner.name.as_str(), owner_model), (related, related_model))
    } else {
        ((related, related_model), (owner.name.as_str(), owner_model))
    };
    let Some(identifier) = parent.identifier_fields() else {
        return Vec::new();
    };
    let fitting = |position: usize| -> Vec<&str> {
        let Some(key) = identifier.get(position) else {
            return Vec::new();
        };
        let Some(key_scalar) = parent.scalar_of(&key.value) else {
            return Vec::new();
        };
        child
            .fields
            .iter()
            .filter(|field| {
                field
                    .scalar()
                    .is_some_and(|scalar| scalar.matches_reference(key_scalar))
                    && !field.is_array()
            })
            .map(|field| field.name.as_str())
            .collect()
    };
    let candidate = |name: &str, position: usize| Candidate {
        label: name.to_string(),
        detail: format!(
            "references {parent_name}.{}",
            identifier
                .get(position)
                .map_or("?", |key| key.value.as_str())
        ),
        insert: match context.string_start {
            Some(_) => name.to_string(),
            None => format!("'{name}'"),
        },
        replace: replace.clone(),
        kind: CandidateKind::Field,
    };
    match context.element {
        Some(position) => fitting(position)
            .into_iter()
            .map(|name| candidate(name, position))
            .collect(),
        None if identifier.len() == 1 => fitting(0)
            .into_iter()
            .map(|name| candidate(name, 0))
            .collect(),
        None if context.string_start.is_none() => {
            // A composite identifier needs the array form: one field per identifier field,
            // preferring the conventional `<parent><Field>` names.
            let mut chosen: Vec<String> = Vec::new();
            for (position, key) in identifier.iter().enumerate() {
                let options = fitting(position);
                let conventional =
                    format!("{}{}", lower_first(parent_name), upper_first(&key.value));
                let pick = options
                    .iter()
                    .find(|name| **name == conventional)
                    .or_else(|| {
                        options
                            .iter()
                            .find(|name| !chosen.iter().any(|c| c == *name))
                    });
                match pick {
                    Some(name) => chosen.push(name.to_string()),
                    None => return Vec::new(),
                }
            }
            let array = format!(
                "[{}]",
                chosen
                    .iter()
                    .map(|name| format!("'{name}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            vec![Candidate {
                label: array.clone(),
                detail: format!(
                    "references the identifier of {parent_name} ({})",
                    identifier
                        .iter()
                        .map(|key| key.value.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                insert: array,
                replace: replace.clone(),
                kind: CandidateKind::Field,
            }]
        }
        None => Vec::new(),
    }
}

fn lower_first(name: &str) -> String {
    let mut characters = name.chars();
    match characters.next() {
        Some(first) => first.to_lowercase().chain(characters).collect(),
        None => String::new(),
    }
}

fn upper_first(name: &str) -> String {
    let mut characters = name.chars();
    match characters.next() {
        Some(first) => first.to_uppercase().chain(characters).collect(),
        None => String::new(),
    }
}

/// `allow.` (or whatever the authorization callback calls its parameter) before the
/// cursor: the strategies.
fn complete_strategy(text: &str, offset: usize) -> Option<Vec<Candidate>> {
    let before = &text[..offset];
    let typed_start = identifier_start(before);
    let before_typed = &before[..typed_start];
    let object = before_typed.strip_suffix('.')?;
    let object_start = identifier_start(object);
    let name = &object[object_start..];
    if name.is_empty() || !is_authorization_parameter(&object[..object_start], name) {
        return None;
    }
    Some(
        STRATEGIES
            .iter()
            .map(|strategy| Candidate {
                label: strategy.to_string(),
                detail: "authorization strategy".to_string(),
                insert: strategy.to_string(),
                replace: typed_start..word_end(text, offset),
                kind: CandidateKind::Strategy,
            })
            .collect(),
    )
}

/// Whether `name` is `allow` or the parameter of an `.authorization(` callback that
/// starts shortly before.
fn is_authorization_parameter(before: &str, name: &str) -> bool {
    if name == "allow" {
        return true;
    }
    let window_start = floor_char_boundary(before, before.len().saturating_sub(400));
    let window = &before[window_start..];
    let Some(call) = window.rfind("authorization(") else {
        return false;
    };
    let after = window[call + "authorization(".len()..].trim_start();
    let after = after.strip_prefix('(').unwrap_or(after).trim_start();
    after.starts_with(name) && after[name.len()..].trim_start().starts_with([')', '='])
}

/// Where the string literal holding the cursor starts: from the tree when the cursor is
/// inside a whole string, else from an odd quote on the cursor's line.
fn string_start(snapshot: &Snapshot, offset: usize) -> Option<usize> {
    let root = snapshot.tree.root_node();
    if let Some(target) = root.descendant_for_byte_range(offset, offset) {
        for current in path_to(root, target).into_iter().rev() {
            if matches!(current.kind(), "string" | "template_string")
                && current.start_byte() < offset
                && (offset < current.end_byte() || current.has_error() || current.is_missing())
            {
                return Some(current.start_byte());
            }
        }
    }
    let text: &str = &snapshot.text;
    let line_start = text[..offset].rfind('\n').map_or(0, |index| index + 1);
    let mut open: Option<(usize, char)> = None;
    for (index, character) in text[line_start..offset].char_indices() {
        match open {
            Some((_, quote)) if character == quote => open = None,
            Some(_) => {}
            None if matches!(character, '\'' | '"' | '`') => {
                open = Some((line_start + index, character))
            }
            None if character == '/' && text[line_start + index..].starts_with("//") => break,
            None => {}
        }
    }
    open.map(|(start, _)| start)
}

/// The call holding the cursor, from the syntax tree: climbs from the node at the cursor
/// (or at the open string's quote) through at most one array to the call's arguments.
/// `None` when the way up crosses a syntax error (then the text decides).
fn call_context_from_tree(
    snapshot: &Snapshot,
    offset: usize,
    string_start: Option<usize>,
) -> Option<CallContext> {
    let start = string_start.unwrap_or(offset);
    let commas_before = |node: Node<'_>| {
        let mut cursor = node.walk();
        node.children(&mut cursor)
            .filter(|child| child.kind() == "," && child.start_byte() < start)
            .count()
    };
    let root = snapshot.tree.root_node();
    let mut path = path_to(root, root.descendant_for_byte_range(start, start)?);
    let mut element = None;
    while let Some(node) = path.pop() {
        if node.is_error() || node.is_missing() {
            return None;
        }
        let inside = node.start_byte() < start && start < node.end_byte();
        match node.kind() {
            "array" if inside && element.is_none() => element = Some(commas_before(node)),
            "arguments" if inside => {
                let call = path
                    .last()
                    .copied()
                    .filter(|call| call.kind() == "call_expression")?;
                let function = call.child_by_field_name("function")?;
                let method = match function.kind() {
                    "member_expression" => function.child_by_field_name("property")?,
                    "identifier" => function,
                    _ => return None,
                };
                let first_argument = named_children(node)
                    .find(|child| child.kind() != "comment")
                    .map_or(start..start, |first| first.byte_range());
                return Some(CallContext {
                    method: amplint_rules::syntax::node_text(method, &snapshot.text).to_string(),
                    argument: commas_before(node),
                    element,
                    first_argument,
                    string_start,
                    paren: node.start_byte(),
                });
            }
            "statement_block" | "object" | "program" => return None,
            _ => {}
        }
    }
    None
}

/// The nodes from `root` down to `target`, both included. Climbing with `Node::parent`
/// costs a search from the root at every step (quadratic in the nesting depth: 10,000
/// levels took 7 s); one walk down costs the depth.
fn path_to<'t>(root: Node<'t>, target: Node<'t>) -> Vec<Node<'t>> {
    let mut path = vec![root];
    let mut cursor = root.walk();
    let range = target.byte_range();
    while cursor.node().id() != target.id() {
        if !cursor.goto_first_child() {
            break;
        }
        // The child holding the target: the last one starting at or before it that ends at
        // or after it (empty nodes share positions with their neighbours).
        let mut holder = None;
        loop {
            let child = cursor.node();
            if child.id() == target.id() {
                holder = Some(child);
                break;
            }
            if child.start_byte() <= range.start && range.end <= child.end_byte() {
                holder = Some(child);
            }
            if child.start_byte() > range.start || !cursor.goto_next_sibling() {
                break;
            }
        }
        let Some(holder) = holder else {
            break;
        };
        cursor.reset(holder);
        path.push(holder);
    }
    if path.last().is_some_and(|last| last.id() == target.id()) {
        return path;
    }
    // Not found going down (an empty node between two siblings): climb instead.
    let mut climbed = vec![target];
    let mut node = target;
    while let Some(parent) = node.parent() {
        climbed.push(parent);
        node = parent;
    }
    climbed.reverse();
    climbed
}

/// Reads backwards from the cursor (or the open string's quote) to the call holding it.
fn call_context_from_text(
    text: &str,
    offset: usize,
    string_start: Option<usize>,
) -> Option<CallContext> {
    let bytes = text.as_bytes();
    let mut position = string_start.unwrap_or(offset);
    let mut commas = 0;
    let mut element = None;
    let limit = position.saturating_sub(4_000);
    // Closing brackets seen while walking back, to skip balanced groups.
    let mut depth: Vec<u8> = Vec::new();
    while position > limit {
        position -= 1;
        let byte = bytes[position];
        match byte {
            b'\'' | b'"' | b'`' => {
                // Skip back over a string on this line.
                let quote = byte;
                while position > limit {
                    position -= 1;
                    if bytes[position] == quote || bytes[position] == b'\n' {
                        break;
                    }
                }
            }
            b')' | b']' | b'}' => depth.push(byte),
            b'(' | b'[' | b'{' if !depth.is_empty() => {
                depth.pop();
            }
            b',' if depth.is_empty() => commas += 1,
            b'[' => {
                if element.is_some() {
                    return None;
                }
                element = Some(commas);
                commas = 0;
            }
            b'(' => {
                let method_end = text[..position].trim_end().len();
                let method_start = identifier_start(&text[..method_end]);
                let method = text[method_start..method_end].to_string();
                if method.is_empty() {
                    return None;
                }
                let first_argument_end = first_argument_end(text, position + 1, offset);
                return Some(CallContext {
                    method,
                    argument: commas,
                    element,
                    first_argument: position + 1..first_argument_end,
                    string_start,
                    paren: position,
                });
            }
            b'{' | b';' => return None,
            _ => {}
        }
    }
    None
}

/// The end of the first argument after `start`: the first comma outside brackets and
/// strings, or `limit`.
fn first_argument_end(text: &str, start: usize, limit: usize) -> usize {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut position = start;
    while position < limit.min(bytes.len()) {
        let byte = bytes[position];
        match quote {
            Some(open) if byte == open => quote = None,
            Some(_) => {}
            None => match byte {
                b'\'' | b'"' | b'`' => quote = Some(byte),
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' if depth == 0 => return position,
                b')' | b']' | b'}' => depth -= 1,
                b',' if depth == 0 => return position,
                _ => {}
            },
        }
        position += 1;
    }
    position
}

fn is_identifier_character(character: char) -> bool {
    character.is_alphanumeric() || character == '_' || character == '$'
}

/// Where the identifier that `text` ends with starts.
fn identifier_start(text: &str) -> usize {
    text.char_indices()
        .rev()
        .find(|&(_, character)| !is_identifier_character(character))
        .map_or(0, |(index, character)| index + character.len_utf8())
}

/// The end of the word the cursor is in (so a completion replaces `Te|am` whole).
fn word_end(text: &str, offset: usize) -> usize {
    offset
        + text[offset..]
            .find(|c: char| !is_identifier_character(c))
            .unwrap_or(text.len() - offset)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The schema model to complete from. Half-typed code often breaks the whole
/// `a.schema({...})` for the parser; then the model comes from the text with the cursor's
/// line blanked out (same length, so offsets still match), which usually parses.
fn model_around(snapshot: &Snapshot, offset: usize) -> FileModel {
    let text: &str = &snapshot.text;
    let Some(blanked) = repaired_text(snapshot, offset) else {
        return extract(&snapshot.tree, text, FileId::MAIN);
    };
    let tree = amplint_rules::syntax::parse(snapshot.kind, &blanked, None);
    let repaired = extract(&tree, &blanked, FileId::MAIN);
    if repaired.schemas.is_empty() {
        extract(&snapshot.tree, text, FileId::MAIN)
    } else {
        repaired
    }
}

/// The document's text with the line at `offset` blanked out (same length), when the
/// document does not parse cleanly: what to read its schema from while a line is half typed.
pub fn repaired_text(snapshot: &Snapshot, offset: usize) -> Option<String> {
    if !snapshot.tree.root_node().has_error() {
        return None;
    }
    let text: &str = &snapshot.text;
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let line_start = text[..offset].rfind('\n').map_or(0, |index| index + 1);
    let line_end = text[offset..]
        .find('\n')
        .map_or(text.len(), |index| offset + index);
    let mut blanked = String::with_capacity(text.len());
    blanked.push_str(&text[..line_start]);
    blanked.extend(std::iter::repeat_n(' ', line_end - line_start));
    blanked.push_str(&text[line_end..]);
    Some(blanked)
}

/// The schema holding `offset`; the first one when the text around it is too broken to
/// say (half-typed code often is).
fn enclosing_schema(model: &FileModel, offset: usize) -> Option<&Schema> {
    super::names::schema_at(model, offset)
}

/// The model or custom type whose definition (its `Name: value` pair, or the constant its
/// value names, perhaps in another file of the project) holds `offset`; or else the last
/// one defined before it in the same file (`file`: the document's range of offsets).
fn enclosing_type(
    schema: &Schema,
    offset: usize,
    file: std::ops::Range<usize>,
) -> Option<&SchemaType> {
    let holds = |span: amplint_rules::Span| span.start <= offset && offset <= span.end;
    schema
        .types
        .iter()
        .filter(|schema_type| holds(schema_type.span) || holds(schema_type.value_span))
        .min_by_key(|schema_type| schema_type.value_span.len())
        .or_else(|| {
            schema
                .types
                .iter()
                .map(|schema_type| (schema_type, schema_type.value_span.start))
                .filter(|(_, start)| file.contains(start) && *start <= offset)
                .max_by_key(|(_, start)| *start)
                .map(|(schema_type, _)| schema_type)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsp::document::Document;

    const SCHEMA: &str = "const schema = a.schema({
  Team: a.model({ members: a.hasMany('Member', 'teamId') }),
  Member: a
    .model({ name: a.string().required(), born: a.date().required(), teamId: a.id(),
      team: a.belongsTo('Team', 'teamId'),
      pet: a.hasOne('Pet', ['memberName', 'memberBorn']) })
    .identifier(['name', 'born'])
    .secondaryIndexes((index) => [index('teamId')])
    .authorization((allow) => [allow.owner().to(['read'])]),
  Pet: a.model({ memberName: a.string(), memberBorn: a.date(), other: a.date(),
    member: a.belongsTo('Member', ['memberName', 'memberBorn']) }),
});
";

    fn snapshot() -> Snapshot {
        Document::open(SCHEMA, 1, amplint_rules::SourceKind::TypeScript).snapshot()
    }

    /// The offset `shift` bytes into the first `needle`.
    fn at(needle: &str, shift: usize) -> usize {
        SCHEMA.find(needle).expect("needle") + shift
    }

    fn context(offset: usize) -> Option<(String, usize, Option<usize>)> {
        let snapshot = snapshot();
        let string_start = string_start(&snapshot, offset);
        call_context_from_tree(&snapshot, offset, string_start)
            .map(|context| (context.method, context.argument, context.element))
    }

    #[test]
    fn reads_the_call_at_the_cursor_from_the_tree() {
        let expect =
            |method: &str, argument, element| Some((method.to_string(), argument, element));
        assert_eq!(
            context(at("'Member', 'teamId'", 3)),
            expect("hasMany", 0, None)
        );
        assert_eq!(context(at("'teamId') }", 2)), expect("hasMany", 1, None));
        assert_eq!(
            context(at("'memberBorn']) })", 2)),
            expect("hasOne", 1, Some(1))
        );
        assert_eq!(context(at("'born'])", 1)), expect("identifier", 0, Some(1)));
        assert_eq!(context(at("'teamId')]", 1)), expect("index", 0, None));
        assert_eq!(context(at("'read'", 2)), expect("to", 0, Some(0)));
        assert_eq!(context(at("name: a.string", 1)), None);
    }

    #[test]
    fn completes_in_whole_code() {
        let labels = |offset| -> Vec<String> {
            complete(&snapshot(), offset, None)
                .into_iter()
                .map(|candidate| candidate.label)
                .collect()
        };
        assert_eq!(
            labels(at("'Member', 'teamId'", 3)),
            ["Team", "Member", "Pet"]
        );
        // Pet's fields that fit Member's identifier at each position.
        assert_eq!(
            labels(at("'memberName', 'memberBorn']) })", 2)),
            ["memberName"]
        );
        assert_eq!(labels(at("'memberBorn']) })", 2)), ["memberBorn", "other"]);
        assert!(labels(at("'read'", 2)).contains(&"listen".to_string()));
        assert!(labels(at("allow.owner", 6)).contains(&"ownersDefinedIn".to_string()));
        let replaced = complete(&snapshot(), at("'Member', 'teamId'", 3), None);
        assert_eq!(
            &SCHEMA[replaced[0].replace.clone()],
            "Member",
            "the whole string's contents are replaced"
        );
    }
}
