/**
 * Runs a Python program with Debian's boto3 (python3-boto3, which .ci/run installs): the
 * Python SDK, whose presigned URLs and POSTs use Signature Version 2 in us-east-1.
 */
import { spawnSync } from 'node:child_process';

/** The program's standard output; it gets `args` as sys.argv[1:]. */
export function runBoto3(program: string, args: string[]): string {
  const r = spawnSync('/usr/bin/python3', ['-c', program, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', AWS_CONFIG_FILE: '/dev/null' },
  });
  if (r.status !== 0)
    throw new Error(`boto3 failed (.ci/run installs python3-boto3): ${r.stderr || String(r.error)}`);
  return r.stdout;
}
