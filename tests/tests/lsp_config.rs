//! The language server honours `amplint.toml` (the same loader as the CLI, reloaded when
//! the file changes) and suppression comments: a "Disable <rule> for this line" action, and
//! hover on rule names inside such comments.

use amplint_tests::lsp_client::LspClient;
use amplint_tests::repo_root;
use serde_json::{json, Value};

fn fixture() -> String {
    std::fs::read_to_string(repo_root().join("fixtures/unknown-related-model/invalid.ts")).unwrap()
}

fn severities_of(diagnostics: &[Value], rule: &str) -> Vec<i64> {
    diagnostics
        .iter()
        .filter(|d| d["code"] == rule)
        .map(|d| d["severity"].as_i64().unwrap())
        .collect()
}

const ERROR: i64 = 1;
const WARNING: i64 = 2;

#[tokio::test]
async fn config_severities_apply_and_reload_when_the_file_changes() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("amplint.toml");
    std::fs::write(&config, "[rules]\nunknown-related-model = \"warning\"\n").unwrap();
    let schema = dir.path().join("amplify/data/resource.ts");
    std::fs::create_dir_all(schema.parent().unwrap()).unwrap();
    std::fs::write(&schema, fixture()).unwrap();
    let uri = url_of(&schema);

    let mut client = LspClient::in_process();
    client.initialize(None).await;
    client.open(&uri, &fixture()).await;
    let diagnostics = client.diagnostics(&uri, 1).await;
    let severities = severities_of(&diagnostics, "unknown-related-model");
    assert!(
        !severities.is_empty() && severities.iter().all(|&s| s == WARNING),
        "{severities:?}"
    );

    std::fs::write(&config, "[rules]\nunknown-related-model = \"off\"\n").unwrap();
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": url_of(&config), "type": 2}]}),
        )
        .await;
    let diagnostics = client.diagnostics(&uri, 1).await;
    assert!(
        severities_of(&diagnostics, "unknown-related-model").is_empty(),
        "turned off: {diagnostics:#?}"
    );
    client.shutdown().await;
}

#[tokio::test]
async fn a_broken_config_leaves_the_defaults_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("amplint.toml"),
        "[rules]\nunknown-related-modle = \"off\"\n",
    )
    .unwrap();
    let schema = dir.path().join("resource.ts");
    std::fs::write(&schema, fixture()).unwrap();
    let uri = url_of(&schema);
    let mut client = LspClient::in_process();
    client.initialize(None).await;
    client.open(&uri, &fixture()).await;
    let message = client.next_notification("window/showMessage").await;
    assert!(
        message["message"]
            .as_str()
            .unwrap()
            .contains("unknown-related-model"),
        "did-you-mean: {message}"
    );
    let diagnostics = client.diagnostics(&uri, 1).await;
    assert!(severities_of(&diagnostics, "unknown-related-model")
        .iter()
        .all(|&s| s == ERROR));
    client.shutdown().await;
}

#[tokio::test]
async fn disable_for_this_line_suppresses_and_hover_explains_the_rule() {
    let uri = "file:///project/amplify/data/resource.ts";
    let mut client = LspClient::in_process();
    client.initialize(None).await;
    client.open(uri, &fixture()).await;
    let diagnostics = client.diagnostics(uri, 1).await;
    let typo = diagnostics
        .iter()
        .find(|d| {
            d["code"] == "unknown-related-model" && d["message"].as_str().unwrap().contains("Teem")
        })
        .expect("the typo is reported")
        .clone();
    let actions = client
        .code_actions(
            uri,
            typo["range"].clone(),
            std::slice::from_ref(&typo),
            None,
        )
        .await;
    let disable = actions
        .iter()
        .find(|action| action["title"] == "Disable unknown-related-model for this line")
        .unwrap_or_else(|| panic!("no disable action in {actions:#?}"));
    assert_eq!(disable["kind"], "quickfix");
    // Apply the action's edit as an editor does: to its buffer, sent as a change.
    let edits = disable["edit"]["documentChanges"][0]["edits"]
        .as_array()
        .unwrap()
        .clone();
    let version = client.change(uri, &edits).await;
    let after = client.diagnostics(uri, version).await;
    assert!(
        !after.iter().any(|d| d["code"] == "unknown-related-model"
            && d["message"].as_str().unwrap().contains("Teem")),
        "the server no longer reports the suppressed line: {after:#?}"
    );
    let text = client.text(uri).to_string();
    assert!(
        text.contains(
            "// amplint-disable-next-line unknown-related-model\n    team: a.belongsTo('Teem'"
        ),
        "{text}"
    );
    let result = amplint_rules::check(
        &text,
        amplint_rules::SourceKind::TypeScript,
        &Default::default(),
    );
    assert!(
        !result
            .diagnostics
            .iter()
            .any(|d| d.rule == "unknown-related-model" && d.message.contains("Teem")),
        "the line is suppressed"
    );

    // Hover on the rule name inside the comment shows the rule's documentation.
    let position = client.position_of(uri, "unknown-related-model\n", 0, 3);
    let hover = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": position}),
        )
        .await
        .expect("hover answers");
    let markdown = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(
        markdown.contains("unknown-related-model") && markdown.contains("## What it does"),
        "{hover}"
    );
    client.shutdown().await;
}

fn url_of(path: &std::path::Path) -> String {
    format!("file://{}", path.display())
}
