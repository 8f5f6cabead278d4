/**
 * Event source mappings from DynamoDB streams: Create/Get/Update/Delete/ListEventSourceMappings,
 * and the pollers that read each enabled mapping's stream and invoke its function with batches
 * of records, as Lambda delivers them (`{"Records":[…]}`, ApproximateCreationDateTime in epoch
 * seconds, `eventSourceARN` on each record).
 *
 * A mapping's state moves Creating → Enabled (or Disabled), Enabling/Disabling/Updating →
 * Enabled/Disabled on the simulated clock. The reader's place in each shard is the row's
 * `position` (`{"<shardId>": lastSequence}`), written after each processed batch, so a restart
 * carries on where it stopped. A failed batch blocks its shard and is retried (halved when
 * BisectBatchOnFunctionError is on) up to MaximumRetryAttempts (-1: until the records expire),
 * then skipped.
 */
import type * as L from '@aws-sdk/client-lambda';
import { createHash } from 'node:crypto';
import type { Cloud } from '../../cloud';
import { AwsError, isAwsError } from '../../kernel/errors';
import type { Tx } from '../../kernel/store';
import type { OperationContext } from '../../service';
import { readStreamRecords, seqOf } from '../dynamodb/stream-records';
import { functionArn, LATEST, parseFunctionName } from './arns';
import { functionNotFound, invalidParameter, resourceConflict, resourceNotFound, Violations } from './errors';
import { execute } from './execute';
import { invocationTarget } from './invoke';
import { findFunction, type FunctionVersion } from './records';
import { lambdaRuntime } from './runtime';

/** How long a state change (Creating, Enabling, Updating, Disabling) takes, simulated ms. */
export const TRANSITION_MS = 1000;
/** How often an idle poller looks at its stream, simulated ms. */
export const POLL_MS = 1000;
/** Pause before a failed batch is retried, simulated ms. */
export const RETRY_MS = 1000;

const STREAM_ARN =
  /^arn:aws[a-zA-Z-]*:dynamodb:([a-z0-9-]+):(\d{12}):table\/([a-zA-Z0-9_.-]+)\/stream\/(.+)$/;
const EVENT_SOURCE_ARN_SOURCE =
  'arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\\-])+:([a-z]{2}(-gov)?-[a-z]+-\\d{1})?:(\\d{12})?:(.*)';
const EVENT_SOURCE_ARN = new RegExp(`^${EVENT_SOURCE_ARN_SOURCE}$`);

type State = 'Creating' | 'Enabling' | 'Enabled' | 'Disabling' | 'Disabled' | 'Updating' | 'Deleting';

/** What the row's `config` column holds. */
interface StoredMapping {
  UUID: string;
  EventSourceArn: string;
  /** The function as named (name and qualifier) at creation or the last update. */
  functionName: string;
  qualifier?: string;
  StartingPosition: 'TRIM_HORIZON' | 'LATEST';
  BatchSize: number;
  MaximumBatchingWindowInSeconds: number;
  ParallelizationFactor: number;
  MaximumRetryAttempts: number;
  MaximumRecordAgeInSeconds: number;
  BisectBatchOnFunctionError: boolean;
  TumblingWindowInSeconds: number;
  FunctionResponseTypes: string[];
  FilterCriteria?: L.FilterCriteria;
  DestinationConfig?: L.DestinationConfig;
  LastModified: number;
  LastProcessingResult: string;
  /** The state before `settleAt`, and after it `target`. */
  transient: State | null;
  target: 'Enabled' | 'Disabled';
  settleAt: number;
  StateTransitionReason: string;
}

interface MappingRow {
  uuid: string;
  account_id: string;
  region: string;
  function_name: string;
  config: string;
  position: string;
}

interface StreamRow {
  arn: string;
  account_id: string;
  region: string;
  created_at: number;
  disabled_at: number | null;
}

function stateAt(m: StoredMapping, now: number): State {
  return m.transient && now < m.settleAt ? m.transient : m.target;
}

function mappingArn(region: string, account: string, uuid: string): string {
  return `arn:aws:lambda:${region}:${account}:event-source-mapping:${uuid}`;
}

