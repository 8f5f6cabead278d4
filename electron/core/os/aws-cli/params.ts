/**
 * Turning `--param value …` into an operation's input the way the AWS CLI does: parameter
 * names are the members' names in kebab case, lists take several values, structures and maps
 * take shorthand (`Key=a,Value=b`) or JSON, booleans are `--flag` / `--no-flag`, blobs are
 * base64 unless `--cli-binary-format raw-in-base64-out`, and `file://` / `fileb://` read files.
 */
import { xformName, type CliModel, type RawShape } from './models';

export class ParamError extends Error {}

export interface ParamContext {
  readFile: (path: string) => Promise<Uint8Array | null>;
  rawBlobs: boolean;
}

/** Parse shorthand syntax into plain values (strings, lists, objects). */
export function parseShorthand(text: string): unknown {
  let i = 0;
  const s = text;
  const value = (stop: string): unknown => {
    if (s[i] === '{') {
      i++;
      const obj = members('}');
      i++;
      return obj;
    }
    if (s[i] === '[') {
      i++;
      const list: unknown[] = [];
      while (i < s.length && s[i] !== ']') {
        list.push(value(',]'));
        if (s[i] === ',') i++;
      }
      i++;
      return list;
    }
    let out = '';
    const quote = s[i] === '"' || s[i] === "'" ? s[i] : null;
    if (quote) {
      i++;
      while (i < s.length && s[i] !== quote) out += s[i++];
      i++;
      return out;
    }
    while (i < s.length && !stop.includes(s[i]!)) out += s[i++];
    return out.trim();
  };
  const members = (end: string): Record<string, unknown> => {
    const obj: Record<string, unknown> = {};
    let last: string | null = null;
    while (i < s.length && s[i] !== end) {
      const start = i;
      while (i < s.length && s[i] !== '=' && s[i] !== ',' && s[i] !== end) i++;
      if (s[i] === '=') {
        last = s.slice(start, i).trim();
        i++;
        obj[last] = value(`,${end}`);
      } else if (last !== null) {
        // `Values=a,b,c`: bare words after a key extend its list.
        const word = s.slice(start, i).trim();
        const prev = obj[last];
        obj[last] = Array.isArray(prev) ? [...prev, word] : [prev, word];
      } else throw new ParamError(`Expected: '=', received: '${s[i] ?? 'EOF'}' for input:\n${text}`);
      if (s[i] === ',') i++;
    }
    return obj;
  };
  return members('\u0000');
}

async function fileValue(raw: string, ctx: ParamContext): Promise<string | Uint8Array> {
  const m = /^(fileb?):\/\/(.+)$/.exec(raw);
  if (!m) return raw;
  const data = await ctx.readFile(m[2]!);
  if (!data)
    throw new ParamError(
      `Error parsing parameter: Unable to load paramfile ${raw}: [Errno 2] No such file or directory: '${m[2]}'`,
    );
  return m[1] === 'fileb' ? data : new TextDecoder().decode(data);
}

/** Coerce a plain value (from shorthand or JSON) to a shape. */
export function coerce(
  model: CliModel,
  ref: RawShape,
  value: unknown,
  name: string,
  ctx: ParamContext,
): unknown {
  const shape = model.resolve(ref);
  const bad = (): never => {
    throw new ParamError(
      `Parameter validation failed:\nInvalid type for parameter ${name}, value: ${String(value)}, type: ${typeof value}, valid types: ${shape.type}`,
    );
  };
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad();
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        const member = shape.members?.[k];
        if (!member)
          throw new ParamError(
            `Parameter validation failed:\nUnknown parameter in ${name}: "${k}", must be one of: ${Object.keys(shape.members ?? {}).join(', ')}`,
          );
        out[k] = coerce(model, member, v, `${name}.${k}`, ctx);
      }
      return out;
    }
    case 'list': {
      const list = Array.isArray(value) ? value : [value];
      return list.map((v, i) => coerce(model, shape.member ?? {}, v, `${name}[${i}]`, ctx));
    }
    case 'map': {
      if (typeof value !== 'object' || value === null) return bad();
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, coerce(model, shape.value ?? {}, v, `${name}.${k}`, ctx)]),
      );
    }
    case 'integer':
    case 'long': {
      const n = typeof value === 'number' ? value : Number(value);
      return Number.isInteger(n) ? n : bad();
    }
    case 'float':
    case 'double': {
      const n = typeof value === 'number' ? value : Number(value);
      return Number.isFinite(n) ? n : bad();
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      return bad();
    case 'timestamp': {
      const d = typeof value === 'number' ? new Date(value * 1000) : new Date(String(value));
      return Number.isNaN(d.getTime()) ? bad() : d;
    }
    case 'blob':
      if (value instanceof Uint8Array) return value;
      return ctx.rawBlobs
        ? new TextEncoder().encode(String(value))
        : new Uint8Array(Buffer.from(String(value), 'base64'));
    default:
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
}

