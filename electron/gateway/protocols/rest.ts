/**
 * The REST protocols: rest-json (Lambda) and rest-xml (S3, Route 53). An operation is found by
 * HTTP method and URI template (`/2015-03-31/functions/{FunctionName}/invocations`,
 * `/{Bucket}/{Key+}?uploads`); members are bound to URI labels, query parameters, headers,
 * header maps (`x-amz-meta-`), the status code, and a JSON or XML body or raw payload.
 */
import { Readable } from 'node:stream';
import { AwsError } from '../../core/kernel/errors';
import { queryValues, type GatewayRequest, type WireResponse } from '../http';
import type { OperationModel, ServiceModel, Shape } from '../model';
import { missingRequired, nullValidationMessage, type CodecOptions, type ProtocolCodec } from './codec';
import { JsonShapes } from './json';
import {
  formatTimestamp,
  fromBase64,
  parseBoolean,
  parseFloatValue,
  parseInteger,
  parseTimestamp,
} from './values';
import { defaultRequestIdHeaders, type WireOptions } from './wire-options';
import { malformedXml, parseXmlDocument, XmlReader } from './xml-reader';
import { escapeXml, scalarText, XmlWriter } from './xml-writer';

type Segment = { literal: string } | { label: string; greedy: boolean };

interface Route {
  op: OperationModel;
  method: string;
  segments: Segment[];
  query: Array<[string, string | undefined]>;
  /** Required header members (CopyObject is PutObject plus x-amz-copy-source). */
  headers: string[];
  score: number;
}

interface Match {
  op: OperationModel;
  labels: Record<string, string>;
}

/** Compiles every operation's HTTP binding into routes, most specific first. */
export class RestRouter {
  /** By HTTP method, most specific first. */
  private readonly routes = new Map<string, Route[]>();

  constructor(model: ServiceModel) {
    const sorted = model.operationNames
      .map((name) => compile(model, model.operation(name)!))
      // On a shared route the current operation wins over the one it deprecates
      // (GetBucketLifecycleConfiguration over GetBucketLifecycle).
      .sort(
        (a, b) =>
          b.score - a.score ||
          Number(a.op.deprecated ?? false) - Number(b.op.deprecated ?? false) ||
          a.op.name.localeCompare(b.op.name),
      );
    for (const route of sorted) {
      const list = this.routes.get(route.method) ?? [];
      list.push(route);
      this.routes.set(route.method, list);
    }
  }

  /** The last answer for each request: the gateway and the codec ask up to three times. */
  private readonly matched = new WeakMap<
    GatewayRequest,
    { method: string; routePath: string; match: Match | undefined }
  >();

  match(req: GatewayRequest): Match | undefined {
    const known = this.matched.get(req);
    if (known && known.method === req.method && known.routePath === req.routePath) return known.match;
    const match = this.find(req);
    this.matched.set(req, { method: req.method, routePath: req.routePath, match });
    return match;
  }

  private find(req: GatewayRequest): Match | undefined {
    const rawSegments = splitPath(req.routePath);
    const hasQuery = ([k, v]: [string, string | undefined]) =>
      req.query.some(([qk, qv]) => qk === k && (v === undefined || qv === v));
    // Query and header checks first: they are cheap, and rule out most of S3's ~100 routes
    // before any path segment is decoded.
    for (const route of this.routes.get(req.method) ?? []) {
      if (!route.query.every(hasQuery)) continue;
      if (!route.headers.every((h) => req.headers[h] !== undefined)) continue;
      const labels = matchSegments(route.segments, rawSegments);
      if (!labels) continue;
      return { op: route.op, labels };
    }
    return undefined;
  }
}

function compile(model: ServiceModel, op: OperationModel): Route {
  const [pathPart = '/', queryPart = ''] = op.http.requestUri.split('?');
  const segments: Segment[] = splitPath(pathPart).map((s) => {
    const m = /^\{([^}+]+)(\+?)\}$/.exec(s);
    return m ? { label: m[1]!, greedy: m[2] === '+' } : { literal: s };
  });
  const query: Array<[string, string | undefined]> = queryPart
    .split('&')
    .filter(Boolean)
    .map((p) => {
      const eq = p.indexOf('=');
      return eq < 0 ? [p, undefined] : [p.slice(0, eq), p.slice(eq + 1)];
    });
  // Required header and query members tell apart operations that share a path:
  // CopyObject is PutObject plus x-amz-copy-source; UploadPart is PutObject plus ?partNumber&uploadId.
  const required = new Set(op.input?.required ?? []);
  const requiredMembers = op.input ? model.members(op.input).filter(([name]) => required.has(name)) : [];
  const headers = requiredMembers
    .filter(([, m]) => m.location === 'header')
    .map(([name, m]) => (m.locationName ?? name).toLowerCase());
  for (const [name, m] of requiredMembers) {
    const key = m.locationName ?? name;
    if (m.location === 'querystring' && !query.some(([k]) => k === key)) query.push([key, undefined]);
  }
  const literals = segments.filter((s) => 'literal' in s).length;
  const greedy = segments.some((s) => 'label' in s && s.greedy);
  return {
    op,
    method: op.http.method,
    segments,
    query,
    headers,
    score: literals * 1000 + segments.length * 10 + (query.length + headers.length) * 100 - (greedy ? 5 : 0),
  };
}

