/**
 * CloudWatch Logs filter patterns: compiled once per request into a matcher of event messages.
 *
 *  - terms: `ERROR`, `"quoted phrase"`, `-exclusion`, `?optional` (at least one of the `?`
 *    terms must appear), `%regular expression%`; case-sensitive; unquoted terms hold only
 *    letters, digits and underscores (AWS: "Invalid character(s) in term '…'");
 *  - JSON patterns: `{ $.level = "ERROR" }`, `{ $.latency > 100 && $.user.id != "x*" }`,
 *    `||`, parentheses, `IS TRUE|FALSE|NULL`, `NOT EXISTS`, `$.list[0]`;
 *  - space-delimited patterns: `[ip, user, ..., status = 4*, bytes > 1000]`.
 *  - an empty pattern, or `""`, matches everything.
 */
import { invalidParameter } from './errors';

export type Matcher = (message: string) => boolean;

export function compileFilterPattern(pattern: string | undefined): Matcher {
  const text = (pattern ?? '').trim();
  if (text === '' || text === '""') return () => true;
  if (text.startsWith('{')) return compileJson(text);
  if (text.startsWith('[')) return compileDelimited(text);
  return compileTerms(text);
}

function invalidPattern(detail = 'Invalid filter pattern'): Error {
  return invalidParameter(detail);
}

// ---- terms ------------------------------------------------------------------------------------

type Term = { kind: 'text'; value: string } | { kind: 'regex'; value: RegExp };

function compileTerms(text: string): Matcher {
  const required: Term[] = [];
  const optional: Term[] = [];
  const excluded: Term[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    let bucket = required;
    if (text[i] === '?') {
      bucket = optional;
      i++;
    } else if (text[i] === '-') {
      bucket = excluded;
      i++;
    }
    if (text[i] === '"') {
      const { value, end } = readQuoted(text, i);
      bucket.push({ kind: 'text', value });
      i = end;
    } else if (text[i] === '%') {
      const close = text.indexOf('%', i + 1);
      if (close < 0) throw invalidPattern();
      bucket.push({ kind: 'regex', value: compileRegex(text.slice(i + 1, close)) });
      i = close + 1;
    } else {
      let end = i;
      while (end < text.length && !/\s/.test(text[end]!)) end++;
      const term = text.slice(i, end);
      const bad = [...term].filter((ch) => !/[\p{L}\p{N}_]/u.test(ch)).join('');
      if (bad || term === '')
        throw invalidParameter(`Invalid character(s) in term '${bad || text[i] || ''}'`);
      bucket.push({ kind: 'text', value: term });
      i = end;
    }
  }
  const has = (message: string, t: Term) =>
    t.kind === 'text' ? message.includes(t.value) : t.value.test(message);
  return (message) =>
    required.every((t) => has(message, t)) &&
    (optional.length === 0 || optional.some((t) => has(message, t))) &&
    !excluded.some((t) => has(message, t));
}

function readQuoted(text: string, start: number): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '\\' && i + 1 < text.length) {
      value += text[i + 1];
      i += 2;
      continue;
    }
    if (ch === '"') return { value, end: i + 1 };
    value += ch;
    i++;
  }
  throw invalidPattern();
}

function compileRegex(source: string): RegExp {
  try {
    return new RegExp(source);
  } catch {
    throw invalidPattern();
  }
}

