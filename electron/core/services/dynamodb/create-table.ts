/** CreateTable: the definition checked as DynamoDB checks it, stored CREATING, ACTIVE a moment later. */
import type * as DDB from '@aws-sdk/client-dynamodb';
import type { OperationContext } from '../../service';
import { catalogOf } from './catalog';
import type { DynamoRuntime } from './runtime';
import { checkTableName, Constraints, TABLE_NAME_PATTERN } from './constraints';
import { describeTable } from './describe';
import { invalidParameter, resourceInUse, validation } from './errors';
import { newStream, recordStream, streamSpecification } from './stream-spec';
import { CREATE_MS, type IndexMeta, type KeyAttribute, type TableMeta, type Throughput } from './table-meta';
import { checkTags } from './tags';
import type { KeyType } from './attribute-value';

const MAX_CAPACITY = 1_000_000_000_000;

/** Member constraints of the request, all reported together. */
function checkMembers(input: DDB.CreateTableInput): void {
  const c = new Constraints();
  c.notNull('attributeDefinitions', input.AttributeDefinitions);
  (input.AttributeDefinitions ?? []).forEach((a, i) => {
    c.notNull(`attributeDefinitions.${i + 1}.member.attributeName`, a.AttributeName);
    c.notNull(`attributeDefinitions.${i + 1}.member.attributeType`, a.AttributeType);
    c.oneOf(`attributeDefinitions.${i + 1}.member.attributeType`, a.AttributeType, ['B', 'N', 'S']);
  });
  c.pattern('tableName', input.TableName, TABLE_NAME_PATTERN);
  c.oneOf('billingMode', input.BillingMode, ['PROVISIONED', 'PAY_PER_REQUEST']);
  const pt = input.ProvisionedThroughput;
  if (pt) {
    c.notNull('provisionedThroughput.writeCapacityUnits', pt.WriteCapacityUnits);
    c.atLeast('provisionedThroughput.writeCapacityUnits', pt.WriteCapacityUnits, 1);
    c.notNull('provisionedThroughput.readCapacityUnits', pt.ReadCapacityUnits);
    c.atLeast('provisionedThroughput.readCapacityUnits', pt.ReadCapacityUnits, 1);
  }
  c.notNull('keySchema', input.KeySchema);
  c.length('keySchema', input.KeySchema, 1, 2);
  (input.KeySchema ?? []).forEach((k, i) => {
    c.notNull(`keySchema.${i + 1}.member.attributeName`, k.AttributeName);
    c.notNull(`keySchema.${i + 1}.member.keyType`, k.KeyType);
    c.oneOf(`keySchema.${i + 1}.member.keyType`, k.KeyType, ['HASH', 'RANGE']);
  });
  for (const [list, name] of [
    [input.LocalSecondaryIndexes, 'localSecondaryIndexes'],
    [input.GlobalSecondaryIndexes, 'globalSecondaryIndexes'],
  ] as const) {
    (list ?? []).forEach((index: DDB.LocalSecondaryIndex | DDB.GlobalSecondaryIndex, i: number) => {
      const at = `${name}.${i + 1}.member`;
      c.notNull(`${at}.indexName`, index.IndexName);
      c.pattern(`${at}.indexName`, index.IndexName, TABLE_NAME_PATTERN);
      c.length(`${at}.indexName`, index.IndexName, 3, 255);
      c.notNull(`${at}.keySchema`, index.KeySchema);
      c.length(`${at}.keySchema`, index.KeySchema, 1, 2);
      c.notNull(`${at}.projection`, index.Projection);
      c.oneOf(`${at}.projection.projectionType`, index.Projection?.ProjectionType, [
        'ALL',
        'INCLUDE',
        'KEYS_ONLY',
      ]);
      c.length(`${at}.projection.nonKeyAttributes`, index.Projection?.NonKeyAttributes, 1);
    });
  }
  c.check();
}

