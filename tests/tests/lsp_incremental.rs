//! Incremental sync under load: 1,000 edits pipelined without waiting, with CJK, emoji
//! and CRLF, in each position encoding; the server must end with exactly the client's text.

use amplint_tests::lsp_client::{position_of, range_of, ClientEncoding, LspClient};
use serde_json::{json, Value};

const URI: &str = "file:///project/amplify/data/resource.ts";

const START: &str = "import { a } from '@aws-amplify/backend';\r\n\
const schema = a.schema({\r\n  // 日本語のコメント 😀\n  Team: a.model({ name: a.string(), 绰号: a.string() }),\r\n\
  Member: a.model({ teamId: a.id(), team: a.belongsTo('Teem', 'teamId') }),\n});\r\n";

const INSERTIONS: &[&str] = &[
    "",
    "",
    "a",
    "日本",
    "😀",
    "\r\n",
    "\n",
    "한국어",
    "é",
    "🎉x\r\n",
    "'",
    "})",
    "𝄞",
];

/// A deterministic pseudo-random sequence (no dependency needed).
struct Random(u64);

impl Random {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % below.max(1)
    }
}

/// The nearest offset at or before `offset` that is on a character boundary and not
/// between `\r` and `\n` (no LSP position names that place).
fn valid_offset(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    loop {
        let between_crlf = offset > 0
            && text.as_bytes().get(offset - 1) == Some(&b'\r')
            && text.as_bytes().get(offset) == Some(&b'\n');
        if text.is_char_boundary(offset) && !between_crlf {
            return offset;
        }
        offset -= 1;
    }
}

/// One to three edits, each made against the text the previous one leaves.
fn random_edits(text: &str, encoding: ClientEncoding, random: &mut Random) -> Vec<Value> {
    let mut text = text.to_string();
    let mut edits = Vec::new();
    for _ in 0..1 + random.next(3) {
        let start = valid_offset(&text, random.next(text.len() + 1));
        let end = if random.next(3) == 0 {
            start
        } else {
            valid_offset(&text, start + random.next(13)).max(start)
        };
        let insertion = INSERTIONS[random.next(INSERTIONS.len())];
        edits.push(json!({
            "range": {"start": position_of(&text, start, encoding), "end": position_of(&text, end, encoding)},
            "newText": insertion,
        }));
        text.replace_range(start..end, insertion);
    }
    edits
}

