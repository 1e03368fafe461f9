//! Quick fixes (decoded from the diagnostics' `data`) and `source.fixAll.amplint`.

use amplint_rules::line_index::Encoding;
use amplint_rules::{fix_all, Applicability, FileId, ProjectFixResult, Settings, Span};
use tower_lsp::lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, DocumentChanges, OneOf,
    OptionalVersionedTextDocumentIdentifier, TextDocumentEdit, TextEdit, Url, WorkspaceEdit,
};

use super::diagnostics::fix_of;
use super::document::Snapshot;
use super::encoding::PositionMapper;
use crate::projects::identity;

/// The kind of the action that applies every safe fix.
pub fn fix_all_kind() -> CodeActionKind {
    CodeActionKind::new("source.fixAll.amplint")
}

/// Whether the client asked for actions of `kind` (no `only` means every kind).
fn wanted(params: &CodeActionParams, kind: &CodeActionKind) -> bool {
    match &params.context.only {
        None => true,
        Some(only) => only.iter().any(|asked| {
            kind.as_str() == asked.as_str()
                || kind
                    .as_str()
                    .strip_prefix(asked.as_str())
                    .is_some_and(|rest| rest.starts_with('.'))
        }),
    }
}

/// One quick fix per diagnostic that carries a fix for the current version. A fix that also
/// edits other files of the project is offered while each of those that is open in the
/// editor is still at the version the fix was made for (`open_version` gives the current
/// one, `None` for a file that is not open); the client checks the versions again as it
/// applies the edit.
pub fn quick_fixes(
    params: &CodeActionParams,
    current_version: i32,
    open_version: &dyn Fn(&Url) -> Option<i32>,
) -> Vec<CodeActionOrCommand> {
    if !wanted(params, &CodeActionKind::QUICKFIX) {
        return Vec::new();
    }
    let uri = &params.text_document.uri;
    params
        .context
        .diagnostics
        .iter()
        .filter_map(|diagnostic| {
            let fix = fix_of(diagnostic)?;
            let current = fix.version == current_version
                && fix
                    .elsewhere
                    .iter()
                    .all(|other| other.version == open_version(&other.uri));
            if !current || (fix.edits.is_empty() && fix.elsewhere.is_empty()) {
                return None;
            }
            let mut changes = Vec::with_capacity(1 + fix.elsewhere.len());
            if !fix.edits.is_empty() {
                changes.push(text_document_edit(
                    uri,
                    Some(current_version),
                    fix.edits.clone(),
                ));
            }
            changes.extend(
                fix.elsewhere.iter().map(|other| {
                    text_document_edit(&other.uri, other.version, other.edits.clone())
                }),
            );
            Some(CodeActionOrCommand::CodeAction(CodeAction {
                title: fix.title.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostic.clone()]),
                edit: Some(workspace_edit(changes)),
                is_preferred: Some(fix.is_safe()),
                ..CodeAction::default()
            }))
        })
        .collect()
}

/// Whether the client asked for the fix-all action (it costs a whole check and fixing).
pub fn wants_fix_all(params: &CodeActionParams) -> bool {
    wanted(params, &fix_all_kind())
}

/// Every safe fix applied to a fixed point, as one minimal edit; `None` when nothing
/// changes.
pub fn fix_all_action(
    params: &CodeActionParams,
    snapshot: &Snapshot,
    settings: &Settings,
    encoding: Encoding,
) -> Option<CodeActionOrCommand> {
    if !wants_fix_all(params) {
        return None;
    }
    let result = fix_all(&snapshot.text, snapshot.kind, settings, Applicability::Safe);
    if result.applied == 0 || *result.text == *snapshot.text {
        return None;
    }
    let (span, replacement) = minimal_replacement(&snapshot.text, &result.text);
    let mapper = PositionMapper::new(&snapshot.text, encoding);
    let edit = TextEdit::new(mapper.range(span), replacement.to_string());
    Some(fix_all_code_action(
        result.applied,
        document_edit(&params.text_document.uri, snapshot.version, vec![edit]),
    ))
}

