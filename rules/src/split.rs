//! Parsing a large schema file on several cores.
//!
//! tree-sitter parses one file on one thread, and on a large schema the parse is most of the
//! work. A schema file is mostly one object literal, `a.schema({ ... })`, so amplint cuts
//! that object between its members into pieces and parses one complete program per piece
//! with tree-sitter's included ranges (which keep the file's own byte offsets). Piece `k`
//! holds everything outside the object, the object's braces, and the members between cuts
//! `k - 1` and `k`:
//!
//! - the first: everything up to the first cut, then the object's closing brace and the rest;
//! - a middle one: everything up to the object's opening brace, its members, then the
//!   closing brace and the rest;
//! - the last: everything up to the object's opening brace, then the rest from the last cut.
//!
//! Each piece is the whole file without the other pieces' members, so each is valid
//! TypeScript when the file is. A file is cut in as many pieces as the pool has threads
//! (fewer for a small file: about one per 16 KiB), so a machine with more cores parses a
//! large schema faster. A light lexical scan finds the object and the cuts; whenever
//! anything looks off (the scan is unsure, a piece does not parse cleanly, the object is
//! not where the scan put it) the caller parses the whole file the ordinary way.

use std::sync::{Mutex, PoisonError};

use tree_sitter::{Node, Parser, Point, Range, Tree};

use crate::syntax::{parser, SourceKind};

/// Files smaller than this are parsed whole: splitting would not pay for itself.
pub const SPLIT_MIN_BYTES: usize = 48 * 1024;

/// About this much of the file goes in one piece.
const PIECE_BYTES: usize = 16 * 1024;

/// Where the schema object is and where to cut it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cuts {
    /// The byte offset of the object's `{`.
    pub open: usize,
    /// The byte offset of the object's matching `}`.
    pub close: usize,
    /// Where the pieces meet: byte offsets just after a `,` between two members, in
    /// increasing order (one fewer than the pieces).
    pub at: Vec<usize>,
}

impl Cuts {
    /// The offsets where the pieces' ranges start and end, in text order, with their
    /// points: the file's start, just after the opening brace, the cuts, the closing brace,
    /// the file's end. Rows are counted in one pass over the text.
    fn bounds(&self, source: &str) -> Vec<(usize, Point)> {
        let mut offsets = Vec::with_capacity(self.at.len() + 4);
        offsets.extend([0, self.open + 1]);
        offsets.extend(&self.at);
        offsets.extend([self.close, source.len()]);
        let bytes = source.as_bytes();
        let (mut row, mut line_start, mut counted) = (0, 0, 0);
        offsets
            .into_iter()
            .map(|offset| {
                for newline in memchr::memchr_iter(b'\n', &bytes[counted..offset]) {
                    row += 1;
                    line_start = counted + newline + 1;
                }
                counted = offset;
                let point = Point {
                    row,
                    column: offset - line_start,
                };
                (offset, point)
            })
            .collect()
    }

    /// The ranges of the file that piece `index` holds: the text before the object and its
    /// opening brace, the piece's members, the closing brace and the rest (adjacent ones
    /// joined), from [`Cuts::bounds`].
    fn ranges(&self, index: usize, bounds: &[(usize, Point)]) -> Vec<Range> {
        let last = self.at.len();
        let spans = [(0, 1), (1 + index, 2 + index), (2 + last, 3 + last)];
        let mut ranges: Vec<Range> = Vec::with_capacity(spans.len());
        for (from, to) in spans {
            let ((start_byte, start_point), (end_byte, end_point)) = (bounds[from], bounds[to]);
            match ranges.last_mut() {
                Some(previous) if previous.end_byte == start_byte => {
                    previous.end_byte = end_byte;
                    previous.end_point = end_point;
                }
                _ => ranges.push(Range {
                    start_byte,
                    end_byte,
                    start_point,
                    end_point,
                }),
            }
        }
        ranges
    }
}

/// Trees covering one file, each holding one piece of the schema object's members, in
/// the order of the pieces.
pub struct SplitTrees {
    pub trees: Vec<Tree>,
    pub cuts: Cuts,
}

impl std::fmt::Debug for SplitTrees {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SplitTrees")
            .field("cuts", &self.cuts)
            .finish_non_exhaustive()
    }
}

/// How many pieces a file of `len` bytes is parsed in: one per [`PIECE_BYTES`], at least
/// two, at most one per thread of the pool. (More pieces than threads, for a core that
/// runs ahead to take over from one the machine slows down, measured no faster on the
/// project's 2-core VM and cost 1% more instructions.)
pub fn pieces_for(len: usize) -> usize {
    (len / PIECE_BYTES).clamp(2, rayon::current_num_threads().max(2))
}

