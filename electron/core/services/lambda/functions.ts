/**
 * Functions: CreateFunction, GetFunction, GetFunctionConfiguration, UpdateFunctionCode,
 * UpdateFunctionConfiguration, ListFunctions, DeleteFunction and GetAccountSettings.
 */
import type * as L from '@aws-sdk/client-lambda';
import type { Empty } from '../../../contract/aws-api';
import type { Tx } from '../../kernel/store';
import type { OperationContext } from '../../service';
import { functionArn, LATEST, parseFunctionName, type FunctionRef } from './arns';
import { acceptCode, dropUnusedCode, MAX_UNZIPPED_BYTES, MAX_ZIPPED_BYTES, storeCode } from './code';
import { codeLocation } from './code-location';
import {
  functionNotFound,
  invalidParameter,
  preconditionFailed,
  resourceConflict,
  resourceNotFound,
  Violations,
} from './errors';
import { lambdaRuntime } from './runtime';
import {
  describeVersion,
  findFunction,
  PENDING_MS,
  saveVersion,
  UPDATE_MS,
  type FunctionVersion,
  type NodeRuntime,
  type VersionRecord,
  versionOf,
} from './records';
import { publishNewVersion } from './versions';
import { checkConfig } from './validate';
import { checkTags } from './tags';

function revisionId(ctx: OperationContext, tx: Tx): string {
  return ctx.cloud.ids.uuid(tx, 'lambda-revision');
}

/** The version a FunctionName + Qualifier names ($LATEST, a number, or an alias's version). */
export function resolveVersion(
  ctx: OperationContext,
  ref: FunctionRef,
  db: Pick<Tx, 'get' | 'all'> = ctx.cloud.store,
): FunctionVersion {
  return versionOf(db, ref);
}

export async function createFunction(
  ctx: OperationContext,
  input: L.CreateFunctionRequest,
): Promise<L.FunctionConfiguration> {
  const v = new Violations();
  if (input.FunctionName === undefined) v.add(undefined, 'functionName', 'Member must not be null');
  if (input.Role === undefined) v.add(undefined, 'role', 'Member must not be null');
  if (input.Code === undefined) v.add(undefined, 'code', 'Member must not be null');
  v.check();
  const ref = parseFunctionName(ctx, input.FunctionName);
  if (ref.qualifier)
    throw invalidParameter('Unsupported function name with qualifier: ' + input.FunctionName);
  if ((input.PackageType ?? 'Zip') !== 'Zip')
    throw invalidParameter(
      'Cloud Lab runs functions from .zip packages; container images are not simulated.',
    );
  if (input.Runtime === undefined)
    throw invalidParameter(
      'Runtime and Handler are mandatory parameters for functions created with deployment packages.',
    );
  if (input.Handler === undefined)
    throw invalidParameter(
      'Runtime and Handler are mandatory parameters for functions created with deployment packages.',
    );
  checkConfig(input);
  if (input.Tags) checkTags(input.Tags);
  if (findFunction(ctx.cloud.store, ref.account, ref.region, ref.name))
    throw resourceConflict(`Function already exist: ${ref.name}`);
  const code = await acceptCode(ctx, input.Code, 'CreateFunction');
  const keepCode = await storeCode(ctx.cloud, code);
  const now = ctx.cloud.clock.now();
  const created = await ctx.cloud.store.write((tx) => {
    if (findFunction(tx, ref.account, ref.region, ref.name))
      throw resourceConflict(`Function already exist: ${ref.name}`);
    keepCode(tx);
    tx.run('INSERT INTO lambda_functions (account_id, region, name, created, tags) VALUES (?, ?, ?, ?, ?)', [
      ref.account,
      ref.region,
      ref.name,
      now,
      JSON.stringify(input.Tags ?? {}),
    ]);
    const record: VersionRecord = {
      Runtime: input.Runtime as NodeRuntime,
      Role: input.Role!,
      Handler: input.Handler!,
      Description: input.Description ?? '',
      Timeout: input.Timeout ?? 3,
      MemorySize: input.MemorySize ?? 128,
      Environment: { ...(input.Environment?.Variables ?? {}) },
      EphemeralStorage: input.EphemeralStorage?.Size ?? 512,
      Architectures: (input.Architectures as L.Architecture[] | undefined) ?? ['x86_64'],
      TracingMode: input.TracingConfig?.Mode ?? 'PassThrough',
      LogFormat: input.LoggingConfig?.LogFormat ?? 'Text',
      LogGroup: input.LoggingConfig?.LogGroup ?? `/aws/lambda/${ref.name}`,
      CodeSize: code.size,
      CodeSha256: code.sha256,
      LastModified: now,
      RevisionId: revisionId(ctx, tx),
      activeAt: now + PENDING_MS,
      updatedAt: now + PENDING_MS,
      ...(code.source ? { source: code.source } : {}),
    };
    const latest: FunctionVersion = {
      account: ref.account,
      region: ref.region,
      name: ref.name,
      version: LATEST,
      codeSha: code.sha,
      record,
    };
    saveVersion(tx, latest);
    const published = input.Publish ? publishNewVersion(ctx, tx, latest, input.Description) : undefined;
    return published ?? latest;
  });
  lambdaRuntime(ctx).stateChanges(ref, created.record.activeAt);
  return describeVersion(created, now);
}

