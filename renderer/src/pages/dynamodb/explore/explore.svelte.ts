/**
 * The item explorer's state: Scan or Query a table or one of its indexes, the key conditions
 * and the visual filter builder turned into DynamoDB expressions, and the results, one page
 * (one Scan or Query call) at a time, following LastEvaluatedKey.
 */
import type { AttributeValue, QueryInput, ScanInput, TableDescription } from '@aws-sdk/client-dynamodb';
import { aws } from '../../../lib/api';
import { scalarValue, type Item } from '../attr';
import { errorText, keyName } from '../ddb';

export type SortCondition = '=' | '<' | '<=' | '>' | '>=' | 'between' | 'begins_with';
export const SORT_CONDITIONS: Array<{ value: SortCondition; label: string }> = [
  { value: '=', label: 'Equal to' },
  { value: '<', label: 'Less than' },
  { value: '<=', label: 'Less than or equal to' },
  { value: '>', label: 'Greater than' },
  { value: '>=', label: 'Greater than or equal to' },
  { value: 'between', label: 'Between' },
  { value: 'begins_with', label: 'Begins with' },
];

export type FilterCondition =
  | '='
  | '<>'
  | '<'
  | '<='
  | '>'
  | '>='
  | 'between'
  | 'exists'
  | 'not_exists'
  | 'contains'
  | 'not_contains'
  | 'begins_with';
export const FILTER_CONDITIONS: Array<{ value: FilterCondition; label: string }> = [
  { value: '=', label: 'Equal to' },
  { value: '<>', label: 'Not equal to' },
  { value: '<', label: 'Less than' },
  { value: '<=', label: 'Less than or equal to' },
  { value: '>', label: 'Greater than' },
  { value: '>=', label: 'Greater than or equal to' },
  { value: 'between', label: 'Between' },
  { value: 'exists', label: 'Exists' },
  { value: 'not_exists', label: 'Not exists' },
  { value: 'contains', label: 'Contains' },
  { value: 'not_contains', label: 'Not contains' },
  { value: 'begins_with', label: 'Begins with' },
];

export type FilterType = 'S' | 'N' | 'B' | 'BOOL' | 'NULL';
export const FILTER_TYPES: Array<{ value: FilterType; label: string }> = [
  { value: 'S', label: 'String' },
  { value: 'N', label: 'Number' },
  { value: 'B', label: 'Binary' },
  { value: 'BOOL', label: 'Boolean' },
  { value: 'NULL', label: 'Null' },
];

export interface FilterRow {
  id: number;
  name: string;
  type: FilterType;
  condition: FilterCondition;
  value: string;
  value2: string;
}

/** Conditions that compare with no value, and the types that carry none. */
export function needsValue(f: Pick<FilterRow, 'condition' | 'type'>): boolean {
  return f.condition !== 'exists' && f.condition !== 'not_exists' && f.type !== 'NULL';
}

