//! Edits and fixes: byte ranges in the original text and their replacements.

use crate::span::{FileId, Span};

/// Replace `span` with `text`. An empty span inserts; empty text deletes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub text: String,
}

impl Edit {
    pub fn replace(span: Span, text: impl Into<String>) -> Edit {
        Edit {
            span,
            text: text.into(),
        }
    }
    pub fn insert(at: Span, text: impl Into<String>) -> Edit {
        Edit {
            span: at.at_start(),
            text: text.into(),
        }
    }
    pub fn delete(span: Span) -> Edit {
        Edit {
            span,
            text: String::new(),
        }
    }
}

/// How far a fix may be trusted to run without a person looking at it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Applicability {
    /// Shown to the user but never applied automatically.
    DisplayOnly,
    /// Changes meaning or needs review; applied with `--unsafe-fixes`.
    Unsafe,
    /// Keeps the author's intent and formatting; may run on save (`--fix`).
    Safe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
            Applicability::DisplayOnly => "display-only",
        }
    }
}

/// A titled set of edits that repairs one diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub applicability: Applicability,
    /// Sorted by file, then start; disjoint. Checked when the fix is built.
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn new(
        title: impl Into<String>,
        applicability: Applicability,
        mut edits: Vec<Edit>,
    ) -> Fix {
        edits.sort_by_key(|edit| (edit.span.file, edit.span.start, edit.span.end));
        assert!(
            edits
                .windows(2)
                .all(|pair| pair[0].span.file != pair[1].span.file
                    || pair[0].span.end <= pair[1].span.start),
            "fix edits overlap: {edits:?}"
        );
        Fix {
            title: title.into(),
            applicability,
            edits,
        }
    }

    pub fn safe(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix::new(title, Applicability::Safe, edits)
    }

    pub fn unsafe_(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix::new(title, Applicability::Unsafe, edits)
    }

    pub fn display_only(title: impl Into<String>) -> Fix {
        Fix::new(title, Applicability::DisplayOnly, Vec::new())
    }

    /// The files this fix touches.
    pub fn files(&self) -> impl Iterator<Item = FileId> + '_ {
        let mut last = None;
        self.edits.iter().filter_map(move |edit| {
            let file = edit.span.file;
            (last.replace(file) != Some(file)).then_some(file)
        })
    }
}

/// Applies edits (all in one file, in any order, disjoint) to `text`.
/// Overlapping edits after the first are skipped; returns how many were applied.
pub fn apply_edits(text: &str, edits: &[&Edit]) -> (String, usize) {
    let mut sorted: Vec<&Edit> = edits.to_vec();
    sorted.sort_by_key(|edit| (edit.span.start, edit.span.end));
    let mut output = String::with_capacity(text.len());
    let mut cursor = 0;
    let mut applied = 0;
    for edit in sorted {
        if edit.span.start < cursor || edit.span.end > text.len() {
            continue;
        }
        if !text.is_char_boundary(edit.span.start) || !text.is_char_boundary(edit.span.end) {
            continue;
        }
        output.push_str(&text[cursor..edit.span.start]);
        output.push_str(&edit.text);
        cursor = edit.span.end;
        applied += 1;
    }
    output.push_str(&text[cursor..]);
    (output, applied)
}
