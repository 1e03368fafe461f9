//! Schemas split across files, in the editor: which entries include which files (the
//! workspace index), loading a project with open buffers in front of the disk, and turning
//! project spans into locations in each file.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use amplint_rules::line_index::Encoding;
use amplint_rules::project::{Project, SourceLoader};
use amplint_rules::{FileId, SourceKind, Span};
use tower_lsp::lsp_types::{Location, Range, Url};
use tree_sitter::Tree;

use super::encoding::PositionMapper;
use crate::projects::{identity, DiskLoader};

/// Open documents' texts in front of the disk: what the user sees wins. With the syntax
/// trees already made of files' texts (open documents' own, and those the last project
/// checks parsed), so a file that did not change is not parsed again.
pub struct BufferLoader {
    pub buffers: HashMap<PathBuf, String>,
    pub parsed: HashMap<PathBuf, Parsed>,
}

/// A file's text and its syntax tree.
#[derive(Clone)]
pub struct Parsed {
    pub text: Arc<str>,
    pub kind: SourceKind,
    pub tree: Tree,
}

impl SourceLoader for BufferLoader {
    fn load(&self, path: &Path) -> Option<String> {
        match self.buffers.get(&identity(path)) {
            Some(text) => Some(text.clone()),
            None => DiskLoader.load(path),
        }
    }

    fn parsed(&self, path: &Path, kind: SourceKind, text: &str) -> Option<Tree> {
        let parsed = self.parsed.get(&identity(path))?;
        (parsed.kind == kind && *parsed.text == *text).then(|| parsed.tree.clone())
    }
}

/// The trees of the files the language server's project checks parsed, kept for the next
/// check; the newest project's files replace an older project's when they would hold more
/// text than [`ParseCache::MAX_BYTES`].
#[derive(Default)]
pub struct ParseCache {
    files: HashMap<PathBuf, Parsed>,
    bytes: usize,
}

impl ParseCache {
    /// About 10,000 models' worth of source.
    pub const MAX_BYTES: usize = 4 << 20;

    /// Keeps the trees of `project`'s files.
    pub fn remember(&mut self, project: &Project) {
        let incoming: usize = project.files.iter().map(|file| file.len).sum();
        if incoming > Self::MAX_BYTES {
            return;
        }
        if self.bytes + incoming > Self::MAX_BYTES {
            self.files.clear();
            self.bytes = 0;
        }
        for file in &project.files {
            let parsed = Parsed {
                text: Arc::from(project.source(file.id)),
                kind: file.kind,
                tree: file.tree.clone(),
            };
            self.bytes += file.len;
            if let Some(previous) = self.files.insert(identity(&file.path), parsed) {
                self.bytes -= previous.text.len();
            }
        }
    }

    /// A copy to read from while loading (texts and trees are shared, not copied).
    pub fn snapshot(&self) -> HashMap<PathBuf, Parsed> {
        self.files.clone()
    }
}

/// Which project entries (files passing a schema to `defineData` and importing others)
/// include which files. Filled by scanning the workspace at start and updated by every
/// project check.
#[derive(Default)]
pub struct WorkspaceIndex {
    entries_of: HashMap<PathBuf, BTreeSet<PathBuf>>,
    files_of: HashMap<PathBuf, Vec<PathBuf>>,
}

impl WorkspaceIndex {
    /// Records that the project of `entry` is made of `files` (replacing what it was).
    pub fn record(&mut self, entry: &Path, files: Vec<PathBuf>) {
        self.forget(entry);
        for file in &files {
            self.entries_of
                .entry(file.clone())
                .or_default()
                .insert(entry.to_path_buf());
        }
        self.files_of.insert(entry.to_path_buf(), files);
    }

    /// Forgets the project of `entry` (deleted, or no longer an entry); nothing when it is
    /// not one.
    pub fn forget(&mut self, entry: &Path) {
        if let Some(previous) = self.files_of.remove(entry) {
            for file in previous {
                if let Some(entries) = self.entries_of.get_mut(&file) {
                    entries.remove(entry);
                    if entries.is_empty() {
                        self.entries_of.remove(&file);
                    }
                }
            }
        }
    }

