/** Versions (PublishVersion, ListVersionsByFunction) and aliases (Create/Get/Update/Delete/ListAliases). */
import type * as L from '@aws-sdk/client-lambda';
import type { Empty } from '../../../contract/aws-api';
import type { Tx } from '../../kernel/store';
import type { OperationContext } from '../../service';
import { functionArn, LATEST, parseFunctionName, type FunctionRef } from './arns';
import {
  functionNotFound,
  invalidParameter,
  preconditionFailed,
  resourceConflict,
  resourceNotFound,
  Violations,
} from './errors';
import {
  describeVersion,
  findFunction,
  findVersion,
  saveVersion,
  type FunctionVersion,
  type VersionRow,
  readVersion,
} from './records';

/**
 * Snapshot $LATEST as the next version number — unless the newest version already has the
 * same code and configuration, which Lambda returns instead of publishing a copy.
 */
export function publishNewVersion(
  ctx: OperationContext,
  tx: Tx,
  latest: FunctionVersion,
  description?: string,
): FunctionVersion {
  const newest = tx.get<VersionRow>(
    `SELECT * FROM lambda_versions WHERE account_id = ? AND region = ? AND name = ? AND version != '$LATEST'
     ORDER BY CAST(version AS INTEGER) DESC LIMIT 1`,
    [latest.account, latest.region, latest.name],
  );
  if (newest) {
    const prev = readVersion(newest);
    const same = (r: FunctionVersion['record']) =>
      JSON.stringify({ ...r, LastModified: 0, RevisionId: '', activeAt: 0, updatedAt: 0, Description: '' });
    if (prev.codeSha === latest.codeSha && same(prev.record) === same(latest.record)) return prev;
  }
  const row = tx.get<{ next_version: number }>(
    'SELECT next_version FROM lambda_functions WHERE account_id = ? AND region = ? AND name = ?',
    [latest.account, latest.region, latest.name],
  )!;
  const version = String(row.next_version);
  tx.run(
    'UPDATE lambda_functions SET next_version = next_version + 1 WHERE account_id = ? AND region = ? AND name = ?',
    [latest.account, latest.region, latest.name],
  );
  const published: FunctionVersion = {
    ...latest,
    version,
    record: {
      ...latest.record,
      Description: description ?? latest.record.Description,
      RevisionId: ctx.cloud.ids.uuid(tx, 'lambda-revision'),
    },
  };
  saveVersion(tx, published);
  return published;
}

export async function publishVersion(
  ctx: OperationContext,
  input: L.PublishVersionRequest,
): Promise<L.FunctionConfiguration> {
  const ref = parseFunctionName(ctx, input.FunctionName);
  new Violations().length(input.Description, 'description', 0, 256).check();
  const published = await ctx.cloud.store.write((tx) => {
    const latest = findVersion(tx, ref.account, ref.region, ref.name);
    if (!latest) throw functionNotFound(functionArn(ref.region, ref.account, ref.name));
    if (input.RevisionId !== undefined && input.RevisionId !== latest.record.RevisionId)
      throw preconditionFailed(
        'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
      );
    if (input.CodeSha256 !== undefined && input.CodeSha256 !== latest.record.CodeSha256)
      throw invalidParameter(
        `CodeSHA256 (${input.CodeSha256}) is different from current CodeSHA256 in $LATEST (${latest.record.CodeSha256}). Please try again with the CodeSHA256 in $LATEST.`,
      );
    const now = ctx.cloud.clock.now();
    if (now < latest.record.updatedAt || now < latest.record.activeAt)
      throw resourceConflict(
        `The operation cannot be performed at this time. An update is in progress for resource: ${functionArn(ref.region, ref.account, ref.name)}`,
      );
    return publishNewVersion(ctx, tx, latest, input.Description);
  });
  return describeVersion(published, ctx.cloud.clock.now());
}

