//! A small JSON-RPC client for LSP round trips, over any byte pipe: in process
//! (`tokio::io::duplex` to [`amplint::lsp::service`]) or to the real binary over stdio.
//!
//! It keeps its own copy of each document and applies `TextEdit`s itself, counting
//! columns in the negotiated encoding, so tests compare the text a real editor would get.
//! Shared by `tests/tests/lsp_*.rs` and `server/tests/lsp_stdio.rs` (which includes this
//! file by path), so it depends only on tokio, serde_json and the `amplint` crate.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::{mpsc, oneshot};

/// How long a test waits for one answer before failing.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// Column units, as negotiated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientEncoding {
    Utf8,
    Utf16,
    Utf32,
}

impl ClientEncoding {
    pub const ALL: [ClientEncoding; 3] = [
        ClientEncoding::Utf8,
        ClientEncoding::Utf16,
        ClientEncoding::Utf32,
    ];

    pub fn lsp_name(self) -> &'static str {
        match self {
            ClientEncoding::Utf8 => "utf-8",
            ClientEncoding::Utf16 => "utf-16",
            ClientEncoding::Utf32 => "utf-32",
        }
    }

    fn from_lsp_name(name: &str) -> Option<ClientEncoding> {
        ClientEncoding::ALL
            .into_iter()
            .find(|encoding| encoding.lsp_name() == name)
    }

    fn width(self, character: char) -> usize {
        match self {
            ClientEncoding::Utf8 => character.len_utf8(),
            ClientEncoding::Utf16 => character.len_utf16(),
            ClientEncoding::Utf32 => 1,
        }
    }
}

type Pending = Arc<Mutex<HashMap<i64, oneshot::Sender<Value>>>>;
type Writer = Arc<tokio::sync::Mutex<Box<dyn AsyncWrite + Unpin + Send>>>;

pub struct LspClient {
    writer: Writer,
    pending: Pending,
    notifications: mpsc::UnboundedReceiver<Value>,
    next_id: i64,
    /// Notifications received while waiting for something else.
    pub log: Vec<Value>,
    pub encoding: ClientEncoding,
    /// The client's copy of each open document: (version, text).
    pub documents: HashMap<String, (i32, String)>,
}

impl LspClient {
    /// A client talking to the in-process server over a duplex pipe.
    pub fn in_process() -> LspClient {
        LspClient::in_process_with(amplint::lsp::service())
    }

    /// A client for a given service (e.g. one with debugging requests).
    pub fn in_process_with(
        (service, socket): (
            tower_lsp::LspService<amplint::lsp::Backend>,
            tower_lsp::ClientSocket,
        ),
    ) -> LspClient {
        let (client_side, server_side) = tokio::io::duplex(1 << 16);
        let (server_read, server_write) = tokio::io::split(server_side);
        tokio::spawn(tower_lsp::Server::new(server_read, server_write, socket).serve(service));
        let (client_read, client_write) = tokio::io::split(client_side);
        LspClient::new(client_read, client_write)
    }

    pub fn new(
        reader: impl AsyncRead + Unpin + Send + 'static,
        writer: impl AsyncWrite + Unpin + Send + 'static,
    ) -> LspClient {
        let writer: Writer = Arc::new(tokio::sync::Mutex::new(Box::new(writer)));
        let pending: Pending = Arc::default();
        let (notification_sender, notifications) = mpsc::unbounded_channel();
        tokio::spawn(read_messages(
            BufReader::new(reader),
            writer.clone(),
            pending.clone(),
            notification_sender,
        ));
        LspClient {
            writer,
            pending,
            notifications,
            next_id: 1,
            log: Vec::new(),
            encoding: ClientEncoding::Utf16,
            documents: HashMap::new(),
        }
    }

    async fn send(&self, message: Value) {
        let body = message.to_string();
        let mut writer = self.writer.lock().await;
        let frame = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        writer
            .write_all(frame.as_bytes())
            .await
            .expect("the server reads its input");
        writer.flush().await.expect("the server reads its input");
    }

