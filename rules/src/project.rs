//! Schemas split across files: the entry file and every file it reaches through relative
//! imports and re-exports, loaded and parsed once, checked as one.
//!
//! All the files share one offset space, like a compiler's source map: file `i` occupies
//! `base(i)..base(i) + len(i)` of [`Project::text`], the files joined with a `\n` between
//! them. A [`Span`](crate::Span) keeps its [`FileId`] and holds offsets in that space, so
//! every rule reads any file's text from one string, exactly as in a single-file check
//! (where the entry file is the whole space and offsets are its own). [`Project::local`]
//! turns a span back into a range of its own file for output.
//!
//! The engine does no I/O: a [`SourceLoader`] supplies file contents (the command line
//! reads the disk; the language server prefers its open buffers).

use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use tree_sitter::{Node, Tree};

use crate::span::{FileId, Span};
use crate::syntax::{parse, SourceKind};
use crate::value::unquote;

/// At most this many files are loaded for one entry (a project's schema rarely spans more
/// than a few dozen; the cap bounds what a pathological import graph can cost).
pub const MAX_FILES: usize = 4096;
/// Files larger than this are not followed into (the entry file itself is always read).
pub const MAX_IMPORTED_BYTES: usize = 4 << 20;

/// Supplies the text of files the entry imports.
pub trait SourceLoader: Sync {
    /// The file's text, or `None` when it does not exist or cannot be read as UTF-8.
    fn load(&self, path: &Path) -> Option<String>;

    /// A syntax tree of exactly `text` (the file at `path`, parsed as `kind`) when the
    /// loader has one, so an unchanged file is not parsed again (the language server keeps
    /// the trees of its projects' files between checks). `None`: parse it.
    fn parsed(&self, _path: &Path, _kind: SourceKind, _text: &str) -> Option<Tree> {
        None
    }
}

/// One file of a project.
pub struct SourceFile {
    pub id: FileId,
    pub path: PathBuf,
    pub kind: SourceKind,
    /// Where the file starts in [`Project::text`].
    pub base: usize,
    pub len: usize,
    pub tree: Tree,
    /// Relative module specifiers of its imports and re-exports, resolved to files.
    modules: FxHashMap<String, FileId>,
}

impl SourceFile {
    /// Its range in [`Project::text`].
    pub fn range(&self) -> Range<usize> {
        self.base..self.base + self.len
    }

    /// The file a relative specifier of this file names, when it was loaded.
    pub fn module(&self, specifier: &str) -> Option<FileId> {
        self.modules.get(specifier).copied()
    }
}

/// An entry file and the files it reaches.
pub struct Project {
    /// Every file's text, in file order, joined with `\n`.
    pub text: String,
    /// `files[0]` is the entry; `files[i].id == FileId(i)`.
    pub files: Vec<SourceFile>,
    /// Relative imports that named no readable file: `(importing file, specifier)`.
    pub unresolved: Vec<(FileId, String)>,
}

impl Project {
    /// Loads `entry` (whose text is given) and, breadth first, every file reachable by
    /// relative `import`/`export ... from` specifiers, up to [`MAX_FILES`].
    pub fn load(entry: &Path, entry_text: &str, loader: &dyn SourceLoader) -> Project {
        Project::load_parsed(entry, entry_text, None, loader)
    }