interface Built {
  expression: string;
  names: Record<string, string>;
  values: Record<string, AttributeValue>;
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function valueOf(type: string, text: string, what: string): AttributeValue {
  if (type === 'N' && !NUMBER.test(text.trim())) throw new Error(`${what}: enter a number.`);
  if (type !== 'BOOL' && type !== 'NULL' && text === '') throw new Error(`${what}: enter a value.`);
  try {
    return scalarValue(type, type === 'BOOL' && text === '' ? 'true' : text);
  } catch {
    throw new Error(`${what}: enter a base64-encoded value.`);
  }
}

/** The filter rows as a FilterExpression (conditions joined with AND). */
export function buildFilter(filters: FilterRow[]): Built | null {
  if (filters.length === 0) return null;
  const parts: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, AttributeValue> = {};
  filters.forEach((f, i) => {
    const label = `Filter ${i + 1}`;
    if (!f.name.trim()) throw new Error(`${label}: enter an attribute name.`);
    const n = `#f${i}`;
    const v = `:f${i}`;
    names[n] = f.name.trim();
    const value = () => (values[v] = valueOf(f.type, f.value, label));
    switch (f.condition) {
      case 'exists':
        parts.push(`attribute_exists(${n})`);
        return;
      case 'not_exists':
        parts.push(`attribute_not_exists(${n})`);
        return;
      case 'between':
        values[`${v}a`] = valueOf(f.type, f.value, label);
        values[`${v}b`] = valueOf(f.type, f.value2, label);
        parts.push(`${n} BETWEEN ${v}a AND ${v}b`);
        return;
      case 'contains':
        value();
        parts.push(`contains(${n}, ${v})`);
        return;
      case 'not_contains':
        value();
        parts.push(`NOT contains(${n}, ${v})`);
        return;
      case 'begins_with':
        value();
        parts.push(`begins_with(${n}, ${v})`);
        return;
      default:
        value();
        parts.push(`${n} ${f.condition} ${v}`);
    }
  });
  return { expression: parts.join(' AND '), names, values };
}

export interface KeyInfo {
  pk: string;
  pkType: string;
  sk?: string;
  skType?: string;
}

/** The keys of the table, or of one of its indexes. */
export function keysOf(t: TableDescription, index: string): KeyInfo {
  const schema = index
    ? [...(t.GlobalSecondaryIndexes ?? []), ...(t.LocalSecondaryIndexes ?? [])].find(
        (i) => i.IndexName === index,
      )?.KeySchema
    : t.KeySchema;
  const typeOf = (n: string | undefined) =>
    t.AttributeDefinitions?.find((d) => d.AttributeName === n)?.AttributeType;
  const pk = keyName(schema, 'HASH') ?? '';
  const sk = keyName(schema, 'RANGE');
  return { pk, pkType: typeOf(pk) ?? 'S', sk, skType: sk ? typeOf(sk) : undefined };
}

/** What the form holds; remembered per table while the console is open. */
export interface ExploreForm {
  mode: 'scan' | 'query';
  index: string;
  pkValue: string;
  skCondition: SortCondition;
  skValue: string;
  skValue2: string;
  descending: boolean;
  filters: FilterRow[];
}

const remembered: Record<string, ExploreForm> = {};
let filterIds = 1;
export const PAGE_SIZE = 50;

export class Explorer {
  mode = $state<'scan' | 'query'>('scan');
  index = $state('');
  pkValue = $state('');
  skCondition = $state<SortCondition>('=');
  skValue = $state('');
  skValue2 = $state('');
  descending = $state(false);
  filters = $state<FilterRow[]>([]);

  /** Results: the pages fetched so far, the one shown, and where the next one starts. */
  pages = $state<Item[][]>([]);
  page = $state(0);
  nextKey = $state<Record<string, AttributeValue> | undefined>(undefined);
  scanned = $state(0);
  running = $state(false);
  error = $state<string | null>(null);
  /** The problem of the form itself, found before calling DynamoDB. */
  formError = $state<string | null>(null);
  ran = $state<{ mode: 'scan' | 'query'; index: string } | null>(null);
  private request: ScanInput | QueryInput | null = null;

  constructor(
    private readonly region: string,
    readonly tableName: string,
  ) {
    const saved = remembered[tableName];
    if (saved) Object.assign(this, structuredClone($state.snapshot(saved)));
  }

  keys(t: TableDescription): KeyInfo {
    return keysOf(t, this.index);
  }

  items = $derived(this.pages[this.page] ?? []);
  hasNext = $derived(this.page < this.pages.length - 1 || this.nextKey !== undefined);

  addFilter(): void {
    this.filters = [
      ...this.filters,
      { id: filterIds++, name: '', type: 'S', condition: '=', value: '', value2: '' },
    ];
  }

  removeFilter(id: number): void {
    this.filters = this.filters.filter((f) => f.id !== id);
  }

  reset(): void {
    this.mode = 'scan';
    this.index = '';
    this.pkValue = '';
    this.skCondition = '=';
    this.skValue = '';
    this.skValue2 = '';
    this.descending = false;
    this.filters = [];
    this.formError = null;
    delete remembered[this.tableName];
  }

