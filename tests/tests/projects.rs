//! Schemas split across files (`fixtures/projects/<name>/`): each project is checked from
//! its entry file (`amplify/data/resource.ts` unless the directory says otherwise), and
//! every file it reaches must show exactly the diagnostics annotated in it.

use amplint_tests::{check_project_fixture, repo_root};

fn check(name: &str, entry: &str) {
    let dir = repo_root().join("fixtures/projects").join(name);
    let report = check_project_fixture(&dir, &dir.join(entry));
    assert!(report.is_empty(), "{name}:\n{report}");
}

#[test]
fn models_in_separate_files_behind_a_barrel() {
    check("barrel", "amplify/data/resource.ts");
}

#[test]
fn combined_schemas_resolve_names_across_each_other() {
    check("combine", "amplify/data/resource.ts");
}

#[test]
fn field_objects_and_models_spread_from_other_files() {
    check("shared-fields", "amplify/data/resource.ts");
}

#[test]
fn a_monorepo_backend_importing_a_shared_package() {
    check("monorepo", "packages/backend/amplify/data/resource.ts");
}

/// `fix_project` with unsafe fixes changes exactly the files that have a `.fixed.ts`
/// beside them, into that text, and nothing else.
fn check_fixes(name: &str, entry: &str) {
    use amplint_rules::{fix_project, Applicability, Settings};
    use amplint_tests::{fixed_path, fixture_inputs, DiskLoader};
    let dir = repo_root().join("fixtures/projects").join(name);
    let entry = dir.join(entry);
    let text = std::fs::read_to_string(&entry).unwrap();
    let fixed = fix_project(
        &entry,
        &text,
        &DiskLoader,
        &Settings::default(),
        Applicability::Unsafe,
    );
    assert!(fixed.converged && !fixed.rejected_syntax_error);
    let mut expected_changes = 0;
    for input in fixture_inputs(&dir) {
        let input = amplint_rules::project::normalize(&input);
        let expected = std::fs::read_to_string(fixed_path(&input)).ok();
        let file = fixed
            .project
            .files
            .iter()
            .find(|file| file.path == input)
            .unwrap_or_else(|| panic!("{} not in the project", input.display()));
        let changed = fixed.changed.iter().any(|(id, _)| *id == file.id);
        match expected {
            Some(expected) => {
                expected_changes += 1;
                assert!(changed, "{}: the fixes changed nothing", input.display());
                assert_eq!(
                    fixed.project.source(file.id),
                    expected,
                    "{}: fixed text differs",
                    input.display()
                );
            }
            None => assert!(!changed, "{}: changed without a .fixed.ts", input.display()),
        }
    }
    assert!(expected_changes > 0, "{name}: no .fixed.ts expectations");
}

#[test]
fn fixes_apply_in_the_file_where_each_problem_lives() {
    check_fixes("barrel", "amplify/data/resource.ts");
}
