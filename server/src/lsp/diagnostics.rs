//! Engine diagnostics as LSP diagnostics, each carrying its fix in `data`.

use amplint_rules::line_index::Encoding;
use amplint_rules::project::Project;
use amplint_rules::{
    check_tree, check_tree_after_edit, Applicability, CheckResult, Diagnostic, FileId, Settings,
    Severity, Span,
};
use serde::{Deserialize, Serialize};
use tower_lsp::lsp_types::{
    self, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, TextEdit, Url,
};

use super::backend::KeptModel;
use super::document::Snapshot;
use super::encoding::PositionMapper;

/// The `source` of every diagnostic amplint publishes.
pub const SOURCE: &str = "amplint";

/// A diagnostic's fix as it travels in the LSP diagnostic's `data`, ready for the
/// code-action handler: no re-linting needed.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct FixData {
    pub title: String,
    /// `safe`, `unsafe` or `display-only`.
    pub applicability: String,
    /// The document version the edits apply to.
    pub version: i32,
    /// In the negotiated position encoding.
    pub edits: Vec<TextEdit>,
    /// Edits in other files of the project (the counterpart a relationship fix adds to the
    /// model it names), one entry per file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub elsewhere: Vec<FileEdits>,
}

/// A fix's edits in one other file.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct FileEdits {
    pub uri: Url,
    /// The version of the file open in the editor that the edits apply to; `None` when the
    /// file is not open (they apply to it as it is on disk).
    pub version: Option<i32>,
    pub edits: Vec<TextEdit>,
}

impl FixData {
    pub fn is_safe(&self) -> bool {
        self.applicability == Applicability::Safe.as_str()
    }
}

/// Checks a document and converts what the engine found. `previous` is the model of an
/// earlier check of the document (of a clean parse): when the document remembers the
/// edits since, only what they touched is read again ([`check_tree_after_edit`]). Also
/// returns the engine's result, so the caller can keep the model for the next check, or
/// free it after publishing (freeing a large model takes a good part of a check's time).
pub fn compute(
    uri: &Url,
    snapshot: &Snapshot,
    settings: &Settings,
    encoding: Encoding,
    previous: Option<KeptModel>,
) -> (Vec<lsp_types::Diagnostic>, CheckResult) {
    let since = previous
        .filter(|kept| kept.opening == snapshot.opening)
        .and_then(|kept| Some((kept.model, snapshot.change_since(kept.version)?)));
    let result = match since {
        Some((model, change)) => {
            check_tree_after_edit(&snapshot.text, &snapshot.tree, settings, model, change).0
        }
        None => check_tree(&snapshot.text, &snapshot.tree, settings),
    };
    let mapper = PositionMapper::new(&snapshot.text, encoding);
    let diagnostics = result
        .diagnostics
        .iter()
        .map(|diagnostic| to_lsp(diagnostic, uri, snapshot.version, &mapper))
        .collect();
    (diagnostics, result)
}

fn to_lsp(
    diagnostic: &Diagnostic,
    uri: &Url,
    version: i32,
    mapper: &PositionMapper<'_>,
) -> lsp_types::Diagnostic {
    let fix = diagnostic.fix.as_ref().map(|fix| FixData {
        title: fix.title.clone(),
        applicability: fix.applicability.as_str().to_string(),
        version,
        edits: fix
            .edits
            .iter()
            .map(|edit| TextEdit::new(mapper.range(edit.span), edit.text.clone()))
            .collect(),
        elsewhere: Vec::new(),
    });
    convert(
        diagnostic,
        |span| mapper.range(span),
        |span| (span.file == FileId::MAIN).then(|| Location::new(uri.clone(), mapper.range(span))),
        fix,
    )
}

/// A project diagnostic for the file it lives in: ranges in that file's text, related
/// information in whichever file each label is. Its fix travels with it when the file is
/// open (`version`), with its edits in other files of the project by file, each with the
/// version `open_version` gives for it (`None` for a file that is not open).
pub fn project_to_lsp(
    project: &Project,
    diagnostic: &Diagnostic,
    encoding: Encoding,
    mapper: &PositionMapper<'_>,
    version: Option<i32>,
    open_version: &dyn Fn(&Url) -> Option<i32>,
) -> lsp_types::Diagnostic {
    let local = |span: Span| {
        let range = project.local(span);
        mapper.range(Span::new(FileId::MAIN, range.start, range.end))
    };
    let own_file = diagnostic.span.file;
    let fix = version
        .zip(diagnostic.fix.as_ref())
        .and_then(|(version, fix)| {
            let mut data = FixData {
                title: fix.title.clone(),
                applicability: fix.applicability.as_str().to_string(),
                version,
                edits: Vec::new(),
                elsewhere: Vec::new(),
            };
            for edit in &fix.edits {
                if edit.span.file == own_file {
                    data.edits
                        .push(TextEdit::new(local(edit.span), edit.text.clone()));
                    continue;
                }
                // A fix that edits a file it cannot name is not offered.
                let location = super::workspace::location(project, edit.span, encoding)?;
                let text_edit = TextEdit::new(location.range, edit.text.clone());
                match data
                    .elsewhere
                    .iter_mut()
                    .find(|other| other.uri == location.uri)
                {
                    Some(other) => other.edits.push(text_edit),
                    None => data.elsewhere.push(FileEdits {
                        version: open_version(&location.uri),
                        uri: location.uri,
                        edits: vec![text_edit],
                    }),
                }
            }
            Some(data)
        });
    convert(
        diagnostic,
        local,
        |span| super::workspace::location(project, span, encoding),
        fix,
    )
}

fn convert(
    diagnostic: &Diagnostic,
    range: impl Fn(Span) -> lsp_types::Range,
    location: impl Fn(Span) -> Option<Location>,
    fix: Option<FixData>,
) -> lsp_types::Diagnostic {
    let related_information: Vec<DiagnosticRelatedInformation> = diagnostic
        .labels
        .iter()
        .filter_map(|label| {
            Some(DiagnosticRelatedInformation {
                location: location(label.span)?,
                message: label.message.clone(),
            })
        })
        .collect();
    lsp_types::Diagnostic {
        range: range(diagnostic.span),
        severity: Some(severity(diagnostic.severity)),
        code: Some(NumberOrString::String(diagnostic.rule.to_string())),
        code_description: None,
        source: Some(SOURCE.to_string()),
        message: diagnostic.message.clone(),
        related_information: (!related_information.is_empty()).then_some(related_information),
        tags: None,
        data: fix.and_then(|fix| serde_json::to_value(fix).ok()),
    }
}

fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

/// The fix a published diagnostic carries, if any.
pub fn fix_of(diagnostic: &lsp_types::Diagnostic) -> Option<FixData> {
    if diagnostic.source.as_deref() != Some(SOURCE) {
        return None;
    }
    serde_json::from_value(diagnostic.data.clone()?).ok()
}
