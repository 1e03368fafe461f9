//! Suppression comments in the editor: "Disable <rule> for this line" actions, and hover
//! on the rule names inside `// amplint-disable...` comments.

use amplint_rules::suppression::{disable_for_line_edit, rule_names_at};
use tower_lsp::lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, NumberOrString, TextEdit,
};

use super::code_actions::document_edit;
use super::document::Snapshot;
use super::encoding::PositionMapper;

/// One "Disable <rule> for this line" quick fix per amplint diagnostic in the request.
pub fn disable_actions(
    params: &CodeActionParams,
    snapshot: &Snapshot,
    mapper: &PositionMapper<'_>,
) -> Vec<CodeActionOrCommand> {
    let wants_quickfix = params.context.only.as_ref().is_none_or(|only| {
        only.iter()
            .any(|kind| CodeActionKind::QUICKFIX.as_str().starts_with(kind.as_str()))
    });
    if !wants_quickfix {
        return Vec::new();
    }
    let mut seen = Vec::new();
    params
        .context
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.source.as_deref() == Some("amplint"))
        .filter_map(|diagnostic| {
            let Some(NumberOrString::String(rule)) = &diagnostic.code else {
                return None;
            };
            if rule == "unused-suppression" || rule == "syntax-error" {
                return None;
            }
            let offset = mapper.offset(diagnostic.range.start);
            let line = mapper.position(offset).line;
            if seen.contains(&(rule.clone(), line)) {
                return None;
            }
            seen.push((rule.clone(), line));
            let edit = disable_for_line_edit(&snapshot.text, &snapshot.tree, offset, rule);
            let text_edit = TextEdit::new(mapper.range(edit.span), edit.text);
            Some(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("Disable {rule} for this line"),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostic.clone()]),
                edit: Some(document_edit(
                    &params.text_document.uri,
                    snapshot.version,
                    vec![text_edit],
                )),
                is_preferred: Some(false),
                ..CodeAction::default()
            }))
        })
        .collect()
}

/// The documentation of the rule named at `offset` inside a suppression comment.
pub fn rule_hover(snapshot: &Snapshot, offset: usize) -> Option<(String, amplint_rules::Span)> {
    let name = rule_names_at(&snapshot.text, &snapshot.tree, offset)
        .into_iter()
        .find(|name| name.span.start <= offset && offset <= name.span.end)?;
    let rule = amplint_rules::rule(&name.value)?;
    let markdown = format!(
        "**{}** ({} by default)\n\n{}",
        rule.meta.name,
        rule.meta.severity,
        rule.meta.documentation()
    );
    Some((markdown, name.span))
}