/// Parses `source` in pieces on the pool's threads, or returns `None` when the file should
/// be parsed whole (smaller than `min_bytes`, no single schema object, or a piece that
/// does not parse cleanly).
pub fn parse_split(kind: SourceKind, source: &str, min_bytes: usize) -> Option<SplitTrees> {
    if source.len() < min_bytes {
        return None;
    }
    parse_pieces_then(kind, source, pieces_for(source.len()), |_| ()).map(|(trees, _)| trees)
}

/// Parses `source` in `pieces` pieces (fewer when the object has fewer members) like
/// [`parse_split`], and runs `work` on each piece's tree on the thread that parsed it, as
/// soon as that piece is parsed and found sound: no core waits for another between
/// parsing and the work. The results come in the pieces' order.
pub fn parse_pieces_then<T: Send>(
    kind: SourceKind,
    source: &str,
    pieces: usize,
    work: impl Fn(&Tree) -> T + Sync,
) -> Option<(SplitTrees, Vec<T>)> {
    if kind != SourceKind::TypeScript {
        return None;
    }
    let cuts = find_cuts(source, pieces)?;
    let bounds = cuts.bounds(source);
    let parse_piece = |index: usize| -> Option<(Tree, T)> {
        let mut parser: Parser = parser(kind);
        parser
            .set_included_ranges(&cuts.ranges(index, &bounds))
            .ok()?;
        let tree = crate::syntax::parse_bounded(&mut parser, source, None)?;
        if tree.root_node().has_error() || !object_at(&tree, &cuts) {
            return None;
        }
        let result = work(&tree);
        Some((tree, result))
    };
    // Each piece is its own job, handed to the pool at once: from outside the pool,
    // `in_place_scope` injects every spawn and wakes a thread for each, so the pieces start
    // together (a parallel iterator hands the pool one job, which the first thread splits
    // and a second thread, woken only then, steals: 0.2-0.3 ms later here). Inside the
    // pool (a multi-file run) the spawns go to the current thread's queue, for idle
    // threads to take.
    let slots: Vec<Mutex<Option<(Tree, T)>>> =
        (0..cuts.at.len() + 1).map(|_| Mutex::new(None)).collect();
    rayon::in_place_scope(|scope| {
        for (index, slot) in slots.iter().enumerate() {
            let parse_piece = &parse_piece;
            scope.spawn(move |_| {
                let parsed = parse_piece(index);
                *slot.lock().unwrap_or_else(PoisonError::into_inner) = parsed;
            });
        }
    });
    let parsed = slots
        .into_iter()
        .map(|slot| slot.into_inner().unwrap_or_else(PoisonError::into_inner));
    let (trees, results) = parsed.collect::<Option<(Vec<Tree>, Vec<T>)>>()?;
    Some((SplitTrees { trees, cuts }, results))
}

/// Whether the schema object is where the scan put it, in `tree`.
fn object_at(tree: &Tree, cuts: &Cuts) -> bool {
    tree.root_node()
        .descendant_for_byte_range(cuts.open, cuts.open + 1)
        .and_then(|brace| brace.parent())
        .is_some_and(|object: Node<'_>| {
            object.kind() == "object"
                && object.start_byte() == cuts.open
                && object.end_byte() == cuts.close + 1
        })
}

