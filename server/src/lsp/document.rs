//! Open documents: one rope and one tree-sitter tree each, edited incrementally.

use std::sync::Arc;

use amplint_rules::line_index::Encoding;
use amplint_rules::model::TextChange;
use amplint_rules::syntax::parse;
use amplint_rules::SourceKind;
use ropey::Rope;
use tower_lsp::lsp_types::TextDocumentContentChangeEvent;
use tree_sitter::{InputEdit, Tree};

use super::encoding::{rope_offset, rope_point};

/// One open document.
pub struct Document {
    /// Different for each opening of a document in this process: a version number alone
    /// does not tell a reopened document from the one closed before.
    pub opening: u64,
    pub version: i32,
    pub kind: SourceKind,
    rope: Rope,
    /// The rope's text, rebuilt once per change notification: the engine reads `&str`.
    text: Arc<str>,
    tree: Tree,
    /// The last versions' edits, oldest first: a check can start from the model of an
    /// older version and read again only what changed since ([`Snapshot::change_since`]).
    steps: Arc<[Step]>,
}

/// How many versions' edits a document remembers.
const KEPT_STEPS: usize = 32;

/// The edit that turned one version of a document into the next, as one range.
#[derive(Clone, Copy, Debug)]
pub struct Step {
    pub from: i32,
    pub to: i32,
    pub change: TextChange,
}

/// What a handler needs from a document, taken under the store's lock and used after it.
#[derive(Clone)]
pub struct Snapshot {
    pub opening: u64,
    pub version: i32,
    pub kind: SourceKind,
    pub text: Arc<str>,
    pub tree: Tree,
    steps: Arc<[Step]>,
}

impl Snapshot {
    /// The edit from `version` (an older version of this document) to this one, as one
    /// range; `None` when that version's edits are no longer remembered.
    pub fn change_since(&self, version: i32) -> Option<TextChange> {
        let first = self.steps.iter().position(|step| step.from == version)?;
        let mut change: Option<TextChange> = None;
        let mut at = version;
        for step in &self.steps[first..] {
            if step.from != at {
                return None;
            }
            change = Some(match change {
                Some(change) => change.then(step.change),
                None => step.change,
            });
            at = step.to;
            if at == self.version {
                return change;
            }
        }
        None
    }
}

impl Document {
    pub fn open(text: &str, version: i32, kind: SourceKind) -> Document {
        static OPENINGS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        Document {
            opening: OPENINGS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            version,
            kind,
            rope: Rope::from_str(text),
            text: Arc::from(text),
            tree: parse(kind, text, None),
            steps: Arc::from([]),
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
        let mut combined: Option<TextChange> = None;
        for change in changes {
            let change = self.apply_change(change, encoding);
            combined = Some(combined.map_or(change, |before| before.then(change)));
        }
        if let Some(change) = combined {
            let step = Step {
                from: self.version,
                to: version,
                change,
            };
            let kept = self.steps.len().min(KEPT_STEPS - 1);
            let older = &self.steps[self.steps.len() - kept..];
            self.steps = older.iter().copied().chain([step]).collect();
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

    /// Applies one change to the rope and the tree; returns it as byte offsets.
    fn apply_change(
        &mut self,
        change: &TextDocumentContentChangeEvent,
        encoding: Encoding,
    ) -> TextChange {
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
        TextChange::new(start, old_end, new_end)
    }

    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            opening: self.opening,
            version: self.version,
            kind: self.kind,
            text: self.text.clone(),
            tree: self.tree.clone(),
            steps: self.steps.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_each_version_s_edit_and_combines_them_from_any_older_version() {
        let mut document = Document::open("abcdef\n", 1, SourceKind::TypeScript);
        document.apply_changes(&[change((0, 1, 0, 2), "XY")], 2, Encoding::Utf8);
        document.apply_changes(&[change((0, 5, 0, 5), "!")], 3, Encoding::Utf8);
        document.apply_changes(&[change((0, 0, 0, 1), "")], 5, Encoding::Utf8);
        assert_eq!(&*document.text, "XYcd!ef\n");
        let snapshot = document.snapshot();
        let apply = |text: &str, change: TextChange| {
            format!(
                "{}{}{}",
                &text[..change.start],
                &snapshot.text[change.start..change.new_end],
                &text[change.old_end..]
            )
        };
        assert_eq!(
            apply("abcdef\n", snapshot.change_since(1).unwrap()),
            &*snapshot.text
        );
        assert_eq!(
            apply("aXYcdef\n", snapshot.change_since(2).unwrap()),
            &*snapshot.text
        );
        assert_eq!(
            snapshot.change_since(5),
            None,
            "no change since the current version"
        );
        assert_eq!(
            snapshot.change_since(4),
            None,
            "a version the document never had"
        );
        for version in 6..6 + KEPT_STEPS as i32 {
            document.apply_changes(&[change((0, 0, 0, 0), "z")], version, Encoding::Utf8);
        }
        assert_eq!(document.snapshot().change_since(1), None, "forgotten");
        assert!(document.snapshot().change_since(6).is_some());
    }
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
