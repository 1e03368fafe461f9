//! Every output format, snapshotted on one shared set of fixtures (paths relative to the
//! repository, no colour), plus shape checks: GitHub workflow commands against a regex,
//! SARIF's and JUnit's structure.
//!
//! Update the snapshots after an intended change with `INSTA_UPDATE=always cargo test -p
//! amplint_tests --test output_formats` (or `cargo insta review`) and review the diff.

use amplint::cli::check::{render, Format};
use amplint::cli::discover::SourcePath;
use amplint::cli::files::{CheckedFile, CheckedUnit};
use amplint::cli::output::Summary;
use amplint_rules::{Settings, Severity, SourceKind};
use amplint_tests::repo_root;

/// The shared fixture set: the showcase, relations with labels and fixes, suppressions, a
/// project whose labels and fixes point into its other file.
const FIXTURES: &[&str] = &[
    "fixtures/showcase/amplify/data/resource.ts",
    "fixtures/projects/split-relations/amplify/data/resource.ts",
    "fixtures/missing-inverse-relation/invalid.ts",
    "fixtures/unused-suppression/invalid.ts",
    "fixtures/unknown-related-model/valid.ts",
];

fn checked_files() -> Vec<CheckedFile> {
    FIXTURES
        .iter()
        .flat_map(|relative| {
            let source = SourcePath {
                path: repo_root().join(relative),
                display_path: relative.to_string(),
                explicit: true,
                kind: SourceKind::from_path(relative).unwrap_or(SourceKind::TypeScript),
            };
            CheckedUnit::check(source, &Settings::default(), None).files
        })
        .collect()
}

fn rendered(format: Format, fail_at: Severity) -> String {
    let files = checked_files();
    let summary = Summary::of(&files, 0);
    let mut out = Vec::new();
    if format == Format::Sarif {
        amplint::cli::output::sarif::write(&mut out, &files, None).unwrap();
    } else {
        render(format, &mut out, &files, &summary, false, fail_at).unwrap();
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn human() {
    insta::assert_snapshot!(rendered(Format::Human, Severity::Error));
}

#[test]
fn concise() {
    insta::assert_snapshot!(rendered(Format::Concise, Severity::Error));
}

#[test]
fn json() {
    insta::assert_snapshot!(rendered(Format::Json, Severity::Error));
}

#[test]
fn github() {
    let output = rendered(Format::Github, Severity::Error);
    let shape = regex::Regex::new(
        r"^::(error|warning|notice) file=[^,:\r\n]+,line=[1-9][0-9]*,col=[1-9][0-9]*,endLine=[1-9][0-9]*,endColumn=[1-9][0-9]*,title=amplint \([a-z-]+\)::[^\r\n]+$",
    )
    .unwrap();
    let mut lines = 0;
    for line in output.lines() {
        lines += 1;
        assert!(shape.is_match(line), "not a workflow command: {line}");
    }
    assert!(lines > 10, "expected a command per diagnostic:\n{output}");
    assert!(output.contains("::warning "), "warnings become ::warning");
    insta::assert_snapshot!(output);
}

#[test]
fn sarif() {
    let output = rendered(Format::Sarif, Severity::Error);
    let log: serde_json::Value = serde_json::from_str(&output).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), amplint_rules::all_rules().len());
    for result in run["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert!(location["region"]["startLine"].as_u64().unwrap() >= 1);
    }
    assert!(output.contains("\"relatedLocations\""));
    assert!(output.contains("\"deletedRegion\""));
    insta::assert_snapshot!(output);
}

#[test]
fn junit() {
    insta::assert_snapshot!(rendered(Format::Junit, Severity::Error));
}

#[test]
fn junit_with_warnings_denied() {
    let output = rendered(Format::Junit, Severity::Warning);
    assert!(output.contains(r#"<failure type="warning""#));
}

/// In a project split over files, a diagnostic's label and its fix can be in another file
/// than the diagnostic: every format that shows labels and fixes shows those too, with the
/// other file's path.
#[test]
fn labels_and_fixes_in_other_files() {
    let resource = "fixtures/projects/split-relations/amplify/data/resource.ts";
    let team = "fixtures/projects/split-relations/amplify/data/team.ts";

    let json: serde_json::Value =
        serde_json::from_str(&rendered(Format::Json, Severity::Error)).unwrap();
    let in_team = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|diagnostic| diagnostic["path"] == team)
        .expect("the diagnostic in team.ts");
    assert_eq!(in_team["labels"][0]["path"], resource);
    assert_eq!(in_team["labels"][0]["range"]["start"]["line"], 8);
    assert_eq!(in_team["fix"]["edits"][0]["path"], resource);

    let sarif: serde_json::Value =
        serde_json::from_str(&rendered(Format::Sarif, Severity::Error)).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let in_resource = results
        .iter()
        .find(|result| {
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == resource
                && result["ruleId"] == "missing-inverse-relation"
        })
        .expect("the result in resource.ts");
    let changes = &in_resource["fixes"][0]["artifactChanges"];
    assert_eq!(changes.as_array().unwrap().len(), 1);
    assert_eq!(changes[0]["artifactLocation"]["uri"], team);
    let in_team = results
        .iter()
        .find(|result| {
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == team
        })
        .expect("the result in team.ts");
    assert_eq!(
        in_team["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        resource
    );

    // The human report of the diagnostic in team.ts frames resource.ts for its label.
    let human = rendered(Format::Human, Severity::Error);
    let block = human
        .split("\n\n")
        .find(|block| block.contains(&format!("┌─ {team}:")))
        .expect("the report in team.ts");
    assert!(block.contains(&format!("┌─ {resource}:8:3")), "{block}");
    assert!(
        block.contains(&format!(", in {resource} (unsafe fix")),
        "{block}"
    );
}
