//! The `LanguageServer` implementation: each handler converts positions in, calls a small
//! function of this module's siblings, and converts the result out.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use amplint_rules::line_index::Encoding;
use amplint_rules::{FileId, Settings, SourceKind, Span};
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
use super::workspace::{self, BufferLoader, ParseCache, Parsed, WorkspaceIndex};
use super::{hover, navigation, suppressions, symbols};
use crate::config::Config;
use crate::memory;
use crate::projects::{identity, imports_relatively};
use amplint_rules::model::FileModel;
use amplint_rules::project::Project;

/// The files whose changes on disk the server asks to hear about: its configuration, and
/// every source a schema can be split over.
const CONFIG_GLOB: &str = "**/amplint.toml";
const SOURCES_GLOB: &str = "**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}";

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
    /// The workspace folders, scanned for project entries at start.
    roots: Mutex<Vec<std::path::PathBuf>>,
    /// Which project entries include which files.
    index: Mutex<WorkspaceIndex>,
    /// The model of each open document's last check, when the next check may start from
    /// it (see [`diagnostics::compute`]). Used on the checker thread.
    models: Mutex<HashMap<Url, KeptModel>>,
    /// The trees of the files project checks parsed, so the next check parses only what
    /// changed (a project is checked again, whole, on every edit of any of its files).
    parse_cache: Mutex<ParseCache>,
}

/// A document's model, with the opening and version of the document it was read from.
pub(crate) struct KeptModel {
    pub opening: u64,
    pub version: i32,
    pub model: FileModel,
}