/** The stream's one shard, named as the DynamoDB Streams API names it. */
export function shardIdOf(stream: { arn: string; created_at: number }): string {
  const digest = createHash('sha256').update(stream.arn).digest('hex').slice(0, 8);
  return `shardId-${String(stream.created_at).padStart(20, '0')}-${digest}`;
}

function describe(row: MappingRow, now: number): L.EventSourceMappingConfiguration {
  const m = JSON.parse(row.config) as StoredMapping;
  return {
    UUID: m.UUID,
    StartingPosition: m.StartingPosition,
    BatchSize: m.BatchSize,
    MaximumBatchingWindowInSeconds: m.MaximumBatchingWindowInSeconds,
    ParallelizationFactor: m.ParallelizationFactor,
    EventSourceArn: m.EventSourceArn,
    ...(m.FilterCriteria ? { FilterCriteria: m.FilterCriteria } : {}),
    FunctionArn: functionArn(row.region, row.account_id, row.function_name, m.qualifier),
    LastModified: new Date(m.LastModified),
    LastProcessingResult: m.LastProcessingResult,
    State: stateAt(m, now),
    StateTransitionReason: m.StateTransitionReason,
    DestinationConfig: { OnFailure: m.DestinationConfig?.OnFailure ?? {} },
    MaximumRecordAgeInSeconds: m.MaximumRecordAgeInSeconds,
    BisectBatchOnFunctionError: m.BisectBatchOnFunctionError,
    MaximumRetryAttempts: m.MaximumRetryAttempts,
    TumblingWindowInSeconds: m.TumblingWindowInSeconds,
    FunctionResponseTypes: m.FunctionResponseTypes as L.FunctionResponseType[],
    EventSourceMappingArn: mappingArn(row.region, row.account_id, m.UUID),
  };
}

function findMapping(ctx: OperationContext, uuid: string | undefined): MappingRow {
  const v = new Violations();
  if (uuid === undefined) v.add(undefined, 'uUID', 'Member must not be null');
  v.check();
  const row = ctx.cloud.store.get<MappingRow>('SELECT * FROM lambda_event_source_mappings WHERE uuid = ?', [
    uuid!,
  ]);
  if (!row || row.account_id !== ctx.principal.accountId || row.region !== ctx.region.code)
    throw resourceNotFound('The resource you requested does not exist.');
  return row;
}

/** Model constraints shared by Create and Update. */
function checkSettings(
  v: Violations,
  input: L.CreateEventSourceMappingRequest | L.UpdateEventSourceMappingRequest,
): void {
  v.range(input.BatchSize, 'batchSize', 1, 10000);
  v.range(input.MaximumBatchingWindowInSeconds, 'maximumBatchingWindowInSeconds', 0, 300);
  v.range(input.ParallelizationFactor, 'parallelizationFactor', 1, 10);
  v.range(input.MaximumRetryAttempts, 'maximumRetryAttempts', -1, 10000);
  v.range(input.MaximumRecordAgeInSeconds, 'maximumRecordAgeInSeconds', -1, 604800);
  v.range(input.TumblingWindowInSeconds, 'tumblingWindowInSeconds', 0, 900);
  if (input.FunctionResponseTypes !== undefined) {
    if (input.FunctionResponseTypes.length > 1)
      v.add(
        `[${input.FunctionResponseTypes.join(', ')}]`,
        'functionResponseTypes',
        'Member must have length less than or equal to 1',
      );
    for (const t of input.FunctionResponseTypes)
      v.oneOf(t, 'functionResponseTypes', ['ReportBatchItemFailures']);
  }
}

function checkSemantics(m: Pick<StoredMapping, 'MaximumRecordAgeInSeconds' | 'FilterCriteria'>): void {
  if (m.MaximumRecordAgeInSeconds !== -1 && m.MaximumRecordAgeInSeconds < 60)
    throw invalidParameter('MaximumRecordAgeInSeconds must be -1 or between 60 and 604800.');
  for (const f of m.FilterCriteria?.Filters ?? []) {
    let pattern: unknown;
    try {
      pattern = JSON.parse(f.Pattern ?? '');
    } catch {
      pattern = undefined;
    }
    if (!pattern || typeof pattern !== 'object' || Array.isArray(pattern))
      throw invalidParameter(`Invalid filter pattern definition.`);
  }
}

