/**
 * The query protocol (STS, IAM) and its EC2 dialect. Requests are form parameters
 * (`Action=DescribeRegions&Filter.1.Name=…`); responses are XML.
 *
 * Parameter names follow botocore's serialisers: query uses locationName (or the member
 * name), wraps lists in `.member.N` unless flattened and maps in `.entry.N.key/value`; ec2
 * uses queryName, else locationName with a capital first letter, and always flattens lists.
 */
import { AwsError } from '../../core/kernel/errors';
import { parseQueryString, type GatewayRequest, type WireResponse } from '../http';
import type { OperationModel, ServiceModel, Shape } from '../model';
import { missingRequired, nullValidationMessage, type CodecOptions, type ProtocolCodec } from './codec';
import { fromBase64, parseBoolean, parseFloatValue, parseInteger, parseTimestamp } from './values';
import { defaultRequestIdHeaders } from './wire-options';
import { escapeXml, XmlWriter } from './xml-writer';

const parsedParams = new WeakMap<GatewayRequest, Array<[string, string]>>();

/** No AWS query parameter name nests deeper than this; more is an attack or a bug. */
const MAX_KEY_PARTS = 64;

interface ParamNode {
  value?: string;
  children?: Map<string, ParamNode>;
}

/** Parameters every query request may carry besides the operation's own. */
const ENVELOPE =
  /^(Action|Version|X-Amz-.*|AWSAccessKeyId|Signature|SignatureMethod|SignatureVersion|Timestamp|Expires|SecurityToken)$/;

export class QueryCodec implements ProtocolCodec {
  readonly operationInBody = true;
  readonly model: ServiceModel;
  private readonly ec2: boolean;
  private readonly namespace: string;

  constructor(options: CodecOptions) {
    this.model = options.model;
    this.ec2 = this.model.protocol === 'ec2';
    const ns = this.model.metadata.xmlNamespace ?? '';
    this.namespace = ns && !ns.endsWith('/') ? `${ns}/` : ns;
  }

  /** Query-string and form parameters of a request, parsed once however often they are read. */
  private params(req: GatewayRequest): Array<[string, string]> {
    let params = parsedParams.get(req);
    if (!params) {
      const contentType = req.headers['content-type'] ?? '';
      const fromBody =
        req.body.length > 0 &&
        (contentType === '' || contentType.includes('application/x-www-form-urlencoded'))
          ? parseQueryString(req.body.toString('utf8'))
          : [];
      params = [...req.query, ...fromBody];
      parsedParams.set(req, params);
    }
    return params;
  }

  private action(req: GatewayRequest): string | undefined {
    let action: string | undefined;
    for (const [k, v] of this.params(req)) if (k === 'Action') action = v;
    return action;
  }

  findOperation(req: GatewayRequest): OperationModel | undefined {
    const action = this.action(req);
    return action ? this.model.operation(action) : undefined;
  }

  unknownOperation(req: GatewayRequest): AwsError {
    const action = this.action(req);
    if (!action) return new AwsError('MissingAction', 'The request must contain the parameter Action');
    return new AwsError('InvalidAction', `The action ${action} is not valid for this web service.`);
  }

  decode(req: GatewayRequest, op: OperationModel): Record<string, unknown> {
    const root: ParamNode = {};
    const params = this.params(req);
    for (const [key, value] of params) {
      let node = root;
      const parts = key.split('.');
      if (parts.length > MAX_KEY_PARTS) {
        throw new AwsError(
          this.ec2 ? 'InvalidParameterValue' : 'ValidationError',
          `The parameter name ${key.slice(0, 64)}… is too deeply nested.`,
        );
      }
      for (const part of parts) {
        node.children ??= new Map();
        let child = node.children.get(part);
        if (!child) node.children.set(part, (child = {}));
        node = child;
      }
      node.value = value;
    }
    const shape = op.input;
    if (!shape) return {};
    if (this.ec2) {
      const known = new Set(this.model.members(shape).map(([name, m]) => this.paramName(name, m)));
      for (const [key] of params) {
        const top = key.split('.')[0]!;
        if (!known.has(top) && !ENVELOPE.test(top)) {
          throw new AwsError('UnknownParameter', `The parameter ${top} is not recognized`);
        }
      }
    }
    const input = this.structure(root, shape, '');
    const missing = missingRequired(this.model, shape, input);
    if (missing.length > 0) {
      if (this.ec2) {
        const m = this.model.members(shape).find(([n]) => n === missing[0])!;
        throw new AwsError(
          'MissingParameter',
          `The request must contain the parameter ${this.paramName(m[0], m[1])}`,
        );
      }
      throw new AwsError('ValidationError', nullValidationMessage(missing));
    }
    return input;
  }

