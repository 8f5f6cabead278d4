/**
 * Serving an HTTP request as a function URL does: find the URL by the Host's URL ID, answer a
 * CORS preflight from the URL's Cors settings, check the auth type (NONE: the resource policy
 * must allow `lambda:InvokeFunctionUrl` to `*` with `lambda:FunctionUrlAuthType` NONE;
 * AWS_IAM: a SigV4-signed request), build the payload format 2.0 event, run the function
 * (`execute`) and map its result to the HTTP answer.
 *
 * Two adapters use it: the host's listener (Host `<id>.lambda-url.<region>.on.aws`, any
 * port) and the instances' network (`os/net/lambda-url-endpoint.ts`, port 443).
 */
import { randomBytes } from 'node:crypto';
import type { Cloud } from '../../cloud';
import { AwsError } from '../../kernel/errors';
import { LATEST } from './arns';
import { execute, invokedArn } from './execute';
import { findUrlById, parseFunctionUrlHost, type FunctionUrl } from './function-urls';
import { checkInvokable, invocationTarget, SYNC_PAYLOAD_LIMIT } from './invoke';
import { policyAllows } from './policy';

export interface UrlRequest {
  method: string;
  /** Path and query as sent (percent-encoded). */
  path: string;
  /** Header names in any case; repeated headers as arrays or already joined with ",". */
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array;
  sourceIp: string;
  /** `HTTP/1.1` unless told. */
  protocol?: string;
  /**
   * For AWS_IAM URLs: who signed the request (the host verifies SigV4 with the gateway's
   * code). Without it, a signed request is accepted when its access key is an active key of
   * an account (the signature itself is not checked), and an unsigned one is refused.
   */
  identity?: IamIdentity | null;
}

export interface IamIdentity {
  accessKey: string;
  accountId: string;
  callerId: string;
  userArn: string;
  userId: string;
}

export interface UrlResponse {
  status: number;
  /** Lower-case names; `set-cookie` may repeat. */
  headers: Record<string, string | string[]>;
  body: Uint8Array;
}

const enc = new TextEncoder();

function json(status: number, body: string, extra: Record<string, string> = {}): UrlResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', ...extra },
    body: enc.encode(body),
  };
}

/** Unknown URL IDs: AWS answers 403 with a null message. */
const NOT_FOUND = () => json(403, '{"Message":null}', { 'x-amzn-errortype': 'AccessDeniedException' });
const FORBIDDEN = () => json(403, '{"Message":"Forbidden"}', { 'x-amzn-errortype': 'AccessDeniedException' });
const BAD_GATEWAY = () => json(502, 'Internal Server Error');

/** Lower-cased headers, repeated ones joined with ",". */
export function lowerHeaders(headers: UrlRequest['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    const name = k.toLowerCase();
    const value = Array.isArray(v) ? v.join(',') : v;
    out[name] = out[name] !== undefined ? `${out[name]},${value}` : value;
  }
  return out;
}

/** `12/Mar/2020:19:03:58 +0000` */
export function clfTime(ms: number): string {
  const d = new Date(ms);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** Bodies of these types reach the function as text; anything else as base64. */
function isTextType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const t = contentType.split(';')[0]!.trim().toLowerCase();
  return (
    t.startsWith('text/') ||
    /[/+]json$/.test(t) ||
    /[/+]xml$/.test(t) ||
    t === 'application/javascript' ||
    t === 'application/graphql' ||
    t === 'application/yaml'
  );
}

