/**
 * S3's legacy authentication (Signature Version 2), which S3 still accepts in the Regions that
 * had it before 2014: the presigned URLs boto3 and the AWS CLI v1 make by default there (`aws s3
 * presign` in us-east-1 gives `?AWSAccessKeyId=…&Expires=…&Signature=…`), and the
 * `Authorization: AWS key:signature` header of older tools (boto3 with `signature_version='s3'`,
 * s3cmd's `--signature-v2`).
 *
 *   StringToSign = VERB \n Content-MD5 \n Content-Type \n Expires or Date \n
 *                  CanonicalizedAmzHeaders CanonicalizedResource
 *   Signature    = Base64(HMAC-SHA1(secret, StringToSign))
 *
 * A header-signed request signs its Date header, or an empty line when it sends `x-amz-date`
 * (which is then one of the signed x-amz- headers).
 *
 * The resource is the path as sent (with `/bucket` in front for a virtual-host request) and the
 * sub-resources the signers include, sorted. Headers the signer moved into the query string
 * (`Content-Type`, `Content-MD5`, `x-amz-*`) count when the request does not send them itself.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { amzDateToMillis } from './amz-date';
import type { GatewayRequest } from './http';

export interface QueryV2 {
  accessKeyId: string;
  signature: string;
  /** Seconds since the epoch. */
  expires: number;
}

/** An `Authorization: AWS key:signature` header. */
export interface HeaderV2 {
  accessKeyId: string;
  signature: string;
  /** What the request signed as its date: the Date header, or '' when x-amz-date is sent. */
  signedDate: string;
  /** When the request says it was made (x-amz-date, else Date), in milliseconds; NaN if neither parses. */
  requestTime: number;
}

/** Read `AWS key:signature`; a string when the header is not of that form (S3's message). */
export function parseHeaderV2(header: string, req: GatewayRequest): HeaderV2 | string {
  const credentials = header.slice('AWS '.length);
  if (credentials.includes(' '))
    return "Authorization header is invalid -- one and only one ' ' (space) required";
  const colon = credentials.lastIndexOf(':');
  if (colon <= 0 || colon === credentials.length - 1)
    return 'AWS authorization header is invalid.  Expected AwsAccessKeyId:signature';
  const amzDate = req.headers['x-amz-date'];
  const date = req.headers['date'];
  const stated = amzDate ?? date;
  return {
    accessKeyId: credentials.slice(0, colon),
    signature: credentials.slice(colon + 1),
    signedDate: amzDate !== undefined ? '' : (date ?? '').trim(),
    requestTime: stated === undefined ? NaN : httpDateToMillis(stated),
  };
}

/** A Date or x-amz-date value as V2 signers send it (RFC 1123), or the ISO basic form. */
function httpDateToMillis(text: string): number {
  const basic = amzDateToMillis(text.trim());
  return Number.isNaN(basic) ? Date.parse(text) : basic;
}

/** The parameters of a V2 presigned URL, if the request has any of them. */
export function queryV2Parameters(
  req: GatewayRequest,
): { kind: 'none' } | { kind: 'missing' } | { kind: 'v2'; auth: QueryV2 } {
  const q = new Map(req.query);
  if (!q.has('AWSAccessKeyId') && !(q.has('Signature') && q.has('Expires'))) return { kind: 'none' };
  const accessKeyId = q.get('AWSAccessKeyId');
  const signature = q.get('Signature');
  const expires = Number(q.get('Expires'));
  if (!accessKeyId || !signature || !Number.isInteger(expires)) return { kind: 'missing' };
  return { kind: 'v2', auth: { accessKeyId, signature, expires } };
}

/** Query parameters that are part of the signed resource (what the signers include). */
const SUB_RESOURCES = new Set([
  'accelerate',
  'acl',
  'analytics',
  'cors',
  'defaultObjectAcl',
  'delete',
  'inventory',
  'lifecycle',
  'location',
  'logging',
  'metrics',
  'notification',
  'object-lock',
  'partNumber',
  'policy',
  'replication',
  'requestPayment',
  'response-cache-control',
  'response-content-disposition',
  'response-content-encoding',
  'response-content-language',
  'response-content-type',
  'response-expires',
  'restore',
  'select',
  'select-type',
  'storageClass',
  'tagging',
  'torrent',
  'uploadId',
  'uploads',
  'versionId',
  'versioning',
  'versions',
  'website',
]);

/** As the signers unquote a sub-resource's value ('+' stays '+'). */
function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * The string a V2 request was signed over: `expiresOrDate` is a presigned URL's Expires, or a
 * header-signed request's Date line.
 */
export function stringToSignV2(req: GatewayRequest, expiresOrDate: number | string): string {
  const q = new Map(req.query);
  const standard = (name: string) => (req.headers[name] ?? q.get(name) ?? '').trim();
  const amz = new Map<string, string>();
  for (const [name, value] of Object.entries(req.headers))
    if (name.startsWith('x-amz-')) amz.set(name, value.trim());
  for (const [name, value] of req.query) {
    const lower = name.toLowerCase();
    if (lower.startsWith('x-amz-') && !amz.has(lower)) amz.set(lower, value.trim());
  }
  const amzLines = [...amz.keys()]
    .sort()
    .map((name) => `${name}:${amz.get(name)!}\n`)
    .join('');
  // `/bucket/key`: a bucket's own resource is `/bucket/` however the path was sent (botocore
  // signs a path-style `/bucket` as `/bucket/`).
  let resource = req.bucketFromHost !== undefined ? `/${req.bucketFromHost}${req.path}` : req.path;
  if (/^\/[^/]+$/.test(resource)) resource += '/';
  // Sub-resources as sent: `versions` and `versions=` sign differently.
  const subs = req.rawQuery
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      return eq < 0 ? [part] : [part.slice(0, eq), decode(part.slice(eq + 1))];
    })
    .filter(([name]) => SUB_RESOURCES.has(name!))
    .sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0))
    .map((pair) => pair.join('='));
  if (subs.length > 0) resource += `?${subs.join('&')}`;
  return `${req.method}\n${standard('content-md5')}\n${standard('content-type')}\n${expiresOrDate}\n${amzLines}${resource}`;
}

/** Does the V2 signature verify with this secret? */
export function verifyQueryV2(req: GatewayRequest, auth: QueryV2, secret: string): boolean {
  return sameSignature(stringToSignV2(req, auth.expires), auth.signature, secret);
}

/** Does a V2 Authorization header's signature verify with this secret? */
export function verifyHeaderV2(req: GatewayRequest, auth: HeaderV2, secret: string): boolean {
  return sameSignature(stringToSignV2(req, auth.signedDate), auth.signature, secret);
}

function sameSignature(stringToSign: string, signature: string, secret: string): boolean {
  const expected = Buffer.from(createHmac('sha1', secret).update(stringToSign, 'utf8').digest('base64'));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
