//! Parsing a large schema file on two cores.
//!
//! tree-sitter parses one file on one thread, and on a large schema the parse is most of the
//! work. A schema file is mostly one object literal, `a.schema({ ... })`, so amplint cuts
//! that object between two of its members and parses two complete programs with
//! tree-sitter's included ranges (which keep the file's own byte offsets):
//!
//! - the first: everything up to the cut, then the object's closing brace and the rest;
//! - the second: everything up to the object's opening brace, then the rest from the cut.
//!
//! Both hold the whole file except the other half's members, so each is valid TypeScript
//! when the file is. A light lexical scan finds the object and the cut; whenever anything
//! looks off (the scan is unsure, a half does not parse cleanly, the object is not where
//! the scan put it) the caller parses the whole file the ordinary way.

use tree_sitter::{Node, Parser, Range, Tree};

use crate::syntax::{parser, SourceKind};

/// Files smaller than this are parsed whole: splitting would not pay for itself.
pub const SPLIT_MIN_BYTES: usize = 48 * 1024;

/// Where the schema object is and where to cut it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cut {
    /// The byte offset of the object's `{`.
    pub open: usize,
    /// The byte offset of the object's matching `}`.
    pub close: usize,
    /// The byte offset just after a `,` between two members, near the middle.
    pub at: usize,
}

/// Two trees covering one file, each holding one half of the schema object's members.
pub struct SplitTrees {
    pub first: Tree,
    pub second: Tree,
    pub cut: Cut,
}

impl std::fmt::Debug for SplitTrees {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SplitTrees")
            .field("cut", &self.cut)
            .finish_non_exhaustive()
    }
}

/// Parses `source` as two halves on two threads, or returns `None` when the file should
/// be parsed whole (small, no single schema object, or a half that does not parse cleanly).
pub fn parse_split(kind: SourceKind, source: &str, min_bytes: usize) -> Option<SplitTrees> {
    parse_split_then(kind, source, min_bytes, |_| ()).map(|(trees, _)| trees)
}

/// [`parse_split`], and `work` run on each half's tree on the thread that parsed it, as
/// soon as that half is parsed and found sound: neither core waits for the other between
/// parsing and the work. The results come in the halves' order.
pub fn parse_split_then<T: Send>(
    kind: SourceKind,
    source: &str,
    min_bytes: usize,
    work: impl Fn(&Tree) -> T + Sync,
) -> Option<(SplitTrees, [T; 2])> {
    if kind != SourceKind::TypeScript || source.len() < min_bytes {
        return None;
    }
    let cut = find_cut(source)?;
    let end = source.len();
    let first_ranges = [range(source, 0, cut.at), range(source, cut.close, end)];
    let second_ranges = [range(source, 0, cut.open + 1), range(source, cut.at, end)];
    let half = |ranges: &[Range]| -> Option<(Tree, T)> {
        let mut parser: Parser = parser(kind);
        parser.set_included_ranges(ranges).ok()?;
        let tree = crate::syntax::parse_bounded(&mut parser, source, None)?;
        if tree.root_node().has_error() || !object_at(&tree, cut) {
            return None;
        }
        let result = work(&tree);
        Some((tree, result))
    };
    let (first, second) = rayon::join(|| half(&first_ranges), || half(&second_ranges));
    let ((first, first_result), (second, second_result)) = (first?, second?);
    Some((
        SplitTrees { first, second, cut },
        [first_result, second_result],
    ))
}

/// Whether the schema object is where the scan put it, in `tree`.
fn object_at(tree: &Tree, cut: Cut) -> bool {
    tree.root_node()
        .descendant_for_byte_range(cut.open, cut.open + 1)
        .and_then(|brace| brace.parent())
        .is_some_and(|object: Node<'_>| {
            object.kind() == "object"
                && object.start_byte() == cut.open
                && object.end_byte() == cut.close + 1
        })
}

fn range(source: &str, start: usize, end: usize) -> Range {
    Range {
        start_byte: start,
        end_byte: end,
        start_point: point_of(source, start),
        end_point: point_of(source, end),
    }
}

fn point_of(source: &str, offset: usize) -> tree_sitter::Point {
    let before = &source.as_bytes()[..offset];
    let row = memchr::memchr_iter(b'\n', before).count();
    let column = offset - memchr::memrchr(b'\n', before).map_or(0, |newline| newline + 1);
    tree_sitter::Point { row, column }
}

/// Finds the one `.schema({` object of the file and a cut between two of its members near
/// the middle. `None` when there is not exactly one, or the scan meets something it does
/// not trust (a regular expression literal, unbalanced brackets).
pub fn find_cut(source: &str) -> Option<Cut> {
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
    let middle = open + (close - open) / 2;
    let at = *commas.iter().min_by_key(|&&comma| comma.abs_diff(middle))?;
    // Both halves must hold members; a cut right before the closing brace (a trailing
    // comma) would leave the second half empty.
    let second_is_empty = source[at..close].trim().is_empty();
    (!second_is_empty && at > open + 1).then_some(Cut { open, close, at })
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
        let cut = find_cut(source).unwrap();
        assert_eq!(&source[cut.open..cut.open + 1], "{");
        assert_eq!(&source[cut.close..cut.close + 1], "}");
        assert_eq!(&source[cut.close..], "});");
        assert!(
            source[cut.at..].trim_start().starts_with("B:")
                || source[cut.at..].trim_start().starts_with("C:")
        );
    }

    #[test]
    fn refuses_what_it_cannot_scan_safely() {
        assert_eq!(
            find_cut("const r = /a,b/; a.schema({ A: 1, B: 2 });"),
            None,
            "a regular expression"
        );
        assert_eq!(
            find_cut("a.schema({ A: 1, B: 2 }); a.schema({ C: 1, D: 2 });"),
            None,
            "two schemas"
        );
        assert_eq!(find_cut("a.schema({ A: 1 }"), None, "unbalanced");
        assert_eq!(
            find_cut("a.schema({ A: 1, });"),
            None,
            "nothing after the only comma"
        );
    }

    #[test]
    fn skips_strings_comments_and_templates() {
        let source = "// a.schema({ X, Y })\nconst t = `${ { a: '}' } }`;\na.schema({ A: '{,', /* , } */ B: `x${1}`, C: \"}\" });";
        let cut = find_cut(source).unwrap();
        assert_eq!(&source[cut.close..], "});");
    }
}
