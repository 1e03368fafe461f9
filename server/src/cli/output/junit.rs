//! `--format junit`: JUnit XML, one `<testsuite>` per checked file and one `<testcase>`
//! per diagnostic (a file without diagnostics has one passing test case). Diagnostics at
//! or above the failing severity (errors; warnings too with `--deny-warnings`) are
//! `<failure>`s; the others pass with the message in `<system-out>`.

use std::io::{self, Write};

use amplint_rules::Severity;

use super::user_position;
use crate::cli::files::CheckedFile;

pub fn write(out: &mut dyn Write, files: &[CheckedFile], fail_at: Severity) -> io::Result<()> {
    let files: Vec<&CheckedFile> = files
        .iter()
        .filter(|file| !file.skipped && file.problem.is_none())
        .collect();
    let tests: usize = files.iter().map(|file| file.diagnostics.len().max(1)).sum();
    let failures: usize = files.iter().map(|file| failures_of(file, fail_at)).sum();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="amplint" tests="{tests}" failures="{failures}" errors="0">"#
    )?;
    for file in files {
        let path = escape(&file.display_path);
        writeln!(
            out,
            r#"  <testsuite name="{path}" tests="{}" failures="{}" errors="0" skipped="0">"#,
            file.diagnostics.len().max(1),
            failures_of(file, fail_at),
        )?;
        if file.diagnostics.is_empty() {
            writeln!(out, r#"    <testcase name="amplint" classname="{path}"/>"#)?;
        }
        for diagnostic in &file.diagnostics {
            let (line, column) = user_position(file, diagnostic.span.start);
            writeln!(
                out,
                r#"    <testcase name="{} at line {line}, column {column}" classname="{path}" file="{path}" line="{line}">"#,
                diagnostic.rule
            )?;
            let text = format!(
                "{}:{line}:{column}: {}[{}] {}",
                file.display_path, diagnostic.severity, diagnostic.rule, diagnostic.message
            );
            if diagnostic.severity >= fail_at {
                writeln!(
                    out,
                    r#"      <failure type="{}" message="{}">{}</failure>"#,
                    diagnostic.severity,
                    escape(&diagnostic.message),
                    escape(&text)
                )?;
            } else {
                writeln!(out, "      <system-out>{}</system-out>", escape(&text))?;
            }
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

fn failures_of(file: &CheckedFile, fail_at: Severity) -> usize {
    file.diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.severity >= fail_at)
        .count()
}

/// Escapes text for XML content and attributes; drops characters XML 1.0 cannot hold.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\n' => escaped.push_str("&#10;"),
            '\t' | '\r' => escaped.push(c),
            c if (c as u32) < 0x20 => {}
            c => escaped.push(c),
        }
    }
    escaped
}
