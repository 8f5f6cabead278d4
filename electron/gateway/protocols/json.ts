/**
 * The json protocol (DynamoDB and friends): POST /, `X-Amz-Target: Prefix.Operation`, a JSON
 * body in and out. Timestamps are epoch seconds, blobs base64. Errors carry `__type`.
 * JsonShapes also serves rest-json bodies.
 */
import { crc32 } from 'node:zlib';
import { borrow, releaseAfterWrite, shrink } from '../../core/kernel/read-buffers';
import { AwsError } from '../../core/kernel/errors';
import type { GatewayRequest, WireResponse } from '../http';
import type { OperationModel, ServiceModel, Shape } from '../model';
import { missingRequired, nullValidationMessage, type CodecOptions, type ProtocolCodec } from './codec';
import { preEncodedOf, type PreEncoded } from './pre-encoded';
import { formatTimestamp, fromBase64, toBase64, toDate } from './values';
import { defaultRequestIdHeaders, type WireOptions } from './wire-options';

const MAX_DEPTH = 128;

export function serializationError(message: string): AwsError {
  return new AwsError('SerializationException', message);
}

/** JSON values <-> SDK values, checked against the shape. */
export class JsonShapes {
  constructor(private readonly model: ServiceModel) {}

  /** Parse a JSON body; an empty body is an empty object. */
  parseBody(body: Buffer): unknown {
    if (body.length === 0) return {};
    try {
      return JSON.parse(body.toString('utf8')) as unknown;
    } catch {
      throw serializationError(
        'Start of structure or map found where not expected; the request body is not valid JSON.',
      );
    }
  }

  read(value: unknown, shape: Shape, path: string, depth = 0): unknown {
    if (value === null) return undefined;
    // Recursive shapes (DynamoDB's AttributeValue) must not let a request exhaust the stack.
    if (depth > MAX_DEPTH)
      throw serializationError(`The request nests values more than ${MAX_DEPTH} levels deep.`);
    switch (shape.type) {
      case 'structure': {
        if (!isObject(value)) throw mismatch(path, 'an object', value);
        const out: Record<string, unknown> = {};
        for (const [name, member] of this.model.members(shape)) {
          const key = member.locationName ?? name;
          if (Object.prototype.hasOwnProperty.call(value, key)) {
            const v = this.read(value[key], member, path ? `${path}.${key}` : key, depth + 1);
            if (v !== undefined) out[name] = v;
          }
        }
        return out;
      }
      case 'list': {
        if (!Array.isArray(value)) throw mismatch(path, 'a list', value);
        const member = this.model.resolve(shape.member ?? {});
        return value.map((v, i) => this.read(v, member, `${path}[${i}]`, depth + 1));
      }
      case 'map': {
        if (!isObject(value)) throw mismatch(path, 'a map', value);
        const val = this.model.resolve(shape.value ?? {});
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) out[k] = this.read(v, val, `${path}.${k}`, depth + 1);
        return out;
      }
      case 'string':
        if (typeof value !== 'string') throw mismatch(path, 'a string', value);
        return value;
      case 'boolean':
        if (typeof value !== 'boolean') throw mismatch(path, 'a boolean', value);
        return value;
      case 'integer':
      case 'long':
        if (typeof value !== 'number' || !Number.isInteger(value)) throw mismatch(path, 'an integer', value);
        return value;
      case 'float':
      case 'double':
        if (typeof value === 'number') return value;
        if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') return Number(value);
        throw mismatch(path, 'a number', value);
      case 'timestamp': {
        const d = typeof value === 'number' || typeof value === 'string' ? toDate(value) : undefined;
        if (!d) throw mismatch(path, 'a timestamp', value);
        return d;
      }
      case 'blob': {
        const bytes = typeof value === 'string' ? fromBase64(value) : undefined;
        if (!bytes) throw mismatch(path, 'base64-encoded binary data', value);
        return bytes;
      }
    }
  }

  /**
   * The UTF-8 JSON of an output structure whose members in `pre` are already wire JSON: the
   * same bytes as JSON.stringify(this.write(value, shape)), members in the model's order.
   */
  writeSpliced(value: Record<string, unknown>, shape: Shape, pre: PreEncoded): Buffer {
    const pieces: string[] = [];
    for (const [name, member] of this.model.members(shape)) {
      if (member.location) continue;
      const json = Object.prototype.hasOwnProperty.call(pre, name) ? pre[name] : undefined;
      const v = json === undefined ? this.write(value[name], member) : undefined;
      if (json === undefined && v === undefined) continue;
      pieces.push(`${pieces.length ? ',' : '{'}${JSON.stringify(member.locationName ?? name)}:`);
      if (json === undefined) pieces.push(JSON.stringify(v));
      else if (typeof json === 'string') pieces.push(json);
      else {
        pieces.push('[');
        for (let i = 0; i < json.length; i++) pieces.push(i ? `,${json[i]}` : json[i]!);
        pieces.push(']');
      }
    }
    pieces.push(pieces.length ? '}' : '{}');
    return utf8(pieces);
  }

  write(value: unknown, shape: Shape): unknown {
    if (value === undefined || value === null) return undefined;
    switch (shape.type) {
      case 'structure': {
        const out: Record<string, unknown> = {};
        const obj = value as Record<string, unknown>;
        for (const [name, member] of this.model.members(shape)) {
          if (member.location) continue;
          const v = this.write(obj[name], member);
          if (v !== undefined) out[member.locationName ?? name] = v;
        }
        return out;
      }
      case 'list': {
        const member = this.model.resolve(shape.member ?? {});
        return (value as unknown[]).map((v) => this.write(v, member) ?? null);
      }
      case 'map': {
        const val = this.model.resolve(shape.value ?? {});
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value as Record<string, unknown>))
          out[k] = this.write(v, val) ?? null;
        return out;
      }
      case 'timestamp':
        return formatTimestamp(value, shape.timestampFormat ?? 'unixTimestamp');
      case 'blob':
        return toBase64(value);
      case 'float':
      case 'double': {
        const n = Number(value);
        return Number.isFinite(n) ? n : String(n);
      }
      default:
        return value;
    }
  }
}

