/**
 * Invoke: RequestResponse (run now, answer with the function's result), Event (queue it,
 * 202) and DryRun (check only, 204); `LogType: Tail` returns the last 4 KB of the log.
 */
import type * as L from '@aws-sdk/client-lambda';
import type { LambdaInvocationResponse } from '../../../contract/aws-api';
import type { Tx } from '../../kernel/store';
import type { OperationContext } from '../../service';
import { LATEST, parseFunctionName, type FunctionRef } from './arns';
import { enqueueAsync } from './async-queue';
import {
  invalidParameter,
  invalidRequestContent,
  requestTooLarge,
  resourceConflict,
  Violations,
} from './errors';
import { execute, invokedArn } from './execute';
import { versionOf, type FunctionVersion } from './records';

export const SYNC_PAYLOAD_LIMIT = 6_291_456;
export const ASYNC_PAYLOAD_LIMIT = 1_048_576;
const TAIL_BYTES = 4096;

/** The version an invocation of `ref` runs: $LATEST, a version, or the version an alias routes to. */
export function invocationTarget(db: Pick<Tx, 'get'>, ref: FunctionRef): FunctionVersion {
  return versionOf(db, ref, true);
}

/** Pending functions and unfinished updates cannot run yet. */
export function checkInvokable(ctx: { cloud: OperationContext['cloud'] }, v: FunctionVersion): void {
  const now = ctx.cloud.clock.now();
  if (now < v.record.activeAt)
    throw resourceConflict(
      'The operation cannot be performed at this time. The function is currently in the following state: Pending',
    );
}

/** The event as JSON text: an empty body is `{}`, anything else must parse. */
export function eventText(payload: Uint8Array | undefined): string {
  if (!payload || payload.length === 0) return '{}';
  const text = Buffer.from(payload).toString('utf8');
  try {
    JSON.parse(text);
  } catch (e) {
    throw invalidRequestContent(
      `Could not parse request body into json: Could not parse payload into json: ${(e as Error).message}`,
    );
  }
  return text;
}

/** The last 4 KB of an invocation's log, as LogResult carries it (base64). */
export function logTail(lines: { message: string }[]): string {
  const text = Buffer.from(
    lines.map((l) => (l.message.endsWith('\n') ? l.message : `${l.message}\n`)).join(''),
  );
  return text.subarray(Math.max(0, text.length - TAIL_BYTES)).toString('base64');
}

export async function invoke(
  ctx: OperationContext,
  input: L.InvocationRequest,
): Promise<LambdaInvocationResponse> {
  const v = new Violations();
  v.oneOf(input.InvocationType, 'invocationType', ['Event', 'RequestResponse', 'DryRun']);
  v.oneOf(input.LogType, 'logType', ['None', 'Tail']);
  v.check();
  const ref = parseFunctionName(ctx, input.FunctionName, input.Qualifier);
  const type = input.InvocationType ?? 'RequestResponse';
  if (input.ClientContext !== undefined && Buffer.byteLength(input.ClientContext) > 3583)
    throw invalidParameter('Client context must be less than 3583 bytes.');
  const size = input.Payload?.length ?? 0;
  if (type === 'Event' && size > ASYNC_PAYLOAD_LIMIT)
    throw requestTooLarge(
      `Request must be smaller than ${ASYNC_PAYLOAD_LIMIT} bytes for the InvokeFunction operation`,
    );
  if (size > SYNC_PAYLOAD_LIMIT)
    throw requestTooLarge(
      `Request must be smaller than ${SYNC_PAYLOAD_LIMIT} bytes for the InvokeFunction operation`,
    );
  const target = invocationTarget(ctx.cloud.store, ref);
  const payload = eventText(input.Payload);
  checkInvokable(ctx, target);
  if (type === 'DryRun') return { StatusCode: 204 };
  if (type === 'Event') {
    await enqueueAsync(ctx.cloud, target, ref.qualifier ?? LATEST, payload, ctx.requestId);
    return { StatusCode: 202 };
  }
  const result = await execute(ctx.cloud, target, {
    requestId: ctx.requestId,
    invokedArn: invokedArn(target, ref.qualifier),
    payload,
    ...(input.ClientContext ? { clientContext: input.ClientContext } : {}),
  });
  return {
    StatusCode: 200,
    ...(result.functionError ? { FunctionError: result.functionError } : {}),
    ...(input.LogType === 'Tail' ? { LogResult: logTail(result.logLines) } : {}),
    ExecutedVersion: result.executedVersion,
    Payload: new Uint8Array(Buffer.from(result.payload)),
  };
}
