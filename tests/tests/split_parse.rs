//! Large files are parsed in pieces on all cores (`amplint_rules::split`). Whatever the
//! split does, the diagnostics must be exactly those of an ordinary whole-file parse, for
//! any number of pieces.

use amplint_rules::split::parse_split;
use amplint_rules::{
    check_in_pieces, check_tree, check_with_split_threshold, Settings, SourceKind,
};

/// The piece counts every input is checked with.
const PIECES: [usize; 4] = [2, 3, 5, 8];
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
    let types = |result: &amplint_rules::CheckResult| -> Vec<String> {
        result
            .model
            .schemas
            .iter()
            .flat_map(|schema| schema.type_names().map(str::to_string))
            .collect()
    };
    let automatic = check_with_split_threshold(source, kind, &settings, 0);
    let in_pieces = PIECES.map(|pieces| check_in_pieces(source, kind, &settings, Some(pieces)));
    for (pieces, split) in ["automatic", "2", "3", "5", "8"]
        .into_iter()
        .zip(std::iter::once(&automatic).chain(&in_pieces))
    {
        assert_eq!(
            split.diagnostics, whole.diagnostics,
            "{name}: a split parse ({pieces} pieces) changed the diagnostics"
        );
        assert_eq!(
            types(split),
            types(&whole),
            "{name}: a split parse ({pieces} pieces) changed the schema types"
        );
    }
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
        // Every piece count was a real split into that many trees, not a fallback to a
        // whole parse (a schema of a few types may be cut in fewer pieces: two cuts that
        // would fall on the same comma are one).
        for pieces in PIECES {
            let split = amplint_rules::split::parse_pieces_then(
                SourceKind::TypeScript,
                &source,
                pieces,
                |_| (),
            );
            let made = split.map_or(0, |(trees, _)| trees.trees.len());
            if n_models >= 60 {
                assert_eq!(made, pieces, "{n_models} models in {pieces} pieces");
            } else {
                assert!(
                    (2..=pieces).contains(&made),
                    "{n_models} models in {pieces} pieces: {made}"
                );
            }
        }
    }
}
