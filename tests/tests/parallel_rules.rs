//! A large schema's rules run on all cores, one task per rule, the costliest first
//! (`amplint_rules::run_rules`); whatever order they finish in, the diagnostics must be
//! those of the rules run one after another on one thread, in the same order.

use amplint_rules::model::extract;
use amplint_rules::syntax::parse;
use amplint_rules::{run_rules, FileId, Settings, SourceKind};
use amplint_tests::{fixture_inputs, repo_root};

#[test]
fn rules_on_all_cores_report_what_they_report_on_one() {
    let settings = Settings::default();
    let (mut files, mut findings) = (0, 0);
    for path in fixture_inputs(&repo_root().join("fixtures")) {
        let source = std::fs::read_to_string(&path).unwrap();
        let kind = SourceKind::from_path(path.to_str().unwrap()).unwrap();
        let tree = parse(kind, &source, None);
        let model = extract(&tree, &source, FileId::MAIN);
        let one = run_rules(&source, &model, None, &settings, false);
        let all = run_rules(&source, &model, None, &settings, true);
        assert_eq!(all, one, "{}", path.display());
        files += 1;
        findings += one.len();
    }
    assert!(
        files > 100 && findings > 200,
        "{files} files, {findings} findings"
    );
}