    /// Sends a request and returns the id, without waiting.
    pub async fn send_request(&mut self, method: &str, params: Value) -> oneshot::Receiver<Value> {
        let id = self.next_id;
        self.next_id += 1;
        let (sender, receiver) = oneshot::channel();
        self.pending.lock().unwrap().insert(id, sender);
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .await;
        receiver
    }

    /// Sends a request and waits for its response: `Ok(result)` or `Err(error)`.
    pub async fn request(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        let receiver = self.send_request(method, params).await;
        let response = tokio::time::timeout(TIMEOUT, receiver)
            .await
            .unwrap_or_else(|_| panic!("no answer to {method} in time"))
            .expect("the reader task lives");
        match response.get("error") {
            Some(error) => Err(error.clone()),
            None => Ok(response.get("result").cloned().unwrap_or(Value::Null)),
        }
    }

    pub async fn notify(&self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}))
            .await;
    }

    /// `initialize` offering `encodings` (none: the field is left out) and `initialized`;
    /// returns the server's capabilities and records the negotiated encoding.
    pub async fn initialize(&mut self, encodings: Option<&[ClientEncoding]>) -> Value {
        self.initialize_in(encodings, None).await
    }

    /// [`LspClient::initialize`] with a workspace folder (`rootUri`).
    pub async fn initialize_in(
        &mut self,
        encodings: Option<&[ClientEncoding]>,
        root_uri: Option<&str>,
    ) -> Value {
        let mut capabilities = json!({
            "textDocument": {
                "publishDiagnostics": {"relatedInformation": true, "versionSupport": true},
                "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix", "source.fixAll"]}}},
                "rename": {"prepareSupport": true},
                "hover": {"contentFormat": ["markdown"]}
            },
            "workspace": {"workspaceEdit": {"documentChanges": true}}
        });
        if let Some(encodings) = encodings {
            capabilities["general"] = json!({
                "positionEncodings": encodings.iter().map(|encoding| encoding.lsp_name()).collect::<Vec<_>>()
            });
        }
        let result = self
            .request(
                "initialize",
                json!({"processId": null, "rootUri": root_uri, "capabilities": capabilities}),
            )
            .await
            .expect("initialize succeeds");
        let capabilities = result["capabilities"].clone();
        self.encoding = capabilities["positionEncoding"]
            .as_str()
            .and_then(ClientEncoding::from_lsp_name)
            .unwrap_or(ClientEncoding::Utf16);
        self.notify("initialized", json!({})).await;
        capabilities
    }

    /// `shutdown`, `exit`, then closes the server's input (as editors do).
    pub async fn shutdown(&mut self) {
        let _ = self.request("shutdown", Value::Null).await;
        self.notify("exit", Value::Null).await;
        let mut writer = self.writer.lock().await;
        let _ = writer.shutdown().await;
        // Dropping the pipe closes it (a child's stdin closes only when dropped).
        *writer = Box::new(tokio::io::sink());
    }

    pub async fn open(&mut self, uri: &str, text: &str) {
        self.documents
            .insert(uri.to_string(), (1, text.to_string()));
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "typescript", "version": 1, "text": text}}),
        )
        .await;
    }

    /// Sends one `didChange` with `edits` (LSP `TextEdit`-shaped `{range, newText}`
    /// objects, applied in order, each against the previous result), applies them to the
    /// client's copy, and returns the new version.
    pub async fn change(&mut self, uri: &str, edits: &[Value]) -> i32 {
        let encoding = self.encoding;
        let (version, text) = self.documents.get_mut(uri).expect("the document is open");
        *version += 1;
        for edit in edits {
            *text = apply_text_edits(text, std::slice::from_ref(edit), encoding);
        }
        let version = *version;
        let changes: Vec<Value> = edits
            .iter()
            .map(|edit| json!({"range": edit["range"], "text": edit["newText"]}))
            .collect();
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        )
        .await;
        version
    }

    pub fn text(&self, uri: &str) -> &str {
        &self.documents[uri].1
    }

    /// The next notification of `method`, keeping the others in [`LspClient::log`].
    pub async fn next_notification(&mut self, method: &str) -> Value {
        loop {
            let notification = tokio::time::timeout(TIMEOUT, self.notifications.recv())
                .await
                .unwrap_or_else(|_| panic!("no {method} in time"))
                .expect("the reader task lives");
            if notification["method"] == method {
                return notification["params"].clone();
            }
            self.log.push(notification);
        }
    }

    /// The diagnostics published for `uri` at `version` (earlier publications skipped).
    pub async fn diagnostics(&mut self, uri: &str, version: i32) -> Vec<Value> {
        loop {
            let params = self
                .next_notification("textDocument/publishDiagnostics")
                .await;
            if params["uri"] == uri && params["version"] == version {
                return params["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
            }
        }
    }

    /// Applies a `WorkspaceEdit` to the client's copy of the documents it names; checks
    /// the version it was made for.
    pub fn apply_workspace_edit(&mut self, edit: &Value) {
        let encoding = self.encoding;
        for document_edit in edit["documentChanges"].as_array().into_iter().flatten() {
            let uri = document_edit["textDocument"]["uri"].as_str().unwrap();
            let (version, text) = self.documents.get_mut(uri).expect("an open document");
            if let Some(expected) = document_edit["textDocument"]["version"].as_i64() {
                assert_eq!(expected, i64::from(*version), "edit for another version");
            }
            let edits = document_edit["edits"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            *text = apply_text_edits(text, &edits, encoding);
        }
        for (uri, edits) in edit["changes"].as_object().into_iter().flatten() {
            let (_, text) = self.documents.get_mut(uri).expect("an open document");
            *text = apply_text_edits(text, edits.as_array().unwrap(), encoding);
        }
    }

    /// `textDocument/codeAction` for a range, with the given diagnostics and `only` kinds.
    pub async fn code_actions(
        &mut self,
        uri: &str,
        range: Value,
        diagnostics: &[Value],
        only: Option<&[&str]>,
    ) -> Vec<Value> {
        let mut context = json!({"diagnostics": diagnostics});
        if let Some(only) = only {
            context["only"] = json!(only);
        }
        self.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": range, "context": context}),
        )
        .await
        .expect("code actions succeed")
        .as_array()
        .cloned()
        .unwrap_or_default()
    }

    /// The server's copy of a document (`amplint/debugText`).
    pub async fn server_text(&mut self, uri: &str) -> (i64, String) {
        let result = self.server_document(uri).await;
        (
            result["version"].as_i64().unwrap_or(-1),
            result["text"].as_str().unwrap_or_default().to_string(),
        )
    }

    /// `amplint/debugText` as it comes: version, text, `treeMatchesFreshParse`.
    pub async fn server_document(&mut self, uri: &str) -> Value {
        self.request("amplint/debugText", json!({"uri": uri}))
            .await
            .expect("debugText succeeds")
    }

    /// A position `{line, character}` of byte `offset` in the client's copy of `uri`.
    pub fn position(&self, uri: &str, offset: usize) -> Value {
        position_of(self.text(uri), offset, self.encoding)
    }

    /// The position of the `nth` (0-based) occurrence of `needle` in `uri`, plus `shift`
    /// bytes.
    pub fn position_of(&self, uri: &str, needle: &str, nth: usize, shift: usize) -> Value {
        let text = self.text(uri);
        let offset = text
            .match_indices(needle)
            .nth(nth)
            .unwrap_or_else(|| panic!("`{needle}` #{nth} is in the document"))
            .0;
        position_of(text, offset + shift, self.encoding)
    }
}

