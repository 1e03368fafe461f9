//! The `LanguageServer` implementation: each handler converts positions in, calls a small
//! function of this module's siblings, and converts the result out.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use amplint_rules::line_index::Encoding;
use amplint_rules::{Settings, SourceKind, Span};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tower_lsp::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp::lsp_types::*;
use tower_lsp::{Client, LanguageServer};

use super::checker::Checker;
use super::code_actions::{self, fix_all_kind};
use super::completion::{self, CandidateKind};
use super::diagnostics;
use super::document::{Document, Snapshot};
use super::encoding::{encoding_kind, negotiate, PositionMapper};
use super::{hover, navigation, suppressions, symbols};
use crate::config::Config;
use crate::memory;

/// State shared by every handler and the diagnostics tasks.
pub(crate) struct Shared {
    /// Locked only for short synchronous work, never across an `.await`.
    documents: Mutex<HashMap<Url, Document>>,
    encoding: Mutex<Encoding>,
    /// `amplint.toml` files, found by walking up from each document (the nearest wins),
    /// read once and forgotten when one changes.
    config: Config,
    /// The last configuration error shown to the user, so it is shown once, not per edit.
    last_config_error: Mutex<Option<String>>,
    /// Whether the client lets the server register file watchers.
    can_watch_files: std::sync::atomic::AtomicBool,
    /// Held while checking that diagnostics are current and publishing them, so an older
    /// version's diagnostics can never overtake a newer one's.
    publish_gate: tokio::sync::Mutex<()>,
    /// Whether the debugging requests that can make a handler fail on purpose answer.
    debug_requests: bool,
}

impl Shared {
    fn documents(&self) -> MutexGuard<'_, HashMap<Url, Document>> {
        self.documents
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn encoding(&self) -> Encoding {
        *self.encoding.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn snapshot(&self, uri: &Url) -> Option<Snapshot> {
        self.documents().get(uri).map(Document::snapshot)
    }

    /// The engine settings for a document from its nearest `amplint.toml`, and the
    /// configuration error when that file is broken (the defaults apply meanwhile).
    fn settings_for(&self, uri: &Url) -> (Settings, Option<String>) {
        let Ok(path) = uri.to_file_path() else {
            return (Settings::default(), None);
        };
        match self.config.discover(&path) {
            Ok(Some(loaded)) => (loaded.settings(), None),
            Ok(None) => (Settings::default(), None),
            Err(error) => (
                Settings::default(),
                Some(format!("{:?}", miette::Report::new(error))),
            ),
        }
    }

    fn is_current(&self, uri: &Url, version: i32) -> bool {
        self.documents()
            .get(uri)
            .is_some_and(|document| document.version == version)
    }
}

pub struct Backend {
    client: Client,
    shared: Arc<Shared>,
    checker: Checker,
    /// Told when `shutdown` was answered (the stdio server then stops).
    shut_down: Option<Arc<tokio::sync::Notify>>,
}

/// The answer to `amplint/debugText`: the server's copy of a document.
#[derive(Debug, Serialize, Deserialize)]
pub struct DebugText {
    pub version: i32,
    pub text: String,
    /// Whether the incrementally maintained tree equals a fresh parse of the text.
    pub tree_matches_fresh_parse: bool,
}

/// Runs engine work, turning a panic into an error message.
pub(crate) fn guarded<T>(work: impl FnOnce() -> T) -> std::result::Result<T, String> {
    std::panic::catch_unwind(AssertUnwindSafe(work)).map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|message| message.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string())
    })
}

fn source_kind(uri: &Url, language_id: &str) -> SourceKind {
    match language_id {
        "typescriptreact" | "javascriptreact" => SourceKind::Tsx,
        "typescript" | "javascript" => SourceKind::TypeScript,
        _ => SourceKind::from_path(uri.path()).unwrap_or(SourceKind::TypeScript),
    }
}

impl Backend {
    pub(crate) fn new(
        client: Client,
        debug_requests: bool,
        shut_down: Option<Arc<tokio::sync::Notify>>,
    ) -> Backend {
        Backend {
            client,
            shut_down,
            checker: Checker::start(),
            shared: Arc::new(Shared {
                documents: Mutex::new(HashMap::new()),
                encoding: Mutex::new(Encoding::Utf16),
                config: Config::new(),
                last_config_error: Mutex::new(None),
                can_watch_files: std::sync::atomic::AtomicBool::new(false),
                publish_gate: tokio::sync::Mutex::new(()),
                debug_requests,
            }),
        }
    }

