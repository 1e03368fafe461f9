//! From a tree-sitter tree to the [`FileModel`].

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use tree_sitter::{Node, Tree};

use super::auth::Authorization;
use super::shift::{Shift, TextChange};
use super::types::*;
use super::{DefineData, FileModel, Schema};
use crate::span::{FileId, Span};
use crate::split::SplitTrees;
use crate::syntax::{named_children, node_text, Fields};
use crate::value::{Chain, Entry, Evaluator, ObjectValue, ProjectScopes, Value};

/// Schemas with at least this many entries build their types on all cores.
const PARALLEL_TYPES: usize = 64;

/// Extracts every `a.schema({...})` and `defineData({...})` of a parsed file.
pub fn extract(tree: &Tree, source: &str, file: FileId) -> FileModel {
    extract_with(Evaluator::new(tree, source, file), tree, source)
}

/// Extracts a file after an edit, from the model of the text before it: when the edit
/// stayed inside one `Name: value` entry of a schema object, only that entry is read again
/// and every other part of `previous` follows the edit ([`Shift`]); otherwise the whole
/// file is extracted. The result is the same as [`extract`]'s either way (a property test
/// holds the two together); typing inside one model of a large schema costs the reading
/// of that model instead of all of them.
///
/// `tree` must be the parse of `source`, the text after `change`; `previous`, the model of
/// an error-free parse of the text before it (a single file, [`FileId::MAIN`]). Also says
/// whether `previous` was reused.
pub fn extract_after_edit(
    tree: &Tree,
    source: &str,
    previous: FileModel,
    change: TextChange,
) -> (FileModel, bool) {
    match reuse_after_edit(tree, source, previous, change) {
        Ok(model) => (model, true),
        Err(()) => (extract(tree, source, FileId::MAIN), false),
    }
}

fn reuse_after_edit(
    tree: &Tree,
    source: &str,
    mut model: FileModel,
    change: TextChange,
) -> Result<FileModel, ()> {
    let root = tree.root_node();
    // A tree with errors is read as a whole (its recovered shape can change anywhere);
    // combined schemas share types between schemas.
    if root.has_error()
        || root.end_byte() != source.len()
        || model
            .schemas
            .iter()
            .any(|schema| schema.combine_span.is_some() || !schema.combined_with.is_empty())
    {
        return Err(());
    }
    let inside = |span: Span| span.start < change.start && change.old_end < span.end;
    let mut found = model
        .schemas
        .iter()
        .enumerate()
        .filter(|(_, schema)| schema.object_span.is_some_and(inside));
    let (schema_index, schema) = found.next().ok_or(())?;
    if found.next().is_some() || !schema.complete {
        return Err(());
    }
    let object_span = schema.object_span.ok_or(())?;
    // Every type must be a pair written in the object itself (no spread entries), so the
    // object's pairs and the types match one to one, in order.
    let own = |schema_type: &SchemaType| {
        schema_type.key_kind != crate::value::KeyKind::Spread
            && object_span.start < schema_type.span.start
            && schema_type.span.end < object_span.end
    };
    if !schema.types.iter().all(own) {
        return Err(());
    }
    let edited = schema
        .types
        .iter()
        .position(|schema_type| {
            schema_type.span.start <= change.start && change.old_end <= schema_type.span.end
        })
        .ok_or(())?;
    // The object in the new tree: same start, its end moved by the edit, and pairs where
    // the old types were (moved by the edit after it).
    let object = root
        .descendant_for_byte_range(object_span.start, object_span.start + 1)
        .and_then(|brace| brace.parent())
        .filter(|object| {
            object.kind() == "object"
                && object.start_byte() == object_span.start
                && object.end_byte() == moved_end(object_span, change)
        })
        .ok_or(())?;
    let mut pairs = named_children(object).filter(|child| child.kind() != "comment");
    let mut edited_pair = None;
    for (index, schema_type) in schema.types.iter().enumerate() {
        let pair = pairs.next().ok_or(())?;
        if pair.kind() != "pair" {
            return Err(());
        }
        // The edited pair keeps its start even when the edit inserted text right there.
        let expected = if index == edited {
            edited_pair = Some(pair);
            (schema_type.span.start, moved_end(schema_type.span, change))
        } else {
            let mut moved = schema_type.span;
            moved.shift(change);
            (moved.start, moved.end)
        };
        if (pair.start_byte(), pair.end_byte()) != expected {
            return Err(());
        }
    }
    if pairs.next().is_some() {
        return Err(());
    }
    let mut evaluator = Evaluator::new(tree, source, FileId::MAIN);
    if evaluator.builder_names != model.builder_names {
        return Err(());
    }
    let entry = evaluator.eval_pair(edited_pair.ok_or(())?).ok_or(())?;
    let mut fresh = Some(schema_type(entry, &evaluator.builder_names));
    for (index, schema) in model.schemas.iter_mut().enumerate() {
        if index != schema_index {
            schema.shift(change);
            continue;
        }
        let mut types = std::mem::take(&mut schema.types);
        schema.shift(change);
        for (index, schema_type) in types.iter_mut().enumerate() {
            match fresh.take_if(|_| index == edited) {
                Some(fresh) => *schema_type = fresh,
                None => schema_type.shift(change),
            }
        }
        schema.types = types;
        schema.index_types();
    }
    model.define_data.shift(change);
    Ok(model)
}

