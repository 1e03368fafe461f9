//! `--format human`: code frames with primary and related labels (codespan-reporting).

use std::io::{self, Write};

use amplint_rules::{Applicability, Severity};
use codespan_reporting::diagnostic::{Diagnostic as Report, Label, Severity as ReportSeverity};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::termcolor::{Ansi, NoColor, WriteColor};
use codespan_reporting::term::{self, Config};

use super::{applicable_fix, Summary};
use crate::cli::files::CheckedFile;

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
    // Files without diagnostics need no code frame (and `SimpleFile` indexes every line).
    for file in files.iter().filter(|file| !file.diagnostics.is_empty()) {
        let source = SimpleFile::new(file.display_path.as_str(), file.text.as_str());
        for diagnostic in &file.diagnostics {
            let mut labels = vec![Label::primary((), diagnostic.span.range())];
            labels.extend(
                diagnostic
                    .labels
                    .iter()
                    .filter(|label| label.span.file == diagnostic.span.file)
                    .map(|label| {
                        Label::secondary((), label.span.range()).with_message(&label.message)
                    }),
            );
            let mut notes = Vec::new();
            if let Some(fix) = &diagnostic.fix {
                let how = match applicable_fix(diagnostic) {
                    Some(Applicability::Safe) => " (safe fix: `amplint check --fix`)",
                    Some(_) => " (unsafe fix: `amplint check --unsafe-fixes`)",
                    None => "",
                };
                notes.push(format!("help: {}{how}", fix.title));
            }
            let report = Report::new(severity(diagnostic.severity))
                .with_code(diagnostic.rule)
                .with_message(&diagnostic.message)
                .with_labels(labels)
                .with_notes(notes);
            term::emit_to_write_style(out, &config, &source, &report).map_err(io::Error::other)?;
        }
    }
    writeln!(out, "{}", summary.sentence())
}

fn severity(severity: Severity) -> ReportSeverity {
    match severity {
        Severity::Error => ReportSeverity::Error,
        Severity::Warning => ReportSeverity::Warning,
        Severity::Info => ReportSeverity::Note,
        Severity::Hint => ReportSeverity::Help,
    }
}