    /// Shows a broken `amplint.toml` once (and logs it), until it changes.
    async fn report_config_error(&self, error: Option<String>) {
        let changed = {
            let mut last = self
                .shared
                .last_config_error
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            let changed = *last != error;
            last.clone_from(&error);
            changed
        };
        if let (true, Some(error)) = (changed, error) {
            let message =
                format!("amplint: the configuration cannot be used (defaults apply):\n{error}");
            self.client.log_message(MessageType::ERROR, &message).await;
            self.client.show_message(MessageType::ERROR, message).await;
        }
    }

    /// Re-checks every open document (after a configuration change).
    async fn republish_all(&self) {
        let snapshots: Vec<(Url, Snapshot)> = self
            .shared
            .documents()
            .iter()
            .map(|(uri, document)| (uri.clone(), document.snapshot()))
            .collect();
        for (uri, snapshot) in snapshots {
            self.publish_diagnostics(uri, snapshot).await;
        }
    }

    async fn log_failure(&self, what: &str, message: &str) {
        self.client
            .log_message(
                MessageType::ERROR,
                format!("amplint: {what} failed: {message}"),
            )
            .await;
    }

    /// Runs a request's work on the document's snapshot; a panic is logged and answered
    /// with an internal error. A document that is not open answers with the default.
    async fn on_document<T: Default>(
        &self,
        what: &str,
        uri: &Url,
        work: impl FnOnce(&Snapshot, &PositionMapper<'_>) -> T,
    ) -> Result<T> {
        let Some(snapshot) = self.shared.snapshot(uri) else {
            return Ok(T::default());
        };
        let encoding = self.shared.encoding();
        let outcome = guarded(|| {
            let mapper = PositionMapper::new(&snapshot.text, encoding);
            work(&snapshot, &mapper)
        });
        memory::release_freed_memory_if_large();
        match outcome {
            Ok(value) => Ok(value),
            Err(message) => {
                self.log_failure(what, &message).await;
                Err(internal_error(what, &message))
            }
        }
    }

    /// Checks `snapshot` off the async threads and publishes its diagnostics, unless a
    /// newer version arrived meanwhile.
    async fn publish_diagnostics(&self, uri: Url, snapshot: Snapshot) {
        let shared = self.shared.clone();
        let version = snapshot.version;
        let encoding = shared.encoding();
        let task_uri = uri.clone();
        let computed = self
            .checker
            .run(move |answer| {
                if !shared.is_current(&task_uri, version) {
                    return answer.send(None);
                }
                let (settings, config_error) = shared.settings_for(&task_uri);
                match guarded(|| diagnostics::compute(&task_uri, &snapshot, &settings, encoding)) {
                    Ok((diagnostics, checked)) => {
                        answer.send(Some(Ok((diagnostics, config_error))));
                        // Freeing a large model is slow: after answering.
                        drop(checked);
                    }
                    Err(message) => answer.send(Some(Err(message))),
                }
            })
            .await;
        match computed {
            Some(Some(Ok((diagnostics, config_error)))) => {
                self.report_config_error(config_error).await;
                let _gate = self.shared.publish_gate.lock().await;
                if self.shared.is_current(&uri, version) {
                    self.client
                        .publish_diagnostics(uri, diagnostics, Some(version))
                        .await;
                }
            }
            Some(Some(Err(message))) => self.log_failure("checking the document", &message).await,
            Some(None) => {}
            None => {
                self.log_failure("checking the document", "the checker thread stopped")
                    .await
            }
        }
    }

    /// `amplint/debugText`: the server's text of a document, so tests can prove that
    /// incremental sync kept it identical to the client's.
    pub async fn debug_text(&self, params: TextDocumentIdentifier) -> Result<Option<DebugText>> {
        let Some(snapshot) = self.shared.snapshot(&params.uri) else {
            return Ok(None);
        };
        let fresh = guarded(|| amplint_rules::syntax::parse(snapshot.kind, &snapshot.text, None))
            .map_err(|message| internal_error("amplint/debugText", &message))?;
        Ok(Some(DebugText {
            version: snapshot.version,
            text: snapshot.text.to_string(),
            tree_matches_fresh_parse: fresh.root_node().to_sexp()
                == snapshot.tree.root_node().to_sexp(),
        }))
    }

    /// `amplint/debugPanic`: fails inside a handler on purpose (only when the server was
    /// built with debugging requests), to show that the server survives it.
    pub async fn debug_panic(&self, params: TextDocumentIdentifier) -> Result<Value> {
        if !self.shared.debug_requests {
            return Err(Error::method_not_found());
        }
        self.on_document("amplint/debugPanic", &params.uri, |_, _| -> Value {
            panic!("a deliberate failure for testing")
        })
        .await
    }
}

fn internal_error(what: &str, message: &str) -> Error {
    Error {
        code: ErrorCode::InternalError,
        message: format!("amplint: {what} failed: {message}").into(),
        data: None,
    }
}

fn refusal(message: String) -> Error {
    Error {
        code: ErrorCode::InvalidRequest,
        message: message.into(),
        data: None,
    }
}

#[tower_lsp::async_trait]
impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let offered = params
            .capabilities
            .general
            .as_ref()
            .and_then(|general| general.position_encodings.as_deref());
        let encoding = negotiate(offered);
        let can_watch_files = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|workspace| workspace.did_change_watched_files.as_ref())
            .and_then(|watched| watched.dynamic_registration)
            .unwrap_or(false);
        self.shared
            .can_watch_files
            .store(can_watch_files, std::sync::atomic::Ordering::Relaxed);
        *self
            .shared
            .encoding
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = encoding;
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(encoding_kind(encoding)),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        ..TextDocumentSyncOptions::default()
                    },
                )),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, fix_all_kind()]),
                        resolve_provider: Some(false),
                        ..CodeActionOptions::default()
                    },
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                definition_provider: Some(OneOf::Left(true)),
                references_provider: Some(OneOf::Left(true)),
                rename_provider: Some(OneOf::Right(RenameOptions {
                    prepare_provider: Some(true),
                    work_done_progress_options: WorkDoneProgressOptions::default(),
                })),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(
                        ["'", "\"", "`", ".", "[", ",", " "]
                            .map(String::from)
                            .to_vec(),
                    ),
                    ..CompletionOptions::default()
                }),
                document_symbol_provider: Some(OneOf::Left(true)),
                ..ServerCapabilities::default()
            },
            server_info: Some(ServerInfo {
                name: "amplint".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        if !self
            .shared
            .can_watch_files
            .load(std::sync::atomic::Ordering::Relaxed)
        {
            return;
        }
        // Watch `amplint.toml` files so a change re-checks the open documents. Clients that
        // do not support dynamic registration simply never send the notification.
        let watchers = DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![FileSystemWatcher {
                glob_pattern: GlobPattern::String("**/amplint.toml".to_string()),
                kind: None,
            }],
        };
        let registration = Registration {
            id: "amplint-config".to_string(),
            method: "workspace/didChangeWatchedFiles".to_string(),
            register_options: serde_json::to_value(watchers).ok(),
        };
        if let Err(error) = self.client.register_capability(vec![registration]).await {
            self.client
                .log_message(
                    MessageType::LOG,
                    format!("amplint: not watching amplint.toml: {error}"),
                )
                .await;
        }
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let config_changed = params
            .changes
            .iter()
            .any(|change| change.uri.path().ends_with("/amplint.toml"));
        if config_changed {
            self.shared.config.clear();
            self.republish_all().await;
        }
    }

    async fn shutdown(&self) -> Result<()> {
        if let Some(shut_down) = &self.shut_down {
            shut_down.notify_one();
        }
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let document = params.text_document;
        let kind = source_kind(&document.uri, &document.language_id);
        let opened = guarded(|| Document::open(&document.text, document.version, kind));
        let snapshot = match opened {
            Ok(opened) => {
                let snapshot = opened.snapshot();
                self.shared.documents().insert(document.uri.clone(), opened);
                snapshot
            }
            Err(message) => return self.log_failure("opening the document", &message).await,
        };
        self.publish_diagnostics(document.uri, snapshot).await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let encoding = self.shared.encoding();
        // Applied before the first `.await`: edits are never reordered.
        let applied = {
            let mut documents = self.shared.documents();
            let Some(document) = documents.get_mut(&uri) else {
                return;
            };
            guarded(|| {
                document.apply_changes(
                    &params.content_changes,
                    params.text_document.version,
                    encoding,
                );
                document.snapshot()
            })
        };
        match applied {
            Ok(snapshot) => self.publish_diagnostics(uri, snapshot).await,
            Err(message) => {
                self.shared.documents().remove(&uri);
                self.log_failure("applying the change (the document was closed)", &message)
                    .await
            }
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        self.shared.documents().remove(&uri);
        let _gate = self.shared.publish_gate.lock().await;
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri.clone();
        let (settings, _) = self.shared.settings_for(&uri);
        let encoding = self.shared.encoding();
        self.on_document("code action", &uri, |snapshot, mapper| {
            let mut actions = code_actions::quick_fixes(&params, snapshot.version);
            actions.extend(suppressions::disable_actions(&params, snapshot, mapper));
            actions.extend(code_actions::fix_all_action(
                &params, snapshot, &settings, encoding,
            ));
            Some(actions)
        })
        .await
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let position = params.text_document_position_params;
        self.on_document("hover", &position.text_document.uri, |snapshot, mapper| {
            let offset = mapper.offset(position.position);
            let (markdown, span) = suppressions::rule_hover(snapshot, offset)
                .or_else(|| hover::hover(snapshot, offset))?;
            Some(Hover {
                contents: HoverContents::Markup(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: markdown,
                }),
                range: Some(mapper.range(span)),
            })
        })
        .await
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let position = params.text_document_position_params;
        let uri = position.text_document.uri.clone();
        self.on_document("go to definition", &uri, |snapshot, mapper| {
            let span = navigation::definition(snapshot, mapper.offset(position.position))?;
            Some(GotoDefinitionResponse::Scalar(Location::new(
                uri.clone(),
                mapper.range(span),
            )))
        })
        .await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let position = params.text_document_position;
        let uri = position.text_document.uri.clone();
        self.on_document("find references", &uri, |snapshot, mapper| {
            let spans = navigation::references(
                snapshot,
                mapper.offset(position.position),
                params.context.include_declaration,
            );
            Some(
                spans
                    .into_iter()
                    .map(|span| Location::new(uri.clone(), mapper.range(span)))
                    .collect(),
            )
        })
        .await
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        let outcome = self
            .on_document(
                "prepare rename",
                &params.text_document.uri,
                |snapshot, mapper| {
                    Some(
                        navigation::prepare_rename(snapshot, mapper.offset(params.position)).map(
                            |(span, placeholder)| PrepareRenameResponse::RangeWithPlaceholder {
                                range: mapper.range(span),
                                placeholder,
                            },
                        ),
                    )
                },
            )
            .await?;
        match outcome {
            None => Ok(None),
            Some(Ok(response)) => Ok(Some(response)),
            Some(Err(reason)) => Err(refusal(reason)),
        }
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let position = params.text_document_position;
        let uri = position.text_document.uri.clone();
        let outcome = self
            .on_document("rename", &uri, |snapshot, mapper| {
                let edits = navigation::rename(
                    snapshot,
                    mapper.offset(position.position),
                    &params.new_name,
                );
                Some(edits.map(|edits| {
                    let edits = edits
                        .into_iter()
                        .map(|(span, text)| OneOf::Left(TextEdit::new(mapper.range(span), text)))
                        .collect();
                    WorkspaceEdit {
                        document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
                            text_document: OptionalVersionedTextDocumentIdentifier {
                                uri: uri.clone(),
                                version: Some(snapshot.version),
                            },
                            edits,
                        }])),
                        ..WorkspaceEdit::default()
                    }
                }))
            })
            .await?;
        match outcome {
            None => Ok(None),
            Some(Ok(edit)) => Ok(Some(edit)),
            Some(Err(reason)) => Err(refusal(reason)),
        }
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let position = params.text_document_position;
        self.on_document(
            "completion",
            &position.text_document.uri,
            |snapshot, mapper| {
                let offset = mapper.offset(position.position);
                let items: Vec<CompletionItem> = completion::complete(snapshot, offset)
                    .into_iter()
                    .map(|candidate| CompletionItem {
                        label: candidate.label,
                        kind: Some(match candidate.kind {
                            CandidateKind::Model => CompletionItemKind::CLASS,
                            CandidateKind::Type => CompletionItemKind::ENUM,
                            CandidateKind::Field => CompletionItemKind::FIELD,
                            CandidateKind::Strategy => CompletionItemKind::METHOD,
                            CandidateKind::Operation => CompletionItemKind::ENUM_MEMBER,
                        }),
                        detail: Some(candidate.detail),
                        text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(
                            mapper.range(Span::new(
                                amplint_rules::FileId::MAIN,
                                candidate.replace.start,
                                candidate.replace.end,
                            )),
                            candidate.insert,
                        ))),
                        ..CompletionItem::default()
                    })
                    .collect();
                (!items.is_empty()).then_some(CompletionResponse::Array(items))
            },
        )
        .await
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        self.on_document(
            "document symbols",
            &params.text_document.uri,
            |snapshot, mapper| {
                Some(DocumentSymbolResponse::Nested(symbols::document_symbols(
                    snapshot, mapper,
                )))
            },
        )
        .await
    }
}
