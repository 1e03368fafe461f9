#!/usr/bin/env node
// amplint conformance harness: runs fixtures/conformance/**/*.ts through
// Amplify's real packages (offline) and records / checks the verdicts.
//
//   node harness.mjs FILE...            print fresh verdicts
//   node harness.mjs --all --write      re-record every <name>.amplify.json
//   node harness.mjs --all --check      exit 1 when a recorded verdict is stale
//   node harness.mjs --lint-corpus      annotations vs recorded verdicts
//
// Options: --jobs N (default 2), --timeout SECONDS (per file, default 90),
//          --isolate (a fresh process per file instead of recycled workers),
//          --verbose (show the workers' stderr).
// See README.md in this directory.
import { fork } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');
const corpusDir = path.join(repoRoot, 'fixtures', 'conformance');

// amplint rule names (RULES.md sections 1-6); annotations must use one of these.
export const RULES = new Set([
  'unknown-related-model', 'ref-to-model', 'missing-reference-field', 'invalid-reference-field',
  'reference-type-mismatch', 'reference-count-mismatch', 'reference-order-mismatch',
  'swapped-reference-names', 'missing-inverse-relation', 'inverse-relation-mismatch',
  'ambiguous-relation', 'required-relationship', 'mixed-reference-nullability',
  'relationship-in-custom-type', 'relational-auth-redaction',
  'unknown-identifier-field', 'optional-identifier-field', 'invalid-identifier-field',
  'invalid-secondary-index',
  'enum-modifier', 'invalid-enum-value',
  'public-auth', 'auth-operations', 'missing-authorization', 'auth-provider-not-configured',
  'duplicate-auth-rule', 'invalid-auth-rule',
  'unknown-field-type', 'invalid-default-value', 'invalid-validator', 'name-collision',
  'invalid-graphql-name', 'invalid-custom-operation',
  'unused-suppression',
]);

// ---------------------------------------------------------------- arguments
const args = process.argv.slice(2);
const opts = { all: false, write: false, check: false, lint: false, isolate: false, verbose: false, jobs: 2, timeout: 90, files: [] };
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg === '--all') opts.all = true;
  else if (arg === '--write') opts.write = true;
  else if (arg === '--check') opts.check = true;
  else if (arg === '--lint-corpus') opts.lint = true;
  else if (arg === '--isolate') opts.isolate = true;
  else if (arg === '--verbose') opts.verbose = true;
  else if (arg === '--jobs') opts.jobs = Math.max(1, Math.min(2, Number(args[++i]) || 1));
  else if (arg === '--timeout') opts.timeout = Number(args[++i]) || opts.timeout;
  else if (arg === '-h' || arg === '--help') {
    console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1, 13).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
    process.exit(0);
  } else if (arg.startsWith('--')) {
    console.error(`unknown option ${arg}`);
    process.exit(2);
  } else opts.files.push(path.resolve(arg));
}

// ---------------------------------------------------------------- corpus
const listCorpus = (dir = corpusDir) => {
  const out = [];
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listCorpus(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
};
const rel = (p) => path.relative(repoRoot, p).split(path.sep).join('/');
const verdictPath = (ts) => ts.replace(/\.ts$/, '.amplify.json');
const serialize = (v) =>
  JSON.stringify({ accepted: v.accepted, stage: v.stage, message: v.message }, null, 2) + '\n';

// ---------------------------------------------------------------- annotations
const ANNOTATION = /^(\s*)\/\/(\s*)(\^+)\s+(error|warning|info|hint)\[([a-z0-9-]+)\](?::\s?(.*))?\s*$/;
/** Parse the inline expectations of one fixture (columns in Unicode characters). */
export const parseAnnotations = (text) => {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const found = [];
  const problems = [];
  let codeLine = -1;
  lines.forEach((line, i) => {
    const m = ANNOTATION.exec(line);
    if (!m) {
      if (/^\s*\/\/\s*\^/.test(line)) problems.push(`line ${i + 1}: malformed annotation: ${line.trim()}`);
      codeLine = i;
      return;
    }
    const chars = Array.from(line);
    const start = chars.indexOf('^');
    const len = m[3].length;
    if (codeLine < 0) {
      problems.push(`line ${i + 1}: annotation before any code line`);
      return;
    }
    const code = Array.from(lines[codeLine]);
    const span = code.slice(start, start + len).join('');
    if (start + len > code.length) problems.push(`line ${i + 1}: carets run past the end of line ${codeLine + 1}`);
    else if (/^\s|\s$/.test(span)) problems.push(`line ${i + 1}: span ${JSON.stringify(span)} starts or ends with whitespace`);
    if (!RULES.has(m[5])) problems.push(`line ${i + 1}: unknown rule ${m[5]}`);
    found.push({ line: codeLine + 1, column: start + 1, length: len, severity: m[4], rule: m[5], message: m[6] ?? null, span });
  });
  return { annotations: found, problems, acceptsHeader: /^\/\/ amplify-accepts: \S/.test(lines[0] ?? '') };
};

// ---------------------------------------------------------------- worker pool
const runAll = (files) =>
  new Promise((resolve) => {
    const results = new Map();
    const queue = files.map((file, id) => ({ id, file }));
    const total = queue.length;
    const recycleAfter = opts.isolate ? 1 : 40;
    let live = 0;
    const startWorker = () => {
      if (queue.length === 0) {
        if (live === 0) resolve(results);
        return;
      }
      live++;
      const child = fork(path.join(here, 'lib', 'worker.mjs'), [], {
        cwd: here,
        stdio: ['ignore', opts.verbose ? 'inherit' : 'ignore', opts.verbose ? 'inherit' : 'ignore', 'ipc'],
        execArgv: ['--max-old-space-size=3072', '--no-warnings'],
      });
      let current = null;
      let timer = null;
      let done = 0;
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        live--;
        startWorker();
      };
      const next = () => {
        if (queue.length === 0 || done >= recycleAfter) {
          child.disconnect();
          child.kill();
          finish();
          return;
        }
        current = queue.shift();
        timer = setTimeout(() => {
          results.set(current.file, { harnessError: `timeout after ${opts.timeout}s` });
          current = null;
          child.kill('SIGKILL');
        }, opts.timeout * 1000);
        child.send({ id: current.id, file: current.file });
      };
      child.on('message', (msg) => {
        if (msg.ready) return next();
        clearTimeout(timer);
        results.set(current.file, msg.verdict);
        if (process.stderr.isTTY) process.stderr.write(`\r${results.size}/${total}`);
        current = null;
        done++;
        next();
      });
      child.on('exit', (code, signal) => {
        if (current) results.set(current.file, { harnessError: `worker died (${signal ?? code})` });
        current = null;
        finish();
      });
    };
    if (queue.length === 0) resolve(results);
    for (let i = 0; i < Math.min(opts.jobs, queue.length); i++) startWorker();
  });

