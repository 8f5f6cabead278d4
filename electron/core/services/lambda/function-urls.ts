/**
 * Function URLs: CreateFunctionUrlConfig, GetFunctionUrlConfig, UpdateFunctionUrlConfig,
 * DeleteFunctionUrlConfig and ListFunctionUrlConfigs. A URL belongs to the unqualified function
 * or to one alias (never to a version or `$LATEST` by name); it is one row of
 * `lambda_url_configs`, keyed by its qualifier ('' for the unqualified function), holding the
 * URL's ID and its configuration. Serving requests is `url-invoke.ts`.
 */
import type * as L from '@aws-sdk/client-lambda';
import type { Empty } from '../../../contract/aws-api';
import { AwsError } from '../../kernel/errors';
import type { Tx } from '../../kernel/store';
import type { OperationContext } from '../../service';
import { functionArn, LATEST, parseFunctionName, type FunctionRef } from './arns';
import { resourceConflict, resourceNotFound, Violations } from './errors';
import { findFunction } from './records';

/** What a row's `config` column holds. */
export interface UrlConfigRecord {
  AuthType: L.FunctionUrlAuthType;
  Cors?: L.Cors;
  InvokeMode: L.InvokeMode;
  /** ISO 8601 with microseconds, as Lambda shows them. */
  CreationTime: string;
  LastModifiedTime: string;
}

export interface UrlConfigRow {
  account_id: string;
  region: string;
  name: string;
  qualifier: string;
  url_id: string;
  config: string;
}

/** A function URL as stored, with what it points at. */
export interface FunctionUrl {
  ref: FunctionRef;
  urlId: string;
  config: UrlConfigRecord;
}

export const URL_DOMAIN = 'on.aws';

/** `https://<url-id>.lambda-url.<region>.on.aws/` */
export function functionUrlOf(urlId: string, region: string): string {
  return `https://${urlId}.lambda-url.${region}.${URL_DOMAIN}/`;
}

