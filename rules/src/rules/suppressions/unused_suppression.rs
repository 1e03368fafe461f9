//! `amplint-disable` comments that suppress nothing, name a rule that does not exist, or
//! try to suppress `unused-suppression` itself.
//!
//! The rule's check function does nothing: suppressions can only be judged after every
//! other rule ran, so the engine calls [`apply`] at the end of a check.

use rustc_hash::FxHashMap;
use tree_sitter::Tree;

use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::{Edit, Fix};
use crate::line_index::LineIndex;
use crate::registry::all_rules;
use crate::rules::Context;
use crate::settings::Settings;
use crate::span::{FileId, Span};
use crate::suggest::did_you_mean;
use crate::suppression::{suppressions, Suppression, SuppressionKind};

declare_rule! {
    /// ## What it does
    /// Reports an `amplint-disable-next-line` or `amplint-disable` comment that suppresses
    /// nothing: the rules it names report nothing on the next line (or in the file), a
    /// name is not a rule, or the directive is misspelt.
    ///
    /// ## Why is this bad?
    /// A suppression outlives the problem it hid: once the code is fixed, the comment only
    /// misleads, and it would silently hide the next real problem of that rule on that line.
    /// A misspelt rule name suppresses nothing at all.
    ///
    /// This rule cannot itself be suppressed by a comment (a comment naming
    /// `unused-suppression` is reported); turn it off in `amplint.toml` instead
    /// (`unused-suppression = "off"`). Names of rules turned off in `amplint.toml` are
    /// never reported as unused: amplint cannot tell whether they would have fired.
    ///
    /// ## Example
    /// ```ts
    /// const schema = a.schema({
    ///   // amplint-disable-next-line public-auth -- the model below no longer uses allow.public
    ///   Todo: a.model({ title: a.string() }).authorization((allow) => [allow.owner()]),
    /// });
    /// ```
    ///
    /// ## Fix
    /// Removes the comment (safe) or the unused rule name from its list (safe); replaces a
    /// misspelt rule name with the rule it most resembles (unsafe: it starts suppressing).
    pub(crate) static UNUSED_SUPPRESSION = {
        name: "unused-suppression",
        severity: Warning,
        fix: Always,
    }
}

/// Does nothing: see the module documentation.
pub(crate) fn check(_context: &mut Context) {}

/// Drops the diagnostics that suppression comments cover and adds this rule's findings.
pub(crate) fn apply(
    source: &str,
    tree: &Tree,
    settings: &Settings,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if !source.contains("amplint-disable") {
        return;
    }
    let found = suppressions(source, tree);
    if found.is_empty() {
        return;
    }
    let mut used: Vec<Vec<bool>> = found.iter().map(|s| vec![false; s.rules.len()]).collect();
    let line_index = LineIndex::new(source);
    let mut next_line_by_start: FxHashMap<usize, Vec<usize>> = FxHashMap::default();
    let mut whole_file = Vec::new();
    for (index, suppression) in found.iter().enumerate() {
        match (suppression.kind, suppression.target) {
            (SuppressionKind::NextLine, Some(target)) => next_line_by_start
                .entry(target.start)
                .or_default()
                .push(index),
            (SuppressionKind::File, _) => whole_file.push(index),
            _ => {}
        }
    }
    diagnostics.retain(|diagnostic| {
        if diagnostic.rule == UNUSED_SUPPRESSION.name {
            return true;
        }
        let line_start = line_index.line_start(line_index.line_of(diagnostic.span.start));
        let candidates = next_line_by_start
            .get(&line_start)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let mut suppressed = false;
        for &index in candidates.iter().chain(&whole_file) {
            let suppression = &found[index];
            if !suppression.covers(diagnostic.rule, diagnostic.span.start) {
                continue;
            }
            for (position, name) in suppression.rules.iter().enumerate() {
                if name.value == diagnostic.rule {
                    used[index][position] = true;
                }
            }
            suppressed = true;
        }
        !suppressed
    });
    let Some(severity) = settings.severity_of(UNUSED_SUPPRESSION.name, UNUSED_SUPPRESSION.severity)
    else {
        return;
    };
    for (suppression, used) in found.iter().zip(&used) {
        report(source, settings, suppression, used, severity, diagnostics);
    }
}

