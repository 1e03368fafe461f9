//! `amplint`: the command line and the language server.

use std::process::ExitCode;

use amplint::{cli, lsp};

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "amplint", version, about = "Lint AWS Amplify Gen 2 data schemas", long_about = None)]
struct Arguments {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check schema files and report problems (optionally fixing them).
    Check(cli::check::CheckArguments),
    /// Print a rule's documentation (or list every rule when no name is given).
    Rule(cli::rule::RuleArguments),
    /// Run the language server over stdio.
    Server,
}

#[global_allocator]
static ALLOCATOR: amplint::memory::Allocator = amplint::memory::Allocator;

fn main() -> ExitCode {
    let arguments = Arguments::parse();
    let outcome = match arguments.command {
        Command::Check(arguments) => {
            // Before anything is parsed (see `memory`): a check is a short batch run.
            amplint::memory::use_batch_allocators();
            cli::check::run(arguments)
        }
        Command::Rule(arguments) => cli::rule::run(arguments),
        Command::Server => lsp::run().map(|()| cli::Status::Clean),
    };
    match outcome {
        Ok(status) => status.exit_code(),
        Err(report) => {
            eprintln!("{report:?}");
            ExitCode::from(2)
        }
    }
}
