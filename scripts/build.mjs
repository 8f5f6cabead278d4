#!/usr/bin/env node
// Builds everything `npm start` and `npx cloudlab serve` need:
//   out/cli/cloudlab.mjs   the headless host (esbuild; dependencies stay in node_modules)
//   out/main, out/preload, out/renderer   the Electron app and the web console (electron-vite)
// `npm ci` runs this through the "prepare" script. `--cli` builds only the CLI.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const started = Date.now();

await build({
  entryPoints: { cloudlab: join(root, 'electron/host/cli.ts') },
  outdir: join(root, 'out/cli'),
  outExtension: { '.js': '.mjs' },
  // Parts loaded on first use (the instance OS, the SSH gateway) become chunks, so start-up
  // does not pay for them.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});

if (!process.argv.includes('--cli')) {
  const bin = join(
    root,
    'node_modules',
    '.bin',
    process.platform === 'win32' ? 'electron-vite.cmd' : 'electron-vite',
  );
  const r = spawnSync(bin, ['build'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
console.log(`cloudlab: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
