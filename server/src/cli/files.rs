//! Reading, checking and writing one file.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use amplint_rules::line_index::LineIndex;
use amplint_rules::project::Project;

use crate::projects::{identity, imports_relatively, DiskLoader};
use amplint_rules::{Applicability, Diagnostic, FileId, Settings, Span};

use super::discover::SourcePath;

/// One file after checking (and fixing).
pub struct CheckedFile {
    pub path: std::path::PathBuf,
    pub display_path: String,
    /// The text the diagnostics refer to: the fixed text when fixes applied.
    pub text: String,
    pub line_index: LineIndex,
    /// The diagnostics that live in this file. Their primary spans are in `text`; a label
    /// or a fix edit can be in another file of the project (see [`CheckedFile::locate`]).
    pub diagnostics: Vec<Diagnostic>,
    /// The [`FileId`] the spans in this file's own text carry: its place among the files
    /// of its project, [`FileId::MAIN`] for a file checked alone.
    pub id: FileId,
    /// Every file of the project it was checked in, by [`FileId`] (empty for a file checked
    /// alone): where the labels and fix edits that point into other files are.
    pub project: Arc<[FileText]>,
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

/// A file of a project as the outputs show a span in it.
pub struct FileText {
    pub display_path: String,
    /// Its text after fixing, as the project's diagnostics refer to it.
    pub text: String,
    pub line_index: LineIndex,
}

/// Where a span of a diagnostic is: its file's path, text and line index.
#[derive(Clone, Copy)]
pub struct Located<'a> {
    pub display_path: &'a str,
    pub text: &'a str,
    pub line_index: &'a LineIndex,
}

/// What checking one file produced: the file itself and, when it imports parts of its
/// schema from other files, those files (each with the diagnostics that live in it).
pub struct CheckedUnit {
    /// The file checked first; then the files its project reached, in load order.
    pub files: Vec<CheckedFile>,
    /// Whether the file passes a schema to `defineData` (a project's entry).
    pub is_entry: bool,
    /// Every file of its project (normalized paths), the file itself first.
    pub covers: Vec<PathBuf>,
}

impl CheckedUnit {
    /// Checks `source` with the files it imports when it imports any; a file that does not
    /// is checked alone.
    pub fn check(
        source: SourcePath,
        settings: &Settings,
        fix_level: Option<Applicability>,
    ) -> CheckedUnit {
        let single = |file: CheckedFile| CheckedUnit {
            is_entry: file.text.contains("defineData"),
            covers: vec![identity(&file.path)],
            files: vec![file],
        };
        let text = match read_text(&source.path) {
            Ok(text) => text,
            Err(problem) => return single(CheckedFile::failed(&source, problem)),
        };
        if !imports_relatively(&text) || (!source.explicit && !mentions_schema(&text)) {
            return single(CheckedFile::check_text(source, text, settings, fix_level));
        }
        let project = Project::load(&source.path, &text, &DiskLoader);
        if project.is_single_file() {
            return single(CheckedFile::check_text(source, text, settings, fix_level));
        }
        let (project, diagnostics, changed, note) = match fix_level {
            Some(level) => {
                let fixed =
                    amplint_rules::fix_project(&source.path, &text, &DiskLoader, settings, level);
                let note = fixed.rejected_syntax_error.then(|| {
                    "fixes were not applied: they would leave a file unparsable".to_string()
                });
                (fixed.project, fixed.remaining, fixed.changed, note)
            }
            None => {
                let result = amplint_rules::check_project(&project, settings);
                std::mem::forget(result.model);
                (project, result.diagnostics, Vec::new(), None)
            }
        };
        let is_entry = project.source(FileId::MAIN).contains("defineData");
        let current_dir = std::env::current_dir().ok();
        let texts: Arc<[FileText]> = project
            .files
            .iter()
            .map(|file| {
                let text = project.source(file.id).to_string();
                FileText {
                    display_path: if file.id == FileId::MAIN {
                        source.display_path.clone()
                    } else {
                        shown_path(&file.path, &source, current_dir.as_deref())
                    },
                    line_index: LineIndex::new(&text),
                    text,
                }
            })
            .collect();
        let mut files = Vec::with_capacity(project.files.len());
        for (file, shown) in project.files.iter().zip(texts.iter()) {
            let local: Vec<Diagnostic> = diagnostics
                .iter()
                .filter(|diagnostic| diagnostic.span.file == file.id)
                .map(|diagnostic| project.localize(diagnostic))
                .collect();
            let original = changed
                .iter()
                .find(|(id, _)| *id == file.id)
                .map(|(_, original)| original.clone());
            let is_root = file.id == FileId::MAIN;
            files.push(CheckedFile {
                path: file.path.clone(),
                display_path: shown.display_path.clone(),
                line_index: shown.line_index.clone(),
                fixed_text: original.as_ref().map(|_| shown.text.clone()),
                original_text: original,
                text: shown.text.clone(),
                diagnostics: local,
                id: file.id,
                project: Arc::clone(&texts),
                problem: None,
                note: if is_root { note.clone() } else { None },
                explicit: is_root && source.explicit,
                skipped: false,
            });
        }
        CheckedUnit {
            is_entry,
            covers: project
                .files
                .iter()
                .map(|file| identity(&file.path))
                .collect(),
            files,
        }
    }
}

