//! Incremental extraction (`extract_after_edit`, what the language server runs per edit)
//! must give exactly the model a fresh extraction gives, whether it reused the previous
//! model or not: the models are compared whole, through their `Debug` text, so a span
//! that did not follow the edit or a stale type shows.

use std::sync::OnceLock;

use amplint_rules::model::{extract, extract_after_edit, FileModel, TextChange};
use amplint_rules::syntax::parse;
use amplint_rules::{check_tree, check_tree_after_edit, FileId, Settings, SourceKind};
use amplint_tests::{fixture_inputs, generate, repo_root};
use proptest::prelude::*;

/// Schema texts that parse cleanly: the fixtures that do, and generated schemas.
fn texts() -> &'static [String] {
    static TEXTS: OnceLock<Vec<String>> = OnceLock::new();
    TEXTS.get_or_init(|| {
        let mut texts: Vec<String> = fixture_inputs(&repo_root().join("fixtures"))
            .iter()
            .filter(|path| path.extension().is_some_and(|extension| extension == "ts"))
            .map(|path| std::fs::read_to_string(path).unwrap())
            .filter(|text| !tree_of(text).root_node().has_error())
            .collect();
        assert!(texts.len() > 50, "fixtures not found");
        texts.push(generate::schema(12));
        texts.push(generate::schema(40));
        texts
    })
}

fn tree_of(text: &str) -> tree_sitter::Tree {
    parse(SourceKind::TypeScript, text, None)
}

fn model_of(text: &str) -> FileModel {
    extract(&tree_of(text), text, FileId::MAIN)
}

/// Replaces `start..end` of `text` with `new`; the change and the new text.
fn edit(text: &str, start: usize, end: usize, new: &str) -> (TextChange, String) {
    let edited = format!("{}{new}{}", &text[..start], &text[end..]);
    (TextChange::new(start, end, start + new.len()), edited)
}

/// The incremental and the fresh model of `edited`; whether the previous one was reused.
fn both(text: &str, change: TextChange, edited: &str) -> (String, String, bool) {
    let tree = tree_of(edited);
    let (incremental, reused) = extract_after_edit(&tree, edited, model_of(text), change);
    let fresh = extract(&tree, edited, FileId::MAIN);
    (format!("{incremental:#?}"), format!("{fresh:#?}"), reused)
}

#[test]
fn an_edit_inside_one_model_reuses_the_others_and_moves_them() {
    let text = generate::schema(12);
    let at = text.find("mantra: a.string()").unwrap();
    // Longer, shorter, and a change of kind (string -> integer with a modifier).
    for (old, new) in [
        ("mantra", "mantraOfTheTeam"),
        ("mantra", "m"),
        ("a.string()", "a.integer().required()"),
    ] {
        let start = text[at..].find(old).unwrap() + at;
        let (change, edited) = edit(&text, start, start + old.len(), new);
        let (incremental, fresh, reused) = both(&text, change, &edited);
        assert!(reused, "{old} -> {new}: the previous model was not reused");
        assert_eq!(incremental, fresh, "{old} -> {new}");
        // And so the check: the diagnostics of the edited text, through either path.
        let tree = tree_of(&edited);
        let settings = Settings::default();
        let (after_edit, _) =
            check_tree_after_edit(&edited, &tree, &settings, model_of(&text), change);
        assert_eq!(
            after_edit.diagnostics,
            check_tree(&edited, &tree, &settings).diagnostics
        );
    }
}

#[test]
fn edits_elsewhere_read_the_file_again_and_agree() {
    let text = generate::schema(12);
    let cases = [
        // The builder's import: every type may change meaning.
        ("import { a,", "import { a as b, a,"),
        // Between two entries: a new type.
        ("  Team1: a", "  Extra: a.enum(['X']),\n  Team1: a"),
        // A schema-level modifier after the object.
        (
            "});\n\nexport type",
            "}).authorization((allow) => [allow.publicApiKey()]);\n\nexport type",
        ),
    ];
    for (old, new) in cases {
        let start = text
            .find(old)
            .unwrap_or_else(|| panic!("{old:?} not in the schema"));
        let (change, edited) = edit(&text, start, start + old.len(), new);
        let (incremental, fresh, reused) = both(&text, change, &edited);
        assert!(
            !reused,
            "{old:?}: reused although the edit is outside any entry"
        );
        assert_eq!(incremental, fresh, "{old:?}");
    }
}

/// Pieces typed into schemas: names, builder calls, modifiers, punctuation, multibyte text.
const PIECES: &[&str] = &[
    "x",
    "Team0",
    "'Member1'",
    "a.string()",
    ".required()",
    ".array()",
    "a.belongsTo('Team0', 'teamId')",
    "a.hasMany('Member0', 'teamId')",
    "a.ref('Status0')",
    "allow.owner(), ",
    "'",
    ",",
    "(",
    ")",
    "{",
    "}",
    " ",
    "\n",
    "한",
    "😀",
];

/// `fraction` of the way into `text`, moved back to a character boundary.
fn boundary_at(text: &str, fraction: f64) -> usize {
    let mut offset = ((text.len() as f64) * fraction) as usize;
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Any edit (an insertion, a deletion, a replacement, one after another) gives the
    /// fresh model, reused or not.
    #[test]
    fn incremental_extraction_equals_fresh_extraction(
        index in any::<prop::sample::Index>(),
        edits in prop::collection::vec(
            ((0.0..1.0f64), 0..12usize, prop::sample::select(PIECES)),
            1..4,
        ),
    ) {
        let texts = texts();
        let mut text = texts[index.index(texts.len())].clone();
        let mut model = model_of(&text);
        for (at, deleted, piece) in edits {
            let start = boundary_at(&text, at);
            let mut end = (start + deleted).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let (change, edited) = edit(&text, start, end, piece);
            let tree = tree_of(&edited);
            let (incremental, _) = extract_after_edit(&tree, &edited, model, change);
            let fresh = extract(&tree, &edited, FileId::MAIN);
            prop_assert_eq!(format!("{:#?}", incremental), format!("{:#?}", fresh));
            // Only the model of a clean parse may be reused (the contract; the server
            // keeps no other): the chain of edits goes on from clean texts only.
            if tree.root_node().has_error() {
                break;
            }
            model = incremental;
            text = edited;
        }
    }
}