function resolveFunction(
  ctx: OperationContext,
  name: string | undefined,
): { name: string; qualifier?: string; version: FunctionVersion } {
  const ref = parseFunctionName(ctx, name);
  if (!findFunction(ctx.cloud.store, ref.account, ref.region, ref.name))
    throw functionNotFound(functionArn(ref.region, ref.account, ref.name, ref.qualifier));
  const version = invocationTarget(ctx.cloud.store, ref);
  return {
    name: ref.name,
    ...(ref.qualifier && ref.qualifier !== LATEST ? { qualifier: ref.qualifier } : {}),
    version,
  };
}

function findStream(db: Pick<Tx, 'get'>, arn: string): StreamRow | undefined {
  return db.get<StreamRow>(
    'SELECT arn, account_id, region, created_at, disabled_at FROM ddb_streams WHERE arn = ?',
    [arn],
  );
}

function lastSeq(db: Pick<Tx, 'get'>, arn: string): number {
  return (
    db.get<{ s: number | null }>('SELECT MAX(seq) AS s FROM ddb_stream_records WHERE stream_arn = ?', [arn])
      ?.s ?? 0
  );
}

export async function createEventSourceMapping(
  ctx: OperationContext,
  input: L.CreateEventSourceMappingRequest,
): Promise<L.EventSourceMappingConfiguration> {
  const v = new Violations();
  if (input.FunctionName === undefined) v.add(undefined, 'functionName', 'Member must not be null');
  v.pattern(input.EventSourceArn, 'eventSourceArn', EVENT_SOURCE_ARN, EVENT_SOURCE_ARN_SOURCE);
  v.oneOf(input.StartingPosition, 'startingPosition', ['TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP']);
  checkSettings(v, input);
  v.check();
  if (input.EventSourceArn === undefined)
    throw invalidParameter('Unrecognized event source, must be kinesis, dynamodb stream or sqs.');
  const fn = resolveFunction(ctx, input.FunctionName);
  const source = STREAM_ARN.exec(input.EventSourceArn);
  if (!source) {
    if (/^arn:aws[a-zA-Z-]*:(sqs|kinesis|kafka|mq|rds):/.test(input.EventSourceArn))
      throw invalidParameter('Cloud Lab simulates event source mappings from DynamoDB streams only.');
    throw invalidParameter('Unrecognized event source, must be kinesis, dynamodb stream or sqs.');
  }
  const stream = findStream(ctx.cloud.store, input.EventSourceArn);
  if (!stream || stream.account_id !== ctx.principal.accountId || stream.region !== ctx.region.code)
    throw invalidParameter(`Stream not found: ${input.EventSourceArn}`);
  if (input.StartingPosition === undefined)
    throw invalidParameter(
      "1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: Member must not be null.",
    );
  if (input.StartingPosition === 'AT_TIMESTAMP')
    throw invalidParameter('Unsupported starting position for DynamoDB streams: AT_TIMESTAMP');
  const now = ctx.cloud.clock.now();
  const enabled = input.Enabled ?? true;
  const row = await ctx.cloud.store.write((tx) => {
    const existing = tx.get<{ uuid: string }>(
      "SELECT uuid FROM lambda_event_source_mappings WHERE account_id = ? AND region = ? AND function_name = ? AND json_extract(config, '$.EventSourceArn') = ?",
      [ctx.principal.accountId, ctx.region.code, fn.name, input.EventSourceArn!],
    );
    if (existing)
      throw resourceConflict(
        `An event source mapping with DynamoDB arn (" ${input.EventSourceArn} ") and function (" ${fn.name} ") already exists. Please update or delete the existing mapping with UUID ${existing.uuid}`,
      );
    const uuid = ctx.cloud.ids.uuid(tx, 'lambda-esm');
    const m: StoredMapping = {
      UUID: uuid,
      EventSourceArn: input.EventSourceArn!,
      functionName: fn.name,
      ...(fn.qualifier ? { qualifier: fn.qualifier } : {}),
      StartingPosition: input.StartingPosition as 'TRIM_HORIZON' | 'LATEST',
      BatchSize: input.BatchSize ?? 100,
      MaximumBatchingWindowInSeconds: input.MaximumBatchingWindowInSeconds ?? 0,
      ParallelizationFactor: input.ParallelizationFactor ?? 1,
      MaximumRetryAttempts: input.MaximumRetryAttempts ?? -1,
      MaximumRecordAgeInSeconds: input.MaximumRecordAgeInSeconds ?? -1,
      BisectBatchOnFunctionError: input.BisectBatchOnFunctionError ?? false,
      TumblingWindowInSeconds: input.TumblingWindowInSeconds ?? 0,
      FunctionResponseTypes: input.FunctionResponseTypes ?? [],
      ...(input.FilterCriteria?.Filters?.length ? { FilterCriteria: input.FilterCriteria } : {}),
      ...(input.DestinationConfig ? { DestinationConfig: input.DestinationConfig } : {}),
      LastModified: now,
      LastProcessingResult: 'No records processed',
      transient: 'Creating',
      target: enabled ? 'Enabled' : 'Disabled',
      settleAt: now + TRANSITION_MS,
      StateTransitionReason: 'USER_INITIATED',
    };
    checkSemantics(m);
    // LATEST starts after the records the stream holds now; TRIM_HORIZON at its oldest.
    const position = { [shardIdOf(stream)]: m.StartingPosition === 'LATEST' ? lastSeq(tx, stream.arn) : 0 };
    const r: MappingRow = {
      uuid,
      account_id: ctx.principal.accountId,
      region: ctx.region.code,
      function_name: fn.name,
      config: JSON.stringify(m),
      position: JSON.stringify(position),
    };
    tx.run(
      'INSERT INTO lambda_event_source_mappings (uuid, account_id, region, function_name, config, position) VALUES (?, ?, ?, ?, ?, ?)',
      [r.uuid, r.account_id, r.region, r.function_name, r.config, r.position],
    );
    return r;
  });
  streamPollers(ctx.cloud).changed(row.uuid);
  return describe(row, now);
}

