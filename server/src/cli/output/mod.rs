//! Renderers, one file per format. Each writes to any `Write`, never to a terminal directly.

pub mod concise;
pub mod diff;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

use amplint_rules::line_index::Encoding;
use amplint_rules::{Applicability, Diagnostic, Severity};

use super::files::{CheckedFile, Located};

/// Counts over a run.
#[derive(Debug, Default)]
pub struct Summary {
    /// Files checked (those skipped for holding no schema are not counted).
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub hints: usize,
    /// Diagnostics with a fix that `--fix` or `--unsafe-fixes` can apply.
    pub fixable: usize,
    /// Of those, how many only `--unsafe-fixes` applies.
    pub unsafe_fixable: usize,
    /// Files the fixes changed.
    pub fixed_files: usize,
}

impl Summary {
    pub fn of(files: &[CheckedFile], fixed_files: usize) -> Summary {
        let mut summary = Summary {
            fixed_files,
            ..Summary::default()
        };
        for file in files
            .iter()
            .filter(|file| !file.skipped && file.problem.is_none())
        {
            summary.files += 1;
            for diagnostic in &file.diagnostics {
                match diagnostic.severity {
                    Severity::Error => summary.errors += 1,
                    Severity::Warning => summary.warnings += 1,
                    Severity::Info => summary.infos += 1,
                    Severity::Hint => summary.hints += 1,
                }
                match applicable_fix(diagnostic) {
                    Some(Applicability::Safe) => summary.fixable += 1,
                    Some(_) => {
                        summary.fixable += 1;
                        summary.unsafe_fixable += 1;
                    }
                    None => {}
                }
            }
        }
        summary
    }

    /// "Found 2 errors and 1 warning in 3 files; 2 fixable with `amplint check --fix`."
    pub fn sentence(&self) -> String {
        let mut parts = Vec::new();
        for (count, word) in [
            (self.errors, "error"),
            (self.warnings, "warning"),
            (self.infos, "info"),
            (self.hints, "hint"),
        ] {
            if count > 0 {
                parts.push(plural(count, word));
            }
        }
        let files = plural(self.files, "file");
        let mut sentence = if parts.is_empty() {
            format!("No problems found in {files}.")
        } else {
            format!("Found {} in {files}.", join_and(&parts))
        };
        if self.fixed_files > 0 {
            sentence.push_str(&format!(" Fixed {}.", plural(self.fixed_files, "file")));
        }
        let safe = self.fixable - self.unsafe_fixable;
        if safe > 0 {
            sentence.push_str(&format!(" {safe} fixable with `amplint check --fix`."));
        }
        if self.unsafe_fixable > 0 {
            sentence.push_str(&format!(
                " {} more with `--unsafe-fixes`.",
                self.unsafe_fixable
            ));
        }
        sentence
    }
}

/// The applicability of a diagnostic's fix when a `--fix` run can apply it.
pub fn applicable_fix(diagnostic: &Diagnostic) -> Option<Applicability> {
    let fix = diagnostic.fix.as_ref()?;
    (fix.applicability != Applicability::DisplayOnly && !fix.edits.is_empty())
        .then_some(fix.applicability)
}

fn plural(count: usize, word: &str) -> String {
    if count == 1 {
        format!("1 {word}")
    } else {
        format!("{count} {word}s")
    }
}

fn join_and(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// A 1-based line and 1-based column counted in characters, as every output format reports.
pub fn user_position(file: &CheckedFile, offset: usize) -> (u32, u32) {
    position_in(file.own(), offset)
}

/// [`user_position`] in whichever file of the project `offset` is in.
pub fn position_in(located: Located<'_>, offset: usize) -> (u32, u32) {
    let position = located
        .line_index
        .position(located.text, offset, Encoding::Utf32);
    (position.line + 1, position.column + 1)
}
