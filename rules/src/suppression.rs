//! Suppression comments: `// amplint-disable-next-line rule[, rule] -- reason` (the next
//! line) and `// amplint-disable rule[, rule] -- reason` (the whole file), also inside
//! `/* */`.
//!
//! Comments are found cheaply: the text is searched for `amplint-disable` and the tree
//! confirms that the match starts the text of a `comment` node. The engine drops the
//! diagnostics a suppression covers and reports what suppresses nothing (rule
//! `unused-suppression`, which cannot itself be suppressed).

use tree_sitter::{Node, Tree};

use crate::span::{FileId, Span, Spanned};

const MARKER: &str = "amplint-disable";
const NEXT_LINE: &str = "amplint-disable-next-line";

/// What a suppression comment covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SuppressionKind {
    /// `amplint-disable-next-line`: the line after the comment.
    NextLine,
    /// `amplint-disable`: the whole file.
    File,
    /// `amplint-disable<something else>` (`amplint-disable-line`): not a directive amplint
    /// knows; reported, suppresses nothing.
    Unknown,
}

/// One suppression comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    pub kind: SuppressionKind,
    /// The whole comment, delimiters included.
    pub comment: Span,
    /// The directive word (`amplint-disable-next-line`).
    pub directive: Span,
    /// The rule names as written, in order (unknown names included).
    pub rules: Vec<Spanned<String>>,
    /// The text after ` -- `, trimmed, when there is one.
    pub reason: Option<Spanned<String>>,
    /// For [`SuppressionKind::NextLine`]: the byte range of the line it covers (without its
    /// line break); a diagnostic is covered when its span starts there.
    pub target: Option<Span>,
}

impl Suppression {
    /// Whether it covers a diagnostic of `rule` starting at byte `offset`.
    pub fn covers(&self, rule: &str, offset: usize) -> bool {
        let in_range = match self.kind {
            SuppressionKind::File => true,
            SuppressionKind::NextLine => self
                .target
                .is_some_and(|target| target.start <= offset && offset <= target.end),
            SuppressionKind::Unknown => false,
        };
        in_range && self.rules.iter().any(|name| name.value == rule)
    }
}

/// Whether `source` mentions a suppression comment at all (a quick test before the tree
/// is asked).
pub fn mentions_marker(source: &str) -> bool {
    memchr::memmem::find(source.as_bytes(), MARKER.as_bytes()).is_some()
}

/// Every suppression comment of a file, in text order.
pub fn suppressions(source: &str, tree: &Tree) -> Vec<Suppression> {
    let mut found: Vec<Suppression> = Vec::new();
    let root = tree.root_node();
    for offset in memchr::memmem::find_iter(source.as_bytes(), MARKER) {
        if found
            .last()
            .is_some_and(|last| last.comment.contains(offset))
        {
            continue;
        }
        let Some(comment) = comment_at(root, offset) else {
            continue;
        };
        if let Some(suppression) = parse_comment(source, comment.start_byte(), comment.end_byte()) {
            if suppression.directive.start == offset {
                found.push(suppression);
            }
        }
    }
    found
}

/// The rule names (with their spans) of the suppression comment holding byte `offset`,
/// for hovers and completions in an editor; empty when `offset` is in no such comment.
pub fn rule_names_at(source: &str, tree: &Tree, offset: usize) -> Vec<Spanned<String>> {
    let Some(comment) = comment_at(tree.root_node(), offset) else {
        return Vec::new();
    };
    parse_comment(source, comment.start_byte(), comment.end_byte())
        .map(|suppression| suppression.rules)
        .unwrap_or_default()
}

