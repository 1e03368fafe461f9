//! The language server's document pipeline: a fixture opened as a `Document` (rope +
//! tree-sitter tree), then batches of LSP `didChange` content changes (range edits with
//! positions in a random encoding, including positions inside characters, past line ends and
//! past the end, reversed ranges, CRLF and multibyte text, copies of stretches of the
//! document, whole-document replacements), applied incrementally. After each batch:
//!
//! - the document's text equals the same changes applied to a plain `String`, with positions
//!   converted by `LineIndex` (the engine's line index, an independent implementation of the
//!   same clamping rules);
//! - the incrementally re-parsed tree equals, node by node (kind, field, flags, byte range,
//!   points), a reference tree edited with `InputEdit`s computed from the `String` model
//!   (byte offsets from `LineIndex`, points by counting `\n`) and re-parsed the same way;
//! - it equals a fresh parse of the text too, when that parse has no syntax error (with
//!   errors, tree-sitter's incremental error recovery may legitimately differ from a fresh
//!   parse's: see the README);
//! - `check_tree` on the snapshot does not panic, and its diagnostics lie within the text on
//!   character boundaries.
#![no_main]

use amplint::lsp::document::Document;
use amplint_fuzz::libfuzzer_sys::arbitrary::{self, Arbitrary};
use amplint_fuzz::libfuzzer_sys::fuzz_target;
use amplint_fuzz::{
    assert_diagnostics_well_formed, insertion_text, parse_terminates, Insertion, FIXTURES, KINDS,
};
use amplint_rules::line_index::{column_width, Encoding, LineColumn, LineIndex};
use amplint_rules::syntax::parse;
use amplint_rules::{check_tree, Settings, SourceKind};
use tower_lsp::lsp_types::{Position, Range, TextDocumentContentChangeEvent};
use tree_sitter::{InputEdit, Node, Point, Tree, TreeCursor};

/// At most this many `didChange` notifications, of at most this many changes each.
const MAX_BATCHES: usize = 8;
const MAX_CHANGES: usize = 8;
/// Copies stop growing the document past this size (doubling it 64 times would not end).
const MAX_TEXT: usize = 64 * 1024;

/// An LSP position, scaled to the text the change applies to: a line among the text's lines
/// and two past its end, a column up to four units past the line's end; from `0xFF00` up,
/// a line or column near `u32::MAX`.
#[derive(Arbitrary, Debug, Clone, Copy)]
struct FuzzPosition {
    line: u16,
    character: u16,
}

#[derive(Arbitrary, Debug)]
enum Replacement {
    Insert(Insertion),
    /// Another fixture's text (whole-document replacements only).
    Fixture(u16),
}

#[derive(Arbitrary, Debug)]
enum FuzzChange {
    /// Replaces a range (start and end in any order) with text; `range_length` is the
    /// deprecated field servers must ignore.
    Range {
        start: FuzzPosition,
        end: FuzzPosition,
        text: Insertion,
        range_length: Option<u32>,
    },
    /// Copies the text between two positions to a third (duplicates fields and models).
    Copy {
        from: FuzzPosition,
        to: FuzzPosition,
        at: FuzzPosition,
    },
    /// Replaces the whole document (a change without a range).
    Whole(Replacement),
}

#[derive(Arbitrary, Debug)]
struct Input {
    /// Which fixture to open (two bytes, as in `fixture_edits`, so its seeds fit here too).
    fixture: u16,
    tsx: bool,
    encoding: u8,
    batches: Vec<Vec<FuzzChange>>,
}

fn scaled(value: u16, modulus: u32) -> u32 {
    if value >= 0xFF00 {
        u32::MAX - u32::from(!value)
    } else {
        u32::from(value) % modulus
    }
}

fn lsp_position(
    text: &str,
    index: &LineIndex,
    position: FuzzPosition,
    encoding: Encoding,
) -> Position {
    let line = scaled(position.line, index.line_count() as u32 + 2);
    let width = if (line as usize) < index.line_count() {
        let start = index.line_start(line as usize);
        let end = index.line_start(line as usize + 1);
        column_width(&text[start..end], encoding)
    } else {
        0
    };
    Position::new(line, scaled(position.character, width as u32 + 4))
}

/// The byte offset the model gives a position: `LineIndex`'s clamping.
fn model_offset(text: &str, index: &LineIndex, position: Position, encoding: Encoding) -> usize {
    let line_column = LineColumn {
        line: position.line,
        column: position.character,
    };
    index.offset(text, line_column, encoding)
}

/// The tree-sitter point (row, byte column) of a byte offset: rows end at `\n`.
fn point(text: &str, offset: usize) -> Point {
    let before = &text[..offset];
    let row_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    Point::new(before.matches('\n').count(), offset - row_start)
}