async fn pipeline(encoding: ClientEncoding) {
    let mut client = LspClient::in_process();
    client.initialize(Some(&[encoding])).await;
    assert_eq!(client.encoding, encoding);
    client.open(URI, START).await;
    let mut random = Random(0x5eed + encoding as u64);
    let mut last_version = 1;
    for _ in 0..1_000 {
        let edits = random_edits(client.text(URI), encoding, &mut random);
        last_version = client.change(URI, &edits).await;
    }
    assert_eq!(last_version, 1_001);
    let (version, text) = client.server_text(URI).await;
    assert_eq!(version, 1_001);
    assert_eq!(text, client.text(URI), "{encoding:?}");
    // The last version's diagnostics arrive, and publications never go back in version.
    client.diagnostics(URI, last_version).await;
    let versions: Vec<i64> = client
        .log
        .iter()
        .filter(|message| message["method"] == "textDocument/publishDiagnostics")
        .filter_map(|message| message["params"]["version"].as_i64())
        .collect();
    assert!(
        versions.windows(2).all(|pair| pair[0] < pair[1]),
        "diagnostics published out of order: {versions:?}"
    );
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_pipelined_edits_keep_the_text_identical_in_utf8() {
    pipeline(ClientEncoding::Utf8).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_pipelined_edits_keep_the_text_identical_in_utf16() {
    pipeline(ClientEncoding::Utf16).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_pipelined_edits_keep_the_text_identical_in_utf32() {
    pipeline(ClientEncoding::Utf32).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whole_document_changes_replace_the_text() {
    let mut client = LspClient::in_process();
    client.initialize(None).await;
    client.open(URI, START).await;
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [{"text": "const x = '😀';\r\n"}]}),
        )
        .await;
    let (version, text) = client.server_text(URI).await;
    assert_eq!((version, text.as_str()), (2, "const x = '😀';\r\n"));
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typing_character_by_character_keeps_the_tree_equal_to_a_fresh_parse() {
    for encoding in ClientEncoding::ALL {
        let mut client = LspClient::in_process();
        client.initialize(Some(&[encoding])).await;
        client.open(URI, START).await;
        let typed = "  Extra: a.model({ label: a.string(), // 日本😀\r\n    note: a.id() }),\r\n";
        let at = client.text(URI).find("Member:").unwrap();
        let mut offset = at;
        for character in typed.chars() {
            let position = client.position(URI, offset);
            let edit = json!({"range": {"start": position, "end": position}, "newText": character.to_string()});
            client.change(URI, &[edit]).await;
            offset += character.len_utf8();
        }
        let document = client.server_document(URI).await;
        assert_eq!(document["text"], client.text(URI));
        assert_eq!(document["tree_matches_fresh_parse"], true, "{encoding:?}");
        client.shutdown().await;
    }
}

/// KNOWN DIFFERENCE (found by the `document_edits` fuzz target, minimised; reproducer in
/// `fuzz/artifacts-found/`): with a syntax error, tree-sitter's incremental reparse can
/// recover differently from a fresh parse of the same text. Here one edit replaces `({s`
/// with `"` in `p({s({\nP:({:()[''])})((w)=y)`: the fresh parse is one call expression
/// with small ERROR nodes, the incremental one (from the correctly edited old tree) a
/// top-level ERROR holding most of the text. The server's `InputEdit`s are right (the fuzz
/// target checks them against edits computed independently); the difference is
/// tree-sitter's (the same class as tree-sitter/tree-sitter#1444 and #1645), with both
/// grammars. So while a document has a syntax error, the server may see a different tree
/// (and report different diagnostics) than `amplint check` on the same text. Passes once
/// the server reparses from scratch when the incremental tree has an error (or tree-sitter
/// changes).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_into_a_syntax_error_leaves_the_tree_of_a_fresh_parse() {
    let mut client = LspClient::in_process();
    client.initialize(Some(&[ClientEncoding::Utf8])).await;
    client.open(URI, "p({s({\nP:({:()[''])})((w)=y)").await;
    let edit = json!({"range": {"start": {"line": 0, "character": 1}, "end": {"line": 0, "character": 4}}, "newText": "\""});
    client.change(URI, &[edit]).await;
    let document = client.server_document(URI).await;
    assert_eq!(document["text"], "p\"({\nP:({:()[''])})((w)=y)");
    assert_eq!(document["tree_matches_fresh_parse"], true);
    client.shutdown().await;
}

/// Typing inside the models of a schema: after each edit the server checks from the
/// previous model (re-reading only the edited type); what it publishes must be exactly
/// what a check of the whole text finds. The edits keep the syntax valid (a model is only
/// reused from a clean parse): letters typed into and deleted from names, and modifiers
/// added after calls, which make and mend problems.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diagnostics_after_each_edit_equal_a_check_of_the_whole_text() {
    use amplint_rules::{check, Settings, SourceKind};

    let encoding = ClientEncoding::Utf16;
    let mut client = LspClient::in_process();
    client.initialize(None).await;
    // Problems in every group of models (a misspelt related model, an enum made
    // required), so that the diagnostics after an edit must move with the text.
    let text = amplint_tests::generate::schema(12)
        .replace("a.belongsTo('Team", "a.belongsTo('Teem")
        .replace("'ARCHIVED'])", "'ARCHIVED']).required()");
    client.open(URI, &text).await;
    client.diagnostics(URI, 1).await;
    let first = text.find("Team0").unwrap();
    let mut random = Random(0x1ca1);
    for _ in 0..150 {
        let text = client.text(URI).to_string();
        let last = text.rfind("Profile").unwrap();
        let word = |offset: usize| text.as_bytes()[offset].is_ascii_alphanumeric();
        let mut at = first + random.next(last - first);
        let (start, end, typed) = match random.next(3) {
            // A letter into a name, or one out of it.
            choice @ (0 | 1) => {
                while !(word(at - 1) && word(at)) {
                    at += 1;
                }
                if choice == 0 {
                    (at, at, "x")
                } else {
                    (at, at + 1, "")
                }
            }
            // A modifier after a call.
            _ => {
                while text.as_bytes()[at] != b')' {
                    at += 1;
                }
                (at + 1, at + 1, ".required()")
            }
        };
        let edit = json!({"range": range_of(&text, start..end, encoding), "newText": typed});
        let version = client.change(URI, &[edit]).await;
        let published = client.diagnostics(URI, version).await;
        let text = client.text(URI);
        let expected: Vec<(Value, String)> =
            check(text, SourceKind::TypeScript, &Settings::default())
                .diagnostics
                .iter()
                .map(|diagnostic| {
                    let span = diagnostic.span;
                    let range = range_of(text, span.start..span.end, encoding);
                    (range, diagnostic.rule.to_string())
                })
                .collect();
        let got: Vec<(Value, String)> = published
            .iter()
            .map(|diagnostic| {
                let code = diagnostic["code"].as_str().unwrap_or("").to_string();
                (diagnostic["range"].clone(), code)
            })
            .collect();
        assert_eq!(got, expected, "version {version}:\n{text}");
    }
    client.shutdown().await;
}
