//! `--format sarif`: a SARIF 2.1.0 log (GitHub code scanning, Azure DevOps, IDE viewers).
//!
//! `tool.driver` lists every rule with its summary, documentation and default level;
//! each result points at its file relative to `%SRCROOT%` (the working directory), with
//! 1-based lines and columns counted in Unicode code points, related locations for the
//! labels and `fixes` for the edits `--fix` or `--unsafe-fixes` can apply. In a project whose
//! schema spans several files a related location or a fix's artifact change can be in
//! another file than the result.

use std::io::{self, Write};

use amplint_rules::{all_rules, Severity, Span};
use serde_json::{json, Value};

use super::{applicable_fix, position_in};
use crate::cli::files::{CheckedFile, Located};

/// Where people learn about amplint (the driver's `informationUri`).
pub const INFORMATION_URI: &str = "https://github.com/amplint/amplint";

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Writes the log. `source_root` is the `file://` URI of the directory relative paths are
/// resolved against (the working directory); `None` leaves `%SRCROOT%` to the consumer.
pub fn write(
    out: &mut dyn Write,
    files: &[CheckedFile],
    source_root: Option<&str>,
) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &document(files, source_root))?;
    writeln!(out)
}

/// The whole SARIF log.
pub fn document(files: &[CheckedFile], source_root: Option<&str>) -> Value {
    let rules: Vec<Value> = all_rules()
        .iter()
        .map(|rule| {
            let meta = rule.meta;
            let documentation = meta.documentation();
            json!({
                "id": meta.name,
                "name": pascal_case(meta.name),
                "shortDescription": { "text": meta.summary() },
                "fullDescription": {
                    "text": meta.section("What it does").unwrap_or_else(|| meta.summary()),
                    "markdown": meta.section("What it does").unwrap_or_else(|| meta.summary()),
                },
                "help": {
                    "text": documentation,
                    "markdown": documentation,
                },
                "defaultConfiguration": { "level": level(meta.severity) },
                "properties": { "tags": ["amplify", "schema"] },
            })
        })
        .collect();
    let mut results = Vec::new();
    for file in files {
        let uri = file_uri(&file.display_path);
        for diagnostic in &file.diagnostics {
            let rule_index = all_rules()
                .iter()
                .position(|rule| rule.meta.name == diagnostic.rule);
            let related: Vec<Value> = diagnostic
                .labels
                .iter()
                .filter_map(|label| Some((label, physical_location(file, label.span)?)))
                .enumerate()
                .map(|(index, (label, location))| {
                    json!({
                        "id": index + 1,
                        "physicalLocation": location,
                        "message": { "text": label.message },
                    })
                })
                .collect();
            let mut result = json!({
                "ruleId": diagnostic.rule,
                "level": level(diagnostic.severity),
                "message": { "text": diagnostic.message },
                "locations": [{ "physicalLocation": {
                    "artifactLocation": artifact_location(&uri),
                    "region": region_in(file.own(), diagnostic.span),
                } }],
            });
            if let Some(index) = rule_index {
                result["ruleIndex"] = json!(index);
            }
            if !related.is_empty() {
                result["relatedLocations"] = Value::Array(related);
            }
            if let Some(fix) = diagnostic
                .fix
                .as_ref()
                .filter(|_| applicable_fix(diagnostic).is_some())
            {
                // One artifact change per file the fix edits, in the order the files
                // first appear among the edits.
                let mut changes: Vec<(&str, Vec<Value>)> = Vec::new();
                for edit in &fix.edits {
                    let Some(located) = file.locate(edit.span) else {
                        continue;
                    };
                    let replacement = json!({
                        "deletedRegion": region_in(located, edit.span),
                        "insertedContent": { "text": edit.text },
                    });
                    match changes
                        .iter_mut()
                        .find(|(path, _)| *path == located.display_path)
                    {
                        Some((_, replacements)) => replacements.push(replacement),
                        None => changes.push((located.display_path, vec![replacement])),
                    }
                }
                let changes: Vec<Value> = changes
                    .into_iter()
                    .map(|(path, replacements)| {
                        json!({
                            "artifactLocation": artifact_location(&file_uri(path)),
                            "replacements": replacements,
                        })
                    })
                    .collect();
                result["fixes"] = json!([{
                    "description": { "text": fix.title },
                    "artifactChanges": changes,
                }]);
                result["properties"] = json!({ "applicability": fix.applicability.as_str() });
            }
            results.push(result);
        }
    }
    let mut run = json!({
        "tool": {
            "driver": {
                "name": "amplint",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": results,
    });
    if let Some(root) = source_root {
        run["originalUriBaseIds"] = json!({ "%SRCROOT%": { "uri": root } });
    }
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [run],
    })
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

/// `missing-inverse-relation` -> `MissingInverseRelation` (SARIF's rule `name`).
fn pascal_case(name: &str) -> String {
    name.split('-')
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect::<String>(),
                None => String::new(),
            }
        })
        .collect()
}

