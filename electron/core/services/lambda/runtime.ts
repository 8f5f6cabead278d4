/**
 * Lambda's per-cloud state: the execution environments (a pool of sandboxed processes, warm
 * between invocations), the task directory packages are unpacked into, concurrency counters,
 * the functions' role credentials, and timers telling consoles when a function turns Active.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Cloud } from '../../cloud';
import { AwsError } from '../../kernel/errors';
import type { SessionCredentials } from '../../kernel/session-keys';
import type { OperationContext, ServiceRuntime } from '../../service';
import type { FunctionRef } from './arns';
import { AsyncWorker } from './async-queue';
import { StreamPollers } from './event-source-mappings';
import { startS3Trigger } from './s3-trigger';
import { EnvironmentPool, linkRuntimeModules } from './sandbox';

/** Settings key of the account's concurrent executions quota (Settings → Capacity). */
export const CONCURRENCY_SETTING = 'lambda.concurrency';
/** AWS gives accounts 1,000; a laptop runs fewer processes at once. */
export const DEFAULT_CONCURRENCY = 100;
export const MAX_CONCURRENCY = 10_000;
const CREDENTIALS_LIFETIME_MS = 12 * 3_600_000;

export function functionKey(ref: { account: string; region: string; name: string }): string {
  return `${ref.account}/${ref.region}/${ref.name}/`;
}

export class LambdaRuntime implements ServiceRuntime {
  readonly pool = new EnvironmentPool();
  private tasks: string | null = null;
  private tempRoot: string | null = null;
  private readonly running = new Map<string, number>();
  private total = 0;
  private readonly timers = new Set<number>();
  private readonly credentials = new Map<string, SessionCredentials>();
  private readonly closers: (() => void | Promise<void>)[] = [];
  closed = false;

  /** The asynchronous invocation queue's worker (async-queue.ts). */
  readonly asyncWorker: AsyncWorker;
  /** Event source mapping pollers (event-source-mappings.ts). */
  readonly streamPollers: StreamPollers;

  constructor(readonly cloud: Cloud) {
    this.asyncWorker = new AsyncWorker(cloud);
    this.streamPollers = new StreamPollers(cloud);
    this.startWorkers();
  }

  /**
   * The background work: the async queue, stream pollers and S3 triggers. Started once the
   * cloud has finished opening (every runtime exists), stopped on close.
   */
  private startWorkers(): void {
    const stopS3 = startS3Trigger(this.cloud);
    setImmediate(() => {
      if (this.closed) return;
      this.asyncWorker.start();
      this.streamPollers.start();
    });
    this.onClose(async () => {
      stopS3();
      await this.asyncWorker.stop();
      await this.streamPollers.stop();
    });
  }

  /** Where packages are unpacked: `<workspace>/lambda/tasks`, with the SDK linked beside them. */
  tasksRoot(): string {
    if (this.tasks) return this.tasks;
    const dir = this.cloud.store.directory;
    let root: string;
    if (dir) root = join(dir, 'lambda', 'tasks');
    else {
      this.tempRoot = mkdtempSync(join(tmpdir(), 'cloudlab-lambda-'));
      root = join(this.tempRoot, 'tasks');
    }
    mkdirSync(root, { recursive: true });
    linkRuntimeModules(root);
    this.tasks = root;
    return root;
  }

  accountConcurrency(): number {
    const v = this.cloud.settings.get<number>(CONCURRENCY_SETTING);
    return typeof v === 'number' && v > 0 ? v : DEFAULT_CONCURRENCY;
  }

  /**
   * Change the account's concurrent executions quota. It must leave the unreserved minimum free
   * beside what functions have reserved, as AWS requires.
   */
  async setAccountConcurrency(
    limit: number,
    reservedTotal: number,
    unreservedMinimum: number,
  ): Promise<void> {
    if (!Number.isInteger(limit) || limit < unreservedMinimum || limit > MAX_CONCURRENCY)
      throw new AwsError(
        'ValidationException',
        `The concurrent executions quota must be a whole number from ${unreservedMinimum} to ${MAX_CONCURRENCY.toLocaleString('en')}.`,
      );
    if (limit - reservedTotal < unreservedMinimum)
      throw new AwsError(
        'ValidationException',
        `Functions reserve ${reservedTotal} concurrent executions; the quota must leave ${unreservedMinimum} unreserved.`,
      );
    await this.cloud.settings.set(CONCURRENCY_SETTING, limit);
  }

  /** Count an invocation in, or say why it is throttled. */
  acquire(key: string, reserved: number | null): 'ok' | 'function' | 'account' {
    const mine = this.running.get(key) ?? 0;
    if (reserved !== null && mine >= reserved) return 'function';
    if (this.total >= this.accountConcurrency()) return 'account';
    this.running.set(key, mine + 1);
    this.total += 1;
    return 'ok';
  }

  release(key: string): void {
    const n = (this.running.get(key) ?? 1) - 1;
    if (n <= 0) this.running.delete(key);
    else this.running.set(key, n);
    this.total = Math.max(0, this.total - 1);
  }

  /** The execution role's current credentials for a function (rotated before they expire). */
  roleCredentials(account: string, roleArn: string, functionName: string): SessionCredentials {
    const role =
      roleArn
        .slice(roleArn.indexOf(':role/') + 6)
        .split('/')
        .pop() ?? 'lambda-role';
    const key = `${account}|${role}|${functionName}`;
    const now = this.cloud.clock.now();
    const held = this.credentials.get(key);
    if (held && held.expiration - now > 3_600_000) return held;
    const creds = this.cloud.sessionKeys.issue(account, role, functionName, now, CREDENTIALS_LIFETIME_MS);
    this.credentials.set(key, creds);
    return creds;
  }

  /** Tell consoles when a function's state or last update changes by itself. */
  stateChanges(ref: FunctionRef, at: number): void {
    const clock = this.cloud.clock;
    const id = clock.setTimeout(
      () => {
        this.timers.delete(id);
        this.cloud.events.publish({
          topic: 'lambda.function.state',
          account: ref.account,
          region: ref.region,
          at: clock.now(),
          data: { FunctionName: ref.name },
        });
      },
      Math.max(0, at - clock.now()),
    );
    this.timers.add(id);
  }

  /** Code or configuration changed (or the function is gone): no warm environment may serve it again. */
  codeChanged(ref: FunctionRef, _deleted = false): void {
    this.pool.evict(functionKey(ref));
  }

  /** Work that must stop when the cloud closes (queues, pollers). */
  onClose(fn: () => void | Promise<void>): void {
    this.closers.push(fn);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const id of this.timers) this.cloud.clock.clearTimeout(id);
    for (const fn of this.closers) await fn();
    await this.pool.close();
    if (this.tempRoot) rmSync(this.tempRoot, { recursive: true, force: true });
  }
}

export function lambdaRuntime(ctx: OperationContext | Cloud): LambdaRuntime {
  const cloud = 'cloud' in ctx ? ctx.cloud : ctx;
  return cloud.runtime<LambdaRuntime>('lambda');
}