  /** The Scan or Query call the form describes (throws the form's problem). */
  build(t: TableDescription): ScanInput | QueryInput {
    const names: Record<string, string> = {};
    const values: Record<string, AttributeValue> = {};
    const base: ScanInput = { TableName: this.tableName, Limit: PAGE_SIZE };
    if (this.index) base.IndexName = this.index;
    const filter = buildFilter(this.filters);
    if (filter) {
      Object.assign(names, filter.names);
      Object.assign(values, filter.values);
    }
    let out: ScanInput | QueryInput = base;
    if (this.mode === 'query') {
      const k = this.keys(t);
      if (this.pkValue === '') throw new Error(`Enter a value for the partition key ${k.pk}.`);
      names['#pk'] = k.pk;
      values[':pk'] = valueOf(k.pkType, this.pkValue, `Partition key ${k.pk}`);
      let condition = '#pk = :pk';
      if (k.sk && (this.skValue !== '' || (this.skCondition === 'between' && this.skValue2 !== ''))) {
        names['#sk'] = k.sk;
        const what = `Sort key ${k.sk}`;
        if (this.skCondition === 'between') {
          values[':sk1'] = valueOf(k.skType!, this.skValue, what);
          values[':sk2'] = valueOf(k.skType!, this.skValue2, what);
          condition += ' AND #sk BETWEEN :sk1 AND :sk2';
        } else if (this.skCondition === 'begins_with') {
          values[':sk'] = valueOf(k.skType!, this.skValue, what);
          condition += ' AND begins_with(#sk, :sk)';
        } else {
          values[':sk'] = valueOf(k.skType!, this.skValue, what);
          condition += ` AND #sk ${this.skCondition} :sk`;
        }
      }
      out = { ...base, KeyConditionExpression: condition, ScanIndexForward: !this.descending } as QueryInput;
    }
    if (filter) out.FilterExpression = filter.expression;
    if (Object.keys(names).length) out.ExpressionAttributeNames = names;
    if (Object.keys(values).length) out.ExpressionAttributeValues = values;
    return out;
  }

  /** Run: the first page of the form's Scan or Query. */
  async run(t: TableDescription): Promise<void> {
    this.formError = null;
    let request: ScanInput | QueryInput;
    try {
      request = this.build(t);
    } catch (e) {
      this.formError = (e as Error).message;
      return;
    }
    remembered[this.tableName] = $state.snapshot(this.form()) as ExploreForm;
    this.request = request;
    this.pages = [];
    this.page = 0;
    this.nextKey = undefined;
    this.scanned = 0;
    this.ran = { mode: this.mode, index: this.index };
    await this.fetch(undefined);
  }

  /** Run again from the first page (after items changed). */
  async rerun(): Promise<void> {
    if (!this.request) return;
    this.pages = [];
    this.page = 0;
    this.nextKey = undefined;
    this.scanned = 0;
    await this.fetch(undefined);
  }

  async next(): Promise<void> {
    if (this.page < this.pages.length - 1) {
      this.page++;
      return;
    }
    if (!this.nextKey) return;
    if (await this.fetch(this.nextKey)) this.page = this.pages.length - 1;
  }

  previous(): void {
    if (this.page > 0) this.page--;
  }

  /** Forget items just deleted from the page shown. */
  drop(ids: string[], idOf: (item: Item) => string): void {
    this.pages = this.pages.map((p) => p.filter((item) => !ids.includes(idOf(item))));
  }

  private form(): ExploreForm {
    return {
      mode: this.mode,
      index: this.index,
      pkValue: this.pkValue,
      skCondition: this.skCondition,
      skValue: this.skValue,
      skValue2: this.skValue2,
      descending: this.descending,
      filters: this.filters,
    };
  }

  private async fetch(start: Record<string, AttributeValue> | undefined): Promise<boolean> {
    if (!this.request) return false;
    this.running = true;
    this.error = null;
    try {
      const input = { ...this.request, ...(start ? { ExclusiveStartKey: start } : {}) };
      const out =
        'KeyConditionExpression' in input && input.KeyConditionExpression
          ? await aws('dynamodb', 'Query', this.region, input as QueryInput)
          : await aws('dynamodb', 'Scan', this.region, input as ScanInput);
      this.pages = [...this.pages, (out.Items ?? []) as Item[]];
      this.nextKey = out.LastEvaluatedKey as Record<string, AttributeValue> | undefined;
      this.scanned += out.ScannedCount ?? 0;
      return true;
    } catch (e) {
      this.error = errorText(e);
      return false;
    } finally {
      this.running = false;
    }
  }
}
