//! Test support: fixtures with inline caret annotations.
//!
//! An annotation is a comment line under the code line it describes; its carets sit under
//! the flagged columns (counted in characters), followed by the severity, the rule name and
//! optionally `: ` and a part of the expected message:
//!
//! ```text
//!     team: a.belongsTo('Teem', 'teamId'),
//! //                    ^^^^^^ error[unknown-related-model]: did you mean `Team`?
//! ```
//!
//! Several annotation lines may follow one code line. A span over several lines is
//! annotated on its first line, with the carets running to that line's end.

pub mod generate;
pub mod lsp_client;
pub mod process_status;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use amplint_rules::line_index::{Encoding, LineIndex};
use amplint_rules::{Diagnostic, Settings, SourceKind};

/// The root of the repository.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the repository")
        .to_path_buf()
}

/// One expected diagnostic read from a caret line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expectation {
    /// 0-based line of the code the carets point at.
    pub line: usize,
    /// Character columns, 0-based, end exclusive.
    pub start_column: usize,
    pub end_column: usize,
    pub severity: String,
    pub rule: String,
    pub message: Option<String>,
    /// 1-based line of the annotation itself, for error messages.
    pub annotation_line: usize,
}

/// Reads the caret annotations of a fixture.
pub fn expectations(source: &str) -> Vec<Expectation> {
    let mut found = Vec::new();
    let mut code_line = None;
    for (index, line) in source.lines().enumerate() {
        match parse_annotation(line) {
            Some((start_column, end_column, rest)) => {
                let Some(target) = code_line else { continue };
                let Some((severity, rule, message)) = parse_label(rest) else {
                    continue;
                };
                found.push(Expectation {
                    line: target,
                    start_column,
                    end_column,
                    severity,
                    rule,
                    message,
                    annotation_line: index + 1,
                });
            }
            None => code_line = Some(index),
        }
    }
    found
}

/// `//   ^^^^ rest` -> (start, end, rest), columns in characters.
fn parse_annotation(line: &str) -> Option<(usize, usize, &str)> {
    let trimmed = line.trim_start();
    let after_slashes = trimmed.strip_prefix("//")?;
    let caret_byte = after_slashes.find('^')?;
    if !after_slashes[..caret_byte].chars().all(char::is_whitespace) {
        return None;
    }
    let prefix_chars = line.chars().count() - after_slashes.chars().count();
    let start = prefix_chars + after_slashes[..caret_byte].chars().count();
    let carets = after_slashes[caret_byte..]
        .chars()
        .take_while(|&c| c == '^')
        .count();
    let rest = after_slashes[caret_byte + carets..].trim();
    Some((start, start + carets, rest))
}

/// `error[rule-name]: message` -> (severity, rule, message).
fn parse_label(text: &str) -> Option<(String, String, Option<String>)> {
    let open = text.find('[')?;
    let close = text.find(']')?;
    let severity = text[..open].trim().to_string();
    let rule = text[open + 1..close].trim().to_string();
    let message = text[close + 1..]
        .trim()
        .strip_prefix(':')
        .map(|m| m.trim().to_string())
        .filter(|m| !m.is_empty());
    Some((severity, rule, message))
}

/// Where an actual diagnostic sits, in the annotation's terms.
fn actual_position(
    source: &str,
    index: &LineIndex,
    diagnostic: &Diagnostic,
) -> (usize, usize, usize) {
    let start = index.position(source, diagnostic.span.start, Encoding::Utf32);
    let end = index.position(source, diagnostic.span.end, Encoding::Utf32);
    let end_column = if end.line == start.line {
        end.column as usize
    } else {
        let line_start = index.line_start(start.line as usize);
        let line_end = source[line_start..]
            .find('\n')
            .map_or(source.len(), |n| line_start + n);
        source[line_start..line_end]
            .trim_end_matches('\r')
            .chars()
            .count()
    };
    (start.line as usize, start.column as usize, end_column)
}

fn matches(
    expectation: &Expectation,
    source: &str,
    index: &LineIndex,
    diagnostic: &Diagnostic,
) -> bool {
    let (line, start, end) = actual_position(source, index, diagnostic);
    expectation.line == line
        && expectation.start_column == start
        && expectation.end_column == end
        && expectation.rule == diagnostic.rule
        && expectation.severity == diagnostic.severity.as_str()
        && expectation
            .message
            .as_ref()
            .is_none_or(|part| diagnostic.message.contains(part.as_str()))
}

