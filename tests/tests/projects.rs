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
