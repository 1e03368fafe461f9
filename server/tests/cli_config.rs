//! `amplint.toml` and suppression comments, through the command line, in temporary
//! projects: severity overrides, `off`, include/exclude, the nearest file winning, errors
//! pointing into the file (exit code 2), suppressions honoured and unused ones reported.

use std::path::Path;
use std::process::{Command, Output};

/// A schema with one `unknown-related-model` error (`'Teem'`) on line 6.
const SCHEMA: &str = "import { a, defineData } from '@aws-amplify/backend';

const schema = a.schema({
  Member: a.model({
    teamId: a.id(),
    team: a.belongsTo('Teem', 'teamId'),
  }),
}).authorization((allow) => allow.publicApiKey());

export const data = defineData({ schema });
";

fn write(root: &Path, relative: &str, text: &str) {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn amplint(directory: &Path, arguments: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_amplint"))
        .current_dir(directory)
        .args(arguments)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("FORCE_COLOR")
        .output()
        .expect("run amplint")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn check(directory: &Path, extra: &[&str]) -> Output {
    let mut arguments = vec!["check", "--format", "concise"];
    arguments.extend_from_slice(extra);
    amplint(directory, &arguments)
}

#[test]
fn without_a_config_the_catalog_severity_applies() {
    let project = tempfile::tempdir().unwrap();
    write(project.path(), "amplify/data/resource.ts", SCHEMA);
    let output = check(project.path(), &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert!(stdout(&output).contains("amplify/data/resource.ts:6:23: error[unknown-related-model]"));
}

#[test]
fn severity_override_and_off() {
    let project = tempfile::tempdir().unwrap();
    write(project.path(), "amplify/data/resource.ts", SCHEMA);
    write(
        project.path(),
        "amplint.toml",
        "[rules]\nunknown-related-model = \"warning\"\n",
    );
    let output = check(project.path(), &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(stdout(&output).contains("warning[unknown-related-model]"));
    let denied = check(project.path(), &["--deny-warnings"]);
    assert_eq!(denied.status.code(), Some(1));

    write(
        project.path(),
        "amplint.toml",
        "[rules]\nunknown-related-model = \"off\"\n",
    );
    let output = check(project.path(), &[]);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        !stdout(&output).contains("unknown-related-model"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn include_and_exclude_are_relative_to_the_config() {
    let project = tempfile::tempdir().unwrap();
    write(project.path(), "amplify/data/resource.ts", SCHEMA);
    write(project.path(), "amplify/generated/resource.ts", SCHEMA);
    write(project.path(), "scripts/seed.ts", SCHEMA);
    write(
        project.path(),
        "amplint.toml",
        "[files]\ninclude = [\"amplify/**/*.ts\"]\nexclude = [\"**/generated/**\"]\n",
    );
    let output = check(project.path(), &[]);
    let printed = stdout(&output);
    assert!(
        printed.contains("amplify/data/resource.ts:6:23"),
        "{printed}"
    );
    assert!(!printed.contains("generated"), "{printed}");
    assert!(!printed.contains("scripts"), "{printed}");
    // A file named on the command line is always checked.
    let output = check(project.path(), &["scripts/seed.ts"]);
    assert!(stdout(&output).contains("scripts/seed.ts:6:23"));
}

#[test]
fn the_nearest_config_wins() {
    let project = tempfile::tempdir().unwrap();
    write(project.path(), "amplify/data/resource.ts", SCHEMA);
    write(project.path(), "other/data/resource.ts", SCHEMA);
    write(
        project.path(),
        "amplint.toml",
        "[rules]\nunknown-related-model = \"off\"\n",
    );
    write(
        project.path(),
        "amplify/amplint.toml",
        "[rules]\nunknown-related-model = \"info\"\n",
    );
    let output = check(project.path(), &[]);
    let printed = stdout(&output);
    assert!(
        printed.contains("amplify/data/resource.ts:6:23: info[unknown-related-model]"),
        "{printed}"
    );
    assert!(!printed.contains("other/data"), "{printed}");
}

#[test]
fn an_unknown_key_is_an_error_pointing_into_the_file() {
    let project = tempfile::tempdir().unwrap();
    write(project.path(), "amplify/data/resource.ts", SCHEMA);
    write(
        project.path(),
        "amplint.toml",
        "[rules]\nunknown-related-modle = \"off\"\n",
    );
    let output = check(project.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.contains("unknown rule `unknown-related-modle`"),
        "{message}"
    );
    assert!(
        message.contains("did you mean `unknown-related-model`?"),
        "{message}"
    );
    assert!(message.contains("amplint.toml:2:1"), "{message}");
    assert!(
        message.contains("unknown-related-modle = \"off\""),
        "{message}"
    );

    write(
        project.path(),
        "amplint.toml",
        "[project]\nhas-defin-auth = true\n",
    );
    let output = check(project.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("did you mean `has-define-auth`?"));
}

#[test]
fn suppressions_are_honoured_and_unused_ones_reported() {
    let project = tempfile::tempdir().unwrap();
    let suppressed = SCHEMA.replace(
        "    team: a.belongsTo",
        "    // amplint-disable-next-line unknown-related-model -- Teem comes later\n    team: a.belongsTo",
    );
    write(project.path(), "amplify/data/resource.ts", &suppressed);
    let output = check(project.path(), &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(
        stdout(&output).contains("No problems found"),
        "{}",
        stdout(&output)
    );

    let unused = SCHEMA.replace(
        "    teamId: a.id(),",
        "    // amplint-disable-next-line public-auth\n    teamId: a.id(),",
    );
    write(project.path(), "amplify/data/resource.ts", &unused);
    let output = check(project.path(), &[]);
    let printed = stdout(&output);
    assert!(
        printed.contains("amplify/data/resource.ts:5:5: warning[unused-suppression]"),
        "{printed}"
    );
    assert!(
        printed.contains("error[unknown-related-model]"),
        "{printed}"
    );

    // --fix removes the unused comment.
    let output = amplint(project.path(), &["check", "--fix", "--format", "concise"]);
    assert!(!stdout(&output).contains("unused-suppression"));
    let fixed = std::fs::read_to_string(project.path().join("amplify/data/resource.ts")).unwrap();
    assert_eq!(fixed, SCHEMA);
}

#[test]
fn output_file_receives_the_report() {
    let project = tempfile::tempdir().unwrap();
    write(project.path(), "amplify/data/resource.ts", SCHEMA);
    let output = amplint(
        project.path(),
        &[
            "check",
            "--format",
            "sarif",
            "--output-file",
            "report.sarif",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).is_empty());
    let report = std::fs::read_to_string(project.path().join("report.sarif")).unwrap();
    assert!(report.contains("\"ruleId\": \"unknown-related-model\""));
}
