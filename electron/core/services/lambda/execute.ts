/**
 * Running a function once: concurrency, the package unpacked, an execution environment from
 * the pool (cold or warm), the logs written to CloudWatch Logs, and a row for the monitoring
 * charts. Synchronous Invoke, asynchronous deliveries, stream batches and function URLs all
 * come through here.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Cloud } from '../../cloud';
import { appendLogEvents } from '../logs';
import { functionArn } from './arns';
import { extractCode } from './code';
import { tooManyRequests } from './errors';
import { findFunction, type FunctionVersion } from './records';
import { functionKey, lambdaRuntime } from './runtime';
import type { EnvironmentSpec, SandboxInvokeResult } from './sandbox';

export interface Execution {
  requestId: string;
  /** The ARN the caller used (with an alias or version when it named one). */
  invokedArn: string;
  /** The event, JSON text. */
  payload: string;
  clientContext?: string;
}

export interface ExecutionResult extends SandboxInvokeResult {
  coldStart: boolean;
  executedVersion: string;
  logStreamName: string;
}

/** A new environment's log stream: `2026/11/23/[$LATEST]` + 32 hex digits. */
function logStreamName(now: number, version: string, seed: string): string {
  const d = new Date(now);
  const day = `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}`;
  return `${day}/[${version}]${createHash('md5').update(seed).digest('hex')}`;
}

export async function execute(
  cloud: Cloud,
  version: FunctionVersion,
  run: Execution,
): Promise<ExecutionResult> {
  const runtime = lambdaRuntime(cloud);
  const fn = findFunction(cloud.store, version.account, version.region, version.name);
  const key = functionKey(version);
  const admitted = runtime.acquire(key, fn?.reserved_concurrency ?? null);
  if (admitted !== 'ok') {
    recordInvocation(cloud, version, 0, false, false, true);
    throw tooManyRequests(
      'Rate Exceeded.',
      admitted === 'function'
        ? 'ReservedFunctionConcurrentInvocationLimitExceeded'
        : 'ConcurrentInvocationLimitExceeded',
    );
  }
  try {
    const codeDir = await extractCode(cloud, runtime.tasksRoot(), version.codeSha);
    const r = version.record;
    // One pool key per version and configuration: a changed configuration never reuses an old environment.
    const poolKey = `${key}${version.version}/${r.RevisionId}`;
    let streamName = '';
    const spec = (): EnvironmentSpec => {
      const creds = runtime.roleCredentials(version.account, r.Role, version.name);
      streamName = logStreamName(
        cloud.clock.now(),
        version.version,
        `${poolKey}|${run.requestId}|${Math.random()}`,
      );
      return {
        functionName: version.name,
        functionVersion: version.version,
        runtime: r.Runtime,
        handler: r.Handler,
        codeDir,
        tmpDir: join(runtime.tasksRoot(), '..', 'tmp', createHash('md5').update(streamName).digest('hex')),
        memoryMB: r.MemorySize,
        timeoutMs: r.Timeout * 1000,
        environment: {
          ...r.Environment,
          AWS_REGION: version.region,
          AWS_DEFAULT_REGION: version.region,
          AWS_ACCESS_KEY_ID: creds.accessKeyId,
          AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
          AWS_SESSION_TOKEN: creds.token,
          AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
          ...(cloud.endpoint ? { AWS_ENDPOINT_URL: cloud.endpoint } : {}),
        },
        logGroupName: r.LogGroup,
        logStreamName: streamName,
        simNow: () => cloud.clock.now(),
      };
    };
    const result = await runtime.pool.run(poolKey, spec, {
      requestId: run.requestId,
      payload: run.payload,
      invokedFunctionArn: run.invokedArn,
      ...(run.clientContext ? { clientContext: run.clientContext } : {}),
    });
    const stream = result.logStreamName || streamName;
    if (result.logLines.length > 0)
      await appendLogEvents(
        cloud,
        { account: version.account, region: version.region, group: r.LogGroup, stream },
        result.logLines,
      ).catch(() => undefined);
    recordInvocation(
      cloud,
      version,
      result.durationMs,
      result.outcome !== 'success',
      result.coldStart,
      false,
    );
    cloud.events.publish({
      topic: 'lambda.invocation',
      account: version.account,
      region: version.region,
      at: cloud.clock.now(),
      data: { FunctionName: version.name, outcome: result.outcome },
    });
    return { ...result, executedVersion: version.version, logStreamName: stream };
  } finally {
    runtime.release(key);
  }
}

function recordInvocation(
  cloud: Cloud,
  v: FunctionVersion,
  duration: number,
  error: boolean,
  cold: boolean,
  throttled: boolean,
): void {
  void cloud.store
    .write((tx) =>
      tx.run(
        'INSERT INTO lambda_invocations (account_id, region, name, at, duration, error, cold, throttled) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [
          v.account,
          v.region,
          v.name,
          cloud.clock.now(),
          duration,
          error ? 1 : 0,
          cold ? 1 : 0,
          throttled ? 1 : 0,
        ],
      ),
    )
    .catch(() => undefined);
}

export function invokedArn(v: FunctionVersion, qualifier: string | undefined): string {
  return functionArn(v.region, v.account, v.name, qualifier);
}