/// Reads framed messages: responses go to their waiter, notifications to the channel,
/// server-to-client requests get a `null` result.
async fn read_messages(
    mut reader: BufReader<impl AsyncRead + Unpin>,
    writer: Writer,
    pending: Pending,
    notifications: mpsc::UnboundedSender<Value>,
) {
    loop {
        let mut length = None;
        loop {
            let mut line = String::new();
            match reader.read_line(&mut line).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(value) = line.strip_prefix("Content-Length:") {
                length = value.trim().parse::<usize>().ok();
            }
        }
        let Some(length) = length else { return };
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).await.is_err() {
            return;
        }
        let Ok(message) = serde_json::from_slice::<Value>(&body) else {
            continue;
        };
        let id = message.get("id").cloned();
        let method = message.get("method").cloned();
        match (id, method) {
            (Some(id), Some(_)) => {
                let body = json!({"jsonrpc": "2.0", "id": id, "result": null}).to_string();
                let frame = format!("Content-Length: {}\r\n\r\n{body}", body.len());
                let mut writer = writer.lock().await;
                let _ = writer.write_all(frame.as_bytes()).await;
                let _ = writer.flush().await;
            }
            (Some(id), None) => {
                let waiter = id
                    .as_i64()
                    .and_then(|id| pending.lock().unwrap().remove(&id));
                if let Some(waiter) = waiter {
                    let _ = waiter.send(message);
                }
            }
            (None, Some(_)) => {
                let _ = notifications.send(message);
            }
            (None, None) => {}
        }
    }
}

