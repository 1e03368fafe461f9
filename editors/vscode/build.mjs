// Bundles the extension (with vscode-languageclient) into one file, and the protocol
// helpers on their own for the Node test. `vscode` is provided by the editor at run time.
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node18', sourcemap: false, logLevel: 'info' };

await build({ ...common, entryPoints: ['src/extension.ts'], outfile: 'out/extension.js', external: ['vscode'], minify: true });
await build({ ...common, entryPoints: ['src/protocol.ts'], outfile: 'out/protocol.js' });