function decodeComponent(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

export interface EventContext {
  urlId: string;
  region: string;
  /** The function owner's account for AWS_IAM URLs; NONE URLs show "anonymous". */
  accountId: string;
  requestId: string;
  /** Epoch ms (simulated clock). */
  now: number;
  traceId: string;
  identity?: IamIdentity | null;
}

/** The payload format 2.0 event Lambda sends for a function URL request. */
export function buildUrlEvent(req: UrlRequest, c: EventContext): Record<string, unknown> {
  const q = req.path.indexOf('?');
  const rawPath = q < 0 ? req.path : req.path.slice(0, q);
  const rawQueryString = q < 0 ? '' : req.path.slice(q + 1);
  const domainName = `${c.urlId}.lambda-url.${c.region}.on.aws`;
  const incoming = lowerHeaders(req.headers);
  const cookieHeader = incoming['cookie'];
  delete incoming['cookie'];
  delete incoming['connection'];
  const headers: Record<string, string> = {
    ...incoming,
    host: domainName,
    'x-amzn-tls-cipher-suite': 'ECDHE-RSA-AES128-GCM-SHA256',
    'x-amzn-tls-version': 'TLSv1.2',
    'x-amzn-trace-id': c.traceId,
    'x-forwarded-proto': 'https',
    'x-forwarded-port': '443',
    'x-forwarded-for': req.sourceIp,
  };
  const cookies = cookieHeader
    ? cookieHeader
        .split(/;\s*/)
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;
  let queryStringParameters: Record<string, string> | undefined;
  if (rawQueryString) {
    queryStringParameters = {};
    for (const pair of rawQueryString.split('&')) {
      if (!pair) continue;
      const eq = pair.indexOf('=');
      const key = decodeComponent(eq < 0 ? pair : pair.slice(0, eq));
      const value = eq < 0 ? '' : decodeComponent(pair.slice(eq + 1));
      queryStringParameters[key] =
        queryStringParameters[key] !== undefined ? `${queryStringParameters[key]},${value}` : value;
    }
  }
  const iam = c.identity;
  const event: Record<string, unknown> = {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    ...(cookies && cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    requestContext: {
      accountId: iam ? c.accountId : 'anonymous',
      apiId: c.urlId,
      ...(iam
        ? {
            authorizer: {
              iam: {
                accessKey: iam.accessKey,
                accountId: iam.accountId,
                callerId: iam.callerId,
                cognitoIdentity: null,
                principalOrgId: null,
                userArn: iam.userArn,
                userId: iam.userId,
              },
            },
          }
        : {}),
      domainName,
      domainPrefix: c.urlId,
      http: {
        method: req.method.toUpperCase(),
        path: rawPath,
        protocol: req.protocol ?? 'HTTP/1.1',
        sourceIp: req.sourceIp,
        userAgent: incoming['user-agent'] ?? '',
      },
      requestId: c.requestId,
      routeKey: '$default',
      stage: '$default',
      time: clfTime(c.now),
      timeEpoch: c.now,
    },
  };
  if (req.body.length > 0) {
    const text = isTextType(incoming['content-type']) ? utf8(req.body) : null;
    event.body = text ?? Buffer.from(req.body).toString('base64');
    event.isBase64Encoded = text === null;
  } else event.isBase64Encoded = false;
  return event;
}

/** The bytes as UTF-8, or null when they are not valid UTF-8. */
function utf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/**
 * The function's result as the HTTP answer: an object with `statusCode` gives the status,
 * headers, cookies (`set-cookie`) and body (base64-decoded when `isBase64Encoded`); any other
 * JSON value, a string included, is the body as JSON (`"Hello, world!"` with its quotes, as the
 * Lambda developer guide's table of interpreted outputs shows). All default to
 * `content-type: application/json`. A result Lambda cannot read is a 502.
 */
export function mapUrlResult(payload: string): UrlResponse {
  let value: unknown;
  try {
    value = JSON.parse(payload === '' ? 'null' : payload);
  } catch {
    return BAD_GATEWAY();
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !('statusCode' in value))
    return json(200, payload);
  const r = value as Record<string, unknown>;
  const status = typeof r.statusCode === 'string' ? Number(r.statusCode) : r.statusCode;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599)
    return BAD_GATEWAY();
  const headers: Record<string, string | string[]> = { 'content-type': 'application/json' };
  if (r.headers !== undefined && r.headers !== null) {
    if (typeof r.headers !== 'object' || Array.isArray(r.headers)) return BAD_GATEWAY();
    for (const [k, v] of Object.entries(r.headers as Record<string, unknown>)) {
      if (v === null || v === undefined) continue;
      headers[k.toLowerCase()] = typeof v === 'string' ? v : JSON.stringify(v);
    }
  }
  if (Array.isArray(r.cookies) && r.cookies.length > 0) {
    const existing = headers['set-cookie'];
    headers['set-cookie'] = [
      ...(existing === undefined ? [] : Array.isArray(existing) ? existing : [existing]),
      ...r.cookies.map(String),
    ];
  }
  let body: Uint8Array;
  if (r.body === undefined || r.body === null) body = new Uint8Array();
  else if (typeof r.body !== 'string') body = enc.encode(JSON.stringify(r.body));
  else if (r.isBase64Encoded === true) body = new Uint8Array(Buffer.from(r.body, 'base64'));
  else body = enc.encode(r.body);
  return { status, headers, body };
}

/** The Origin's CORS answer headers, when the URL's Cors settings allow it. */
function corsHeaders(url: FunctionUrl, origin: string | undefined): Record<string, string> {
  const cors = url.config.Cors;
  if (!cors || !origin) return {};
  const origins = cors.AllowOrigins ?? [];
  const allowed = origins.includes('*') || origins.some((o) => o.toLowerCase() === origin.toLowerCase());
  if (!allowed) return {};
  const out: Record<string, string> = {
    'access-control-allow-origin': origins.includes('*') && !cors.AllowCredentials ? '*' : origin,
  };
  if (cors.AllowCredentials) out['access-control-allow-credentials'] = 'true';
  if (cors.ExposeHeaders?.length) out['access-control-expose-headers'] = cors.ExposeHeaders.join(',');
  if (!origins.includes('*') || cors.AllowCredentials) out['vary'] = 'Origin';
  return out;
}

function preflight(url: FunctionUrl, headers: Record<string, string>): UrlResponse {
  const cors = url.config.Cors!;
  const base = corsHeaders(url, headers['origin']);
  if (!base['access-control-allow-origin']) return { status: 200, headers: {}, body: new Uint8Array() };
  const out: Record<string, string> = { ...base };
  delete out['access-control-expose-headers'];
  const methods = cors.AllowMethods ?? [];
  const asked = headers['access-control-request-method'] ?? '';
  if (methods.length)
    out['access-control-allow-methods'] = methods.includes('*') ? asked || '*' : methods.join(',');
  const allowHeaders = cors.AllowHeaders ?? [];
  if (allowHeaders.length)
    out['access-control-allow-headers'] = allowHeaders.includes('*')
      ? (headers['access-control-request-headers'] ?? '*')
      : allowHeaders.join(',');
  if (cors.MaxAge !== undefined) out['access-control-max-age'] = String(cors.MaxAge);
  return { status: 200, headers: out, body: new Uint8Array() };
}

/** The signer of an AWS_IAM request, when the host did not say: a known, active access key. */
function signerOf(cloud: Cloud, headers: Record<string, string>, path: string): IamIdentity | null {
  const auth = headers['authorization'];
  let keyId: string | undefined;
  if (auth?.startsWith('AWS4-HMAC-SHA256 ')) keyId = /Credential=([^/,\s]+)\//.exec(auth)?.[1];
  else {
    const query = path.includes('?') ? new URLSearchParams(path.slice(path.indexOf('?') + 1)) : null;
    if (query?.get('X-Amz-Signature')) keyId = query.get('X-Amz-Credential')?.split('/')[0];
  }
  if (!keyId) return null;
  const key = cloud.accounts.accessKey(keyId);
  if (!key || key.status !== 'Active') return null;
  return {
    accessKey: key.accessKeyId,
    accountId: key.principal.accountId,
    callerId: key.principal.userId,
    userArn: key.principal.arn,
    userId: key.principal.userId,
  };
}

function requestIdOf(): string {
  const h = randomBytes(16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function traceIdOf(now: number): string {
  return `Root=1-${Math.floor(now / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
}

/** Answer one HTTP request whose Host is `<url-id>.lambda-url.<region>.on.aws`. */
export async function serveFunctionUrl(cloud: Cloud, host: string, req: UrlRequest): Promise<UrlResponse> {
  const parsed = parseFunctionUrlHost(host);
  const url = parsed ? findUrlById(cloud.store, parsed.urlId) : undefined;
  if (!parsed || !url || url.ref.region !== parsed.region) return NOT_FOUND();
  const headers = lowerHeaders(req.headers);
  const requestId = requestIdOf();
  const withIds = (r: UrlResponse): UrlResponse => ({
    ...r,
    headers: {
      ...r.headers,
      ...corsHeaders(url, headers['origin']),
      'x-amzn-requestid': requestId,
    },
  });
  const method = req.method.toUpperCase();
  if (
    method === 'OPTIONS' &&
    url.config.Cors &&
    headers['origin'] &&
    headers['access-control-request-method']
  ) {
    const answer = preflight(url, headers);
    return { ...answer, headers: { ...answer.headers, 'x-amzn-requestid': requestId } };
  }

  let identity: IamIdentity | null = null;
  if (url.config.AuthType === 'AWS_IAM') {
    identity = req.identity !== undefined ? req.identity : signerOf(cloud, headers, req.path);
    if (!identity) return withIds(FORBIDDEN());
    // Same-account callers are allowed by their identity; others need the resource policy.
    if (
      identity.accountId !== url.ref.account &&
      !policyAllows(cloud.store, url.ref, {
        principal: identity.userArn,
        action: 'lambda:InvokeFunctionUrl',
        functionUrlAuthType: 'AWS_IAM',
      }) &&
      !policyAllows(cloud.store, url.ref, {
        principal: `arn:aws:iam::${identity.accountId}:root`,
        action: 'lambda:InvokeFunctionUrl',
        functionUrlAuthType: 'AWS_IAM',
      })
    )
      return withIds(FORBIDDEN());
  } else if (
    !policyAllows(cloud.store, url.ref, {
      principal: '*',
      action: 'lambda:InvokeFunctionUrl',
      functionUrlAuthType: 'NONE',
    })
  )
    return withIds(FORBIDDEN());

  if (req.body.length > SYNC_PAYLOAD_LIMIT)
    return withIds(json(413, '{"Message":"Request Entity Too Large"}'));
  const now = cloud.clock.now();
  try {
    const target = invocationTarget(cloud.store, url.ref);
    checkInvokable({ cloud }, target);
    const event = buildUrlEvent(req, {
      urlId: url.urlId,
      region: url.ref.region,
      accountId: url.ref.account,
      requestId,
      now,
      traceId: traceIdOf(now),
      identity,
    });
    const result = await execute(cloud, target, {
      requestId,
      invokedArn: invokedArn(target, url.ref.qualifier === LATEST ? undefined : url.ref.qualifier),
      payload: JSON.stringify(event),
    });
    if (result.functionError || result.outcome !== 'success') return withIds(BAD_GATEWAY());
    return withIds(mapUrlResult(result.payload));
  } catch (e) {
    if (e instanceof AwsError && e.code === 'TooManyRequestsException')
      return withIds(
        json(429, '{"Message":"Rate Exceeded."}', { 'x-amzn-errortype': 'TooManyRequestsException' }),
      );
    if (e instanceof AwsError && e.code === 'ResourceNotFoundException') return withIds(NOT_FOUND());
    return withIds(BAD_GATEWAY());
  }
}
