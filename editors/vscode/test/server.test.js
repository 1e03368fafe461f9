// Drives the real `amplint server` over stdio through vscode-languageserver-protocol (the
// protocol layer of vscode-languageclient, which the extension bundles) and the extension's
// own protocol helpers (out/protocol.js, built from src/protocol.ts).
//
//   AMPLINT_BIN=/path/to/amplint node --test test/
//
// Without AMPLINT_BIN the binary is <repo>/target/debug/amplint.

'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { pathToFileURL } = require('node:url');
const {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  InitializeRequest,
  InitializedNotification,
  DidOpenTextDocumentNotification,
  DidChangeTextDocumentNotification,
  PublishDiagnosticsNotification,
  CodeActionRequest,
  ShutdownRequest,
  ExitNotification,
} = require('vscode-languageserver-protocol/node');

const helpers = require('../out/protocol.js');

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const binary = path.resolve(repoRoot, process.env.AMPLINT_BIN || 'target/debug/amplint');
const fixture = path.join(repoRoot, 'fixtures', 'unknown-related-model', 'invalid.ts');
const fixtureUri = pathToFileURL(fixture).href;
const fixtureText = fs.readFileSync(fixture, 'utf8');
const TIMEOUT_MS = 20_000;

const SEVERITIES = { error: 1, warning: 2, info: 3, information: 3, hint: 4 };

/** The caret annotations of a fixture (syntax: tests/src/lib.rs). */
function annotations(text) {
  const lines = text.split('\n');
  const found = [];
  let codeLine;
  lines.forEach((line, index) => {
    const match = /^(\s*\/\/\s*)(\^+)\s+(\w+)\[([\w-]+)\](?::\s*(.*))?$/.exec(line);
    if (match === null) {
      codeLine = index;
      return;
    }
    if (codeLine === undefined) {
      return;
    }
    const start = match[1].length;
    const end = start + match[2].length;
    found.push({
      line: codeLine,
      start,
      end,
      toLineEnd: end >= lines[codeLine].length,
      severity: match[3],
      rule: match[4],
      message: match[5],
    });
  });
  return found;
}

