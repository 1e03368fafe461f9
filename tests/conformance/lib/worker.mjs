// Worker process: receives fixture paths over IPC, answers with verdicts.
// The parent kills and replaces a worker that times out or crashes.
process.env.JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION = '1';
const { runFixture } = await import('./pipeline.mjs');

process.on('message', async ({ id, file }) => {
  let verdict;
  try {
    verdict = await runFixture(file);
  } catch (error) {
    verdict = { harnessError: String(error && error.stack ? error.stack : error) };
  }
  process.send({ id, verdict });
});
process.send({ ready: true });
