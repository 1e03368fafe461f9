//! `--format human`: code frames with primary and related labels (codespan-reporting); a
//! label in another file of the project gets a frame of that file.

use std::io::{self, Write};

use std::ops::Range;

use amplint_rules::{Applicability, FileId, Severity, Span};
use codespan_reporting::diagnostic::{Diagnostic as Report, Label, Severity as ReportSeverity};
use codespan_reporting::files::{self, Files};
use codespan_reporting::term::termcolor::{Ansi, NoColor, WriteColor};
use codespan_reporting::term::{self, Config};

use super::{applicable_fix, Summary};
use crate::cli::files::{CheckedFile, Located};

pub fn write(
    out: &mut dyn Write,
    files: &[CheckedFile],
    summary: &Summary,
    color: bool,
) -> io::Result<()> {
    if color {
        render(&mut Ansi::new(out), files, summary)
    } else {
        render(&mut NoColor::new(out), files, summary)
    }
}

fn render(out: &mut dyn WriteColor, files: &[CheckedFile], summary: &Summary) -> io::Result<()> {
    let config = Config::default();
    for file in files {
        let sources = ProjectFiles(file);
        for diagnostic in &file.diagnostics {
            let mut labels = vec![Label::primary(
                diagnostic.span.file,
                diagnostic.span.range(),
            )];
            labels.extend(
                diagnostic
                    .labels
                    .iter()
                    .filter(|label| file.locate(label.span).is_some())
                    .map(|label| {
                        Label::secondary(label.span.file, label.span.range())
                            .with_message(&label.message)
                    }),
            );
            let mut notes = Vec::new();
            if let Some(fix) = &diagnostic.fix {
                let how = match applicable_fix(diagnostic) {
                    Some(Applicability::Safe) => " (safe fix: `amplint check --fix`)",
                    Some(_) => " (unsafe fix: `amplint check --unsafe-fixes`)",
                    None => "",
                };
                // A fix that edits other files of the project says which.
                let mut elsewhere: Vec<&str> = Vec::new();
                for edit in &fix.edits {
                    if let Some(other) =
                        file.locate(edit.span).filter(|_| edit.span.file != file.id)
                    {
                        if !elsewhere.contains(&other.display_path) {
                            elsewhere.push(other.display_path);
                        }
                    }
                }
                let place = if elsewhere.is_empty() {
                    String::new()
                } else {
                    format!(", in {}", elsewhere.join(" and "))
                };
                notes.push(format!("help: {}{place}{how}", fix.title));
            }
            let report = Report::new(severity(diagnostic.severity))
                .with_code(diagnostic.rule)
                .with_message(&diagnostic.message)
                .with_labels(labels)
                .with_notes(notes);
            term::emit_to_write_style(out, &config, &sources, &report).map_err(io::Error::other)?;
        }
    }
    writeln!(out, "{}", summary.sentence())
}

/// The files a checked file's code frames can show: itself and the other files of its
/// project, by the [`FileId`] their spans carry, read through the line indexes the check
/// already built.
struct ProjectFiles<'a>(&'a CheckedFile);

impl<'a> ProjectFiles<'a> {
    fn get(&self, id: FileId) -> Result<Located<'a>, files::Error> {
        self.0
            .locate(Span::new(id, 0, 0))
            .ok_or(files::Error::FileMissing)
    }
}

impl<'a> Files<'a> for ProjectFiles<'a> {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, files::Error> {
        Ok(self.get(id)?.display_path)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, files::Error> {
        Ok(self.get(id)?.text)
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, files::Error> {
        Ok(self.get(id)?.line_index.line_of(byte_index))
    }

    fn line_range(&'a self, id: FileId, line: usize) -> Result<Range<usize>, files::Error> {
        let lines = self.get(id)?.line_index;
        if line >= lines.line_count() {
            return Err(files::Error::LineTooLarge {
                given: line,
                max: lines.line_count() - 1,
            });
        }
        Ok(lines.line_start(line)..lines.line_start(line + 1))
    }
}

fn severity(severity: Severity) -> ReportSeverity {
    match severity {
        Severity::Error => ReportSeverity::Error,
        Severity::Warning => ReportSeverity::Warning,
        Severity::Info => ReportSeverity::Note,
        Severity::Hint => ReportSeverity::Help,
    }
}
