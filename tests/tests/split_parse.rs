//! Large files are parsed as two halves on two cores (`amplint_rules::split`). Whatever
//! the split does, the diagnostics must be exactly those of an ordinary whole-file parse.

use amplint_rules::split::parse_split;
use amplint_rules::{check_tree, check_with_split_threshold, Settings, SourceKind};
use amplint_tests::{fixture_inputs, generate, repo_root};

fn assert_same_as_whole(name: &str, source: &str, kind: SourceKind) -> bool {
    let settings = Settings {
        has_define_auth: Some(true),
        ..Settings::default()
    };
    let whole = check_tree(
        source,
        &amplint_rules::syntax::parse(kind, source, None),
        &settings,
    );
    let split = check_with_split_threshold(source, kind, &settings, 0);
    assert_eq!(
        split.diagnostics, whole.diagnostics,
        "{name}: split parse changed the diagnostics"
    );
    let types = |result: &amplint_rules::CheckResult| -> Vec<String> {
        result
            .model
            .schemas
            .iter()
            .flat_map(|schema| schema.type_names().map(str::to_string))
            .collect()
    };
    assert_eq!(
        types(&split),
        types(&whole),
        "{name}: split parse changed the schema types"
    );
    parse_split(kind, source, 0).is_some()
}

#[test]
fn split_parsing_agrees_with_whole_file_parsing_on_every_fixture() {
    let mut n_split = 0;
    let inputs = fixture_inputs(&repo_root().join("fixtures"));
    for path in &inputs {
        let source = std::fs::read_to_string(path).unwrap();
        let kind = SourceKind::from_path(path.to_str().unwrap()).unwrap();
        n_split += usize::from(assert_same_as_whole(
            &path.display().to_string(),
            &source,
            kind,
        ));
    }
    assert!(
        n_split * 2 > inputs.len(),
        "most fixtures can be split: {n_split} of {}",
        inputs.len()
    );
}

#[test]
fn generated_schemas_split_and_agree() {
    for n_models in [6, 60, 600] {
        let source = generate::schema(n_models);
        assert!(assert_same_as_whole(
            &format!("{n_models} models"),
            &source,
            SourceKind::TypeScript
        ));
    }
}
