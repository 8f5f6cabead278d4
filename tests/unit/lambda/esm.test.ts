/**
 * Event source mappings in process: validation and errors, states on the simulated clock,
 * batches with a failing function retried up to MaximumRetryAttempts then skipped,
 * FilterCriteria, and the shard position carried across a restart.
 */
import { strToU8, zipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { Cloud } from '../../../electron/core/cloud';
import { patternMatches } from '../../../electron/core/services/lambda/event-source-mappings';
import { lambdaRuntime } from '../../../electron/core/services/lambda/runtime';
import { RESOURCES, tempDir } from '../../support/temp';

const ROLE = 'arn:aws:iam::123456789012:role/lambda-role';
let cloud: Cloud | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await cloud?.close();
  cloud = undefined;
  for (const c of cleanups.splice(0)) c();
});

async function open(dataDir: string | null = null): Promise<Cloud> {
  cloud = await Cloud.open({ dataDir, resourcesDir: RESOURCES, seed: 'esm' });
  cloud.clock.pause();
  return cloud;
}

function call<T = Record<string, unknown>>(
  c: Cloud,
  service: string,
  operation: string,
  input: unknown,
): Promise<T> {
  return c.invoke({
    service,
    operation,
    input,
    region: 'us-east-1',
    principal: c.accounts.consolePrincipal(),
    source: 'internal',
  }) as Promise<T>;
}

