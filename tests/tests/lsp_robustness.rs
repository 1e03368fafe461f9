//! The server survives failures and hostile input: a panic inside a handler is answered
//! with an error and logged; nonsense positions, edits and text never kill it.

use amplint_tests::lsp_client::LspClient;
use serde_json::json;

const URI: &str = "file:///project/amplify/data/resource.ts";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_handler_is_answered_with_an_error_and_logged() {
    let mut client = LspClient::in_process_with(amplint::lsp::service_with_debug_requests());
    client.initialize(None).await;
    client.open(URI, "const x = 1;\n").await;
    client.diagnostics(URI, 1).await;
    let error = client
        .request("amplint/debugPanic", json!({"uri": URI}))
        .await
        .unwrap_err();
    assert_eq!(error["code"], -32603);
    assert!(error["message"]
        .as_str()
        .unwrap()
        .contains("deliberate failure"));
    let log = client.next_notification("window/logMessage").await;
    assert_eq!(log["type"], 1);
    assert!(log["message"]
        .as_str()
        .unwrap()
        .contains("deliberate failure"));
    // Still alive.
    let (version, text) = client.server_text(URI).await;
    assert_eq!((version, text.as_str()), (1, "const x = 1;\n"));
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_debugging_failure_is_off_by_default() {
    let mut client = LspClient::in_process();
    client.initialize(None).await;
    client.open(URI, "x").await;
    let error = client
        .request("amplint/debugPanic", json!({"uri": URI}))
        .await
        .unwrap_err();
    assert_eq!(error["code"], -32601);
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nonsense_requests_and_edits_never_kill_the_server() {
    let mut client = LspClient::in_process();
    client.initialize(None).await;
    let hostile = "const schema = a.schema({ T: a.model({ x: a.hasMany('😀', [[[[(((( \u{0}\r\r\n\u{2028}日本";
    client.open(URI, hostile).await;
    client.diagnostics(URI, 1).await;
    let far = json!({"line": 1_000_000, "character": 4_000_000_000u32});
    let middle_of_emoji = json!({"line": 0, "character": 53});
    for position in [
        far.clone(),
        middle_of_emoji.clone(),
        json!({"line": 0, "character": 0}),
    ] {
        let at = json!({"textDocument": {"uri": URI}, "position": position});
        for method in [
            "textDocument/hover",
            "textDocument/definition",
            "textDocument/completion",
            "textDocument/prepareRename",
        ] {
            let _ = client.request(method, at.clone()).await;
        }
        let mut references = at.clone();
        references["context"] = json!({"includeDeclaration": true});
        let _ = client.request("textDocument/references", references).await;
        let mut rename = at.clone();
        rename["newName"] = json!("X");
        let _ = client.request("textDocument/rename", rename).await;
    }
    // Requests about a document that is not open.
    let elsewhere = json!({"textDocument": {"uri": "file:///nowhere.ts"}, "position": far});
    assert_eq!(
        client.request("textDocument/hover", elsewhere).await,
        Ok(json!(null))
    );
    // Edits with reversed and out-of-range ranges: clamped, never a crash.
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [
                {"range": {"start": far, "end": {"line": 0, "character": 0}}, "text": "// reversed\n"},
                {"range": {"start": middle_of_emoji, "end": middle_of_emoji}, "text": "🎉"},
            ]}),
        )
        .await;
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": "file:///nowhere.ts", "version": 2}, "contentChanges": [{"text": "x"}]}),
        )
        .await;
    let (version, text) = client.server_text(URI).await;
    assert_eq!(version, 2);
    // The reversed range covers the whole text; the second change then lands at the end
    // of the (now short) first line.
    assert_eq!(text, "// reversed🎉\n");
    let actions = client
        .code_actions(URI, json!({"start": far, "end": far}), &[json!({"range": {"start": far, "end": far}, "message": "x", "source": "amplint", "data": {"bogus": true}})], None)
        .await;
    assert!(actions.iter().all(|action| action["kind"] != "quickfix"));
    let symbols = client
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": URI}}),
        )
        .await;
    assert!(symbols.is_ok());
    client.shutdown().await;
}