/// How another file of a project is shown: relative to the directory the entry's own shown
/// path is relative to, when the entry's path ends with it (as when the entry was found by
/// walking or given relatively); else relative to the working directory.
fn shown_path(path: &Path, entry: &SourcePath, current_dir: Option<&Path>) -> String {
    let shown = Path::new(&entry.display_path);
    if shown.is_relative() && entry.path.ends_with(shown) {
        let base = entry
            .path
            .ancestors()
            .nth(shown.components().count())
            .map(amplint_rules::project::normalize);
        if let Some(relative) = base.and_then(|base| path.strip_prefix(base).ok()) {
            return relative.display().to_string();
        }
    }
    super::discover::display_relative(path, current_dir)
}

fn read_text(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|error| format!("cannot read: {error}"))?;
    String::from_utf8(bytes).map_err(|error| {
        format!(
            "not UTF-8 text (invalid byte at offset {}); amplint reads UTF-8 files only",
            error.utf8_error().valid_up_to()
        )
    })
}

impl CheckedFile {
    fn empty(source: &SourcePath) -> CheckedFile {
        CheckedFile {
            path: source.path.clone(),
            display_path: source.display_path.clone(),
            text: String::new(),
            line_index: LineIndex::new(""),
            diagnostics: Vec::new(),
            original_text: None,
            fixed_text: None,
            problem: None,
            note: None,
            id: FileId::MAIN,
            project: Arc::new([]),
            explicit: source.explicit,
            skipped: false,
        }
    }

    /// This file, where the primary span of each of its diagnostics is.
    pub fn own(&self) -> Located<'_> {
        Located {
            display_path: &self.display_path,
            text: &self.text,
            line_index: &self.line_index,
        }
    }

    /// The file a span of one of its diagnostics is in: this file, or another of its
    /// project; `None` for a file the run does not know (which the outputs then leave out).
    pub fn locate(&self, span: Span) -> Option<Located<'_>> {
        if span.file == self.id {
            return Some(self.own());
        }
        let other = self.project.get(span.file.0 as usize)?;
        Some(Located {
            display_path: &other.display_path,
            text: &other.text,
            line_index: &other.line_index,
        })
    }

    fn failed(source: &SourcePath, problem: String) -> CheckedFile {
        let mut checked = CheckedFile::empty(source);
        checked.problem = Some(problem);
        checked
    }

    /// Checks (and fixes) one file on its own.
    fn check_text(
        source: SourcePath,
        text: String,
        settings: &Settings,
        fix_level: Option<Applicability>,
    ) -> CheckedFile {
        let mut checked = CheckedFile::empty(&source);
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
                let mut result = amplint_rules::check(&text, source.kind, settings);
                if !source.explicit
                    && result.model.schemas.is_empty()
                    && result.model.define_data.is_empty()
                {
                    checked.skipped = true;
                    return checked;
                }
                // The model and the trees are not needed any more, and freeing large ones
                // costs more than the rest of a short-lived process: the operating system
                // takes them back.
                let diagnostics = std::mem::take(&mut result.diagnostics);
                std::mem::forget(result);
                (text, diagnostics)
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
