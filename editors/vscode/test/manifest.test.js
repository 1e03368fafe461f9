// The extension manifest declares what the README promises, and the bundle exists.

'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const helpers = require('../out/protocol.js');

test('activates on TypeScript and JavaScript files', () => {
  for (const language of helpers.LANGUAGES) {
    assert.ok(manifest.activationEvents.includes(`onLanguage:${language}`), language);
  }
  assert.ok(helpers.LANGUAGES.includes('typescript') && helpers.LANGUAGES.includes('javascript'));
});

test('declares the settings amplint.path, amplint.fixAllOnSave and amplint.trace.server', () => {
  const properties = manifest.contributes.configuration.properties;
  assert.equal(properties['amplint.path'].default, null);
  assert.equal(properties['amplint.fixAllOnSave'].type, 'boolean');
  assert.equal(properties['amplint.fixAllOnSave'].default, false);
  assert.deepEqual(properties['amplint.trace.server'].enum, ['off', 'messages', 'verbose']);
});

test('the bundled entry point exists and does not bundle vscode', () => {
  const main = path.join(root, manifest.main);
  assert.ok(fs.existsSync(main), `${manifest.main} is built`);
  const source = fs.readFileSync(main, 'utf8');
  assert.match(source, /require\("vscode"\)/);
});

test('the server command: amplint.path when set, else amplint from PATH', () => {
  assert.equal(helpers.serverExecutable(undefined), 'amplint');
  assert.equal(helpers.serverExecutable(null), 'amplint');
  assert.equal(helpers.serverExecutable('  '), 'amplint');
  assert.equal(helpers.serverExecutable('/opt/amplint/bin/amplint'), '/opt/amplint/bin/amplint');
  assert.deepEqual(helpers.SERVER_ARGUMENTS, ['server']);
});

test('applying LSP edits: UTF-16 columns, CRLF lines, several edits', () => {
  const text = 'a😀b\r\nsecond line\nthird';
  const edits = [
    { range: { start: { line: 0, character: 3 }, end: { line: 0, character: 4 } }, newText: 'B' },
    { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 6 } }, newText: '2nd' },
    { range: { start: { line: 2, character: 5 }, end: { line: 2, character: 5 } }, newText: '!' },
  ];
  assert.equal(helpers.applyTextEdits(text, edits), 'a😀B\r\n2nd line\nthird!');
  assert.deepEqual(helpers.endPosition(text), { line: 2, character: 5 });
  assert.throws(() =>
    helpers.applyTextEdits('abc', [
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 2 } }, newText: '' },
      { range: { start: { line: 0, character: 1 }, end: { line: 0, character: 3 } }, newText: '' },
    ]),
  );
});

test('fix-all parameters ask for source.fixAll.amplint only', () => {
  const params = helpers.fixAllParams('file:///x.ts', 'a\nb');
  assert.deepEqual(params.context.only, ['source.fixAll.amplint']);
  assert.deepEqual(params.range.end, { line: 1, character: 1 });
  assert.ok(helpers.kindMatches('source.fixAll.amplint', 'source.fixAll'));
  assert.ok(!helpers.kindMatches('source.fixAllX', 'source.fixAll'));
});
