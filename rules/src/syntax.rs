//! Parsing TypeScript and JavaScript with tree-sitter.

use std::sync::OnceLock;

use tree_sitter::{Language, Node, Parser, Tree};

/// Which tree-sitter grammar reads a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SourceKind {
    /// `.ts`, `.mts`, `.cts`, and JavaScript without JSX (`.js`, `.mjs`, `.cjs`):
    /// the TypeScript grammar reads plain JavaScript too.
    TypeScript,
    /// `.tsx`, `.jsx`.
    Tsx,
}

impl SourceKind {
    /// The grammar for a file name, or `None` when amplint does not read that kind of file.
    pub fn from_path(path: &str) -> Option<SourceKind> {
        let extension = path.rsplit_once('.')?.1.to_ascii_lowercase();
        match extension.as_str() {
            "ts" | "mts" | "cts" | "js" | "mjs" | "cjs" => Some(SourceKind::TypeScript),
            "tsx" | "jsx" => Some(SourceKind::Tsx),
            _ => None,
        }
    }

    pub fn language(self) -> Language {
        match self {
            SourceKind::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            SourceKind::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
        }
    }

    /// The grammar a tree was parsed with (only the TSX grammar knows JSX elements).
    pub fn of_language(language: &Language) -> SourceKind {
        if language.id_for_node_kind("jsx_element", true) != 0 {
            SourceKind::Tsx
        } else {
            SourceKind::TypeScript
        }
    }

    /// Every node kind's name, indexed by kind id; built once per grammar and process.
    pub fn kind_names(self) -> &'static [&'static str] {
        static LANGUAGES: [OnceLock<Language>; 2] = [OnceLock::new(), OnceLock::new()];
        static NAMES: [OnceLock<Box<[&'static str]>>; 2] = [OnceLock::new(), OnceLock::new()];
        let slot = self as usize;
        NAMES[slot].get_or_init(|| {
            let language: &'static Language = LANGUAGES[slot].get_or_init(|| self.language());
            (0..language.node_kind_count())
                .map(|id| {
                    u16::try_from(id)
                        .ok()
                        .and_then(|id| language.node_kind_for_id(id))
                        .unwrap_or("")
                })
                .collect()
        })
    }
}

/// `node`'s named children in order (comments included, like [`Node::named_children`]),
/// read by position: [`Node::named_child`] steps over a hidden subtree (the balanced repeat
/// nodes of a long list) by its count, where a cursor walks into every hidden node between
/// two children. Over the whole tree of a 200-model schema: 10.8 million instructions
/// against 27.7 million for the cursor, and linear in the list's length all the same
/// (108 million against 275 million at 2,000 models).
pub fn named_children<'tree>(node: Node<'tree>) -> impl Iterator<Item = Node<'tree>> {
    let count = u32::try_from(node.named_child_count()).unwrap_or(u32::MAX);
    (0..count).map_while(move |index| node.named_child(index))
}

/// A parser for `kind`.
pub fn parser(kind: SourceKind) -> Parser {
    let mut parser = Parser::new();
    parser
        .set_language(&kind.language())
        .expect("the bundled tree-sitter-typescript grammar matches the tree-sitter runtime");
    parser
}

/// Parses `text` from scratch, or incrementally when `old_tree` (already edited with
/// `Tree::edit`) is given.
///
/// Never hangs: tree-sitter grammars can loop on some inputs (the TSX grammar does on
/// `({s:{e/w)w.K>;`, tree-sitter-typescript issue #323), so a parse that stops advancing
/// through the text is abandoned ([`parse_bounded`]). Then the other grammar is tried, and
/// when it gives up too, the result is a tree that is one syntax error over the whole text,
/// so the file is reported as not understood instead of checked as empty.
pub fn parse(kind: SourceKind, text: &str, old_tree: Option<&Tree>) -> Tree {
    if let Some(tree) = parse_reusing_parser(kind, text, old_tree) {
        return tree;
    }
    let other = match kind {
        SourceKind::TypeScript => SourceKind::Tsx,
        SourceKind::Tsx => SourceKind::TypeScript,
    };
    parse_bounded(&mut parser(other), text, None)
        .or_else(|| {
            // An unterminated comment as long as the text: one error node over all of it.
            let unparsable = format!("/*{}", " ".repeat(text.len().saturating_sub(2)));
            parse_bounded(&mut parser(SourceKind::TypeScript), &unparsable, None)
        })
        .expect("an unterminated comment parses at once")
}