/// Documents up to this size keep their model between checks, so an edit reads again only
/// the type it touched. A 200-model schema is 78 KB and its model a few MiB; a 2,000-model
/// one would keep ~40 MiB, and its checks read everything again instead.
const KEEP_MODEL_BELOW_BYTES: usize = 256 * 1024;

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

    fn index(&self) -> MutexGuard<'_, WorkspaceIndex> {
        self.index.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The open documents' texts by path, in front of the disk for project checks, with
    /// the trees already parsed: the open documents' own and those the last project checks
    /// kept.
    fn buffers(&self) -> BufferLoader {
        let mut parsed = self
            .parse_cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .snapshot();
        let buffers = self
            .documents()
            .iter()
            .filter_map(|(uri, document)| {
                let path = identity(&uri.to_file_path().ok()?);
                let snapshot = document.snapshot();
                let text = snapshot.text.to_string();
                parsed.insert(
                    path.clone(),
                    Parsed {
                        text: snapshot.text,
                        kind: snapshot.kind,
                        tree: snapshot.tree,
                    },
                );
                Some((path, text))
            })
            .collect();
        BufferLoader { buffers, parsed }
    }

    /// Keeps the trees of `project`'s files for the next check.
    fn remember_parsed(&self, project: &Project) {
        self.parse_cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remember(project);
    }

    /// What loading the project of `entry` taught: its files (recorded in the workspace
    /// index) and their trees (kept for the next check).
    fn learn(&self, entry: &std::path::Path, project: &Project) {
        self.remember_parsed(project);
        let files = project
            .files
            .iter()
            .map(|file| identity(&file.path))
            .collect();
        self.index().record(entry, files);
    }

    /// The entries of the projects `uri` belongs to: those the index knows include it,
    /// else the document itself when it imports from other files. Empty for a document
    /// checked on its own.
    fn project_entries(&self, uri: &Url, text: &str) -> Vec<std::path::PathBuf> {
        let Ok(path) = uri.to_file_path() else {
            return Vec::new();
        };
        let path = identity(&path);
        let entries = self.index().entries_for(&path);
        if !entries.is_empty() {
            return entries;
        }
        if imports_relatively(text) {
            return vec![path];
        }
        Vec::new()
    }

    /// The project `uri` is part of, read with the open buffers, with its model; `None`
    /// for a document checked on its own.
    fn project_view(&self, uri: &Url, text: &str) -> Option<(Project, FileModel)> {
        self.project_view_reading(uri, text, None)
    }

    /// [`Shared::project_view`], reading `instead` for the document at `uri` when given.
    fn project_view_reading(
        &self,
        uri: &Url,
        text: &str,
        instead: Option<&str>,
    ) -> Option<(Project, FileModel)> {
        let entry = self.project_entries(uri, text).into_iter().next()?;
        let mut loader = self.buffers();
        if let (Some(instead), Ok(path)) = (instead, uri.to_file_path()) {
            loader.buffers.insert(identity(&path), instead.to_string());
        }
        let project = workspace::load(&entry, &loader)?;
        if project.is_single_file() {
            return None;
        }
        self.remember_parsed(&project);
        let model = {
            let scopes = amplint_rules::value::ProjectScopes::new(&project);
            amplint_rules::model::extract_project(&scopes)
        };
        Some((project, model))
    }

    /// What completion reads names from in a document that is part of a project: the
    /// project's model and where the document starts in its offsets. While the document
    /// does not parse cleanly the line being typed is blanked out first, as for a document
    /// on its own.
    fn completion_project(
        &self,
        uri: &Url,
        snapshot: &Snapshot,
        offset: usize,
    ) -> Option<(FileModel, usize)> {
        let path = identity(&uri.to_file_path().ok()?);
        let attempt = |instead: Option<&str>| {
            let (project, model) = self.project_view_reading(uri, &snapshot.text, instead)?;
            let base = project.file(workspace::file_id(&project, &path)?)?.base;
            (!model.schemas.is_empty()).then_some((model, base))
        };
        completion::repaired_text(snapshot, offset)
            .and_then(|repaired| attempt(Some(&repaired)))
            .or_else(|| attempt(None))
    }

    /// The fix-all action of a document that is part of a project: every safe fix of the
    /// project, read with the open buffers and the entry's settings, in whichever files
    /// they edit. `None` for a document checked on its own.
    fn project_fix_all(
        &self,
        uri: &Url,
        snapshot: &Snapshot,
        encoding: Encoding,
    ) -> Option<Option<CodeActionOrCommand>> {
        let entry = self
            .project_entries(uri, &snapshot.text)
            .into_iter()
            .next()?;
        let loader = self.buffers();
        let entry_text = amplint_rules::project::SourceLoader::load(&loader, &entry)?;
        let entry_uri = Url::from_file_path(&entry).ok()?;
        let (settings, _) = self.settings_for(&entry_uri);
        let fixed = amplint_rules::fix_project(
            &entry,
            &entry_text,
            &loader,
            &settings,
            amplint_rules::Applicability::Safe,
        );
        if fixed.project.is_single_file() {
            return None;
        }
        Some(code_actions::fix_all_project_action(
            &fixed,
            encoding,
            &|uri| self.snapshot(uri).map(|open| open.version),
        ))
    }

    fn models(&self) -> MutexGuard<'_, HashMap<Url, KeptModel>> {
        self.models.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Keeps the model of a check of `snapshot` for the next check of the document: when
    /// its parse was clean (the engine's condition), the document is not large, and it is
    /// still open (it may have moved on: the next check starts from this version's model
    /// and the edits since). Checked under the documents' lock, so a document closed (or
    /// closed and opened again) meanwhile never gets a model that is not its own.
    fn keep_model(&self, uri: &Url, snapshot: &Snapshot, model: FileModel) {
        if snapshot.tree.root_node().has_error() || snapshot.text.len() > KEEP_MODEL_BELOW_BYTES {
            return;
        }
        let documents = self.documents();
        if documents
            .get(uri)
            .is_some_and(|document| document.opening == snapshot.opening)
        {
            let kept = KeptModel {
                opening: snapshot.opening,
                version: snapshot.version,
                model,
            };
            self.models().insert(uri.clone(), kept);
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

/// What a check publishes: one document's diagnostics, or those of every file of the
/// document's projects.
enum Published {
    Document(Vec<tower_lsp::lsp_types::Diagnostic>),
    Files(Vec<(Url, Vec<tower_lsp::lsp_types::Diagnostic>)>),
}

/// Diagnostics by file for the projects of `entries`; records each project's files in the
/// workspace index. Also the first configuration error met.
#[allow(clippy::type_complexity)]
fn check_projects(
    shared: &Shared,
    entries: &[std::path::PathBuf],
    loader: &BufferLoader,
    open: Option<(&std::path::Path, &Snapshot)>,
    encoding: amplint_rules::line_index::Encoding,
) -> (
    Vec<(Url, Vec<tower_lsp::lsp_types::Diagnostic>)>,
    Option<String>,
) {
    let mut per_file: Vec<(Url, Vec<tower_lsp::lsp_types::Diagnostic>)> = Vec::new();
    let mut config_error = None;
    for entry in entries {
        // The document being edited is often the entry: its tree is already parsed.
        let project = match open {
            Some((path, snapshot)) if path == entry.as_path() => Project::load_parsed(
                entry,
                &snapshot.text,
                Some((snapshot.kind, snapshot.tree.clone())),
                loader,
            ),
            _ => match workspace::load(entry, loader) {
                Some(project) => project,
                None => continue,
            },
        };
        let (settings, error) = Url::from_file_path(entry)
            .map(|entry_uri| shared.settings_for(&entry_uri))
            .unwrap_or_default();
        config_error = config_error.or(error);
        let result = amplint_rules::check_project(&project, &settings);
        shared.learn(entry, &project);
        // An entry speaks for every file of its project; a file that only imports others
        // (a barrel, a schema no entry was found for) speaks for itself, so it does not
        // overwrite what an entry published for the files it reaches.
        let is_entry = crate::projects::is_entry_text(project.source(FileId::MAIN));
        for file in &project.files {
            if !is_entry && file.id != FileId::MAIN {
                continue;
            }
            let Ok(file_uri) = Url::from_file_path(identity(&file.path)) else {
                continue;
            };
            let mapper = PositionMapper::new(project.source(file.id), encoding);
            let version = shared.snapshot(&file_uri).map(|open| open.version);
            let converted = result
                .diagnostics
                .iter()
                .filter(|diagnostic| diagnostic.span.file == file.id)
                .map(|diagnostic| {
                    diagnostics::project_to_lsp(
                        &project,
                        diagnostic,
                        encoding,
                        &mapper,
                        version,
                        &|uri| shared.snapshot(uri).map(|open| open.version),
                    )
                });
            match per_file.iter_mut().find(|(uri, _)| *uri == file_uri) {
                Some((_, list)) => {
                    for diagnostic in converted {
                        if !list.contains(&diagnostic) {
                            list.push(diagnostic);
                        }
                    }
                }
                None => per_file.push((file_uri, converted.collect())),
            }
        }
        std::mem::drop(result);
    }
    (per_file, config_error)
}

/// What navigation reads for a document: its project (all files in one offset space) when
/// it has one, else the document alone.
struct NavigationView {
    model: FileModel,
    project: Option<(Project, FileId)>,
    text: Arc<str>,
}

impl NavigationView {
    fn of(shared: &Shared, uri: &Url, snapshot: &Snapshot) -> NavigationView {
        if let Some((project, model)) = shared.project_view(uri, &snapshot.text) {
            let file = uri
                .to_file_path()
                .ok()
                .and_then(|path| workspace::file_id(&project, &identity(&path)));
            if let Some(file) = file {
                return NavigationView {
                    model,
                    project: Some((project, file)),
                    text: Arc::from(""),
                };
            }
        }
        NavigationView {
            model: amplint_rules::model::extract(&snapshot.tree, &snapshot.text, FileId::MAIN),
            project: None,
            text: snapshot.text.clone(),
        }
    }

    fn text(&self) -> &str {
        match &self.project {
            Some((project, _)) => &project.text,
            None => &self.text,
        }
    }

    /// A span of the view's offset space in the document's own offsets; `None` when it is
    /// in another file.
    fn local(&self, span: Span) -> Option<Span> {
        let Some((project, file)) = &self.project else {
            return Some(span);
        };
        let range = project.file(*file)?.range();
        (range.start <= span.start && span.end <= range.end).then(|| {
            Span::new(
                FileId::MAIN,
                span.start - range.start,
                span.end - range.start,
            )
        })
    }

    /// A document offset in the view's offset space.
    fn offset(&self, local: usize) -> usize {
        match &self.project {
            Some((project, file)) => project.file(*file).map_or(local, |file| file.base + local),
            None => local,
        }
    }

    fn location(
        &self,
        span: Span,
        uri: &Url,
        mapper: &PositionMapper<'_>,
        encoding: amplint_rules::line_index::Encoding,
    ) -> Option<Location> {
        match &self.project {
            Some((project, _)) => workspace::location(project, span, encoding),
            None => Some(Location::new(uri.clone(), mapper.range(span))),
        }
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
                roots: Mutex::new(Vec::new()),
                index: Mutex::new(WorkspaceIndex::default()),
                models: Mutex::new(HashMap::new()),
                parse_cache: Mutex::new(ParseCache::default()),
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

    /// Finds the project entries under the workspace folders and records which files each
    /// includes, so a change to a model file re-checks the schema that uses it. Runs on the
    /// checker thread, before any document's check.
    async fn index_workspace(&self) {
        let shared = self.shared.clone();
        let indexed = self
            .checker
            .run(move |answer| {
                let roots = shared
                    .roots
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .clone();
                let loader = shared.buffers();
                let outcome = guarded(|| {
                    let mut entries = 0;
                    for root in &roots {
                        for entry in crate::projects::entry_candidates(root) {
                            let entry = identity(&entry);
                            if let Some(project) = workspace::load(&entry, &loader) {
                                shared.learn(&entry, &project);
                                entries += 1;
                            }
                        }
                    }
                    entries
                });
                answer.send(outcome);
            })
            .await;
        if let Some(Err(message)) = indexed {
            self.log_failure("indexing the workspace", &message).await;
        }
    }

    /// Source files changed on disk: an entry among them is indexed again (forgotten when
    /// deleted or no longer an entry). Returns whether the open documents need checking again: a changed file
    /// belongs to a known project or is an entry, or a file was created or deleted (an
    /// import that named nothing may name it now). A file open in the editor is skipped:
    /// its buffer, not the disk, is what the checks read.
    async fn reindex_changed_sources(&self, changes: &[FileEvent]) -> bool {
        let changed: Vec<(std::path::PathBuf, FileChangeType)> = {
            let documents = self.shared.documents();
            changes
                .iter()
                .filter(|change| !documents.contains_key(&change.uri))
                .filter_map(|change| {
                    let path = change.uri.to_file_path().ok()?;
                    let name = path.to_str()?;
                    SourceKind::from_path(name)?;
                    let ignored = path.components().any(|part| {
                        matches!(part.as_os_str().to_str(), Some("node_modules" | ".git"))
                    });
                    (!ignored).then(|| (identity(&path), change.typ))
                })
                .collect()
        };
        if changed.is_empty() {
            return false;
        }
        let shared = self.shared.clone();
        let outcome = self
            .checker
            .run(move |answer| {
                let loader = shared.buffers();
                answer.send(guarded(|| {
                    let mut affected = false;
                    for (path, change) in &changed {
                        let known = !shared.index().entries_for(path).is_empty();
                        affected |= known || *change != FileChangeType::CHANGED;
                        let is_entry = *change != FileChangeType::DELETED
                            && std::fs::read_to_string(path)
                                .is_ok_and(|text| crate::projects::is_entry_text(&text));
                        if !is_entry {
                            shared.index().forget(path);
                            continue;
                        }
                        affected = true;
                        if let Some(project) = workspace::load(path, &loader) {
                            shared.learn(path, &project);
                        }
                    }
                    affected
                }));
            })
            .await;
        match outcome {
            Some(Ok(affected)) => affected,
            Some(Err(message)) => {
                self.log_failure("re-reading changed files", &message).await;
                true
            }
            None => false,
        }
    }

    /// Re-checks every open document (after a configuration or source change on disk).
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

    /// Checks `snapshot` on the checker thread and publishes its diagnostics, unless a
    /// newer version arrived meanwhile. A document that belongs to a project (split across
    /// files) is checked through its entry, and every file of the project gets its
    /// diagnostics; the workspace index is read on the checker thread, after the scan.
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
                let entries = shared.project_entries(&task_uri, &snapshot.text);
                let previous = shared.models().remove(&task_uri);
                if !entries.is_empty() {
                    let loader = shared.buffers();
                    let trigger = task_uri.to_file_path().ok().map(|path| identity(&path));
                    let open = trigger.as_deref().map(|path| (path, &snapshot));
                    let outcome =
                        guarded(|| check_projects(&shared, &entries, &loader, open, encoding));
                    return answer.send(Some(outcome.map(|(per_file, config_error)| {
                        (Published::Files(per_file), config_error)
                    })));
                }
                let (settings, config_error) = shared.settings_for(&task_uri);
                let checked = guarded(|| {
                    diagnostics::compute(&task_uri, &snapshot, &settings, encoding, previous)
                });
                match checked {
                    Ok((diagnostics, checked)) => {
                        answer.send(Some(Ok((Published::Document(diagnostics), config_error))));
                        // After answering: the next check starts from this model (or, for
                        // a large document, frees it, which is slow).
                        shared.keep_model(&task_uri, &snapshot, checked.model);
                    }
                    Err(message) => answer.send(Some(Err(message))),
                }
            })
            .await;
        match computed {
            Some(Some(Ok((published, config_error)))) => {
                self.report_config_error(config_error).await;
                let _gate = self.shared.publish_gate.lock().await;
                if !self.shared.is_current(&uri, version) {
                    return;
                }
                match published {
                    Published::Document(diagnostics) => {
                        self.client
                            .publish_diagnostics(uri, diagnostics, Some(version))
                            .await;
                    }
                    Published::Files(per_file) => {
                        for (file_uri, diagnostics) in per_file {
                            let open_version = if file_uri == uri {
                                Some(version)
                            } else {
                                self.shared.snapshot(&file_uri).map(|open| open.version)
                            };
                            self.client
                                .publish_diagnostics(file_uri, diagnostics, open_version)
                                .await;
                        }
                    }
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
            tree_matches_fresh_parse: amplint_rules::syntax::same_tree(&fresh, &snapshot.tree),
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
        let mut roots: Vec<std::path::PathBuf> = params
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|folder| folder.uri.to_file_path().ok())
            .collect();
        #[allow(deprecated)]
        if roots.is_empty() {
            roots.extend(
                params
                    .root_uri
                    .as_ref()
                    .and_then(|uri| uri.to_file_path().ok()),
            );
        }
        *self
            .shared
            .roots
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = roots;
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
        self.index_workspace().await;
        if !self
            .shared
            .can_watch_files
            .load(std::sync::atomic::Ordering::Relaxed)
        {
            return;
        }
        // Watch `amplint.toml` files and the sources a schema can be split over, so a change
        // on disk (a checkout, another tool, a fix applied to a file that is not open)
        // re-checks the open documents. Clients that do not support dynamic registration
        // simply never send the notification.
        let watchers = DidChangeWatchedFilesRegistrationOptions {
            watchers: [CONFIG_GLOB, SOURCES_GLOB]
                .into_iter()
                .map(|glob| FileSystemWatcher {
                    glob_pattern: GlobPattern::String(glob.to_string()),
                    kind: None,
                })
                .collect(),
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
                    format!("amplint: not watching amplint.toml and sources: {error}"),
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
        }
        let sources_changed = self.reindex_changed_sources(&params.changes).await;
        if config_changed || sources_changed {
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
        self.shared.models().remove(&uri);
        let _gate = self.shared.publish_gate.lock().await;
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri.clone();
        let (settings, _) = self.shared.settings_for(&uri);
        let encoding = self.shared.encoding();
        self.on_document("code action", &uri, |snapshot, mapper| {
            let mut actions = code_actions::quick_fixes(&params, snapshot.version, &|uri| {
                self.shared.snapshot(uri).map(|open| open.version)
            });
            actions.extend(suppressions::disable_actions(&params, snapshot, mapper));
            if code_actions::wants_fix_all(&params) {
                let fix_all = match self.shared.project_fix_all(&uri, snapshot, encoding) {
                    Some(in_project) => in_project,
                    None => code_actions::fix_all_action(&params, snapshot, &settings, encoding),
                };
                actions.extend(fix_all);
            }
            Some(actions)
        })
        .await
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let position = params.text_document_position_params;
        let uri = position.text_document.uri.clone();
        let shared = self.shared.clone();
        self.on_document("hover", &uri, |snapshot, mapper| {
            let offset = mapper.offset(position.position);
            let (markdown, span) = suppressions::rule_hover(snapshot, offset).or_else(|| {
                let view = NavigationView::of(&shared, &uri, snapshot);
                let (markdown, span) =
                    hover::hover_in(&view.model, view.text(), view.offset(offset))?;
                Some((markdown, view.local(span)?))
            })?;
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
        let shared = self.shared.clone();
        self.on_document("go to definition", &uri, |snapshot, mapper| {
            let view = NavigationView::of(&shared, &uri, snapshot);
            let offset = view.offset(mapper.offset(position.position));
            let span = navigation::definition(&view.model, view.text(), offset)?;
            view.location(span, &uri, mapper, shared.encoding())
                .map(GotoDefinitionResponse::Scalar)
        })
        .await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let position = params.text_document_position;
        let uri = position.text_document.uri.clone();
        let shared = self.shared.clone();
        self.on_document("find references", &uri, |snapshot, mapper| {
            let view = NavigationView::of(&shared, &uri, snapshot);
            let spans = navigation::references(
                &view.model,
                view.text(),
                view.offset(mapper.offset(position.position)),
                params.context.include_declaration,
            );
            Some(
                spans
                    .into_iter()
                    .filter_map(|span| view.location(span, &uri, mapper, shared.encoding()))
                    .collect(),
            )
        })
        .await
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        let uri = params.text_document.uri.clone();
        let shared = self.shared.clone();
        let outcome = self
            .on_document(
                "prepare rename",
                &params.text_document.uri,
                |snapshot, mapper| {
                    let view = NavigationView::of(&shared, &uri, snapshot);
                    let offset = view.offset(mapper.offset(params.position));
                    Some(
                        navigation::prepare_rename(&view.model, view.text(), offset).and_then(
                            |(span, placeholder)| {
                                let location = view
                                    .location(span, &uri, mapper, shared.encoding())
                                    .ok_or("the name is not in an open file")?;
                                Ok(PrepareRenameResponse::RangeWithPlaceholder {
                                    range: location.range,
                                    placeholder,
                                })
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
        let shared = self.shared.clone();
        let outcome = self
            .on_document("rename", &uri, |snapshot, mapper| {
                let view = NavigationView::of(&shared, &uri, snapshot);
                let edits = navigation::rename(
                    &view.model,
                    view.text(),
                    view.offset(mapper.offset(position.position)),
                    &params.new_name,
                );
                Some(edits.map(|edits| {
                    // One edit list per file, each with the version of its open document.
                    let mut by_uri: Vec<(Url, Vec<OneOf<TextEdit, AnnotatedTextEdit>>)> =
                        Vec::new();
                    for (span, text) in edits {
                        let Some(location) = view.location(span, &uri, mapper, shared.encoding())
                        else {
                            continue;
                        };
                        let edit = OneOf::Left(TextEdit::new(location.range, text));
                        match by_uri.iter_mut().find(|(uri, _)| *uri == location.uri) {
                            Some((_, list)) => list.push(edit),
                            None => by_uri.push((location.uri, vec![edit])),
                        }
                    }
                    let document_changes = by_uri
                        .into_iter()
                        .map(|(file_uri, edits)| TextDocumentEdit {
                            text_document: OptionalVersionedTextDocumentIdentifier {
                                version: if file_uri == uri {
                                    Some(snapshot.version)
                                } else {
                                    shared.snapshot(&file_uri).map(|open| open.version)
                                },
                                uri: file_uri,
                            },
                            edits,
                        })
                        .collect();
                    WorkspaceEdit {
                        document_changes: Some(DocumentChanges::Edits(document_changes)),
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
        let uri = position.text_document.uri.clone();
        let shared = self.shared.clone();
        self.on_document(
            "completion",
            &position.text_document.uri,
            |snapshot, mapper| {
                let offset = mapper.offset(position.position);
                let project = shared.completion_project(&uri, snapshot, offset);
                let project = project
                    .as_ref()
                    .map(|(model, base)| completion::ProjectModel { model, base: *base });
                let items: Vec<CompletionItem> = completion::complete(snapshot, offset, project)
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
