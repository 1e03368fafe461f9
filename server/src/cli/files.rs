//! Reading, checking and writing one file.

use std::io::Write;
use std::path::{Path, PathBuf};

use amplint_rules::line_index::LineIndex;
use amplint_rules::project::Project;

use crate::projects::{identity, imports_relatively, DiskLoader};
use amplint_rules::{Applicability, Diagnostic, FileId, Settings};

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
        let mut files = Vec::with_capacity(project.files.len());
        for file in &project.files {
            let own_text = project.source(file.id).to_string();
            let local: Vec<Diagnostic> = diagnostics
                .iter()
                .filter(|diagnostic| diagnostic.span.file == file.id)
                .map(|diagnostic| within_own_file(project.localize(diagnostic)))
                .collect();
            let original = changed
                .iter()
                .find(|(id, _)| *id == file.id)
                .map(|(_, original)| original.clone());
            let is_root = file.id == FileId::MAIN;
            files.push(CheckedFile {
                path: file.path.clone(),
                display_path: if is_root {
                    source.display_path.clone()
                } else {
                    super::discover::display_relative(
                        &file.path,
                        std::env::current_dir().ok().as_deref(),
                    )
                },
                line_index: LineIndex::new(&own_text),
                fixed_text: original.as_ref().map(|_| own_text.clone()),
                original_text: original,
                text: own_text,
                diagnostics: local,
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

/// A diagnostic as the per-file outputs show it: labels and fix edits in other files are
/// left out of what is shown (`--fix` still applies such fixes whole).
fn within_own_file(mut diagnostic: Diagnostic) -> Diagnostic {
    let file = diagnostic.span.file;
    diagnostic.labels.retain(|label| label.span.file == file);
    if diagnostic
        .fix
        .as_ref()
        .is_some_and(|fix| fix.edits.iter().any(|edit| edit.span.file != file))
    {
        diagnostic.fix = None;
    }
    // The outputs read offsets in the file's own text, as for a single-file check.
    diagnostic.span.file = FileId::MAIN;
    diagnostic
        .labels
        .iter_mut()
        .for_each(|label| label.span.file = FileId::MAIN);
    if let Some(fix) = &mut diagnostic.fix {
        fix.edits
            .iter_mut()
            .for_each(|edit| edit.span.file = FileId::MAIN);
    }
    diagnostic
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
            explicit: source.explicit,
            skipped: false,
        }
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