export function getEventSourceMapping(
  ctx: OperationContext,
  input: L.GetEventSourceMappingRequest,
): L.EventSourceMappingConfiguration {
  return describe(findMapping(ctx, input.UUID), ctx.cloud.clock.now());
}

export async function updateEventSourceMapping(
  ctx: OperationContext,
  input: L.UpdateEventSourceMappingRequest,
): Promise<L.EventSourceMappingConfiguration> {
  const v = new Violations();
  checkSettings(v, input);
  v.check();
  const row = findMapping(ctx, input.UUID);
  const fn = input.FunctionName !== undefined ? resolveFunction(ctx, input.FunctionName) : undefined;
  const now = ctx.cloud.clock.now();
  const updated = await ctx.cloud.store.write((tx) => {
    const current = tx.get<MappingRow>('SELECT * FROM lambda_event_source_mappings WHERE uuid = ?', [
      row.uuid,
    ]);
    if (!current) throw resourceNotFound('The resource you requested does not exist.');
    const m = JSON.parse(current.config) as StoredMapping;
    const state = stateAt(m, now);
    if (
      state === 'Creating' ||
      state === 'Updating' ||
      state === 'Enabling' ||
      state === 'Disabling' ||
      state === 'Deleting'
    )
      throw resourceInUse(
        `Cannot update the event source mapping because it is in use. The event source mapping is currently in the following state: ${state}`,
      );
    const next: StoredMapping = {
      ...m,
      ...(fn ? { functionName: fn.name } : {}),
      ...(input.BatchSize !== undefined ? { BatchSize: input.BatchSize } : {}),
      ...(input.MaximumBatchingWindowInSeconds !== undefined
        ? { MaximumBatchingWindowInSeconds: input.MaximumBatchingWindowInSeconds }
        : {}),
      ...(input.ParallelizationFactor !== undefined
        ? { ParallelizationFactor: input.ParallelizationFactor }
        : {}),
      ...(input.MaximumRetryAttempts !== undefined
        ? { MaximumRetryAttempts: input.MaximumRetryAttempts }
        : {}),
      ...(input.MaximumRecordAgeInSeconds !== undefined
        ? { MaximumRecordAgeInSeconds: input.MaximumRecordAgeInSeconds }
        : {}),
      ...(input.BisectBatchOnFunctionError !== undefined
        ? { BisectBatchOnFunctionError: input.BisectBatchOnFunctionError }
        : {}),
      ...(input.TumblingWindowInSeconds !== undefined
        ? { TumblingWindowInSeconds: input.TumblingWindowInSeconds }
        : {}),
      ...(input.FunctionResponseTypes !== undefined
        ? { FunctionResponseTypes: input.FunctionResponseTypes }
        : {}),
      ...(input.DestinationConfig !== undefined ? { DestinationConfig: input.DestinationConfig } : {}),
      LastModified: now,
    };
    if (fn) {
      if (fn.qualifier) next.qualifier = fn.qualifier;
      else delete next.qualifier;
    }
    if (input.FilterCriteria !== undefined) {
      if (input.FilterCriteria.Filters?.length) next.FilterCriteria = input.FilterCriteria;
      else delete next.FilterCriteria;
    }
    checkSemantics(next);
    const target = input.Enabled === undefined ? m.target : input.Enabled ? 'Enabled' : 'Disabled';
    next.transient = target !== m.target ? (target === 'Enabled' ? 'Enabling' : 'Disabling') : 'Updating';
    next.target = target;
    next.settleAt = now + TRANSITION_MS;
    next.StateTransitionReason = 'USER_INITIATED';
    const r: MappingRow = { ...current, function_name: next.functionName, config: JSON.stringify(next) };
    tx.run('UPDATE lambda_event_source_mappings SET function_name = ?, config = ? WHERE uuid = ?', [
      r.function_name,
      r.config,
      r.uuid,
    ]);
    return r;
  });
  streamPollers(ctx.cloud).changed(updated.uuid);
  return describe(updated, now);
}

