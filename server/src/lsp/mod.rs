//! The language server (`amplint server`).

/// Serves LSP over stdio until the client exits.
pub fn run() -> miette::Result<()> {
    Err(miette::miette!("the language server is not built yet"))
}
