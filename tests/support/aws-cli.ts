/**
 * Runs the real AWS CLI against a Cloud Lab endpoint. Prefers Debian's AWS CLI v2
 * (/usr/bin/aws, what .ci/run installs); CLOUDLAB_AWS_CLI overrides.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import { labCall, serve, type Served } from './serve';

export const AWS_CLI = process.env.CLOUDLAB_AWS_CLI ?? (existsSync('/usr/bin/aws') ? '/usr/bin/aws' : 'aws');

export function hasAwsCli(): boolean {
  return spawnSync(AWS_CLI, ['--version'], { encoding: 'utf8' }).status === 0;
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
  json: () => unknown;
}

export function aws(endpoint: string, args: string[], env: Record<string, string> = {}): CliResult {
  const r = spawnSync(AWS_CLI, ['--endpoint-url', endpoint, '--output', 'json', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_PAGER: '',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      ...env,
    },
  });
  return {
    status: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    json: () => JSON.parse(r.stdout) as unknown,
  };
}

/**
 * A `cloudlab serve` for a test file's AWS CLI steps, started before them with the simulated
 * clock running fast (boots take seconds of simulated time) and stopped after them.
 */
export function cliLab(options: { clockSpeed?: number } = {}) {
  let lab: Served | undefined;
  beforeAll(async () => {
    if (!hasAwsCli())
      throw new Error('The AWS CLI is not installed; .ci/run installs it with apt-get (awscli).');
    lab = await serve();
    await labCall(lab.endpoint, 'lab.clock', { speed: options.clockSpeed ?? 200 });
  });
  afterAll(async () => {
    await lab?.stop();
    lab?.cleanup();
  });
  const run = (...args: string[]) => aws(lab!.endpoint, args);
  return { run, text: (...args: string[]) => run(...args, '--output', 'text').stdout.trim() };
}
