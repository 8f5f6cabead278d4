/**
 * The Create table form and the CreateTable call it becomes (then TagResource for tags), as
 * the AWS console sends them: attribute definitions for every key of the table and its indexes.
 */
import type {
  AttributeDefinition,
  CreateTableInput,
  GlobalSecondaryIndex,
  KeySchemaElement,
  LocalSecondaryIndex,
  Projection,
} from '@aws-sdk/client-dynamodb';
import { aws } from '../../../lib/api';
import { tagsOf, type TagRow } from '../../s3/buckets/create-bucket.svelte';
import { errorText, indexNameProblem, keyNameProblem, tableNameProblem, type KeyType } from '../ddb';

export interface IndexDraft {
  kind: 'global' | 'local';
  name: string;
  pk: string;
  pkType: KeyType;
  sk: string;
  skType: KeyType;
  projection: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  /** INCLUDE: the projected attributes, comma separated. */
  include: string;
}

export function newIndexDraft(kind: 'global' | 'local', table: { pk: string; pkType: KeyType }): IndexDraft {
  return {
    kind,
    name: '',
    pk: kind === 'local' ? table.pk : '',
    pkType: kind === 'local' ? table.pkType : 'S',
    sk: '',
    skType: 'S',
    projection: 'ALL',
    include: '',
  };
}

/** What is wrong with an index draft next to the table's keys and its other indexes. */
export function indexProblem(d: IndexDraft, others: IndexDraft[], tableSk: string): string | null {
  const name = indexNameProblem(d.name);
  if (name) return name;
  if (others.some((o) => o.name === d.name)) return `An index named ${d.name} already exists.`;
  if (d.kind === 'global') {
    const pk = keyNameProblem(d.pk, 'Partition key');
    if (pk) return pk;
  }
  if (d.kind === 'local') {
    if (!tableSk) return 'A local secondary index needs a table with a sort key.';
    if (!d.sk) return 'A local secondary index needs a sort key.';
  }
  if (d.sk && d.sk === d.pk) return 'The sort key must differ from the partition key.';
  if (d.projection === 'INCLUDE' && !d.include.trim()) return 'Name at least one attribute to project.';
  return null;
}

function projectionOf(d: IndexDraft): Projection {
  if (d.projection !== 'INCLUDE') return { ProjectionType: d.projection };
  return {
    ProjectionType: 'INCLUDE',
    NonKeyAttributes: d.include
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  };
}

function schema(pk: string, sk: string): KeySchemaElement[] {
  return [
    { AttributeName: pk, KeyType: 'HASH' },
    ...(sk ? [{ AttributeName: sk, KeyType: 'RANGE' as const }] : []),
  ];
}

export class CreateTableForm {
  name = $state('');
  nameTouched = $state(false);
  pk = $state('');
  pkType = $state<KeyType>('S');
  pkTouched = $state(false);
  sk = $state('');
  skType = $state<KeyType>('S');
  settings = $state<'default' | 'custom'>('default');
  capacity = $state<'PAY_PER_REQUEST' | 'PROVISIONED'>('PAY_PER_REQUEST');
  read = $state(5);
  write = $state(5);
  indexes = $state<IndexDraft[]>([]);
  deletionProtection = $state(false);
  tags = $state<TagRow[]>([]);
  busy = $state(false);
  error = $state<string | null>(null);
  private nextTag = 1;

  constructor(private readonly region: string) {}

  nameProblem = $derived(tableNameProblem(this.name));
  pkProblem = $derived(keyNameProblem(this.pk, 'Partition key'));
  skProblem = $derived(
    this.sk && this.sk === this.pk ? 'The sort key must differ from the partition key.' : null,
  );
  capacityProblem = $derived(
    this.settings === 'custom' &&
      this.capacity === 'PROVISIONED' &&
      (!Number.isInteger(this.read) || this.read < 1 || !Number.isInteger(this.write) || this.write < 1)
      ? 'Read and write capacity units must be whole numbers of at least 1.'
      : null,
  );
  tagProblem = $derived.by(() => {
    const t = tagsOf(this.tags);
    return typeof t === 'string' ? t : null;
  });
  /** Attribute types used by more than one key must agree. */
  typeProblem = $derived.by(() => {
    const seen: Record<string, KeyType> = {};
    for (const [name, type] of this.keyAttributes()) {
      const known = seen[name];
      if (known && known !== type) return `The attribute ${name} is used as a key with two different types.`;
      seen[name] = type;
    }
    return null;
  });
  ready = $derived(
    !this.busy &&
      !this.nameProblem &&
      !this.pkProblem &&
      !this.skProblem &&
      !this.capacityProblem &&
      !this.tagProblem &&
      !this.typeProblem,
  );

