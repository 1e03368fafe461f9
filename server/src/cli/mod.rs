//! The command line: `amplint check`, `amplint rule`.

pub mod check;
pub mod discover;
pub mod files;
pub mod output;
pub mod rule;

use std::process::ExitCode;

/// How a run ended, as an exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// No error-severity diagnostic.
    Clean,
    /// At least one error-severity diagnostic.
    Failed,
    /// A file given on the command line could not be checked.
    CouldNotRun,
}

impl Status {
    pub fn exit_code(self) -> ExitCode {
        match self {
            Status::Clean => ExitCode::SUCCESS,
            Status::Failed => ExitCode::from(1),
            Status::CouldNotRun => ExitCode::from(2),
        }
    }
}