/// A relative path stays relative (to `%SRCROOT%`); an absolute one becomes a `file://` URI.
enum FileUri {
    Relative(String),
    Absolute(String),
}

fn file_uri(display_path: &str) -> FileUri {
    let path = display_path.replace('\\', "/");
    let path = path.strip_prefix("./").unwrap_or(&path).to_string();
    if path.starts_with('/') {
        FileUri::Absolute(format!("file://{}", percent_encode(&path)))
    } else if path.len() > 2 && path.as_bytes()[1] == b':' {
        FileUri::Absolute(format!("file:///{}", percent_encode(&path)))
    } else {
        FileUri::Relative(percent_encode(&path))
    }
}

/// Percent-encodes what a URI path cannot hold as is.
pub fn percent_encode(path: &str) -> String {
    let mut encoded = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' | b':' => {
                encoded.push(byte as char)
            }
            _ => encoded.push_str(&format!("%{byte:02X}")),
        }
    }
    encoded
}

fn artifact_location(uri: &FileUri) -> Value {
    match uri {
        FileUri::Relative(uri) => json!({ "uri": uri, "uriBaseId": "%SRCROOT%" }),
        FileUri::Absolute(uri) => json!({ "uri": uri }),
    }
}

/// Where `span` is, in this file or another of its project (`None`: a file the run does not
/// know).
fn physical_location(file: &CheckedFile, span: Span) -> Option<Value> {
    let located = file.locate(span)?;
    Some(json!({
        "artifactLocation": artifact_location(&file_uri(located.display_path)),
        "region": region_in(located, span),
    }))
}

fn region_in(located: Located<'_>, span: Span) -> Value {
    let (start_line, start_column) = position_in(located, span.start);
    let (end_line, end_column) = position_in(located, span.end);
    json!({
        "startLine": start_line,
        "startColumn": start_column,
        "endLine": end_line,
        "endColumn": end_column,
    })
}

/// The `file://` URI of a directory, with a trailing slash (for `originalUriBaseIds`).
pub fn directory_uri(directory: &std::path::Path) -> String {
    let mut path = directory.display().to_string().replace('\\', "/");
    if !path.ends_with('/') {
        path.push('/');
    }
    if path.starts_with('/') {
        format!("file://{}", percent_encode(&path))
    } else {
        format!("file:///{}", percent_encode(&path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_uris() {
        assert_eq!(
            pascal_case("missing-inverse-relation"),
            "MissingInverseRelation"
        );
        assert_eq!(percent_encode("a b/c%.ts"), "a%20b/c%25.ts");
        assert!(matches!(file_uri("./x/y.ts"), FileUri::Relative(uri) if uri == "x/y.ts"));
        assert!(matches!(file_uri("/x/y.ts"), FileUri::Absolute(uri) if uri == "file:///x/y.ts"));
    }
}
