/**
 * Reserved concurrency (Put/Get/DeleteFunctionConcurrency) and asynchronous invocation
 * settings (Put/Get/DeleteFunctionEventInvokeConfig).
 */
import type * as L from '@aws-sdk/client-lambda';
import type { Empty } from '../../../contract/aws-api';
import type { OperationContext } from '../../service';
import { functionArn, LATEST, parseFunctionName, type FunctionRef } from './arns';
import { functionNotFound, invalidParameter, resourceNotFound, Violations } from './errors';
import { findFunction, type FunctionRow } from './records';
import { lambdaRuntime } from './runtime';

/** Lambda keeps this many concurrent executions unreserved for functions without a reservation. */
export const UNRESERVED_MINIMUM = 10;

/** The most concurrency any one Region's functions of an account reserve (the quota is per Region). */
export function largestReservation(db: { get<T>(sql: string, params?: unknown[]): T | undefined }): number {
  return (
    db.get<{ n: number | null }>(
      `SELECT MAX(total) AS n FROM (SELECT SUM(reserved_concurrency) AS total FROM lambda_functions
       GROUP BY account_id, region)`,
    )?.n ?? 0
  );
}

function requireFunction(ctx: OperationContext, ref: FunctionRef): FunctionRow {
  const fn = findFunction(ctx.cloud.store, ref.account, ref.region, ref.name);
  if (!fn) throw functionNotFound(functionArn(ref.region, ref.account, ref.name));
  return fn;
}

export async function putFunctionConcurrency(
  ctx: OperationContext,
  input: L.PutFunctionConcurrencyRequest,
): Promise<L.Concurrency> {
  const ref = parseFunctionName(ctx, input.FunctionName);
  const v = new Violations();
  if (input.ReservedConcurrentExecutions === undefined)
    v.add(undefined, 'reservedConcurrentExecutions', 'Member must not be null');
  v.range(input.ReservedConcurrentExecutions, 'reservedConcurrentExecutions', 0, Number.MAX_SAFE_INTEGER);
  v.check();
  if (ref.qualifier) throw invalidParameter('Concurrency can only be reserved for the unqualified function.');
  requireFunction(ctx, ref);
  const limit = lambdaRuntime(ctx).accountConcurrency();
  await ctx.cloud.store.write((tx) => {
    const others =
      tx.get<{ n: number | null }>(
        'SELECT SUM(reserved_concurrency) AS n FROM lambda_functions WHERE account_id = ? AND region = ? AND name != ?',
        [ref.account, ref.region, ref.name],
      )?.n ?? 0;
    if (limit - others - input.ReservedConcurrentExecutions! < UNRESERVED_MINIMUM)
      throw invalidParameter(
        `Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${UNRESERVED_MINIMUM}].`,
      );
    tx.run(
      'UPDATE lambda_functions SET reserved_concurrency = ? WHERE account_id = ? AND region = ? AND name = ?',
      [input.ReservedConcurrentExecutions!, ref.account, ref.region, ref.name],
    );
  });
  return { ReservedConcurrentExecutions: input.ReservedConcurrentExecutions };
}

export function getFunctionConcurrency(
  ctx: OperationContext,
  input: L.GetFunctionConcurrencyRequest,
): L.GetFunctionConcurrencyResponse {
  const ref = parseFunctionName(ctx, input.FunctionName);
  const fn = requireFunction(ctx, ref);
  return fn.reserved_concurrency === null ? {} : { ReservedConcurrentExecutions: fn.reserved_concurrency };
}

export async function deleteFunctionConcurrency(
  ctx: OperationContext,
  input: L.DeleteFunctionConcurrencyRequest,
): Promise<Empty> {
  const ref = parseFunctionName(ctx, input.FunctionName);
  requireFunction(ctx, ref);
  await ctx.cloud.store.write((tx) =>
    tx.run(
      'UPDATE lambda_functions SET reserved_concurrency = NULL WHERE account_id = ? AND region = ? AND name = ?',
      [ref.account, ref.region, ref.name],
    ),
  );
  return {};
}

// ---------------------------------------------------------------------------------------------
// Asynchronous invocation configuration

export interface StoredInvokeConfig {
  MaximumRetryAttempts?: number;
  MaximumEventAgeInSeconds?: number;
  DestinationConfig?: L.DestinationConfig;
  LastModified: number;
}

export function invokeConfigs(fn: FunctionRow): Record<string, StoredInvokeConfig> {
  return JSON.parse(fn.invoke_configs) as Record<string, StoredInvokeConfig>;
}

/** The settings an asynchronous invocation of `qualifier` runs with (Lambda's defaults: 2 retries, 6 hours). */
export function asyncSettings(
  fn: FunctionRow,
  qualifier: string,
): { retries: number; maxAgeMs: number; onFailure?: string; onSuccess?: string } {
  const c = invokeConfigs(fn)[qualifier] ?? invokeConfigs(fn)[LATEST];
  return {
    retries: c?.MaximumRetryAttempts ?? 2,
    maxAgeMs: (c?.MaximumEventAgeInSeconds ?? 21_600) * 1000,
    ...(c?.DestinationConfig?.OnFailure?.Destination
      ? { onFailure: c.DestinationConfig.OnFailure.Destination }
      : {}),
    ...(c?.DestinationConfig?.OnSuccess?.Destination
      ? { onSuccess: c.DestinationConfig.OnSuccess.Destination }
      : {}),
  };
}

