//! `amplint check` on schemas split across files: the project is checked from its entry,
//! diagnostics land in the file where each expression lives, a file named alone is checked
//! within its entry's project, and `--fix` writes every file it fixes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn amplint(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_amplint"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the amplint binary runs")
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A copy of `fixtures/projects/<name>` in a temporary directory with a `package.json`
/// (a package root, as in a real project).
fn project_copy(name: &str) -> tempfile::TempDir {
    let source = repo().join("fixtures/projects").join(name);
    let dir = tempfile::tempdir().unwrap();
    let mut stack = vec![source.clone()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).unwrap().flatten() {
            let path = entry.path();
            let target = dir.path().join(path.strip_prefix(&source).unwrap());
            if path.is_dir() {
                std::fs::create_dir_all(&target).unwrap();
                stack.push(path);
            } else {
                std::fs::copy(&path, &target).unwrap();
            }
        }
    }
    std::fs::write(dir.path().join("package.json"), "{}\n").unwrap();
    dir
}

/// `(path, rule)` of every diagnostic in a JSON report.
fn findings(output: &Output) -> Vec<(String, String)> {
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON output");
    let mut found: Vec<(String, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|diagnostic| {
            (
                diagnostic["path"].as_str().unwrap().to_string(),
                diagnostic["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    found.sort();
    found
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = expected
        .iter()
        .map(|(path, rule)| (path.to_string(), rule.to_string()))
        .collect();
    pairs.sort();
    pairs
}

#[test]
fn a_walked_project_reports_in_the_files_where_the_mistakes_are() {
    let dir = project_copy("barrel");
    let output = amplint(&["check", "--format", "json"], dir.path());
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        findings(&output),
        pairs(&[
            ("amplify/data/models/member.ts", "reference-type-mismatch"),
            ("amplify/data/models/shared.ts", "unknown-related-model"),
        ])
    );
}

#[test]
fn a_combined_schema_file_is_not_checked_alone_when_its_entry_is_walked() {
    let dir = project_copy("combine");
    let output = amplint(&["check", "--format", "json"], dir.path());
    // Alone, blog.ts would not know `Account` and report it as undefined.
    let found = findings(&output);
    assert_eq!(
        found,
        pairs(&[
            ("amplify/data/blog.ts", "name-collision"),
            ("amplify/data/blog.ts", "reference-type-mismatch"),
            ("amplify/data/blog.ts", "unknown-related-model"),
        ])
    );
}

#[test]
fn a_file_named_alone_is_checked_within_its_entrys_project() {
    let dir = project_copy("combine");
    let output = amplint(
        &["check", "--format", "json", "amplify/data/blog.ts"],
        dir.path(),
    );
    assert_eq!(
        findings(&output),
        pairs(&[
            ("amplify/data/blog.ts", "name-collision"),
            ("amplify/data/blog.ts", "reference-type-mismatch"),
            ("amplify/data/blog.ts", "unknown-related-model"),
        ])
    );
    // A model file without any schema call of its own, as pre-commit passes it.
    let dir = project_copy("barrel");
    let output = amplint(
        &["check", "--format", "json", "amplify/data/models/member.ts"],
        dir.path(),
    );
    assert_eq!(
        findings(&output),
        pairs(&[("amplify/data/models/member.ts", "reference-type-mismatch")])
    );
}

#[test]
fn fix_writes_each_file_it_fixes() {
    let dir = project_copy("barrel");
    let output = amplint(&["check", "--unsafe-fixes"], dir.path());
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let expected = repo().join("fixtures/projects/barrel/amplify/data/models");
    for name in ["member", "shared"] {
        let written =
            std::fs::read_to_string(dir.path().join(format!("amplify/data/models/{name}.ts")))
                .unwrap();
        let fixed = std::fs::read_to_string(expected.join(format!("{name}.fixed.ts"))).unwrap();
        assert_eq!(written, fixed, "{name}.ts");
    }
    let untouched =
        std::fs::read_to_string(dir.path().join("amplify/data/models/team.ts")).unwrap();
    assert_eq!(
        untouched,
        std::fs::read_to_string(expected.join("team.ts")).unwrap()
    );
}