  private paramName(name: string, member: Shape): string {
    if (!this.ec2) return member.locationName ?? name;
    if (member.queryName) return member.queryName;
    if (member.locationName)
      return member.locationName.charAt(0).toUpperCase() + member.locationName.slice(1);
    return name;
  }

  private structure(node: ParamNode, shape: Shape, path: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, member] of this.model.members(shape)) {
      const key = this.paramName(name, member);
      const child = node.children?.get(key);
      if (child) out[name] = this.value(child, member, path ? `${path}.${key}` : key);
    }
    return out;
  }

  private value(node: ParamNode, shape: Shape, path: string): unknown {
    switch (shape.type) {
      case 'structure':
        return this.structure(node, shape, path);
      case 'list': {
        const member = this.model.resolve(shape.member ?? {});
        // An empty list is sent as `Name=` with no items.
        let items: ParamNode | undefined = node;
        if (!this.ec2 && !shape.flattened) items = node.children?.get(member.locationName ?? 'member');
        return indexed(items).map(([i, n]) => this.value(n, member, `${path}.${i}`));
      }
      case 'map': {
        const key = this.model.resolve(shape.key ?? {});
        const val = this.model.resolve(shape.value ?? {});
        const entries = shape.flattened ? node : node.children?.get('entry');
        const out: Record<string, unknown> = {};
        for (const [i, entry] of indexed(entries)) {
          const k = entry.children?.get(key.locationName ?? 'key')?.value;
          const v = entry.children?.get(val.locationName ?? 'value');
          if (k !== undefined) out[k] = v ? this.value(v, val, `${path}.${i}`) : undefined;
        }
        return out;
      }
      default:
        return this.scalar(node.value ?? '', shape, path);
    }
  }

  private scalar(text: string, shape: Shape, path: string): unknown {
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
    if (v === undefined) {
      throw new AwsError(
        this.ec2 ? 'InvalidParameterValue' : 'ValidationError',
        `Value (${text}) for parameter ${path} is invalid. Expected a value of type ${shape.type}.`,
      );
    }
    return v;
  }

  encode(_req: GatewayRequest, op: OperationModel, output: unknown, requestId: string): WireResponse {
    const w = new XmlWriter(this.model).raw('<?xml version="1.0" encoding="UTF-8"?>\n');
    const value = (output ?? {}) as Record<string, unknown>;
    w.open(`${op.name}Response`, ` xmlns="${escapeXml(this.namespace)}"`);
    if (this.ec2) {
      w.text('requestId', requestId);
      if (op.output) w.members(op.output, value);
    } else {
      const wrapper = op.output?.resultWrapper;
      if (op.output && wrapper) w.open(wrapper).members(op.output, value).close(wrapper);
      else if (op.output) w.members(op.output, value);
      w.open('ResponseMetadata').text('RequestId', requestId).close('ResponseMetadata');
    }
    w.close(`${op.name}Response`);
    return {
      status: 200,
      headers: { 'content-type': 'text/xml;charset=UTF-8', ...defaultRequestIdHeaders(requestId) },
      body: w.toString(),
    };
  }

  encodeError(_req: GatewayRequest, error: AwsError, requestId: string): WireResponse {
    const code = escapeXml(error.code);
    const message = escapeXml(error.message);
    const body = this.ec2
      ? `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`
      : `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${escapeXml(this.namespace)}"><Error><Type>${error.fault}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
    return {
      status: error.status,
      headers: {
        'content-type': 'text/xml;charset=UTF-8',
        ...defaultRequestIdHeaders(requestId),
        ...error.headers,
      },
      body,
    };
  }
}

/** The numbered children of a node (`.1`, `.2` …) in numeric order. */
function indexed(node: ParamNode | undefined): Array<[number, ParamNode]> {
  if (!node?.children) return [];
  return [...node.children.entries()]
    .filter(([k]) => /^[1-9]\d*$/.test(k))
    .map(([k, n]) => [Number(k), n] as [number, ParamNode])
    .sort((a, b) => a[0] - b[0]);
}
