//! The rules, one file each, grouped by the catalog's sections.

pub(crate) mod authorization;
pub(crate) mod enums;
pub(crate) mod fields;
pub(crate) mod identifiers;
pub(crate) mod relationships;
pub(crate) mod suppressions;
pub(crate) mod syntax_error;

use std::sync::{LazyLock, OnceLock};

use crate::diagnostic::Diagnostic;
use crate::model::{FileModel, Schema};
use crate::registry::Rule;
use crate::settings::Settings;
use crate::span::Span;

/// Every rule, in catalog order.
pub(crate) static RULES: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    [
        relationships::RULES,
        identifiers::RULES,
        enums::RULES,
        authorization::RULES,
        fields::RULES,
        syntax_error::RULES,
        suppressions::RULES,
    ]
    .concat()
});

/// What a rule's check function sees: the extracted model, the source text and the
/// settings; and where it reports.
pub struct Context<'a> {
    pub file: &'a FileModel,
    pub source: &'a str,
    pub settings: &'a Settings,
    pub(crate) syntax_error: Option<Span>,
    shared: &'a Shared<'a>,
    diagnostics: Vec<Diagnostic>,
}

/// What several rules read from one file's model, computed once, by the first rule that
/// asks, for all of them (while the other rules run on other threads).
#[derive(Default)]
pub(crate) struct Shared<'a> {
    /// Which relationship answers which, per schema.
    pairings: OnceLock<Vec<relationships::pairing::Pairing<'a>>>,
    /// Every `.authorization(...)` call, for the five authorization rules that walk them
    /// (built once instead of five times: on a 200-model schema 79 KB and about 15 us each).
    authorization_sites: OnceLock<Vec<authorization::AuthSite<'a>>>,
}

impl<'a> Context<'a> {
    pub(crate) fn new(
        file: &'a FileModel,
        source: &'a str,
        settings: &'a Settings,
        shared: &'a Shared<'a>,
    ) -> Context<'a> {
        Context {
            file,
            source,
            settings,
            syntax_error: None,
            shared,
            diagnostics: Vec::new(),
        }
    }

    /// The relationship pairings of every schema of the file.
    pub(crate) fn relationship_pairings(&self) -> &'a [relationships::pairing::Pairing<'a>] {
        let file: &'a FileModel = self.file;
        self.shared.pairings.get_or_init(|| {
            file.schemas
                .iter()
                .map(relationships::pairing::Pairing::new)
                .collect()
        })
    }

    /// Every `.authorization(...)` call of the file ([`authorization::authorization_sites`]).
    pub(crate) fn authorization_sites(&self) -> &'a [authorization::AuthSite<'a>] {
        let file: &'a FileModel = self.file;
        self.shared
            .authorization_sites
            .get_or_init(|| authorization::authorization_sites(file))
    }

    pub fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    pub fn schemas(&self) -> &'a [Schema] {
        &self.file.schemas
    }

    /// The source text of `span`.
    pub fn text(&self, span: Span) -> &'a str {
        self.source.get(span.range()).unwrap_or("")
    }

    pub(crate) fn len(&self) -> usize {
        self.diagnostics.len()
    }

    /// Sets the severity of the diagnostics reported since `start` (a configured override).
    pub(crate) fn set_severity_from(
        &mut self,
        start: usize,
        severity: crate::diagnostic::Severity,
    ) {
        for diagnostic in &mut self.diagnostics[start..] {
            diagnostic.severity = severity;
        }
    }

    pub(crate) fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics
    }
}
