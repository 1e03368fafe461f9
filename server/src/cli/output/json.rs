//! `--format json`: a stable document for tools (`version` 1).
//!
//! Lines and columns are 1-based; columns count Unicode characters; `end` is exclusive.
//! Labels and fix edits carry the path of their file: in a project whose schema spans
//! several files, a label can point at another file (the model a relationship names) and a
//! fix can edit one (the counterpart it adds).

use std::io::{self, Write};

use amplint_rules::Span;
use serde_json::{json, Value};

use super::{applicable_fix, Summary};
use crate::cli::files::CheckedFile;

pub fn write(out: &mut dyn Write, files: &[CheckedFile], summary: &Summary) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &document(files, summary))?;
    writeln!(out)
}

/// The whole JSON document.
pub fn document(files: &[CheckedFile], summary: &Summary) -> Value {
    let diagnostics: Vec<Value> = files
        .iter()
        .flat_map(|file| {
            file.diagnostics.iter().map(move |diagnostic| {
                let fix = diagnostic
                    .fix
                    .as_ref()
                    .filter(|_| applicable_fix(diagnostic).is_some())
                    .map(|fix| {
                        json!({
                            "title": fix.title,
                            "applicability": fix.applicability.as_str(),
                            "edits": fix.edits.iter().filter_map(|edit| {
                                let (path, range) = located_range(file, edit.span)?;
                                Some(json!({ "path": path, "range": range, "text": edit.text }))
                            }).collect::<Vec<_>>(),
                        })
                    });
                json!({
                    "rule": diagnostic.rule,
                    "severity": diagnostic.severity.as_str(),
                    "message": diagnostic.message,
                    "path": file.display_path,
                    "range": located_range(file, diagnostic.span).map(|(_, range)| range),
                    "labels": diagnostic.labels.iter().filter_map(|label| {
                        let (path, range) = located_range(file, label.span)?;
                        Some(json!({ "path": path, "range": range, "message": label.message }))
                    }).collect::<Vec<_>>(),
                    "fix": fix,
                })
            })
        })
        .collect();
    json!({
        "version": 1,
        "summary": {
            "files": summary.files,
            "errors": summary.errors,
            "warnings": summary.warnings,
            "infos": summary.infos,
            "fixable": summary.fixable,
        },
        "diagnostics": diagnostics,
    })
}

/// The path of the file `span` is in (this file or another of its project) and its range.
fn located_range(file: &CheckedFile, span: Span) -> Option<(&str, Value)> {
    let located = file.locate(span)?;
    let (start_line, start_column) = super::position_in(located, span.start);
    let (end_line, end_column) = super::position_in(located, span.end);
    Some((
        located.display_path,
        json!({
            "start": { "line": start_line, "column": start_column },
            "end": { "line": end_line, "column": end_column },
        }),
    ))
}
