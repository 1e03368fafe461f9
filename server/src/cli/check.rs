//! `amplint check`.

use clap::Args;

use super::Status;

#[derive(Args)]
pub struct CheckArguments {
    /// Files or directories to check (default: the current directory).
    pub paths: Vec<std::path::PathBuf>,
}

pub fn run(_arguments: CheckArguments) -> miette::Result<Status> {
    Err(miette::miette!("not built yet"))
}