async function failure(p: Promise<unknown>) {
  const e = await p.then(
    () => null,
    (err: unknown) => err as { code: string; message: string },
  );
  if (!e) throw new Error('expected a failure');
  return { code: e.code, message: e.message };
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A table with a stream, and a function logging each batch (`BATCH <json>`), failing on `fail`. */
async function setup(c: Cloud): Promise<string> {
  const t = await call<{ TableDescription: { LatestStreamArn: string } }>(c, 'dynamodb', 'CreateTable', {
    TableName: 'orders',
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
  });
  c.clock.advance(2000);
  await call(c, 'lambda', 'CreateFunction', {
    FunctionName: 'reader',
    Runtime: 'nodejs20.x',
    Role: ROLE,
    Handler: 'index.handler',
    Code: {
      ZipFile: zipSync({
        'index.mjs': strToU8(`export const handler = async (event) => {
  console.log('BATCH ' + JSON.stringify(event.Records.map((r) => r.dynamodb.Keys.id.S)));
  if (event.Records.some((r) => r.dynamodb.NewImage?.fail)) throw new Error('bad record');
  return {};
};`),
      }),
    },
  });
  c.clock.advance(1000);
  return t.TableDescription.LatestStreamArn;
}

const put = (c: Cloud, id: string, extra: Record<string, unknown> = {}) =>
  call(c, 'dynamodb', 'PutItem', { TableName: 'orders', Item: { id: { S: id }, ...extra } });

async function batches(c: Cloud): Promise<string[][]> {
  const r = await call<{ events: { message: string }[] }>(c, 'logs', 'FilterLogEvents', {
    logGroupName: '/aws/lambda/reader',
  }).catch(() => ({ events: [] }));
  return r.events
    .filter((e) => e.message.includes('BATCH '))
    .map((e) => JSON.parse(e.message.slice(e.message.indexOf('BATCH ') + 6).trim()) as string[]);
}

describe('event source mappings', () => {
  it('validates as Lambda does', async () => {
    const c = await open();
    const arn = await setup(c);
    expect(
      await failure(
        call(c, 'lambda', 'CreateEventSourceMapping', { FunctionName: 'reader', EventSourceArn: arn }),
      ),
    ).toEqual({
      code: 'InvalidParameterValueException',
      message:
        "1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: Member must not be null.",
    });
    expect(
      await failure(
        call(c, 'lambda', 'CreateEventSourceMapping', {
          FunctionName: 'nope',
          EventSourceArn: arn,
          StartingPosition: 'LATEST',
        }),
      ),
    ).toMatchObject({ code: 'ResourceNotFoundException' });
    expect(
      await failure(
        call(c, 'lambda', 'CreateEventSourceMapping', {
          FunctionName: 'reader',
          EventSourceArn: arn,
          StartingPosition: 'LATEST',
          BatchSize: 0,
          MaximumRetryAttempts: -2,
        }),
      ),
    ).toEqual({
      code: 'ValidationException',
      message:
        "2 validation errors detected: Value '0' at 'batchSize' failed to satisfy constraint: Member must have value greater than or equal to 1; Value '-2' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value greater than or equal to -1",
    });
    const m = await call<{ UUID: string; State: string }>(c, 'lambda', 'CreateEventSourceMapping', {
      FunctionName: 'reader',
      EventSourceArn: arn,
      StartingPosition: 'LATEST',
      Enabled: false,
    });
    expect(m.State).toBe('Creating');
    expect(
      await failure(call(c, 'lambda', 'UpdateEventSourceMapping', { UUID: m.UUID, BatchSize: 5 })),
    ).toMatchObject({ code: 'ResourceInUseException' });
    c.clock.advance(1000);
    expect(
      (await call<{ State: string }>(c, 'lambda', 'GetEventSourceMapping', { UUID: m.UUID })).State,
    ).toBe('Disabled');
    const u = await call<{ State: string; BatchSize: number }>(c, 'lambda', 'UpdateEventSourceMapping', {
      UUID: m.UUID,
      BatchSize: 5,
    });
    expect(u).toMatchObject({ State: 'Updating', BatchSize: 5 });
    c.clock.advance(1000);
    expect(
      (await call<{ State: string }>(c, 'lambda', 'GetEventSourceMapping', { UUID: m.UUID })).State,
    ).toBe('Disabled');
  });

  it('retries a failing batch MaximumRetryAttempts times, then skips it; filters records', async () => {
    const c = await open();
    const arn = await setup(c);
    const m = await call<{ UUID: string }>(c, 'lambda', 'CreateEventSourceMapping', {
      FunctionName: 'reader',
      EventSourceArn: arn,
      StartingPosition: 'TRIM_HORIZON',
      MaximumRetryAttempts: 1,
      FilterCriteria: {
        Filters: [
          { Pattern: JSON.stringify({ dynamodb: { Keys: { id: { S: [{ 'anything-but': 'skipme' }] } } } }) },
        ],
      },
    });
    await put(c, 'a');
    await put(c, 'skipme');
    await put(c, 'b', { fail: { BOOL: true } });
    c.clock.advance(1000);
    await until('the first attempt', async () => (await batches(c)).length >= 1);
    await lambdaRuntime(c).streamPollers.settled();
    // The shard is blocked until the retry, a simulated second later.
    c.clock.advance(1000);
    await until('the retry of the failing batch', async () => (await batches(c)).length >= 2);
    await lambdaRuntime(c).streamPollers.settled();
    let seen = await batches(c);
    expect(seen[0]).toEqual(['a', 'b']);
    expect(
      (await call<{ LastProcessingResult: string }>(c, 'lambda', 'GetEventSourceMapping', { UUID: m.UUID }))
        .LastProcessingResult,
    ).toBe('PROBLEM: Function call failed');
    c.clock.advance(1000);
    await lambdaRuntime(c).streamPollers.settled();
    await put(c, 'c');
    await until('the next batch', async () => (await batches(c)).some((b) => b.includes('c')));
    seen = await batches(c);
    expect(seen).toEqual([['a', 'b'], ['a', 'b'], ['c']]);
  });

  it('carries on from the stored shard position after a restart', async () => {
    const data = tempDir('cloudlab-esm-');
    cleanups.push(data.cleanup);
    let c = await open(data.dir);
    const arn = await setup(c);
    await call(c, 'lambda', 'CreateEventSourceMapping', {
      FunctionName: 'reader',
      EventSourceArn: arn,
      StartingPosition: 'LATEST',
    });
    c.clock.advance(1000);
    await put(c, 'one');
    await until('one', async () => (await batches(c)).length === 1);
    await lambdaRuntime(c).streamPollers.settled();
    await c.close();
    cloud = undefined;
    c = await open(data.dir);
    await put(c, 'two');
    await until('two', async () => (await batches(c)).length === 2);
    expect(await batches(c)).toEqual([['one'], ['two']]);
  });

  it('matches filter patterns', () => {
    const rec = { eventName: 'INSERT', dynamodb: { NewImage: { qty: { N: '5' }, tag: { S: 'red-1' } } } };
    expect(patternMatches({ eventName: ['INSERT'] }, rec)).toBe(true);
    expect(patternMatches({ eventName: ['REMOVE'] }, rec)).toBe(false);
    expect(patternMatches({ dynamodb: { NewImage: { qty: { N: [{ numeric: ['>', 3] }] } } } }, rec)).toBe(
      true,
    );
    expect(patternMatches({ dynamodb: { NewImage: { tag: { S: [{ prefix: 'red' }] } } } }, rec)).toBe(true);
    expect(patternMatches({ dynamodb: { NewImage: { gone: { S: [{ exists: false }] } } } }, rec)).toBe(false);
    expect(patternMatches({ dynamodb: { NewImage: { gone: [{ exists: false }] } } }, rec)).toBe(true);
  });
});