export class JsonCodec implements ProtocolCodec {
  readonly operationInBody = false;
  readonly model: ServiceModel;
  private readonly shapes: JsonShapes;
  private readonly wire: WireOptions;
  private readonly contentType: string;

  constructor(options: CodecOptions) {
    this.model = options.model;
    this.wire = options.wire;
    this.shapes = new JsonShapes(this.model);
    this.contentType = `application/x-amz-json-${this.model.metadata.jsonVersion ?? '1.0'}`;
  }

  findOperation(req: GatewayRequest): OperationModel | undefined {
    const target = req.headers['x-amz-target'] ?? '';
    const dot = target.lastIndexOf('.');
    if (dot < 0 || target.slice(0, dot) !== this.model.metadata.targetPrefix) return undefined;
    return this.model.operation(target.slice(dot + 1));
  }

  unknownOperation(req: GatewayRequest): AwsError {
    const target = req.headers['x-amz-target'];
    return new AwsError(
      'UnknownOperationException',
      target ? `Unknown operation ${target}` : 'The request has no X-Amz-Target header naming an operation.',
    );
  }

  decode(req: GatewayRequest, op: OperationModel): Record<string, unknown> {
    const body = this.shapes.parseBody(req.body);
    if (!op.input) return {};
    const input = this.shapes.read(body, op.input, '') as Record<string, unknown>;
    const missing = missingRequired(this.model, op.input, input);
    if (missing.length > 0)
      throw new AwsError(
        this.wire.missingMemberCode ?? 'ValidationException',
        nullValidationMessage(missing),
      );
    return input;
  }

  encode(_req: GatewayRequest, op: OperationModel, output: unknown, requestId: string): WireResponse {
    const pre = op.output ? preEncodedOf(output) : undefined;
    // A spliced answer can be megabytes: encoded to UTF-8 once, for the checksum and the socket
    // alike (a string would be encoded by each).
    const body = pre
      ? this.shapes.writeSpliced(output as Record<string, unknown>, op.output!, pre)
      : JSON.stringify(op.output ? (this.shapes.write(output ?? {}, op.output) ?? {}) : {});
    return { status: 200, headers: this.headers(requestId, body), body };
  }

  encodeError(_req: GatewayRequest, error: AwsError, requestId: string): WireResponse {
    const type = this.wire.jsonErrorType ? this.wire.jsonErrorType(error.code) : error.code;
    // The minified models carry no error shapes: extra members follow the protocol's own rules
    // (bytes as base64, instants as epoch seconds).
    const extra = error.extra ? (plainJson(error.extra) as Record<string, unknown>) : {};
    const body = JSON.stringify({ __type: type, message: error.message, ...error.fields, ...extra });
    return { status: error.status, headers: { ...this.headers(requestId, body), ...error.headers }, body };
  }

  private headers(requestId: string, body: string | Buffer): Record<string, string> {
    const headers: Record<string, string> = {
      'content-type': this.contentType,
      ...defaultRequestIdHeaders(requestId),
    };
    if (this.wire.crc32) headers['x-amz-crc32'] = String(crc32(body));
    return headers;
  }
}

/**
 * Strings in one UTF-8 buffer, each written in place: a page of items is megabytes, and
 * joining it into one string to encode it after doubles the copying (and the garbage).
 */
function utf8(pieces: string[]): Buffer {
  let units = 0;
  for (const p of pieces) units += p.length;
  // JSON is mostly ASCII, a byte a code unit: room for that and some more; sized exactly (a
  // code unit is up to 3 bytes) only when the rest might not fit.
  // Borrowed (kernel/read-buffers.ts): a page answer of a few hundred KB would otherwise be
  // fresh memory every call, and V8 collects often when that much comes and goes outside its heap.
  let buf = borrow(units + (units >> 3) + 16);
  let at = 0;
  let exact = false;
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i]!;
    if (!exact && buf.length - at < p.length * 3) {
      let need = at;
      for (let j = i; j < pieces.length; j++) need += Buffer.byteLength(pieces[j]!, 'utf8');
      if (need > buf.length) {
        const bigger = borrow(need);
        buf.copy(bigger, 0, 0, at);
        releaseAfterWrite(buf); // copied out, and nothing else has it
        buf = bigger;
      }
      exact = true;
    }
    at += buf.write(p, at, 'utf8');
  }
  return shrink(buf, at);
}

function plainJson(value: unknown): unknown {
  if (value instanceof Uint8Array) return toBase64(value);
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(plainJson);
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = plainJson(v);
    return out;
  }
  return value;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function mismatch(path: string, expected: string, got: unknown): AwsError {
  const kind = Array.isArray(got)
    ? 'a list'
    : got === null
      ? 'null'
      : typeof got === 'object'
        ? 'an object'
        : `a ${typeof got}`;
  return serializationError(`Expected ${expected}${path ? ` at '${path}'` : ''} but found ${kind}.`);
}
