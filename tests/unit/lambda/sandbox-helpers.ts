/** Test helpers: a temp `<root>/tasks/<hash>/` layout as the Lambda service builds it. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { EnvironmentSpec } from '../../../electron/core/services/lambda/sandbox';
import { linkRuntimeModules } from '../../../electron/core/services/lambda/sandbox';

export interface Lab {
  root: string;
  /** Writes files into a new package dir and returns its spec factory. */
  fn(files: Record<string, string>, over?: Partial<EnvironmentSpec>): () => EnvironmentSpec;
  cleanup(): void;
}

let counter = 0;

export function makeLab(): Lab {
  const root = mkdtempSync(join(tmpdir(), 'cl-sandbox-'));
  const tasks = join(root, 'tasks');
  linkRuntimeModules(tasks);
  return {
    root,
    fn(files, over = {}) {
      const id = `f${++counter}`;
      const codeDir = join(tasks, id);
      for (const [name, text] of Object.entries(files)) {
        const file = join(codeDir, name);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, text);
      }
      let n = 0;
      return () => ({
        functionName: over.functionName ?? id,
        functionVersion: '$LATEST',
        runtime: 'nodejs20.x',
        handler: 'index.handler',
        codeDir,
        tmpDir: join(root, 'tmp', `${id}-${++n}`),
        memoryMB: 256,
        timeoutMs: 3000,
        environment: {
          AWS_REGION: 'eu-west-1',
          AWS_ACCESS_KEY_ID: 'AKIDTEST',
          AWS_SECRET_ACCESS_KEY: 'secret',
        },
        logGroupName: `/aws/lambda/${id}`,
        logStreamName: `2026/11/23/[$LATEST]0123abcd${id}`,
        simNow: () => Date.UTC(2030, 0, 1) + (Date.now() % 1000),
        ...over,
      });
    },
    cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

let rid = 0;
export function req(payload: unknown = {}, extra: Record<string, unknown> = {}) {
  const requestId = `00000000-0000-4000-8000-${String(++rid).padStart(12, '0')}`;
  return {
    requestId,
    payload: JSON.stringify(payload),
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:test',
    ...extra,
  };
}

export function text(lines: { message: string }[]): string {
  return lines.map((l) => l.message).join('');
}
