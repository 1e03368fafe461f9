//! Reading, checking and writing one file.

use std::io::Write;
use std::path::Path;

use amplint_rules::line_index::LineIndex;
use amplint_rules::{Applicability, Diagnostic, Settings};

use super::discover::SourcePath;

/// One file after checking (and fixing).
pub struct CheckedFile {
    pub path: std::path::PathBuf,
    pub display_path: String,
    /// The text the diagnostics refer to: the fixed text when fixes applied.
    pub text: String,
    pub line_index: LineIndex,
    pub diagnostics: Vec<Diagnostic>,
    /// The original text, when fixes changed it (for diffs).
    pub original_text: Option<String>,
    /// The fixed text, when fixes changed it.
    pub fixed_text: Option<String>,
    /// Why the file could not be checked (not UTF-8, unreadable).
    pub problem: Option<String>,
    /// Something the user should know about the run on this file (fixes refused).
    pub note: Option<String>,
    /// Given on the command line rather than found by walking.
    pub explicit: bool,
    /// Whether it was skipped as holding no schema (walked files only).
    pub skipped: bool,
}

impl CheckedFile {
    pub fn check(
        source: SourcePath,
        settings: &Settings,
        fix_level: Option<Applicability>,
    ) -> CheckedFile {
        let mut checked = CheckedFile {
            path: source.path.clone(),
            display_path: source.display_path.clone(),
            text: String::new(),
            line_index: LineIndex::new(""),
            diagnostics: Vec::new(),
            original_text: None,
            fixed_text: None,
            problem: None,
            note: None,
            explicit: source.explicit,
            skipped: false,
        };
        let bytes = match std::fs::read(&source.path) {
            Ok(bytes) => bytes,
            Err(error) => {
                checked.problem = Some(format!("cannot read: {error}"));
                return checked;
            }
        };
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(error) => {
                checked.problem = Some(format!(
                    "not UTF-8 text (invalid byte at offset {}); amplint reads UTF-8 files only",
                    error.utf8_error().valid_up_to()
                ));
                return checked;
            }
        };
        if !source.explicit && !mentions_schema(&text) {
            checked.skipped = true;
            return checked;
        }
        let (text, diagnostics) = match fix_level {
            Some(level) => {
                let result = amplint_rules::fix_all(&text, source.kind, settings, level);
                if result.rejected_syntax_error {
                    checked.note = Some(
                        "fixes were not applied: they would leave the file unparsable".to_string(),
                    );
                }
                if result.text != text {
                    checked.fixed_text = Some(result.text.clone());
                    checked.original_text = Some(text);
                }
                (result.text, result.remaining)
            }
            None => {
                let result = amplint_rules::check(&text, source.kind, settings);
                if !source.explicit
                    && result.model.schemas.is_empty()
                    && result.model.define_data.is_empty()
                {
                    checked.skipped = true;
                    return checked;
                }
                // The model is not needed any more, and freeing a large one costs more
                // than the rest of a short-lived process: the operating system takes it back.
                std::mem::forget(result.model);
                (text, result.diagnostics)
            }
        };
        checked.line_index = LineIndex::new(&text);
        checked.text = text;
        checked.diagnostics = diagnostics;
        checked
    }
}

/// A cheap pre-filter for walked files: only files that name a schema builder call are parsed.
fn mentions_schema(text: &str) -> bool {
    text.contains(".schema(") || text.contains("defineData(") || text.contains(".schema\n")
}

/// Writes `text` to `path` through a temporary file in the same directory and a rename, so
/// the file is never half-written. Keeps the file's permissions.
pub fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let directory = path
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temporary = tempfile::NamedTempFile::new_in(directory)?;
    temporary.write_all(text.as_bytes())?;
    temporary.as_file().sync_all()?;
    if let Ok(metadata) = std::fs::metadata(path) {
        temporary
            .as_file()
            .set_permissions(metadata.permissions())?;
    }
    temporary.persist(path).map_err(|error| error.error)?;
    Ok(())
}