export function listVersionsByFunction(
  ctx: OperationContext,
  input: L.ListVersionsByFunctionRequest,
): L.ListVersionsByFunctionResponse {
  const ref = parseFunctionName(ctx, input.FunctionName);
  new Violations().range(input.MaxItems, 'maxItems', 1, 10000).check();
  if (!findFunction(ctx.cloud.store, ref.account, ref.region, ref.name))
    throw functionNotFound(functionArn(ref.region, ref.account, ref.name));
  const rows = ctx.cloud.store
    .all<VersionRow>(
      `SELECT * FROM lambda_versions WHERE account_id = ? AND region = ? AND name = ?
       ORDER BY CASE WHEN version = '$LATEST' THEN -1 ELSE CAST(version AS INTEGER) END`,
      [ref.account, ref.region, ref.name],
    )
    .map(readVersion);
  const start = input.Marker
    ? Math.max(
        0,
        rows.findIndex((r) => r.version === input.Marker),
      )
    : 0;
  const max = Math.min(input.MaxItems ?? 50, 50);
  const next = rows[start + max];
  const now = ctx.cloud.clock.now();
  return {
    Versions: rows.slice(start, start + max).map((r) => describeVersion(r, now)),
    ...(next ? { NextMarker: next.version } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Aliases

const ALIAS_NAME = /^(?!^[0-9]+$)([a-zA-Z0-9-_]+)$/;
const ALIAS_SOURCE = '(?!^[0-9]+$)([a-zA-Z0-9-_]+)';

function aliasArn(ref: FunctionRef, alias: string): string {
  return functionArn(ref.region, ref.account, ref.name, alias);
}

function findAlias(db: Pick<Tx, 'get'>, ref: FunctionRef, alias: string): L.AliasConfiguration | undefined {
  const row = db.get<{ config: string }>(
    'SELECT config FROM lambda_aliases WHERE account_id = ? AND region = ? AND name = ? AND alias = ?',
    [ref.account, ref.region, ref.name, alias],
  );
  return row ? (JSON.parse(row.config) as L.AliasConfiguration) : undefined;
}

function checkRouting(
  ctx: OperationContext,
  tx: Tx,
  ref: FunctionRef,
  routing: L.AliasRoutingConfiguration | undefined,
  primary: string,
): void {
  const weights = routing?.AdditionalVersionWeights;
  if (!weights) return;
  const entries = Object.entries(weights);
  if (entries.length > 1)
    throw invalidParameter('Number of items in AdditionalVersionWeights cannot be greater than 1');
  for (const [version, weight] of entries) {
    if (version === primary)
      throw invalidParameter(
        `Invalid function version ${version}. Function version ${version} is already included in routing configuration.`,
      );
    if (!findVersion(tx, ref.account, ref.region, ref.name, version))
      throw resourceNotFound(
        `Function not found: ${functionArn(ref.region, ref.account, ref.name, version)}`,
      );
    if (!(weight >= 0 && weight <= 1))
      throw invalidParameter('Invalid weight. Weight must be between 0.0 and 1.0');
  }
  void ctx;
}

function checkAliasVersion(tx: Tx, ref: FunctionRef, version: string): void {
  if (version !== LATEST && !/^\d+$/.test(version))
    throw invalidParameter(`Invalid function version ${version}`);
  if (!findVersion(tx, ref.account, ref.region, ref.name, version))
    throw resourceNotFound(`Function not found: ${functionArn(ref.region, ref.account, ref.name, version)}`);
}

export async function createAlias(
  ctx: OperationContext,
  input: L.CreateAliasRequest,
): Promise<L.AliasConfiguration> {
  const ref = parseFunctionName(ctx, input.FunctionName);
  const v = new Violations();
  if (input.Name === undefined) v.add(undefined, 'name', 'Member must not be null');
  if (input.FunctionVersion === undefined) v.add(undefined, 'functionVersion', 'Member must not be null');
  v.length(input.Name, 'name', 1, 128).pattern(input.Name, 'name', ALIAS_NAME, ALIAS_SOURCE);
  v.length(input.Description, 'description', 0, 256);
  v.check();
  return ctx.cloud.store.write((tx) => {
    if (!findFunction(tx, ref.account, ref.region, ref.name))
      throw functionNotFound(functionArn(ref.region, ref.account, ref.name));
    if (findAlias(tx, ref, input.Name!))
      throw resourceConflict(`Alias already exists: ${aliasArn(ref, input.Name!)}`);
    checkAliasVersion(tx, ref, input.FunctionVersion!);
    checkRouting(ctx, tx, ref, input.RoutingConfig, input.FunctionVersion!);
    const alias: L.AliasConfiguration = {
      AliasArn: aliasArn(ref, input.Name!),
      Name: input.Name,
      FunctionVersion: input.FunctionVersion,
      Description: input.Description ?? '',
      ...(input.RoutingConfig?.AdditionalVersionWeights ? { RoutingConfig: input.RoutingConfig } : {}),
      RevisionId: ctx.cloud.ids.uuid(tx, 'lambda-revision'),
    };
    tx.run('INSERT INTO lambda_aliases (account_id, region, name, alias, config) VALUES (?, ?, ?, ?, ?)', [
      ref.account,
      ref.region,
      ref.name,
      input.Name!,
      JSON.stringify(alias),
    ]);
    return alias;
  });
}

export function getAlias(ctx: OperationContext, input: L.GetAliasRequest): L.AliasConfiguration {
  const ref = parseFunctionName(ctx, input.FunctionName);
  const alias = findAlias(ctx.cloud.store, ref, input.Name ?? '');
  if (!alias) throw resourceNotFound(`Cannot find alias arn: ${aliasArn(ref, input.Name ?? '')}`);
  return alias;
}

export async function updateAlias(
  ctx: OperationContext,
  input: L.UpdateAliasRequest,
): Promise<L.AliasConfiguration> {
  const ref = parseFunctionName(ctx, input.FunctionName);
  new Violations().length(input.Description, 'description', 0, 256).check();
  return ctx.cloud.store.write((tx) => {
    const alias = findAlias(tx, ref, input.Name ?? '');
    if (!alias) throw resourceNotFound(`Cannot find alias arn: ${aliasArn(ref, input.Name ?? '')}`);
    if (input.RevisionId !== undefined && input.RevisionId !== alias.RevisionId)
      throw preconditionFailed(
        'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
      );
    const version = input.FunctionVersion ?? alias.FunctionVersion!;
    if (input.FunctionVersion !== undefined) checkAliasVersion(tx, ref, version);
    const routing = input.RoutingConfig ?? alias.RoutingConfig;
    checkRouting(ctx, tx, ref, routing, version);
    const updated: L.AliasConfiguration = {
      ...alias,
      FunctionVersion: version,
      ...(input.Description !== undefined ? { Description: input.Description } : {}),
      RevisionId: ctx.cloud.ids.uuid(tx, 'lambda-revision'),
    };
    if (routing?.AdditionalVersionWeights && Object.keys(routing.AdditionalVersionWeights).length > 0)
      updated.RoutingConfig = routing;
    else delete updated.RoutingConfig;
    tx.run(
      'UPDATE lambda_aliases SET config = ? WHERE account_id = ? AND region = ? AND name = ? AND alias = ?',
      [JSON.stringify(updated), ref.account, ref.region, ref.name, input.Name!],
    );
    return updated;
  });
}

export async function deleteAlias(ctx: OperationContext, input: L.DeleteAliasRequest): Promise<Empty> {
  const ref = parseFunctionName(ctx, input.FunctionName);
  await ctx.cloud.store.write((tx) => {
    tx.run('DELETE FROM lambda_aliases WHERE account_id = ? AND region = ? AND name = ? AND alias = ?', [
      ref.account,
      ref.region,
      ref.name,
      input.Name ?? '',
    ]);
    tx.run(
      'DELETE FROM lambda_url_configs WHERE account_id = ? AND region = ? AND name = ? AND qualifier = ?',
      [ref.account, ref.region, ref.name, input.Name ?? ''],
    );
  });
  return {};
}

export function listAliases(ctx: OperationContext, input: L.ListAliasesRequest): L.ListAliasesResponse {
  const ref = parseFunctionName(ctx, input.FunctionName);
  if (!findFunction(ctx.cloud.store, ref.account, ref.region, ref.name))
    throw functionNotFound(functionArn(ref.region, ref.account, ref.name));
  let aliases = ctx.cloud.store
    .all<{ config: string }>(
      'SELECT config FROM lambda_aliases WHERE account_id = ? AND region = ? AND name = ? ORDER BY alias',
      [ref.account, ref.region, ref.name],
    )
    .map((r) => JSON.parse(r.config) as L.AliasConfiguration);
  if (input.FunctionVersion !== undefined)
    aliases = aliases.filter((a) => a.FunctionVersion === input.FunctionVersion);
  const start = input.Marker
    ? Math.max(
        0,
        aliases.findIndex((a) => a.Name === input.Marker),
      )
    : 0;
  const max = Math.min(input.MaxItems ?? 50, 50);
  const next = aliases[start + max];
  return { Aliases: aliases.slice(start, start + max), ...(next ? { NextMarker: next.Name } : {}) };
}
