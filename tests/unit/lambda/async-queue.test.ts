/**
 * The asynchronous invocation worker in process: retries one and two simulated minutes after a
 * failure with the same request id, the failure record (and the lambda.async.failed event),
 * OnSuccess records, MaximumRetryAttempts 0, and a queue that carries on after a restart.
 */
import { strToU8, zipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { Cloud } from '../../../electron/core/cloud';
import type { CloudEvent } from '../../../electron/core/kernel/events';
import { asyncFailures, type QueueRow } from '../../../electron/core/services/lambda/async-queue';
import { lambdaRuntime } from '../../../electron/core/services/lambda/runtime';
import { RESOURCES, tempDir } from '../../support/temp';

const ROLE = 'arn:aws:iam::123456789012:role/lambda-role';
const ACCOUNT = '123456789012';
let cloud: Cloud | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await cloud?.close();
  cloud = undefined;
  for (const c of cleanups.splice(0)) c();
});

async function open(dataDir: string | null = null): Promise<Cloud> {
  cloud = await Cloud.open({ dataDir, resourcesDir: RESOURCES, seed: 'async' });
  cloud.clock.pause();
  return cloud;
}

function call<T = Record<string, unknown>>(c: Cloud, operation: string, input: unknown): Promise<T> {
  return c.invoke({
    service: 'lambda',
    operation,
    input,
    region: 'us-east-1',
    principal: c.accounts.consolePrincipal(),
    source: 'internal',
  }) as Promise<T>;
}

async function fn(c: Cloud, name: string, source: string): Promise<void> {
  await call(c, 'CreateFunction', {
    FunctionName: name,
    Runtime: 'nodejs20.x',
    Role: ROLE,
    Handler: 'index.handler',
    Code: { ZipFile: zipSync({ 'index.mjs': strToU8(source) }) },
  });
  c.clock.advance(1000);
}

const queue = (c: Cloud) => c.store.all<QueueRow>('SELECT * FROM lambda_async_queue');
const invocations = (c: Cloud, name: string) =>
  c.store.get<{ n: number }>('SELECT COUNT(*) AS n FROM lambda_invocations WHERE name = ?', [name])!.n;

async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function invokeEvent(c: Cloud, name: string, payload: unknown): Promise<void> {
  const r = await call<{ StatusCode: number }>(c, 'Invoke', {
    FunctionName: name,
    InvocationType: 'Event',
    Payload: strToU8(JSON.stringify(payload)),
  });
  expect(r.StatusCode).toBe(202);
}