function resourceInUse(message: string): AwsError {
  return new AwsError('ResourceInUseException', message, { status: 400, fields: { Type: 'User' } });
}

export async function deleteEventSourceMapping(
  ctx: OperationContext,
  input: L.DeleteEventSourceMappingRequest,
): Promise<L.EventSourceMappingConfiguration> {
  const row = findMapping(ctx, input.UUID);
  const now = ctx.cloud.clock.now();
  await ctx.cloud.store.write((tx) =>
    tx.run('DELETE FROM lambda_event_source_mappings WHERE uuid = ?', [row.uuid]),
  );
  streamPollers(ctx.cloud).changed(row.uuid);
  const m = JSON.parse(row.config) as StoredMapping;
  const shown: MappingRow = {
    ...row,
    config: JSON.stringify({ ...m, transient: 'Deleting', settleAt: Infinity }),
  };
  return { ...describe(shown, now), State: 'Deleting' };
}

export function listEventSourceMappings(
  ctx: OperationContext,
  input: L.ListEventSourceMappingsRequest,
): L.ListEventSourceMappingsResponse {
  const v = new Violations();
  v.range(input.MaxItems, 'maxItems', 1, 10000);
  v.pattern(input.EventSourceArn, 'eventSourceArn', EVENT_SOURCE_ARN, EVENT_SOURCE_ARN_SOURCE);
  v.check();
  const name = input.FunctionName !== undefined ? parseFunctionName(ctx, input.FunctionName) : undefined;
  const now = ctx.cloud.clock.now();
  const rows = ctx.cloud.store
    .all<MappingRow>(
      'SELECT * FROM lambda_event_source_mappings WHERE account_id = ? AND region = ? ORDER BY uuid',
      [ctx.principal.accountId, ctx.region.code],
    )
    .filter((r) => {
      const m = JSON.parse(r.config) as StoredMapping;
      if (input.EventSourceArn !== undefined && m.EventSourceArn !== input.EventSourceArn) return false;
      if (name && r.function_name !== name.name) return false;
      if (name?.qualifier && (m.qualifier ?? LATEST) !== name.qualifier) return false;
      return true;
    });
  const start = input.Marker ? rows.findIndex((r) => r.uuid > input.Marker!) : 0;
  const from = start < 0 ? rows.length : start;
  const max = input.MaxItems ?? 100;
  const page = rows.slice(from, from + max);
  return {
    EventSourceMappings: page.map((r) => describe(r, now)),
    ...(from + max < rows.length ? { NextMarker: page[page.length - 1]!.uuid } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Filtering (FilterCriteria): Lambda's event filter patterns over each record.

function matchValue(rule: unknown, value: unknown, present: boolean): boolean {
  if (rule === null || typeof rule !== 'object') return present && value === rule;
  const r = rule as Record<string, unknown>;
  if ('exists' in r) return r.exists === present;
  if (!present) return false;
  if ('prefix' in r) return typeof value === 'string' && value.startsWith(String(r.prefix));
  if ('suffix' in r) return typeof value === 'string' && value.endsWith(String(r.suffix));
  if ('equals-ignore-case' in r)
    return typeof value === 'string' && value.toLowerCase() === String(r['equals-ignore-case']).toLowerCase();
  if ('anything-but' in r) {
    const but = Array.isArray(r['anything-but']) ? (r['anything-but'] as unknown[]) : [r['anything-but']];
    return !but.includes(value);
  }
  if ('numeric' in r && Array.isArray(r.numeric)) {
    const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
    if (Number.isNaN(n)) return false;
    const ops = r.numeric as unknown[];
    for (let i = 0; i + 1 < ops.length; i += 2) {
      const op = ops[i];
      const x = Number(ops[i + 1]);
      const ok =
        op === '='
          ? n === x
          : op === '>'
            ? n > x
            : op === '>='
              ? n >= x
              : op === '<'
                ? n < x
                : op === '<='
                  ? n <= x
                  : false;
      if (!ok) return false;
    }
    return true;
  }
  return false;
}

export function patternMatches(pattern: Record<string, unknown>, event: unknown): boolean {
  const obj =
    event !== null && typeof event === 'object' && !Array.isArray(event)
      ? (event as Record<string, unknown>)
      : {};
  for (const [key, rule] of Object.entries(pattern)) {
    const present = key in obj;
    const value = obj[key];
    if (Array.isArray(rule)) {
      const values = Array.isArray(value) ? value : [value];
      if (
        !rule.some((r) =>
          present ? values.some((val) => matchValue(r, val, true)) : matchValue(r, undefined, false),
        )
      )
        return false;
    } else if (rule && typeof rule === 'object') {
      if (!present) return false;
      if (!patternMatches(rule as Record<string, unknown>, value)) return false;
    } else return false;
  }
  return true;
}

function passesFilters(m: StoredMapping, record: unknown): boolean {
  const filters = m.FilterCriteria?.Filters ?? [];
  if (filters.length === 0) return true;
  return filters.some((f) => {
    try {
      return patternMatches(JSON.parse(f.Pattern ?? '{}') as Record<string, unknown>, record);
    } catch {
      return false;
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Pollers

/** The DynamoDB stream record as Lambda puts it in an event (JSON values, epoch seconds). */
function lambdaRecord(
  record: ReturnType<typeof readStreamRecords>['records'][number],
  arn: string,
): Record<string, unknown> {
  const json = JSON.parse(
    JSON.stringify(record, (_k, v: unknown) =>
      v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v,
    ),
  ) as Record<string, unknown>;
  const d = json.dynamodb as Record<string, unknown>;
  const at = record.dynamodb?.ApproximateCreationDateTime;
  const dynamodb: Record<string, unknown> = {
    ApproximateCreationDateTime: at ? Math.floor(at.getTime() / 1000) : undefined,
    Keys: d.Keys,
    ...(d.NewImage ? { NewImage: d.NewImage } : {}),
    ...(d.OldImage ? { OldImage: d.OldImage } : {}),
    SequenceNumber: d.SequenceNumber,
    SizeBytes: d.SizeBytes,
    StreamViewType: d.StreamViewType,
  };
  return {
    eventID: json.eventID,
    eventName: json.eventName,
    eventVersion: json.eventVersion,
    eventSource: json.eventSource,
    awsRegion: json.awsRegion,
    dynamodb,
    ...(json.userIdentity
      ? {
          userIdentity: {
            type: (json.userIdentity as { Type: string }).Type,
            principalId: (json.userIdentity as { PrincipalId: string }).PrincipalId,
          },
        }
      : {}),
    eventSourceARN: arn,
  };
}

interface PollerState {
  timer: number | null;
  running: boolean;
  /** Failed attempts of the batch at the head of the shard. */
  failures: number;
  /** Records per batch while bisecting. */
  limit: number | null;
}

/** One poller per enabled mapping, all run from here; started and stopped by the Lambda runtime. */
export class StreamPollers {
  private readonly pollers = new Map<string, PollerState>();
  private readonly inflight = new Set<Promise<void>>();
  private stopped = false;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly cloud: Cloud) {}

  start(): void {
    this.unsubscribe = this.cloud.events.subscribe((e) => {
      // A write to a table: look at the streams now rather than at the next poll.
      if (e.topic.startsWith('dynamodb.api.')) for (const uuid of this.pollers.keys()) this.poke(uuid);
    });
    for (const r of this.cloud.store.all<{ uuid: string }>('SELECT uuid FROM lambda_event_source_mappings'))
      this.changed(r.uuid);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    for (const p of this.pollers.values()) if (p.timer !== null) this.cloud.clock.clearTimeout(p.timer);
    this.pollers.clear();
    await Promise.allSettled([...this.inflight]);
  }

  /** Resolves when no batch is being processed (tests). */
  async settled(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  /** A mapping was created, updated or deleted: (re)schedule its poller. */
  changed(uuid: string): void {
    if (this.stopped) return;
    let p = this.pollers.get(uuid);
    if (!p) {
      p = { timer: null, running: false, failures: 0, limit: null };
      this.pollers.set(uuid, p);
    }
    p.failures = 0;
    p.limit = null;
    this.poke(uuid);
  }

  private schedule(uuid: string, delay: number): void {
    const p = this.pollers.get(uuid);
    if (!p || this.stopped) return;
    if (p.timer !== null) this.cloud.clock.clearTimeout(p.timer);
    p.timer = this.cloud.clock.setTimeout(() => {
      p.timer = null;
      this.poke(uuid);
    }, delay);
  }

  private poke(uuid: string): void {
    const p = this.pollers.get(uuid);
    if (!p || p.running || this.stopped) return;
    p.running = true;
    const run = this.tick(uuid, p)
      .catch(() => POLL_MS)
      .then((next) => {
        p.running = false;
        this.inflight.delete(run);
        if (next !== null) this.schedule(uuid, next);
      });
    this.inflight.add(run);
  }

  /** One look at the stream; the delay before the next, or null to stop polling. */
  private async tick(uuid: string, p: PollerState): Promise<number | null> {
    const cloud = this.cloud;
    const row = cloud.store.get<MappingRow>('SELECT * FROM lambda_event_source_mappings WHERE uuid = ?', [
      uuid,
    ]);
    if (!row) {
      if (p.timer !== null) cloud.clock.clearTimeout(p.timer);
      this.pollers.delete(uuid);
      return null;
    }
    const m = JSON.parse(row.config) as StoredMapping;
    const now = cloud.clock.now();
    const state = stateAt(m, now);
    if (state !== m.target) return Math.max(0, m.settleAt - now);
    if (state !== 'Enabled') return null;
    const stream = findStream(cloud.store, m.EventSourceArn);
    if (!stream) return POLL_MS;
    const shard = shardIdOf(stream);
    const position = JSON.parse(row.position) as Record<string, number>;
    const after = position[shard] ?? 0;
    const limit = Math.min(m.BatchSize, p.limit ?? m.BatchSize, 10000);
    const { records } = readStreamRecords(cloud.store, stream.arn, stream.region, after, limit);
    if (records.length === 0) return POLL_MS;
    const seqs = records.map((r) => seqOf(r.dynamodb!.SequenceNumber!) ?? after);
    // Batching window: wait for a full batch, or until the oldest record has waited long enough.
    const oldest = records[0]!.dynamodb!.ApproximateCreationDateTime!.getTime();
    if (m.MaximumBatchingWindowInSeconds > 0 && records.length < m.BatchSize) {
      const ready = oldest + m.MaximumBatchingWindowInSeconds * 1000;
      if (now < ready) return ready - now;
    }
    const maxAge = m.MaximumRecordAgeInSeconds;
    const items = records
      .map((r, i) => ({
        seq: seqs[i]!,
        record: lambdaRecord(r, stream.arn),
        at: r.dynamodb!.ApproximateCreationDateTime!.getTime(),
      }))
      .filter((x) => maxAge === -1 || now - x.at <= maxAge * 1000);
    const kept = items.filter((x) => passesFilters(m, x.record));
    const last = seqs[seqs.length - 1]!;
    if (kept.length === 0) {
      await this.checkpoint(uuid, shard, last, null);
      return 0;
    }
    const outcome = await this.invoke(
      row,
      m,
      kept.map((x) => x.record),
    );
    if (outcome.ok) {
      p.failures = 0;
      p.limit = null;
      await this.checkpoint(uuid, shard, last, 'OK');
      return 0;
    }
    // Partial batch response: checkpoint before the first failed record, retry from there.
    if (outcome.failedSequence !== undefined) {
      const failedAt = kept.findIndex(
        (x) =>
          String(x.record.dynamodb && (x.record.dynamodb as { SequenceNumber: string }).SequenceNumber) ===
          outcome.failedSequence,
      );
      if (failedAt > 0) {
        await this.checkpoint(uuid, shard, kept[failedAt - 1]!.seq, 'OK');
        p.failures = 0;
        return 0;
      }
    }
    p.failures += 1;
    const max = m.MaximumRetryAttempts;
    if (max !== -1 && p.failures > max) {
      // Retries exhausted: the batch is skipped.
      p.failures = 0;
      p.limit = null;
      await this.checkpoint(uuid, shard, last, 'PROBLEM: Function call failed');
      return 0;
    }
    if (m.BisectBatchOnFunctionError && kept.length > 1) p.limit = Math.max(1, Math.ceil(records.length / 2));
    await this.checkpoint(uuid, shard, null, 'PROBLEM: Function call failed');
    return RETRY_MS;
  }

  private async invoke(
    row: MappingRow,
    m: StoredMapping,
    records: Record<string, unknown>[],
  ): Promise<{ ok: boolean; failedSequence?: string }> {
    const cloud = this.cloud;
    let version: FunctionVersion;
    try {
      version = invocationTarget(cloud.store, {
        account: row.account_id,
        region: row.region,
        name: row.function_name,
        ...(m.qualifier ? { qualifier: m.qualifier } : {}),
      });
    } catch {
      return { ok: false };
    }
    if (cloud.clock.now() < version.record.activeAt) return { ok: false };
    try {
      const r = await execute(cloud, version, {
        requestId: cloud.ids.requestId(),
        invokedArn: functionArn(row.region, row.account_id, row.function_name, m.qualifier),
        payload: JSON.stringify({ Records: records }),
      });
      if (r.outcome !== 'success' || r.functionError !== undefined) return { ok: false };
      if (m.FunctionResponseTypes.includes('ReportBatchItemFailures')) {
        let body: unknown;
        try {
          body = JSON.parse(r.payload) as unknown;
        } catch {
          body = undefined;
        }
        const failures = (body as { batchItemFailures?: { itemIdentifier?: unknown }[] } | undefined)
          ?.batchItemFailures;
        if (Array.isArray(failures) && failures.length > 0) {
          const ids = failures.map((f) => String(f?.itemIdentifier ?? ''));
          const seqs = records.map((x) => (x.dynamodb as { SequenceNumber: string }).SequenceNumber);
          // An identifier that names no record of the batch fails the whole batch.
          if (ids.some((id) => !seqs.includes(id))) return { ok: false };
          const first = seqs.find((s) => ids.includes(s));
          return { ok: false, ...(first ? { failedSequence: first } : {}) };
        }
      }
      return { ok: true };
    } catch (e) {
      if (isAwsError(e)) return { ok: false };
      throw e;
    }
  }

  private async checkpoint(
    uuid: string,
    shard: string,
    seq: number | null,
    result: string | null,
  ): Promise<void> {
    await this.cloud.store.write((tx) => {
      const row = tx.get<MappingRow>('SELECT * FROM lambda_event_source_mappings WHERE uuid = ?', [uuid]);
      if (!row) return;
      if (seq !== null) {
        const position = JSON.parse(row.position) as Record<string, number>;
        position[shard] = Math.max(position[shard] ?? 0, seq);
        tx.run('UPDATE lambda_event_source_mappings SET position = ? WHERE uuid = ?', [
          JSON.stringify(position),
          uuid,
        ]);
      }
      if (result !== null) {
        const m = JSON.parse(row.config) as StoredMapping;
        if (m.LastProcessingResult !== result) {
          m.LastProcessingResult = result;
          tx.run('UPDATE lambda_event_source_mappings SET config = ? WHERE uuid = ?', [
            JSON.stringify(m),
            uuid,
          ]);
        }
      }
    });
  }
}

/** The cloud's pollers (owned by the Lambda runtime). */
export function streamPollers(cloud: Cloud): StreamPollers {
  return lambdaRuntime(cloud).streamPollers;
}
