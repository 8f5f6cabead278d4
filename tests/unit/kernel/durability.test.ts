/**
 * An acknowledged write survives kill -9: a child process writes as fast as it can (group
 * commit, checkpoints every few dozen records) and is SIGKILLed at random moments; afterwards
 * every write it acknowledged must be in the store.
 */
import { spawn } from 'node:child_process';
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../../electron/core/kernel/store';
import { ROOT, tempDir } from '../../support/temp';

const bundle = join(ROOT, 'node_modules', '.cache', 'cloudlab-tests', 'journal-writer.mjs');

beforeAll(async () => {
  mkdirSync(join(bundle, '..'), { recursive: true });
  await build({
    entryPoints: [join(ROOT, 'tests/unit/fixtures/journal-writer.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'error',
  });
});

function runAndKill(dir: string, killAfterAcks: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle, dir, '8', '37'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const acked: number[] = [];
    let buffer = '';
    let killed = false;
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith('ack ')) acked.push(Number(line.slice(4)));
      }
      if (!killed && acked.length >= killAfterAcks) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited by itself (code ${code})`));
      else resolve(acked);
    });
  });
}

describe('durability', () => {
  it('keeps every acknowledged write across repeated kill -9', async () => {
    const t = tempDir();
    try {
      const acked: number[] = [];
      for (const after of [25, 180, 333, 71, 500]) acked.push(...(await runAndKill(t.dir, after)));
      expect(acked.length).toBeGreaterThanOrEqual(25 + 180 + 333 + 71 + 500);
      const store = await Store.open({ dir: t.dir });
      const present = new Set(store.all<{ n: number }>('SELECT n FROM acked').map((r) => r.n));
      const missing = acked.filter((n) => !present.has(n));
      expect(missing).toEqual([]);
      await store.close();
    } finally {
      t.cleanup();
    }
  });
});
