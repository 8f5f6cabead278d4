/**
 * AWS Lambda with the real AWS CLI v2 against `cloudlab serve`, as the Lambda getting-started
 * steps go: package a function, create it from the zip, wait for it, invoke it (payload from the
 * command line, the result in a file, the log tail), update the code and the configuration,
 * publish a version, read the logs with `aws logs tail`, and delete it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliLab } from '../support/aws-cli';
import { ROLE, zip } from '../support/lambda';
import { tempDir } from '../support/temp';

const { run } = cliLab({ clockSpeed: 1 });
const files = tempDir('cloudlab-lambda-cli-');
afterAll(() => files.cleanup());

type Json = Record<string, unknown>;
const ok = (...args: string[]): Json => {
  const r = run(...args);
  if (r.status !== 0) throw new Error(`aws ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return r.stdout.trim() ? (r.json() as Json) : {};
};
const SERVICE_ERROR = [254, 255];

describe('aws lambda (getting started)', () => {
  it('create-function from a zip file, then wait function-active-v2', () => {
    const pkg = join(files.dir, 'function.zip');
    writeFileSync(
      pkg,
      zip({
        'index.mjs': `export const handler = async (event) => {
  console.log('event', JSON.stringify(event));
  return { statusCode: 200, body: JSON.stringify('Hello from Lambda!'), got: event };
};`,
      }),
    );
    const created = ok(
      'lambda',
      'create-function',
      '--function-name',
      'my-function',
      '--runtime',
      'nodejs22.x',
      '--handler',
      'index.handler',
      '--role',
      ROLE,
      '--zip-file',
      `fileb://${pkg}`,
    );
    expect(created).toMatchObject({ FunctionName: 'my-function', Runtime: 'nodejs22.x', State: 'Pending' });
    expect(run('lambda', 'wait', 'function-active-v2', '--function-name', 'my-function').status).toBe(0);
    expect(ok('lambda', 'get-function', '--function-name', 'my-function')).toMatchObject({
      Configuration: { State: 'Active', LastUpdateStatus: 'Successful' },
    });
  });

  it('invoke writes the result to a file; --log-type Tail returns the log', () => {
    const out = join(files.dir, 'response.json');
    const res = ok(
      'lambda',
      'invoke',
      '--function-name',
      'my-function',
      '--cli-binary-format',
      'raw-in-base64-out',
      '--payload',
      '{"name":"Alice"}',
      '--log-type',
      'Tail',
      out,
    );
    expect(res).toMatchObject({ StatusCode: 200, ExecutedVersion: '$LATEST' });
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual({
      statusCode: 200,
      body: '"Hello from Lambda!"',
      got: { name: 'Alice' },
    });
    const log = Buffer.from(String(res.LogResult), 'base64').toString();
    expect(log).toContain('START RequestId:');
    expect(log).toContain('event {"name":"Alice"}');
    expect(log).toContain('REPORT RequestId:');
  });

  it('an error shows FunctionError in the answer and the error payload in the file', () => {
    const pkg = join(files.dir, 'broken.zip');
    writeFileSync(
      pkg,
      zip({ 'index.mjs': `export const handler = async () => { throw new Error('kaboom'); };` }),
    );
    ok('lambda', 'update-function-code', '--function-name', 'my-function', '--zip-file', `fileb://${pkg}`);
    expect(run('lambda', 'wait', 'function-updated-v2', '--function-name', 'my-function').status).toBe(0);
    const out = join(files.dir, 'error.json');
    const res = ok('lambda', 'invoke', '--function-name', 'my-function', out);
    expect(res.FunctionError).toBe('Unhandled');
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({
      errorType: 'Error',
      errorMessage: 'kaboom',
    });
  });

  it('update-function-configuration, publish-version, list-functions, list-versions-by-function', () => {
    ok(
      'lambda',
      'update-function-configuration',
      '--function-name',
      'my-function',
      '--timeout',
      '10',
      '--memory-size',
      '256',
      '--environment',
      'Variables={STAGE=dev}',
    );
    expect(run('lambda', 'wait', 'function-updated-v2', '--function-name', 'my-function').status).toBe(0);
    const conf = ok('lambda', 'get-function-configuration', '--function-name', 'my-function');
    expect(conf).toMatchObject({
      Timeout: 10,
      MemorySize: 256,
      Environment: { Variables: { STAGE: 'dev' } },
    });
    expect(ok('lambda', 'publish-version', '--function-name', 'my-function')).toMatchObject({ Version: '1' });
    const list = ok('lambda', 'list-functions') as { Functions: { FunctionName: string }[] };
    expect(list.Functions.map((f) => f.FunctionName)).toContain('my-function');
    const versions = ok('lambda', 'list-versions-by-function', '--function-name', 'my-function') as {
      Versions: { Version: string }[];
    };
    expect(versions.Versions.map((v) => v.Version)).toEqual(['$LATEST', '1']);
  });

  it('aws logs tail prints the function log', () => {
    const r = run('logs', 'tail', '/aws/lambda/my-function', '--since', '1h', '--format', 'short');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('REPORT RequestId:');
    expect(r.stdout).toContain('kaboom');
  });

  it('errors: an unknown function, a duplicate name; delete-function', () => {
    const missing = run('lambda', 'get-function', '--function-name', 'nope');
    expect(SERVICE_ERROR).toContain(missing.status);
    expect(missing.stderr).toContain('ResourceNotFoundException');
    expect(missing.stderr).toContain(
      'Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope',
    );
    ok('lambda', 'delete-function', '--function-name', 'my-function');
    expect(SERVICE_ERROR).toContain(run('lambda', 'get-function', '--function-name', 'my-function').status);
  });
});
