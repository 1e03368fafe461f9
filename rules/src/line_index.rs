//! Line/column positions for byte offsets, in the encodings editors speak.

/// How columns are counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// Bytes of UTF-8.
    Utf8,
    /// UTF-16 code units (the LSP default).
    Utf16,
    /// Unicode scalar values (characters); also what the CLI reports.
    Utf32,
}

/// A 0-based line and a 0-based column in some [`Encoding`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineColumn {
    pub line: u32,
    pub column: u32,
}

/// Line starts of one text; converts between byte offsets and line/column positions.
/// Lines end at `\n`; a `\r` before it belongs to the line's content for counting columns
/// but is never inside a position an editor can produce.
#[derive(Clone, Debug)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = Vec::with_capacity(text.len() / 32 + 1);
        line_starts.push(0);
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|index| index + 1));
        LineIndex {
            line_starts,
            len: text.len(),
        }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The byte offset where `line` (0-based) starts, clamped to the text.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts.get(line).copied().unwrap_or(self.len)
    }

    /// The 0-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// The position of byte `offset` (clamped to the text and to a character boundary).
    pub fn position(&self, text: &str, offset: usize, encoding: Encoding) -> LineColumn {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let line_text = &text[self.line_starts[line]..offset];
        LineColumn {
            line: line as u32,
            column: column_width(line_text, encoding) as u32,
        }
    }

    /// The byte offset of a position. Columns past the end of the line clamp to the line's
    /// end (before its `\r\n`); a column inside a character (half of a surrogate pair)
    /// rounds down to the character's start. Lines past the end clamp to the text's end.
    pub fn offset(&self, text: &str, position: LineColumn, encoding: Encoding) -> usize {
        let line = position.line as usize;
        if line >= self.line_starts.len() {
            return self.len;
        }
        let start = self.line_starts[line];
        let next_line = self.line_starts.get(line + 1);
        let mut end = next_line.map_or(self.len, |next| next - 1);
        // A `\r` before the line's `\n` is part of the line break; a lone `\r` at the very
        // end of the text is an ordinary character.
        if next_line.is_some() && text[start..end].ends_with('\r') {
            end -= 1;
        }
        let line_text = &text[start..end];
        start + byte_of_column(line_text, position.column as usize, encoding)
    }
}

/// The width of `text` in `encoding` units.
pub fn column_width(text: &str, encoding: Encoding) -> usize {
    match encoding {
        Encoding::Utf8 => text.len(),
        Encoding::Utf16 => text.chars().map(char::len_utf16).sum(),
        Encoding::Utf32 => text.chars().count(),
    }
}

/// The byte offset in `line` of `column` units, clamped to the line.
fn byte_of_column(line: &str, column: usize, encoding: Encoding) -> usize {
    if encoding == Encoding::Utf8 {
        let mut byte = column.min(line.len());
        while !line.is_char_boundary(byte) {
            byte -= 1;
        }
        return byte;
    }
    let mut units = 0;
    for (byte, character) in line.char_indices() {
        let width = match encoding {
            Encoding::Utf16 => character.len_utf16(),
            _ => 1,
        };
        if units + width > column {
            return byte;
        }
        units += width;
    }
    line.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_multibyte_text_in_every_encoding() {
        let text = "a = '한국어'\r\n  b: '😀x', // ü\nlast";
        let index = LineIndex::new(text);
        for encoding in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            for (offset, _) in text.char_indices() {
                if text[offset..].starts_with('\n') && text[..offset].ends_with('\r') {
                    continue;
                }
                let position = index.position(text, offset, encoding);
                assert_eq!(
                    index.offset(text, position, encoding),
                    offset,
                    "{encoding:?} {offset}"
                );
            }
        }
    }

    #[test]
    fn a_lone_carriage_return_at_the_end_is_a_character() {
        let text = "ab\r";
        let index = LineIndex::new(text);
        for encoding in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            let position = index.position(text, 3, encoding);
            assert_eq!(index.offset(text, position, encoding), 3, "{encoding:?}");
        }
    }

    #[test]
    fn counts_columns_per_encoding() {
        let text = "x😀y";
        let index = LineIndex::new(text);
        let y = text.find('y').unwrap();
        assert_eq!(index.position(text, y, Encoding::Utf8).column, 5);
        assert_eq!(index.position(text, y, Encoding::Utf16).column, 3);
        assert_eq!(index.position(text, y, Encoding::Utf32).column, 2);
    }

    #[test]
    fn clamps_columns_past_the_line_end_before_crlf() {
        let text = "ab\r\ncd";
        let index = LineIndex::new(text);
        assert_eq!(
            index.offset(
                text,
                LineColumn {
                    line: 0,
                    column: 99
                },
                Encoding::Utf16
            ),
            2
        );
        assert_eq!(
            index.offset(text, LineColumn { line: 9, column: 0 }, Encoding::Utf16),
            6
        );
    }
}
