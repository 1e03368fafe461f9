//! Patterns seen in real projects (`fixtures/patterns/`): constants, computed keys, helper
//! functions, callback shapes, custom operations, SQL schemas, comments and strings that
//! mention builder calls, non-ASCII text, `.js` files, monorepo layouts. Each must produce
//! exactly the diagnostics annotated in it (for most: none at all).

use amplint_tests::{check_fixture, fixture_inputs, repo_root};

#[test]
fn real_world_patterns_produce_no_false_diagnostics() {
    let inputs = fixture_inputs(&repo_root().join("fixtures/patterns"));
    assert!(
        inputs.len() >= 10,
        "pattern fixtures found: {}",
        inputs.len()
    );
    let report: String = inputs.iter().map(|path| check_fixture(path)).collect();
    assert!(
        report.is_empty(),
        "pattern fixtures disagree with their annotations:\n{report}"
    );
}
