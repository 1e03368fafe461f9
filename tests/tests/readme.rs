//! The README's rule table is generated from the rules' own documentation
//! (`amplint rule --table`); this test fails when it is out of date.
//!
//! Regenerate it with `AMPLINT_UPDATE_README=1 cargo test -p amplint_tests --test readme`.

use amplint_tests::repo_root;

const START: &str = "<!-- rules:start -->\n";
const END: &str = "<!-- rules:end -->";

#[test]
fn readme_rule_table_is_up_to_date() {
    let path = repo_root().join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md at the repository root");
    let start = readme
        .find(START)
        .expect("README.md has a `<!-- rules:start -->` marker")
        + START.len();
    let end = readme[start..]
        .find(END)
        .map(|offset| start + offset)
        .expect("README.md has a `<!-- rules:end -->` marker");
    let fresh = amplint::cli::rule::markdown_table();
    if readme[start..end] == fresh {
        return;
    }
    if std::env::var_os("AMPLINT_UPDATE_README").is_some() {
        let updated = format!("{}{fresh}{}", &readme[..start], &readme[end..]);
        std::fs::write(&path, updated).expect("write README.md");
        return;
    }
    panic!(
        "the rule table in README.md is out of date; regenerate it with\n    AMPLINT_UPDATE_README=1 cargo test -p amplint_tests --test readme\nor paste the output of `amplint rule --table`:\n\n{fresh}"
    );
}
