//! The language server's document pipeline: a fixture opened as a `Document` (rope +
//! tree-sitter tree), then batches of LSP `didChange` content changes (range edits with
//! positions in a random encoding, including positions inside characters, past line ends and
//! past the end, reversed ranges, CRLF and multibyte text, copies of stretches of the
//! document, whole-document replacements), applied incrementally. After each batch:
//!
//! - the document's text equals the same changes applied to a plain `String`, with positions
//!   converted by `LineIndex` (the engine's line index, an independent implementation of the
//!   same clamping rules);
//! - the incrementally re-parsed tree equals a fresh parse of the text, node by node (kind,
//!   byte range, points, field, error and missing flags);
//! - `check_tree` on the snapshot does not panic, and its diagnostics lie within the text on
//!   character boundaries.
#![no_main]

use amplint::lsp::document::Document;
use amplint_fuzz::libfuzzer_sys::arbitrary::{self, Arbitrary};
use amplint_fuzz::libfuzzer_sys::fuzz_target;
use amplint_fuzz::{assert_diagnostics_well_formed, insertion_text, Insertion, FIXTURES, KINDS};
use amplint_rules::line_index::{column_width, Encoding, LineColumn, LineIndex};
use amplint_rules::syntax::parse;
use amplint_rules::{check_tree, Settings};
use tower_lsp::lsp_types::{Position, Range, TextDocumentContentChangeEvent};
use tree_sitter::{Node, Tree, TreeCursor};

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

/// Turns one fuzzed change into an LSP change and applies it to `model`; `None` when it
/// would grow the text past [`MAX_TEXT`].
fn apply_to_model(
    model: &mut String,
    change: &FuzzChange,
    encoding: Encoding,
) -> Option<TextDocumentContentChangeEvent> {
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
    model.replace_range(start..end, &text);
    Some(TextDocumentContentChangeEvent {
        range,
        range_length,
        text,
    })
}

/// Walks both trees in step and panics at the first node that differs.
fn assert_same_tree(incremental: &Tree, fresh: &Tree, text: &str) {
    let mut left = incremental.walk();
    let mut right = fresh.walk();
    loop {
        assert_same_node(&left, &right, incremental, fresh, text);
        let left_down = left.goto_first_child();
        let right_down = right.goto_first_child();
        if left_down || right_down {
            assert_eq!(
                left_down,
                right_down,
                "{}",
                difference("children", &left, &right, incremental, fresh, text)
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
                difference("siblings", &left, &right, incremental, fresh, text)
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
        node.kind(),
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

fn assert_same_node(
    left: &TreeCursor<'_>,
    right: &TreeCursor<'_>,
    incremental: &Tree,
    fresh: &Tree,
    text: &str,
) {
    if node_shape(left.node(), left.field_name()) != node_shape(right.node(), right.field_name()) {
        panic!(
            "{}",
            difference("nodes", left, right, incremental, fresh, text)
        );
    }
}

fn difference(
    what: &str,
    left: &TreeCursor<'_>,
    right: &TreeCursor<'_>,
    incremental: &Tree,
    fresh: &Tree,
    text: &str,
) -> String {
    let shorten = |sexp: String| sexp.chars().take(4000).collect::<String>();
    format!(
        "the incremental tree differs from a fresh parse ({what}):\n\
         incremental: {:?}\nfresh:       {:?}\n--- text ---\n{text}\n\
         --- incremental tree ---\n{}\n--- fresh tree ---\n{}",
        node_shape(left.node(), left.field_name()),
        node_shape(right.node(), right.field_name()),
        shorten(incremental.root_node().to_sexp()),
        shorten(fresh.root_node().to_sexp()),
    )
}

fuzz_target!(|input: Input| {
    let (_, fixture) = FIXTURES[input.fixture as usize % FIXTURES.len()];
    let kind = KINDS[usize::from(input.tsx)];
    let encoding = [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32][input.encoding as usize % 3];
    let settings = Settings::default();
    let mut document = Document::open(fixture, 1, kind);
    let mut model = fixture.to_string();
    for (batch_number, batch) in input.batches.iter().take(MAX_BATCHES).enumerate() {
        let changes: Vec<TextDocumentContentChangeEvent> = batch
            .iter()
            .take(MAX_CHANGES)
            .filter_map(|change| apply_to_model(&mut model, change, encoding))
            .collect();
        let version = batch_number as i32 + 2;
        document.apply_changes(&changes, version, encoding);
        let snapshot = document.snapshot();
        assert_eq!(snapshot.version, version);
        assert_eq!(
            &*snapshot.text, model,
            "{encoding:?}: the document's text differs from the model's after {changes:#?}"
        );
        let fresh = parse(kind, &model, None);
        assert_same_tree(&snapshot.tree, &fresh, &model);
        let result = check_tree(&snapshot.text, &snapshot.tree, &settings);
        assert_diagnostics_well_formed(&snapshot.text, &result.diagnostics);
    }
});