// ---------------------------------------------------------------- modes
const lintCorpus = () => {
  const files = listCorpus();
  const offenders = [];
  let withErrors = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const { annotations, problems, acceptsHeader } = parseAnnotations(text);
    for (const p of problems) offenders.push(`${rel(file)}: ${p}`);
    const errors = annotations.filter((a) => a.severity === 'error');
    if (errors.length) withErrors++;
    const vp = verdictPath(file);
    if (!existsSync(vp)) {
      offenders.push(`${rel(file)}: no recorded verdict (run --all --write)`);
      continue;
    }
    const v = JSON.parse(readFileSync(vp, 'utf8'));
    if (!v.accepted && errors.length === 0) offenders.push(`${rel(file)}: Amplify rejects it (${v.stage}) but no error[...] annotation`);
    if (!v.accepted && acceptsHeader) offenders.push(`${rel(file)}: has an amplify-accepts header but Amplify rejects it (${v.stage})`);
    if (v.accepted && errors.length > 0 && !acceptsHeader)
      offenders.push(`${rel(file)}: Amplify accepts it but it expects ${errors.map((e) => e.rule).join(', ')} (add '// amplify-accepts: <reason>' as line 1 if intended)`);
    if (v.accepted && acceptsHeader && errors.length === 0) offenders.push(`${rel(file)}: amplify-accepts header without any error annotation`);
  }
  for (const o of offenders) console.log(o);
  console.log(`lint-corpus: ${files.length} files, ${withErrors} with error annotations, ${offenders.length} offenders`);
  return offenders.length === 0 ? 0 : 1;
};

const main = async () => {
  if (opts.lint && !opts.all && opts.files.length === 0) process.exit(lintCorpus());
  const files = opts.all ? listCorpus() : opts.files;
  if (files.length === 0) {
    console.error('no files (give FILE... or --all)');
    process.exit(2);
  }
  const t0 = Date.now();
  const results = await runAll(files);
  if (process.stderr.isTTY) process.stderr.write('\r');
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  let rejected = 0, accepted = 0, stale = 0, broken = 0;
  const stages = {};
  for (const file of files) {
    const v = results.get(file);
    if (!v || v.harnessError) {
      broken++;
      console.log(`HARNESS ERROR ${rel(file)}: ${v ? v.harnessError : 'no result'}`);
      continue;
    }
    if (v.accepted) accepted++;
    else {
      rejected++;
      stages[v.stage] = (stages[v.stage] ?? 0) + 1;
    }
    const fresh = serialize(v);
    const vp = verdictPath(file);
    if (opts.write) {
      const old = existsSync(vp) ? readFileSync(vp, 'utf8') : null;
      if (old !== fresh) writeFileSync(vp, fresh);
    } else if (opts.check) {
      const old = existsSync(vp) ? readFileSync(vp, 'utf8') : null;
      if (old !== fresh) {
        stale++;
        console.log(`STALE ${rel(vp)}`);
        console.log(`  - recorded: ${old === null ? '(missing)' : JSON.stringify(JSON.parse(old))}`);
        console.log(`  + fresh:    ${JSON.stringify(v)}`);
      }
    } else {
      console.log(v.accepted ? `${rel(file)}: accepted` : `${rel(file)}: rejected [${v.stage}] ${v.message.split('\n').join(' | ')}`);
    }
  }
  if (opts.all && (opts.check || opts.write)) {
    // recorded verdicts whose fixture is gone
    const want = new Set(files.map(verdictPath));
    const orphans = [];
    const walk = (dir) => {
      for (const name of readdirSync(dir)) {
        const p = path.join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (name.endsWith('.amplify.json') && !want.has(p)) orphans.push(p);
      }
    };
    if (existsSync(corpusDir)) walk(corpusDir);
    for (const o of orphans) console.log(`ORPHAN ${rel(o)} (no matching .ts)`);
    stale += opts.check ? orphans.length : 0;
  }
  const stageText = Object.entries(stages).sort().map(([k, n]) => `${k} ${n}`).join(', ');
  console.log(
    `conformance: ${files.length} files, ${rejected} rejected, ${accepted} accepted, ${stale} stale` +
      (broken ? `, ${broken} harness errors` : '') +
      ` (${stageText || 'no rejections'}; ${seconds}s, ${opts.jobs} jobs${opts.isolate ? ', isolated' : ''})`,
  );
  let code = stale || broken ? 1 : 0;
  if (opts.lint) code = lintCorpus() || code;
  process.exit(code);
};

await main();
