//! `amplint check`: find schema files, check them, fix them, report.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use amplint_rules::{Applicability, Settings};
use clap::{Args, ValueEnum};
use miette::{miette, IntoDiagnostic};
use rayon::prelude::*;

use super::discover::{discover, Discovered};
use super::files::{write_atomically, CheckedFile};
use super::output::{self, Summary};
use super::Status;

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
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Code frames with labels and help (codespan-reporting).
    Human,
    /// One line per diagnostic: `path:line:column: severity[rule] message`.
    Concise,
    /// A stable JSON document for tools.
    Json,
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
    let settings = Settings::default();
    let mut checked: Vec<CheckedFile> = files
        .into_par_iter()
        .map(|file| CheckedFile::check(file, &settings, fix_level))
        .collect();
    checked.sort_by(|a, b| a.display_path.cmp(&b.display_path));

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
    if !arguments.diff {
        match arguments.format {
            Format::Human => output::human::write(&mut out, &checked, &summary, color),
            Format::Concise => output::concise::write(&mut out, &checked, &summary),
            Format::Json => output::json::write(&mut out, &checked, &summary),
        }
        .map_or_else(|error| quiet_on_broken_pipe(Err(error)), Ok)?;
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
    let failed = summary.errors > 0 || (arguments.diff && would_change > 0);
    Ok(if failed {
        Status::Failed
    } else {
        Status::Clean
    })
}

/// A reader that stopped reading (`amplint check | head`) is not an error of amplint's.
fn quiet_on_broken_pipe(result: io::Result<()>) -> miette::Result<()> {
    match result {
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other.into_diagnostic(),
    }
}
