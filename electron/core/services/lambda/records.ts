/**
 * A function version as stored, and how it reads in the API (FunctionConfiguration). The
 * state (Pending → Active) and the last update's status (InProgress → Successful) follow
 * from times on the simulated clock, so they advance with the clock's speed and pauses.
 */
import type * as L from '@aws-sdk/client-lambda';
import { createHash } from 'node:crypto';
import type { Tx } from '../../kernel/store';
import { functionArn, LATEST, type FunctionRef } from './arns';
import { functionNotFound } from './errors';

export const RUNTIMES = ['nodejs20.x', 'nodejs22.x'] as const;
export type NodeRuntime = (typeof RUNTIMES)[number];

/** How long a new function is Pending, and an update InProgress (simulated ms). */
export const PENDING_MS = 300;
export const UPDATE_MS = 300;

export interface VersionRecord {
  Runtime: NodeRuntime;
  Role: string;
  Handler: string;
  Description: string;
  Timeout: number;
  MemorySize: number;
  Environment: Record<string, string>;
  EphemeralStorage: number;
  Architectures: L.Architecture[];
  TracingMode: L.TracingMode;
  LogFormat: L.LogFormat;
  LogGroup: string;
  CodeSize: number;
  /** base64 SHA-256 of the zip, as the API shows it. */
  CodeSha256: string;
  /** Epoch ms. */
  LastModified: number;
  RevisionId: string;
  /** Simulated epoch ms when the function becomes Active. */
  activeAt: number;
  /** Simulated epoch ms when the last update completes. */
  updatedAt: number;
  /** Where the code came from (S3 bucket/key), for GetFunction's RepositoryType. */
  source?: { S3Bucket: string; S3Key: string; S3ObjectVersion?: string };
}

export interface VersionRow {
  account_id: string;
  region: string;
  name: string;
  version: string;
  config: string;
  code_sha: string;
}

export interface FunctionRow {
  account_id: string;
  region: string;
  name: string;
  created: number;
  next_version: number;
  policy: string | null;
  reserved_concurrency: number | null;
  tags: string;
  invoke_configs: string;
}

export interface FunctionVersion {
  account: string;
  region: string;
  name: string;
  version: string;
  codeSha: string;
  record: VersionRecord;
}

export function readVersion(row: VersionRow): FunctionVersion {
  return {
    account: row.account_id,
    region: row.region,
    name: row.name,
    version: row.version,
    codeSha: row.code_sha,
    record: JSON.parse(row.config) as VersionRecord,
  };
}

type Reader = Pick<Tx, 'get'>;

export function findVersion(
  db: Reader,
  account: string,
  region: string,
  name: string,
  version: string = LATEST,
): FunctionVersion | undefined {
  const row = db.get<VersionRow>(
    'SELECT * FROM lambda_versions WHERE account_id = ? AND region = ? AND name = ? AND version = ?',
    [account, region, name, version],
  );
  return row ? readVersion(row) : undefined;
}

export function findFunction(
  db: Reader,
  account: string,
  region: string,
  name: string,
): FunctionRow | undefined {
  return db.get<FunctionRow>(
    'SELECT * FROM lambda_functions WHERE account_id = ? AND region = ? AND name = ?',
    [account, region, name],
  );
}

export function saveVersion(tx: Tx, v: FunctionVersion): void {
  tx.run(
    `INSERT INTO lambda_versions (account_id, region, name, version, config, code_sha) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (account_id, region, name, version) DO UPDATE SET config = excluded.config, code_sha = excluded.code_sha`,
    [v.account, v.region, v.name, v.version, JSON.stringify(v.record), v.codeSha],
  );
}

/** Lambda's LastModified: `2026-11-23T10:15:30.123+0000`. */
export function lambdaTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/** The runtime version ARN: a digest naming the runtime build (the same for every function on it). */
export function runtimeVersionArn(region: string, runtime: NodeRuntime): string {
  const digest = createHash('sha256').update(`cloudlab-runtime|${runtime}`).digest('hex');
  return `arn:aws:lambda:${region}::runtime:${digest}`;
}

/** The version's FunctionConfiguration, as GetFunctionConfiguration returns it at `now`. */
export function describeVersion(v: FunctionVersion, now: number): L.FunctionConfiguration {
  const r = v.record;
  const active = now >= r.activeAt;
  const updated = now >= r.updatedAt;
  const env =
    Object.keys(r.Environment).length > 0 ? { Environment: { Variables: { ...r.Environment } } } : {};
  return {
    FunctionName: v.name,
    FunctionArn: functionArn(v.region, v.account, v.name, v.version === LATEST ? undefined : v.version),
    Runtime: r.Runtime,
    Role: r.Role,
    Handler: r.Handler,
    CodeSize: r.CodeSize,
    Description: r.Description,
    Timeout: r.Timeout,
    MemorySize: r.MemorySize,
    LastModified: lambdaTime(r.LastModified),
    CodeSha256: r.CodeSha256,
    Version: v.version,
    ...env,
    TracingConfig: { Mode: r.TracingMode },
    RevisionId: r.RevisionId,
    State: active ? 'Active' : 'Pending',
    ...(active ? {} : { StateReason: 'The function is being created.', StateReasonCode: 'Creating' }),
    LastUpdateStatus: !active ? 'InProgress' : updated ? 'Successful' : 'InProgress',
    ...(active && !updated
      ? {
          LastUpdateStatusReason: 'The function is being created.',
          LastUpdateStatusReasonCode: 'Creating' as L.LastUpdateStatusReasonCode,
        }
      : {}),
    PackageType: 'Zip',
    Architectures: r.Architectures,
    EphemeralStorage: { Size: r.EphemeralStorage },
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    RuntimeVersionConfig: { RuntimeVersionArn: runtimeVersionArn(v.region, r.Runtime) },
    LoggingConfig: { LogFormat: r.LogFormat, LogGroup: r.LogGroup },
  };
}

/** The version an alias sends one invocation to (weighted routing draws at random). */
export function routeAlias(alias: L.AliasConfiguration, draw: number = Math.random()): string {
  const weights = alias.RoutingConfig?.AdditionalVersionWeights ?? {};
  let acc = 0;
  for (const [version, weight] of Object.entries(weights)) {
    acc += weight;
    if (draw < acc) return version;
  }
  return alias.FunctionVersion!;
}

/**
 * The version `ref` names: $LATEST, a number, or an alias's version — for an invocation
 * (`route`), the version the alias's weights pick.
 */
export function versionOf(db: Reader, ref: FunctionRef, route = false): FunctionVersion {
  const qualifier = ref.qualifier ?? LATEST;
  let version = qualifier;
  if (qualifier !== LATEST && !/^\d+$/.test(qualifier)) {
    const row = db.get<{ config: string }>(
      'SELECT config FROM lambda_aliases WHERE account_id = ? AND region = ? AND name = ? AND alias = ?',
      [ref.account, ref.region, ref.name, qualifier],
    );
    if (!row) throw functionNotFound(functionArn(ref.region, ref.account, ref.name, qualifier));
    const alias = JSON.parse(row.config) as L.AliasConfiguration;
    version = route ? routeAlias(alias) : alias.FunctionVersion!;
  }
  const found = findVersion(db, ref.account, ref.region, ref.name, version);
  if (!found) throw functionNotFound(functionArn(ref.region, ref.account, ref.name, ref.qualifier));
  return found;
}