/// Where a span that ends after `change` ends once the edit is made.
fn moved_end(span: Span, change: TextChange) -> usize {
    let mut moved = span;
    moved.shift(change);
    moved.end
}

/// Extracts the entry file of a project, following its imports into the other files.
pub fn extract_project<'a>(scopes: &'a ProjectScopes<'a>) -> FileModel {
    let project = scopes.project();
    let entry = project.entry();
    match scopes.evaluator(entry.id) {
        Some(evaluator) => extract_with(evaluator, &entry.tree, project.source(entry.id)),
        None => FileModel::default(),
    }
}

fn extract_with<'a>(mut evaluator: Evaluator<'a>, tree: &'a Tree, source: &str) -> FileModel {
    let mut model = FileModel::default();
    let mut combines = Vec::new();
    for node in outermost_calls(tree, source, &evaluator) {
        match node {
            Found::Schema(top) => {
                if let Value::Chain(chain) = evaluator.eval(top) {
                    if let Some(schema) = schema_from_chain(chain, &evaluator.builder_names) {
                        model.schemas.push(schema);
                    }
                }
            }
            Found::DefineData(call) => {
                if let Some(define_data) = define_data(call, &mut evaluator) {
                    model.define_data.push(define_data);
                }
            }
            Found::Combine(top) => combines.push(top),
        }
    }
    // After every schema of the file was read, so that each combined one is replaced
    // wherever it is written.
    for top in combines {
        if let Value::Chain(chain) = evaluator.eval(top) {
            combine(chain, &evaluator.builder_names, &mut model.schemas);
        }
    }
    model.builder_names = evaluator.builder_names;
    model
}

/// Extracts a file parsed in pieces ([`crate::split`]): the pieces are extracted on the
/// pool's threads and joined ([`join_pieces`]).
pub fn extract_split(trees: &SplitTrees, source: &str, file: FileId) -> FileModel {
    let pieces = trees
        .trees
        .par_iter()
        .with_max_len(1)
        .map(|tree| extract(tree, source, file))
        .collect();
    join_pieces(pieces, trees.cuts.open)
}

