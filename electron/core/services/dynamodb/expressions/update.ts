/**
 * Applying an UpdatePlan to an item. Every SET operand is read from the item as it was before
 * the update (DynamoDB evaluates the right-hand sides first), list indexes refer to the
 * original positions (REMOVE a[0], a[1] removes both), and lists are compacted at the end.
 */
import { typeOf, type AttributeValue, type Item } from '../attribute-value';
import { equalValues } from '../compare-values';
import { addNumbers, subtractNumbers } from '../numbers';
import type { PathStep, UpdatePlan, UpdateValue } from './ast';
import { validationError } from './errors';
import { operandValue } from './condition';
import { valueAt } from './paths';

export interface UpdateResult {
  item: Item;
  /** The paths the expression wrote, for ReturnValues UPDATED_OLD / UPDATED_NEW via project(). */
  updatedPaths: PathStep[][];
  /** Top-level attribute names written. */
  attributes: string[];
}

const WRONG_TYPE = 'An operand in the update expression has an incorrect data type';
const BAD_PATH = 'The document path provided in the update expression is invalid for update';
const MISSING = 'The provided expression refers to an attribute that does not exist in the item';

function resolve(value: UpdateValue, item: Item): AttributeValue {
  switch (value.kind) {
    case 'path':
    case 'value':
    case 'size': {
      const found = operandValue(value, item);
      if (!found) throw validationError(MISSING);
      return found;
    }
    case 'plus':
    case 'minus': {
      const left = resolve(value.left, item);
      const right = resolve(value.right, item);
      if (!('N' in left) || !('N' in right)) throw validationError(WRONG_TYPE);
      return { N: (value.kind === 'plus' ? addNumbers : subtractNumbers)(left.N, right.N) };
    }
    case 'list_append': {
      const left = resolve(value.left, item);
      const right = resolve(value.right, item);
      if (!('L' in left) || !('L' in right)) throw validationError(WRONG_TYPE);
      return { L: [...left.L, ...right.L] };
    }
    case 'if_not_exists':
      return valueAt(item, value.path) ?? resolve(value.fallback, item);
  }
}

/** A container a path's last step writes into: the item, a map or a list. */
type Slot =
  | { kind: 'map'; map: Record<string, AttributeValue>; key: string }
  | { kind: 'list'; list: AttributeValue[]; index: number };

function slotFor(item: Item, path: PathStep[]): Slot {
  const last = path[path.length - 1];
  if (path.length === 1 && typeof last === 'string') return { kind: 'map', map: item, key: last };
  const parent = valueAt(item, path.slice(0, -1));
  if (parent && typeof last === 'string' && 'M' in parent) {
    return { kind: 'map', map: parent.M, key: last };
  }
  if (parent && typeof last === 'number' && 'L' in parent) {
    return { kind: 'list', list: parent.L, index: last };
  }
  throw validationError(BAD_PATH);
}

function read(slot: Slot): AttributeValue | undefined {
  if (slot.kind === 'list') return slot.list[slot.index];
  return Object.hasOwn(slot.map, slot.key) ? slot.map[slot.key] : undefined;
}

function write(slot: Slot, value: AttributeValue): void {
  // A list index past the end leaves a hole that compaction closes: the value is appended.
  if (slot.kind === 'list') slot.list[slot.index] = value;
  else slot.map[slot.key] = value;
}

function erase(slot: Slot): void {
  // Deleting leaves a hole so later indexes keep meaning the original positions.
  if (slot.kind === 'list') delete slot.list[slot.index];
  else delete slot.map[slot.key];
}

function setMembers(value: AttributeValue): AttributeValue[] | undefined {
  if ('SS' in value) return value.SS.map((S) => ({ S }));
  if ('NS' in value) return value.NS.map((N) => ({ N }));
  if ('BS' in value) return value.BS.map((B) => ({ B }));
  return undefined;
}

function withMembers(type: string, members: AttributeValue[]): AttributeValue {
  if (type === 'SS') return { SS: members.map((m) => ('S' in m ? m.S : '')) };
  if (type === 'NS') return { NS: members.map((m) => ('N' in m ? m.N : '')) };
  return { BS: members.map((m) => ('B' in m ? m.B : new Uint8Array())) };
}

function add(existing: AttributeValue | undefined, value: AttributeValue): AttributeValue {
  if (!existing) return structuredClone(value);
  if ('N' in value) {
    if (!('N' in existing)) throw validationError(WRONG_TYPE);
    return { N: addNumbers(existing.N, value.N) };
  }
  const type = typeOf(value);
  const current = setMembers(existing);
  const extra = setMembers(value);
  if (!current || !extra || typeOf(existing) !== type) throw validationError(WRONG_TYPE);
  const merged = [...current];
  for (const m of extra) if (!merged.some((c) => equalValues(c, m))) merged.push(m);
  return withMembers(type, merged);
}

/** Undefined when nothing is left: DynamoDB removes an emptied set. */
function remove(existing: AttributeValue, value: AttributeValue): AttributeValue | undefined {
  const type = typeOf(value);
  const current = setMembers(existing);
  const gone = setMembers(value) ?? [];
  if (!current || typeOf(existing) !== type) throw validationError(WRONG_TYPE);
  const left = current.filter((c) => !gone.some((g) => equalValues(c, g)));
  return left.length ? withMembers(type, left) : undefined;
}

/** Closes the holes REMOVE and out-of-range SET left, keeping the remaining order. */
function compact(value: AttributeValue): AttributeValue {
  if ('L' in value) return { L: value.L.filter(() => true).map(compact) };
  if ('M' in value) {
    const M: Record<string, AttributeValue> = {};
    for (const [k, v] of Object.entries(value.M)) M[k] = compact(v);
    return { M };
  }
  return value;
}

export function applyUpdate(item: Item | undefined, plan: UpdatePlan): UpdateResult {
  const before = item ?? {};
  // Right-hand sides first, against the unchanged item.
  const setValues = plan.actions.map((a) => (a.action === 'SET' ? resolve(a.value, before) : undefined));
  const after: Item = structuredClone(before);
  plan.actions.forEach((action, i) => {
    const slot = slotFor(after, action.path);
    const existing = read(slot);
    switch (action.action) {
      case 'SET':
        write(slot, structuredClone(setValues[i] as AttributeValue));
        break;
      case 'REMOVE':
        erase(slot);
        break;
      case 'ADD':
        write(slot, add(existing, action.value));
        break;
      case 'DELETE': {
        if (!existing) break;
        const rest = remove(existing, action.value);
        if (rest) write(slot, rest);
        else erase(slot);
        break;
      }
    }
  });
  const result: Item = {};
  for (const [name, value] of Object.entries(after)) result[name] = compact(value);
  return { item: result, updatedPaths: plan.paths, attributes: plan.attributes };
}