function withTimeout(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${TIMEOUT_MS} ms waiting for ${what}`)), TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A running server and a connection to it. */
class Session {
  constructor() {
    assert.ok(fs.existsSync(binary), `amplint binary not found at ${binary} (set AMPLINT_BIN)`);
    this.stderr = '';
    this.child = spawn(binary, ['server'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (chunk) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
    this.connection = createProtocolConnection(
      new StreamMessageReader(this.child.stdout),
      new StreamMessageWriter(this.child.stdin),
    );
    this.published = [];
    this.waiters = [];
    this.connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      this.published.push(params);
      this.waiters = this.waiters.filter((waiter) => !waiter(params));
    });
    this.connection.listen();
  }

  /** The first publication (already received or to come) for which `accept` holds. */
  diagnostics(accept, what) {
    const earlier = this.published.find(accept);
    if (earlier !== undefined) {
      return Promise.resolve(earlier);
    }
    return withTimeout(
      new Promise((resolve) => {
        this.waiters.push((params) => {
          if (accept(params)) {
            resolve(params);
            return true;
          }
          return false;
        });
      }),
      what,
    );
  }

  request(type, params, what) {
    return withTimeout(this.connection.sendRequest(type, params), what);
  }

  async initialize() {
    const result = await this.request(
      InitializeRequest.type,
      {
        processId: process.pid,
        rootUri: pathToFileURL(repoRoot).href,
        capabilities: {
          general: { positionEncodings: ['utf-16'] },
          textDocument: {
            synchronization: { willSave: false, willSaveWaitUntil: false, didSave: false },
            publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
            codeAction: {
              dataSupport: true,
              isPreferredSupport: true,
              codeActionLiteralSupport: {
                codeActionKind: { valueSet: ['', 'quickfix', 'refactor', 'source', 'source.fixAll'] },
              },
            },
          },
        },
        workspaceFolders: null,
      },
      'initialize',
    );
    await this.connection.sendNotification(InitializedNotification.type, {});
    return result;
  }

  async open(uri, text, version = 1) {
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'typescript', version, text },
    });
    return this.diagnostics((params) => params.uri === uri && (params.version === undefined || params.version === version), `diagnostics of ${uri} v${version}`);
  }

  /** Replaces the whole text (a change without a range). */
  async replace(uri, text, version) {
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
    return this.diagnostics((params) => params.uri === uri && params.version === version, `diagnostics of ${uri} v${version}`);
  }

  /** shutdown, exit; then (as VS Code and Neovim do) stdin is closed if the server is still up. */
  async close() {
    try {
      await this.request(ShutdownRequest.type, undefined, 'shutdown');
      await this.connection.sendNotification(ExitNotification.type);
      const early = await Promise.race([this.exited, new Promise((resolve) => setTimeout(() => resolve(undefined), 1000))]);
      if (early !== undefined) {
        return { ...early, onExitNotification: true };
      }
      this.child.stdin.end();
      return { ...(await withTimeout(this.exited, 'the server to exit once stdin closed')), onExitNotification: false };
    } finally {
      this.connection.dispose();
      this.child.kill();
    }
  }
}

test('amplint server over stdio: diagnostics, quick fix, fix all', async (t) => {
  const session = new Session();
  t.after(() => session.child.kill());
  t.diagnostic(`binary: ${binary}`);

  const initialized = await session.initialize();
  const capabilities = initialized.capabilities;
  assert.ok(capabilities.codeActionProvider, 'the server offers code actions');
  const kinds = capabilities.codeActionProvider.codeActionKinds ?? [];
  assert.ok(kinds.includes('quickfix'), `quickfix among the code action kinds ${JSON.stringify(kinds)}`);
  assert.ok(kinds.includes(helpers.FIX_ALL_KIND), `${helpers.FIX_ALL_KIND} among the code action kinds ${JSON.stringify(kinds)}`);

  const published = await session.open(fixtureUri, fixtureText, 1);
  const diagnostics = published.diagnostics;

  await t.test('every annotated diagnostic is published at its range with its rule and severity', () => {
    const expected = annotations(fixtureText);
    assert.ok(expected.length >= 4, 'the fixture has its annotations');
    for (const expectation of expected) {
      const where = `line ${expectation.line + 1}, column ${expectation.start + 1}`;
      const match = diagnostics.find(
        (diagnostic) =>
          diagnostic.code === expectation.rule &&
          diagnostic.range.start.line === expectation.line &&
          diagnostic.range.start.character === expectation.start &&
          (expectation.toLineEnd ||
            (diagnostic.range.end.line === expectation.line && diagnostic.range.end.character === expectation.end)),
      );
      assert.ok(
        match,
        `expected ${expectation.rule} at ${where}; got ${JSON.stringify(diagnostics.map((d) => `${d.code}@${helpers.rangeToString(d.range)}`))}`,
      );
      assert.equal(match.source, 'amplint');
      assert.equal(match.severity, SEVERITIES[expectation.severity], `severity of ${expectation.rule} at ${where}`);
      if (expectation.message) {
        assert.ok(match.message.includes(expectation.message), `message ${JSON.stringify(match.message)} contains ${JSON.stringify(expectation.message)}`);
      }
    }
    assert.equal(diagnostics.length, expected.length, 'no diagnostic beyond the annotated ones');
  });

  await t.test('the did-you-mean quick fix turns Teem into Team', async () => {
    const teemLine = fixtureText.split('\n').findIndex((line) => line.includes("a.belongsTo('Teem'"));
    const diagnostic = diagnostics.find((d) => d.code === 'unknown-related-model' && d.range.start.line === teemLine);
    assert.ok(diagnostic, "a diagnostic on 'Teem'");
    const response = await session.request(CodeActionRequest.type, helpers.quickFixParams(fixtureUri, diagnostic), 'quick fixes');
    const action = (response ?? [])
      .filter(helpers.isCodeAction)
      .find((candidate) => candidate.kind === 'quickfix' && (candidate.diagnostics ?? []).some((d) => d.code === diagnostic.code && helpers.rangeToString(d.range) === helpers.rangeToString(diagnostic.range)));
    assert.ok(action, `a quick fix for the diagnostic; got ${JSON.stringify(response)}`);
    assert.match(action.title, /Team/);
    const fixed = helpers.applyTextEdits(fixtureText, helpers.editsForDocument(action.edit, fixtureUri, 1));
    const expected = fixtureText.replace("a.belongsTo('Teem'", "a.belongsTo('Team'");
    assert.notEqual(expected, fixtureText);
    assert.equal(fixed, expected);
  });

  await t.test('source.fixAll.amplint applies the safe fixes, and the server then agrees', async () => {
    const response = await session.request(CodeActionRequest.type, helpers.fixAllParams(fixtureUri, fixtureText), 'fix all');
    const action = helpers.findAction(response, helpers.FIX_ALL_KIND);
    assert.ok(action, `a ${helpers.FIX_ALL_KIND} action; got ${JSON.stringify(response)}`);
    assert.ok(!(response ?? []).some((item) => item.kind === 'quickfix'), 'only the requested kind is returned');
    // The extension's fix-all on save drops edits made for another version of the document.
    assert.deepEqual(helpers.editsForDocument(action.edit, fixtureUri, 99), [], 'edits for version 1 are stale at version 99');
    const fixed = helpers.applyTextEdits(fixtureText, helpers.editsForDocument(action.edit, fixtureUri, 1));
    assert.ok(fixed.includes("a.belongsTo('Team'"), 'Teem was fixed');
    assert.ok(!fixed.includes("'Teem'"), 'no Teem left');

    const after = await session.replace(fixtureUri, fixed, 2);
    const safeLeft = after.diagnostics.filter((d) => d.data && d.data.applicability === 'safe');
    assert.deepEqual(safeLeft.map((d) => d.message), [], 'no safe fix left after fix all');
    assert.ok(after.diagnostics.length < diagnostics.length, 'fewer diagnostics after fix all');
  });

  const exit = await session.close();
  if (!exit.onExitNotification) {
    t.diagnostic('note: the server did not exit on the `exit` notification alone; it did once stdin closed');
  }
  assert.equal(exit.code, 0, `the server exits cleanly after shutdown/exit (stderr: ${session.stderr})`);
});
