/**
 * The Create item / Edit item editor: the same item in a form view (attribute rows) and a JSON
 * view (DynamoDB JSON); switching views carries the data across. Saving is one PutItem: a new
 * item must not already exist, an edited one must still exist.
 */
import { aws } from '../../../lib/api';
import {
  fromJsonItem,
  newRow,
  parseItemJson,
  rowsOf,
  rowsProblem,
  rowsToJson,
  toJsonItem,
  type AttrRow,
  type AttrType,
  type Item,
} from '../attr';
import { errorCode, errorText, typeLabel } from '../ddb';

export interface KeyAttr {
  name: string;
  type: 'S' | 'N' | 'B';
}

export class ItemEditor {
  view = $state<'form' | 'json'>('form');
  rows = $state<AttrRow[]>([]);
  json = $state('');
  /** Why the view cannot switch (the JSON does not parse). */
  viewError = $state<string | null>(null);
  error = $state<string | null>(null);
  busy = $state(false);
  /** What is wrong with the JSON view's text, as it is typed. */
  jsonProblem = $derived.by(() => {
    if (this.view !== 'json') return null;
    const parsed = parseItemJson(this.json);
    return 'error' in parsed ? parsed.error : null;
  });

  constructor(
    private readonly region: string,
    readonly table: string,
    readonly keys: KeyAttr[],
    /** The item being edited; null creates one. */
    readonly original: Item | null,
  ) {
    this.rows = this.withKeys(original ? rowsOf(original) : []);
  }

  get editing(): boolean {
    return this.original !== null;
  }

  /** Key attributes first, fixed, and present even when empty. */
  private withKeys(rows: AttrRow[]): AttrRow[] {
    const keyRows = this.keys.map((k) => {
      const found = rows.find((r) => r.name === k.name);
      const row = found ?? newRow(k.type as AttrType, k.name);
      row.key = true;
      return row;
    });
    return [...keyRows, ...rows.filter((r) => !this.keys.some((k) => k.name === r.name))];
  }

  showJson(): void {
    if (this.view === 'json') return;
    this.json = JSON.stringify(rowsToJson(this.rows), null, 2);
    this.viewError = null;
    this.view = 'json';
  }

  showForm(): void {
    if (this.view === 'form') return;
    const parsed = parseItemJson(this.json);
    if ('error' in parsed) {
      this.viewError = `Fix the JSON before switching to the form: ${parsed.error}`;
      return;
    }
    this.rows = this.withKeys(rowsOf(parsed.item));
    this.viewError = null;
    this.view = 'form';
  }

  addRow(type: AttrType): void {
    this.rows.push(newRow(type));
  }

  /** The item the current view describes, checked; or what is wrong with it. */
  item(): { item: Item } | { error: string } {
    let item: Item;
    if (this.view === 'json') {
      const parsed = parseItemJson(this.json);
      if ('error' in parsed) return parsed;
      item = parsed.item;
    } else {
      const problem = rowsProblem(this.rows);
      if (problem) return { error: problem };
      try {
        item = fromJsonItem(rowsToJson(this.rows));
      } catch (e) {
        return { error: (e as Error).message };
      }
    }
    for (const k of this.keys) {
      const v = item[k.name];
      if (!v) return { error: `The key attribute ${k.name} is required.` };
      if (!(k.type in v)) return { error: `The key attribute ${k.name} must be a ${typeLabel(k.type)}.` };
      if (k.type === 'S' && v.S === '') return { error: `The key attribute ${k.name} cannot be empty.` };
    }
    if (this.original) {
      const before = JSON.stringify(
        toJsonItem(Object.fromEntries(this.keys.map((k) => [k.name, this.original![k.name]!]))),
      );
      const after = JSON.stringify(
        toJsonItem(Object.fromEntries(this.keys.map((k) => [k.name, item[k.name]!]))),
      );
      if (before !== after)
        return {
          error:
            'The key attributes of an existing item cannot be changed. To store the item under another key, create a new item.',
        };
    }
    return { item };
  }

  async save(): Promise<boolean> {
    const checked = this.item();
    if ('error' in checked) {
      this.error = checked.error;
      return false;
    }
    this.busy = true;
    this.error = null;
    const pk = this.keys[0]!.name;
    try {
      await aws('dynamodb', 'PutItem', this.region, {
        TableName: this.table,
        Item: checked.item,
        ConditionExpression: this.original ? 'attribute_exists(#pk)' : 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': pk },
      });
      return true;
    } catch (e) {
      if (errorCode(e) === 'ConditionalCheckFailedException')
        this.error = this.original
          ? `${errorText(e)} The item no longer exists: it was deleted since you opened it.`
          : `${errorText(e)} An item with the same key already exists. Edit that item instead, or choose another key.`;
      else this.error = errorText(e);
      return false;
    } finally {
      this.busy = false;
    }
  }
}
