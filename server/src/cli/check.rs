//! `amplint check`: find schema files, check them, fix them, report.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;

use amplint_rules::{Applicability, Settings, Severity};
use clap::{Args, ValueEnum};
use miette::{miette, IntoDiagnostic};
use rayon::prelude::*;

use super::discover::{discover, Discovered, SourcePath};
use super::files::{write_atomically, CheckedFile, CheckedUnit};
use super::output::{self, Summary};
use super::Status;
use crate::config::{Config, LoadedConfig};

#[derive(Args, Debug)]
pub struct CheckArguments {
    /// Files or directories to check. Files are always checked; directories are walked
    /// (respecting .gitignore) for files that hold a schema. Default: the current directory.
    pub paths: Vec<PathBuf>,
    /// Apply safe fixes, repeatedly, until nothing changes.
    #[arg(long)]
    pub fix: bool,
    /// Apply unsafe fixes too (implies --fix).
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print the fixes as a unified diff instead of writing them (implies --fix).
    #[arg(long)]
    pub diff: bool,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// When to colour human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Write the report to this file (atomically) instead of standard output.
    #[arg(long, value_name = "PATH")]
    pub output_file: Option<PathBuf>,
    /// Fail (exit code 1) on warnings too, not only on errors.
    #[arg(long)]
    pub deny_warnings: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Code frames with labels and help (codespan-reporting).
    Human,
    /// One line per diagnostic: `path:line:column: severity[rule] message`.
    Concise,
    /// A stable JSON document for tools.
    Json,
    /// GitHub Actions workflow commands (annotations on the pull request).
    Github,
    /// SARIF 2.1.0 (code scanning).
    Sarif,
    /// JUnit XML: one test suite per file, one test case per diagnostic.
    Junit,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

pub fn run(arguments: CheckArguments) -> miette::Result<Status> {
    let fix_level = if arguments.unsafe_fixes {
        Some(Applicability::Unsafe)
    } else if arguments.fix || arguments.diff {
        Some(Applicability::Safe)
    } else {
        None
    };
    let Discovered { files, warnings } = discover(&arguments.paths)?;
    for warning in &warnings {
        eprintln!("{warning:?}");
    }
    // Each file's nearest amplint.toml (cached by directory); walked files it excludes are
    // dropped, files named on the command line are always checked.
    let config = Config::new();
    let default_settings = Settings::default();
    let mut configured = Vec::with_capacity(files.len());
    for file in files {
        let loaded = config.discover_for(&file.path)?;
        if let Some(loaded) = &loaded {
            if !file.explicit && !loaded.is_included(&file.path) {
                continue;
            }
        }
        configured.push((file, loaded));
    }
    let check_configured = |(file, loaded): (SourcePath, Option<Arc<LoadedConfig>>)| {
        let settings = loaded
            .as_deref()
            .map_or(&default_settings, |loaded| loaded.settings_ref());
        CheckedUnit::check(file, settings, fix_level)
    };
    let check_one = |file: SourcePath| -> miette::Result<CheckedUnit> {
        let loaded = config.discover_for(&file.path)?;
        Ok(check_configured((file, loaded)))
    };
    // One file is checked on this thread: a parallel iterator, even over one item, starts
    // rayon's pool, whose threads then compete with this one for the cores while they look
    // for work (a large file starts the pool itself, when its pieces are ready).
    let mut units: Vec<CheckedUnit> = if configured.len() == 1 {
        configured.into_iter().map(check_configured).collect()
    } else {
        configured.into_par_iter().map(check_configured).collect()
    };
    check_explicit_files_through_their_entries(&mut units, &check_one)?;
    let checked = merge_units(units);

    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut would_change = 0;
    for file in &checked {
        let Some(fixed) = &file.fixed_text else {
            continue;
        };
        if arguments.diff {
            would_change += 1;
            quiet_on_broken_pipe(output::diff::write(&mut out, file, fixed))?;
        } else {
            write_atomically(&file.path, fixed)
                .map_err(|error| miette!("cannot write {}: {error}", file.display_path))?;
        }
    }
    let summary = Summary::of(
        &checked,
        if arguments.diff {
            0
        } else {
            checked.iter().filter(|f| f.fixed_text.is_some()).count()
        },
    );
    let color = match arguments.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let fail_at = if arguments.deny_warnings {
        Severity::Warning
    } else {
        Severity::Error
    };
    if !arguments.diff {
        if let Some(path) = &arguments.output_file {
            let mut report = Vec::new();
            render(
                arguments.format,
                &mut report,
                &checked,
                &summary,
                false,
                fail_at,
            )
            .into_diagnostic()?;
            let text = String::from_utf8(report).into_diagnostic()?;
            write_atomically(path, &text)
                .map_err(|error| miette!("cannot write {}: {error}", path.display()))?;
        } else {
            render(
                arguments.format,
                &mut out,
                &checked,
                &summary,
                color,
                fail_at,
            )
            .map_or_else(|error| quiet_on_broken_pipe(Err(error)), Ok)?;
        }
    } else if would_change > 0 {
        eprintln!("{would_change} file(s) would be changed by the fixes");
    }
    quiet_on_broken_pipe(out.flush())?;
    let mut could_not_run = false;
    for file in &checked {
        if let Some(problem) = &file.problem {
            could_not_run |= file.explicit;
            eprintln!(
                "{:?}",
                miette!(
                    severity = miette::Severity::Warning,
                    "{}: {problem}",
                    file.display_path
                )
            );
        }
        if let Some(note) = &file.note {
            eprintln!(
                "{:?}",
                miette!(
                    severity = miette::Severity::Advice,
                    "{}: {note}",
                    file.display_path
                )
            );
        }
    }
    if could_not_run {
        return Ok(Status::CouldNotRun);
    }
    let failed = summary.errors > 0
        || (arguments.deny_warnings && summary.warnings > 0)
        || (arguments.diff && would_change > 0);
    Ok(if failed {
        Status::Failed
    } else {
        Status::Clean
    })
}

/// A file named on the command line that is only a part of a project (a model file, a
/// schema that an entry combines) is checked within the project of its entry: the files
/// under its package root (the nearest directory with a `package.json` or `.git`) that
/// pass a schema to `defineData` are tried, and the first whose project includes it gives
/// the diagnostics of that file. pre-commit passes only the changed files; this keeps
/// their check the same as the whole project's.
fn check_explicit_files_through_their_entries(
    units: &mut [CheckedUnit],
    check_one: &(dyn Fn(SourcePath) -> miette::Result<CheckedUnit> + Sync),
) -> miette::Result<()> {
    let covered: std::collections::HashSet<std::path::PathBuf> = units
        .iter()
        .filter(|unit| unit.is_entry)
        .flat_map(|unit| unit.covers.iter().cloned())
        .collect();
    let mut entry_units: std::collections::HashMap<std::path::PathBuf, Vec<CheckedUnit>> =
        std::collections::HashMap::new();
    for unit in units.iter_mut() {
        let Some(root) = unit.covers.first().cloned() else {
            continue;
        };
        let explicit = unit.files.first().is_some_and(|file| file.explicit);
        if unit.is_entry || !explicit || covered.contains(&root) {
            continue;
        }
        let Some(package) = crate::projects::package_root(&root) else {
            continue;
        };
        if !entry_units.contains_key(&package) {
            let checked: Vec<CheckedUnit> = crate::projects::entry_candidates(&package)
                .into_iter()
                .filter(|entry| crate::projects::identity(entry) != root)
                .map(|path| {
                    let display_path = path.display().to_string();
                    check_one(SourcePath {
                        kind: amplint_rules::SourceKind::from_path(&display_path)
                            .unwrap_or(amplint_rules::SourceKind::TypeScript),
                        path,
                        display_path,
                        explicit: false,
                    })
                })
                .collect::<miette::Result<_>>()?;
            entry_units.insert(package.clone(), checked);
        }
        let found = entry_units[&package].iter().find_map(|entry| {
            let index = entry.covers.iter().position(|path| *path == root)?;
            Some(&entry.files[index])
        });
        if let Some(file) = found {
            let own = &mut unit.files[0];
            own.diagnostics = file.diagnostics.clone();
            own.text = file.text.clone();
            own.fixed_text = file.fixed_text.clone();
            own.original_text = file.original_text.clone();
            own.line_index = file.line_index.clone();
            own.id = file.id;
            own.project = std::sync::Arc::clone(&file.project);
            own.skipped = false;
            unit.files.truncate(1);
            unit.covers.truncate(1);
        }
    }
    Ok(())
}

/// One list of checked files from the checked units. A project is checked from its
/// entry (the file that passes the schema to `defineData`): a schema file that an entry's
/// project includes is not reported again on its own (alone it would miss the names the
/// other files define), and a file that several projects include is reported once.
fn merge_units(units: Vec<CheckedUnit>) -> Vec<CheckedFile> {
    let covered_by_entries: std::collections::HashSet<std::path::PathBuf> = units
        .iter()
        .filter(|unit| unit.is_entry)
        .flat_map(|unit| unit.covers.iter().cloned())
        .collect();
    let mut by_path: std::collections::BTreeMap<std::path::PathBuf, CheckedFile> =
        std::collections::BTreeMap::new();
    for unit in units {
        if !unit.is_entry
            && unit
                .covers
                .first()
                .is_some_and(|root| covered_by_entries.contains(root))
        {
            continue;
        }
        for file in unit.files {
            let key = crate::projects::identity(&file.path);
            match by_path.get_mut(&key) {
                Some(seen) => {
                    for diagnostic in file.diagnostics {
                        if !seen.diagnostics.contains(&diagnostic) {
                            seen.diagnostics.push(diagnostic);
                        }
                    }
                    seen.diagnostics
                        .sort_by_key(|diagnostic| (diagnostic.span.start, diagnostic.span.end));
                    seen.explicit |= file.explicit;
                    seen.skipped &= file.skipped;
                }
                None => {
                    by_path.insert(key, file);
                }
            }
        }
    }
    let mut checked: Vec<CheckedFile> = by_path.into_values().collect();
    checked.sort_by(|a, b| a.display_path.cmp(&b.display_path));
    checked
}

/// Writes the report in `format`.
pub fn render(
    format: Format,
    out: &mut dyn Write,
    checked: &[CheckedFile],
    summary: &Summary,
    color: bool,
    fail_at: Severity,
) -> io::Result<()> {
    match format {
        Format::Human => output::human::write(out, checked, summary, color),
        Format::Concise => output::concise::write(out, checked, summary),
        Format::Json => output::json::write(out, checked, summary),
        Format::Github => output::github::write(out, checked),
        Format::Sarif => {
            let root = std::env::current_dir()
                .ok()
                .map(|dir| output::sarif::directory_uri(&dir));
            output::sarif::write(out, checked, root.as_deref())
        }
        Format::Junit => output::junit::write(out, checked, fail_at),
    }
}

/// A reader that stopped reading (`amplint check | head`) is not an error of amplint's.
fn quiet_on_broken_pipe(result: io::Result<()>) -> miette::Result<()> {
    match result {
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other.into_diagnostic(),
    }
}