/** The semantic rules, in DynamoDB's order, each with its own message. */
function checkDefinition(input: DDB.CreateTableInput): void {
  const billing = input.BillingMode ?? 'PROVISIONED';
  const pt = input.ProvisionedThroughput;
  if (billing === 'PAY_PER_REQUEST') {
    if (pt)
      throw invalidParameter(
        'Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST',
      );
  } else {
    if (!pt?.ReadCapacityUnits || !pt.WriteCapacityUnits)
      throw invalidParameter(
        'ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED',
      );
    checkCapacity(pt);
  }
  const defs = input.AttributeDefinitions!.map((a) => a.AttributeName!);
  const keys = input.KeySchema!.map((k) => k.AttributeName!);
  if (keys.length > defs.length)
    throw validation('Invalid KeySchema: Some index key attribute have no definition');
  checkKeySchema(input.KeySchema!, defs);
  if (new Set(defs).size !== defs.length)
    throw invalidParameter('Duplicate AttributeName in AttributeDefinitions');
  const names = new Set<string>();
  const locals = input.LocalSecondaryIndexes;
  if (locals) {
    if (locals.length === 0) throw invalidParameter('List of LocalSecondaryIndexes is empty');
    if (keys.length !== 2)
      throw invalidParameter(
        'Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex',
      );
    for (const index of locals) {
      checkKeySchema(index.KeySchema!, defs);
      if (index.KeySchema!.length !== 2)
        throw invalidParameter(`Index KeySchema does not have a range key for index: ${index.IndexName}`);
      const indexHash = index.KeySchema![0]!.AttributeName;
      if (indexHash !== keys[0])
        throw invalidParameter(
          `Index KeySchema does not have the same leading hash key as table KeySchema for index: ${index.IndexName}. index hash key: ${indexHash}, table hash key: ${keys[0]}`,
        );
      checkProjection(index.Projection!);
      if (names.has(index.IndexName!)) throw invalidParameter(`Duplicate index name: ${index.IndexName}`);
      names.add(index.IndexName!);
    }
    if (locals.length > 5)
      throw invalidParameter('Number of LocalSecondaryIndexes exceeds per-table limit of 5');
  }
  const globals = input.GlobalSecondaryIndexes;
  if (globals) {
    if (globals.length === 0) throw invalidParameter('List of GlobalSecondaryIndexes is empty');
    for (const index of globals) {
      checkKeySchema(index.KeySchema!, defs);
      checkProjection(index.Projection!);
      if (billing === 'PAY_PER_REQUEST' && index.ProvisionedThroughput)
        throw invalidParameter(
          `ProvisionedThroughput should not be specified for index: ${index.IndexName} when BillingMode is PAY_PER_REQUEST`,
        );
      if (billing === 'PROVISIONED') {
        if (!index.ProvisionedThroughput)
          throw invalidParameter(`ProvisionedThroughput must be specified for index: ${index.IndexName}`);
        checkCapacity(index.ProvisionedThroughput);
      }
      if (names.has(index.IndexName!)) throw invalidParameter(`Duplicate index name: ${index.IndexName}`);
      names.add(index.IndexName!);
    }
    if (globals.length > 20)
      throw invalidParameter('GlobalSecondaryIndex count exceeds the per-table limit of 20');
  }
  // Every definition must be used by a key: AWS refuses spare ones.
  const used = new Set([
    ...keys,
    ...(locals ?? []).flatMap((i) => i.KeySchema!.map((k) => k.AttributeName!)),
    ...(globals ?? []).flatMap((i) => i.KeySchema!.map((k) => k.AttributeName!)),
  ]);
  if (used.size !== defs.length) {
    if (!locals && !globals)
      throw invalidParameter(
        'Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions',
      );
    throw invalidParameter(
      `Some AttributeDefinitions are not used. AttributeDefinitions: [${defs.join(', ')}], keys used: [${[...used].join(', ')}]`,
    );
  }
}

export function checkCapacity(pt: DDB.ProvisionedThroughput): void {
  if (pt.ReadCapacityUnits! > MAX_CAPACITY)
    throw validation(`Given value ${pt.ReadCapacityUnits} for ReadCapacityUnits is out of bounds`);
  if (pt.WriteCapacityUnits! > MAX_CAPACITY)
    throw validation(`Given value ${pt.WriteCapacityUnits} for WriteCapacityUnits is out of bounds`);
}

export function checkKeySchema(schema: DDB.KeySchemaElement[], defs: string[]): void {
  const keys = schema.map((k) => k.AttributeName!);
  if (keys.some((k) => !defs.includes(k)))
    throw invalidParameter(
      `Some index key attributes are not defined in AttributeDefinitions. Keys: [${keys.join(', ')}], AttributeDefinitions: [${defs.join(', ')}]`,
    );
  if (keys.length === 2 && keys[0] === keys[1])
    throw validation('Both the Hash Key and the Range Key element in the KeySchema have the same name');
  if (schema[0]!.KeyType !== 'HASH')
    throw validation('Invalid KeySchema: The first KeySchemaElement is not a HASH key type');
  if (schema[1] && schema[1].KeyType !== 'RANGE')
    throw validation('Invalid KeySchema: The second KeySchemaElement is not a RANGE key type');
}

export function checkProjection(projection: DDB.Projection): void {
  if (!projection.ProjectionType) throw invalidParameter('Unknown ProjectionType: null');
  if (projection.NonKeyAttributes && projection.ProjectionType !== 'INCLUDE')
    throw invalidParameter(
      `ProjectionType is ${projection.ProjectionType}, but NonKeyAttributes is specified`,
    );
}