/// Checks a fixture's diagnostics against its annotations; returns a report of missing
/// and unexpected diagnostics (empty when they agree).
pub fn check_annotations(name: &str, source: &str, diagnostics: &[Diagnostic]) -> String {
    let index = LineIndex::new(source);
    let expected = expectations(source);
    let mut report = String::new();
    let mut used = vec![false; diagnostics.len()];
    for expectation in &expected {
        let found = diagnostics.iter().enumerate().position(|(i, diagnostic)| {
            !used[i] && matches(expectation, source, &index, diagnostic)
        });
        match found {
            Some(i) => used[i] = true,
            None => {
                let _ = writeln!(
                    report,
                    "{name}:{}:{}: missing {}[{}]{} (annotation on line {})",
                    expectation.line + 1,
                    expectation.start_column + 1,
                    expectation.severity,
                    expectation.rule,
                    expectation
                        .message
                        .as_ref()
                        .map(|m| format!(": {m}"))
                        .unwrap_or_default(),
                    expectation.annotation_line,
                );
            }
        }
    }
    for (diagnostic, _) in diagnostics.iter().zip(&used).filter(|(_, used)| !**used) {
        let (line, start, end) = actual_position(source, &index, diagnostic);
        let _ = writeln!(
            report,
            "{name}:{}:{}: unexpected {}[{}] (columns {}..{}): {}\n    annotate with: //{}{} {}[{}]",
            line + 1,
            start + 1,
            diagnostic.severity,
            diagnostic.rule,
            start + 1,
            end + 1,
            diagnostic.message,
            " ".repeat(start.saturating_sub(2)),
            "^".repeat(end.saturating_sub(start).max(1)),
            diagnostic.severity,
            diagnostic.rule,
        );
    }
    report
}

/// Every fixture input under `dir` (recursively): `.ts`/`.tsx`/`.js` files that are not
/// `.fixed.` expectations, sorted.
pub fn fixture_inputs(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
                if SourceKind::from_path(name).is_some() && !name.contains(".fixed.") {
                    found.push(path);
                }
            }
        }
    }
    found.sort();
    found
}

/// The `.fixed.<ext>` expectation beside a fixture input.
pub fn fixed_path(input: &Path) -> PathBuf {
    let name = input.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let (stem, extension) = name.rsplit_once('.').unwrap_or((name, "ts"));
    input.with_file_name(format!("{stem}.fixed.{extension}"))
}

/// Checks one fixture file with default settings; returns a report (empty when fine).
pub fn check_fixture(path: &Path) -> String {
    let name = path
        .strip_prefix(repo_root())
        .unwrap_or(path)
        .display()
        .to_string();
    let source = match std::fs::read_to_string(path) {
        Ok(source) => source,
        Err(error) => return format!("{name}: cannot read: {error}\n"),
    };
    let kind = SourceKind::from_path(&name).unwrap_or(SourceKind::TypeScript);
    let result = amplint_rules::check(&source, kind, &Settings::default());
    check_annotations(&name, &source, &result.diagnostics)
}

/// The project fixtures (`fixtures/projects/<name>/`) and their entry files.
pub const PROJECT_FIXTURES: &[(&str, &str)] = &[
    ("barrel", "amplify/data/resource.ts"),
    ("combine", "amplify/data/resource.ts"),
    ("shared-fields", "amplify/data/resource.ts"),
    ("monorepo", "packages/backend/amplify/data/resource.ts"),
];

/// Reads project files from disk (the engine does no I/O itself).
pub struct DiskLoader;

impl amplint_rules::project::SourceLoader for DiskLoader {
    fn load(&self, path: &Path) -> Option<String> {
        std::fs::read_to_string(path).ok()
    }
}

/// Checks a project fixture from its entry file: every file the entry reaches is compared
/// with its own annotations (diagnostics in each file where its expression lives). Files
/// under `dir` that the project does not reach are reported, so no annotation goes unread.
pub fn check_project_fixture(dir: &Path, entry: &Path) -> String {
    use amplint_rules::project::Project;
    let text = match std::fs::read_to_string(entry) {
        Ok(text) => text,
        Err(error) => return format!("{}: cannot read: {error}\n", entry.display()),
    };
    let project = Project::load(entry, &text, &DiskLoader);
    let result = amplint_rules::check_project(&project, &Settings::default());
    let mut report = String::new();
    for file in &project.files {
        let name = file
            .path
            .strip_prefix(repo_root())
            .unwrap_or(&file.path)
            .display()
            .to_string();
        let local: Vec<Diagnostic> = result
            .diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.span.file == file.id)
            .map(|diagnostic| project.localize(diagnostic))
            .collect();
        report.push_str(&check_annotations(&name, project.source(file.id), &local));
    }
    for path in fixture_inputs(dir) {
        let path = amplint_rules::project::normalize(&path);
        if !project.files.iter().any(|file| file.path == path) {
            let _ = writeln!(
                report,
                "{}: not reached from {}",
                path.display(),
                entry.display()
            );
        }
    }
    report
}

/// Asserts that a check of a generated schema (`generate::schema` or `generate::project` of
/// `n_models`) found nothing and read every model.
pub fn assert_generated_schema_is_clean(result: &amplint_rules::CheckResult, n_models: usize) {
    assert!(
        result.diagnostics.is_empty(),
        "{n_models} models: {:#?}",
        &result.diagnostics[..result.diagnostics.len().min(5)]
    );
    let models: usize = result
        .model
        .schemas
        .iter()
        .map(|schema| schema.models().count())
        .sum();
    assert_eq!(models, n_models.div_ceil(3) * 3);
}
