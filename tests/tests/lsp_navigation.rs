//! Hover, definition, references, rename, completion and symbols on a multi-model schema.

use amplint_tests::lsp_client::{offset_of, ClientEncoding, LspClient};
use amplint_tests::repo_root;
use serde_json::{json, Value};

const URI: &str = "file:///project/amplify/data/resource.ts";

fn fixture() -> String {
    std::fs::read_to_string(repo_root().join("fixtures/lsp/navigation.ts")).expect("fixture")
}

async fn client_with(text: &str) -> LspClient {
    let mut client = LspClient::in_process();
    client.initialize(None).await;
    client.open(URI, text).await;
    client.diagnostics(URI, 1).await;
    client
}

fn at(position: Value) -> Value {
    json!({"textDocument": {"uri": URI}, "position": position})
}

async fn hover(client: &mut LspClient, needle: &str, nth: usize, shift: usize) -> String {
    let position = client.position_of(URI, needle, nth, shift);
    let result = client
        .request("textDocument/hover", at(position))
        .await
        .expect("hover succeeds");
    assert_eq!(result["contents"]["kind"], "markdown", "{needle}: {result}");
    result["contents"]["value"].as_str().unwrap().to_string()
}

/// The text each location's range covers.
fn covered(client: &LspClient, locations: &Value) -> Vec<String> {
    let text = client.text(URI);
    locations
        .as_array()
        .unwrap()
        .iter()
        .map(|location| {
            let range = &location["range"];
            let start = offset_of(text, &range["start"], client.encoding);
            let end = offset_of(text, &range["end"], client.encoding);
            let line = text[..start].matches('\n').count() + 1;
            format!("{line}:{}", &text[start..end])
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hover_describes_models_references_and_field_types() {
    let mut client = client_with(&fixture()).await;

    let on_target = hover(&mut client, "'Team', 'teamId'", 0, 2).await;
    assert!(on_target.contains("model `Team`"), "{on_target}");
    assert!(on_target.contains("`id: ID!`"), "{on_target}");
    assert!(
        on_target.contains("`members`: hasMany `Member` via `teamId`"),
        "{on_target}"
    );

    let on_key = hover(&mut client, "Member: a", 0, 1).await;
    assert!(
        on_key.contains("`name: String!`, `dateOfBirth: AWSDate!`"),
        "{on_key}"
    );
    assert!(
        on_key.contains("`profile`: hasOne `Profile` via `memberName`, `memberDateOfBirth`"),
        "{on_key}"
    );

    let on_reference = hover(
        &mut client,
        "'memberDateOfBirth']),\n    })\n    .identifier",
        0,
        3,
    )
    .await;
    assert!(
        on_reference.contains("Profile.memberDateOfBirth: AWSDate"),
        "{on_reference}"
    );
    assert!(
        on_reference.contains("Reference 2 of `Member.profile` (hasOne `Profile`): points at `Member.dateOfBirth: AWSDate`"),
        "{on_reference}"
    );
    assert!(
        on_reference.contains("Reference 2 of `Profile.member` (belongsTo `Member`)"),
        "{on_reference}"
    );

    let on_reference_key = hover(&mut client, "teamId: a.id()", 0, 2).await;
    assert!(
        on_reference_key.contains("Member.teamId: ID"),
        "{on_reference_key}"
    );
    assert!(
        on_reference_key
            .contains("Reference 1 of `Team.members` (hasMany `Member`): points at `Team.id: ID`"),
        "{on_reference_key}"
    );

    for (chain, expected) in [
        ("a.string().required().array()", "tags: [String!]"),
        ("a.integer().array().required()", "scores: [Int]!"),
        ("a.date(),\n      status", "founded: AWSDate"),
        ("a.ref('Status')", "status: Status"),
        ("a.hasMany('Member'", "members: [Member]"),
    ] {
        let markdown = hover(&mut client, chain, 0, 2).await;
        assert!(markdown.contains(expected), "{chain}: {markdown}");
    }

    let on_enum = hover(&mut client, "'Status'", 0, 2).await;
    assert!(
        on_enum.contains("enum `Status`") && on_enum.contains("`ACTIVE`"),
        "{on_enum}"
    );
    client.shutdown().await;
}

/// `textDocument/references` at `position`, as "line:text" of each location.
async fn references(
    client: &mut LspClient,
    position: Value,
    include_declaration: bool,
) -> Vec<String> {
    let mut params = at(position);
    params["context"] = json!({"includeDeclaration": include_declaration});
    let found = client
        .request("textDocument/references", params)
        .await
        .unwrap();
    covered(client, &found)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn definition_and_references_follow_model_and_field_names() {
    let mut client = client_with(&fixture()).await;
    let position = client.position_of(URI, "'Member', 'teamId'", 0, 3);
    let definition = client
        .request("textDocument/definition", at(position.clone()))
        .await
        .unwrap();
    assert_eq!(covered(&client, &json!([definition])), ["20:Member"]);

    assert_eq!(
        references(&mut client, position, true).await,
        ["20:Member", "17:Member", "36:Member"]
    );

    // A field: its key, the references lists naming it, the identifier and the index.
    let position = client.position_of(URI, "name: a.string().required(),\n      dateOfBirth", 0, 1);
    assert_eq!(
        references(&mut client, position, true).await,
        ["22:name", "28:name", "29:name"]
    );
    let position = client.position_of(URI, "'teamId')", 0, 1);
    assert_eq!(
        references(&mut client, position, false).await,
        ["17:teamId", "25:teamId", "29:teamId"]
    );
    client.shutdown().await;
}

async fn rename(
    client: &mut LspClient,
    needle: &str,
    shift: usize,
    new_name: &str,
) -> Result<(), Value> {
    let position = client.position_of(URI, needle, 0, shift);
    let prepared = client
        .request("textDocument/prepareRename", at(position.clone()))
        .await?;
    assert!(prepared["placeholder"].is_string(), "{prepared}");
    let mut params = at(position);
    params["newName"] = json!(new_name);
    let edit = client.request("textDocument/rename", params).await?;
    client.apply_workspace_edit(&edit);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rename_updates_every_string_that_names_the_model_or_field() {
    for encoding in ClientEncoding::ALL {
        let mut client = LspClient::in_process();
        client.initialize(Some(&[encoding])).await;
        // Multibyte text before the names, to exercise the encoding.
        let text = fixture().replace("  Member: a\n", "  /* 😀 日本 */ Member: a\n");
        client.open(URI, &text).await;
        client.diagnostics(URI, 1).await;

        rename(&mut client, "Member: a", 1, "Person").await.unwrap();
        let expected = text
            .replace("Member: a\n", "Person: a\n")
            .replace("a.hasMany('Member'", "a.hasMany('Person'")
            .replace("a.belongsTo('Member'", "a.belongsTo('Person'");
        assert_eq!(client.text(URI), expected, "{encoding:?}");

        client.change(URI, &[]).await;
        rename(&mut client, "memberName: a.string()", 2, "ownerName")
            .await
            .unwrap();
        let expected = expected.replace("memberName", "ownerName");
        assert_eq!(client.text(URI), expected, "{encoding:?}");

        client.change(URI, &[]).await;
        rename(&mut client, "'name', 'dateOfBirth'", 2, "fullName")
            .await
            .unwrap();
        let expected = expected
            .replacen(
                "      name: a.string().required(),\n      dateOfBirth",
                "      fullName: a.string().required(),\n      dateOfBirth",
                1,
            )
            .replace("['name', 'dateOfBirth']", "['fullName', 'dateOfBirth']")
            .replace("sortKeys(['name'])", "sortKeys(['fullName'])");
        assert_eq!(client.text(URI), expected, "{encoding:?}");
        client.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rename_refuses_what_it_cannot_update_everywhere() {
    let spread = fixture().replace(
        "const schema = a.schema({\n",
        "import { shared } from './shared';\nconst schema = a.schema({\n  ...shared,\n",
    );
    let mut client = client_with(&spread).await;
    let error = rename(&mut client, "Member: a", 1, "Person")
        .await
        .unwrap_err();
    assert!(
        error["message"].as_str().unwrap().contains("cannot read"),
        "{error}"
    );
    client.shutdown().await;

    let constant = fixture()
        .replace("const schema", "const TEAM = 'Team';\nconst schema")
        .replace(
            "a.belongsTo('Team', 'teamId')",
            "a.belongsTo(TEAM, 'teamId')",
        );
    let mut client = client_with(&constant).await;
    let error = rename(&mut client, "Team: a", 1, "Squad")
        .await
        .unwrap_err();
    assert!(
        error["message"].as_str().unwrap().contains("constant"),
        "{error}"
    );

    let error = rename(&mut client, "Member: a", 1, "Team")
        .await
        .unwrap_err();
    assert!(
        error["message"].as_str().unwrap().contains("already used"),
        "{error}"
    );
    let error = rename(&mut client, "Member: a", 1, "not valid")
        .await
        .unwrap_err();
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("not a valid name"),
        "{error}"
    );
    client.shutdown().await;
}

/// Inserts `typed` before the `nth` occurrence of `before` and asks for completions at
/// the end of the inserted text.
async fn complete_after(
    client: &mut LspClient,
    before: &str,
    typed: &str,
) -> Vec<(String, String)> {
    let start = client.text(URI).find(before).expect("anchor");
    let position = client.position(URI, start);
    client
        .change(
            URI,
            &[json!({"range": {"start": position, "end": position}, "newText": typed})],
        )
        .await;
    let cursor = client.position(URI, start + typed.len());
    let result = client
        .request("textDocument/completion", at(cursor))
        .await
        .expect("completion succeeds");
    let items = result.as_array().cloned().unwrap_or_default();
    // Undo, so each case starts from the fixture.
    let end = client.position(URI, start + typed.len());
    client
        .change(
            URI,
            &[json!({"range": {"start": position, "end": end}, "newText": ""})],
        )
        .await;
    items
        .iter()
        .map(|item| {
            (
                item["label"].as_str().unwrap().to_string(),
                item["textEdit"]["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn labels(items: &[(String, String)]) -> Vec<&str> {
    items.iter().map(|(label, _)| label.as_str()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completion_offers_names_that_fit_where_the_cursor_is() {
    let mut client = client_with(&fixture()).await;
    let anchor = "      members: a.hasMany";

    let models = complete_after(&mut client, anchor, "      other: a.hasMany('").await;
    assert_eq!(labels(&models), ["Team", "Member", "Profile"]);
    let models = complete_after(&mut client, anchor, "      other: a.belongsTo(").await;
    assert_eq!(models[1], ("Member".to_string(), "'Member'".to_string()));

    // Team's identifier is `id: ID`: Member's ID and String fields fit.
    let references =
        complete_after(&mut client, anchor, "      other: a.hasMany('Member', '").await;
    assert_eq!(labels(&references), ["name", "teamId"]);
    // Member's identifier is composite: the array form, with the conventional names.
    let references = complete_after(
        &mut client,
        "      profile: a.hasOne",
        "      other: a.hasOne('Profile', ",
    )
    .await;
    assert_eq!(labels(&references), ["['memberName', 'memberDateOfBirth']"]);
    let references = complete_after(
        &mut client,
        "      profile: a.hasOne",
        "      other: a.hasOne('Profile', ['memberName', '",
    )
    .await;
    assert_eq!(labels(&references), ["memberDateOfBirth"]);

    let types = complete_after(&mut client, anchor, "      kind: a.ref('").await;
    assert_eq!(labels(&types), ["Status", "Address"]);

    let fields = complete_after(
        &mut client,
        "    .authorization((allow) => [allow.owner()]),\n  Member",
        "    .identifier(['",
    )
    .await;
    assert!(
        labels(&fields).contains(&"name") && labels(&fields).contains(&"founded"),
        "{fields:?}"
    );
    assert!(!labels(&fields).contains(&"members"), "{fields:?}");

    let sort_keys = complete_after(&mut client, "])])", ", '").await;
    assert!(labels(&sort_keys).contains(&"dateOfBirth"), "{sort_keys:?}");
    let index_fields = complete_after(
        &mut client,
        "    .authorization((allow) => [allow.owner()]),\n  Profile",
        "    .secondaryIndexes((index) => [index('",
    )
    .await;
    assert!(
        labels(&index_fields).contains(&"teamId"),
        "{index_fields:?}"
    );

    let strategies = complete_after(&mut client, "allow.owner()]),\n  Member", "allow.").await;
    assert!(
        labels(&strategies).contains(&"publicApiKey")
            && labels(&strategies).contains(&"groupsDefinedIn"),
        "{strategies:?}"
    );
    let operations = complete_after(&mut client, "]),\n  Member", ".to(['").await;
    assert!(
        labels(&operations).contains(&"read") && labels(&operations).contains(&"listen"),
        "{operations:?}"
    );
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn document_symbols_are_hierarchical() {
    let mut client = client_with(&fixture()).await;
    let symbols = client
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": URI}}),
        )
        .await
        .unwrap();
    let summary: Vec<String> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|symbol| {
            let children: Vec<&str> = symbol["children"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|child| child["name"].as_str().unwrap())
                .collect();
            format!(
                "{} {}: {}",
                symbol["kind"],
                symbol["name"].as_str().unwrap(),
                children.join(" ")
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            "10 Status: ACTIVE INACTIVE",
            "23 Address: street city",
            "5 Team: name tags scores founded status address members",
            "5 Member: name dateOfBirth teamId team profile",
            "5 Profile: bio memberName memberDateOfBirth member",
        ]
    );
    client.shutdown().await;
}