export function keyAttribute(defs: DDB.AttributeDefinition[], name: string): KeyAttribute {
  const def = defs.find((d) => d.AttributeName === name)!;
  return { name, type: def.AttributeType as KeyType };
}

export function throughputOf(pt: DDB.ProvisionedThroughput | undefined): Throughput {
  return { read: pt?.ReadCapacityUnits ?? 0, write: pt?.WriteCapacityUnits ?? 0, decreasesToday: 0 };
}

export function indexMeta(
  defs: DDB.AttributeDefinition[],
  index: DDB.LocalSecondaryIndex | DDB.GlobalSecondaryIndex,
  kind: 'local' | 'global',
): Omit<IndexMeta, 'status'> {
  const [hash, range] = index.KeySchema!;
  const out: Omit<IndexMeta, 'status'> = {
    name: index.IndexName!,
    kind,
    hash: keyAttribute(defs, hash!.AttributeName!),
    projection: {
      type: index.Projection!.ProjectionType as IndexMeta['projection']['type'],
      ...(index.Projection!.NonKeyAttributes ? { nonKey: index.Projection!.NonKeyAttributes } : {}),
    },
  };
  if (range) out.range = keyAttribute(defs, range.AttributeName!);
  if ('ProvisionedThroughput' in index && index.ProvisionedThroughput)
    out.throughput = throughputOf(index.ProvisionedThroughput);
  return out;
}

export async function createTable(
  ctx: OperationContext,
  input: DDB.CreateTableInput,
): Promise<DDB.CreateTableOutput> {
  checkTableName(input.TableName);
  checkMembers(input);
  checkDefinition(input);
  const stream = streamSpecification(input.StreamSpecification);
  checkTags(input.Tags ?? []);
  if (input.TableClass && !['STANDARD', 'STANDARD_INFREQUENT_ACCESS'].includes(input.TableClass))
    throw validation(
      `1 validation error detected: Value '${input.TableClass}' at 'tableClass' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, STANDARD_INFREQUENT_ACCESS]`,
    );
  const name = input.TableName!;
  const account = ctx.principal.accountId;
  const region = ctx.region.code;
  const now = ctx.cloud.clock.now();
  const defs = input.AttributeDefinitions!;
  const [hash, range] = input.KeySchema!;
  const meta = await ctx.cloud.store.write((tx) => {
    if (
      tx.get('SELECT 1 FROM ddb_tables WHERE account_id = ? AND region = ? AND name = ?', [
        account,
        region,
        name,
      ])
    )
      throw resourceInUse(`Table already exists: ${name}`);
    const arn = `arn:aws:dynamodb:${region}:${account}:table/${name}`;
    const meta: TableMeta = {
      id: 0,
      accountId: account,
      region,
      name,
      arn,
      tableId: ctx.cloud.ids.uuid(tx, 'ddb-table'),
      createdAt: now,
      hash: keyAttribute(defs, hash!.AttributeName!),
      ...(range ? { range: keyAttribute(defs, range.AttributeName!) } : {}),
      attributeDefinitions: defs.map((d) => ({ name: d.AttributeName!, type: d.AttributeType as KeyType })),
      billingMode: input.BillingMode ?? 'PROVISIONED',
      throughput: throughputOf(input.ProvisionedThroughput),
      indexes: [
        ...(input.LocalSecondaryIndexes ?? []).map((i) => ({
          ...indexMeta(defs, i, 'local'),
          status: 'ACTIVE' as const,
        })),
        ...(input.GlobalSecondaryIndexes ?? []).map((i) => ({
          ...indexMeta(defs, i, 'global'),
          status: 'CREATING' as const,
          statusUntil: now + CREATE_MS,
        })),
      ],
      stream: stream.enabled ? newStream(arn, stream.viewType!, now) : { enabled: false },
      tags: (input.Tags ?? []).map((t) => ({ Key: t.Key!, Value: t.Value! })),
      tableClass: (input.TableClass as TableMeta['tableClass']) ?? 'STANDARD',
      deletionProtection: input.DeletionProtectionEnabled ?? false,
      status: 'CREATING',
      statusUntil: now + CREATE_MS,
    };
    tx.run('INSERT INTO ddb_tables (account_id, region, name, meta) VALUES (?, ?, ?, ?)', [
      account,
      region,
      name,
      '',
    ]);
    meta.id = tx.get<{ id: number }>('SELECT last_insert_rowid() AS id')!.id;
    tx.run('UPDATE ddb_tables SET meta = ? WHERE id = ?', [JSON.stringify(meta), meta.id]);
    if (meta.stream.arn) recordStream(tx, meta);
    return meta;
  });
  catalogOf(ctx).forget(account, region, name);
  ctx.cloud.runtime<DynamoRuntime>('dynamodb').statusChanged(meta, meta.statusUntil!);
  return { TableDescription: describeTable(meta, new Map(), now) };
}
