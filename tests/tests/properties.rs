//! Property tests (proptest): fixing converges and never breaks the syntax on mutated
//! fixtures, and positions round-trip in every encoding. The fuzz targets in `fuzz/` push the
//! same invariants much further; these keep them in `cargo test`.

use std::sync::OnceLock;

use amplint_rules::line_index::{Encoding, LineColumn, LineIndex};
use amplint_rules::syntax::parse;
use amplint_rules::{check, fix_all, Applicability, Settings, SourceKind};
use amplint_tests::{fixture_inputs, repo_root};
use proptest::prelude::*;

/// The round cap of `fix_all` (`engine::MAX_FIX_ROUNDS`, not exported).
const MAX_FIX_ROUNDS: usize = 10;

/// Every fixture input (not the `.fixed.ts` expectations), read once.
fn fixtures() -> &'static [String] {
    static TEXTS: OnceLock<Vec<String>> = OnceLock::new();
    TEXTS.get_or_init(|| {
        let texts: Vec<String> = fixture_inputs(&repo_root().join("fixtures"))
            .iter()
            .map(|path| std::fs::read_to_string(path).unwrap())
            .collect();
        assert!(texts.len() > 100, "fixtures not found");
        texts
    })
}

/// `fraction` of the way into `text`, moved back to a character boundary.
fn boundary_at(text: &str, fraction: f64) -> usize {
    let mut offset = ((text.len() as f64) * fraction) as usize;
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Pieces spliced into fixtures: schema syntax, brackets, quotes, line ends, multibyte text.
const PIECES: &[&str] = &[
    "a.string()",
    ".required()",
    "a.belongsTo('Team', 'teamId')",
    "a.hasMany('Member', 'teamId')",
    "a.ref('Status')",
    ".authorization((allow) => [allow.owner()])",
    "allow.public()",
    "teamId: a.id(),",
    "// amplint-disable-next-line",
    "'",
    "\"",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    ",",
    "\r\n",
    "\r",
    "한",
    "😀",
];

#[derive(Debug, Clone)]
enum Mutation {
    None,
    TruncateAt(f64),
    KeepFrom(f64),
    Insert(f64, &'static str),
    Delete(f64, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        1 => Just(Mutation::None),
        2 => (0.0..=1.0).prop_map(Mutation::TruncateAt),
        1 => (0.0..=1.0).prop_map(Mutation::KeepFrom),
        3 => ((0.0..=1.0), prop::sample::select(PIECES)).prop_map(|(at, piece)| Mutation::Insert(at, piece)),
        2 => ((0.0..=1.0), 1..40usize).prop_map(|(at, length)| Mutation::Delete(at, length)),
    ]
}

fn mutate(text: &str, mutations: &[Mutation]) -> String {
    let mut text = text.to_string();
    for mutation in mutations {
        match *mutation {
            Mutation::None => {}
            Mutation::TruncateAt(at) => {
                let at = boundary_at(&text, at);
                text.truncate(at);
            }
            Mutation::KeepFrom(at) => {
                let at = boundary_at(&text, at);
                text.replace_range(..at, "");
            }
            Mutation::Insert(at, piece) => {
                let at = boundary_at(&text, at);
                text.insert_str(at, piece);
            }
            Mutation::Delete(at, length) => {
                let start = boundary_at(&text, at);
                let mut end = (start + length).min(text.len());
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                text.replace_range(start..end, "");
            }
        }
    }
    text
}

fn parses(text: &str) -> bool {
    !parse(SourceKind::TypeScript, text, None)
        .root_node()
        .has_error()
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// `fix_all` on a mutated fixture converges within the round cap (and says so), never
    /// turns text that parsed into text that does not, and its converged output is a fixed point.
    #[test]
    fn fixing_converges_and_keeps_the_syntax(
        index in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(mutation(), 0..6),
    ) {
        let fixtures = fixtures();
        let text = mutate(&fixtures[index.index(fixtures.len())], &mutations);
        let settings = Settings::default();
        let fixed = fix_all(&text, SourceKind::TypeScript, &settings, Applicability::Unsafe);
        prop_assert!(fixed.rounds <= MAX_FIX_ROUNDS);
        prop_assert!(
            fixed.converged,
            "no fixed point after {} rounds:\n{}", fixed.rounds, fixed.text
        );
        if parses(&text) {
            prop_assert!(parses(&fixed.text), "fixing broke the syntax:\n{}", fixed.text);
        }
        if fixed.rejected_syntax_error {
            prop_assert_eq!(&fixed.text, &text);
        }
        if fixed.applied > 0 && !fixed.rejected_syntax_error {
            let again = fix_all(&fixed.text, SourceKind::TypeScript, &settings, Applicability::Unsafe);
            prop_assert_eq!(again.applied, 0, "a second run fixed more:\n{}", again.text);
        }
        // The diagnostics that remain are well formed in the fixed text.
        for diagnostic in check(&fixed.text, SourceKind::TypeScript, &settings).diagnostics {
            let span = diagnostic.span;
            prop_assert!(span.start <= span.end && span.end <= fixed.text.len());
            prop_assert!(fixed.text.is_char_boundary(span.start) && fixed.text.is_char_boundary(span.end));
        }
    }

    /// Every character boundary round-trips offset → position → offset in UTF-8, UTF-16 and
    /// UTF-32, except the `\n` of a `\r\n` (no editor position names it), on text with CRLF,
    /// lone `\r`, CJK and emoji; and every position maps to a character boundary.
    #[test]
    fn positions_round_trip_in_every_encoding(
        pieces in prop::collection::vec(
            prop::sample::select(&["a", "bc", " ", "\t", "\n", "\r\n", "\r", "é", "한국어", "😀", "𝄞", "\u{feff}"][..]),
            0..40,
        ),
        probes in prop::collection::vec((0u32..12, 0u32..80), 0..16),
    ) {
        let text: String = pieces.concat();
        let index = LineIndex::new(&text);
        for encoding in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            for offset in (0..=text.len()).filter(|&offset| text.is_char_boundary(offset)) {
                if text[offset..].starts_with('\n') && text[..offset].ends_with('\r') {
                    continue;
                }
                let position = index.position(&text, offset, encoding);
                let back = index.offset(&text, position, encoding);
                prop_assert_eq!(back, offset, "{:?}: {:?} in {:?}", encoding, position, text);
            }
            for &(line, column) in &probes {
                let offset = index.offset(&text, LineColumn { line, column }, encoding);
                prop_assert!(offset <= text.len() && text.is_char_boundary(offset));
            }
        }
    }
}