export function getFunctionConfiguration(
  ctx: OperationContext,
  input: L.GetFunctionConfigurationRequest,
): L.FunctionConfiguration {
  const ref = parseFunctionName(ctx, input.FunctionName, input.Qualifier);
  return describeVersion(resolveVersion(ctx, ref), ctx.cloud.clock.now());
}

export function getFunction(ctx: OperationContext, input: L.GetFunctionRequest): L.GetFunctionResponse {
  const ref = parseFunctionName(ctx, input.FunctionName, input.Qualifier);
  const version = resolveVersion(ctx, ref);
  const fn = findFunction(ctx.cloud.store, ref.account, ref.region, ref.name)!;
  const tags = JSON.parse(fn.tags) as Record<string, string>;
  return {
    Configuration: describeVersion(version, ctx.cloud.clock.now()),
    Code: { RepositoryType: 'S3', Location: codeLocation(ctx.cloud, version.codeSha) },
    ...(Object.keys(tags).length > 0 && !ref.qualifier ? { Tags: tags } : {}),
    ...(fn.reserved_concurrency !== null
      ? { Concurrency: { ReservedConcurrentExecutions: fn.reserved_concurrency } }
      : {}),
  };
}

/** $LATEST must be Active and not mid-update before it can change again. */
function checkUpdatable(ctx: OperationContext, latest: FunctionVersion): void {
  const now = ctx.cloud.clock.now();
  if (now < latest.record.activeAt)
    throw resourceConflict(
      `The operation cannot be performed at this time. The function is currently in the following state: Pending`,
    );
  if (now < latest.record.updatedAt)
    throw resourceConflict(
      `The operation cannot be performed at this time. An update is in progress for resource: ${functionArn(latest.region, latest.account, latest.name)}`,
    );
}

function checkRevision(latest: FunctionVersion, revision: string | undefined): void {
  if (revision !== undefined && revision !== latest.record.RevisionId)
    throw preconditionFailed(
      'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
    );
}

export async function updateFunctionCode(
  ctx: OperationContext,
  input: L.UpdateFunctionCodeRequest,
): Promise<L.FunctionConfiguration> {
  const ref = parseFunctionName(ctx, input.FunctionName);
  const before = resolveVersion(ctx, { ...ref, qualifier: undefined });
  checkRevision(before, input.RevisionId);
  checkUpdatable(ctx, before);
  const code = await acceptCode(
    ctx,
    {
      ZipFile: input.ZipFile,
      S3Bucket: input.S3Bucket,
      S3Key: input.S3Key,
      S3ObjectVersion: input.S3ObjectVersion,
    },
    'UpdateFunctionCode',
  );
  const keepCode = await storeCode(ctx.cloud, code);
  const now = ctx.cloud.clock.now();
  const result = await ctx.cloud.store.write((tx) => {
    const latest = resolveVersion(ctx, { ...ref, qualifier: undefined }, tx);
    checkRevision(latest, input.RevisionId);
    keepCode(tx);
    const record: VersionRecord = {
      ...latest.record,
      CodeSize: code.size,
      CodeSha256: code.sha256,
      LastModified: now,
      RevisionId: revisionId(ctx, tx),
      updatedAt: now + UPDATE_MS,
    };
    if (code.source) record.source = code.source;
    else delete record.source;
    const updated: FunctionVersion = { ...latest, codeSha: code.sha, record };
    saveVersion(tx, updated);
    dropUnusedCode(tx);
    return input.Publish ? publishNewVersion(ctx, tx, updated) : updated;
  });
  lambdaRuntime(ctx).codeChanged(ref);
  lambdaRuntime(ctx).stateChanges(ref, now + UPDATE_MS);
  return describeVersion(result, now);
}

