//! amplint's command line and language server. The only crate that does I/O; the checks
//! themselves live in `amplint_rules`.

pub mod cli;
pub mod config;
pub mod lsp;
pub mod memory;
pub mod projects;
