//! Structure-aware mutations: the input is a fixture index and a list of edits (decoded with
//! `arbitrary`), applied to that fixture before checking and fixing it with both grammars.
//! The edits splice in the tokens Amplify schemas are made of, so the fuzzer spends its time
//! on nearly valid schemas instead of on text the parser rejects outright.
#![no_main]

use amplint_fuzz::libfuzzer_sys::arbitrary::{self, Arbitrary};
use amplint_fuzz::libfuzzer_sys::fuzz_target;
use amplint_fuzz::{check_and_fix, FIXTURES, KINDS};

/// Pieces of Amplify schemas and of TypeScript syntax worth splicing in.
const TOKENS: &[&str] = &[
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
enum Insertion {
    Token(u8),
    Text(String),
}

#[derive(Arbitrary, Debug)]
enum FuzzEdit {
    Insert {
        at: u16,
        what: Insertion,
    },
    Delete {
        at: u16,
        length: u8,
    },
    Replace {
        at: u16,
        length: u8,
        what: Insertion,
    },
    /// Copies a stretch of the text elsewhere (duplicates fields, models, calls).
    Duplicate {
        from: u16,
        length: u8,
        to: u16,
    },
    /// Cuts the text at a point (an editor mid-typing).
    Truncate {
        at: u16,
    },
}

#[derive(Arbitrary, Debug)]
struct Input {
    /// Which fixture to start from (two bytes: there are more than 256 fixtures).
    fixture: u16,
    edits: Vec<FuzzEdit>,
}

/// `position` scaled into `text` and moved back to a character boundary.
fn boundary(text: &str, position: u16) -> usize {
    let mut offset = position as usize % (text.len() + 1);
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The end of a stretch of `length` bytes from `start`, on a character boundary.
fn stretch_end(text: &str, start: usize, length: u8) -> usize {
    let mut end = (start + length as usize).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    end
}

fn insertion_text(what: &Insertion) -> &str {
    match what {
        Insertion::Token(index) => TOKENS[*index as usize % TOKENS.len()],
        Insertion::Text(text) => text,
    }
}

fn apply(text: &mut String, edit: &FuzzEdit) {
    match edit {
        FuzzEdit::Insert { at, what } => {
            let at = boundary(text, *at);
            text.insert_str(at, insertion_text(what));
        }
        FuzzEdit::Delete { at, length } => {
            let start = boundary(text, *at);
            let end = stretch_end(text, start, *length);
            text.replace_range(start..end, "");
        }
        FuzzEdit::Replace { at, length, what } => {
            let start = boundary(text, *at);
            let end = stretch_end(text, start, *length);
            text.replace_range(start..end, insertion_text(what));
        }
        FuzzEdit::Duplicate { from, length, to } => {
            let start = boundary(text, *from);
            let end = stretch_end(text, start, *length);
            let copied = text[start..end].to_string();
            let to = boundary(text, *to);
            text.insert_str(to, &copied);
        }
        FuzzEdit::Truncate { at } => {
            let at = boundary(text, *at);
            text.truncate(at);
        }
    }
}

fuzz_target!(|input: Input| {
    let (_, fixture) = FIXTURES[input.fixture as usize % FIXTURES.len()];
    let mut text = fixture.to_string();
    for edit in input.edits.iter().take(16) {
        apply(&mut text, edit);
    }
    for kind in KINDS {
        check_and_fix(&text, kind);
    }
});