    /// The entries whose projects include `file` (`file` itself when it is an entry).
    pub fn entries_for(&self, file: &Path) -> Vec<PathBuf> {
        self.entries_of
            .get(file)
            .map(|entries| entries.iter().cloned().collect())
            .unwrap_or_default()
    }
}

/// The project `entry` heads, read with `loader`; `None` when the entry cannot be read.
pub fn load(entry: &Path, loader: &BufferLoader) -> Option<Project> {
    let text = loader.load(entry)?;
    Some(Project::load(entry, &text, loader))
}

/// The file of `project` at `path`.
pub fn file_id(project: &Project, path: &Path) -> Option<FileId> {
    project
        .files
        .iter()
        .find(|file| identity(&file.path) == path)
        .map(|file| file.id)
}

/// Where a project span is, as an LSP location.
pub fn location(project: &Project, span: Span, encoding: Encoding) -> Option<Location> {
    let file = project.file(span.file)?;
    let uri = Url::from_file_path(identity(&file.path)).ok()?;
    Some(Location::new(uri, local_range(project, span, encoding)))
}

/// A project span as a range of its own file.
pub fn local_range(project: &Project, span: Span, encoding: Encoding) -> Range {
    let local = project.local(span);
    let mapper = PositionMapper::new(project.source(span.file), encoding);
    mapper.range(Span::new(FileId::MAIN, local.start, local.end))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Texts(Vec<(&'static str, &'static str)>);

    impl SourceLoader for Texts {
        fn load(&self, path: &Path) -> Option<String> {
            let (_, text) = self.0.iter().find(|(name, _)| path == Path::new(name))?;
            Some(text.to_string())
        }
    }

    #[test]
    fn kept_trees_serve_only_the_same_text_and_are_counted_once() {
        let files = Texts(vec![
            (
                "/p/resource.ts",
                "import { T } from './t';\nconst s = a.schema({ T });\n",
            ),
            (
                "/p/t.ts",
                "export const T = a.model({ name: a.string() });\n",
            ),
        ]);
        let entry = Path::new("/p/resource.ts");
        let project = Project::load(entry, &files.load(entry).unwrap(), &files);
        assert_eq!(project.files.len(), 2);
        let mut cache = ParseCache::default();
        cache.remember(&project);
        cache.remember(&project);
        assert_eq!(
            cache.bytes,
            project.files.iter().map(|file| file.len).sum::<usize>()
        );

        let loader = BufferLoader {
            buffers: HashMap::new(),
            parsed: cache.snapshot(),
        };
        let model = Path::new("/p/t.ts");
        let text = files.load(model).unwrap();
        let kept = loader.parsed(model, SourceKind::TypeScript, &text).unwrap();
        assert_eq!(
            kept.root_node().to_sexp(),
            project.files[1].tree.root_node().to_sexp()
        );
        assert!(loader
            .parsed(model, SourceKind::TypeScript, "export const T = 1;")
            .is_none());
        assert!(loader.parsed(model, SourceKind::Tsx, &text).is_none());
        assert!(loader
            .parsed(Path::new("/p/other.ts"), SourceKind::TypeScript, &text)
            .is_none());
    }

    #[test]
    fn recording_again_or_forgetting_an_entry_drops_what_it_included() {
        let path = PathBuf::from;
        let mut index = WorkspaceIndex::default();
        index.record(
            &path("/p/resource.ts"),
            vec![path("/p/resource.ts"), path("/p/team.ts")],
        );
        index.record(&path("/q/resource.ts"), vec![path("/p/team.ts")]);
        assert_eq!(index.entries_for(&path("/p/team.ts")).len(), 2);

        // The entry no longer imports team.ts.
        index.record(&path("/p/resource.ts"), vec![path("/p/resource.ts")]);
        assert_eq!(
            index.entries_for(&path("/p/team.ts")),
            [path("/q/resource.ts")]
        );

        index.forget(&path("/q/resource.ts"));
        assert!(index.entries_for(&path("/p/team.ts")).is_empty());
        assert!(!index.entries_of.contains_key(&path("/p/team.ts")));
        // Forgetting a file that heads no project changes nothing.
        index.forget(&path("/p/team.ts"));
        assert_eq!(
            index.entries_for(&path("/p/resource.ts")),
            [path("/p/resource.ts")]
        );
    }
}