/// [`fix_all_action`] for a document that is part of a project: every safe fix of the
/// project (`fixed`, from [`amplint_rules::fix_project`] over the open buffers), one minimal
/// edit per file it changes: the document at its version, other open files at theirs
/// (`open_version`), files that are not open as they are on disk.
pub fn fix_all_project_action(
    fixed: &ProjectFixResult,
    encoding: Encoding,
    open_version: &dyn Fn(&Url) -> Option<i32>,
) -> Option<CodeActionOrCommand> {
    if fixed.applied == 0 || fixed.rejected_syntax_error || fixed.changed.is_empty() {
        return None;
    }
    let mut changes = Vec::with_capacity(fixed.changed.len());
    for (id, original) in &fixed.changed {
        let file = fixed.project.file(*id)?;
        let uri = Url::from_file_path(identity(&file.path)).ok()?;
        let (span, replacement) = minimal_replacement(original, fixed.project.source(*id));
        let mapper = PositionMapper::new(original, encoding);
        let edit = TextEdit::new(mapper.range(span), replacement.to_string());
        changes.push(text_document_edit(&uri, open_version(&uri), vec![edit]));
    }
    Some(fix_all_code_action(fixed.applied, workspace_edit(changes)))
}

fn fix_all_code_action(applied: usize, edit: WorkspaceEdit) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title: format!(
            "Fix all safe amplint problems ({applied} fix{})",
            if applied == 1 { "" } else { "es" }
        ),
        kind: Some(fix_all_kind()),
        edit: Some(edit),
        ..CodeAction::default()
    })
}

pub(crate) fn document_edit(uri: &Url, version: i32, edits: Vec<TextEdit>) -> WorkspaceEdit {
    workspace_edit(vec![text_document_edit(uri, Some(version), edits)])
}

fn workspace_edit(changes: Vec<TextDocumentEdit>) -> WorkspaceEdit {
    WorkspaceEdit {
        changes: None,
        document_changes: Some(DocumentChanges::Edits(changes)),
        change_annotations: None,
    }
}

fn text_document_edit(uri: &Url, version: Option<i32>, edits: Vec<TextEdit>) -> TextDocumentEdit {
    TextDocumentEdit {
        text_document: OptionalVersionedTextDocumentIdentifier {
            uri: uri.clone(),
            version,
        },
        edits: edits.into_iter().map(OneOf::Left).collect(),
    }
}

/// The smallest span of `old` to replace (and its replacement from `new`) that turns
/// `old` into `new`: the common prefix and suffix are kept. The span's ends sit on
/// character boundaries and never between the `\r` and `\n` of a line ending (a place
/// no LSP position can name).
pub fn minimal_replacement<'n>(old: &str, new: &'n str) -> (Span, &'n str) {
    let (old_bytes, new_bytes) = (old.as_bytes(), new.as_bytes());
    let mut prefix = old_bytes
        .iter()
        .zip(new_bytes)
        .take_while(|(a, b)| a == b)
        .count();
    while prefix > 0
        && (!old.is_char_boundary(prefix)
            || !new.is_char_boundary(prefix)
            || old_bytes[prefix - 1] == b'\r')
    {
        prefix -= 1;
    }
    let longest_suffix = old.len().min(new.len()) - prefix;
    let mut suffix = old_bytes
        .iter()
        .rev()
        .zip(new_bytes.iter().rev())
        .take(longest_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    while suffix > 0
        && (!old.is_char_boundary(old.len() - suffix)
            || !new.is_char_boundary(new.len() - suffix)
            || old_bytes[old.len() - suffix] == b'\n')
    {
        suffix -= 1;
    }
    let span = Span::new(FileId::MAIN, prefix, old.len() - suffix);
    (span, &new[prefix..new.len() - suffix])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(old: &str, new: &str) -> String {
        let (span, replacement) = minimal_replacement(old, new);
        format!("{}{}{}", &old[..span.start], replacement, &old[span.end..])
    }

    #[test]
    fn minimal_replacements_reproduce_the_new_text() {
        let cases = [
            ("abc", "abc"),
            ("abc", "abXc"),
            ("'Teem'", "'Team'"),
            ("a\r\nb", "a\nb"),
            ("a\nb", "a\r\nb"),
            ("😀", "😁"),
            ("한국어", "한국"),
            ("", "x"),
            ("x", ""),
            ("aaaa", "aa"),
        ];
        for (old, new) in cases {
            assert_eq!(apply(old, new), new, "{old:?} -> {new:?}");
            let (span, _) = minimal_replacement(old, new);
            assert!(!old[..span.start].ends_with('\r'));
            assert!(
                !old[span.end..].starts_with('\n')
                    || span.end == 0
                    || !old[..span.end].ends_with('\r')
            );
        }
    }
}
