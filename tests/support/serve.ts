/**
 * Starts `cloudlab serve` as a user would (node bin/cloudlab.mjs serve …), on a free port and a
 * fresh workspace unless told otherwise, and waits for its "ready" line.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { ROOT, tempDir } from './temp';

export interface Served {
  endpoint: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Send a signal and wait for the exit code. */
  stop: (signal?: NodeJS.Signals) => Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  cleanup: () => void;
}

export const BIN = join(ROOT, 'bin', 'cloudlab.mjs');

export function ensureBuilt(): void {
  if (!existsSync(join(ROOT, 'out', 'cli', 'cloudlab.mjs'))) {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--cli'], {
      stdio: 'inherit',
    });
    if (r.status !== 0) throw new Error('building the CLI failed');
  }
}

export async function serve(args: string[] = [], options: { dataDir?: string } = {}): Promise<Served> {
  ensureBuilt();
  const temp = options.dataDir ? null : tempDir('cloudlab-api-');
  const dataDir = options.dataDir ?? temp!.dir;
  // A free SSH port too, unless the test names one: test files run side by side with the app.
  const ssh = args.includes('--ssh-port') ? [] : ['--ssh-port', '0'];
  const dns = args.includes('--dns-port') ? [] : ['--dns-port', '0'];
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--port', '0', ...ssh, ...dns, '--data', dataDir, ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready after 20 s:\n${out}\n${err}`)), 20_000);
    child.stdout!.on('data', () => {
      const m = /ready .*AWS endpoint (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`cloudlab serve exited with ${code}:\n${out}\n${err}`));
    });
  });
  return {
    endpoint,
    port: Number(new URL(endpoint).port),
    dataDir,
    child,
    stdout: () => out,
    stderr: () => err,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
    cleanup: () => temp?.cleanup(),
  };
}

/** Run `cloudlab` to completion (for commands that should fail fast). */
export function runCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  ensureBuilt();
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Call a console channel with a plain HTTP POST to /_cloudlab/api/<channel>: its result, or an
 * error carrying the envelope when it is not ok.
 */
export async function labCall(endpoint: string, channel: string, args: unknown): Promise<unknown> {
  const res = await fetch(`${endpoint}/_cloudlab/api/${channel}`, {
    method: 'POST',
    body: JSON.stringify(args),
  });
  const body = (await res.json()) as { ok: boolean; result: unknown };
  if (!body.ok) throw new Error(JSON.stringify(body));
  return body.result;
}

export const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/**
 * A `cloudlab serve` for a test file: started before its tests, stopped and removed after them.
 * Call the returned function inside a test to reach it.
 */
export function serveLab(args: string[] = []): () => Served {
  let lab: Served | undefined;
  beforeAll(async () => {
    lab = await serve(args);
  });
  afterAll(async () => {
    await lab?.stop();
    lab?.cleanup();
  });
  return () => {
    if (!lab) throw new Error('cloudlab serve has not started');
    return lab;
  };
}
