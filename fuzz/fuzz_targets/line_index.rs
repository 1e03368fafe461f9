//! Positions round-trip: for any text, every character boundary's byte offset survives
//! offset → line/column → offset in UTF-8, UTF-16 and UTF-32 (except the `\n` of a `\r\n`,
//! which no editor position can name), and any position maps to a character boundary.
#![no_main]

use amplint_fuzz::libfuzzer_sys::fuzz_target;
use amplint_rules::line_index::{Encoding, LineColumn, LineIndex};

fuzz_target!(|input: (String, Vec<(u16, u16)>)| {
    let (text, positions) = input;
    let index = LineIndex::new(&text);
    for encoding in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
        for offset in (0..=text.len()).filter(|&offset| text.is_char_boundary(offset)) {
            if text[offset..].starts_with('\n') && text[..offset].ends_with('\r') {
                continue;
            }
            let position = index.position(&text, offset, encoding);
            let back = index.offset(&text, position, encoding);
            assert_eq!(
                back, offset,
                "{encoding:?}: {offset} -> {position:?} -> {back} in {text:?}"
            );
        }
        for &(line, column) in positions.iter().take(64) {
            let position = LineColumn {
                line: line as u32,
                column: column as u32,
            };
            let offset = index.offset(&text, position, encoding);
            assert!(
                offset <= text.len() && text.is_char_boundary(offset),
                "{encoding:?}: {position:?} -> {offset} not a boundary of {text:?}"
            );
        }
    }
});
