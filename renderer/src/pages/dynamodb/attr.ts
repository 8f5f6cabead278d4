/**
 * DynamoDB attribute values in the console: DynamoDB JSON text (binary as base64, as the AWS
 * console writes it), the form view's editable rows, and the short text a results cell shows.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

export type Item = Record<string, AttributeValue>;
export type AttrType = 'S' | 'N' | 'B' | 'BOOL' | 'NULL' | 'L' | 'M' | 'SS' | 'NS' | 'BS';

export const ATTR_TYPES: Array<{ value: AttrType; label: string }> = [
  { value: 'S', label: 'String' },
  { value: 'N', label: 'Number' },
  { value: 'B', label: 'Binary' },
  { value: 'BOOL', label: 'Boolean' },
  { value: 'NULL', label: 'Null' },
  { value: 'L', label: 'List' },
  { value: 'M', label: 'Map' },
  { value: 'SS', label: 'String set' },
  { value: 'NS', label: 'Number set' },
  { value: 'BS', label: 'Binary set' },
];

export function attrTypeLabel(t: AttrType): string {
  return ATTR_TYPES.find((a) => a.value === t)?.label ?? t;
}

/** One attribute of the form view; List and Map rows hold their elements as children. */
export interface AttrRow {
  id: number;
  name: string;
  type: AttrType;
  /** S, N, B (base64): the text; sets: one value per line. */
  value: string;
  bool: boolean;
  children: AttrRow[];
  /** A key attribute: its name and type are fixed, its value required. */
  key?: boolean;
}

let nextRowId = 1;
export function newRow(type: AttrType = 'S', name = ''): AttrRow {
  return { id: nextRowId++, name, type, value: '', bool: true, children: [] };
}

export function bytesToBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return btoa(s);
}

export function base64ToBytes(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(clean))
    throw new Error('is not valid base64');
  const raw = atob(clean);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

function typeOf(v: AttributeValue): AttrType {
  return Object.keys(v).find((k) => v[k as keyof AttributeValue] !== undefined) as AttrType;
}

/** DynamoDB JSON (plain data): binary values as base64 strings. */
export function toJsonValue(v: AttributeValue): unknown {
  const t = typeOf(v);
  switch (t) {
    case 'B':
      return { B: bytesToBase64(v.B!) };
    case 'BS':
      return { BS: v.BS!.map(bytesToBase64) };
    case 'L':
      return { L: v.L!.map(toJsonValue) };
    case 'M':
      return { M: toJsonItem(v.M!) };
    default:
      return { [t]: v[t as keyof AttributeValue] };
  }
}

export function toJsonItem(item: Item): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, toJsonValue(v)]));
}

