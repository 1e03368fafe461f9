//! Every fixture under `fixtures/<rule-name>/` agrees with its annotations; every fix
//! matches its `.fixed.ts`, converges and keeps the file parsing; every rule has valid and
//! invalid fixtures, and its declared fix availability matches what it does.

use std::collections::BTreeMap;

use amplint_rules::{all_rules, Applicability, FixAvailability, Settings, SourceKind};
use amplint_tests::{check_fixture, expectations, fixed_path, fixture_inputs, repo_root};

fn rule_fixture_inputs() -> Vec<std::path::PathBuf> {
    let root = repo_root().join("fixtures");
    let mut inputs = Vec::new();
    for rule in all_rules() {
        inputs.extend(fixture_inputs(&root.join(rule.meta.name)));
    }
    inputs
}

#[test]
fn fixtures_match_their_annotations() {
    let inputs = rule_fixture_inputs();
    assert!(!inputs.is_empty(), "no fixtures found");
    let report: String = inputs.iter().map(|path| check_fixture(path)).collect();
    assert!(
        report.is_empty(),
        "fixture diagnostics disagree with annotations:\n{report}"
    );
}

#[test]
fn every_rule_has_valid_and_invalid_fixtures() {
    let mut problems = Vec::new();
    for rule in all_rules() {
        let name = rule.meta.name;
        let inputs = fixture_inputs(&repo_root().join("fixtures").join(name));
        let mut flagged = false;
        let mut clean = false;
        for input in &inputs {
            let source = std::fs::read_to_string(input).unwrap();
            let rules: Vec<String> = expectations(&source).into_iter().map(|e| e.rule).collect();
            flagged |= rules.iter().any(|rule| rule == name);
            clean |= !rules.iter().any(|rule| rule == name);
        }
        if !flagged {
            problems.push(format!(
                "{name}: no fixture where it fires (fixtures/{name}/)"
            ));
        }
        if !clean {
            problems.push(format!(
                "{name}: no valid fixture where it stays silent (fixtures/{name}/)"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn fixes_match_fixed_files_converge_and_parse() {
    let mut problems = Vec::new();
    for input in rule_fixture_inputs() {
        let expected_path = fixed_path(&input);
        let source = std::fs::read_to_string(&input).unwrap();
        let kind = SourceKind::from_path(input.to_str().unwrap()).unwrap();
        let result =
            amplint_rules::fix_all(&source, kind, &Settings::default(), Applicability::Unsafe);
        let shown = input
            .strip_prefix(repo_root())
            .unwrap()
            .display()
            .to_string();
        if result.rejected_syntax_error {
            problems.push(format!(
                "{shown}: the fixes produce text that does not parse"
            ));
        }
        if !result.converged {
            problems.push(format!("{shown}: the fixes do not converge"));
        }
        match std::fs::read_to_string(&expected_path) {
            Ok(expected) => {
                if result.text != expected {
                    problems.push(format!(
                        "{shown}: fixed text differs from {}:\n--- expected\n{expected}\n--- actual\n{}",
                        expected_path.display(),
                        result.text
                    ));
                }
                let again = amplint_rules::fix_all(
                    &expected,
                    kind,
                    &Settings::default(),
                    Applicability::Unsafe,
                );
                if again.applied != 0 {
                    problems.push(format!(
                        "{}: the fixed file still has fixes to apply",
                        expected_path.display()
                    ));
                }
            }
            Err(_) if result.applied > 0 => problems.push(format!(
                "{shown}: fixes apply but there is no {}",
                expected_path.display()
            )),
            Err(_) => {}
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn declared_fix_availability_matches_behaviour() {
    let mut seen: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for input in rule_fixture_inputs() {
        let source = std::fs::read_to_string(&input).unwrap();
        let kind = SourceKind::from_path(input.to_str().unwrap()).unwrap();
        for diagnostic in amplint_rules::check(&source, kind, &Settings::default()).diagnostics {
            let entry = seen.entry(diagnostic.rule).or_default();
            entry.0 += 1;
            entry.1 += usize::from(
                diagnostic
                    .fix
                    .as_ref()
                    .is_some_and(|fix| !fix.edits.is_empty()),
            );
        }
    }
    let mut problems = Vec::new();
    for rule in all_rules() {
        let Some(&(reported, fixed)) = seen.get(rule.meta.name) else {
            continue;
        };
        match rule.meta.fix {
            FixAvailability::None if fixed > 0 => {
                problems.push(format!("{} declares no fix but offers one", rule.meta.name))
            }
            FixAvailability::Always if fixed < reported => problems.push(format!(
                "{} declares a fix always but {} of {reported} have none",
                rule.meta.name,
                reported - fixed
            )),
            FixAvailability::Sometimes | FixAvailability::Always if fixed == 0 => problems.push(
                format!("{} declares a fix but no fixture shows one", rule.meta.name),
            ),
            _ => {}
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_rule_is_documented() {
    let mut problems = Vec::new();
    for rule in all_rules() {
        for section in ["What it does", "Why is this bad?", "Example", "Fix"] {
            if rule
                .meta
                .section(section)
                .is_none_or(|body| body.is_empty())
            {
                problems.push(format!(
                    "{}: missing `## {section}` in its doc comment",
                    rule.meta.name
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
