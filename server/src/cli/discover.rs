//! Which files `amplint check` reads.

use std::path::{Path, PathBuf};

use amplint_rules::SourceKind;
use miette::{miette, Report};

/// A file to check, with the path to show for it.
#[derive(Debug)]
pub struct SourcePath {
    pub path: PathBuf,
    /// As given on the command line, or relative to the working directory when walked.
    pub display_path: String,
    /// Given explicitly (always checked) rather than found by walking (checked only when
    /// it holds a schema).
    pub explicit: bool,
    pub kind: SourceKind,
}

pub struct Discovered {
    pub files: Vec<SourcePath>,
    /// Problems that did not stop the run (an unreadable entry while walking).
    pub warnings: Vec<Report>,
}

/// Expands the command line's paths: files as they are, directories walked with
/// `.gitignore` respected. An explicit path that does not exist stops the run.
pub fn discover(paths: &[PathBuf]) -> miette::Result<Discovered> {
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let current_dir = std::env::current_dir().ok();
    let mut files = Vec::new();
    let mut warnings = Vec::new();
    for path in paths {
        let metadata = std::fs::metadata(path).map_err(|error| {
            miette!(
                help = "pass files or directories that exist; with no path amplint checks the current directory",
                "cannot read `{}`: {error}",
                path.display()
            )
        })?;
        if metadata.is_file() {
            let display_path = path.display().to_string();
            let kind = SourceKind::from_path(&display_path).unwrap_or(SourceKind::TypeScript);
            files.push(SourcePath {
                path: path.clone(),
                display_path,
                explicit: true,
                kind,
            });
            continue;
        }
        let walker = ignore::WalkBuilder::new(path)
            .hidden(true)
            .git_ignore(true)
            .require_git(false)
            .filter_entry(|entry| entry.file_name() != "node_modules")
            .build();
        for entry in walker {
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) => {
                    warnings.push(miette!(
                        severity = miette::Severity::Warning,
                        "skipped: {error}"
                    ));
                    continue;
                }
            };
            if !entry.file_type().is_some_and(|kind| kind.is_file()) {
                continue;
            }
            let found = entry.path();
            let Some(kind) = found.to_str().and_then(SourceKind::from_path) else {
                continue;
            };
            if is_declaration_file(found) {
                continue;
            }
            let display_path = display_relative(found, current_dir.as_deref());
            files.push(SourcePath {
                path: found.to_path_buf(),
                display_path,
                explicit: false,
                kind,
            });
        }
    }
    files.sort_by(|a, b| a.display_path.cmp(&b.display_path));
    files.dedup_by(|a, b| a.path == b.path);
    Ok(Discovered { files, warnings })
}

fn is_declaration_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| name.ends_with(".d.ts"))
}

/// A path for messages: relative to the working directory when below it (and without a
/// leading `./`).
pub fn display_relative(path: &Path, current_dir: Option<&Path>) -> String {
    let relative = current_dir
        .and_then(|dir| path.strip_prefix(dir).ok())
        .or_else(|| path.strip_prefix("./").ok())
        .unwrap_or(path);
    relative.display().to_string()
}