fn parse_reusing_parser(kind: SourceKind, text: &str, old_tree: Option<&Tree>) -> Option<Tree> {
    // A parser keeps the buffers its largest parse needed: large texts get a parser of
    // their own, freed with it (a language server would otherwise hold them per thread).
    const REUSE_BELOW_BYTES: usize = 256 * 1024;
    if text.len() >= REUSE_BELOW_BYTES {
        return parse_bounded(&mut parser(kind), text, old_tree);
    }
    thread_local! {
        // One parser per grammar and thread, reused: creating one allocates its stacks,
        // which showed when a project of thousands of small files was parsed.
        static PARSERS: std::cell::RefCell<[Option<Parser>; 2]> =
            const { std::cell::RefCell::new([None, None]) };
    }
    let slot = match kind {
        SourceKind::TypeScript => 0,
        SourceKind::Tsx => 1,
    };
    let reused = PARSERS.with(|parsers| {
        let mut parsers = parsers.try_borrow_mut().ok()?;
        let parser = parsers[slot].get_or_insert_with(|| parser(kind));
        let tree = parse_bounded(parser, text, old_tree);
        if tree.is_none() {
            parser.reset();
        }
        Some(tree)
    });
    match reused {
        Some(tree) => tree,
        None => parse_bounded(&mut parser(kind), text, old_tree),
    }
}

/// How many progress reports (tree-sitter sends one about every 100 parse operations) may
/// pass without the parse moving forward in the text before it is abandoned, plus one per
/// [`STALL_BYTES_PER_REPORT`] bytes of text: a healthy parse moves every few reports while
/// reading, but finishing a large tree (balancing it) takes work in proportion to its size
/// at the end of the text. The looping TSX grammar never moves.
const STALLED_REPORTS: usize = 5_000;
const STALL_BYTES_PER_REPORT: usize = 8;

/// Parses with `parser`, or `None` when the parse stopped advancing ([`STALLED_REPORTS`]).
pub fn parse_bounded(parser: &mut Parser, text: &str, old_tree: Option<&Tree>) -> Option<Tree> {
    let bytes = text.as_bytes();
    let mut furthest = 0usize;
    let mut stalled = 0usize;
    let limit = STALLED_REPORTS + text.len() / STALL_BYTES_PER_REPORT;
    let mut progress = |state: &tree_sitter::ParseState| {
        let offset = state.current_byte_offset();
        if offset > furthest {
            furthest = offset;
            stalled = 0;
        } else {
            stalled += 1;
        }
        if stalled > limit {
            std::ops::ControlFlow::Break(())
        } else {
            std::ops::ControlFlow::Continue(())
        }
    };
    let options = tree_sitter::ParseOptions::new().progress_callback(&mut progress);
    let tree = parser.parse_with_options(
        &mut |offset, _| bytes.get(offset..).unwrap_or(&[]),
        old_tree,
        Some(options),
    );
    if tree.is_none() {
        parser.reset();
    }
    tree
}

/// Whether two trees have the same shape: node kinds, byte ranges, missing and error
/// nodes, in the same order. Walks both with cursors (no recursion: `to_sexp` recurses
/// and a deep tree overflowed the stack).
pub fn same_tree(a: &Tree, b: &Tree) -> bool {
    let (mut left, mut right) = (a.walk(), b.walk());
    loop {
        let (l, r) = (left.node(), right.node());
        if l.kind_id() != r.kind_id()
            || l.byte_range() != r.byte_range()
            || l.is_missing() != r.is_missing()
            || l.is_error() != r.is_error()
            || left.field_id() != right.field_id()
        {
            return false;
        }
        let (down_l, down_r) = (left.goto_first_child(), right.goto_first_child());
        if down_l != down_r {
            return false;
        }
        if down_l {
            continue;
        }
        loop {
            let (next_l, next_r) = (left.goto_next_sibling(), right.goto_next_sibling());
            if next_l != next_r {
                return false;
            }
            if next_l {
                break;
            }
            let (up_l, up_r) = (left.goto_parent(), right.goto_parent());
            if up_l != up_r {
                return false;
            }
            if !up_l {
                return true;
            }
        }
    }
}

/// The text of `node`.
pub fn node_text<'a>(node: Node<'_>, source: &'a str) -> &'a str {
    source.get(node.byte_range()).unwrap_or("")
}

