//! The one list of rules and their metadata.

use crate::diagnostic::Severity;
use crate::rules::Context;

/// Whether a rule offers a fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixAvailability {
    None,
    /// Only for some of its diagnostics.
    Sometimes,
    Always,
}

/// A rule's identity and documentation.
#[derive(Debug)]
pub struct RuleMeta {
    /// The catalog name (`missing-inverse-relation`); users write it into their files.
    pub name: &'static str,
    pub severity: Severity,
    pub fix: FixAvailability,
    /// The rule's doc comment as written (each line keeps the space after `///`);
    /// read it through [`RuleMeta::documentation`].
    pub raw_docs: &'static str,
}

impl RuleMeta {
    /// The first sentence of "What it does", for tables and short descriptions.
    pub fn summary(&self) -> String {
        let docs = self.documentation();
        let body = section_of(&docs, "What it does").unwrap_or(&docs);
        let flat = body.split_whitespace().collect::<Vec<_>>().join(" ");
        match flat.find(". ") {
            Some(end) => flat[..=end].to_string(),
            None => flat,
        }
    }

    /// Markdown from the rule's doc comment: `## What it does`, `## Why is this bad?`,
    /// `## Example`, `## Fix`.
    pub fn documentation(&self) -> String {
        let mut text = String::with_capacity(self.raw_docs.len());
        for line in self.raw_docs.lines() {
            text.push_str(line.strip_prefix(' ').unwrap_or(line));
            text.push('\n');
        }
        text
    }

    /// The body of the `## <title>` section of the docs, trimmed.
    pub fn section(&self, title: &str) -> Option<String> {
        section_of(&self.documentation(), title).map(str::to_string)
    }
}

fn section_of<'a>(docs: &'a str, title: &str) -> Option<&'a str> {
    let header = format!("## {title}\n");
    let start = if docs.starts_with(&header) {
        header.len()
    } else {
        docs.find(&format!("\n{header}"))? + header.len() + 1
    };
    let rest = &docs[start..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    Some(rest[..end].trim())
}

/// One rule: its metadata and its check over the schema model.
#[derive(Clone, Copy)]
pub struct Rule {
    pub meta: &'static RuleMeta,
    pub check: fn(&mut Context),
}

/// Declares a rule's metadata from its doc comment:
///
/// ```ignore
/// declare_rule! {
///     /// ## What it does
///     /// ...
///     pub static MISSING_INVERSE_RELATION = {
///         name: "missing-inverse-relation",
///         severity: Error,
///         fix: Always,
///     }
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis static $ident:ident = {
            name: $name:literal,
            severity: $severity:ident,
            fix: $fix:ident $(,)?
        }
    ) => {
        $vis static $ident: $crate::registry::RuleMeta = $crate::registry::RuleMeta {
            name: $name,
            severity: $crate::diagnostic::Severity::$severity,
            fix: $crate::registry::FixAvailability::$fix,
            raw_docs: concat!($($doc, "\n"),*),
        };
    };
}

/// Every rule, in catalog order.
pub fn all_rules() -> &'static [Rule] {
    &crate::rules::RULES
}

/// Looks a rule up by its catalog name.
pub fn rule(name: &str) -> Option<&'static Rule> {
    all_rules().iter().find(|rule| rule.meta.name == name)
}

/// Every rule's metadata, in catalog order.
pub fn rule_metas() -> impl Iterator<Item = &'static RuleMeta> {
    all_rules().iter().map(|rule| rule.meta)
}
