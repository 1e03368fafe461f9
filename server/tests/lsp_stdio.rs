//! The real binary over stdio: `amplint server`, driven by the same test client as the
//! in-process round trips.

#[path = "../../tests/src/lsp_client.rs"]
#[allow(dead_code)]
mod lsp_client;

use std::process::Stdio;

use lsp_client::{ClientEncoding, LspClient};
use serde_json::json;

const URI: &str = "file:///project/amplify/data/resource.ts";

fn fixture(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures")
        .join(name);
    std::fs::read_to_string(path).expect("the fixture exists")
}

async fn spawn() -> (tokio::process::Child, LspClient) {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_amplint"))
        .arg("server")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("the binary starts");
    let stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    (child, LspClient::new(stdout, stdin))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quick_fix_and_fix_all_round_trip_over_stdio() {
    // Multibyte text on the flagged line, CRLF line endings, UTF-16 (the default).
    let text = fixture("unknown-related-model/invalid.ts")
        .replace(
            "team: a.belongsTo('Teem'",
            "team: /* 日本語 😀 */ a.belongsTo('Teem'",
        )
        .replace('\n', "\r\n");
    for encodings in [None, Some(&[ClientEncoding::Utf8][..])] {
        let (mut child, mut client) = spawn().await;
        client.initialize(encodings).await;
        client.open(URI, &text).await;
        let diagnostics = client.diagnostics(URI, 1).await;
        let diagnostic = diagnostics
            .iter()
            .find(|diagnostic| {
                diagnostic["message"]
                    .as_str()
                    .unwrap()
                    .contains("did you mean `Team`")
            })
            .expect("the did-you-mean diagnostic")
            .clone();
        assert_eq!(diagnostic["code"], "unknown-related-model");
        let actions = client
            .code_actions(
                URI,
                diagnostic["range"].clone(),
                std::slice::from_ref(&diagnostic),
                Some(&["quickfix"]),
            )
            .await;
        let action = actions
            .iter()
            .find(|action| action["title"].as_str().unwrap().contains("`Team`"))
            .expect("the quick fix");
        client.apply_workspace_edit(&action["edit"]);
        let after_quick_fix = text.replacen("'Teem'", "'Team'", 1);
        assert_eq!(client.text(URI), after_quick_fix);

        // Tell the server, then fix everything else.
        let whole = client.text(URI).to_string();
        let end = client.position(URI, text.len());
        let version = client
            .change(
                URI,
                &[json!({"range": {"start": {"line": 0, "character": 0}, "end": end}, "newText": whole})],
            )
            .await;
        client.diagnostics(URI, version).await;
        let actions = client
            .code_actions(
                URI,
                json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}),
                &[],
                Some(&["source.fixAll.amplint"]),
            )
            .await;
        client.apply_workspace_edit(&actions[0]["edit"]);
        assert_eq!(
            client.text(URI),
            after_quick_fix.replacen("\"Membr\"", "\"Member\"", 1)
        );
        client.shutdown().await;
        let status = tokio::time::timeout(lsp_client::TIMEOUT, child.wait())
            .await
            .expect("the server exits after `exit`")
            .unwrap();
        assert!(status.success());
    }
}

/// After `shutdown` and `exit` the server ends even while its input stays open (Neovim
/// waits for the process without closing the pipe).
#[test]
fn exits_after_shutdown_without_the_input_closing() {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    let mut child = Command::new(env!("CARGO_BIN_EXE_amplint"))
        .arg("server")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut send = |body: &str| {
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        stdin.flush().unwrap();
    };
    // Reads framed messages until the response with `id`.
    let mut response = |id: u32| loop {
        let mut length = 0;
        loop {
            let mut header = String::new();
            stdout.read_line(&mut header).unwrap();
            if header.trim().is_empty() {
                break;
            }
            if let Some(value) = header.trim().strip_prefix("Content-Length: ") {
                length = value.parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        stdout.read_exact(&mut body).unwrap();
        let body = String::from_utf8(body).unwrap();
        if body.contains(&format!(r#""id":{id}"#)) {
            return body;
        }
    };
    send(r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#);
    assert!(response(1).contains("capabilities"));
    send(r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#);
    send(r#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#);
    assert!(response(2).contains(r#""result":null"#));
    send(r#"{"jsonrpc":"2.0","method":"exit"}"#);
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the server is still running"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success());
    drop(stdin);
}

/// KNOWN CRASH: a syntax error deep in nested objects kills the server. With
/// `{ x: ` × depth around `1, a.string()`, tree-sitter recovers with a missing (empty) node
/// at the deepest level; `syntax_error_regions` (`rules/src/syntax.rs`) asks that node for
/// its `parent()`, and tree-sitter 0.25 finds the parent of an empty node by recursing
/// from the root (`ts_node_child_with_descendant`, node.c:581), one C frame per level. On
/// the checker thread (2 MiB stack) that overflows at about 3,000 levels (release build:
/// 2,000 answers, 3,000 aborts with `thread 'amplint-checker' has overflowed its stack`);
/// `amplint check` on the main thread (8 MiB) aborts at 10,000. Passes once the region
/// is widened with a cursor (`goto_parent`) instead of `Node::parent`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_syntax_error_three_thousand_objects_deep_does_not_kill_the_server() {
    let depth = 3_000;
    let text = format!(
        "const schema = a.schema({{ T: a.model({{ x: {}1, a.string(){} }}) }});\n",
        "{ x: ".repeat(depth),
        " }".repeat(depth)
    );
    let (mut child, mut client) = spawn().await;
    client.initialize(None).await;
    client.open(URI, &text).await;
    let diagnostics = client.diagnostics(URI, 1).await;
    assert!(
        diagnostics
            .iter()
            .any(|diagnostic| diagnostic["code"] == "syntax-error"),
        "{diagnostics:#?}"
    );
    client.shutdown().await;
    let _ = child.wait().await;
}