/** One `--param` value as written on the command line. */
async function fromText(
  model: CliModel,
  ref: RawShape,
  raw: string,
  name: string,
  ctx: ParamContext,
): Promise<unknown> {
  const shape = model.resolve(ref);
  const loaded = await fileValue(raw, ctx);
  if (loaded instanceof Uint8Array)
    return shape.type === 'blob' ? loaded : coerce(model, ref, new TextDecoder().decode(loaded), name, ctx);
  const text = loaded.trim();
  if (shape.type === 'structure' || shape.type === 'map' || shape.type === 'list') {
    if (/^[[{]/.test(text)) {
      try {
        return coerce(model, ref, JSON.parse(text), name, ctx);
      } catch (e) {
        if (e instanceof ParamError) throw e;
        if (shape.type !== 'list')
          throw new ParamError(`Error parsing parameter '--${xformName(name)}': Invalid JSON:\n${text}`);
      }
    }
    if (shape.type === 'list') {
      const member = model.resolve(shape.member ?? {});
      const item = member.type === 'structure' || member.type === 'map' ? parseShorthand(text) : text;
      return [coerce(model, shape.member ?? {}, item, name, ctx)];
    }
    return coerce(model, ref, parseShorthand(text), name, ctx);
  }
  return coerce(model, ref, loaded, name, ctx);
}

export interface BuiltInput {
  input: Record<string, unknown>;
  positional: string[];
}

/** The operation's input from its `--param` arguments; other words come back as positional. */
export async function buildInput(
  model: CliModel,
  operation: string,
  args: string[],
  ctx: ParamContext,
): Promise<BuiltInput> {
  const shape = model.input(operation);
  const members = shape.members ?? {};
  const byFlag = new Map(Object.keys(members).map((k) => [xformName(k), k]));
  const input: Record<string, unknown> = {};
  const positional: string[] = [];
  const unknown: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    // The CLI's customisation of `lambda create-function`: `--zip-file fileb://…` is Code.ZipFile.
    if (
      a === '--zip-file' &&
      operation === 'CreateFunction' &&
      'Code' in members &&
      !('ZipFile' in members)
    ) {
      const value = args[++i];
      if (value === undefined) throw new ParamError('argument --zip-file: expected one argument');
      const loaded = await fileValue(value, ctx);
      const zip = typeof loaded === 'string' ? new TextEncoder().encode(loaded) : loaded;
      input.Code = { ...(input.Code as object | undefined), ZipFile: zip };
      continue;
    }
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const flag = a.slice(2);
    const negated = flag.startsWith('no-') ? byFlag.get(flag.slice(3)) : undefined;
    const name = byFlag.get(flag) ?? negated;
    if (!name) {
      unknown.push(a);
      continue;
    }
    const ref = members[name]!;
    const type = model.resolve(ref).type;
    if (type === 'boolean') {
      input[name] = negated === undefined || byFlag.has(flag);
      continue;
    }
    const values: string[] = [];
    while (i + 1 < args.length && !args[i + 1]!.startsWith('--')) {
      values.push(args[++i]!);
      if (type !== 'list') break;
    }
    if (values.length === 0) throw new ParamError(`argument --${flag}: expected one argument`);
    if (type === 'list' && values.length > 1) {
      const member = model.resolve(model.resolve(ref).member ?? {});
      const items = await Promise.all(
        values.map(async (v) => {
          const loaded = await fileValue(v, ctx);
          const text = typeof loaded === 'string' ? loaded : new TextDecoder().decode(loaded);
          if (member.type === 'structure' || member.type === 'map')
            return /^\s*\{/.test(text) ? JSON.parse(text) : parseShorthand(text);
          return text;
        }),
      );
      input[name] = coerce(model, ref, items, name, ctx);
    } else input[name] = await fromText(model, ref, values[0]!, name, ctx);
  }
  if (unknown.length) throw new ParamError(`Unknown options: ${unknown.join(', ')}`);
  const missing = (shape.required ?? []).filter((r) => !(r in input));
  if (missing.length)
    throw new ParamError(
      `the following arguments are required: ${missing.map((r) => `--${xformName(r)}`).join(', ')}`,
    );
  return { input, positional };
}
