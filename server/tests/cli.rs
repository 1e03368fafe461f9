//! The `amplint` binary end to end: exit codes, output formats, fixes, discovery.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn amplint(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_amplint"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("the amplint binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

const VALID: &str = "import { a, defineData } from '@aws-amplify/backend';\n\
const schema = a.schema({\n  Todo: a.model({ title: a.string() }),\n}).authorization((allow) => allow.publicApiKey());\n\
export const data = defineData({ schema, authorizationModes: { defaultAuthorizationMode: 'apiKey', apiKeyAuthorizationMode: { expiresInDays: 30 } } });\n";

/// A schema with one safe-fixable error after multibyte text on its line.
const TYPO: &str = "import { a } from '@aws-amplify/backend';\n\
const schema = a.schema({\n  Team: a.model({ members: a.hasMany('Member', 'teamId') }),\n  Member: a.model({\n    teamId: a.id(),\n    /* équipe 😀 */ team: a.belongsTo('Teem', 'teamId'),\n  }),\n}).authorization((allow) => allow.publicApiKey());\n";

fn temp_dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

#[test]
fn exit_codes_follow_the_worst_severity_and_tool_failures() {
    let dir = temp_dir_with(&[("valid.ts", VALID), ("typo.ts", TYPO)]);
    assert_eq!(
        amplint(&["check", "valid.ts"], dir.path()).status.code(),
        Some(0)
    );
    assert_eq!(
        amplint(&["check", "typo.ts"], dir.path()).status.code(),
        Some(1)
    );
    let missing = amplint(&["check", "missing.ts"], dir.path());
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("cannot read `missing.ts`"),
        "{}",
        stderr(&missing)
    );
    assert_eq!(
        amplint(&["check", "--format", "xml"], dir.path())
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        amplint(&["check", "--no-such-flag"], dir.path())
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn json_output_has_the_documented_shape_with_character_columns() {
    let dir = temp_dir_with(&[("typo.ts", TYPO)]);
    let output = amplint(&["check", "typo.ts", "--format", "json"], dir.path());
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(document["version"], 1);
    let summary = &document["summary"];
    for key in ["files", "errors", "warnings", "infos", "fixable"] {
        assert!(summary[key].is_u64(), "summary.{key} missing in {summary}");
    }
    assert_eq!(summary["files"], 1);
    let diagnostics = document["diagnostics"].as_array().unwrap();
    let typo = diagnostics
        .iter()
        .find(|d| d["rule"] == "unknown-related-model")
        .expect("the typo is reported");
    assert_eq!(typo["severity"], "error");
    assert_eq!(typo["path"], "typo.ts");
    // `/* équipe 😀 */ team: a.belongsTo('Teem'`: 'Teem' starts at character 39 of line 6.
    let line = TYPO.lines().nth(5).unwrap();
    let column = line[..line.find("'Teem'").unwrap()].chars().count() + 1;
    assert_eq!(
        typo["range"]["start"],
        serde_json::json!({ "line": 6, "column": column })
    );
    assert_eq!(
        typo["range"]["end"],
        serde_json::json!({ "line": 6, "column": column + 6 })
    );
    assert!(typo["labels"].is_array());
    let fix = &typo["fix"];
    assert_eq!(fix["applicability"], "safe");
    assert_eq!(fix["edits"][0]["text"], "'Team'");
    assert!(fix["title"].as_str().unwrap().contains("Team"));
}

#[test]
fn human_output_shows_frames_help_and_summary_without_colour_when_piped() {
    let dir = temp_dir_with(&[("typo.ts", TYPO)]);
    let text = stdout(&amplint(&["check", "typo.ts"], dir.path()));
    assert!(text.contains("error[unknown-related-model]"), "{text}");
    assert!(text.contains("┌─ typo.ts:6:"), "{text}");
    assert!(text.contains("help: Replace `Teem` with `Team`"), "{text}");
    assert!(text.contains("Found 1 error in 1 file."), "{text}");
    assert!(
        !text.contains('\u{1b}'),
        "no colour codes when stdout is not a terminal"
    );
    let concise = stdout(&amplint(
        &["check", "typo.ts", "--format", "concise"],
        dir.path(),
    ));
    assert!(concise.starts_with("typo.ts:6:"), "{concise}");
}

#[test]
fn fix_writes_the_file_and_diff_does_not() {
    let dir = temp_dir_with(&[("typo.ts", TYPO)]);
    let diff = amplint(&["check", "--diff", "typo.ts"], dir.path());
    assert!(
        stdout(&diff).contains("-    /* équipe 😀 */ team: a.belongsTo('Teem', 'teamId'),"),
        "{}",
        stdout(&diff)
    );
    assert!(stdout(&diff).contains("+    /* équipe 😀 */ team: a.belongsTo('Team', 'teamId'),"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("typo.ts")).unwrap(),
        TYPO,
        "--diff writes nothing"
    );
    let fixed = amplint(&["check", "--fix", "typo.ts"], dir.path());
    assert_eq!(fixed.status.code(), Some(0), "{}", stdout(&fixed));
    let text = std::fs::read_to_string(dir.path().join("typo.ts")).unwrap();
    assert_eq!(text, TYPO.replace("'Teem'", "'Team'"));
    let again = amplint(&["check", "--fix", "typo.ts"], dir.path());
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("typo.ts")).unwrap(),
        text,
        "a fixed point"
    );
}