/** `<url-id>.lambda-url.<region>.on.aws[:port]` → its parts (null for any other name). */
export function parseFunctionUrlHost(host: string | undefined): { urlId: string; region: string } | null {
  if (!host) return null;
  const m = /^([a-z0-9]{1,63})\.lambda-url\.([a-z0-9-]+)\.on\.aws\.?(?::\d+)?$/i.exec(host.trim());
  return m ? { urlId: m[1]!.toLowerCase(), region: m[2]!.toLowerCase() } : null;
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/**
 * A new URL ID, shaped like Lambda's: 26 characters of lowercase base32, a `0`, and five
 * letters (32 in all). Drawn from `cloud.ids`, so `--seed` repeats them.
 */
export function newUrlId(ctx: OperationContext, tx: Tx): string {
  const hex = ctx.cloud.ids.hex(tx, 'lambda-url', 64);
  const byte = (i: number) => parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  let id = '';
  for (let i = 0; i < 26; i++) id += BASE32[byte(i) % 32];
  id += '0';
  for (let i = 26; i < 31; i++) id += LETTERS[byte(i) % 26];
  return id;
}

/** Lambda's timestamps for URL configs: `2026-11-23T10:15:30.123000Z`. */
export function urlTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function validationError(message: string): AwsError {
  return new AwsError('ValidationException', message, { status: 400 });
}

/** URLs attach to the function or an alias: `$LATEST` and version numbers are refused. */
function checkQualifier(qualifier: string | undefined): void {
  if (qualifier === LATEST)
    throw validationError(
      "1 validation error detected: Value '$LATEST' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: ((?!^\\d+$)^[0-9a-zA-Z-_]+$)",
    );
  if (qualifier !== undefined && /^\d+$/.test(qualifier))
    throw validationError(
      `1 validation error detected: Value '${qualifier}' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: (^\\$LATEST$)|((?!^[0-9]+$)([a-zA-Z0-9-_]+))`,
    );
}

function checkInput(
  input: { AuthType?: string; InvokeMode?: string; Cors?: L.Cors },
  required: boolean,
): void {
  const v = new Violations();
  if (required && input.AuthType === undefined) v.add(undefined, 'authType', 'Member must not be null');
  v.oneOf(input.AuthType, 'authType', ['NONE', 'AWS_IAM']);
  v.oneOf(input.InvokeMode, 'invokeMode', ['BUFFERED', 'RESPONSE_STREAM']);
  const cors = input.Cors;
  if (cors) {
    v.range(cors.MaxAge, 'cors.maxAge', 0, 86400);
    if ((cors.AllowOrigins?.length ?? 0) > 100)
      v.add(cors.AllowOrigins, 'cors.allowOrigins', 'Member must have length less than or equal to 100');
    if ((cors.AllowMethods?.length ?? 0) > 6)
      v.add(cors.AllowMethods, 'cors.allowMethods', 'Member must have length less than or equal to 6');
    if ((cors.AllowHeaders?.length ?? 0) > 100)
      v.add(cors.AllowHeaders, 'cors.allowHeaders', 'Member must have length less than or equal to 100');
    if ((cors.ExposeHeaders?.length ?? 0) > 100)
      v.add(cors.ExposeHeaders, 'cors.exposeHeaders', 'Member must have length less than or equal to 100');
    for (const m of cors.AllowMethods ?? [])
      if (!/^[*A-Z]{1,6}$/.test(m))
        v.add(m, 'cors.allowMethods.member', 'Member must satisfy regular expression pattern: .*');
  }
  v.check();
}

function aliasExists(db: Pick<Tx, 'get'>, ref: FunctionRef, alias: string): boolean {
  return !!db.get(
    'SELECT 1 FROM lambda_aliases WHERE account_id = ? AND region = ? AND name = ? AND alias = ?',
    [ref.account, ref.region, ref.name, alias],
  );
}

function readRow(row: UrlConfigRow): FunctionUrl {
  return {
    ref: {
      account: row.account_id,
      region: row.region,
      name: row.name,
      ...(row.qualifier ? { qualifier: row.qualifier } : {}),
    },
    urlId: row.url_id,
    config: JSON.parse(row.config) as UrlConfigRecord,
  };
}

export function findUrlConfig(db: Pick<Tx, 'get'>, ref: FunctionRef): FunctionUrl | undefined {
  const row = db.get<UrlConfigRow>(
    'SELECT * FROM lambda_url_configs WHERE account_id = ? AND region = ? AND name = ? AND qualifier = ?',
    [ref.account, ref.region, ref.name, ref.qualifier ?? ''],
  );
  return row ? readRow(row) : undefined;
}

/** The URL whose ID this is (any account), for serving requests. */
export function findUrlById(db: Pick<Tx, 'get'>, urlId: string): FunctionUrl | undefined {
  const row = db.get<UrlConfigRow>('SELECT * FROM lambda_url_configs WHERE url_id = ?', [
    urlId.toLowerCase(),
  ]);
  return row ? readRow(row) : undefined;
}

function urlArn(ref: FunctionRef): string {
  return functionArn(ref.region, ref.account, ref.name, ref.qualifier);
}

/** The configuration as Get/Update/List answer it. */
export function describeUrl(url: FunctionUrl): L.FunctionUrlConfig {
  const c = url.config;
  return {
    FunctionUrl: functionUrlOf(url.urlId, url.ref.region),
    FunctionArn: urlArn(url.ref),
    AuthType: c.AuthType,
    ...(c.Cors ? { Cors: c.Cors } : {}),
    CreationTime: c.CreationTime,
    LastModifiedTime: c.LastModifiedTime,
    InvokeMode: c.InvokeMode,
  };
}

function cleanCors(cors: L.Cors | undefined): L.Cors | undefined {
  if (!cors) return undefined;
  const out: L.Cors = {};
  if (cors.AllowCredentials !== undefined) out.AllowCredentials = cors.AllowCredentials;
  if (cors.AllowHeaders) out.AllowHeaders = [...cors.AllowHeaders];
  if (cors.AllowMethods) out.AllowMethods = [...cors.AllowMethods];
  if (cors.AllowOrigins) out.AllowOrigins = [...cors.AllowOrigins];
  if (cors.ExposeHeaders) out.ExposeHeaders = [...cors.ExposeHeaders];
  if (cors.MaxAge !== undefined) out.MaxAge = cors.MaxAge;
  return out;
}

function refOf(ctx: OperationContext, input: { FunctionName?: string; Qualifier?: string }): FunctionRef {
  const ref = parseFunctionName(ctx, input.FunctionName, input.Qualifier);
  checkQualifier(ref.qualifier);
  return ref;
}

export async function createFunctionUrlConfig(
  ctx: OperationContext,
  input: L.CreateFunctionUrlConfigRequest,
): Promise<L.CreateFunctionUrlConfigResponse> {
  const ref = refOf(ctx, input);
  checkInput(input, true);
  const now = urlTime(ctx.cloud.clock.now());
  const created = await ctx.cloud.store.write((tx) => {
    if (!findFunction(tx, ref.account, ref.region, ref.name))
      throw resourceNotFound('Function does not exist');
    if (findUrlConfig(tx, ref))
      throw resourceConflict(
        `Failed to create function url config for [functionArn = ${urlArn(ref)}]. Error message:  FunctionUrlConfig exists for this Lambda function`,
      );
    if (ref.qualifier && !aliasExists(tx, ref, ref.qualifier))
      throw resourceNotFound('Function does not exist');
    const cors = cleanCors(input.Cors);
    const config: UrlConfigRecord = {
      AuthType: input.AuthType!,
      ...(cors ? { Cors: cors } : {}),
      InvokeMode: input.InvokeMode ?? 'BUFFERED',
      CreationTime: now,
      LastModifiedTime: now,
    };
    let urlId = newUrlId(ctx, tx);
    while (tx.get('SELECT 1 FROM lambda_url_configs WHERE url_id = ?', [urlId])) urlId = newUrlId(ctx, tx);
    tx.run(
      'INSERT INTO lambda_url_configs (account_id, region, name, qualifier, url_id, config) VALUES (?, ?, ?, ?, ?, ?)',
      [ref.account, ref.region, ref.name, ref.qualifier ?? '', urlId, JSON.stringify(config)],
    );
    return { ref, urlId, config } satisfies FunctionUrl;
  });
  const c = created.config;
  return {
    FunctionUrl: functionUrlOf(created.urlId, ref.region),
    FunctionArn: urlArn(ref),
    AuthType: c.AuthType,
    ...(c.Cors ? { Cors: c.Cors } : {}),
    CreationTime: c.CreationTime,
    InvokeMode: c.InvokeMode,
  };
}

export function getFunctionUrlConfig(
  ctx: OperationContext,
  input: L.GetFunctionUrlConfigRequest,
): L.GetFunctionUrlConfigResponse {
  const ref = refOf(ctx, input);
  if (!findFunction(ctx.cloud.store, ref.account, ref.region, ref.name))
    throw resourceNotFound('The resource you requested does not exist.');
  const url = findUrlConfig(ctx.cloud.store, ref);
  if (!url) throw resourceNotFound('The resource you requested does not exist.');
  return describeUrl(url);
}

export async function updateFunctionUrlConfig(
  ctx: OperationContext,
  input: L.UpdateFunctionUrlConfigRequest,
): Promise<L.UpdateFunctionUrlConfigResponse> {
  const ref = refOf(ctx, input);
  checkInput(input, false);
  const now = urlTime(ctx.cloud.clock.now());
  const updated = await ctx.cloud.store.write((tx) => {
    if (!findFunction(tx, ref.account, ref.region, ref.name))
      throw resourceNotFound('Function does not exist');
    if (ref.qualifier && !aliasExists(tx, ref, ref.qualifier))
      throw resourceNotFound('Function does not exist');
    const url = findUrlConfig(tx, ref);
    if (!url) throw resourceNotFound('The resource you requested does not exist.');
    const cors = input.Cors !== undefined ? cleanCors(input.Cors) : url.config.Cors;
    const config: UrlConfigRecord = {
      AuthType: input.AuthType ?? url.config.AuthType,
      ...(cors ? { Cors: cors } : {}),
      InvokeMode: input.InvokeMode ?? url.config.InvokeMode,
      CreationTime: url.config.CreationTime,
      LastModifiedTime: now,
    };
    tx.run(
      'UPDATE lambda_url_configs SET config = ? WHERE account_id = ? AND region = ? AND name = ? AND qualifier = ?',
      [JSON.stringify(config), ref.account, ref.region, ref.name, ref.qualifier ?? ''],
    );
    return { ...url, config };
  });
  return describeUrl(updated);
}

export async function deleteFunctionUrlConfig(
  ctx: OperationContext,
  input: L.DeleteFunctionUrlConfigRequest,
): Promise<Empty> {
  const ref = refOf(ctx, input);
  await ctx.cloud.store.write((tx) => {
    if (!findFunction(tx, ref.account, ref.region, ref.name))
      throw resourceNotFound('The resource you requested does not exist.');
    tx.run(
      'DELETE FROM lambda_url_configs WHERE account_id = ? AND region = ? AND name = ? AND qualifier = ?',
      [ref.account, ref.region, ref.name, ref.qualifier ?? ''],
    );
    if (tx.changes() === 0) throw resourceNotFound('The resource you requested does not exist.');
  });
  return {};
}

export function listFunctionUrlConfigs(
  ctx: OperationContext,
  input: L.ListFunctionUrlConfigsRequest,
): L.ListFunctionUrlConfigsResponse {
  const ref = parseFunctionName(ctx, input.FunctionName);
  new Violations().range(input.MaxItems, 'maxItems', 1, 50).check();
  if (!findFunction(ctx.cloud.store, ref.account, ref.region, ref.name))
    throw resourceNotFound('Function does not exist');
  const urls = ctx.cloud.store
    .all<UrlConfigRow>(
      'SELECT * FROM lambda_url_configs WHERE account_id = ? AND region = ? AND name = ? ORDER BY qualifier',
      [ref.account, ref.region, ref.name],
    )
    .map(readRow)
    .map(describeUrl);
  let start = 0;
  if (input.Marker !== undefined) {
    const marker = Buffer.from(input.Marker, 'base64').toString();
    start = urls.findIndex((u) => u.FunctionArn === marker);
    if (start < 0) start = urls.length;
  }
  const max = input.MaxItems ?? 50;
  const next = urls[start + max];
  return {
    FunctionUrlConfigs: urls.slice(start, start + max),
    ...(next ? { NextMarker: Buffer.from(next.FunctionArn!).toString('base64') } : {}),
  };
}
