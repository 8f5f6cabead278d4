/**
 * AWS Signature Version 4 verification, for the Authorization header and for presigned URLs.
 * The canonical request is rebuilt from the request as received and signed with the secret
 * of the access key it names; the signature must match exactly.
 *
 * Canonical path: S3 signs the path as sent; every other service signs it URI-encoded once
 * more (after removing dot segments). Different SDKs normalise slightly differently, so the
 * verifier accepts the request if any of those canonical forms matches.
 */
import { createHmac, hash } from 'node:crypto';
import { amzDateToMillis } from './amz-date';
import type { GatewayRequest } from './http';
import { parseHeaderV2, queryV2Parameters, type HeaderV2, type QueryV2 } from './sigv2';

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

export interface Credential {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

export type ParsedAuth =
  | { kind: 'none' }
  /** S3's legacy presigned URL (sigv2.ts); `v2` undefined when a parameter is missing. */
  | { kind: 'v2-query'; v2?: QueryV2 }
  /** S3's legacy `Authorization: AWS key:signature` (sigv2.ts); a string: why it is malformed. */
  | { kind: 'v2-header'; v2: HeaderV2 | string }
  | { kind: 'malformed'; message: string; credential?: Credential; query?: boolean }
  | {
      kind: 'header' | 'query';
      credential: Credential;
      signedHeaders: string[];
      signature: string;
      /** YYYYMMDDTHHMMSSZ */
      amzDate: string;
      /** Presigned URLs: seconds the signature stays valid. */
      expires?: number;
    };

/** Read the credential scope and signature parts, without checking them yet. */
export function parseAuth(req: GatewayRequest): ParsedAuth {
  const header = req.headers['authorization'];
  if (header !== undefined) {
    if (header.startsWith('AWS ')) return { kind: 'v2-header', v2: parseHeaderV2(header, req) };
    if (!header.startsWith(`${ALGORITHM} `)) {
      return {
        kind: 'malformed',
        message: `Unsupported Authorization header: only ${ALGORITHM} is supported.`,
      };
    }
    // Credential=…, SignedHeaders=…, Signature=… (any order, spaces allowed around each part).
    let credentialText = '';
    let signedText = '';
    let signature = '';
    for (const piece of header.slice(ALGORITHM.length + 1).split(',')) {
      const eq = piece.indexOf('=');
      if (eq <= 0) continue;
      const name = piece.slice(0, eq).trim();
      const value = piece.slice(eq + 1).trim();
      if (name === 'Credential') credentialText = value;
      else if (name === 'SignedHeaders') signedText = value;
      else if (name === 'Signature') signature = value;
    }
    const missing: string[] = [];
    if (!credentialText) missing.push('Credential');
    if (!signedText) missing.push('SignedHeaders');
    if (!signature) missing.push('Signature');
    const credential = parseCredential(credentialText);
    if (missing.length > 0 || !credential) {
      return {
        kind: 'malformed',
        message:
          missing.length > 0
            ? missing.map((k) => `Authorization header requires '${k}' parameter.`).join(' ')
            : "Authorization header has a malformed 'Credential' parameter: expected KEY/DATE/REGION/SERVICE/aws4_request.",
        credential: credential ?? undefined,
      };
    }
    const amzDate = requestDate(req);
    if (!amzDate) {
      return {
        kind: 'malformed',
        message: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
        credential,
      };
    }
    return {
      kind: 'header',
      credential,
      signedHeaders: signedText.toLowerCase().split(';'),
      signature,
      amzDate,
    };
  }
  const q = new Map(req.query);
  if (q.has('X-Amz-Signature') || q.has('X-Amz-Credential') || q.has('X-Amz-Algorithm')) {
    const missing = [
      'X-Amz-Algorithm',
      'X-Amz-Credential',
      'X-Amz-Signature',
      'X-Amz-Date',
      'X-Amz-SignedHeaders',
    ].filter((k) => !q.get(k));
    const credential = parseCredential(q.get('X-Amz-Credential') ?? '');
    if (missing.length > 0 || !credential) {
      return {
        kind: 'malformed',
        message: `Query-string authentication requires the ${missing.join(', ') || 'X-Amz-Credential'} parameter${missing.length > 1 ? 's' : ''}.`,
        credential: credential ?? undefined,
        query: true,
      };
    }
    if (q.get('X-Amz-Algorithm') !== ALGORITHM) {
      return {
        kind: 'malformed',
        message: `X-Amz-Algorithm only supports "${ALGORITHM}"`,
        credential,
        query: true,
      };
    }
    const expires = q.has('X-Amz-Expires') ? Number(q.get('X-Amz-Expires')) : 604800;
    if (!Number.isInteger(expires) || expires < 0) {
      return { kind: 'malformed', message: 'X-Amz-Expires should be a number', credential, query: true };
    }
    if (expires > 604800) {
      return {
        kind: 'malformed',
        message:
          'X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds',
        credential,
        query: true,
      };
    }
    return {
      kind: 'query',
      credential,
      signedHeaders: q
        .get('X-Amz-SignedHeaders')!
        .split(';')
        .map((h) => h.toLowerCase()),
      signature: q.get('X-Amz-Signature')!,
      amzDate: q.get('X-Amz-Date')!,
      expires,
    };
  }
  const v2 = queryV2Parameters(req);
  if (v2.kind !== 'none') return v2.kind === 'v2' ? { kind: 'v2-query', v2: v2.auth } : { kind: 'v2-query' };
  return { kind: 'none' };
}

function parseCredential(text: string): Credential | null {
  const parts = text.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request' || !/^\d{8}$/.test(parts[1]!)) return null;
  const [accessKeyId, date, region, service] = parts as [string, string, string, string];
  if (!accessKeyId || !region || !service) return null;
  return { accessKeyId, date, region, service };
}

/** X-Amz-Date, or the Date header converted to the same form. */
function requestDate(req: GatewayRequest): string | null {
  const amz = req.headers['x-amz-date'];
  if (amz && /^\d{8}T\d{6}Z$/.test(amz)) return amz;
  const date = req.headers['date'];
  if (date) {
    const d = new Date(date);
    if (!Number.isNaN(d.getTime())) return toAmzDate(d);
  }
  return null;
}

export function toAmzDate(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

export type TimeCheck = 'ok' | 'expired' | 'not-yet-valid';

/** Header-signed requests must be within 15 minutes of now; presigned URLs within their expiry. */
export function checkTime(auth: Extract<ParsedAuth, { kind: 'header' | 'query' }>, nowMs: number): TimeCheck {
  const signedAt = amzDateToMillis(auth.amzDate);
  if (Number.isNaN(signedAt)) return 'expired';
  const skew = 15 * 60 * 1000;
  if (auth.kind === 'query') {
    if (signedAt - nowMs > skew) return 'not-yet-valid';
    return nowMs > signedAt + (auth.expires ?? 0) * 1000 ? 'expired' : 'ok';
  }
  return Math.abs(nowMs - signedAt) > skew ? 'expired' : 'ok';
}

/** The payload hash the signer used. */
export function payloadHash(
  req: GatewayRequest,
  auth: { kind: 'header' | 'query' },
  service: string,
): string {
  const header = req.headers['x-amz-content-sha256'];
  if (header) return header;
  if (auth.kind === 'query') {
    const fromQuery = req.query.find(([k]) => k === 'X-Amz-Content-Sha256')?.[1];
    if (fromQuery) return fromQuery;
    if (service === 's3') return UNSIGNED_PAYLOAD;
  }
  return sha256Hex(req.body);
}

/**
 * Does the declared payload hash fit the body? 'mismatch' when a hex hash differs from the
 * body's, 'invalid' when the value is neither a hash nor one of the special markers.
 */
export function checkPayloadHash(req: GatewayRequest, declared: string): 'ok' | 'mismatch' | 'invalid' {
  if (/^[0-9a-f]{64}$/i.test(declared)) {
    // A streamed body is checked as it is read (body-stream.ts).
    if (req.bodyStream) return 'ok';
    // Nothing declared: payloadHash() hashed the body itself (most services' requests).
    if (
      req.headers['x-amz-content-sha256'] === undefined &&
      !req.query.some(([k]) => k === 'X-Amz-Content-Sha256')
    )
      return 'ok';
    return declared.toLowerCase() === sha256Hex(req.body) ? 'ok' : 'mismatch';
  }
  return declared === UNSIGNED_PAYLOAD || declared.startsWith('STREAMING-') ? 'ok' : 'invalid';
}

export function sha256Hex(data: string | Uint8Array): string {
  // One call, no Hash object (half the time of createHash for a request-sized input).
  return hash('sha256', data, 'hex');
}

/** Does the signature verify with this secret? */
export function verifySignature(
  req: GatewayRequest,
  auth: Extract<ParsedAuth, { kind: 'header' | 'query' }>,
  secret: string,
  hashedPayload: string,
): boolean {
  const { credential } = auth;
  if (credential.date !== auth.amzDate.slice(0, 8)) return false;
  const scope = `${credential.date}/${credential.region}/${credential.service}/aws4_request`;
  const key = signingKey(secret, credential.date, credential.region, credential.service);
  const headers = canonicalHeaders(req, auth.signedHeaders);
  if (headers === null) return false;
  const query = canonicalQuery(req, auth.kind === 'query');
  // Every request pays this check, so it is plain string building and one-shot hashes.
  const rest = `\n${query}\n${headers}\n${auth.signedHeaders.join(';')}\n${hashedPayload}`;
  const head = `${ALGORITHM}\n${auth.amzDate}\n${scope}\n`;
  const expected = auth.signature.toLowerCase();
  for (const path of canonicalPaths(req.path, credential.service)) {
    const signature = key.sign(head + sha256Hex(`${req.method}\n${path}${rest}`));
    if (sameHex(signature, expected)) return true;
  }
  return false;
}

/** Constant-time comparison of two hex strings (a signature is not leaked byte by byte). */
function sameHex(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** What a signed streaming upload's chunk signatures are computed with (body-stream.ts). */
export function chunkSigning(
  auth: Extract<ParsedAuth, { kind: 'header' | 'query' }>,
  secret: string,
): { key: Buffer; amzDate: string; scope: string; seed: string } {
  const { credential } = auth;
  return {
    key: signingKey(secret, credential.date, credential.region, credential.service).key,
    amzDate: auth.amzDate,
    scope: `${credential.date}/${credential.region}/${credential.service}/aws4_request`,
    seed: auth.signature.toLowerCase(),
  };
}

/** A POST policy's Signature Version 4: the signing key's HMAC of the policy as sent (base64). */
export function postPolicySignature(secret: string, date: string, region: string, policyB64: string): string {
  return signingKey(secret, date, region, 's3').sign(policyB64);
}

/**
 * A derived signing key, with its HMAC pads ready: HMAC-SHA256(key, m) is
 * SHA256(outer ‖ SHA256(inner ‖ m)), two one-shot hashes instead of an Hmac object per request.
 */
class SigningKey {
  private readonly inner: Buffer;
  private readonly outer: Buffer;
  constructor(readonly key: Buffer) {
    this.inner = Buffer.alloc(64, 0x36);
    this.outer = Buffer.alloc(64, 0x5c);
    for (let i = 0; i < key.length; i++) {
      this.inner[i]! ^= key[i]!;
      this.outer[i]! ^= key[i]!;
    }
  }
  /** HMAC-SHA256 of `message` (UTF-8), as hex. */
  sign(message: string): string {
    const text = Buffer.from(message, 'utf8');
    const inner = hash('sha256', Buffer.concat([this.inner, text], 64 + text.length), 'buffer');
    return hash('sha256', Buffer.concat([this.outer, inner], 96), 'hex');
  }
}

const keyCache = new Map<string, SigningKey>();
function signingKey(secret: string, date: string, region: string, service: string): SigningKey {
  const cacheKey = `${secret}\0${date}\0${region}\0${service}`;
  let key = keyCache.get(cacheKey);
  if (!key) {
    const kDate = createHmac('sha256', `AWS4${secret}`).update(date).digest();
    const kRegion = createHmac('sha256', kDate).update(region).digest();
    const kService = createHmac('sha256', kRegion).update(service).digest();
    key = new SigningKey(createHmac('sha256', kService).update('aws4_request').digest());
    if (keyCache.size > 256) keyCache.clear();
    keyCache.set(cacheKey, key);
  }
  return key;
}

/** RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ */
export function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** A path every signer signs as it is: unreserved characters in non-empty segments, no dot segment. */
const PLAIN_PATH = /^(?:\/(?!\.\.?(?:\/|$))[A-Za-z0-9\-_.~]+)*\/?$/;

function canonicalPaths(rawPath: string, service: string): string[] {
  const path = rawPath || '/';
  if (service === 's3' || PLAIN_PATH.test(path)) return [path];
  const encodeEach = (p: string) => p.split('/').map(uriEncode).join('/');
  const forms = new Set<string>([
    encodeEach(normalizeSdkV3(path)),
    encodeEach(removeDotSegments(path)),
    path,
  ]);
  return [...forms];
}

/** What the JavaScript SDK signs: empty and "." segments dropped, ".." resolved. */
function normalizeSdkV3(path: string): string {
  const out: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return `${path.startsWith('/') ? '/' : ''}${out.join('/')}${out.length > 0 && path.endsWith('/') ? '/' : ''}`;
}

/** What botocore signs: RFC 3986 dot-segment removal, slashes kept. */
function removeDotSegments(path: string): string {
  const out: string[] = [];
  const segs = path.split('/');
  segs.forEach((seg, i) => {
    if (seg === '.') {
      if (i === segs.length - 1) out.push('');
    } else if (seg === '..') {
      if (out.length > 1) out.pop();
      if (i === segs.length - 1) out.push('');
    } else out.push(seg);
  });
  const joined = out.join('/');
  return joined.startsWith('/') ? joined : `/${joined}`;
}

function canonicalQuery(req: GatewayRequest, presigned: boolean): string {
  if (!req.rawQuery) return '';
  const pairs: Array<[string, string]> = [];
  for (const part of req.rawQuery.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const k = strictDecode(eq < 0 ? part : part.slice(0, eq));
    const v = strictDecode(eq < 0 ? '' : part.slice(eq + 1));
    if (presigned && k === 'X-Amz-Signature') continue;
    pairs.push([uriEncode(k), uriEncode(v)]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

function strictDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Whitespace that canonical headers fold: a run of two, or any but a plain space. */
const FOLDED_SPACE = /\s\s|[^\S ]/;

function canonicalHeaders(req: GatewayRequest, signed: string[]): string | null {
  const raw = req.rawHeaders;
  let lines = '';
  // Each signed header's values in the order received; only those are folded (the others are
  // most of a request's headers).
  for (const name of signed) {
    let joined: string | undefined;
    for (let i = 0; i < raw.length; i += 2) {
      const rawName = raw[i]!;
      if (rawName.length !== name.length || rawName.toLowerCase() !== name) continue;
      const trimmed = raw[i + 1]!.trim();
      const value = FOLDED_SPACE.test(trimmed) ? trimmed.replace(/\s+/g, ' ') : trimmed;
      joined = joined === undefined ? value : `${joined},${value}`;
    }
    if (joined === undefined) return null;
    lines += `${name}:${joined}\n`;
  }
  return lines;
}