/// Why one name of a suppression comment is reported.
enum Problem {
    Unused,
    Unknown(Option<&'static str>),
    SuppressesItself,
}

fn report(
    source: &str,
    settings: &Settings,
    suppression: &Suppression,
    used: &[bool],
    severity: Severity,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let directive_text = source.get(suppression.directive.range()).unwrap_or("");
    let new = |span: Span, message: String| {
        Diagnostic::new(&UNUSED_SUPPRESSION, span, message).with_severity(severity)
    };
    if suppression.kind == SuppressionKind::Unknown {
        let suggestion = did_you_mean(
            directive_text,
            ["amplint-disable-next-line", "amplint-disable"],
        );
        let message = match suggestion {
            Some(close) => format!(
                "`{directive_text}` is not a suppression directive and suppresses nothing; did you mean `{close}`?"
            ),
            None => format!(
                "`{directive_text}` is not a suppression directive and suppresses nothing; write `amplint-disable-next-line <rule>` (next line) or `amplint-disable <rule>` (whole file)"
            ),
        };
        let fix = match suggestion {
            Some(close) => Fix::unsafe_(
                format!("Replace with `{close}`"),
                vec![Edit::replace(suppression.directive, close)],
            ),
            None => remove_comment_fix(source, suppression),
        };
        diagnostics.push(new(suppression.directive, message).with_fix(fix));
        return;
    }
    let scope = match suppression.kind {
        SuppressionKind::NextLine => "on the next line",
        _ => "in this file",
    };
    if suppression.rules.is_empty() {
        diagnostics.push(
            new(
                suppression.comment,
                format!("`{directive_text}` names no rule and suppresses nothing; name the rules to suppress, separated by commas"),
            )
            .with_fix(remove_comment_fix(source, suppression)),
        );
        return;
    }
    let problems: Vec<Option<Problem>> = suppression
        .rules
        .iter()
        .zip(used)
        .map(|(name, &used)| {
            let name = name.value.as_str();
            if name == UNUSED_SUPPRESSION.name {
                return Some(Problem::SuppressesItself);
            }
            let Some(rule) = all_rules().iter().find(|rule| rule.meta.name == name) else {
                let names = all_rules()
                    .iter()
                    .map(|rule| rule.meta.name)
                    .filter(|name| *name != UNUSED_SUPPRESSION.name);
                return Some(Problem::Unknown(did_you_mean(name, names)));
            };
            let enabled = settings
                .severity_of(rule.meta.name, rule.meta.severity)
                .is_some();
            (enabled && !used).then_some(Problem::Unused)
        })
        .collect();
    if problems.iter().all(|p| matches!(p, Some(Problem::Unused))) {
        let names = suppression
            .rules
            .iter()
            .map(|name| format!("`{}`", name.value))
            .collect::<Vec<_>>()
            .join(" or ");
        diagnostics.push(
            new(
                suppression.comment,
                format!("this suppression comment suppresses nothing: no {names} diagnostic {scope}; remove it"),
            )
            .with_fix(remove_comment_fix(source, suppression)),
        );
        return;
    }
    for (position, problem) in problems.iter().enumerate() {
        let Some(problem) = problem else { continue };
        let name = &suppression.rules[position];
        let remove = Fix::safe(
            format!("Remove `{}` from the list", name.value),
            vec![Edit::delete(name_removal_span(suppression, position))],
        );
        let (message, fix) = match problem {
            Problem::Unused => (
                format!(
                    "`{}` is suppressed here but reports nothing {scope}; remove it from the list",
                    name.value
                ),
                remove,
            ),
            Problem::SuppressesItself => (
                "`unused-suppression` cannot be suppressed by a comment; turn it off in amplint.toml instead (`unused-suppression = \"off\"`)".to_string(),
                remove,
            ),
            Problem::Unknown(Some(close)) => (
                format!(
                    "unknown rule `{}` in a suppression comment; did you mean `{close}`?",
                    name.value
                ),
                Fix::unsafe_(
                    format!("Replace with `{close}`"),
                    vec![Edit::replace(name.span, *close)],
                ),
            ),
            Problem::Unknown(None) => (
                format!(
                    "unknown rule `{}` in a suppression comment; `amplint rule` lists every rule",
                    name.value
                ),
                remove,
            ),
        };
        diagnostics.push(new(name.span, message).with_fix(fix));
    }
}

/// Deletes the comment: its whole line when nothing else is on it, else the comment and
/// the spaces before it.
fn remove_comment_fix(source: &str, suppression: &Suppression) -> Fix {
    let comment = suppression.comment;
    let line_start = source[..comment.start].rfind('\n').map_or(0, |n| n + 1);
    let line_end = source[comment.end..]
        .find('\n')
        .map_or(source.len(), |n| comment.end + n);
    let before = &source[line_start..comment.start];
    let after = &source[comment.end..line_end];
    let blank = |text: &str| text.chars().all(|c| c == ' ' || c == '\t' || c == '\r');
    let span = if blank(before) && blank(after) {
        let end = (line_end + 1).min(source.len());
        Span::new(FileId::MAIN, line_start, end)
    } else if blank(before) {
        // Code follows the comment on its line: keep the indentation, drop the spaces after.
        let trimmed = after.trim_start_matches([' ', '\t']);
        Span::new(FileId::MAIN, comment.start, line_end - trimmed.len())
    } else {
        let trimmed = before.trim_end_matches([' ', '\t']);
        Span::new(FileId::MAIN, line_start + trimmed.len(), comment.end)
    };
    Fix::safe("Remove the suppression comment", vec![Edit::delete(span)])
}

/// The name at `position` with one separator: the one after it, or for the last name the
/// one before it.
fn name_removal_span(suppression: &Suppression, position: usize) -> Span {
    let names = &suppression.rules;
    let name = names[position].span;
    if let Some(next) = names.get(position + 1) {
        Span::new(FileId::MAIN, name.start, next.span.start)
    } else if position > 0 {
        Span::new(FileId::MAIN, names[position - 1].span.end, name.end)
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Severity;
    use crate::settings::Settings;
    use crate::syntax::SourceKind;

    const SCHEMA: &str = "import { a } from '@aws-amplify/backend';\nconst schema = a.schema({\n  Member: a.model({\n    teamId: a.id(),\n    // amplint-disable-next-line unknown-related-model, public-auth\n    team: a.belongsTo('Teem', 'teamId'),\n  }),\n}).authorization((allow) => allow.publicApiKey());\n";

    fn rules_of(source: &str, settings: &Settings) -> Vec<(&'static str, String)> {
        crate::check(source, SourceKind::TypeScript, settings)
            .diagnostics
            .into_iter()
            .map(|d| (d.rule, source[d.span.range()].to_string()))
            .collect()
    }

    #[test]
    fn a_partly_used_next_line_comment_reports_the_unused_name() {
        assert_eq!(
            rules_of(SCHEMA, &Settings::default()),
            [("unused-suppression", "public-auth".to_string())]
        );
    }

    #[test]
    fn names_of_rules_turned_off_are_not_unused() {
        let mut settings = Settings::default();
        settings
            .rule_severity
            .insert("public-auth".to_string(), None);
        assert!(rules_of(SCHEMA, &settings).is_empty());
        settings
            .rule_severity
            .insert("unused-suppression".to_string(), Some(Severity::Error));
        settings.rule_severity.remove("public-auth");
        let result = crate::check(SCHEMA, SourceKind::TypeScript, &settings);
        assert_eq!(result.diagnostics[0].severity, Severity::Error);
    }

    #[test]
    fn without_the_comment_the_diagnostic_shows() {
        let source = SCHEMA.replace("amplint-disable-next-line", "see");
        assert_eq!(
            rules_of(&source, &Settings::default()),
            [("unknown-related-model", "'Teem'".to_string())]
        );
    }
}