  private keyAttributes(): Array<[string, KeyType]> {
    const out: Array<[string, KeyType]> = [[this.pk, this.pkType]];
    if (this.sk) out.push([this.sk, this.skType]);
    if (this.settings === 'custom')
      for (const i of this.indexes) {
        out.push([i.pk, i.pkType]);
        if (i.sk) out.push([i.sk, i.skType]);
      }
    return out.filter(([n]) => n);
  }

  addTag(): void {
    this.tags = [...this.tags, { id: this.nextTag++, key: '', value: '' }];
  }

  removeTag(id: number): void {
    this.tags = this.tags.filter((t) => t.id !== id);
  }

  input(): CreateTableInput {
    const custom = this.settings === 'custom';
    const defs: Array<[string, KeyType]> = [];
    for (const [n, t] of this.keyAttributes()) if (!defs.some(([d]) => d === n)) defs.push([n, t]);
    const AttributeDefinitions: AttributeDefinition[] = defs.map(([AttributeName, AttributeType]) => ({
      AttributeName,
      AttributeType,
    }));
    const provisioned = custom && this.capacity === 'PROVISIONED';
    const throughput = { ReadCapacityUnits: this.read, WriteCapacityUnits: this.write };
    const globals: GlobalSecondaryIndex[] = (custom ? this.indexes : [])
      .filter((i) => i.kind === 'global')
      .map((i) => ({
        IndexName: i.name,
        KeySchema: schema(i.pk, i.sk),
        Projection: projectionOf(i),
        ...(provisioned ? { ProvisionedThroughput: throughput } : {}),
      }));
    const locals: LocalSecondaryIndex[] = (custom ? this.indexes : [])
      .filter((i) => i.kind === 'local')
      .map((i) => ({ IndexName: i.name, KeySchema: schema(this.pk, i.sk), Projection: projectionOf(i) }));
    return {
      TableName: this.name,
      AttributeDefinitions,
      KeySchema: schema(this.pk, this.sk),
      BillingMode: provisioned ? 'PROVISIONED' : 'PAY_PER_REQUEST',
      ...(provisioned ? { ProvisionedThroughput: throughput } : {}),
      ...(globals.length ? { GlobalSecondaryIndexes: globals } : {}),
      ...(locals.length ? { LocalSecondaryIndexes: locals } : {}),
      ...(custom && this.deletionProtection ? { DeletionProtectionEnabled: true } : {}),
    };
  }

  /** Create the table, then tag it; answers whether the table was created, and what was not applied. */
  async submit(): Promise<{ ok: boolean; warnings: string[] }> {
    this.nameTouched = true;
    this.pkTouched = true;
    if (!this.ready) return { ok: false, warnings: [] };
    this.busy = true;
    this.error = null;
    let arn: string | undefined;
    try {
      const out = await aws('dynamodb', 'CreateTable', this.region, this.input());
      arn = out.TableDescription?.TableArn;
    } catch (e) {
      this.error = errorText(e);
      this.busy = false;
      return { ok: false, warnings: [] };
    }
    const warnings: string[] = [];
    const tags = tagsOf(this.tags);
    if (typeof tags !== 'string' && tags.length && arn) {
      try {
        await aws('dynamodb', 'TagResource', this.region, {
          ResourceArn: arn,
          Tags: tags.map((t) => ({ Key: t.Key!, Value: t.Value ?? '' })),
        });
      } catch (e) {
        warnings.push(`Tags: ${errorText(e)}`);
      }
    }
    this.busy = false;
    return { ok: true, warnings };
  }
}
