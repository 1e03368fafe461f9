//! Invariants the fuzz targets assert on every input, so the fuzzer finds logic bugs and not
//! only panics. A failed invariant panics with the offending value, which libFuzzer reports
//! as a crash and saves to `fuzz/artifacts/<target>/`. Also the pieces the targets share: the
//! embedded fixtures and the tokens spliced into them.

use amplint_rules::fix::apply_edits;
use amplint_rules::syntax::parse;
use amplint_rules::{
    check, fix_all, Applicability, Diagnostic, Edit, FileId, Settings, SourceKind, Span,
};

pub use libfuzzer_sys;

use std::time::{Duration, Instant};

use libfuzzer_sys::arbitrary::{self, Arbitrary};

include!(concat!(env!("OUT_DIR"), "/fixtures.rs"));

/// Both grammars the engine reads with.
pub const KINDS: [SourceKind; 2] = [SourceKind::TypeScript, SourceKind::Tsx];

/// Whether tree-sitter finishes a fresh parse of `text` with `kind` within a few seconds.
///
/// KNOWN BUG (upstream: tree-sitter-typescript's TSX grammar, its issue #323): on some
/// inputs, such as the 14 bytes `({s:{e/w)w.K>;`, the TSX parser loops forever and keeps
/// allocating; amplint parses without a bound, so `check` hangs (`artifacts-found/`). The
/// targets skip the TSX grammar for such text, so the fuzzer keeps looking for other
/// problems; remove the skip once amplint bounds its parses.
pub fn parse_terminates(kind: SourceKind, text: &str) -> bool {
    let mut parser = amplint_rules::syntax::parser(kind);
    let start = Instant::now();
    let mut give_up = |_: &tree_sitter::ParseState| {
        if start.elapsed() > Duration::from_secs(2) {
            std::ops::ControlFlow::Break(())
        } else {
            std::ops::ControlFlow::Continue(())
        }
    };
    let options = tree_sitter::ParseOptions::new().progress_callback(&mut give_up);
    let bytes = text.as_bytes();
    let mut read = |offset: usize, _| &bytes[offset.min(bytes.len())..];
    parser
        .parse_with_options(&mut read, None, Some(options))
        .is_some()
}

/// Pieces of Amplify schemas and of TypeScript syntax worth splicing in (`fixture_edits`,
/// `document_edits`).
pub const TOKENS: &[&str] = &[
    "a.model({})",
    "a.model({ id: a.id().required() })",
    "a.string()",
    "a.integer()",
    "a.float()",
    "a.boolean()",
    "a.id()",
    "a.enum(['A', 'B'])",
    "a.customType({ x: a.string() })",
    "a.ref('Team')",
    "a.hasMany('Member', 'teamId')",
    "a.hasOne('Profile', ['ownerId'])",
    "a.belongsTo('Team', 'teamId')",
    ".required()",
    ".array()",
    ".default('x')",
    ".default(1)",
    ".identifier(['id'])",
    ".secondaryIndexes((index) => [index('name')])",
    ".authorization((allow) => [allow.owner()])",
    ".authorization((allow) => [allow.publicApiKey()])",
    ".authorization((allow) => [allow.guest(), allow.authenticated('identityPool')])",
    ".disableOperations(['delete'])",
    "allow.owner()",
    "allow.public()",
    "allow.groups(['Admin'])",
    ".to(['read'])",
    "a.query().returns(a.string()).handler(a.handler.function(fn))",
    "a.mutation()",
    "defineData({ schema, authorizationModes: { defaultAuthorizationMode: 'apiKey' } })",
    "// amplint-disable-next-line",
    "/* amplint-disable */",
    "// amplint-disable-line unknown-related-model",
    "...shared,",
    "[key]: a.string(),",
    "Team: ",
    "teamId: a.id(),",
    "'teamId'",
    "\"Team\"",
    "`Team`",
    "const shared = { name: a.string() };",
    "export",
    ", ",
    "\n",
    "\r\n",
    "\r",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "'",
    "\"",
    "`",
    ";",
    ".",
    ":",
    "=>",
    "é",
    "한국어",
    "😀",
    "\u{0}",
    "\u{feff}",
];

#[derive(Arbitrary, Debug)]
pub enum Insertion {
    /// One of [`TOKENS`] (the byte modulo their count).
    Token(u8),
    Text(String),
}

/// Text to insert: a token or free text.
pub fn insertion_text(what: &Insertion) -> &str {
    match what {
        Insertion::Token(index) => TOKENS[*index as usize % TOKENS.len()],
        Insertion::Text(text) => text,
    }
}

/// A span of a single-file check: in the main file, ordered, inside `text`, on character
/// boundaries.
fn assert_span_in_text(span: Span, text: &str, what: &str, rule: &str) {
    assert_eq!(
        span.file,
        FileId::MAIN,
        "{rule}: {what} {span:?} not in the main file"
    );
    assert!(
        span.start <= span.end && span.end <= text.len(),
        "{rule}: {what} {span:?} outside the text (length {})",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{rule}: {what} {span:?} splits a character"
    );
}