#[test]
fn walking_respects_gitignore_and_checks_only_schema_files() {
    let dir = temp_dir_with(&[
        ("amplify/data/resource.ts", TYPO),
        ("amplify/auth/resource.ts", "export const auth = 1;\n"),
        ("node_modules/pkg/schema.ts", TYPO),
        ("ignored/schema.ts", TYPO),
        (".gitignore", "ignored/\n"),
        ("notes.md", "a.schema({ X: a.model({}) })"),
    ]);
    let output = amplint(&["check", "--format", "concise"], dir.path());
    let text = stdout(&output);
    assert!(text.contains("amplify/data/resource.ts:6:"), "{text}");
    assert!(
        !text.contains("node_modules") && !text.contains("ignored/"),
        "{text}"
    );
    assert!(
        text.contains("in 1 file."),
        "only the schema file is counted: {text}"
    );
}

#[test]
fn non_utf8_files_are_reported_not_crashed_on() {
    let dir = temp_dir_with(&[]);
    std::fs::write(dir.path().join("latin1.ts"), b"const s = '\xe9';\n").unwrap();
    let output = amplint(&["check", "latin1.ts"], dir.path());
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("not UTF-8"), "{}", stderr(&output));
}

#[test]
fn rule_prints_documentation_and_suggests_names() {
    let output = amplint(&["rule", "missing-inverse-relation"], &repo());
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(
        text.contains("## What it does") && text.contains("## Fix"),
        "{text}"
    );
    let unknown = amplint(&["rule", "missing-inverse-relations"], &repo());
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains("did you mean `missing-inverse-relation`?"),
        "{}",
        stderr(&unknown)
    );
    let list = stdout(&amplint(&["rule"], &repo()));
    for rule in amplint_rules::all_rules() {
        assert!(
            list.contains(rule.meta.name),
            "`amplint rule` lists {}",
            rule.meta.name
        );
    }
}

#[test]
fn fixing_the_showcase_leaves_only_unfixable_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("resource.ts");
    std::fs::copy(
        repo().join("fixtures/showcase/amplify/data/resource.ts"),
        &target,
    )
    .unwrap();
    let before = amplint(&["check", "resource.ts", "--format", "json"], dir.path());
    let before: serde_json::Value = serde_json::from_slice(&before.stdout).unwrap();
    assert!(
        before["summary"]["errors"].as_u64().unwrap() >= 8,
        "the showcase is full of mistakes: {}",
        before["summary"]
    );
    amplint(&["check", "--fix", "resource.ts"], dir.path());
    let after_safe = amplint(&["check", "resource.ts", "--format", "json"], dir.path());
    let after_safe: serde_json::Value = serde_json::from_slice(&after_safe.stdout).unwrap();
    let safe_left: Vec<_> = after_safe["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["fix"]["applicability"] == "safe")
        .collect();
    assert!(
        safe_left.is_empty(),
        "safe fixes remain after --fix: {safe_left:#?}"
    );
    amplint(&["check", "--unsafe-fixes", "resource.ts"], dir.path());
    let after = amplint(&["check", "resource.ts", "--format", "json"], dir.path());
    let after: serde_json::Value = serde_json::from_slice(&after.stdout).unwrap();
    let remaining = after["diagnostics"].as_array().unwrap();
    let fixable: Vec<_> = remaining.iter().filter(|d| !d["fix"].is_null()).collect();
    assert!(
        fixable.is_empty(),
        "fixable diagnostics remain after --unsafe-fixes: {fixable:#?}"
    );
    assert!(
        after["summary"]["errors"].as_u64() < before["summary"]["errors"].as_u64(),
        "the fixes repaired something"
    );
}
