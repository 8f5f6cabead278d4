/**
 * A table's stream: StreamSpecification checked, and a new stream (label and ARN) each time one
 * is enabled. Streams are rows of their own because they outlive a disabled stream or a deleted
 * table for 24 hours, as on AWS.
 */
import type * as DDB from '@aws-sdk/client-dynamodb';
import type { Tx } from '../../kernel/store';
import { invalidParameter, validation } from './errors';
import { keyNames, type StreamMeta, type TableMeta } from './table-meta';

const VIEW_TYPES = ['NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES', 'KEYS_ONLY'];

export function streamSpecification(spec: DDB.StreamSpecification | undefined): {
  enabled: boolean;
  viewType?: DDB.StreamViewType;
} {
  if (!spec) return { enabled: false };
  if (spec.StreamViewType !== undefined && !VIEW_TYPES.includes(spec.StreamViewType))
    throw validation(
      `1 validation error detected: Value '${spec.StreamViewType}' at 'streamSpecification.streamViewType' failed to satisfy constraint: Member must satisfy enum value set: [${VIEW_TYPES.join(', ')}]`,
    );
  if (spec.StreamEnabled === undefined)
    throw validation(
      "1 validation error detected: Value null at 'streamSpecification.streamEnabled' failed to satisfy constraint: Member must not be null",
    );
  if (spec.StreamEnabled && !spec.StreamViewType)
    throw invalidParameter('You must specify a StreamViewType when enabling a stream');
  if (!spec.StreamEnabled && spec.StreamViewType)
    throw invalidParameter('You cannot specify a StreamViewType when disabling a stream');
  return { enabled: spec.StreamEnabled, ...(spec.StreamViewType ? { viewType: spec.StreamViewType } : {}) };
}

/** A stream's label is the instant it was enabled, as AWS writes it (ISO 8601, no zone). */
export function newStream(tableArn: string, viewType: DDB.StreamViewType, now: number): StreamMeta {
  const label = new Date(now).toISOString().replace('Z', '');
  return { enabled: true, viewType, label, arn: `${tableArn}/stream/${label}` };
}

export function recordStream(tx: Tx, meta: TableMeta): void {
  tx.run(
    `INSERT INTO ddb_streams (arn, account_id, region, table_name, label, view_type, key_schema, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      meta.stream.arn!,
      meta.accountId,
      meta.region,
      meta.name,
      meta.stream.label!,
      meta.stream.viewType!,
      JSON.stringify(
        keyNames(meta).map((name, i) => ({ AttributeName: name, KeyType: i === 0 ? 'HASH' : 'RANGE' })),
      ),
      Date.parse(`${meta.stream.label!}Z`),
    ],
  );
}

/** The stream stops taking records (it stays readable for 24 hours). */
export function disableStream(tx: Tx, arn: string, now: number): void {
  tx.run('UPDATE ddb_streams SET disabled_at = ? WHERE arn = ? AND disabled_at IS NULL', [now, arn]);
}
