/**
 * Asynchronous invocations (InvocationType Event, S3 notifications, destinations): accepted
 * events wait in the store (`lambda_async_queue`) and are run in the background by one worker
 * per cloud, as Lambda's internal queue does: a failed attempt is retried (by default twice,
 * one minute and then two minutes later, with the same request id), throttled attempts go back
 * to the queue with a growing delay, events older than MaximumEventAgeInSeconds are dropped, and
 * an event that fails every attempt leaves a failure record (`lambda_async_failures`) — the
 * invocation record an on-failure destination receives — which is also delivered to an
 * OnFailure destination that is a Lambda function. OnSuccess destinations get the success
 * record. All timing is on the simulated clock; the queue survives a restart.
 */
import type { Cloud } from '../../cloud';
import { isAwsError } from '../../kernel/errors';
import { functionArn, LATEST } from './arns';
import { asyncSettings } from './concurrency';
import { execute } from './execute';
import { invocationTarget } from './invoke';
import { findFunction, type FunctionVersion } from './records';

/** Topic published when an event is accepted into the queue. */
export const ASYNC_QUEUED_TOPIC = 'lambda.async.queued';
/** Topic published when an event is given up on (retries exhausted or too old). */
export const ASYNC_FAILED_TOPIC = 'lambda.async.failed';
/** Delay before the first and the second retry of a failed attempt (Lambda: 1 and 2 minutes). */
export const RETRY_DELAYS_MS = [60_000, 120_000] as const;
const THROTTLE_MAX_DELAY_MS = 300_000;
/** Events run at once by the worker. */
const BATCH = 10;

/** Accept an event for later delivery (the caller answers 202 once this resolves). */
export async function enqueueAsync(
  cloud: Cloud,
  version: FunctionVersion,
  qualifier: string,
  payload: string,
  requestId: string,
  source?: string,
): Promise<void> {
  const now = cloud.clock.now();
  await cloud.store.write((tx) =>
    tx.run(
      `INSERT INTO lambda_async_queue (request_id, account_id, region, name, qualifier, payload, attempts, due, received, source)
       VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?)`,
      [
        requestId,
        version.account,
        version.region,
        version.name,
        qualifier,
        payload,
        now,
        now,
        source ?? null,
      ],
    ),
  );
  cloud.events.publish({
    topic: ASYNC_QUEUED_TOPIC,
    account: version.account,
    region: version.region,
    at: now,
    data: { FunctionName: version.name, requestId },
  });
}

export interface QueueRow {
  request_id: string;
  account_id: string;
  region: string;
  name: string;
  qualifier: string;
  payload: string;
  attempts: number;
  due: number;
  received: number;
  source: string | null;
}

/** The invocation record Lambda sends to destinations (and keeps here for failures). */
export interface InvocationRecord {
  version: '1.0';
  timestamp: string;
  requestContext: {
    requestId: string;
    functionArn: string;
    condition: 'Success' | 'RetriesExhausted' | 'EventAgeExceeded';
    approximateInvokeCount: number;
  };
  requestPayload: unknown;
  responseContext?: { statusCode: number; executedVersion: string; functionError?: string };
  responsePayload?: unknown;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** `arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]` → its parts. */
export function parseLambdaArn(
  arn: string,
): { region: string; account: string; name: string; qualifier?: string } | undefined {
  const m =
    /^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):function:([a-zA-Z0-9-_]+)(?::(\$LATEST|[a-zA-Z0-9-_]+))?$/.exec(
      arn,
    );
  if (!m) return undefined;
  return { region: m[1]!, account: m[2]!, name: m[3]!, ...(m[4] ? { qualifier: m[4] } : {}) };
}

interface AttemptResult {
  ok: boolean;
  throttled: boolean;
  executedVersion: string;
  functionError?: string;
  payload: string;
}

/**
 * The per-cloud worker. Wakes when an event is queued (the `lambda.async.queued` topic or
 * {@link AsyncWorker.wake}) and on a simulated-clock timer for the next due row; never polls.
 */
