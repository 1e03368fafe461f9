//! Position encodings: negotiated once with the client, converted only at the edge.
//!
//! Inside the server everything is a byte offset. LSP positions are a 0-based line and a
//! column counted in the negotiated encoding (UTF-8 bytes, UTF-16 code units or UTF-32
//! characters). Lines end at `\n`; the `\r` of a `\r\n` belongs to no position an editor
//! can produce (columns past the end of a line clamp to before it).

use amplint_rules::line_index::{Encoding, LineColumn, LineIndex};
use amplint_rules::Span;
use ropey::Rope;
use tower_lsp::lsp_types::{Position, PositionEncodingKind, Range};

/// Picks the encoding from what the client offers: UTF-8, then UTF-32, then UTF-16 (which
/// every client supports, and the one to use when the client offers nothing).
pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
    let offered = offered.unwrap_or_default();
    let offers = |kind: &PositionEncodingKind| offered.iter().any(|offer| offer == kind);
    if offers(&PositionEncodingKind::UTF8) {
        Encoding::Utf8
    } else if offers(&PositionEncodingKind::UTF32) {
        Encoding::Utf32
    } else {
        Encoding::Utf16
    }
}

/// The LSP name of an encoding.
pub fn encoding_kind(encoding: Encoding) -> PositionEncodingKind {
    match encoding {
        Encoding::Utf8 => PositionEncodingKind::UTF8,
        Encoding::Utf16 => PositionEncodingKind::UTF16,
        Encoding::Utf32 => PositionEncodingKind::UTF32,
    }
}

/// Converts between byte offsets of one text and LSP positions.
pub struct PositionMapper<'a> {
    text: &'a str,
    index: LineIndex,
    encoding: Encoding,
}

impl<'a> PositionMapper<'a> {
    pub fn new(text: &'a str, encoding: Encoding) -> PositionMapper<'a> {
        PositionMapper {
            text,
            index: LineIndex::new(text),
            encoding,
        }
    }

    pub fn position(&self, offset: usize) -> Position {
        let LineColumn { line, column } = self.index.position(self.text, offset, self.encoding);
        Position::new(line, column)
    }

    pub fn range(&self, span: Span) -> Range {
        Range::new(self.position(span.start), self.position(span.end))
    }

    pub fn offset(&self, position: Position) -> usize {
        let line_column = LineColumn {
            line: position.line,
            column: position.character,
        };
        self.index.offset(self.text, line_column, self.encoding)
    }
}

/// The byte offset in `rope` of an LSP position, with the same clamping as
/// [`LineIndex::offset`]: a column past the line's end stops before its `\r\n`, a column
/// inside a character rounds down to its start, a line past the end is the text's end.
pub fn rope_offset(rope: &Rope, position: Position, encoding: Encoding) -> usize {
    let line = position.line as usize;
    if line >= rope.len_lines() {
        return rope.len_bytes();
    }
    let mut offset = rope.line_to_byte(line);
    let column = position.character as usize;
    let mut units = 0;
    let mut characters = rope.line(line).chars().peekable();
    while let Some(character) = characters.next() {
        if character == '\n' || (character == '\r' && characters.peek() == Some(&'\n')) {
            break;
        }
        let width = character_width(character, encoding);
        if units + width > column {
            break;
        }
        units += width;
        offset += character.len_utf8();
    }
    offset
}

/// The tree-sitter point (row, byte column) of a byte offset in `rope`.
pub fn rope_point(rope: &Rope, offset: usize) -> tree_sitter::Point {
    let offset = offset.min(rope.len_bytes());
    let row = rope.byte_to_line(offset);
    tree_sitter::Point::new(row, offset - rope.line_to_byte(row))
}

fn character_width(character: char, encoding: Encoding) -> usize {
    match encoding {
        Encoding::Utf8 => character.len_utf8(),
        Encoding::Utf16 => character.len_utf16(),
        Encoding::Utf32 => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefers_utf8_then_utf32_then_utf16() {
        use PositionEncodingKind as Kind;
        assert_eq!(negotiate(None), Encoding::Utf16);
        assert_eq!(
            negotiate(Some(&[Kind::UTF16, Kind::UTF32])),
            Encoding::Utf32
        );
        assert_eq!(
            negotiate(Some(&[Kind::UTF16, Kind::UTF32, Kind::UTF8])),
            Encoding::Utf8
        );
        assert_eq!(negotiate(Some(&[])), Encoding::Utf16);
    }

    #[test]
    fn rope_offsets_agree_with_the_line_index() {
        let text = "a = '한국어'\r\n  b: '😀x', // ü\nlast\r\n";
        let rope = Rope::from_str(text);
        for encoding in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            let mapper = PositionMapper::new(text, encoding);
            for line in 0..5 {
                for character in 0..40 {
                    let position = Position::new(line, character);
                    assert_eq!(
                        rope_offset(&rope, position, encoding),
                        mapper.offset(position),
                        "{encoding:?} {line}:{character}"
                    );
                }
            }
        }
    }
}