/** Path segments, ignoring the leading slash and a trailing slash. */
function splitPath(path: string): string[] {
  const trimmed = path.replace(/^\/+/, '').replace(/\/$/, '');
  return trimmed === '' ? [] : trimmed.split('/');
}

function matchSegments(template: Segment[], raw: string[]): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const t = template[i]!;
    if ('literal' in t) {
      if (raw[i] === undefined || safeDecode(raw[i]!) !== t.literal) return undefined;
      continue;
    }
    if (t.greedy) {
      const rest = raw.slice(i).join('/');
      if (rest === '') return undefined;
      labels[t.label] = safeDecode(rest);
      return labels;
    }
    if (raw[i] === undefined || raw[i] === '') return undefined;
    labels[t.label] = safeDecode(raw[i]!);
  }
  return raw.length === template.length ? labels : undefined;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export class RestCodec implements ProtocolCodec {
  readonly operationInBody = false;
  readonly model: ServiceModel;
  private readonly router: RestRouter;
  private readonly json: JsonShapes;
  private readonly xmlReader: XmlReader;
  private readonly wire: WireOptions;
  private readonly isXml: boolean;
  private readonly namespace: string;

  constructor(options: CodecOptions) {
    this.model = options.model;
    this.wire = options.wire;
    this.router = new RestRouter(this.model);
    this.json = new JsonShapes(this.model);
    this.xmlReader = new XmlReader(this.model);
    this.isXml = this.model.protocol === 'rest-xml';
    this.namespace = this.wire.xmlNamespace ?? this.model.metadata.xmlNamespace ?? '';
  }

  findOperation(req: GatewayRequest): OperationModel | undefined {
    return this.router.match(req)?.op;
  }

  unknownOperation(req: GatewayRequest): AwsError {
    if (this.isXml && this.wire.xmlErrorStyle === 's3') {
      return new AwsError('MethodNotAllowed', 'The specified method is not allowed against this resource.', {
        status: 405,
        fields: { Method: req.method, ResourceType: req.routePath === '/' ? 'SERVICE' : 'OBJECT' },
      });
    }
    return new AwsError('UnknownOperationException', `No operation matches ${req.method} ${req.path}`, {
      status: 404,
    });
  }

  decode(req: GatewayRequest, op: OperationModel): Record<string, unknown> {
    const shape = op.input;
    if (!shape) return {};
    const labels = this.router.match(req)?.labels ?? {};
    const input: Record<string, unknown> = {};
    const boundQueryKeys = new Set<string>();
    for (const [name, member] of this.model.members(shape)) {
      if (member.location === 'querystring' && member.type !== 'map')
        boundQueryKeys.add(member.locationName ?? name);
    }
    for (const [name, member] of this.model.members(shape)) {
      const loc = member.locationName ?? name;
      switch (member.location) {
        case 'uri':
          if (labels[loc] !== undefined) input[name] = this.scalar(labels[loc], member, loc);
          break;
        case 'querystring':
          if (member.type === 'map') {
            const map: Record<string, unknown> = {};
            const valueShape = this.model.resolve(member.value ?? {});
            for (const [k, v] of req.query) {
              if (boundQueryKeys.has(k)) continue;
              if (valueShape.type === 'list') ((map[k] ??= []) as string[]).push(v);
              else map[k] = v;
            }
            if (Object.keys(map).length > 0) input[name] = map;
          } else if (member.type === 'list') {
            const values = queryValues(req, loc);
            const item = this.model.resolve(member.member ?? {});
            if (values.length > 0) input[name] = values.map((v) => this.scalar(v, item, loc));
          } else {
            const values = queryValues(req, loc);
            if (values.length > 0) input[name] = this.scalar(values[values.length - 1]!, member, loc);
          }
          break;
        case 'header': {
          const value = req.headers[loc.toLowerCase()];
          if (value === undefined) break;
          if (member.type === 'list') {
            const item = this.model.resolve(member.member ?? {});
            input[name] = value.split(',').map((v) => this.scalar(v.trim(), item, loc));
          } else if (member.jsonvalue) {
            try {
              input[name] = JSON.parse(Buffer.from(value, 'base64').toString('utf8')) as unknown;
            } catch {
              throw this.invalid(loc, value);
            }
          } else {
            input[name] = this.scalar(value, member, loc);
          }
          break;
        }
        case 'headers': {
          const prefix = loc.toLowerCase();
          const map: Record<string, string> = {};
          for (const [h, v] of Object.entries(req.headers))
            if (h.startsWith(prefix)) map[h.slice(prefix.length)] = v;
          if (Object.keys(map).length > 0) input[name] = map;
          break;
        }
        default:
          break;
      }
    }
    Object.assign(input, this.decodeBody(req, shape));
    const missing = missingRequired(this.model, shape, input);
    if (missing.length > 0) {
      throw new AwsError(
        this.isXml ? 'InvalidRequest' : 'ValidationException',
        nullValidationMessage(missing),
      );
    }
    return input;
  }

  private decodeBody(req: GatewayRequest, shape: Shape): Record<string, unknown> {
    if (shape.payload) {
      const name = shape.payload;
      const member = this.model.member(shape, name)!;
      if (member.type === 'blob' && member.streaming && req.bodyStream) return { [name]: req.bodyStream };
      if (member.type === 'blob')
        return req.body.length > 0 || member.streaming ? { [name]: new Uint8Array(req.body) } : {};
      if (member.type === 'string') return req.body.length > 0 ? { [name]: req.body.toString('utf8') } : {};
      if (req.body.length === 0) return {};
      if (this.isXml) {
        const doc = parseXmlDocument(req.body.toString('utf8'));
        return doc ? { [name]: this.xmlReader.read(doc.node, member) } : {};
      }
      return { [name]: this.json.read(this.json.parseBody(req.body), member, name) };
    }
    const bodyMembers = this.model.members(shape).filter(([, m]) => !m.location);
    if (bodyMembers.length === 0 || req.body.length === 0) return {};
    if (this.isXml) {
      const doc = parseXmlDocument(req.body.toString('utf8'));
      if (!doc) return {};
      const value = this.xmlReader.read(doc.node, shape) as Record<string, unknown>;
      if (typeof value !== 'object') throw malformedXml();
      return value;
    }
    return this.json.read(this.json.parseBody(req.body), shape, '') as Record<string, unknown>;
  }

  private scalar(text: string, shape: Shape, where: string): unknown {
    let v: unknown;
    switch (shape.type) {
      case 'integer':
      case 'long':
        v = parseInteger(text);
        break;
      case 'float':
      case 'double':
        v = parseFloatValue(text);
        break;
      case 'boolean':
        v = parseBoolean(text);
        break;
      case 'timestamp':
        v = parseTimestamp(text);
        break;
      case 'blob':
        v = fromBase64(text);
        break;
      default:
        return text;
    }
    if (v === undefined) throw this.invalid(where, text);
    return v;
  }

  private invalid(where: string, value: string): AwsError {
    return this.isXml
      ? new AwsError('InvalidArgument', `Invalid value for ${where}: ${value}`, {
          fields: { ArgumentName: where, ArgumentValue: value },
        })
      : new AwsError('ValidationException', `Invalid value for ${where}: ${value}`);
  }

  encode(req: GatewayRequest, op: OperationModel, output: unknown, requestId: string): WireResponse {
    const value = (output ?? {}) as Record<string, unknown>;
    const shape = op.output;
    const headers: Record<string, string> = { ...this.requestIdHeaders(requestId) };
    let status = op.http.responseCode ?? 200;
    let body: WireResponse['body'];
    if (shape) {
      // The output's own members, not every member of its shape: GetObject's output shape has
      // some forty, an answer a dozen.
      for (const name in value) {
        const member = this.model.member(shape, name);
        const v = value[name];
        if (!member || v === undefined || v === null) continue;
        const loc = member.locationName ?? name;
        if (member.location === 'statusCode') status = Number(v);
        else if (member.location === 'header') headers[loc] = this.headerText(member, v);
        else if (member.location === 'headers') {
          for (const [k, hv] of Object.entries(v as Record<string, string>))
            headers[`${loc}${k}`] = String(hv);
        }
      }
      body = this.encodeBody(op, shape, value, headers);
      status = this.wire.responseStatus?.(op.name, value) ?? status;
    }
    if (req.method === 'HEAD') body = undefined;
    return { status, headers, body };
  }

  private encodeBody(
    op: OperationModel,
    shape: Shape,
    value: Record<string, unknown>,
    headers: Record<string, string>,
  ) {
    if (shape.payload) {
      const name = shape.payload;
      const member = this.model.member(shape, name)!;
      const v = value[name];
      if (v === undefined || v === null) return undefined;
      if (member.type === 'blob' || member.type === 'string') {
        if (v instanceof Readable) return v;
        if (typeof v === 'string' || Buffer.isBuffer(v)) return v;
        // A view of the same bytes: Buffer.from(a Uint8Array) would copy a whole object body.
        const bytes = v as Uint8Array;
        return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      }
      return this.document(member.locationName ?? name, member, v, headers);
    }
    const bodyMembers = this.model.members(shape).filter(([, m]) => !m.location);
    if (bodyMembers.length === 0) return undefined;
    const textRoot = this.wire.xmlTextRoots?.[op.name];
    if (textRoot && this.isXml) {
      // One element holding text, e.g. S3's <LocationConstraint>eu-west-1</LocationConstraint>.
      headers['content-type'] = 'application/xml';
      const text = value[textRoot];
      const ns = this.namespace ? ` xmlns="${escapeXml(this.namespace)}"` : '';
      return `<?xml version="1.0" encoding="UTF-8"?>\n${
        text === undefined || text === null || text === ''
          ? `<${textRoot}${ns}/>`
          : `<${textRoot}${ns}>${escapeXml(String(text))}</${textRoot}>`
      }`;
    }
    const root = shape.locationName ?? this.wire.xmlRootNames?.[op.name] ?? `${op.name}Response`;
    const dedicated = this.isXml && !shape.xmlNamespace ? this.wire.xmlDocuments?.[op.name] : undefined;
    if (dedicated) {
      headers['content-type'] = 'application/xml';
      return dedicated(root, value, this.namespace ? ` xmlns="${escapeXml(this.namespace)}"` : '');
    }
    return this.document(root, shape, value, headers);
  }

  private document(root: string, shape: Shape, value: unknown, headers: Record<string, string>): string {
    if (this.isXml) {
      headers['content-type'] = 'application/xml';
      const ns = shape.xmlNamespace
        ? undefined
        : this.namespace
          ? ` xmlns="${escapeXml(this.namespace)}"`
          : '';
      return new XmlWriter(this.model)
        .raw('<?xml version="1.0" encoding="UTF-8"?>\n')
        .value(root, shape, value, ns)
        .toString();
    }
    headers['content-type'] = 'application/json';
    return JSON.stringify(this.json.write(value, shape) ?? {});
  }

  private headerText(member: Shape, v: unknown): string {
    if (member.jsonvalue) return Buffer.from(JSON.stringify(v)).toString('base64');
    if (member.type === 'timestamp') return String(formatTimestamp(v, member.timestampFormat ?? 'rfc822'));
    if (member.type === 'list') {
      const item = this.model.resolve(member.member ?? {});
      return (v as unknown[]).map((x) => scalarText(item, x)).join(', ');
    }
    return scalarText(member, v);
  }

  private requestIdHeaders(requestId: string): Record<string, string> {
    return { ...defaultRequestIdHeaders(requestId), ...this.wire.requestIdHeaders?.(requestId) };
  }

  encodeError(req: GatewayRequest, error: AwsError, requestId: string): WireResponse {
    const headers: Record<string, string> = { ...this.requestIdHeaders(requestId), ...error.headers };
    let body: string | undefined;
    if (this.isXml) {
      headers['content-type'] = 'application/xml';
      const fields = Object.entries(error.fields)
        .map(([k, v]) => `<${k}>${escapeXml(v)}</${k}>`)
        .join('');
      const code = escapeXml(error.code);
      const message = escapeXml(error.message);
      body =
        this.wire.xmlErrorStyle === 's3'
          ? `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>${fields}<RequestId>${headers['x-amz-request-id'] ?? requestId}</RequestId><HostId>${headers['x-amz-id-2'] ?? ''}</HostId></Error>`
          : `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${escapeXml(this.namespace)}"><Error><Type>${error.fault}</Type><Code>${code}</Code><Message>${message}</Message>${fields}</Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
    } else {
      headers['content-type'] = 'application/json';
      headers['x-amzn-ErrorType'] = error.code;
      body = JSON.stringify({
        Type: error.status >= 500 ? 'Service' : 'User',
        message: error.message,
        ...error.fields,
      });
    }
    return { status: error.status, headers, body: req.method === 'HEAD' ? undefined : body };
  }
}