    /// [`Project::load`] with the entry's tree when the caller has it already (the language
    /// server keeps one per open document).
    pub fn load_parsed(
        entry: &Path,
        entry_text: &str,
        entry_tree: Option<(SourceKind, Tree)>,
        loader: &dyn SourceLoader,
    ) -> Project {
        let mut project = Project {
            text: String::new(),
            files: Vec::new(),
            unresolved: Vec::new(),
        };
        let mut by_path: FxHashMap<PathBuf, FileId> = FxHashMap::default();
        let entry = normalize(entry);
        let kind =
            SourceKind::from_path(&entry.to_string_lossy()).unwrap_or(SourceKind::TypeScript);
        let (kind, tree) = entry_tree.unwrap_or_else(|| {
            let tree = loader
                .parsed(&entry, kind, entry_text)
                .unwrap_or_else(|| parse(kind, entry_text, None));
            (kind, tree)
        });
        project.push_parsed(entry.clone(), kind, entry_text, tree);
        by_path.insert(entry, FileId::MAIN);
        // Level by level: the files a level names are read, then parsed on all cores.
        let mut next = 0;
        while next < project.files.len() {
            let level_end = project.files.len();
            let mut pending: Vec<(PathBuf, SourceKind, String)> = Vec::new();
            for index in next..level_end {
                let id = FileId(index as u32);
                let specifiers = relative_specifiers(&project.files[index], &project.text);
                let directory = project.files[index]
                    .path
                    .parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_default();
                for specifier in specifiers {
                    let found = candidates(&directory, &specifier)
                        .into_iter()
                        .find_map(|path| {
                            if let Some(&known) = by_path.get(&path) {
                                return Some(known);
                            }
                            if level_end + pending.len() >= MAX_FILES {
                                return None;
                            }
                            let kind = SourceKind::from_path(&path.to_string_lossy())?;
                            let text = loader.load(&path)?;
                            if text.len() > MAX_IMPORTED_BYTES {
                                return None;
                            }
                            let new_id = FileId((level_end + pending.len()) as u32);
                            by_path.insert(path.clone(), new_id);
                            pending.push((path, kind, text));
                            Some(new_id)
                        });
                    match found {
                        Some(target) => {
                            project.files[index].modules.insert(specifier, target);
                        }
                        None => project.unresolved.push((id, specifier)),
                    }
                }
            }
            let kept: Vec<Option<Tree>> = pending
                .iter()
                .map(|(path, kind, text)| loader.parsed(path, *kind, text))
                .collect();
            let trees: Vec<Tree> = pending
                .par_iter()
                .zip(kept)
                .map(|((_, kind, text), kept)| kept.unwrap_or_else(|| parse(*kind, text, None)))
                .collect();
            for ((path, kind, text), tree) in pending.into_iter().zip(trees) {
                project.push_parsed(path, kind, &text, tree);
            }
            next = level_end;
        }
        project
    }

    fn push_parsed(&mut self, path: PathBuf, kind: SourceKind, text: &str, tree: Tree) -> FileId {
        if !self.files.is_empty() {
            self.text.push('\n');
        }
        let base = self.text.len();
        self.text.push_str(text);
        let id = FileId(self.files.len() as u32);
        self.files.push(SourceFile {
            id,
            path,
            kind,
            base,
            len: text.len(),
            tree,
            modules: FxHashMap::default(),
        });
        id
    }

    pub fn entry(&self) -> &SourceFile {
        &self.files[0]
    }

    pub fn file(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    /// A file's own text.
    pub fn source(&self, id: FileId) -> &str {
        self.file(id)
            .and_then(|file| self.text.get(file.range()))
            .unwrap_or("")
    }

    /// `span` as a range of its own file's text.
    pub fn local(&self, span: Span) -> Range<usize> {
        let base = self.file(span.file).map_or(0, |file| file.base);
        span.start.saturating_sub(base)..span.end.saturating_sub(base)
    }

    /// `diagnostic` with every span (primary, labels, fix edits) moved to the offsets of its
    /// own file; each keeps its [`FileId`].
    pub fn localize(&self, diagnostic: &crate::Diagnostic) -> crate::Diagnostic {
        let mut local = diagnostic.clone();
        let relocate = |span: &mut Span| {
            let range = self.local(*span);
            *span = Span::new(span.file, range.start, range.end);
        };
        relocate(&mut local.span);
        local
            .labels
            .iter_mut()
            .for_each(|label| relocate(&mut label.span));
        if let Some(fix) = &mut local.fix {
            fix.edits
                .iter_mut()
                .for_each(|edit| relocate(&mut edit.span));
        }
        local
    }

    /// Whether the entry imports other files (otherwise a single-file check is the same).
    pub fn is_single_file(&self) -> bool {
        self.files.len() == 1
    }
}

/// The module specifiers of a file's `import ... from './x'`, `export ... from './x'` and
/// `import './x'` statements that are relative (start with `.`); type-only imports are
/// skipped (they bring no values).
fn relative_specifiers(file: &SourceFile, text: &str) -> Vec<String> {
    let source = &text[file.range()];
    let root = file.tree.root_node();
    let mut specifiers = Vec::new();
    for statement in crate::syntax::named_children(root) {
        if !matches!(statement.kind(), "import_statement" | "export_statement") {
            continue;
        }
        if is_type_only(statement, source) {
            continue;
        }
        let Some(module) = statement.child_by_field_name("source") else {
            continue;
        };
        let specifier = unquote(node_text(module, source));
        if specifier.starts_with('.') && !specifiers.contains(&specifier) {
            specifiers.push(specifier);
        }
    }
    specifiers
}

/// `import type { X } from` / `export type { X } from`.
fn is_type_only(statement: Node<'_>, source: &str) -> bool {
    let mut cursor = statement.walk();
    let type_only = statement
        .children(&mut cursor)
        .nth(1)
        .is_some_and(|second| node_text(second, source) == "type");
    type_only
}

fn node_text<'s>(node: Node<'_>, source: &'s str) -> &'s str {
    source.get(node.byte_range()).unwrap_or("")
}

/// The paths a relative specifier may name, in the order TypeScript's bundler resolution
/// tries them: as written; a `.js` written for a `.ts` source (ESM style); with each
/// extension; as a directory's `index`.
fn candidates(directory: &Path, specifier: &str) -> Vec<PathBuf> {
    let joined = normalize(&directory.join(specifier));
    let text = joined.to_string_lossy().into_owned();
    let mut paths = Vec::new();
    let extension = Path::new(&text)
        .extension()
        .map(|extension| extension.to_string_lossy().to_ascii_lowercase());
    match extension.as_deref() {
        Some("ts" | "tsx" | "mts" | "cts") => paths.push(joined.clone()),
        Some(written @ ("js" | "jsx" | "mjs" | "cjs")) => {
            let stem = &text[..text.len() - written.len()];
            let sources: &[&str] = match written {
                "js" => &["ts", "tsx"],
                "jsx" => &["tsx"],
                "mjs" => &["mts"],
                _ => &["cts"],
            };
            paths.extend(
                sources
                    .iter()
                    .map(|source| PathBuf::from(format!("{stem}{source}"))),
            );
            paths.push(joined.clone());
        }
        _ => {}
    }
    for extension in ["ts", "tsx", "mts", "cts", "js", "jsx", "mjs", "cjs"] {
        paths.push(PathBuf::from(format!("{text}.{extension}")));
    }
    for index in [
        "index.ts",
        "index.tsx",
        "index.js",
        "index.mjs",
        "index.jsx",
    ] {
        paths.push(joined.join(index));
    }
    paths
}

/// `a/./b/../c` -> `a/c`, without touching the file system.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Files(Vec<(&'static str, &'static str)>);

