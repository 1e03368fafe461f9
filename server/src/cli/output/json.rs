//! `--format json`: a stable document for tools (`version` 1).
//!
//! Lines and columns are 1-based; columns count Unicode characters; `end` is exclusive.

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
                            "edits": fix.edits.iter().map(|edit| json!({
                                "range": range(file, edit.span),
                                "text": edit.text,
                            })).collect::<Vec<_>>(),
                        })
                    });
                json!({
                    "rule": diagnostic.rule,
                    "severity": diagnostic.severity.as_str(),
                    "message": diagnostic.message,
                    "path": file.display_path,
                    "range": range(file, diagnostic.span),
                    "labels": diagnostic.labels.iter().map(|label| json!({
                        "path": file.display_path,
                        "range": range(file, label.span),
                        "message": label.message,
                    })).collect::<Vec<_>>(),
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

fn range(file: &CheckedFile, span: Span) -> Value {
    let (start_line, start_column) = super::user_position(file, span.start);
    let (end_line, end_column) = super::user_position(file, span.end);
    json!({
        "start": { "line": start_line, "column": start_column },
        "end": { "line": end_line, "column": end_column },
    })
}