export async function updateFunctionConfiguration(
  ctx: OperationContext,
  input: L.UpdateFunctionConfigurationRequest,
): Promise<L.FunctionConfiguration> {
  const ref = parseFunctionName(ctx, input.FunctionName);
  checkConfig(input);
  const before = resolveVersion(ctx, { ...ref, qualifier: undefined });
  checkRevision(before, input.RevisionId);
  checkUpdatable(ctx, before);
  const now = ctx.cloud.clock.now();
  const result = await ctx.cloud.store.write((tx) => {
    const latest = resolveVersion(ctx, { ...ref, qualifier: undefined }, tx);
    checkRevision(latest, input.RevisionId);
    const r = latest.record;
    const record: VersionRecord = {
      ...r,
      ...(input.Runtime !== undefined ? { Runtime: input.Runtime as NodeRuntime } : {}),
      ...(input.Role !== undefined ? { Role: input.Role } : {}),
      ...(input.Handler !== undefined ? { Handler: input.Handler } : {}),
      ...(input.Description !== undefined ? { Description: input.Description } : {}),
      ...(input.Timeout !== undefined ? { Timeout: input.Timeout } : {}),
      ...(input.MemorySize !== undefined ? { MemorySize: input.MemorySize } : {}),
      ...(input.Environment !== undefined ? { Environment: { ...(input.Environment.Variables ?? {}) } } : {}),
      ...(input.EphemeralStorage?.Size !== undefined
        ? { EphemeralStorage: input.EphemeralStorage.Size }
        : {}),
      ...(input.TracingConfig?.Mode !== undefined ? { TracingMode: input.TracingConfig.Mode } : {}),
      ...(input.LoggingConfig?.LogFormat !== undefined ? { LogFormat: input.LoggingConfig.LogFormat } : {}),
      ...(input.LoggingConfig?.LogGroup !== undefined ? { LogGroup: input.LoggingConfig.LogGroup } : {}),
      LastModified: now,
      RevisionId: revisionId(ctx, tx),
      updatedAt: now + UPDATE_MS,
    };
    const updated = { ...latest, record };
    saveVersion(tx, updated);
    return updated;
  });
  lambdaRuntime(ctx).codeChanged(ref);
  lambdaRuntime(ctx).stateChanges(ref, now + UPDATE_MS);
  return describeVersion(result, now);
}

export function listFunctions(ctx: OperationContext, input: L.ListFunctionsRequest): L.ListFunctionsResponse {
  const v = new Violations();
  v.range(input.MaxItems, 'maxItems', 1, 10000);
  v.oneOf(input.FunctionVersion, 'functionVersion', ['ALL']);
  v.check();
  const max = Math.min(input.MaxItems ?? 50, 50);
  const all = input.FunctionVersion === 'ALL';
  const rows = ctx.cloud.store.all<{ name: string; version: string; config: string; code_sha: string }>(
    `SELECT name, version, config, code_sha FROM lambda_versions WHERE account_id = ? AND region = ? ${all ? '' : "AND version = '$LATEST'"}
     ORDER BY name, CASE WHEN version = '$LATEST' THEN -1 ELSE CAST(version AS INTEGER) END`,
    [ctx.principal.accountId, ctx.region.code],
  );
  const keyOf = (r: { name: string; version: string }) => `${r.name}:${r.version}`;
  let start = 0;
  if (input.Marker !== undefined) {
    // The marker names the next page's first function version; if that one is gone, the page
    // starts at the next name.
    const marker = Buffer.from(input.Marker, 'base64').toString();
    const markerName = marker.slice(0, marker.lastIndexOf(':'));
    start = rows.findIndex((r) => keyOf(r) === marker);
    if (start < 0) start = rows.findIndex((r) => r.name > markerName);
    if (start < 0) start = rows.length;
  }
  const page = rows.slice(start, start + max);
  const now = ctx.cloud.clock.now();
  const next = rows[start + max];
  return {
    Functions: page.map((r) =>
      describeVersion(
        {
          account: ctx.principal.accountId,
          region: ctx.region.code,
          name: r.name,
          version: r.version,
          codeSha: r.code_sha,
          record: JSON.parse(r.config) as VersionRecord,
        },
        now,
      ),
    ),
    ...(next ? { NextMarker: Buffer.from(keyOf(next)).toString('base64') } : {}),
  };
}