function describeInvokeConfig(
  ref: FunctionRef,
  qualifier: string,
  c: StoredInvokeConfig,
): L.FunctionEventInvokeConfig {
  return {
    LastModified: new Date(c.LastModified),
    FunctionArn: functionArn(ref.region, ref.account, ref.name, qualifier),
    ...(c.MaximumRetryAttempts !== undefined ? { MaximumRetryAttempts: c.MaximumRetryAttempts } : {}),
    ...(c.MaximumEventAgeInSeconds !== undefined
      ? { MaximumEventAgeInSeconds: c.MaximumEventAgeInSeconds }
      : {}),
    DestinationConfig: {
      OnSuccess: c.DestinationConfig?.OnSuccess ?? {},
      OnFailure: c.DestinationConfig?.OnFailure ?? {},
    },
  };
}

export async function putFunctionEventInvokeConfig(
  ctx: OperationContext,
  input: L.PutFunctionEventInvokeConfigRequest,
): Promise<L.FunctionEventInvokeConfig> {
  const ref = parseFunctionName(ctx, input.FunctionName, input.Qualifier);
  const v = new Violations();
  v.range(input.MaximumRetryAttempts, 'maximumRetryAttempts', 0, 2);
  v.range(input.MaximumEventAgeInSeconds, 'maximumEventAgeInSeconds', 60, 21600);
  v.check();
  for (const d of [
    input.DestinationConfig?.OnFailure?.Destination,
    input.DestinationConfig?.OnSuccess?.Destination,
  ]) {
    if (d !== undefined && !/^arn:aws[a-zA-Z-]*:(lambda|sqs|sns|events):/.test(d))
      throw invalidParameter(`The destination ARN ${d} is invalid.`);
  }
  const qualifier = ref.qualifier ?? LATEST;
  const stored: StoredInvokeConfig = {
    ...(input.MaximumRetryAttempts !== undefined ? { MaximumRetryAttempts: input.MaximumRetryAttempts } : {}),
    ...(input.MaximumEventAgeInSeconds !== undefined
      ? { MaximumEventAgeInSeconds: input.MaximumEventAgeInSeconds }
      : {}),
    ...(input.DestinationConfig ? { DestinationConfig: input.DestinationConfig } : {}),
    LastModified: ctx.cloud.clock.now(),
  };
  await ctx.cloud.store.write((tx) => {
    const fn = findFunction(tx, ref.account, ref.region, ref.name);
    if (!fn) throw functionNotFound(functionArn(ref.region, ref.account, ref.name));
    const all = invokeConfigs(fn);
    all[qualifier] = stored;
    tx.run(
      'UPDATE lambda_functions SET invoke_configs = ? WHERE account_id = ? AND region = ? AND name = ?',
      [JSON.stringify(all), ref.account, ref.region, ref.name],
    );
  });
  return describeInvokeConfig(ref, qualifier, stored);
}

export function getFunctionEventInvokeConfig(
  ctx: OperationContext,
  input: L.GetFunctionEventInvokeConfigRequest,
): L.FunctionEventInvokeConfig {
  const ref = parseFunctionName(ctx, input.FunctionName, input.Qualifier);
  const fn = requireFunction(ctx, ref);
  const qualifier = ref.qualifier ?? LATEST;
  const c = invokeConfigs(fn)[qualifier];
  if (!c)
    throw resourceNotFound(
      `The function ${functionArn(ref.region, ref.account, ref.name, qualifier)} doesn't have an EventInvokeConfig`,
    );
  return describeInvokeConfig(ref, qualifier, c);
}

export async function deleteFunctionEventInvokeConfig(
  ctx: OperationContext,
  input: L.DeleteFunctionEventInvokeConfigRequest,
): Promise<Empty> {
  const ref = parseFunctionName(ctx, input.FunctionName, input.Qualifier);
  const qualifier = ref.qualifier ?? LATEST;
  await ctx.cloud.store.write((tx) => {
    const fn = findFunction(tx, ref.account, ref.region, ref.name);
    if (!fn) throw functionNotFound(functionArn(ref.region, ref.account, ref.name));
    const all = invokeConfigs(fn);
    if (!all[qualifier])
      throw resourceNotFound(
        `The function ${functionArn(ref.region, ref.account, ref.name, qualifier)} doesn't have an EventInvokeConfig`,
      );
    delete all[qualifier];
    tx.run(
      'UPDATE lambda_functions SET invoke_configs = ? WHERE account_id = ? AND region = ? AND name = ?',
      [JSON.stringify(all), ref.account, ref.region, ref.name],
    );
  });
  return {};
}
