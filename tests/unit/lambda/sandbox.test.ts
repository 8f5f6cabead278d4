import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvironmentPool } from '../../../electron/core/services/lambda/sandbox';
import { type Lab, makeLab, req, text } from './sandbox-helpers';

let lab: Lab;
let pool: EnvironmentPool;

beforeAll(() => {
  lab = makeLab();
  pool = new EnvironmentPool();
});
afterAll(async () => {
  await pool.close();
  lab.cleanup();
});

const ISO = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z';

describe('handlers', () => {
  test('ESM async handler: context, environment, logs and platform lines', async () => {
    const spec = lab.fn({
      'index.mjs': `
        console.log('loading');
        export const handler = async (event, context) => {
          console.log('event %s', event.name, { n: 1 });
          console.warn('careful\\nsecond line');
          console.error(new Error('shown'));
          return {
            ctx: {
              functionName: context.functionName, functionVersion: context.functionVersion,
              invokedFunctionArn: context.invokedFunctionArn, memoryLimitInMB: context.memoryLimitInMB,
              awsRequestId: context.awsRequestId, logGroupName: context.logGroupName,
              logStreamName: context.logStreamName, remaining: context.getRemainingTimeInMillis(),
              waits: context.callbackWaitsForEmptyEventLoop, clientContext: context.clientContext,
            },
            env: Object.fromEntries(Object.entries(process.env)),
            cwd: process.cwd(),
          };
        };`,
    });
    const r = req({ name: 'x' }, { clientContext: Buffer.from('{"custom":{"a":1}}').toString('base64') });
    const res = await pool.run('esm', spec, r);
    expect(res.outcome).toBe('success');
    expect(res.coldStart).toBe(true);
    expect(res.environmentLost).toBe(false);
    const out = JSON.parse(res.payload);
    const s = spec();
    expect(out.ctx).toMatchObject({
      functionName: s.functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: r.invokedFunctionArn,
      memoryLimitInMB: '256',
      awsRequestId: r.requestId,
      logGroupName: s.logGroupName,
      logStreamName: s.logStreamName,
      waits: true,
      clientContext: { custom: { a: 1 } },
    });
    expect(out.ctx.remaining).toBeGreaterThan(2500);
    expect(out.ctx.remaining).toBeLessThanOrEqual(3000);
    expect(out.env).toMatchObject({
      AWS_LAMBDA_FUNCTION_NAME: s.functionName,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
      AWS_LAMBDA_LOG_GROUP_NAME: s.logGroupName,
      AWS_LAMBDA_LOG_STREAM_NAME: s.logStreamName,
      LAMBDA_TASK_ROOT: '/var/task',
      LAMBDA_RUNTIME_DIR: '/var/runtime',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x',
      _HANDLER: 'index.handler',
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIDTEST',
      LANG: 'en_US.UTF-8',
    });
    expect(out.env.NODE_PATH).toContain('/var/task');
    // Nothing of the host's environment leaks in.
    for (const key of ['HOME', 'USER', 'VITEST', 'NODE_OPTIONS', 'npm_lifecycle_event']) {
      expect(out.env[key]).toBeUndefined();
    }

    const lines = res.logLines.map((l) => l.message);
    expect(lines[0]).toMatch(
      /^INIT_START Runtime Version: nodejs:20\.v\d+\tRuntime Version ARN: arn:aws:lambda:eu-west-1::runtime:[0-9a-f]{64}\n$/,
    );
    expect(lines[1]).toMatch(new RegExp(`^${ISO}\\tundefined\\tINFO\\tloading\\n$`));
    expect(lines[2]).toBe(`START RequestId: ${r.requestId} Version: $LATEST\n`);
    expect(lines[3]).toMatch(new RegExp(`^${ISO}\\t${r.requestId}\\tINFO\\tevent x { n: 1 }\\n$`));
    expect(lines[4]).toMatch(new RegExp(`^${ISO}\\t${r.requestId}\\tWARN\\tcareful\\nsecond line\\n$`));
    expect(lines[5]).toMatch(
      new RegExp(`^${ISO}\\t${r.requestId}\\tERROR\\tError: shown\\n    at .*file:///var/task/index\\.mjs`),
    );
    expect(lines[5]).not.toContain(s.codeDir);
    expect(lines.at(-2)).toBe(`END RequestId: ${r.requestId}\n`);
    expect(lines.at(-1)).toMatch(
      new RegExp(
        `^REPORT RequestId: ${r.requestId}\\tDuration: \\d+\\.\\d\\d ms\\tBilled Duration: \\d+ ms\\tMemory Size: 256 MB\\tMax Memory Used: \\d+ MB\\tInit Duration: \\d+\\.\\d\\d ms\\t\\n$`,
      ),
    );
    expect(res.initDurationMs).toBeGreaterThan(0);
    expect(res.billedDurationMs).toBe(Math.ceil(res.durationMs + (res.initDurationMs ?? 0)));
    expect(res.maxMemoryUsedMB).toBeGreaterThan(10);
    // Log times are simulated time (the lab's clock is in 2030).
    expect(res.logLines.every((l) => new Date(l.timestamp).getUTCFullYear() === 2030)).toBe(true);
    expect(lines[3]!.startsWith('2030-')).toBe(true);

    const warm = await pool.run('esm', spec, req({ name: 'y' }));
    expect(warm.coldStart).toBe(false);
    expect(warm.initDurationMs).toBeUndefined();
    expect(warm.logLines[0]!.message).toMatch(/^START RequestId/);
    expect(warm.logLines.at(-1)!.message).not.toContain('Init Duration');
  });

  test('CommonJS callback handler, .cjs, "type":"module" .js and a handler in a sub-directory', async () => {
    const cjs = lab.fn({
      'index.js': `exports.handler = (event, context, callback) => { console.log('cjs'); callback(null, { got: event.v, t: typeof require }); };`,
    });
    const r1 = await pool.run('cjs', cjs, req({ v: 1 }));
    expect(r1.outcome).toBe('success');
    expect(JSON.parse(r1.payload)).toEqual({ got: 1, t: 'function' });
    expect(text(r1.logLines)).toMatch(/\tINFO\tcjs\n/);

    const dotCjs = lab.fn(
      { 'lib/fn.cjs': `module.exports.go = async () => 'cjs-file';` },
      { handler: 'lib/fn.go' },
    );
    expect((await pool.run('dotcjs', dotCjs, req())).payload).toBe('"cjs-file"');

    const typeModule = lab.fn(
      {
        'package.json': '{"type":"module"}',
        'src/app.js': `export async function main(e) { return import.meta.url.startsWith('file:') && e.k; }`,
      },
      { handler: 'src/app.main' },
    );
    expect((await pool.run('typemodule', typeModule, req({ k: 'esm' }))).payload).toBe('"esm"');

    const undef = lab.fn({ 'index.mjs': `export const handler = async () => {};` });
    expect((await pool.run('undef', undef, req())).payload).toBe('null');
  });

  test('callbackWaitsForEmptyEventLoop: true waits for timers, false answers at once; context.succeed', async () => {
    const spec = lab.fn({
      'index.js': `exports.handler = (event, context, callback) => {
        context.callbackWaitsForEmptyEventLoop = event.wait;
        setTimeout(() => console.log('timer done'), 300);
        callback(null, 'ok');
      };
      exports.legacy = (event, context) => { context.succeed({ legacy: true }); };`,
    });
    const waited = await pool.run('cb', spec, req({ wait: true }));
    expect(waited.payload).toBe('"ok"');
    expect(waited.durationMs).toBeGreaterThanOrEqual(250);
    expect(text(waited.logLines)).toContain('timer done');
    const quick = await pool.run('cb', spec, req({ wait: false }));
    expect(quick.payload).toBe('"ok"');
    expect(quick.durationMs).toBeLessThan(250);
    // The timer left running logs into the next invocation, as a frozen Lambda environment does.
    await new Promise((r) => setTimeout(r, 400));
    const next = await pool.run('cb', spec, req({ wait: false }));
    expect(text(next.logLines)).toContain('timer done');
    const legacy = lab.fn({
      'index.js': `exports.handler = (event, context) => { context.succeed({ legacy: true }); };`,
    });
    expect((await pool.run('legacy', legacy, req())).payload).toBe('{"legacy":true}');
  });

  test('warm reuse: module state and /tmp persist; /tmp and /var/task are mapped', async () => {
    const spec = lab.fn({
      'data.txt': 'packaged',
      'index.mjs': `
        import fs from 'node:fs';
        import { readFile } from 'node:fs/promises';
        import os from 'node:os';
        let count = 0;
        export const handler = async () => {
          count++;
          const had = fs.existsSync('/tmp/state.txt') ? fs.readFileSync('/tmp/state.txt', 'utf8') : null;
          fs.writeFileSync('/tmp/state.txt', String(count));
          const pkg = await readFile('/var/task/data.txt', 'utf8');
          return { count, had, tmp: os.tmpdir(), pkg, rel: fs.readFileSync('./data.txt', 'utf8') };
        };`,
    });
    const a = JSON.parse((await pool.run('warm', spec, req())).payload);
    const b = JSON.parse((await pool.run('warm', spec, req())).payload);
    expect(a).toEqual({ count: 1, had: null, tmp: '/tmp', pkg: 'packaged', rel: 'packaged' });
    expect(b).toEqual({ count: 2, had: '1', tmp: '/tmp', pkg: 'packaged', rel: 'packaged' });
  });

  test('the AWS SDK v3 is importable from ESM and CommonJS without being packaged', async () => {
    const esm = lab.fn({
      'index.mjs': `import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
        export const handler = async () => {
          const c = new DynamoDBClient({});
          const region = await c.config.region();
          return { region, cmd: typeof ListTablesCommand };
        };`,
    });
    const r = await pool.run('sdk-esm', esm, req());
    expect(r.outcome, r.payload).toBe('success');
    expect(JSON.parse(r.payload)).toEqual({ region: 'eu-west-1', cmd: 'function' });
    const cjs = lab.fn({
      'index.js': `const { S3Client } = require('@aws-sdk/client-s3');
        exports.handler = async () => typeof new S3Client({ region: 'us-east-1' }).send;`,
    });
    const r2 = await pool.run('sdk-cjs', cjs, req());
    expect(r2.payload, r2.payload).toBe('"function"');
  });
});

