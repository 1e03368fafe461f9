//! Agreement with Amplify itself, on the conformance corpus (`fixtures/conformance/`).
//!
//! Beside each schema file, `<name>.amplify.json` records what Amplify's real packages did
//! with it (recorded by `tests/conformance/harness.mjs`; `.ci/run` re-runs the harness and
//! fails when a record is stale). This test needs no Node: it checks that
//! - amplint's diagnostics match the file's inline annotations exactly (so every error sits
//!   at the expression responsible);
//! - every file Amplify rejects gets at least one error-severity diagnostic;
//! - every file Amplify accepts gets none, unless its first line says
//!   `// amplify-accepts: <reason>` (the cases RULES.md marks as silently dropped or ignored
//!   by Amplify, which are errors by the severity contract).
//!
//! The harness stands a user pool in for `defineAuth`, so the corpus is checked with
//! `has_define_auth = true`.

use std::fmt::Write as _;
use std::path::Path;

use amplint_rules::{check, Settings, Severity, SourceKind};
use amplint_tests::{check_annotations, fixture_inputs, repo_root};

struct Verdict {
    accepted: bool,
    stage: String,
}

fn verdict(path: &Path) -> Option<Verdict> {
    let record = std::fs::read_to_string(path.with_extension("amplify.json")).ok()?;
    let json: serde_json::Value = serde_json::from_str(&record).ok()?;
    Some(Verdict {
        accepted: json["accepted"].as_bool()?,
        stage: json["stage"].as_str().unwrap_or("accepted").to_string(),
    })
}

#[test]
fn amplint_agrees_with_amplify_on_the_conformance_corpus() {
    let root = repo_root();
    let inputs = fixture_inputs(&root.join("fixtures/conformance"));
    assert!(
        inputs.len() >= 250,
        "the corpus has {} files, expected at least 250",
        inputs.len()
    );
    let settings = Settings {
        has_define_auth: Some(true),
        ..Settings::default()
    };
    let mut problems = String::new();
    let (mut rejected, mut accepted, mut silently_accepted, mut agreeing) = (0, 0, 0, 0);
    let mut stages: std::collections::BTreeMap<String, usize> = Default::default();
    for path in &inputs {
        let name = path
            .strip_prefix(&root)
            .unwrap_or(path)
            .display()
            .to_string();
        let Some(verdict) = verdict(path) else {
            let _ = writeln!(
                problems,
                "{name}: no readable {}",
                path.with_extension("amplify.json").display()
            );
            continue;
        };
        let source = std::fs::read_to_string(path).unwrap();
        let result = check(&source, SourceKind::TypeScript, &settings);
        let errors = result
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let accepts_header = source
            .lines()
            .next()
            .is_some_and(|line| line.starts_with("// amplify-accepts:"));
        *stages.entry(verdict.stage.clone()).or_default() += 1;
        let mut file_problems = check_annotations(&name, &source, &result.diagnostics);
        if verdict.accepted {
            accepted += 1;
            silently_accepted += usize::from(accepts_header);
            if errors > 0 && !accepts_header {
                let _ = writeln!(
                    file_problems,
                    "{name}: Amplify accepts it, amplint reports {errors} error(s)"
                );
            }
            if errors == 0 && accepts_header {
                let _ = writeln!(
                    file_problems,
                    "{name}: marked `amplify-accepts` but amplint reports no error"
                );
            }
        } else {
            rejected += 1;
            if errors == 0 {
                let _ = writeln!(
                    file_problems,
                    "{name}: Amplify rejects it ({}), amplint reports no error",
                    verdict.stage
                );
            }
            if accepts_header {
                let _ = writeln!(
                    file_problems,
                    "{name}: marked `amplify-accepts` but Amplify rejects it"
                );
            }
        }
        if file_problems.is_empty() {
            agreeing += 1;
        }
        problems.push_str(&file_problems);
    }
    let total = inputs.len();
    let report = format!(
        "conformance: {total} files, {rejected} rejected by Amplify, {accepted} accepted ({silently_accepted} of them \
         silently dropping what was written), stages {stages:?}; agreement {agreeing}/{total} ({:.1}%)",
        100.0 * agreeing as f64 / total.max(1) as f64
    );
    println!("{report}");
    let report_path = root.join("target/conformance-report.txt");
    let _ = std::fs::create_dir_all(report_path.parent().unwrap());
    let _ = std::fs::write(&report_path, format!("{report}\n{problems}"));
    assert!(problems.is_empty(), "{report}\n{problems}");
}
