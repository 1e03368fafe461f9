//! Open documents: one rope and one tree-sitter tree each, edited incrementally.

use std::sync::Arc;

use amplint_rules::line_index::Encoding;
use amplint_rules::syntax::parse;
use amplint_rules::SourceKind;
use ropey::Rope;
use tower_lsp::lsp_types::TextDocumentContentChangeEvent;
use tree_sitter::{InputEdit, Tree};

use super::encoding::{rope_offset, rope_point};

/// One open document.
pub struct Document {
    pub version: i32,
    pub kind: SourceKind,
    rope: Rope,
    /// The rope's text, rebuilt once per change notification: the engine reads `&str`.
    text: Arc<str>,
    tree: Tree,
}

/// What a handler needs from a document, taken under the store's lock and used after it.
#[derive(Clone)]
pub struct Snapshot {
    pub version: i32,
    pub kind: SourceKind,
    pub text: Arc<str>,
    pub tree: Tree,
}

impl Document {
    pub fn open(text: &str, version: i32, kind: SourceKind) -> Document {
        Document {
            version,
            kind,
            rope: Rope::from_str(text),
            text: Arc::from(text),
            tree: parse(kind, text, None),
        }
    }

    /// Applies the changes of one `didChange` in order, each against the text the
    /// previous one left, as one tree-sitter edit each; then reparses once.
    pub fn apply_changes(
        &mut self,
        changes: &[TextDocumentContentChangeEvent],
        version: i32,
        encoding: Encoding,
    ) {
        for change in changes {
            self.apply_change(change, encoding);
        }
        let text: String = self.rope.to_string();
        self.tree = parse(self.kind, &text, Some(&self.tree));
        // tree-sitter's incremental error recovery can differ from a fresh parse of the same
        // text; while the document has a syntax error it is parsed from scratch, so the
        // server sees what `amplint check` sees.
        if self.tree.root_node().has_error() {
            self.tree = parse(self.kind, &text, None);
        }
        self.text = Arc::from(text);
        self.version = version;
    }

    fn apply_change(&mut self, change: &TextDocumentContentChangeEvent, encoding: Encoding) {
        let (start, old_end) = match change.range {
            Some(range) => {
                let start = rope_offset(&self.rope, range.start, encoding);
                let end = rope_offset(&self.rope, range.end, encoding);
                (start.min(end), start.max(end))
            }
            None => (0, self.rope.len_bytes()),
        };
        let start_position = rope_point(&self.rope, start);
        let old_end_position = rope_point(&self.rope, old_end);
        let start_char = self.rope.byte_to_char(start);
        let old_end_char = self.rope.byte_to_char(old_end);
        self.rope.remove(start_char..old_end_char);
        self.rope.insert(start_char, &change.text);
        let new_end = start + change.text.len();
        self.tree.edit(&InputEdit {
            start_byte: start,
            old_end_byte: old_end,
            new_end_byte: new_end,
            start_position,
            old_end_position,
            new_end_position: rope_point(&self.rope, new_end),
        });
    }

    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            version: self.version,
            kind: self.kind,
            text: self.text.clone(),
            tree: self.tree.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp::lsp_types::{Position, Range};

    fn change(range: (u32, u32, u32, u32), text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range::new(
                Position::new(range.0, range.1),
                Position::new(range.2, range.3),
            )),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn applies_changes_in_order_and_keeps_the_tree_in_step() {
        let mut document =
            Document::open("const x = '😀';\r\nlet y = 1;\n", 1, SourceKind::TypeScript);
        // UTF-16: the emoji is two units; replace it, then edit the line the first change left.
        let changes = [
            change((0, 11, 0, 13), "한국"),
            change((0, 11, 0, 12), "日本"),
            change((1, 4, 1, 5), "why"),
        ];
        document.apply_changes(&changes, 2, Encoding::Utf16);
        let expected = "const x = '日本국';\r\nlet why = 1;\n";
        assert_eq!(&*document.text, expected);
        assert_eq!(document.rope.to_string(), expected);
        let fresh = parse(SourceKind::TypeScript, expected, None);
        assert_eq!(
            document.tree.root_node().to_sexp(),
            fresh.root_node().to_sexp()
        );
    }
}