/// Finds the one `.schema({` object of the file and up to `pieces - 1` cuts between its
/// members that make pieces of about equal size. `None` when there is not exactly one such
/// object, it has no cut, or the scan meets something it does not trust (a regular
/// expression literal, unbalanced brackets).
pub fn find_cuts(source: &str, pieces: usize) -> Option<Cuts> {
    let bytes = source.as_bytes();
    let mut scanner = Scanner::default();
    let mut object: Option<(usize, usize)> = None; // (open offset, depth inside)
    let mut commas = Vec::new();
    let mut close = None;
    let mut index = 0;
    while index < bytes.len() {
        // Jump to the next byte that can matter in the current state (most bytes are
        // names, spaces and punctuation the scan ignores).
        let rest = &bytes[index..];
        let skip = match scanner.state {
            State::Code => rest.iter().position(|&byte| CODE_BYTES[usize::from(byte)]),
            State::LineComment => memchr::memchr(b'\n', rest),
            State::BlockComment => memchr::memchr(b'*', rest),
            State::Single => memchr::memchr3(b'\'', b'\\', b'\n', rest),
            State::Double => memchr::memchr3(b'"', b'\\', b'\n', rest),
            State::Template => memchr::memchr3(b'`', b'\\', b'$', rest),
        };
        let Some(skip) = skip else {
            break;
        };
        index += skip;
        let byte = bytes[index];
        match scanner.state {
            State::Code => match byte {
                b'/' if bytes.get(index + 1) == Some(&b'/') => scanner.state = State::LineComment,
                b'/' if bytes.get(index + 1) == Some(&b'*') => {
                    scanner.state = State::BlockComment;
                    index += 1;
                }
                // Division or a regular expression: amplint does not guess.
                b'/' => return None,
                b'\'' => scanner.state = State::Single,
                b'"' => scanner.state = State::Double,
                b'`' => scanner.state = State::Template,
                b'(' | b'[' => scanner.depth += 1,
                b'{' => {
                    scanner.depth += 1;
                    if is_schema_object(bytes, index) {
                        if object.is_some() {
                            return None;
                        }
                        object = Some((index, scanner.depth));
                    }
                }
                b')' | b']' | b'}' => {
                    if byte == b'}' {
                        if let Some(substitution_depth) = scanner.templates.last() {
                            if *substitution_depth == scanner.depth {
                                scanner.templates.pop();
                                scanner.state = State::Template;
                                scanner.depth -= 1;
                                index += 1;
                                continue;
                            }
                        }
                    }
                    if scanner.depth == 0 {
                        return None;
                    }
                    if let Some((_, depth)) = object {
                        if byte == b'}' && scanner.depth == depth && close.is_none() {
                            close = Some(index);
                        }
                    }
                    scanner.depth -= 1;
                }
                b',' => {
                    if let Some((_, depth)) = object {
                        if scanner.depth == depth && close.is_none() {
                            commas.push(index + 1);
                        }
                    }
                }
                _ => {}
            },
            State::LineComment => {
                if byte == b'\n' {
                    scanner.state = State::Code;
                }
            }
            State::BlockComment => {
                if byte == b'*' && bytes.get(index + 1) == Some(&b'/') {
                    scanner.state = State::Code;
                    index += 1;
                }
            }
            State::Single | State::Double => {
                let quote = if scanner.state == State::Single {
                    b'\''
                } else {
                    b'"'
                };
                if byte == b'\\' {
                    index += 1;
                } else if byte == quote {
                    scanner.state = State::Code;
                } else if byte == b'\n' {
                    return None;
                }
            }
            State::Template => {
                if byte == b'\\' {
                    index += 1;
                } else if byte == b'`' {
                    scanner.state = State::Code;
                } else if byte == b'$' && bytes.get(index + 1) == Some(&b'{') {
                    scanner.depth += 1;
                    scanner.templates.push(scanner.depth);
                    scanner.state = State::Code;
                    index += 1;
                }
            }
        }
        index += 1;
    }
    if scanner.depth != 0 || scanner.state != State::Code {
        return None;
    }
    let (open, _) = object?;
    let close = close?;
    // Every piece must hold members: no cut right after the opening brace, none right
    // before the closing one (a trailing comma).
    commas.retain(|&comma| comma > open + 1 && !source[comma..close].trim().is_empty());
    let mut at: Vec<usize> = Vec::with_capacity(pieces.saturating_sub(1));
    for piece in 1..pieces {
        let target = open + (close - open) * piece / pieces;
        // The comma nearest the target (`commas` is in text order).
        let after = commas.partition_point(|&comma| comma < target);
        let nearest = [after.checked_sub(1), Some(after)]
            .into_iter()
            .flatten()
            .filter_map(|index| commas.get(index).copied())
            .min_by_key(|comma| comma.abs_diff(target));
        if let Some(comma) = nearest {
            if at.last().is_none_or(|&last| last < comma) {
                at.push(comma);
            }
        }
    }
    (!at.is_empty()).then_some(Cuts { open, close, at })
}

/// The bytes the scan acts on in code: comments, quotes, brackets and commas.
const CODE_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut index = 0;
    let interesting = b"/'\"`([{)]},";
    while index < interesting.len() {
        table[interesting[index] as usize] = true;
        index += 1;
    }
    table
};