describe('errors', () => {
  test('a thrown error: payload, Invoke Error log line, paths under /var/task; env stays warm', async () => {
    const spec = lab.fn({
      'index.mjs': `export const handler = async (e) => { if (e.fail) throw new TypeError('boom'); if (e.str) throw 'plain'; return 'fine'; };`,
    });
    const res = await pool.run('throw', spec, req({ fail: true }));
    expect(res.outcome).toBe('error');
    expect(res.functionError).toBe('Unhandled');
    expect(res.environmentLost).toBe(false);
    const p = JSON.parse(res.payload);
    expect(p.errorType).toBe('TypeError');
    expect(p.errorMessage).toBe('boom');
    expect(p.trace[0]).toBe('TypeError: boom');
    expect(p.trace[1]).toContain('file:///var/task/index.mjs');
    expect(res.payload).not.toContain(spec().codeDir);
    expect(text(res.logLines)).toMatch(
      new RegExp(
        `\\tERROR\\tInvoke Error \\t\\{"errorType":"TypeError","errorMessage":"boom","stack":\\["TypeError: boom",`,
      ),
    );
    const s = await pool.run('throw', spec, req({ str: true }));
    expect(JSON.parse(s.payload)).toEqual({ errorType: 'string', errorMessage: 'plain', trace: [] });
    const ok = await pool.run('throw', spec, req({}));
    expect(ok).toMatchObject({ outcome: 'success', payload: '"fine"', coldStart: false });
  });

  test('init errors: Runtime.ImportModuleError, HandlerNotFound, UserCodeSyntaxError, a throwing module', async () => {
    const cases: [Record<string, string>, string, RegExp][] = [
      [
        { 'other.js': '' },
        'Runtime.ImportModuleError',
        /^Error: Cannot find module 'index'\nRequire stack:\n- \/var\/runtime\/index\.mjs$/,
      ],
      [
        { 'index.js': `require('not-a-package-xyz');` },
        'Runtime.ImportModuleError',
        /^Error: Cannot find module 'not-a-package-xyz'/,
      ],
      [
        { 'index.mjs': `export const other = 1;` },
        'Runtime.HandlerNotFound',
        /^index\.handler is undefined or not exported$/,
      ],
      [
        { 'index.mjs': `export const handler = 42;` },
        'Runtime.HandlerNotFound',
        /^index\.handler is not a function$/,
      ],
      [
        { 'index.mjs': `export const handler = async () => { return 1 +; };` },
        'Runtime.UserCodeSyntaxError',
        /^SyntaxError: Unexpected token/,
      ],
      [{ 'index.js': `throw new Error('init failed');` }, 'Error', /^init failed$/],
    ];
    for (const [files, type, message] of cases) {
      const spec = lab.fn(files);
      const res = await pool.run(`init-${type}`, spec, req());
      expect(res.outcome, res.payload).toBe('init-error');
      expect(res.functionError).toBe('Unhandled');
      expect(res.environmentLost).toBe(true);
      const p = JSON.parse(res.payload);
      expect(p.errorType).toBe(type);
      expect(p.errorMessage).toMatch(message);
      expect(res.payload).not.toContain(spec().codeDir);
      const log = text(res.logLines);
      expect(log).toMatch(
        new RegExp(
          `\\tundefined\\tERROR\\tUncaught Exception \\t\\{"errorType":"${type.replace('.', '\\.')}"`,
        ),
      );
      expect(log).toMatch(
        new RegExp(
          `INIT_REPORT Init Duration: \\d+\\.\\d\\d ms\\tPhase: init\\tStatus: error\\tError Type: ${type.replace('.', '\\.')}`,
        ),
      );
      expect(res.logLines.at(-1)!.message).toMatch(
        new RegExp(`\\tStatus: error\\tError Type: ${type.replace('.', '\\.')}\\t\\n$`),
      );
      // The next invoke retries init (a new environment), and fails the same way.
      const again = await pool.run(`init-${type}`, spec, req());
      expect(again.coldStart).toBe(true);
      expect(again.outcome).toBe('init-error');
    }
  });
});