/// The edit that disables `rule` for the line holding byte `offset`: adds the name to a
/// `amplint-disable-next-line` comment on the line above when there is one, else inserts
/// such a comment above the line with the line's indentation.
pub fn disable_for_line_edit(
    source: &str,
    tree: &Tree,
    offset: usize,
    rule: &str,
) -> crate::fix::Edit {
    let offset = floor_char_boundary(source, offset.min(source.len()));
    let line_start = source[..offset].rfind('\n').map_or(0, |n| n + 1);
    if line_start > 0 {
        let previous_start = source[..line_start - 1].rfind('\n').map_or(0, |n| n + 1);
        let previous = suppressions(source, tree).into_iter().find(|s| {
            s.kind == SuppressionKind::NextLine
                && s.comment.start >= previous_start
                && s.target.is_some_and(|target| target.start == line_start)
        });
        if let Some(existing) = previous {
            if let Some(last) = existing.rules.last() {
                return crate::fix::Edit::insert(last.span.at_end(), format!(", {rule}"));
            }
            return crate::fix::Edit::insert(existing.directive.at_end(), format!(" {rule}"));
        }
    }
    let indentation: String = source[line_start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    crate::fix::Edit::insert(
        Span::new(FileId::MAIN, line_start, line_start),
        format!("{indentation}// amplint-disable-next-line {rule}\n"),
    )
}

fn comment_at(root: Node, offset: usize) -> Option<Node> {
    let node = root.descendant_for_byte_range(offset, offset)?;
    (node.kind() == "comment").then_some(node)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Reads a comment `source[start..end]`; `None` when its text does not start with
/// `amplint-disable`.
fn parse_comment(source: &str, start: usize, end: usize) -> Option<Suppression> {
    let text = source.get(start..end)?;
    let (content_start, content_end) = if let Some(rest) = text.strip_prefix("//") {
        (start + 2, start + 2 + rest.len())
    } else if text.starts_with("/*") {
        let close = if text.len() >= 4 && text.ends_with("*/") {
            end - 2
        } else {
            end
        };
        (start + 2, close)
    } else {
        return None;
    };
    let content = source.get(content_start..content_end)?;
    // Skip whitespace and the `*` of a `/** ... */` or a continued block comment.
    let skipped = content.len()
        - content
            .trim_start_matches(|c: char| c.is_whitespace() || c == '*')
            .len();
    let directive_start = content_start + skipped;
    let after_marker = source.get(directive_start..content_end)?;
    if !after_marker.starts_with(MARKER) {
        return None;
    }
    let directive_len = after_marker
        .find(|c: char| c.is_whitespace() || c == ',')
        .unwrap_or(after_marker.len());
    let directive_word = &after_marker[..directive_len];
    let kind = match directive_word {
        NEXT_LINE => SuppressionKind::NextLine,
        MARKER => SuppressionKind::File,
        _ => SuppressionKind::Unknown,
    };
    let directive = Span::new(
        FileId::MAIN,
        directive_start,
        directive_start + directive_len,
    );
    let list_start = directive.end;
    let list = &source[list_start..content_end];
    let reason_at = find_reason_separator(list);
    let names_text = &list[..reason_at.unwrap_or(list.len())];
    let mut rules = Vec::new();
    let mut cursor = 0;
    // `*` separates too: the margin of a block comment continued over several lines.
    for piece in names_text.split(|c: char| c == ',' || c == '*' || c.is_whitespace()) {
        let piece_start = cursor;
        cursor += piece.len() + 1;
        if piece.is_empty() {
            continue;
        }
        let absolute = list_start + piece_start;
        rules.push(Spanned::new(
            piece.to_string(),
            Span::new(FileId::MAIN, absolute, absolute + piece.len()),
        ));
    }
    let reason = reason_at.and_then(|at| {
        let after = &list[at + 2..];
        let trimmed = after.trim();
        if trimmed.is_empty() {
            return None;
        }
        let leading = after.len() - after.trim_start().len();
        let absolute = list_start + at + 2 + leading;
        Some(Spanned::new(
            trimmed.to_string(),
            Span::new(FileId::MAIN, absolute, absolute + trimmed.len()),
        ))
    });
    let target = (kind == SuppressionKind::NextLine).then(|| {
        let next_start = source[end..]
            .find('\n')
            .map_or(source.len(), |n| end + n + 1);
        let next_end = source[next_start..]
            .find('\n')
            .map_or(source.len(), |n| next_start + n);
        Span::new(FileId::MAIN, next_start, next_end)
    });
    Some(Suppression {
        kind,
        comment: Span::new(FileId::MAIN, start, end),
        directive,
        rules,
        reason,
        target,
    })
}

/// The byte offset of the `--` that starts the reason: at the start of the list or after
/// whitespace.
fn find_reason_separator(list: &str) -> Option<usize> {
    let mut search = 0;
    while let Some(found) = list[search..].find("--") {
        let at = search + found;
        let before_ok = at == 0 || list[..at].ends_with(|c: char| c.is_whitespace());
        if before_ok {
            return Some(at);
        }
        search = at + 2;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{parse, SourceKind};

    fn find(source: &str) -> Vec<Suppression> {
        let tree = parse(SourceKind::TypeScript, source, None);
        suppressions(source, &tree)
    }

    fn names(suppression: &Suppression) -> Vec<&str> {
        suppression
            .rules
            .iter()
            .map(|name| name.value.as_str())
            .collect()
    }

    #[test]
    fn reads_line_and_block_comments() {
        let source = "// amplint-disable-next-line a-rule, b-rule -- because\nconst x = 1;\n/* amplint-disable c-rule */\nconst text = 'amplint-disable d';\n";
        let found = find(source);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].kind, SuppressionKind::NextLine);
        assert_eq!(names(&found[0]), ["a-rule", "b-rule"]);
        assert_eq!(found[0].reason.as_ref().unwrap().value, "because");
        let target = found[0].target.unwrap();
        assert_eq!(&source[target.range()], "const x = 1;");
        assert_eq!(&source[found[0].rules[1].span.range()], "b-rule");
        assert_eq!(found[1].kind, SuppressionKind::File);
        assert_eq!(names(&found[1]), ["c-rule"]);
    }

    #[test]
    fn ignores_comments_that_only_mention_it() {
        assert!(find("// see amplint-disable in the docs\n").is_empty());
        let unknown = find("// amplint-disable-line x\n");
        assert_eq!(unknown[0].kind, SuppressionKind::Unknown);
    }

    #[test]
    fn rule_names_at_an_offset() {
        let source = "const a = 1; // amplint-disable-next-line some-rule\n";
        let tree = parse(SourceKind::TypeScript, source, None);
        let at = source.find("some").unwrap() + 2;
        let names = rule_names_at(source, &tree, at);
        assert_eq!(names.len(), 1);
        assert_eq!(&source[names[0].span.range()], "some-rule");
        assert!(rule_names_at(source, &tree, 2).is_empty());
    }

    #[test]
    fn disable_for_line_inserts_or_extends() {
        let source = "{\n  const a = 1;\n}\n";
        let tree = parse(SourceKind::TypeScript, source, None);
        let edit = disable_for_line_edit(source, &tree, source.find("const").unwrap(), "x-rule");
        assert_eq!(edit.text, "  // amplint-disable-next-line x-rule\n");
        assert_eq!(edit.span.start, 2);
        let source = "{\n  // amplint-disable-next-line x-rule\n  const a = 1;\n}\n";
        let tree = parse(SourceKind::TypeScript, source, None);
        let edit = disable_for_line_edit(source, &tree, source.find("const").unwrap(), "y-rule");
        assert_eq!(edit.text, ", y-rule");
        assert_eq!(edit.span.start, source.find(" x-rule").unwrap() + 7);
    }

    #[test]
    fn odd_comments_never_panic() {
        let sources = [
            "/*amplint-disable*/",
            "//amplint-disable-next-line,,,",
            "// amplint-disable-next-line é-rule, ☃ -- raison é",
            "// amplint-disable-next-line a --",
            "/* amplint-disable-next-line a\n * b -- c\n */\nconst x = 1;",
            "const s = `amplint-disable x`; // amplint-disable",
            "// amplint-disable-next-line syntax-error\nconst = ;",
            "/** amplint-disable-next-line unknown-related-model */",
            "x; /* amplint-disable-next-line a */ y;\r\nz;\r\n",
        ];
        for source in sources {
            let tree = parse(SourceKind::TypeScript, source, None);
            let found = suppressions(source, &tree);
            if source.starts_with("/* amplint-disable-next-line a\n") {
                let names: Vec<&str> = found[0].rules.iter().map(|n| n.value.as_str()).collect();
                assert_eq!(names, ["a", "b"]);
            }
            for suppression in &found {
                for name in &suppression.rules {
                    assert_eq!(&source[name.span.range()], name.value);
                }
            }
            for offset in 0..=source.len() {
                if source.is_char_boundary(offset) {
                    rule_names_at(source, &tree, offset);
                    disable_for_line_edit(source, &tree, offset, "some-rule");
                }
            }
            crate::check(source, SourceKind::TypeScript, &crate::Settings::default());
            crate::fix_all(
                source,
                SourceKind::TypeScript,
                &crate::Settings::default(),
                crate::Applicability::Unsafe,
            );
        }
    }
}
