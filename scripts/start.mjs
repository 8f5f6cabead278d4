#!/usr/bin/env node
// `npm start`: the desktop app. Electron 45 fetches its binary on first run; where it cannot be
// had (offline, or ELECTRON_SKIP_BINARY_DOWNLOAD), this says so in one line and points to the
// headless way in.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const electronDir = join(root, 'node_modules', 'electron');

function binary() {
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const file = join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(file) ? file : null;
}

let electron = binary();
if (!electron && !process.env.ELECTRON_SKIP_BINARY_DOWNLOAD && existsSync(join(electronDir, 'install.js'))) {
  spawnSync(process.execPath, [join(electronDir, 'install.js')], { stdio: 'ignore', timeout: 180_000 });
  electron = binary();
}
if (!electron) {
  console.error(
    'Cloud Lab: the Electron binary is not available here and could not be downloaded — run `npx cloudlab serve` and open http://127.0.0.1:4566/_cloudlab/ in a browser instead.',
  );
  process.exit(1);
}
if (!existsSync(join(root, 'out', 'main', 'index.js'))) {
  const built = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}
const child = spawn(electron, [root, ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