describe('hostile code', () => {
  const hostile = () =>
    lab.fn(
      {
        'index.mjs': `
          import fs from 'node:fs';
          import { createRequire } from 'node:module';
          const require = createRequire(import.meta.url);
          export const handler = async (e) => {
            switch (e.action) {
              case 'passwd': return fs.readFileSync('/etc/passwd', 'utf8');
              case 'host': return fs.readFileSync(e.path, 'utf8');
              case 'write': fs.writeFileSync(e.path, 'x'); return 'written';
              case 'exec': return String(require('child_process').execSync('id'));
              case 'worker': { const { Worker } = await import('node:worker_threads'); new Worker('1', { eval: true }); return 'worker'; }
              case 'dlopen': process.dlopen({ exports: {} }, '/tmp/evil.node'); return 'dlopen';
              case 'addon': return require(e.path);
              case 'binding': return typeof process.binding('fs');
              case 'kill': process.kill(process.ppid, 'SIGKILL'); return 'killed';
              case 'exit': process.exit(3);
              case 'loop': while (true) {}
              case 'bomb': { const keep = []; for (;;) keep.push(new Array(1e6).fill(Math.random())); }
              case 'buffers': { const keep = []; for (;;) { keep.push(Buffer.alloc(16 * 1024 * 1024, 1)); await new Promise((r) => setTimeout(r, 5)); } }
              case 'reject': Promise.reject(new Error('nobody catches me')); await new Promise((r) => setTimeout(r, 200)); return 'late';
              case 'uncaught': setTimeout(() => { throw new Error('async boom'); }, 10); await new Promise((r) => setTimeout(r, 200)); return 'late';
              case 'garbage': fs.writeSync(1, '\\u0000\\u00ffnot json {{{\\n'); process.stdout.write('raw out'); process.stderr.write('raw err\\n'); return 'ok';
              case 'huge': return 'x'.repeat(7 * 1024 * 1024);
              case 'spoof': process.send?.({ t: 'result', id: 'other', ok: true, payload: '1' }); return typeof process.send;
              default: return 'normal';
            }
          };`,
      },
      { timeoutMs: 1000, memoryMB: 128 },
    );
  let spec: ReturnType<typeof hostile>;
  beforeAll(() => {
    spec = hostile();
  });

  async function expectRecovers(): Promise<void> {
    const ok = await pool.run('hostile', spec, req({ action: 'normal' }));
    expect(ok.outcome).toBe('success');
    expect(ok.payload).toBe('"normal"');
  }

  test('file system: /etc/passwd, a host file and writes outside /tmp are denied', async () => {
    for (const event of [
      { action: 'passwd' },
      { action: 'host', path: join(process.cwd(), 'package.json') },
      { action: 'host', path: join(lab.root, 'tasks', '..', 'secret.txt') },
      { action: 'write', path: join(spec().codeDir, 'dropped.txt') },
      { action: 'write', path: join(lab.root, 'outside.txt') },
    ]) {
      const res = await pool.run('hostile', spec, req(event));
      expect(res.outcome, JSON.stringify(event)).toBe('error');
      expect(JSON.parse(res.payload).errorMessage).toMatch(
        /Access to this API has been restricted|no such file/,
      );
      expect(res.environmentLost).toBe(false);
    }
    expect(() => readFileSync(join(spec().codeDir, 'dropped.txt'))).toThrow();
    await expectRecovers();
  });

  test('child processes, workers, addons and process.binding are denied', async () => {
    for (const action of ['exec', 'worker', 'dlopen', 'binding']) {
      const res = await pool.run('hostile', spec, req({ action, path: '/tmp/evil.node' }));
      expect(res.outcome, action).toBe('error');
      expect(JSON.parse(res.payload).errorMessage).toMatch(/restricted|disabled|process\.binding/i);
    }
    await expectRecovers();
  });

  test('process.kill of the parent is refused; the test process lives', async () => {
    const res = await pool.run('hostile', spec, req({ action: 'kill' }));
    expect(res.outcome).toBe('error');
    expect(JSON.parse(res.payload).errorMessage).toContain('EPERM');
    expect(process.kill(process.pid, 0)).toBe(true);
    await expectRecovers();
  });

  test('process.exit(3): Runtime.ExitError, then a cold start works', async () => {
    const res = await pool.run('hostile', spec, req({ action: 'exit' }));
    expect(res.outcome).toBe('exit');
    expect(res.environmentLost).toBe(true);
    const p = JSON.parse(res.payload);
    expect(p.errorType).toBe('Runtime.ExitError');
    const r = await pool.run('hostile', spec, req({ action: 'normal' }));
    expect(r.coldStart).toBe(true);
    expect(p.errorMessage).toMatch(/^RequestId: [0-9a-f-]+ Error: Runtime exited with error: exit status 3$/);
    expect(text(res.logLines)).toContain(
      'Error: Runtime exited with error: exit status 3\nRuntime.ExitError\n',
    );
    expect(res.logLines.at(-1)!.message).toMatch(/\tStatus: error\tError Type: Runtime\.ExitError\t\n$/);
  });

  test('an infinite loop times out after 1 s and is killed', async () => {
    const r = req({ action: 'loop' });
    const t0 = Date.now();
    const res = await pool.run('hostile', spec, r);
    expect(Date.now() - t0).toBeLessThan(2500);
    expect(res.outcome).toBe('timeout');
    expect(res.environmentLost).toBe(true);
    expect(JSON.parse(res.payload)).toEqual({
      errorType: 'Sandbox.Timedout',
      errorMessage: `RequestId: ${r.requestId} Error: Task timed out after 1.00 seconds`,
    });
    expect(text(res.logLines)).toMatch(
      new RegExp(`${ISO}\\t${r.requestId}\\tTask timed out after 1\\.00 seconds\\n`),
    );
    expect(res.logLines.at(-1)!.message).toMatch(
      /Duration: 10\d\d\.\d\d ms\tBilled Duration: 10\d\d ms\t.*\tStatus: timeout\t\n$/,
    );
    await expectRecovers();
  });

  test('memory bombs at 128 MB: Runtime.OutOfMemory, quickly', async () => {
    for (const action of ['bomb', 'buffers']) {
      const t0 = Date.now();
      const res = await pool.run('hostile', spec, req({ action }));
      expect(res.outcome, `${action}: ${res.payload}`).toBe('oom');
      expect(Date.now() - t0).toBeLessThan(5000);
      const p = JSON.parse(res.payload);
      expect(p.errorType).toBe('Runtime.OutOfMemory');
      expect(p.errorMessage).toMatch(/Error: Runtime exited with error: signal: killed$/);
      expect(res.maxMemoryUsedMB).toBe(128);
      expect(res.logLines.at(-1)!.message).toMatch(
        /Max Memory Used: 128 MB\t.*Status: error\tError Type: Runtime\.OutOfMemory\t\n$/,
      );
      await expectRecovers();
    }
  });

  test('unhandled rejection and uncaught exception', async () => {
    const res = await pool.run('hostile', spec, req({ action: 'reject' }));
    expect(res.outcome).toBe('error');
    expect(res.environmentLost).toBe(true);
    const p = JSON.parse(res.payload);
    expect(p.errorType).toBe('Runtime.UnhandledPromiseRejection');
    expect(p.errorMessage).toBe('Error: nobody catches me');
    expect(text(res.logLines)).toContain(
      '\tERROR\tUnhandled Promise Rejection \t{"errorType":"Runtime.UnhandledPromiseRejection"',
    );
    await expectRecovers();
    const u = await pool.run('hostile', spec, req({ action: 'uncaught' }));
    expect(u.outcome).toBe('error');
    expect(JSON.parse(u.payload)).toMatchObject({ errorType: 'Error', errorMessage: 'async boom' });
    expect(text(u.logLines)).toContain(
      '\tERROR\tUncaught Exception \t{"errorType":"Error","errorMessage":"async boom"',
    );
    await expectRecovers();
  });

  test('garbage on stdout/stderr becomes log lines; a 7 MB response is too large; IPC is hidden', async () => {
    const g = await pool.run('hostile', spec, req({ action: 'garbage' }));
    expect(g.outcome).toBe('success');
    // Raw fd writes travel on the stdout pipe, not the IPC channel: they may land in the next
    // invocation's logs, as Lambda's asynchronous log delivery may.
    const follow = await pool.run('hostile', spec, req({ action: 'normal' }));
    const log = text(g.logLines) + text(follow.logLines);
    expect(log).toContain('not json {{{\n');
    expect(log).toContain('raw out\n');
    expect(log).toContain('raw err\n');
    const huge = await pool.run('hostile', spec, req({ action: 'huge' }));
    expect(huge.outcome).toBe('error');
    expect(JSON.parse(huge.payload)).toEqual({
      errorType: 'Function.ResponseSizeTooLarge',
      errorMessage: 'Response payload size exceeded maximum allowed payload size (6291556 bytes).',
    });
    expect(huge.environmentLost).toBe(false);
    const spoof = await pool.run('hostile', spec, req({ action: 'spoof' }));
    expect(spoof.payload).toBe('"undefined"');
    await expectRecovers();
  });
});