/// Turns one fuzzed change into an LSP change, applies it to `model` and returns both it
/// and the tree edit it makes; `None` when it would grow the text past [`MAX_TEXT`].
fn apply_to_model(
    model: &mut String,
    change: &FuzzChange,
    encoding: Encoding,
) -> Option<(TextDocumentContentChangeEvent, InputEdit)> {
    let index = LineIndex::new(model);
    let position = |fuzzed| lsp_position(model, &index, fuzzed, encoding);
    let offset = |position| model_offset(model, &index, position, encoding);
    let (range, range_length, text) = match change {
        FuzzChange::Range {
            start,
            end,
            text,
            range_length,
        } => (
            Some(Range::new(position(*start), position(*end))),
            *range_length,
            insertion_text(text).to_string(),
        ),
        FuzzChange::Copy { from, to, at } => {
            let (from, to) = (offset(position(*from)), offset(position(*to)));
            let copied = model[from.min(to)..from.max(to)].to_string();
            let at = position(*at);
            (Some(Range::new(at, at)), None, copied)
        }
        FuzzChange::Whole(Replacement::Insert(text)) => {
            (None, None, insertion_text(text).to_string())
        }
        FuzzChange::Whole(Replacement::Fixture(fixture)) => {
            let (_, text) = FIXTURES[*fixture as usize % FIXTURES.len()];
            (None, None, text.to_string())
        }
    };
    let (start, end) = match range {
        Some(range) => {
            let (start, end) = (offset(range.start), offset(range.end));
            (start.min(end), start.max(end))
        }
        None => (0, model.len()),
    };
    if model.len() - (end - start) + text.len() > MAX_TEXT {
        return None;
    }
    let (start_position, old_end_position) = (point(model, start), point(model, end));
    model.replace_range(start..end, &text);
    let new_end = start + text.len();
    let edit = InputEdit {
        start_byte: start,
        old_end_byte: end,
        new_end_byte: new_end,
        start_position,
        old_end_position,
        new_end_position: point(model, new_end),
    };
    let change = TextDocumentContentChangeEvent {
        range,
        range_length,
        text,
    };
    Some((change, edit))
}

/// Walks both trees in step and panics at the first node that differs from `expected`
/// (described by `what`).
fn assert_same_tree(document: &Tree, expected: &Tree, what: &str, text: &str) {
    let mut left = document.walk();
    let mut right = expected.walk();
    loop {
        if node_shape(left.node(), left.field_name())
            != node_shape(right.node(), right.field_name())
        {
            panic!(
                "{}",
                difference("nodes", &left, &right, document, expected, what, text)
            );
        }
        let left_down = left.goto_first_child();
        let right_down = right.goto_first_child();
        if left_down || right_down {
            assert_eq!(
                left_down,
                right_down,
                "{}",
                difference("children", &left, &right, document, expected, what, text)
            );
            continue;
        }
        loop {
            let left_next = left.goto_next_sibling();
            let right_next = right.goto_next_sibling();
            assert_eq!(
                left_next,
                right_next,
                "{}",
                difference("siblings", &left, &right, document, expected, what, text)
            );
            if left_next {
                break;
            }
            let left_up = left.goto_parent();
            assert_eq!(left_up, right.goto_parent());
            if !left_up {
                return;
            }
        }
    }
}

fn node_shape(node: Node<'_>, field: Option<&str>) -> impl PartialEq + std::fmt::Debug {
    (
        node.kind().to_string(),
        field.map(str::to_string),
        node.is_named(),
        node.is_error(),
        node.is_missing(),
        node.is_extra(),
        node.byte_range(),
        node.start_position(),
        node.end_position(),
    )
}

fn difference(
    step: &str,
    left: &TreeCursor<'_>,
    right: &TreeCursor<'_>,
    document: &Tree,
    expected: &Tree,
    what: &str,
    text: &str,
) -> String {
    let shorten = |sexp: String| sexp.chars().take(4000).collect::<String>();
    format!(
        "the document's tree differs from {what} ({step}):\n\
         document: {:?}\nexpected: {:?}\n--- text ---\n{text}\n\
         --- document's tree ---\n{}\n--- expected tree ---\n{}",
        node_shape(left.node(), left.field_name()),
        node_shape(right.node(), right.field_name()),
        shorten(document.root_node().to_sexp()),
        shorten(expected.root_node().to_sexp()),
    )
}

fuzz_target!(|input: Input| {
    let (_, fixture) = FIXTURES[input.fixture as usize % FIXTURES.len()];
    let kind = KINDS[usize::from(input.tsx)];
    let encoding = [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32][input.encoding as usize % 3];
    let settings = Settings::default();
    let mut document = Document::open(fixture, 1, kind);
    let mut model = fixture.to_string();
    let mut reference = parse(kind, &model, None);
    for (batch_number, batch) in input.batches.iter().take(MAX_BATCHES).enumerate() {
        let mut changes = Vec::new();
        for change in batch.iter().take(MAX_CHANGES) {
            if let Some((change, edit)) = apply_to_model(&mut model, change, encoding) {
                changes.push(change);
                reference.edit(&edit);
            }
        }
        if kind == SourceKind::Tsx && !parse_terminates(kind, &model) {
            return; // KNOWN BUG: see `parse_terminates`.
        }
        reference = parse(kind, &model, Some(&reference));
        let version = batch_number as i32 + 2;
        document.apply_changes(&changes, version, encoding);
        let snapshot = document.snapshot();
        assert_eq!(snapshot.version, version);
        assert_eq!(
            &*snapshot.text, model,
            "{encoding:?}: the document's text differs from the model's after {changes:#?}"
        );
        assert_same_tree(
            &snapshot.tree,
            &reference,
            "the reference tree (edits computed from the String model)",
            &model,
        );
        let fresh = parse(kind, &model, None);
        if !fresh.root_node().has_error() {
            assert_same_tree(&snapshot.tree, &fresh, "a fresh parse", &model);
        }
        let result = check_tree(&snapshot.text, &snapshot.tree, &settings);
        assert_diagnostics_well_formed(&snapshot.text, &result.diagnostics);
    }
});
