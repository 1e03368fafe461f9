//! Finding and reading the files of schemas split across files, for the command line and
//! the language server alike.

use std::path::{Path, PathBuf};

use amplint_rules::project::{normalize, SourceLoader};

/// Reads project files from disk for the engine (UTF-8 only).
pub struct DiskLoader;

impl SourceLoader for DiskLoader {
    fn load(&self, path: &Path) -> Option<String> {
        let bytes = std::fs::read(path).ok()?;
        String::from_utf8(bytes).ok()
    }
}

/// Whether `text` imports from a relative path (a schema may be split across files).
pub fn imports_relatively(text: &str) -> bool {
    ["from '.", "from \".", "import '.", "import \"."]
        .iter()
        .any(|pattern| text.contains(pattern))
}

/// Whether `text` looks like a project's entry: it passes a schema to `defineData` and
/// imports from other files.
pub fn is_entry_text(text: &str) -> bool {
    text.contains("defineData(") && imports_relatively(text)
}

/// A file's identity: its absolute, normalized path.
pub fn identity(path: &Path) -> PathBuf {
    normalize(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
}

/// The nearest directory above `file` with a `package.json` or `.git`.
pub fn package_root(file: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(file).ok()?;
    absolute
        .ancestors()
        .skip(1)
        .find(|dir| dir.join("package.json").is_file() || dir.join(".git").exists())
        .map(Path::to_path_buf)
}

/// The files under `root` that look like entries ([`is_entry_text`]), `.gitignore`
/// respected, `node_modules` skipped.
pub fn entry_candidates(root: &Path) -> Vec<PathBuf> {
    let Ok(found) = crate::cli::discover::discover(&[root.to_path_buf()]) else {
        return Vec::new();
    };
    found
        .files
        .into_iter()
        .filter(|file| std::fs::read_to_string(&file.path).is_ok_and(|text| is_entry_text(&text)))
        .map(|file| file.path)
        .collect()
}