/// The model of a file parsed in pieces, from the models of its pieces (in order): the
/// members of the schema object that was cut (the one opening at `open`) of every piece
/// join the first piece's; everything outside that object is the same in every piece and
/// is taken from the first.
pub fn join_pieces(pieces: Vec<FileModel>, open: usize) -> FileModel {
    let is_cut = |schema: &Schema| schema.object_span.is_some_and(|span| span.start == open);
    let mut pieces = pieces.into_iter();
    let Some(mut first) = pieces.next() else {
        return FileModel::default();
    };
    if let Some(schema) = first.schemas.iter_mut().find(|schema| is_cut(schema)) {
        for piece in pieces {
            if let Some(part) = piece.schemas.into_iter().find(|schema| is_cut(schema)) {
                schema.types.extend(part.types);
                schema.complete &= part.complete;
            }
        }
        schema.index_types();
    }
    first
}

enum Found<'tree> {
    /// The outermost expression of a chain that starts with `a.schema(`.
    Schema(Node<'tree>),
    /// A `defineData(...)` call.
    DefineData(Node<'tree>),
    /// `a.combine([...])`.
    Combine(Node<'tree>),
}

/// `a.combine([schemaA, schemaB])`: each schema it names (defined in this file or
/// imported) becomes one of the file's schemas, told the types of the others. A schema
/// also found on its own (defined in this file) is replaced by its combined version.
fn combine(chain: Chain, builder_names: &FxHashSet<String>, schemas: &mut Vec<Schema>) {
    if !chain.is_builder(builder_names)
        || chain.head().is_none_or(|head| head.name.value != "combine")
    {
        return;
    }
    let span = chain.span;
    let Some((head, _, _)) = split_head(chain) else {
        return;
    };
    let Some(Value::Array(array)) = first_argument(head) else {
        return;
    };
    let mut complete = array.complete;
    let mut parts: Vec<Schema> = Vec::new();
    for item in array.items {
        match item {
            Value::Chain(chain) => match schema_from_chain(chain, builder_names) {
                Some(schema) => parts.push(schema),
                None => complete = false,
            },
            _ => complete = false,
        }
    }
    complete &= parts.iter().all(|part| part.complete);
    let part_spans: Vec<_> = parts.iter().map(|part| part.span).collect();
    schemas.retain(|schema| !part_spans.contains(&schema.span));
    for index in 0..parts.len() {
        let others: Vec<SchemaType> = parts
            .iter()
            .enumerate()
            .filter(|(other, _)| *other != index)
            .flat_map(|(_, other)| other.types.iter().cloned())
            .collect();
        let part = &mut parts[index];
        part.combined_with = others;
        part.combine_span = Some(span);
        part.complete = complete;
        part.index_types();
    }
    schemas.extend(parts);
    schemas.sort_by_key(|schema| (schema.span.file, schema.span.start));
}

/// Finds the `a.schema(` and `defineData(` calls. Searching the text for the two names and
/// asking the tree what sits there is much cheaper than walking every node of a large file;
/// occurrences in comments and strings are rejected by the node kinds.
fn outermost_calls<'tree>(
    tree: &'tree Tree,
    source: &str,
    evaluator: &Evaluator<'_>,
) -> Vec<Found<'tree>> {
    let fields = evaluator.fields;
    let root = tree.root_node();
    let mut found: Vec<(usize, Found<'tree>)> = Vec::new();
    let occurrences = ["schema", "defineData", "combine"]
        .into_iter()
        .flat_map(|word| {
            memchr::memmem::find_iter(source.as_bytes(), word).map(move |offset| (offset, word))
        });
    for (offset, word) in occurrences {
        let Some(node) = root.descendant_for_byte_range(offset, offset + word.len()) else {
            continue;
        };
        if node.byte_range() != (offset..offset + word.len()) {
            continue;
        }
        let Some(parent) = node.parent() else {
            continue;
        };
        match (node.kind(), word) {
            ("property_identifier", "schema" | "combine")
                if parent.kind() == "member_expression" =>
            {
                let Some(call) = parent.parent().filter(|call| {
                    call.kind() == "call_expression"
                        && call.child_by_field_id(fields.function) == Some(parent)
                }) else {
                    continue;
                };
                let is_builder = parent
                    .child_by_field_id(fields.object)
                    .filter(|object| object.kind() == "identifier")
                    .is_some_and(|object| {
                        evaluator.builder_names.contains(node_text(object, source))
                    });
                if is_builder {
                    let top = chain_top(call, fields);
                    found.push((
                        offset,
                        if word == "schema" {
                            Found::Schema(top)
                        } else {
                            Found::Combine(top)
                        },
                    ));
                }
            }
            ("identifier", "defineData")
                if parent.kind() == "call_expression"
                    && parent.child_by_field_id(fields.function) == Some(node) =>
            {
                found.push((offset, Found::DefineData(parent)));
            }
            _ => {}
        }
    }
    found.sort_by_key(|(offset, _)| *offset);
    found.into_iter().map(|(_, found)| found).collect()
}

/// Climbs from a call to the outermost expression of its chain
/// (`a.schema({...})` -> `a.schema({...}).authorization(...)`).
fn chain_top(mut node: Node<'_>, fields: Fields) -> Node<'_> {
    while let Some(parent) = node.parent() {
        let continues = match parent.kind() {
            "member_expression" | "subscript_expression" => {
                parent.child_by_field_id(fields.object) == Some(node)
            }
            "call_expression" => parent.child_by_field_id(fields.function) == Some(node),
            "non_null_expression" => true,
            _ => false,
        };
        if !continues {
            break;
        }
        node = parent;
    }
    node
}

/// Splits a builder chain into its head call (`model(...)`) and the calls after it.
/// The extractor consumes the evaluated values instead of copying them: on large schemas
/// the copies cost more than the evaluation.
fn split_head(
    chain: Chain,
) -> Option<(
    crate::value::Call,
    Vec<crate::value::Call>,
    crate::span::Span,
)> {
    let mut calls = chain.calls.into_iter();
    let head = calls.next()?;
    Some((head, calls.collect(), chain.span))
}

/// The first argument of a call, by value.
fn first_argument(call: crate::value::Call) -> Option<Value> {
    call.args.and_then(|args| args.items.into_iter().next())
}

fn schema_from_chain(chain: Chain, builder_names: &FxHashSet<String>) -> Option<Schema> {
    if !chain.is_builder(builder_names) || chain.head()?.name.value != "schema" {
        return None;
    }
    let (head, modifiers, span) = split_head(chain)?;
    let mut schema = Schema::new(span, head.name.span);
    schema.modifiers = modifiers;
    if let Some(Value::Object(object)) = first_argument(head) {
        schema.object_span = Some(object.span);
        schema.complete = object.complete;
        schema.types = if object.entries.len() < PARALLEL_TYPES {
            object
                .entries
                .into_iter()
                .map(|entry| schema_type(entry, builder_names))
                .collect()
        } else {
            object
                .entries
                .into_par_iter()
                .map(|entry| schema_type(entry, builder_names))
                .collect()
        };
    }
    if let Some(call) = schema
        .modifiers
        .iter()
        .rev()
        .find(|call| call.name.value == "authorization")
    {
        schema.authorization = Some(Authorization::from_call(call, builder_names));
    }
    schema.index_types();
    Some(schema)
}

fn schema_type(entry: Entry, builder_names: &FxHashSet<String>) -> SchemaType {
    let value_span = entry.value.span();
    let kind = match entry.value {
        Value::Chain(chain) if chain.is_builder(builder_names) => {
            let head = chain
                .head()
                .map(|call| call.name.value.as_str())
                .unwrap_or("");
            match head {
                "model" => match model(chain, builder_names) {
                    Some(model) => TypeKind::Model(Box::new(model)),
                    None => TypeKind::Unknown,
                },
                "enum" => TypeKind::Enum(enum_def(&chain)),
                "customType" => TypeKind::CustomType(custom_type(&chain, builder_names)),
                _ => match OperationKind::from_builder(head) {
                    Some(kind) => TypeKind::Operation(CustomOperation {
                        kind,
                        span: chain.span,
                        authorization: chain
                            .find("authorization")
                            .map(|call| Authorization::from_call(call, builder_names)),
                        chain,
                    }),
                    None => TypeKind::Other(chain),
                },
            }
        }
        Value::Chain(chain) => TypeKind::Other(chain),
        _ => TypeKind::Unknown,
    };
    SchemaType {
        name: entry.key,
        key_span: entry.key_span,
        key_kind: entry.key_kind,
        span: entry.span,
        value_span,
        kind,
    }
}

fn model(chain: Chain, builder_names: &FxHashSet<String>) -> Option<Model> {
    let (head, modifiers, span) = split_head(chain)?;
    let call_name_span = head.name.span;
    let (fields, fields_complete, fields_span) = fields_of(first_argument(head), builder_names);
    let find = |name: &str| modifiers.iter().rev().find(|call| call.name.value == name);
    let identifier = find("identifier").map(|call| {
        let argument = call.arg(0).cloned();
        IdentifierDecl {
            span: call.span,
            fields: argument.as_ref().and_then(Value::string_list),
            is_array_value: matches!(argument, Some(Value::Array(_))),
            argument,
        }
    });
    let secondary_indexes = find("secondaryIndexes").map(secondary_indexes);
    let disable_operations = find("disableOperations").cloned();
    let authorization =
        find("authorization").map(|call| Authorization::from_call(call, builder_names));
    let by_name = index_fields(&fields);
    Some(Model {
        span,
        call_name_span,
        fields_span,
        fields,
        fields_complete,
        identifier,
        secondary_indexes,
        disable_operations,
        authorization,
        modifiers,
        by_name,
    })
}

fn index_fields(fields: &[Field]) -> FxHashMap<String, usize> {
    fields
        .iter()
        .enumerate()
        .map(|(index, field)| (field.name.clone(), index))
        .collect()
}

fn fields_of(
    argument: Option<Value>,
    builder_names: &FxHashSet<String>,
) -> (Vec<Field>, bool, Option<crate::span::Span>) {
    let Some(Value::Object(ObjectValue {
        entries,
        complete,
        span,
    })) = argument
    else {
        return (Vec::new(), false, None);
    };
    let fields = entries
        .into_iter()
        .map(|entry| field(entry, builder_names))
        .collect();
    (fields, complete, Some(span))
}

fn field(entry: Entry, builder_names: &FxHashSet<String>) -> Field {
    let value_span = entry.value.span();
    let (kind, modifiers, chain) = match entry.value {
        Value::Chain(chain) if chain.is_builder(builder_names) && chain.head().is_some() => (
            field_kind(&chain, builder_names),
            chain.modifiers().to_vec(),
            Some(chain),
        ),
        Value::Chain(chain) => (FieldKind::Other(chain.clone()), Vec::new(), Some(chain)),
        _ => (FieldKind::Unknown, Vec::new(), None),
    };
    Field {
        name: entry.key,
        key_span: entry.key_span,
        key_kind: entry.key_kind,
        span: entry.span,
        value_span,
        kind,
        modifiers,
        chain,
    }
}

fn field_kind(chain: &Chain, builder_names: &FxHashSet<String>) -> FieldKind {
    let head = chain.head().expect("field chains have a head");
    let name = head.name.value.as_str();
    if head.args.is_none() {
        return FieldKind::Other(chain.clone());
    }
    if let Some(scalar) = Scalar::from_builder(name) {
        return FieldKind::Scalar(scalar);
    }
    if let Some(kind) = RelationKind::from_builder(name) {
        let related_model = head.arg(0).and_then(Value::as_string).cloned();
        let references = match head.arg(1) {
            None => References::Missing,
            Some(Value::String(single)) => References::Known {
                fields: vec![single.clone()],
                array: false,
                span: single.span,
            },
            Some(value @ Value::Array(array)) => match value.string_list() {
                Some(fields) => References::Known {
                    fields,
                    array: true,
                    span: array.span,
                },
                None => References::Unknown,
            },
            Some(_) => References::Unknown,
        };
        return FieldKind::Relationship(Relationship {
            kind,
            related_model,
            related_model_span: head.arg(0).map(Value::span),
            references,
            span: chain.span,
            name_span: head.name.span,
        });
    }
    match name {
        "ref" => match head.arg(0).and_then(Value::as_string) {
            Some(target) => FieldKind::Ref {
                target: target.clone(),
            },
            None => FieldKind::Unknown,
        },
        "enum" => FieldKind::InlineEnum(enum_def(chain)),
        "customType" => FieldKind::InlineCustomType(custom_type(chain, builder_names)),
        _ => FieldKind::Other(chain.clone()),
    }
}

fn enum_def(chain: &Chain) -> EnumDef {
    let head = chain.head().expect("an enum chain starts with `enum`");
    let argument = head.arg(0);
    EnumDef {
        span: chain.span,
        values: argument.and_then(Value::string_list),
        values_span: argument.map(Value::span),
        modifiers: chain.modifiers().to_vec(),
    }
}

fn custom_type(chain: &Chain, builder_names: &FxHashSet<String>) -> CustomType {
    let head = chain
        .head()
        .expect("a custom type chain starts with `customType`");
    let (fields, fields_complete, fields_span) = fields_of(head.arg(0).cloned(), builder_names);
    CustomType {
        span: chain.span,
        fields,
        fields_complete,
        fields_span,
        modifiers: chain.modifiers().to_vec(),
    }
}

fn secondary_indexes(call: &crate::value::Call) -> SecondaryIndexes {
    let mut result = SecondaryIndexes {
        span: call.span,
        indexes: Vec::new(),
        complete: false,
    };
    let Some(Value::Function(callback)) = call.arg(0) else {
        return result;
    };
    let parameter = callback.params.first().map(|param| param.value.as_str());
    let Value::Array(array) = callback.body.as_ref() else {
        return result;
    };
    result.complete = array.complete;
    for item in &array.items {
        let Some(chain) = item
            .as_chain()
            .filter(|chain| Some(chain.root.value.as_str()) == parameter)
        else {
            result.complete = false;
            continue;
        };
        let string_arg = |name: &str| {
            chain
                .find(name)
                .and_then(|call| call.arg(0))
                .and_then(Value::as_string)
                .cloned()
        };
        result.indexes.push(IndexDef {
            span: chain.span,
            partition_key: chain
                .root_args
                .as_ref()
                .and_then(|args| args.items.first())
                .and_then(Value::as_string)
                .cloned(),
            sort_keys: chain
                .find("sortKeys")
                .and_then(|call| call.arg(0))
                .and_then(Value::string_list),
            name: string_arg("name"),
            query_field: string_arg("queryField"),
            chain: chain.clone(),
        });
    }
    result
}

fn define_data<'tree>(call: Node<'tree>, evaluator: &mut Evaluator<'tree>) -> Option<DefineData> {
    let function = call.child_by_field_name("function")?;
    let arguments = call.child_by_field_name("arguments")?;
    let first = named_children(arguments).find(|child| child.kind() != "comment");
    let props = match first.map(|node| evaluator.eval_object_skipping(node, &["schema"])) {
        Some(Value::Object(object)) => Some(object),
        _ => None,
    };
    let schema = props
        .as_ref()
        .and_then(|props| props.get("schema"))
        .map(|entry| entry.value.span());
    let authorization_modes = props
        .as_ref()
        .and_then(|props| props.get("authorizationModes"))
        .map(|entry| entry.value.clone());
    Some(DefineData {
        span: evaluator.span(call),
        name_span: evaluator.span(function),
        props,
        schema,
        authorization_modes,
    })
}