export class AsyncWorker {
  private readonly busy = new Set<string>();
  private readonly throttles = new Map<string, number>();
  private readonly running = new Set<Promise<void>>();
  private draining = false;
  private again = false;
  private timer: { id: number; due: number } | null = null;
  private stopped = false;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly cloud: Cloud) {}

  start(): void {
    this.unsubscribe = this.cloud.events.subscribe((e) => {
      if (e.topic === ASYNC_QUEUED_TOPIC) this.wake();
    });
    // Rows left from before a restart.
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.timer) this.cloud.clock.clearTimeout(this.timer.id);
    this.timer = null;
    await Promise.allSettled([...this.running]);
  }

  /** Look at the queue now. */
  wake(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = true;
    void this.drain().finally(() => {
      this.draining = false;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
  }

  /** Resolves when no attempt is running (tests). */
  async settled(): Promise<void> {
    while (this.running.size > 0 || this.draining) {
      await Promise.allSettled([...this.running]);
      await new Promise((r) => setImmediate(r));
    }
  }

  private async drain(): Promise<void> {
    await Promise.resolve();
    if (this.stopped) return;
    const now = this.cloud.clock.now();
    const free = BATCH - this.busy.size;
    if (free > 0) {
      const busy = [...this.busy];
      const rows = this.cloud.store.all<QueueRow>(
        `SELECT * FROM lambda_async_queue WHERE due <= ?${busy.length ? ` AND request_id NOT IN (${busy.map(() => '?').join(',')})` : ''} ORDER BY due, received LIMIT ?`,
        [now, ...busy, free],
      );
      for (const row of rows) {
        this.busy.add(row.request_id);
        const p = this.attempt(row)
          .catch(() => undefined)
          .finally(() => {
            this.busy.delete(row.request_id);
            this.running.delete(p);
            this.wake();
          });
        this.running.add(p);
      }
    }
    this.arm();
  }

  /** One clock timer for the earliest row not being worked on. */
  private arm(): void {
    if (this.stopped) return;
    const busy = [...this.busy];
    const next = this.cloud.store.get<{ due: number | null }>(
      `SELECT MIN(due) AS due FROM lambda_async_queue${busy.length ? ` WHERE request_id NOT IN (${busy.map(() => '?').join(',')})` : ''}`,
      busy,
    )?.due;
    if (next === null || next === undefined) return;
    if (this.timer && this.timer.due === next) return;
    if (this.timer) this.cloud.clock.clearTimeout(this.timer.id);
    const id = this.cloud.clock.setTimeout(
      () => {
        if (this.timer?.id === id) this.timer = null;
        this.wake();
      },
      Math.max(0, next - this.cloud.clock.now()),
    );
    this.timer = { id, due: next };
  }

  private async attempt(row: QueueRow): Promise<void> {
    const cloud = this.cloud;
    const started = cloud.clock.now();
    const fn = findFunction(cloud.store, row.account_id, row.region, row.name);
    let version: FunctionVersion | undefined;
    try {
      version = fn
        ? invocationTarget(cloud.store, {
            account: row.account_id,
            region: row.region,
            name: row.name,
            ...(row.qualifier !== LATEST ? { qualifier: row.qualifier } : {}),
          })
        : undefined;
    } catch {
      version = undefined;
    }
    // The function (or the qualifier) is gone: the event has nowhere to go.
    if (!fn || !version) {
      await cloud.store.write((tx) =>
        tx.run('DELETE FROM lambda_async_queue WHERE request_id = ?', [row.request_id]),
      );
      return;
    }
    const settings = asyncSettings(fn, row.qualifier);
    if (started - row.received > settings.maxAgeMs) {
      await this.giveUp(row, 'EventAgeExceeded', undefined);
      return;
    }
    // A function still Pending runs once it is Active.
    if (started < version.record.activeAt) {
      await this.reschedule(row, row.attempts, version.record.activeAt);
      return;
    }
    const result = await this.run(row, version);
    if (result.throttled) {
      const n = (this.throttles.get(row.request_id) ?? 0) + 1;
      this.throttles.set(row.request_id, n);
      const due = cloud.clock.now() + Math.min(THROTTLE_MAX_DELAY_MS, 1000 * 2 ** (n - 1));
      if (due - row.received > settings.maxAgeMs) await this.giveUp(row, 'EventAgeExceeded', undefined);
      else await this.reschedule(row, row.attempts, due);
      return;
    }
    this.throttles.delete(row.request_id);
    const attempts = row.attempts + 1;
    if (result.ok) {
      await cloud.store.write((tx) =>
        tx.run('DELETE FROM lambda_async_queue WHERE request_id = ?', [row.request_id]),
      );
      if (settings.onSuccess)
        await this.deliver(settings.onSuccess, this.record(row, 'Success', attempts, result));
      return;
    }
    // Retries are timed from the start of the failed attempt: 1 minute, then 2 minutes.
    const delay = RETRY_DELAYS_MS[Math.min(attempts - 1, RETRY_DELAYS_MS.length - 1)]!;
    const due = started + delay;
    if (attempts <= settings.retries && due - row.received <= settings.maxAgeMs) {
      await this.reschedule(row, attempts, due);
      return;
    }
    await this.giveUp(
      { ...row, attempts },
      attempts <= settings.retries ? 'EventAgeExceeded' : 'RetriesExhausted',
      result,
    );
  }

  private async run(row: QueueRow, version: FunctionVersion): Promise<AttemptResult> {
    try {
      const r = await execute(this.cloud, version, {
        requestId: row.request_id,
        invokedArn: functionArn(
          version.region,
          version.account,
          version.name,
          row.qualifier === LATEST ? undefined : row.qualifier,
        ),
        payload: row.payload,
      });
      const failed = r.outcome !== 'success' || r.functionError !== undefined;
      return {
        ok: !failed,
        throttled: false,
        executedVersion: r.executedVersion,
        ...(failed ? { functionError: r.functionError ?? 'Unhandled' } : {}),
        payload: r.payload,
      };
    } catch (e) {
      const throttled = isAwsError(e) && e.code === 'TooManyRequestsException';
      return {
        ok: false,
        throttled,
        executedVersion: version.version,
        functionError: 'Unhandled',
        payload: JSON.stringify({
          errorMessage: (e as Error).message,
          errorType: isAwsError(e) ? e.code : 'Error',
        }),
      };
    }
  }

  private async reschedule(row: QueueRow, attempts: number, due: number): Promise<void> {
    await this.cloud.store.write((tx) =>
      tx.run('UPDATE lambda_async_queue SET attempts = ?, due = ? WHERE request_id = ?', [
        attempts,
        due,
        row.request_id,
      ]),
    );
  }

  private record(
    row: QueueRow,
    condition: InvocationRecord['requestContext']['condition'],
    attempts: number,
    result: AttemptResult | undefined,
  ): InvocationRecord {
    return {
      version: '1.0',
      timestamp: new Date(this.cloud.clock.now()).toISOString(),
      requestContext: {
        requestId: row.request_id,
        functionArn: functionArn(row.region, row.account_id, row.name, row.qualifier),
        condition,
        approximateInvokeCount: attempts,
      },
      requestPayload: parseJson(row.payload),
      ...(result
        ? {
            responseContext: {
              statusCode: 200,
              executedVersion: result.executedVersion,
              ...(result.functionError ? { functionError: result.functionError } : {}),
            },
            responsePayload: parseJson(result.payload),
          }
        : {}),
    };
  }

  private async giveUp(
    row: QueueRow,
    condition: 'RetriesExhausted' | 'EventAgeExceeded',
    result: AttemptResult | undefined,
  ): Promise<void> {
    const cloud = this.cloud;
    const record = this.record(row, condition, row.attempts, result);
    const now = cloud.clock.now();
    await cloud.store.write((tx) => {
      tx.run('DELETE FROM lambda_async_queue WHERE request_id = ?', [row.request_id]);
      tx.run(
        `INSERT INTO lambda_async_failures (request_id, account_id, region, name, at, record) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (request_id) DO UPDATE SET at = excluded.at, record = excluded.record`,
        [row.request_id, row.account_id, row.region, row.name, now, JSON.stringify(record)],
      );
    });
    this.throttles.delete(row.request_id);
    cloud.events.publish({
      topic: ASYNC_FAILED_TOPIC,
      account: row.account_id,
      region: row.region,
      at: now,
      data: { FunctionName: row.name, requestId: row.request_id, condition, record },
    });
    const fn = findFunction(cloud.store, row.account_id, row.region, row.name);
    const onFailure = fn ? asyncSettings(fn, row.qualifier).onFailure : undefined;
    if (onFailure) await this.deliver(onFailure, record);
  }

  /** Send an invocation record to a destination; only Lambda functions are simulated. */
  private async deliver(destination: string, record: InvocationRecord): Promise<void> {
    const target = parseLambdaArn(destination);
    if (!target) return;
    try {
      const version = invocationTarget(this.cloud.store, target);
      await enqueueAsync(
        this.cloud,
        version,
        target.qualifier ?? LATEST,
        JSON.stringify(record),
        this.cloud.ids.requestId(),
        'destination',
      );
    } catch {
      // A destination that no longer exists: Lambda counts a DestinationDeliveryFailure.
    }
  }
}

/** The failure records of a function, newest first (console, tests). */
export function asyncFailures(
  cloud: Cloud,
  ref: { account: string; region: string; name: string },
): InvocationRecord[] {
  return cloud.store
    .all<{ record: string }>(
      'SELECT record FROM lambda_async_failures WHERE account_id = ? AND region = ? AND name = ? ORDER BY at DESC',
      [ref.account, ref.region, ref.name],
    )
    .map((r) => JSON.parse(r.record) as InvocationRecord);
}
