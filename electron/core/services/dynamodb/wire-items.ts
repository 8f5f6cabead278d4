/**
 * Items answered as the text they are stored as. A stored item (stored-item.ts) is the
 * DynamoDB JSON of its attribute map — binary as base64 behind a leading "!" — which is byte
 * for byte what the json codec would write for it. Reads that return whole items (GetItem,
 * Query and Scan with no filter or projection) hand that text to the codec to splice into the
 * answer, instead of parsing every item and having the codec walk and serialise it again.
 *
 * The output still reads as plain values for every other caller (the console, the instance's
 * aws command, tests): the member is a getter that parses the stored text on first use.
 */
import type { Item } from './attribute-value';
import { parseItem } from './stored-item';

/**
 * Where an output keeps members already encoded as wire JSON: the json codec's key (see
 * electron/gateway/protocols/pre-encoded.ts; a registry symbol, as core must not import the
 * gateway).
 */
export const PRE_ENCODED: unique symbol = Symbol.for('cloudlab.protocol.preEncodedJson');

/** The wire JSON of a stored item's text: the text itself, less its binary marker. */
export function wireJson(stored: string): string {
  return stored.charCodeAt(0) === 0x21 /* ! */ ? stored.slice(1) : stored;
}

/**
 * Set `out[name]` to `parse()`'s value, parsed on first read, and encoded as `json` meanwhile
 * (its text, or a list's element texts).
 */
function define<T extends object>(out: T, name: string, json: string | string[], parse: () => unknown): T {
  let pre = (out as { [PRE_ENCODED]?: Record<string, string | string[]> })[PRE_ENCODED];
  if (!pre) {
    pre = {};
    // Not enumerable: spreads and copies of the output carry the plain values only.
    Object.defineProperty(out, PRE_ENCODED, { value: pre, enumerable: false, configurable: true });
  }
  pre[name] = json;
  const members = pre;
  let value: unknown;
  let parsed = false;
  Object.defineProperty(out, name, {
    enumerable: true,
    configurable: true,
    get() {
      if (!parsed) {
        value = parse();
        parsed = true;
      }
      return value;
    },
    // Whoever replaces the value replaces the text too: the codec must then encode the value.
    set(v: unknown) {
      delete members[name];
      Object.defineProperty(out, name, { value: v, enumerable: true, configurable: true, writable: true });
    },
  });
  return out;
}

/** `out[name]` is the item stored as `stored`. */
export function withStoredItem<T extends object>(out: T, name: string, stored: string): T {
  return define(out, name, wireJson(stored), () => parseItem(stored));
}

/** `out[name]` is the list of the items stored as `stored`, in order. */
export function withStoredItems<T extends object>(out: T, name: string, stored: string[]): T {
  return define(out, name, stored.map(wireJson), (): Item[] => stored.map(parseItem));
}
