//! The server survives failures and hostile input: a panic inside a handler is answered
//! with an error and logged; nonsense positions, edits and text never kill it.

use amplint_tests::generate;
use amplint_tests::lsp_client::LspClient;
use serde_json::{json, Value};

const URI: &str = "file:///project/amplify/data/resource.ts";

/// The requests about a position that take no more than it (references and rename are
/// always asked too).
const POSITION_REQUESTS: [&str; 4] = [
    "textDocument/hover",
    "textDocument/definition",
    "textDocument/completion",
    "textDocument/prepareRename",
];

/// Requests about a position (`methods`, references and rename), with their answers
/// (`Err` holds the error object).
async fn ask_at(
    client: &mut LspClient,
    uri: &str,
    position: Value,
    methods: &[&'static str],
) -> Vec<(&'static str, Result<Value, Value>)> {
    let at = json!({"textDocument": {"uri": uri}, "position": position});
    let mut answers = Vec::new();
    for &method in methods {
        answers.push((method, client.request(method, at.clone()).await));
    }
    let mut references = at.clone();
    references["context"] = json!({"includeDeclaration": true});
    answers.push((
        "textDocument/references",
        client.request("textDocument/references", references).await,
    ));
    let mut rename = at;
    rename["newName"] = json!("X");
    answers.push((
        "textDocument/rename",
        client.request("textDocument/rename", rename).await,
    ));
    answers
}

/// No answer is the error a panicking handler gets (`-32603`, internal error).
fn assert_no_internal_error(answers: &[(&str, Result<Value, Value>)], what: &str) {
    for (method, answer) in answers {
        if let Err(error) = answer {
            assert_ne!(error["code"], -32603, "{what}: {method} failed: {error}");
        }
    }
}

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
        ask_at(&mut client, URI, position, &POSITION_REQUESTS).await;
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

/// A schema whose field value and authorization rules sit `depth` levels deep in
/// `open`…`close`.
fn deeply_nested(open: &str, close: &str, depth: usize) -> String {
    format!(
        "const schema = a.schema({{ T: a.model({{ x: {}a.string(){} }}).authorization((allow) => [{}allow.owner(){}]) }});\n",
        open.repeat(depth),
        close.repeat(depth),
        open.repeat(depth),
        close.repeat(depth),
    )
}

const DEEP_SHAPES: [(&str, &str); 4] = [
    ("[", "]"),
    ("{ x: ", " }"),
    ("a.string(", ")"),
    ("f(() => ", ")"),
];

/// Inserts `text` at `position` (one `didChange`); returns the new version.
async fn insert(client: &mut LspClient, uri: &str, position: Value, text: &str) -> i32 {
    let edit = json!({"range": {"start": position, "end": position}, "newText": text});
    client.change(uri, &[edit]).await
}

const DEEP_URI: &str = "file:///project/deep.ts";

/// A client with 10,000-deep brackets open (`DEEP_URI`) and checked.
async fn client_with_deep_brackets() -> LspClient {
    let mut client = LspClient::in_process();
    client.initialize(None).await;
    client
        .open(DEEP_URI, &deeply_nested("[", "]", 10_000))
        .await;
    client.diagnostics(DEEP_URI, 1).await;
    client
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_deep_nesting_is_checked_edited_and_navigated() {
    let mut client = LspClient::in_process();
    client.initialize(None).await;
    for (number, (open, close)) in DEEP_SHAPES.into_iter().enumerate() {
        let uri = format!("file:///project/deep{number}.ts");
        client.open(&uri, &deeply_nested(open, close, 10_000)).await;
        client.diagnostics(&uri, 1).await;
        // The innermost value, and the innermost authorization rule. (Not completion:
        // it is slow this deep, see below; nor `amplint/debugText`, see below.)
        for needle in ["a.string()", "allow.owner"] {
            let position = client.position_of(&uri, needle, 0, 2);
            let methods = [
                "textDocument/hover",
                "textDocument/definition",
                "textDocument/prepareRename",
            ];
            let answers = ask_at(&mut client, &uri, position, &methods).await;
            assert_no_internal_error(&answers, &format!("{open}…{close} at {needle}"));
        }
        let symbols = client
            .request(
                "textDocument/documentSymbol",
                json!({"textDocument": {"uri": uri}}),
            )
            .await;
        assert!(symbols.is_ok(), "{open}…{close}: {symbols:?}");
        // An edit at the deepest point, then one that unbalances the nesting at the top:
        // each is checked and published. (A syntax error at the deepest point kills the
        // server: see `server/tests/lsp_stdio.rs`.)
        let innermost = client.position_of(&uri, "a.string()", 0, 0);
        let version = insert(&mut client, &uri, innermost, "1 + ").await;
        client.diagnostics(&uri, version).await;
        let start = client.position(&uri, 0);
        let version = insert(&mut client, &uri, start, open).await;
        let diagnostics = client.diagnostics(&uri, version).await;
        assert!(
            diagnostics
                .iter()
                .any(|diagnostic| diagnostic["code"] == "syntax-error"),
            "{open}…{close}: {diagnostics:#?}"
        );
    }
    client.shutdown().await;
}

/// KNOWN PROBLEM: completion climbs from the cursor with `Node::parent`, which tree-sitter
/// answers by walking down from the root, so its time grows with the square of the
/// nesting depth (`string_start` and `call_context_from_tree` in
/// `server/src/lsp/completion.rs`). Measured over stdio, release build, cursor inside
/// `a.string()` under `[`×depth: 5,000 deep 1.8 s, 10,000 deep 7 s, 20,000 deep 30 s,
/// 100,000 deep still running after 10 minutes (a hang). Passes once it climbs with a
/// `TreeCursor` (or from the root down).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completion_ten_thousand_deep_answers_quickly() {
    let mut client = client_with_deep_brackets().await;
    let position = client.position_of(DEEP_URI, "a.string()", 0, 2);
    let start = std::time::Instant::now();
    let answers = ask_at(
        &mut client,
        DEEP_URI,
        position,
        &["textDocument/completion"],
    )
    .await;
    assert_no_internal_error(&answers, "completion");
    assert!(
        start.elapsed() < std::time::Duration::from_secs(1),
        "completion took {:?}",
        start.elapsed()
    );
    client.shutdown().await;
}

/// KNOWN PROBLEM: `amplint/debugText` compares `to_sexp()` of two trees; tree-sitter
/// writes an S-expression recursively, so a deep tree overflows the stack of the thread
/// answering, which aborts the whole process (a stack overflow cannot be caught). Here,
/// in process (tokio worker threads have 2 MiB stacks), 10,000-deep brackets after one
/// edit abort the test binary; over stdio the release server dies at 30,000 deep
/// (`thread 'main' has overflowed its stack`). Only a debugging request (tests and
/// editor test scripts use it), but any client can send it. Passes once the comparison
/// walks the trees with a cursor instead. Run alone: a failure aborts the test process.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn debug_text_of_a_ten_thousand_deep_document_answers() {
    let mut client = client_with_deep_brackets().await;
    let innermost = client.position_of(DEEP_URI, "a.string()", 0, 0);
    let version = insert(&mut client, DEEP_URI, innermost, "1 + ").await;
    client.diagnostics(DEEP_URI, version).await;
    let document = client.server_document(DEEP_URI).await;
    assert_eq!(document["text"], client.text(DEEP_URI));
    assert_eq!(document["tree_matches_fresh_parse"], true);
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_thousand_models_are_checked_edited_and_listed() {
    let mut client = LspClient::in_process();
    client.initialize(None).await;
    let text = generate::schema(5_000);
    client.open(URI, &text).await;
    assert_eq!(client.diagnostics(URI, 1).await, Vec::<Value>::new());
    let symbols = client
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": URI}}),
        )
        .await
        .unwrap();
    let listed = symbols.to_string().matches("\"Member").count();
    assert!(listed >= 1_667, "{listed} Member models listed");
    // Break one reference near the end: reported, with the model named.
    let at = client.position_of(URI, "'Team1665'", 0, 1);
    let end = client.position_of(URI, "'Team1665'", 0, 5);
    let version = client
        .change(
            URI,
            &[json!({"range": {"start": at, "end": end}, "newText": "Teem"})],
        )
        .await;
    let diagnostics = client.diagnostics(URI, version).await;
    assert!(
        diagnostics
            .iter()
            .any(|diagnostic| diagnostic["code"] == "unknown-related-model"),
        "{diagnostics:#?}"
    );
    client.shutdown().await;
}