export async function deleteFunction(ctx: OperationContext, input: L.DeleteFunctionRequest): Promise<Empty> {
  const ref = parseFunctionName(ctx, input.FunctionName, input.Qualifier);
  const fn = findFunction(ctx.cloud.store, ref.account, ref.region, ref.name);
  if (!fn) throw functionNotFound(functionArn(ref.region, ref.account, ref.name));
  if (ref.qualifier === LATEST)
    throw invalidParameter('$LATEST version cannot be deleted without deleting the function.');
  await ctx.cloud.store.write((tx) => {
    const key = [ref.account, ref.region, ref.name];
    if (ref.qualifier !== undefined) {
      if (!/^\d+$/.test(ref.qualifier)) throw invalidParameter('Deletion of aliases is not supported.');
      const used = tx.get<{ alias: string }>(
        `SELECT alias FROM lambda_aliases WHERE account_id = ? AND region = ? AND name = ? AND json_extract(config, '$.FunctionVersion') = ?`,
        [...key, ref.qualifier],
      );
      if (used)
        throw resourceConflict(
          `Unable to delete version because the following aliases reference it: [${used.alias}]`,
        );
      tx.run('DELETE FROM lambda_versions WHERE account_id = ? AND region = ? AND name = ? AND version = ?', [
        ...key,
        ref.qualifier,
      ]);
      if (tx.changes() === 0)
        throw resourceNotFound(
          `Function not found: ${functionArn(ref.region, ref.account, ref.name, ref.qualifier)}`,
        );
    } else {
      for (const table of [
        'lambda_functions',
        'lambda_versions',
        'lambda_aliases',
        'lambda_url_configs',
        'lambda_async_queue',
        'lambda_test_events',
        'lambda_invocations',
        'lambda_async_failures',
      ])
        tx.run(`DELETE FROM ${table} WHERE account_id = ? AND region = ? AND name = ?`, key);
    }
    dropUnusedCode(tx);
  });
  lambdaRuntime(ctx).codeChanged(ref, true);
  return {};
}

export function getAccountSettings(ctx: OperationContext): L.GetAccountSettingsResponse {
  const store = ctx.cloud.store;
  const account = ctx.principal.accountId;
  const region = ctx.region.code;
  const limit = lambdaRuntime(ctx).accountConcurrency();
  const reserved =
    store.get<{ n: number | null }>(
      'SELECT SUM(reserved_concurrency) AS n FROM lambda_functions WHERE account_id = ? AND region = ?',
      [account, region],
    )?.n ?? 0;
  const usage = store.get<{ size: number | null; count: number }>(
    `SELECT (SELECT SUM(c.size) FROM lambda_versions v JOIN lambda_code c ON c.sha = v.code_sha WHERE v.account_id = ? AND v.region = ?) AS size,
            (SELECT COUNT(*) FROM lambda_functions WHERE account_id = ? AND region = ?) AS count`,
    [account, region, account, region],
  )!;
  return {
    AccountLimit: {
      TotalCodeSize: 80_530_636_800,
      CodeSizeUnzipped: MAX_UNZIPPED_BYTES,
      CodeSizeZipped: MAX_ZIPPED_BYTES,
      ConcurrentExecutions: limit,
      UnreservedConcurrentExecutions: limit - reserved,
    },
    AccountUsage: { TotalCodeSize: usage.size ?? 0, FunctionCount: usage.count },
  };
}
