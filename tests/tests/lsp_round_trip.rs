//! LSP round trips in process: open a file, receive diagnostics, request the code action,
//! apply its edit as an editor would (in the negotiated encoding), compare the text.

use amplint_rules::{fix_all, Applicability, Settings, SourceKind};
use amplint_tests::lsp_client::{ClientEncoding, LspClient};
use amplint_tests::repo_root;
use serde_json::{json, Value};

const URI: &str = "file:///project/amplify/data/resource.ts";

fn fixture() -> String {
    std::fs::read_to_string(repo_root().join("fixtures/unknown-related-model/invalid.ts"))
        .expect("the fixture exists")
}

/// The fixture with multibyte text before the flagged strings on their lines and
/// between them, and optionally CRLF line endings.
fn multibyte_fixture(crlf: bool) -> String {
    let text = fixture()
        .replace(
            "team: a.belongsTo('Teem'",
            "team: /* 日本語 😀 */ a.belongsTo('Teem'",
        )
        .replace("  Team: a.model({", "  // 한국어 🎉🎉 ü\n  Team: a.model({");
    if crlf {
        text.replace('\n', "\r\n")
    } else {
        text
    }
}

fn did_you_mean(diagnostics: &[Value], name: &str) -> Value {
    diagnostics
        .iter()
        .find(|diagnostic| {
            diagnostic["code"] == "unknown-related-model"
                && diagnostic["message"]
                    .as_str()
                    .is_some_and(|message| message.contains(&format!("did you mean `{name}`")))
        })
        .unwrap_or_else(|| panic!("a did-you-mean `{name}` diagnostic in {diagnostics:#?}"))
        .clone()
}

async fn quick_fix_round_trip(encodings: Option<&[ClientEncoding]>, text: &str) {
    let mut client = LspClient::in_process();
    client.initialize(encodings).await;
    client.open(URI, text).await;
    let diagnostics = client.diagnostics(URI, 1).await;
    let diagnostic = did_you_mean(&diagnostics, "Team");
    assert_eq!(diagnostic["source"], "amplint");
    assert_eq!(diagnostic["severity"], 1);
    // The diagnostic's range covers the string literal, quotes included.
    let range = diagnostic["range"].clone();
    let flagged = amplint_tests::lsp_client::offset_of(text, &range["start"], client.encoding)
        ..amplint_tests::lsp_client::offset_of(text, &range["end"], client.encoding);
    assert_eq!(&text[flagged], "'Teem'");

    let actions = client
        .code_actions(
            URI,
            range,
            std::slice::from_ref(&diagnostic),
            Some(&["quickfix"]),
        )
        .await;
    let action = actions
        .iter()
        .find(|action| action["title"].as_str().unwrap().contains("`Team`"))
        .expect("a quick fix for the diagnostic");
    assert_eq!(action["kind"], "quickfix");
    assert_eq!(action["isPreferred"], true);
    client.apply_workspace_edit(&action["edit"]);
    assert_eq!(
        client.text(URI),
        text.replacen("'Teem'", "'Team'", 1),
        "{:?}",
        client.encoding
    );
    client.shutdown().await;
}

async fn fix_all_round_trip(encodings: Option<&[ClientEncoding]>, text: &str) {
    let mut client = LspClient::in_process();
    client.initialize(encodings).await;
    client.open(URI, text).await;
    let diagnostics = client.diagnostics(URI, 1).await;
    let whole = json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}});
    let actions = client
        .code_actions(URI, whole, &diagnostics, Some(&["source.fixAll"]))
        .await;
    assert_eq!(actions.len(), 1, "{actions:#?}");
    assert_eq!(actions[0]["kind"], "source.fixAll.amplint");
    client.apply_workspace_edit(&actions[0]["edit"]);
    let expected = fix_all(
        text,
        SourceKind::TypeScript,
        &Settings::default(),
        Applicability::Safe,
    )
    .text;
    assert_eq!(client.text(URI), expected, "{:?}", client.encoding);
    assert!(client.text(URI).contains("a.belongsTo('Team'"));
    assert!(client.text(URI).contains("a.hasMany(\"Member\""));
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quick_fix_applies_the_did_you_mean_replacement_in_every_encoding() {
    quick_fix_round_trip(None, &fixture()).await;
    for crlf in [false, true] {
        let text = multibyte_fixture(crlf);
        quick_fix_round_trip(None, &text).await;
        for encoding in ClientEncoding::ALL {
            quick_fix_round_trip(Some(&[encoding]), &text).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fix_all_applies_every_safe_fix_in_every_encoding() {
    let expected_today = std::fs::read_to_string(
        repo_root().join("fixtures/unknown-related-model/invalid.fixed.ts"),
    )
    .unwrap();
    let mut client = LspClient::in_process();
    client.initialize(None).await;
    client.open(URI, &fixture()).await;
    client.diagnostics(URI, 1).await;
    let whole = json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}});
    let actions = client
        .code_actions(URI, whole, &[], Some(&["source.fixAll.amplint"]))
        .await;
    client.apply_workspace_edit(&actions[0]["edit"]);
    // Every fix of this fixture is safe, so fix-all gives the fixture's fixed text.
    assert_eq!(client.text(URI), expected_today);

    for crlf in [false, true] {
        let text = multibyte_fixture(crlf);
        for encoding in ClientEncoding::ALL {
            fix_all_round_trip(Some(&[encoding]), &text).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn negotiates_utf8_then_utf32_then_utf16() {
    use ClientEncoding::*;
    let cases: [(Option<&[ClientEncoding]>, &str); 4] = [
        (None, "utf-16"),
        (Some(&[Utf16, Utf32]), "utf-32"),
        (Some(&[Utf16, Utf32, Utf8]), "utf-8"),
        (Some(&[Utf16]), "utf-16"),
    ];
    for (offered, expected) in cases {
        let mut client = LspClient::in_process();
        let capabilities = client.initialize(offered).await;
        assert_eq!(capabilities["positionEncoding"], expected);
        client.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diagnostics_carry_code_labels_and_fix_data_and_clear_on_close() {
    let mut client = LspClient::in_process();
    client.initialize(None).await;
    let text = fixture();
    client.open(URI, &text).await;
    let diagnostics = client.diagnostics(URI, 1).await;
    let custom_type = diagnostics
        .iter()
        .find(|diagnostic| {
            diagnostic["message"]
                .as_str()
                .unwrap()
                .contains("is a custom type")
        })
        .expect("the custom-type diagnostic");
    let related = &custom_type["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], URI);
    assert!(related["message"]
        .as_str()
        .unwrap()
        .contains("defined here"));
    let fix = &did_you_mean(&diagnostics, "Member")["data"];
    assert_eq!(fix["applicability"], "safe");
    assert_eq!(fix["version"], 1);
    assert_eq!(fix["edits"][0]["newText"], "\"Member\"");

    client
        .notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": URI}}),
        )
        .await;
    let cleared = client
        .next_notification("textDocument/publishDiagnostics")
        .await;
    assert_eq!(cleared["diagnostics"], json!([]));
    client.shutdown().await;
}
