//! The language server on a schema split across files (`fixtures/projects/barrel`):
//! diagnostics published in the file where each mistake lives, a change to a model file
//! re-checking the schema that uses it, go to definition and rename across files.

use amplint_tests::lsp_client::LspClient;
use amplint_tests::repo_root;
use serde_json::{json, Value};

fn uri_of(relative: &str) -> String {
    let path = repo_root().join("fixtures/projects/barrel").join(relative);
    format!("file://{}", path.display())
}

fn disk_text(relative: &str) -> String {
    std::fs::read_to_string(repo_root().join("fixtures/projects/barrel").join(relative)).unwrap()
}

async fn client() -> LspClient {
    let mut client = LspClient::in_process();
    let root = uri_of("");
    client
        .initialize_in(None, Some(root.trim_end_matches('/')))
        .await;
    client
}

/// The next diagnostics published for `uri` (any version).
async fn next_diagnostics(client: &mut LspClient, uri: &str) -> Vec<Value> {
    loop {
        let params = client
            .next_notification("textDocument/publishDiagnostics")
            .await;
        if params["uri"] == uri {
            return params["diagnostics"]
                .as_array()
                .cloned()
                .unwrap_or_default();
        }
    }
}

fn rules(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics
        .iter()
        .map(|diagnostic| diagnostic["code"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn a_model_file_gets_its_diagnostics_from_the_schema_that_uses_it() {
    let mut client = client().await;
    let member = uri_of("amplify/data/models/member.ts");
    let text = disk_text("amplify/data/models/member.ts");
    client.open(&member, &text).await;
    let diagnostics = client.diagnostics(&member, 1).await;
    assert_eq!(rules(&diagnostics), ["reference-type-mismatch"]);
    // Related information points into other files: the schema key of `Team` in
    // resource.ts, the field in member.ts.
    let related: Vec<&str> = diagnostics[0]["relatedInformation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|related| related["location"]["uri"].as_str().unwrap())
        .collect();
    assert!(
        related.iter().any(|uri| uri.ends_with("/resource.ts")),
        "{related:?}"
    );
    assert!(
        related.iter().any(|uri| uri.ends_with("/member.ts")),
        "{related:?}"
    );
    // The quick fix travels with it (the edit is in member.ts).
    assert_eq!(diagnostics[0]["data"]["edits"][0]["newText"], "id");

    // Fixing the type in the open buffer (not on disk) clears it.
    let start = text.find("a.integer()").unwrap();
    let edit = json!({
        "range": {"start": client.position(&member, start), "end": client.position(&member, start + "a.integer()".len())},
        "newText": "a.id()",
    });
    let version = client.change(&member, &[edit]).await;
    assert!(client.diagnostics(&member, version).await.is_empty());
    client.shutdown().await;
}

#[tokio::test]
async fn the_entry_publishes_for_every_file_of_its_project() {
    let mut client = client().await;
    let resource = uri_of("amplify/data/resource.ts");
    client
        .open(&resource, &disk_text("amplify/data/resource.ts"))
        .await;
    let shared = uri_of("amplify/data/models/shared.ts");
    let diagnostics = next_diagnostics(&mut client, &shared).await;
    assert_eq!(rules(&diagnostics), ["unknown-related-model"]);
    client.shutdown().await;
}

#[tokio::test]
async fn definition_and_rename_cross_files() {
    let mut client = client().await;
    let team = uri_of("amplify/data/models/team.ts");
    let member = uri_of("amplify/data/models/member.ts");
    client
        .open(&team, &disk_text("amplify/data/models/team.ts"))
        .await;
    client.diagnostics(&team, 1).await;
    client
        .open(&member, &disk_text("amplify/data/models/member.ts"))
        .await;
    client.diagnostics(&member, 1).await;

    // `'Member'` in team.ts is defined by the schema key in resource.ts.
    let position = client.position_of(&team, "'Member'", 0, 1);
    let location = client
        .request(
            "textDocument/definition",
            json!({"textDocument": {"uri": team}, "position": position}),
        )
        .await
        .expect("definition succeeds");
    let resource_uri = uri_of("amplify/data/resource.ts");
    assert_eq!(location["uri"], resource_uri.as_str());
    let resource_text = disk_text("amplify/data/resource.ts");
    let line = location["range"]["start"]["line"].as_u64().unwrap() as usize;
    let character = location["range"]["start"]["character"].as_u64().unwrap() as usize;
    let declared = resource_text.lines().nth(line).unwrap();
    assert!(declared[character..].starts_with("Member:"), "{declared}");

    // Renaming the reference field in member.ts updates the hasMany in team.ts too.
    let position = client.position_of(&member, "teamId: a.integer", 0, 0);
    let edit = client
        .request(
            "textDocument/rename",
            json!({"textDocument": {"uri": member}, "position": position, "newName": "groupId"}),
        )
        .await
        .expect("rename succeeds");
    client.apply_workspace_edit(&edit);
    assert!(client.text(&member).contains("groupId: a.integer()"));
    assert!(client
        .text(&member)
        .contains("a.belongsTo('Team', 'groupId')"));
    assert!(client
        .text(&team)
        .contains("members: a.hasMany('Member', 'groupId')"));
    // `Project.teamId` is another field: untouched.
    assert!(client
        .text(&team)
        .contains("projects: a.hasMany('Project', 'teamId')"));
    client.shutdown().await;
}

/// Every project fixture, opened at its entry in the server, publishes for each of its
/// files exactly the diagnostics (line and rule) the engine's project check finds there.
#[tokio::test]
async fn every_project_fixture_publishes_what_the_project_check_finds() {
    use amplint_rules::project::{normalize, Project};
    use amplint_rules::{check_project, Settings};
    use amplint_tests::DiskLoader;
    let projects = amplint_tests::PROJECT_FIXTURES;
    for &(name, entry) in projects {
        let dir = repo_root().join("fixtures/projects").join(name);
        let entry_path = normalize(&dir.join(entry));
        let text = std::fs::read_to_string(&entry_path).unwrap();
        let project = Project::load(&entry_path, &text, &DiskLoader);
        let result = check_project(&project, &Settings::default());
        let mut expected: Vec<(String, usize, String)> = Vec::new();
        for diagnostic in &result.diagnostics {
            let local = project.localize(diagnostic);
            let source = project.source(diagnostic.span.file);
            let line = source[..local.span.start].matches('\n').count();
            let path = &project.file(diagnostic.span.file).unwrap().path;
            expected.push((
                format!("file://{}", path.display()),
                line,
                diagnostic.rule.to_string(),
            ));
        }
        expected.sort();

        let mut client = LspClient::in_process();
        let root = format!("file://{}", dir.display());
        client.initialize_in(None, Some(&root)).await;
        let entry_uri = format!("file://{}", entry_path.display());
        client.open(&entry_uri, &text).await;
        let mut published: std::collections::BTreeMap<String, Vec<Value>> = Default::default();
        while published.len() < project.files.len() {
            let params = client
                .next_notification("textDocument/publishDiagnostics")
                .await;
            published.insert(
                params["uri"].as_str().unwrap().to_string(),
                params["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default(),
            );
        }
        let mut actual: Vec<(String, usize, String)> = published
            .iter()
            .flat_map(|(uri, diagnostics)| {
                diagnostics.iter().map(move |diagnostic| {
                    (
                        uri.clone(),
                        diagnostic["range"]["start"]["line"].as_u64().unwrap() as usize,
                        diagnostic["code"].as_str().unwrap().to_string(),
                    )
                })
            })
            .collect();
        actual.sort();
        assert!(
            !expected.is_empty(),
            "{name}: the fixture has mistakes to find"
        );
        assert_eq!(actual, expected, "{name}");
        client.shutdown().await;
    }
}

/// Without a workspace folder nothing is indexed: a barrel opened first is checked from
/// itself and speaks only for itself, so it does not clear what the entry, opened next,
/// publishes for the model files.
#[tokio::test]
async fn a_file_that_only_imports_speaks_only_for_itself() {
    let mut client = LspClient::in_process();
    client.initialize(None).await;
    let barrel = uri_of("amplify/data/models/index.ts");
    client
        .open(&barrel, &disk_text("amplify/data/models/index.ts"))
        .await;
    assert!(client.diagnostics(&barrel, 1).await.is_empty());
    let resource = uri_of("amplify/data/resource.ts");
    client
        .open(&resource, &disk_text("amplify/data/resource.ts"))
        .await;
    let member = uri_of("amplify/data/models/member.ts");
    let diagnostics = next_diagnostics(&mut client, &member).await;
    assert_eq!(rules(&diagnostics), ["reference-type-mismatch"]);
    let member_publications = client
        .log
        .iter()
        .filter(|notification| notification["params"]["uri"] == member.as_str())
        .count();
    assert_eq!(member_publications, 0, "the barrel published for member.ts");
    client.shutdown().await;
}

/// A quick fix whose edit is in another file (`fixtures/projects/split-relations`: the
/// counterpart of a relationship is added to the model the other file defines) edits that
/// file: at its version when it is open, as it is on disk when it is not. Applying each
/// fix gives that file's `.fixed.ts`.
#[tokio::test]
async fn a_quick_fix_can_edit_another_file_of_the_project() {
    let dir = repo_root().join("fixtures/projects/split-relations/amplify/data");
    let uri = |name: &str| format!("file://{}", dir.join(name).display());
    let disk = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    let (team, resource) = (uri("team.ts"), uri("resource.ts"));
    let root = format!("file://{}", dir.display());

    for resource_open in [true, false] {
        let mut client = LspClient::in_process();
        client.initialize_in(None, Some(&root)).await;
        if resource_open {
            client.open(&resource, &disk("resource.ts")).await;
            client.diagnostics(&resource, 1).await;
        }
        client.open(&team, &disk("team.ts")).await;
        let diagnostics = client.diagnostics(&team, 1).await;
        assert_eq!(rules(&diagnostics), ["missing-inverse-relation"]);
        let other = &diagnostics[0]["data"]["elsewhere"][0];
        assert_eq!(other["uri"], resource.as_str());
        assert_eq!(
            other["version"],
            if resource_open { json!(1) } else { Value::Null }
        );

        let range = diagnostics[0]["range"].clone();
        let actions = client
            .code_actions(&team, range, &diagnostics, Some(&["quickfix"]))
            .await;
        let fix = actions
            .iter()
            .find(|action| action["title"].as_str().unwrap().starts_with("Add `team:"))
            .unwrap_or_else(|| panic!("no quick fix: {actions:#?}"));
        let edit = &fix["edit"];
        let changes = edit["documentChanges"].as_array().unwrap();
        assert_eq!(changes.len(), 1, "only resource.ts changes: {edit:#}");
        let fixed = if resource_open {
            client.apply_workspace_edit(edit);
            client.text(&resource).to_string()
        } else {
            let edits = changes[0]["edits"].as_array().unwrap();
            amplint_tests::lsp_client::apply_text_edits(
                &disk("resource.ts"),
                edits,
                amplint_tests::lsp_client::ClientEncoding::Utf16,
            )
        };
        assert_eq!(fixed, disk("resource.fixed.ts"));
        if resource_open {
            // Once resource.ts has moved on, the fix made for its version 1 is not offered.
            let edit = json!({
                "range": {"start": client.position(&resource, 0), "end": client.position(&resource, 0)},
                "newText": "// edited\n",
            });
            client.change(&resource, &[edit]).await;
            let range = diagnostics[0]["range"].clone();
            let stale = client
                .code_actions(&team, range, &diagnostics, Some(&["quickfix"]))
                .await;
            assert!(
                stale.iter().all(|action| action["title"] != fix["title"]),
                "{stale:#?}"
            );
        }
        client.shutdown().await;
    }
}

/// A file of the project that is not open changes on disk (a checkout, another tool): the
/// server hears it through `workspace/didChangeWatchedFiles` and checks the open entry again.
#[tokio::test]
async fn a_change_on_disk_to_a_file_that_is_not_open_rechecks_its_project() {
    let fixture = repo_root().join("fixtures/projects/split-relations/amplify/data");
    let dir = tempfile::tempdir().unwrap();
    for name in ["resource.ts", "team.ts"] {
        std::fs::copy(fixture.join(name), dir.path().join(name)).unwrap();
    }
    let uri = |name: &str| format!("file://{}", dir.path().join(name).display());
    let resource = uri("resource.ts");
    let mut client = LspClient::in_process();
    client
        .initialize_in(None, Some(&format!("file://{}", dir.path().display())))
        .await;
    client
        .open(
            &resource,
            &std::fs::read_to_string(dir.path().join("resource.ts")).unwrap(),
        )
        .await;
    let before = client.diagnostics(&resource, 1).await;
    assert_eq!(rules(&before), ["missing-inverse-relation"]);

    // team.ts gains the `sponsors` counterpart that `Sponsor.team` lacked.
    std::fs::copy(fixture.join("team.fixed.ts"), dir.path().join("team.ts")).unwrap();
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": uri("team.ts"), "type": 2}]}),
        )
        .await;
    let after = client.diagnostics(&resource, 1).await;
    assert!(after.is_empty(), "{after:#?}");
    client.shutdown().await;
}

/// Completion and hover in a model file read the whole project: the models another file
/// defines are offered and described (`fixtures/projects/split-relations`: team.ts defines
/// `Team`, resource.ts the rest).
#[tokio::test]
async fn completion_and_hover_in_a_model_file_know_the_other_files() {
    let dir = repo_root().join("fixtures/projects/split-relations/amplify/data");
    let uri = |name: &str| format!("file://{}", dir.join(name).display());
    let team = uri("team.ts");
    let text = std::fs::read_to_string(dir.join("team.ts")).unwrap();
    let mut client = LspClient::in_process();
    client
        .initialize_in(None, Some(&format!("file://{}", dir.display())))
        .await;
    client.open(&team, &text).await;
    client.diagnostics(&team, 1).await;

    async fn labels(client: &mut LspClient, uri: &str, position: Value) -> Vec<String> {
        let items = client
            .request(
                "textDocument/completion",
                json!({"textDocument": {"uri": uri}, "position": position}),
            )
            .await
            .expect("completion succeeds");
        let mut labels: Vec<String> = items
            .as_array()
            .into_iter()
            .flatten()
            .map(|item| item["label"].as_str().unwrap().to_string())
            .collect();
        labels.sort();
        labels
    }

    // The related model: every model of the project.
    let position = client.position_of(&team, "'Member'", 0, 1);
    assert_eq!(
        labels(&mut client, &team, position).await,
        ["Member", "Project", "Sponsor", "Team"]
    );
    // The reference field: Project's fields (in resource.ts) that fit Team's identifier.
    let position = client.position_of(&team, "'teamId'", 1, 1);
    assert_eq!(labels(&mut client, &team, position).await, ["teamId"]);

    // Half-typed: a new relationship, on a line of its own, whose string is still open.
    let end = text.find("});").unwrap();
    let edit = json!({
        "range": {"start": client.position(&team, end), "end": client.position(&team, end)},
        "newText": "  coach: a.hasOne('\n",
    });
    let version = client.change(&team, &[edit]).await;
    client.diagnostics(&team, version).await;
    let cursor = end + "  coach: a.hasOne('".len();
    let position = client.position(&team, cursor);
    assert_eq!(
        labels(&mut client, &team, position).await,
        ["Member", "Project", "Sponsor", "Team"]
    );

    // Hover on a model another file defines describes it.
    let position = client.position_of(&team, "'Project'", 0, 2);
    let hover = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": team}, "position": position}),
        )
        .await
        .expect("hover succeeds");
    let markdown = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(markdown.contains("**model `Project`**"), "{hover:#}");
    assert!(
        markdown.contains("`team`"),
        "Project's belongsTo: {markdown}"
    );
    client.shutdown().await;
}

/// The fix-all action of a file of a project applies the project's safe fixes: in a model
/// file (which alone has no schema to fix) and from the entry, to the file the fix edits
/// (`fixtures/projects/barrel`: `'Teams'` in shared.ts becomes `'Team'`; the unsafe fix in
/// member.ts is left).
#[tokio::test]
async fn fix_all_applies_the_safe_fixes_of_the_whole_project() {
    let mut client = client().await;
    let shared = uri_of("amplify/data/models/shared.ts");
    let resource = uri_of("amplify/data/resource.ts");
    client
        .open(&shared, &disk_text("amplify/data/models/shared.ts"))
        .await;
    client.diagnostics(&shared, 1).await;
    let expected = disk_text("amplify/data/models/shared.ts").replace("'Teams'", "'Team'");

    let start = json!({"line": 0, "character": 0});
    let range = json!({"start": start, "end": start});
    let actions = client
        .code_actions(&shared, range.clone(), &[], Some(&["source.fixAll"]))
        .await;
    assert_eq!(actions.len(), 1, "{actions:#?}");
    let changes = actions[0]["edit"]["documentChanges"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "only shared.ts changes: {changes:#?}");
    assert_eq!(changes[0]["textDocument"]["version"], 1);
    client.apply_workspace_edit(&actions[0]["edit"]);
    assert_eq!(client.text(&shared), expected);

    client.shutdown().await;

    // From the entry, with shared.ts not open: the edit is for shared.ts on disk.
    let mut client = self::client().await;
    client
        .open(&resource, &disk_text("amplify/data/resource.ts"))
        .await;
    client.diagnostics(&resource, 1).await;
    let actions = client
        .code_actions(&resource, range, &[], Some(&["source.fixAll"]))
        .await;
    let changes = actions[0]["edit"]["documentChanges"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{changes:#?}");
    assert_eq!(changes[0]["textDocument"]["uri"], shared.as_str());
    assert_eq!(changes[0]["textDocument"]["version"], Value::Null);
    let fixed = amplint_tests::lsp_client::apply_text_edits(
        &disk_text("amplify/data/models/shared.ts"),
        changes[0]["edits"].as_array().unwrap(),
        amplint_tests::lsp_client::ClientEncoding::Utf16,
    );
    assert_eq!(fixed, expected);
    client.shutdown().await;
}