/// The first syntax error in the tree: an `ERROR` or missing node, with its byte range.
pub fn first_syntax_error(tree: &Tree) -> Option<std::ops::Range<usize>> {
    if !tree.root_node().has_error() {
        return None;
    }
    let mut cursor = tree.walk();
    loop {
        let node = cursor.node();
        if node.is_error() || node.is_missing() {
            return Some(node.byte_range());
        }
        if node.has_error() && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return Some(tree.root_node().byte_range());
            }
        }
    }
}

/// The parts of the file that did not parse: each `ERROR` or missing node widened to the
/// node around it (the recovered shape of a half-typed expression is a guess, so the code
/// next to the error is as uncertain as the error itself). Empty when the tree parsed.
/// Fixes are not applied in or next to these regions (see `engine::withhold_unsafe_fixes`).
pub fn syntax_error_regions(tree: &Tree) -> Vec<std::ops::Range<usize>> {
    let mut regions = Vec::new();
    if !tree.root_node().has_error() {
        return regions;
    }
    // The ranges of the nodes above the cursor (the root excluded): `Node::parent` searches
    // down from the root each time, which a 10,000-deep tree turned into a stack overflow.
    let mut ancestors: Vec<std::ops::Range<usize>> = Vec::new();
    let mut cursor = tree.walk();
    let mut depth = 0usize;
    'walk: loop {
        let node = cursor.node();
        if node.is_error() || node.is_missing() {
            regions.push(
                ancestors
                    .last()
                    .cloned()
                    .unwrap_or_else(|| node.byte_range()),
            );
        } else if node.has_error() && cursor.goto_first_child() {
            if depth > 0 {
                ancestors.push(node.byte_range());
            }
            depth += 1;
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                break 'walk;
            }
            depth -= 1;
            if depth > 0 {
                ancestors.pop();
            }
        }
    }
    regions
}

/// Field ids of the grammar, looked up once: `child_by_field_name` compares strings on every
/// call, which dominated extraction time on large schemas.
#[derive(Clone, Copy, Debug)]
pub struct Fields {
    pub alias: u16,
    pub argument: u16,
    pub arguments: u16,
    pub body: u16,
    pub declaration: u16,
    pub function: u16,
    pub index: u16,
    pub key: u16,
    pub name: u16,
    pub object: u16,
    pub operator: u16,
    pub parameter: u16,
    pub parameters: u16,
    pub pattern: u16,
    pub property: u16,
    pub source: u16,
    pub value: u16,
}

impl Fields {
    /// The ids for `language` (both TypeScript grammars share them, but look them up anyway).
    pub fn of(language: &Language) -> Fields {
        let id = |name: &str| language.field_id_for_name(name).map_or(0, |id| id.get());
        Fields {
            alias: id("alias"),
            argument: id("argument"),
            arguments: id("arguments"),
            body: id("body"),
            declaration: id("declaration"),
            function: id("function"),
            index: id("index"),
            key: id("key"),
            name: id("name"),
            object: id("object"),
            operator: id("operator"),
            parameter: id("parameter"),
            parameters: id("parameters"),
            pattern: id("pattern"),
            property: id("property"),
            source: id("source"),
            value: id("value"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`named_children`] reads the same nodes as tree-sitter's cursor walk, for every node
    /// of trees with comments, spreads, syntax errors and a list long enough to be stored
    /// as balanced hidden repeat nodes.
    #[test]
    fn named_children_by_position_are_the_cursor_walks_children() {
        let long_list: String = (0..300)
            .map(|i| format!("  M{i}: a.model({{ f: a.string() /* c */, ...x }}),\n"))
            .collect();
        let texts = [
            format!("const schema = a.schema({{\n{long_list}}});"),
            "a.schema({ A: a.model({ x: a.string(, }), // cut\n B: [1, , 3, ...y] });".into(),
            "export { a as b, c } from './x'; import d, { e } from './y'; f(g, ...h);".into(),
        ];
        for text in &texts {
            let tree = parse(SourceKind::TypeScript, text, None);
            let mut cursor = tree.walk();
            let mut stack = vec![tree.root_node()];
            let mut visited = 0;
            while let Some(node) = stack.pop() {
                let expected: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
                let by_position: Vec<Node<'_>> = named_children(node).collect();
                assert_eq!(by_position, expected, "children of {node:?} in {text:?}");
                stack.extend(by_position);
                visited += 1;
            }
            assert!(visited > 10, "walked the whole tree of {text:?}");
        }
    }
}
