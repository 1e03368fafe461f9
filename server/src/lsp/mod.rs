//! The language server (`amplint server`): LSP over stdio with tower-lsp.
//!
//! Thin handlers in [`backend`]; documents (rope + tree, incremental sync) in [`document`];
//! position encodings converted only at the edge in [`encoding`]; one module per feature.

mod backend;
mod checker;
mod code_actions;
mod completion;
mod diagnostics;
// Public only for the fuzz target `document_edits` (`fuzz/`).
#[doc(hidden)]
pub mod document;
mod encoding;
mod hover;
mod names;
mod navigation;
mod suppressions;
mod symbols;
mod workspace;

pub use backend::{Backend, DebugText};
pub use diagnostics::FixData;

use std::sync::Arc;

use tokio::sync::Notify;
use tower_lsp::{ClientSocket, LspService, Server};

/// Serves LSP over stdio until the client exits.
pub fn run() -> miette::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| miette::miette!("cannot start the language server's runtime: {error}"))?;
    runtime.block_on(async {
        let shut_down = Arc::new(Notify::new());
        let (service, socket) = build(false, Some(shut_down.clone()));
        let serve = Server::new(tokio::io::stdin(), tokio::io::stdout(), socket).serve(service);
        // tower-lsp 0.20 notices the `exit` notification only when another message or the
        // end of input follows, and some clients (Neovim) wait for the process to end
        // without closing its input. After `shutdown` only `exit` may come: stop shortly
        // after answering it.
        tokio::select! {
            () = serve => {}
            () = async {
                shut_down.notified().await;
                tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            } => {}
        }
    });
    // Reading stdin blocks a thread that would otherwise keep the process alive.
    runtime.shutdown_background();
    Ok(())
}

/// The service, for serving over any transport (tests use in-memory pipes).
pub fn service() -> (LspService<Backend>, ClientSocket) {
    build(false, None)
}

/// The service with the debugging requests that fail on purpose (`amplint/debugPanic`).
pub fn service_with_debug_requests() -> (LspService<Backend>, ClientSocket) {
    build(true, None)
}

/// `shut_down` is notified when the client's `shutdown` request has been answered.
fn build(
    debug_requests: bool,
    shut_down: Option<Arc<Notify>>,
) -> (LspService<Backend>, ClientSocket) {
    LspService::build(move |client| Backend::new(client, debug_requests, shut_down))
        .custom_method("amplint/debugText", Backend::debug_text)
        .custom_method("amplint/debugPanic", Backend::debug_panic)
        .finish()
}