describe('asynchronous invocations', () => {
  it('retries after 1 and 2 minutes with the same request id, then writes the failure record', async () => {
    const c = await open();
    await fn(c, 'fails', `export const handler = async () => { throw new TypeError('nope'); };`);
    const failed: CloudEvent[] = [];
    c.events.subscribe((e) => {
      if (e.topic === 'lambda.async.failed') failed.push(e);
    });
    await invokeEvent(c, 'fails', { a: 1 });
    await until('attempt 1', () => queue(c)[0]?.attempts === 1);
    const [row] = queue(c);
    expect(row!.due - row!.received).toBe(60_000);
    c.clock.advance(59_000);
    await new Promise((r) => setTimeout(r, 100));
    expect(queue(c)[0]!.attempts).toBe(1);
    c.clock.advance(1_000);
    await until('attempt 2', () => queue(c)[0]?.attempts === 2);
    expect(queue(c)[0]!.due - row!.received).toBe(60_000 + 120_000);
    c.clock.advance(120_000);
    await until(
      'the failure record',
      () => asyncFailures(c, { account: ACCOUNT, region: 'us-east-1', name: 'fails' }).length === 1,
    );
    expect(queue(c)).toEqual([]);
    expect(invocations(c, 'fails')).toBe(3);
    const [record] = asyncFailures(c, { account: ACCOUNT, region: 'us-east-1', name: 'fails' });
    expect(record).toMatchObject({
      version: '1.0',
      requestContext: {
        requestId: row!.request_id,
        functionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:fails:$LATEST`,
        condition: 'RetriesExhausted',
        approximateInvokeCount: 3,
      },
      requestPayload: { a: 1 },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: 'TypeError', errorMessage: 'nope' },
    });
    expect(failed).toHaveLength(1);
    // The log streams show one request id for the three attempts.
    const logs = (await c.invoke({
      service: 'logs',
      operation: 'FilterLogEvents',
      input: { logGroupName: '/aws/lambda/fails' },
      region: 'us-east-1',
      principal: c.accounts.consolePrincipal(),
      source: 'internal',
    })) as { events: { message: string }[] };
    const starts = logs.events.filter((e) => e.message.startsWith('START RequestId:'));
    expect(starts).toHaveLength(3);
    expect(new Set(starts.map((e) => e.message.split(' ')[2]))).toEqual(new Set([row!.request_id]));
  });

  it('MaximumRetryAttempts 0 gives up at once; OnSuccess receives the Success record', async () => {
    const c = await open();
    await fn(c, 'once', `export const handler = async () => { throw new Error('x'); };`);
    await fn(c, 'ok', `export const handler = async (e) => ({ got: e });`);
    await fn(c, 'sink', `export const handler = async (e) => { console.log('SINK ' + JSON.stringify(e)); };`);
    await call(c, 'PutFunctionEventInvokeConfig', { FunctionName: 'once', MaximumRetryAttempts: 0 });
    await call(c, 'PutFunctionEventInvokeConfig', {
      FunctionName: 'ok',
      DestinationConfig: { OnSuccess: { Destination: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:sink` } },
    });
    await invokeEvent(c, 'once', {});
    await until(
      'give up',
      () => asyncFailures(c, { account: ACCOUNT, region: 'us-east-1', name: 'once' }).length === 1,
    );
    expect(
      asyncFailures(c, { account: ACCOUNT, region: 'us-east-1', name: 'once' })[0]!.requestContext
        .approximateInvokeCount,
    ).toBe(1);
    await invokeEvent(c, 'ok', { k: 'v' });
    await until('the sink ran', () => invocations(c, 'sink') === 1 && queue(c).length === 0);
    const logs = (await c.invoke({
      service: 'logs',
      operation: 'FilterLogEvents',
      input: { logGroupName: '/aws/lambda/sink' },
      region: 'us-east-1',
      principal: c.accounts.consolePrincipal(),
      source: 'internal',
    })) as { events: { message: string }[] };
    const line = logs.events.find((e) => e.message.includes('SINK '))!.message;
    const record = JSON.parse(line.slice(line.indexOf('SINK ') + 5)) as Record<string, unknown>;
    expect(record).toMatchObject({
      version: '1.0',
      requestContext: {
        condition: 'Success',
        approximateInvokeCount: 1,
        functionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:ok:$LATEST`,
      },
      requestPayload: { k: 'v' },
      responseContext: { statusCode: 200, executedVersion: '$LATEST' },
      responsePayload: { got: { k: 'v' } },
    });
    expect((record.responseContext as Record<string, unknown>).functionError).toBeUndefined();
  });

  it('a queued retry survives a restart', async () => {
    const data = tempDir('cloudlab-async-');
    cleanups.push(data.cleanup);
    let c = await open(data.dir);
    await fn(c, 'flaky', `export const handler = async () => { throw new Error('later'); };`);
    await invokeEvent(c, 'flaky', { n: 1 });
    await until('attempt 1', () => queue(c)[0]?.attempts === 1);
    await lambdaRuntime(c).asyncWorker.settled();
    await c.close();
    cloud = undefined;
    c = await open(data.dir);
    expect(queue(c)).toHaveLength(1);
    c.clock.advance(61_000);
    await until('attempt 2 after the restart', () => queue(c)[0]?.attempts === 2);
  });
});