/// Whether the `{` at `index` opens the argument of `.schema(`.
fn is_schema_object(bytes: &[u8], index: usize) -> bool {
    let before = trim_end(&bytes[..index]);
    let Some(before) = before.strip_suffix(b"(") else {
        return false;
    };
    let before = trim_end(before);
    let Some(before) = before.strip_suffix(b"schema") else {
        return false;
    };
    trim_end(before).ends_with(b".")
}

fn trim_end(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .iter()
        .rposition(|byte| !byte.is_ascii_whitespace())
        .map_or(0, |last| last + 1);
    &bytes[..end]
}

#[derive(Default)]
struct Scanner {
    state: State,
    depth: usize,
    /// The bracket depths at which open template substitutions (`${`) close.
    templates: Vec<usize>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum State {
    #[default]
    Code,
    LineComment,
    BlockComment,
    Single,
    Double,
    Template,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_schema_object_and_a_middle_cut() {
        let source = "const s = a.schema({ A: a.model({ x: a.string() }), B: a.model({}), C: a.model({}) });";
        let cuts = find_cuts(source, 2).unwrap();
        assert_eq!(&source[cuts.open..cuts.open + 1], "{");
        assert_eq!(&source[cuts.close..cuts.close + 1], "}");
        assert_eq!(&source[cuts.close..], "});");
        assert_eq!(cuts.at.len(), 1);
        assert!(
            source[cuts.at[0]..].trim_start().starts_with("B:")
                || source[cuts.at[0]..].trim_start().starts_with("C:")
        );
    }

    #[test]
    fn cuts_into_as_many_pieces_as_there_are_members_at_most() {
        let members: Vec<String> = (0..10).map(|n| format!("M{n}: a.model({{}})")).collect();
        let source = format!("a.schema({{ {} }});", members.join(", "));
        for pieces in 2..=14 {
            let cuts = find_cuts(&source, pieces).unwrap();
            assert_eq!(cuts.at.len(), (pieces - 1).min(9), "{pieces} pieces");
            assert!(cuts.at.windows(2).all(|pair| pair[0] < pair[1]));
            for &at in &cuts.at {
                assert!(source[at..].trim_start().starts_with('M'), "{pieces}: {at}");
            }
            // Each piece's ranges are in order, apart, end with the file, and hold the
            // object's braces and that piece's members only.
            let bounds = cuts.bounds(&source);
            let mut members = 0;
            for index in 0..=cuts.at.len() {
                let ranges = cuts.ranges(index, &bounds);
                assert!(ranges
                    .windows(2)
                    .all(|pair| pair[0].end_byte < pair[1].start_byte));
                assert_eq!(ranges.last().unwrap().end_byte, source.len());
                let text: String = ranges
                    .iter()
                    .map(|range| &source[range.start_byte..range.end_byte])
                    .collect();
                assert!(
                    text.starts_with("a.schema({") && text.ends_with("});"),
                    "{text}"
                );
                members += text.matches("a.model").count();
                for range in &ranges {
                    let before = &source[..range.start_byte];
                    assert_eq!(range.start_point.row, before.matches('\n').count());
                }
            }
            assert_eq!(members, 10, "{pieces} pieces hold every member once");
        }
        // Pieces of about equal size.
        let cuts = find_cuts(&source, 5).unwrap();
        let sizes: Vec<usize> = std::iter::once(cuts.open)
            .chain(cuts.at.iter().copied())
            .chain(std::iter::once(cuts.close))
            .collect::<Vec<_>>()
            .windows(2)
            .map(|pair| pair[1] - pair[0])
            .collect();
        let (least, most) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
        assert!(most - least <= 20, "{sizes:?}");
    }

    #[test]
    fn refuses_what_it_cannot_scan_safely() {
        assert_eq!(
            find_cuts("const r = /a,b/; a.schema({ A: 1, B: 2 });", 2),
            None,
            "a regular expression"
        );
        assert_eq!(
            find_cuts("a.schema({ A: 1, B: 2 }); a.schema({ C: 1, D: 2 });", 2),
            None,
            "two schemas"
        );
        assert_eq!(find_cuts("a.schema({ A: 1 }", 2), None, "unbalanced");
        assert_eq!(
            find_cuts("a.schema({ A: 1, });", 2),
            None,
            "nothing after the only comma"
        );
    }

    #[test]
    fn skips_strings_comments_and_templates() {
        let source = "// a.schema({ X, Y })\nconst t = `${ { a: '}' } }`;\na.schema({ A: '{,', /* , } */ B: `x${1}`, C: \"}\" });";
        let cuts = find_cuts(source, 2).unwrap();
        assert_eq!(&source[cuts.close..], "});");
    }
}
