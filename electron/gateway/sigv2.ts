/**
 * S3's legacy query-string authentication (Signature Version 2): the presigned URLs boto3 and
 * the AWS CLI v1 still make by default in the Regions that had S3 before 2014 (`aws s3 presign`
 * in us-east-1 gives `?AWSAccessKeyId=…&Expires=…&Signature=…`), and which S3 still accepts.
 *
 *   StringToSign = VERB \n Content-MD5 \n Content-Type \n Expires \n CanonicalizedAmzHeaders
 *                  CanonicalizedResource
 *   Signature    = Base64(HMAC-SHA1(secret, StringToSign))
 *
 * The resource is the path as sent (with `/bucket` in front for a virtual-host request) and the
 * sub-resources the signers include, sorted. Headers the signer moved into the query string
 * (`Content-Type`, `Content-MD5`, `x-amz-*`) count when the request does not send them itself.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { GatewayRequest } from './http';

export interface QueryV2 {
  accessKeyId: string;
  signature: string;
  /** Seconds since the epoch. */
  expires: number;
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

/** The string a V2 presigned request was signed over. */
export function stringToSignV2(req: GatewayRequest, expires: number): string {
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
  let resource = req.bucketFromHost !== undefined ? `/${req.bucketFromHost}${req.path}` : req.path;
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
  return `${req.method}\n${standard('content-md5')}\n${standard('content-type')}\n${expires}\n${amzLines}${resource}`;
}

/** Does the V2 signature verify with this secret? */
export function verifyQueryV2(req: GatewayRequest, auth: QueryV2, secret: string): boolean {
  const expected = Buffer.from(
    createHmac('sha1', secret).update(stringToSignV2(req, auth.expires), 'utf8').digest('base64'),
  );
  const given = Buffer.from(auth.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