/// Every diagnostic, label and fix edit lies within `text` on character boundaries; every
/// fix's edits are sorted and disjoint.
pub fn assert_diagnostics_well_formed(text: &str, diagnostics: &[Diagnostic]) {
    for diagnostic in diagnostics {
        let rule = diagnostic.rule;
        assert_span_in_text(diagnostic.span, text, "span", rule);
        for label in &diagnostic.labels {
            assert_span_in_text(label.span, text, "label", rule);
        }
        let Some(fix) = &diagnostic.fix else { continue };
        for edit in &fix.edits {
            assert_span_in_text(edit.span, text, "fix edit", rule);
        }
        for pair in fix.edits.windows(2) {
            assert!(
                pair[0].span.end <= pair[1].span.start,
                "{rule}: fix {:?} has edits out of order or overlapping: {:?} then {:?}",
                fix.title,
                pair[0].span,
                pair[1].span
            );
        }
    }
}

fn parses(kind: SourceKind, text: &str) -> bool {
    !parse(kind, text, None).root_node().has_error()
}

/// Checks `text` with `kind`, then fixes it (safe and unsafe fixes) and asserts:
/// well-formed diagnostics before and after; text that parsed still parses after fixing;
/// a converged fix is a fixed point (fixing its output again applies nothing).
pub fn check_and_fix(text: &str, kind: SourceKind) {
    if kind == SourceKind::Tsx && !parse_terminates(kind, text) {
        return; // KNOWN BUG: see `parse_terminates`.
    }
    let settings = Settings::default();
    let result = check(text, kind, &settings);
    assert_diagnostics_well_formed(text, &result.diagnostics);

    let fixed = fix_all(text, kind, &settings, Applicability::Unsafe);
    assert_diagnostics_well_formed(&fixed.text, &fixed.remaining);
    let input_parsed = parses(kind, text);
    if input_parsed {
        assert!(
            parses(kind, &fixed.text),
            "{kind:?}: fix_all returned text that does not parse from text that did \
             (applied {}, rejected_syntax_error {})",
            fixed.applied,
            fixed.rejected_syntax_error
        );
    }
    // Stricter than "the output parses": fix_all hides a fix that breaks the syntax by
    // rejecting the whole run, so a rejection on text that parsed means a broken fix.
    if input_parsed && fixed.rejected_syntax_error {
        assert_no_fix_breaks_the_syntax(text, kind);
    }
    if fixed.rejected_syntax_error {
        assert_eq!(
            fixed.text, text,
            "{kind:?}: a rejected fix must return the input"
        );
        assert_eq!(fixed.applied, 0, "{kind:?}: a rejected fix applies nothing");
    }
    if fixed.applied == 0 {
        assert_eq!(
            fixed.text, text,
            "{kind:?}: nothing applied but the text changed"
        );
    }
    if fixed.converged && !fixed.rejected_syntax_error && fixed.applied > 0 {
        let again = fix_all(&fixed.text, kind, &settings, Applicability::Unsafe);
        assert!(
            again.applied == 0 && again.text == fixed.text,
            "{kind:?}: fix_all converged after {} rounds but a second run applied {} more \
             fixes:\n--- first output ---\n{}\n--- second output ---\n{}",
            fixed.rounds,
            again.applied,
            fixed.text,
            again.text
        );
    }
}

/// Replays `fix_all`'s rounds on `text` (which parses): in each round applies each fix alone
/// and panics on the first that breaks the syntax, naming its rule; panics too when every
/// fix of a round is fine alone but their combination breaks the syntax.
fn assert_no_fix_breaks_the_syntax(text: &str, kind: SourceKind) {
    let settings = Settings::default();
    let mut text = text.to_string();
    for _round in 0..12 {
        let diagnostics = check(&text, kind, &settings).diagnostics;
        let mut accepted: Vec<&Edit> = Vec::new();
        for diagnostic in &diagnostics {
            let Some(fix) = &diagnostic.fix else { continue };
            if fix.applicability == Applicability::DisplayOnly || fix.edits.is_empty() {
                continue;
            }
            let edits: Vec<&Edit> = fix.edits.iter().collect();
            let (fixed, _) = apply_edits(&text, &edits);
            if !parses(kind, &fixed) {
                panic!(
                    "{kind:?}: the fix of `{}` at {:?} breaks the syntax of text that \
                     parses:\n{fix:#?}\n--- text ---\n{text}\n--- fixed text ---\n{fixed}",
                    diagnostic.rule, diagnostic.span
                );
            }
            let overlaps = fix.edits.iter().any(|edit| {
                accepted.iter().any(|taken| {
                    taken.span.start < edit.span.end.max(edit.span.start + 1)
                        && edit.span.start < taken.span.end.max(taken.span.start + 1)
                })
            });
            if !overlaps {
                accepted.extend(fix.edits.iter());
            }
        }
        if accepted.is_empty() {
            break;
        }
        let (next, _) = apply_edits(&text, &accepted);
        assert!(
            parses(kind, &next),
            "{kind:?}: every fix keeps the syntax alone, but together they break it:\n\
             --- text ---\n{text}\n--- fixed text ---\n{next}"
        );
        if next == text {
            break;
        }
        text = next;
    }
    panic!("{kind:?}: fix_all rejected its fixes, but replaying them found no syntax error");
}
