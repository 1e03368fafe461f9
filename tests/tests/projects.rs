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
fn relationships_whose_sides_live_in_different_files() {
    check("split-relations", "amplify/data/resource.ts");
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

#[test]
fn a_fix_adds_the_missing_counterpart_in_the_other_file() {
    check_fixes("split-relations", "amplify/data/resource.ts");
}

/// Files of a project in memory, one of them replaced.
struct Patched {
    path: std::path::PathBuf,
    text: String,
}

impl amplint_rules::project::SourceLoader for Patched {
    fn load(&self, path: &std::path::Path) -> Option<String> {
        if path == self.path {
            return Some(self.text.clone());
        }
        std::fs::read_to_string(path).ok()
    }
}

#[test]
fn truncating_any_file_of_a_project_never_breaks_the_check() {
    use amplint_rules::project::{normalize, Project};
    use amplint_rules::{check_project, Settings};
    let projects = amplint_tests::PROJECT_FIXTURES;
    let mut checks = 0;
    for &(name, entry) in projects {
        let dir = repo_root().join("fixtures/projects").join(name);
        let entry = normalize(&dir.join(entry));
        let entry_text = std::fs::read_to_string(&entry).unwrap();
        for path in amplint_tests::fixture_inputs(&dir) {
            let path = normalize(&path);
            let original = std::fs::read_to_string(&path).unwrap();
            let mut cut = 0;
            while cut <= original.len() {
                if original.is_char_boundary(cut) {
                    let patched = Patched {
                        path: path.clone(),
                        text: original[..cut].to_string(),
                    };
                    let text = if path == entry {
                        patched.text.clone()
                    } else {
                        entry_text.clone()
                    };
                    let project = Project::load(&entry, &text, &patched);
                    let result = check_project(&project, &Settings::default());
                    for diagnostic in &result.diagnostics {
                        let local = project.localize(diagnostic);
                        for span in std::iter::once(local.span)
                            .chain(local.labels.iter().map(|label| label.span))
                        {
                            let source = project.source(span.file);
                            assert!(
                                span.start <= span.end
                                    && span.end <= source.len()
                                    && source.is_char_boundary(span.start)
                                    && source.is_char_boundary(span.end),
                                "{}: {} cut at {cut}: bad span {span:?} in {diagnostic:?}",
                                name,
                                path.display()
                            );
                        }
                    }
                    checks += 1;
                }
                cut += 7;
            }
        }
    }
    assert!(checks > 500, "checks: {checks}");
}

/// The generated project (the benchmarks' split schema) is clean and holds every model of
/// the single-file schema: checked from its entry, through an in-memory loader.
#[test]
fn the_generated_project_is_clean_and_complete() {
    use amplint_rules::project::{Project, SourceLoader};
    use amplint_rules::{check_project, Settings};
    use std::collections::HashMap;
    use std::path::{Path, PathBuf};

    struct Files(HashMap<PathBuf, String>);
    impl SourceLoader for Files {
        fn load(&self, path: &Path) -> Option<String> {
            self.0.get(path).cloned()
        }
    }
    for n_models in [3, 30] {
        let files = amplint_tests::generate::project(n_models);
        let root = Path::new("/project");
        let loader = Files(
            files
                .iter()
                .map(|(path, text)| (root.join(path), text.clone()))
                .collect(),
        );
        let entry = root.join(&files[0].0);
        let project = Project::load(&entry, &files[0].1, &loader);
        assert_eq!(
            project.files.len(),
            files.len(),
            "every group file is reached"
        );
        let result = check_project(&project, &Settings::default());
        amplint_tests::assert_generated_schema_is_clean(&result, n_models);
    }
}
