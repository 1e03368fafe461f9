//! Structure-aware mutations: the input is a fixture index and a list of edits (decoded with
//! `arbitrary`), applied to that fixture before checking and fixing it with both grammars.
//! The edits splice in the tokens Amplify schemas are made of, so the fuzzer spends its time
//! on nearly valid schemas instead of on text the parser rejects outright.
#![no_main]

use amplint_fuzz::libfuzzer_sys::arbitrary::{self, Arbitrary};
use amplint_fuzz::libfuzzer_sys::fuzz_target;
use amplint_fuzz::{check_and_fix, insertion_text, Insertion, FIXTURES, KINDS};

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