/** `*` is a wildcard in values; everything else literal. */
function wildcard(value: string): (s: string) => boolean {
  if (!value.includes('*')) return (s) => s === value;
  const re = new RegExp(`^${value.split('*').map(escapeRegex).join('.*')}$`, 's');
  return (s) => re.test(s);
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// ---- JSON patterns ----------------------------------------------------------------------------

type Tok = { t: 'sym' | 'str' | 'num' | 'word' | 'sel'; v: string };

function tokenizeExpr(text: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (['&&', '||', '!=', '<=', '>=', '=='].includes(two)) {
      out.push({ t: 'sym', v: two === '==' ? '=' : two });
      i += 2;
      continue;
    }
    if ('()=<>,'.includes(ch)) {
      out.push({ t: 'sym', v: ch });
      i++;
      continue;
    }
    if (ch === '"') {
      const { value, end } = readQuoted(text, i);
      out.push({ t: 'str', v: value });
      i = end;
      continue;
    }
    if (ch === '$') {
      let end = i + 1;
      while (end < text.length && /[\p{L}\p{N}_.$[\]*-]/u.test(text[end]!)) end++;
      out.push({ t: 'sel', v: text.slice(i, end) });
      i = end;
      continue;
    }
    let end = i;
    while (end < text.length && !/[\s()=<>!,&|"]/.test(text[end]!)) end++;
    if (end === i) throw invalidParameter(`Invalid character(s) in term '${ch}'`);
    const word = text.slice(i, end);
    out.push({ t: /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(word) ? 'num' : 'word', v: word });
    i = end;
  }
  return out;
}

type Path = (string | number)[];

function parseSelector(sel: string): Path {
  if (sel === '$') return [];
  const path: Path = [];
  const re = /\.([\p{L}\p{N}_$-]+|\*)|\[(\d+|\*)\]/uy;
  re.lastIndex = 1;
  while (re.lastIndex < sel.length) {
    const at = re.lastIndex;
    const m = re.exec(sel);
    if (!m || m.index !== at) throw invalidParameter(`Invalid character(s) in term '${sel.slice(at)}'`);
    if (m[1] !== undefined) path.push(m[1]);
    else path.push(m[2] === '*' ? '*' : Number(m[2]));
  }
  return path;
}

const MISSING = Symbol('missing');

function resolve(value: unknown, path: Path): unknown[] {
  let current: unknown[] = [value];
  for (const step of path) {
    const next: unknown[] = [];
    for (const v of current) {
      if (step === '*') {
        if (Array.isArray(v)) next.push(...(v as unknown[]));
        else if (v && typeof v === 'object') next.push(...Object.values(v));
      } else if (typeof step === 'number') {
        if (Array.isArray(v) && step < v.length) next.push(v[step]);
      } else if (
        v &&
        typeof v === 'object' &&
        !Array.isArray(v) &&
        Object.prototype.hasOwnProperty.call(v, step)
      ) {
        next.push((v as Record<string, unknown>)[step]);
      }
    }
    current = next;
  }
  return current.length > 0 ? current : [MISSING];
}

type Pred<T> = (value: T) => boolean;

/** A comparison of one value with a literal, shared by JSON and space-delimited patterns. */
function comparison(op: string, literal: Tok): Pred<unknown> {
  if (literal.t === 'num') {
    const n = Number(literal.v);
    const cmp: Record<string, (a: number) => boolean> = {
      '=': (a) => a === n,
      '!=': (a) => a !== n,
      '<': (a) => a < n,
      '<=': (a) => a <= n,
      '>': (a) => a > n,
      '>=': (a) => a >= n,
    };
    const f = cmp[op];
    if (!f) throw invalidPattern();
    return (v) => {
      const a = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      return !Number.isNaN(a) && f(a);
    };
  }
  if (op !== '=' && op !== '!=') throw invalidPattern();
  const match = wildcard(literal.v);
  return op === '=' ? (v) => typeof v === 'string' && match(v) : (v) => typeof v === 'string' && !match(v);
}

class ExprParser<T> {
  private i = 0;
  constructor(
    private readonly toks: Tok[],
    private readonly atom: (p: ExprParser<T>) => Pred<T>,
  ) {}

  peek(): Tok | undefined {
    return this.toks[this.i];
  }

  next(): Tok {
    const t = this.toks[this.i++];
    if (!t) throw invalidPattern();
    return t;
  }

  accept(v: string): boolean {
    const t = this.peek();
    if (t && t.t === 'sym' && t.v === v) {
      this.i++;
      return true;
    }
    return false;
  }

  done(): boolean {
    return this.i >= this.toks.length;
  }

  or(): Pred<T> {
    const parts = [this.and()];
    while (this.accept('||')) parts.push(this.and());
    return parts.length === 1 ? parts[0]! : (v) => parts.some((p) => p(v));
  }

  and(): Pred<T> {
    const parts = [this.unary()];
    while (this.accept('&&')) parts.push(this.unary());
    return parts.length === 1 ? parts[0]! : (v) => parts.every((p) => p(v));
  }

  unary(): Pred<T> {
    if (this.accept('(')) {
      const inner = this.or();
      if (!this.accept(')')) throw invalidPattern();
      return inner;
    }
    return this.atom(this);
  }
}

function compileJson(text: string): Matcher {
  if (!text.endsWith('}')) throw invalidPattern();
  const toks = tokenizeExpr(text.slice(1, -1));
  if (toks.length === 0) throw invalidPattern();
  const parser = new ExprParser<unknown>(toks, (p) => {
    const sel = p.next();
    if (sel.t !== 'sel') throw invalidParameter(`Invalid character(s) in term '${sel.v}'`);
    const path = parseSelector(sel.v);
    const t = p.next();
    if (t.t === 'word' && t.v.toUpperCase() === 'IS') {
      const what = p.next().v.toUpperCase();
      const test: Record<string, Pred<unknown>> = {
        TRUE: (v) => v === true,
        FALSE: (v) => v === false,
        NULL: (v) => v === null,
      };
      const f = test[what];
      if (!f) throw invalidPattern();
      return (doc) => resolve(doc, path).some((v) => v !== MISSING && f(v));
    }
    if (t.t === 'word' && t.v.toUpperCase() === 'NOT') {
      if (p.next().v.toUpperCase() !== 'EXISTS') throw invalidPattern();
      return (doc) => resolve(doc, path)[0] === MISSING;
    }
    if (t.t !== 'sym') throw invalidPattern();
    const literal = p.next();
    if (literal.t === 'sym' || literal.t === 'sel') throw invalidPattern();
    const cmp = comparison(t.v, literal);
    return (doc) => resolve(doc, path).some((v) => v !== MISSING && cmp(v));
  });
  const pred = parser.or();
  if (!parser.done()) throw invalidPattern();
  return (message) => {
    let doc: unknown;
    try {
      doc = JSON.parse(message);
    } catch {
      return false;
    }
    return typeof doc === 'object' && doc !== null && pred(doc);
  };
}

// ---- space-delimited patterns -----------------------------------------------------------------

/** The fields of a space-delimited message: "quoted" and [bracketed] groups are one field. */
export function splitFields(message: string): string[] {
  const fields: string[] = [];
  let i = 0;
  while (i < message.length) {
    while (i < message.length && /\s/.test(message[i]!)) i++;
    if (i >= message.length) break;
    const open = message[i]!;
    const close = open === '"' ? '"' : open === '[' ? ']' : null;
    if (close) {
      const end = message.indexOf(close, i + 1);
      if (end >= 0) {
        fields.push(message.slice(i + 1, end));
        i = end + 1;
        continue;
      }
    }
    let end = i;
    while (end < message.length && !/\s/.test(message[end]!)) end++;
    fields.push(message.slice(i, end));
    i = end;
  }
  return fields;
}

interface Column {
  ellipsis: boolean;
  name?: string;
}

function compileDelimited(text: string): Matcher {
  if (!text.endsWith(']')) throw invalidPattern();
  const body = text.slice(1, -1).trim();
  if (body === '') throw invalidPattern();
  const columns: Column[] = [];
  const tests: Pred<Map<string, string>>[] = [];
  for (const part of splitTopLevel(body)) {
    const spec = part.trim();
    if (spec === '...') {
      columns.push({ ellipsis: true });
      continue;
    }
    const toks = tokenizeExpr(spec);
    const first = toks[0];
    if (!first || (first.t !== 'word' && first.t !== 'num')) throw invalidPattern();
    const name = first.v;
    columns.push({ ellipsis: false, name });
    if (toks.length === 1) continue;
    const parser = new ExprParser<Map<string, string>>(toks, (p) => {
      const field = p.next();
      if (field.t !== 'word') throw invalidPattern();
      const op = p.next();
      if (op.t !== 'sym') throw invalidPattern();
      const literal = p.next();
      if (literal.t === 'sym' || literal.t === 'sel') throw invalidPattern();
      const cmp = comparison(op.v, literal);
      return (row) => row.has(field.v) && cmp(row.get(field.v));
    });
    tests.push(parser.or());
    if (!parser.done()) throw invalidPattern();
  }
  return (message) => {
    const row = bindColumns(columns, splitFields(message));
    return row !== null && tests.every((t) => t(row));
  };
}

/** Splits on commas outside quotes. */
function splitTopLevel(body: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch === '"' && body[i - 1] !== '\\') quoted = !quoted;
    if (ch === ',' && !quoted) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

/** Names the fields; `...` takes as many fields as the others leave. Null when they cannot fit. */
function bindColumns(columns: Column[], fields: string[]): Map<string, string> | null {
  const fixed = columns.filter((c) => !c.ellipsis).length;
  const ellipses = columns.length - fixed;
  if (ellipses === 0 ? fields.length !== fixed : fields.length < fixed) return null;
  const spare = fields.length - fixed;
  const row = new Map<string, string>();
  let f = 0;
  let seen = 0;
  for (const c of columns) {
    if (c.ellipsis) {
      seen++;
      // The first ellipsis takes the share left after the later ones.
      f +=
        seen === ellipses
          ? spare - Math.floor(spare / ellipses) * (ellipses - 1)
          : Math.floor(spare / ellipses);
      continue;
    }
    row.set(c.name!, fields[f++]!);
  }
  return row;
}
