#!/usr/bin/env node
// The `cloudlab` command: runs the built host (out/cli/cloudlab.mjs, made by `npm run build`,
// which `npm ci` runs for you).
import { existsSync } from 'node:fs';

const bundle = new URL('../out/cli/cloudlab.mjs', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write(
    'cloudlab: Cloud Lab is not built yet. Run `npm run build` (npm ci does it for you).\n',
  );
  process.exit(1);
}
await import(bundle.href);