    impl SourceLoader for Files {
        fn load(&self, path: &Path) -> Option<String> {
            self.0
                .iter()
                .find(|(name, _)| Path::new(name) == path)
                .map(|(_, text)| text.to_string())
        }
    }

    #[test]
    fn follows_relative_imports_barrels_and_esm_extensions_once() {
        let files = Files(vec![
            (
                "app/models/index.ts",
                "export * from './post';\nexport { Tag } from './tag.js';\n",
            ),
            (
                "app/models/post.ts",
                "import { Tag } from './tag';\nexport const Post = 1;\n",
            ),
            ("app/models/tag.ts", "export const Tag = 2;\n"),
        ]);
        let entry = "import { a } from '@aws-amplify/backend';\nimport type { X } from './types';\nimport { Post } from './models';\n";
        let project = Project::load(Path::new("app/./resource.ts"), entry, &files);
        let paths: Vec<_> = project.files.iter().map(|file| file.path.clone()).collect();
        assert_eq!(
            paths,
            [
                PathBuf::from("app/resource.ts"),
                PathBuf::from("app/models/index.ts"),
                PathBuf::from("app/models/post.ts"),
                PathBuf::from("app/models/tag.ts"),
            ]
        );
        assert!(project.unresolved.is_empty(), "{:?}", project.unresolved);
        assert_eq!(project.entry().module("./models"), Some(FileId(1)));
        // Each file's text sits at its base in the shared offset space.
        for file in &project.files {
            assert_eq!(project.source(file.id).len(), file.len);
        }
        assert_eq!(project.source(FileId(3)), "export const Tag = 2;\n");
        let tag_at = project.text.find("export const Tag").unwrap();
        let span = Span::new(FileId(3), tag_at, tag_at + 6);
        assert_eq!(project.local(span), 0..6);
    }

    #[test]
    fn a_missing_file_is_unresolved_and_a_cycle_loads_each_file_once() {
        let files = Files(vec![(
            "b.ts",
            "import { A } from './a';\nexport const B = 1;\n",
        )]);
        let entry =
            "import { B } from './b';\nimport { C } from './missing';\nexport const A = 2;\n";
        let project = Project::load(Path::new("a.ts"), entry, &files);
        assert_eq!(project.files.len(), 2);
        assert_eq!(project.files[1].module("./a"), Some(FileId::MAIN));
        assert_eq!(
            project.unresolved,
            vec![(FileId::MAIN, "./missing".to_string())]
        );
    }
}