/// The byte offset of an LSP position in `text` (LSP rules: lines end at `\n`; a column
/// past the line's end means its end, before any `\r\n`).
pub fn offset_of(text: &str, position: &Value, encoding: ClientEncoding) -> usize {
    let line = position["line"].as_u64().expect("a line") as usize;
    let column = position["character"].as_u64().expect("a character") as usize;
    let mut line_start = 0;
    for _ in 0..line {
        match text[line_start..].find('\n') {
            Some(index) => line_start += index + 1,
            None => return text.len(),
        }
    }
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |index| line_start + index);
    let line_text = text[line_start..line_end]
        .strip_suffix('\r')
        .unwrap_or(&text[line_start..line_end]);
    let mut units = 0;
    for (index, character) in line_text.char_indices() {
        if units >= column {
            return line_start + index;
        }
        units += encoding.width(character);
    }
    line_start + line_text.len()
}

/// The LSP position of byte `offset` in `text`.
pub fn position_of(text: &str, offset: usize, encoding: ClientEncoding) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |index| index + 1);
    let character: usize = before[line_start..]
        .chars()
        .map(|character| encoding.width(character))
        .sum();
    json!({"line": line, "character": character})
}

/// A `{start, end}` range of a byte range.
pub fn range_of(text: &str, range: std::ops::Range<usize>, encoding: ClientEncoding) -> Value {
    json!({"start": position_of(text, range.start, encoding), "end": position_of(text, range.end, encoding)})
}

/// Applies LSP `TextEdit`s (ranges in the original text, non-overlapping) to `text`.
pub fn apply_text_edits(text: &str, edits: &[Value], encoding: ClientEncoding) -> String {
    let mut resolved: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|edit| {
            let start = offset_of(text, &edit["range"]["start"], encoding);
            let end = offset_of(text, &edit["range"]["end"], encoding);
            (start, end, edit["newText"].as_str().expect("newText"))
        })
        .collect();
    resolved.sort_by_key(|&(start, end, _)| (start, end));
    let mut output = String::with_capacity(text.len());
    let mut cursor = 0;
    for (start, end, new_text) in resolved {
        assert!(
            start >= cursor && start <= end,
            "overlapping or reversed edits"
        );
        output.push_str(&text[cursor..start]);
        output.push_str(new_text);
        cursor = end;
    }
    output.push_str(&text[cursor..]);
    output
}