export function itemToJsonText(item: Item): string {
  return JSON.stringify(toJsonItem(item), null, 2);
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** DynamoDB JSON back to attribute values, with a problem named by its path. */
export function fromJsonValue(raw: unknown, path: string): AttributeValue {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new Error(`${path}: expected an object like {"S": "text"}`);
  const entries = Object.entries(raw as Record<string, unknown>);
  if (entries.length !== 1)
    throw new Error(
      `${path}: an attribute value has exactly one type descriptor (S, N, B, BOOL, NULL, L, M, SS, NS, BS)`,
    );
  const [type, value] = entries[0]!;
  const fail = (what: string) => new Error(`${path}: ${type} ${what}`);
  switch (type) {
    case 'S':
      if (typeof value !== 'string') throw fail('must be a string');
      return { S: value };
    case 'N':
      if (typeof value !== 'string' || !NUMBER.test(value.trim()))
        throw fail('must be a number in a string, like "42"');
      return { N: value.trim() };
    case 'B':
      if (typeof value !== 'string') throw fail('must be a base64 string');
      try {
        return { B: base64ToBytes(value) };
      } catch {
        throw fail('is not valid base64');
      }
    case 'BOOL':
      if (typeof value !== 'boolean') throw fail('must be true or false');
      return { BOOL: value };
    case 'NULL':
      if (value !== true) throw fail('must be true');
      return { NULL: true };
    case 'L':
      if (!Array.isArray(value)) throw fail('must be an array');
      return { L: value.map((v, i) => fromJsonValue(v, `${path}[${i}]`)) };
    case 'M':
      if (!value || typeof value !== 'object' || Array.isArray(value)) throw fail('must be an object');
      return { M: fromJsonItem(value, path) };
    case 'SS':
    case 'NS':
    case 'BS': {
      if (!Array.isArray(value) || value.length === 0) throw fail('must be a non-empty array');
      if (value.some((v) => typeof v !== 'string')) throw fail('must hold strings');
      const list = value as string[];
      if (new Set(list).size !== list.length) throw fail('must not contain duplicates');
      if (type === 'SS') return { SS: list };
      if (type === 'NS') {
        if (list.some((v) => !NUMBER.test(v.trim()))) throw fail('must hold numbers in strings');
        return { NS: list.map((v) => v.trim()) };
      }
      try {
        return { BS: list.map(base64ToBytes) };
      } catch {
        throw fail('must hold base64 strings');
      }
    }
    default:
      throw new Error(`${path}: unknown type descriptor "${type}"`);
  }
}

export function fromJsonItem(raw: unknown, path = ''): Item {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new Error('An item is a JSON object of attributes');
  return Object.fromEntries(
    Object.entries(raw as Record<string, unknown>).map(([k, v]) => [
      k,
      fromJsonValue(v, path ? `${path}.${k}` : k),
    ]),
  );
}

/** Parse the JSON view's text; answers the item or a message saying where it is wrong. */
export function parseItemJson(text: string): { item: Item } | { error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { error: `Invalid JSON: ${(e as Error).message}` };
  }
  try {
    return { item: fromJsonItem(raw) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** Rows from an attribute value (recursively for lists and maps). */
function rowOf(name: string, v: AttributeValue): AttrRow {
  const t = typeOf(v);
  const row = newRow(t, name);
  switch (t) {
    case 'S':
      row.value = v.S!;
      break;
    case 'N':
      row.value = v.N!;
      break;
    case 'B':
      row.value = bytesToBase64(v.B!);
      break;
    case 'BOOL':
      row.bool = v.BOOL!;
      break;
    case 'SS':
      row.value = v.SS!.join('\n');
      break;
    case 'NS':
      row.value = v.NS!.join('\n');
      break;
    case 'BS':
      row.value = v.BS!.map(bytesToBase64).join('\n');
      break;
    case 'L':
      row.children = v.L!.map((x) => rowOf('', x));
      break;
    case 'M':
      row.children = Object.entries(v.M!).map(([k, x]) => rowOf(k, x));
      break;
  }
  return row;
}

export function rowsOf(item: Item): AttrRow[] {
  return Object.entries(item).map(([k, v]) => rowOf(k, v));
}

/** A row as DynamoDB JSON data, without checking values (so switching views keeps everything). */
function rowJson(row: AttrRow): unknown {
  const lines = () =>
    row.value
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean);
  switch (row.type) {
    case 'BOOL':
      return { BOOL: row.bool };
    case 'NULL':
      return { NULL: true };
    case 'L':
      return { L: row.children.map(rowJson) };
    case 'M':
      return { M: Object.fromEntries(row.children.map((c) => [c.name, rowJson(c)])) };
    case 'SS':
      return { SS: row.value.split('\n').filter((s) => s !== '') };
    case 'NS':
    case 'BS':
      return { [row.type]: lines() };
    case 'N':
    case 'B':
      return { [row.type]: row.value.trim() };
    default:
      return { S: row.value };
  }
}

export function rowsToJson(rows: AttrRow[]): Record<string, unknown> {
  return Object.fromEntries(rows.map((r) => [r.name, rowJson(r)]));
}

/** Problems of the form's names: empty or repeated names at any level. */
export function rowsProblem(rows: AttrRow[], path = ''): string | null {
  const seen = new Set<string>();
  for (const r of rows) {
    if (!r.name) return `${path ? `${path}: ` : ''}An attribute name is empty.`;
    if (seen.has(r.name))
      return `${path ? `${path}: ` : ''}The attribute name ${r.name} is used more than once.`;
    seen.add(r.name);
    if (r.type === 'M') {
      const p = rowsProblem(r.children, path ? `${path}.${r.name}` : r.name);
      if (p) return p;
    }
    if (r.type === 'L') {
      for (const [i, c] of r.children.entries()) {
        if (c.type === 'M') {
          const p = rowsProblem(c.children, `${path ? `${path}.` : ''}${r.name}[${i}]`);
          if (p) return p;
        }
      }
    }
  }
  return null;
}

/** The short text of a value in a results cell. */
export function cellText(v: AttributeValue | undefined): string {
  if (!v) return '';
  const t = typeOf(v);
  switch (t) {
    case 'S':
      return v.S!;
    case 'N':
      return v.N!;
    case 'B':
      return bytesToBase64(v.B!);
    case 'BOOL':
      return String(v.BOOL);
    case 'NULL':
      return 'null';
    default:
      return JSON.stringify((toJsonValue(v) as Record<string, unknown>)[t]);
  }
}

/** The key of an item as text (for row identity and the edit page's URL). */
export function keyOf(item: Item, keyNames: string[]): Item {
  return Object.fromEntries(keyNames.filter((k) => item[k]).map((k) => [k, item[k]!]));
}

export function keyJson(item: Item, keyNames: string[]): string {
  return JSON.stringify(toJsonItem(keyOf(item, keyNames)));
}

/** A key value typed into the query form, as the attribute's type wants it. */
export function scalarValue(type: string, text: string): AttributeValue {
  if (type === 'N') return { N: text.trim() };
  if (type === 'B') return { B: base64ToBytes(text) };
  if (type === 'BOOL') return { BOOL: text.trim().toLowerCase() === 'true' };
  if (type === 'NULL') return { NULL: true };
  return { S: text };
}
