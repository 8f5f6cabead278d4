/**
 * Presigned S3 URLs for the console's "Share with a presigned URL": AWS has no operation for
 * presigning (the SDKs sign locally with the caller's keys), so the host signs a SigV4 query
 * string with the console account's access key, as `aws s3 presign` does.
 */
import { createHash, createHmac } from 'node:crypto';
import type { S3Presign, S3Presigned } from '../contract/console-api';
import type { Cloud } from '../core/cloud';
import { AwsError } from '../core/kernel/errors';

const MAX_EXPIRES = 7 * 24 * 3600;

function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

export function presignS3(cloud: Cloud, endpoint: string | null, args: S3Presign): S3Presigned {
  if (!endpoint)
    throw new AwsError('ValidationException', 'The AWS endpoint is off: turn the listener on to share URLs.');
  if (!args?.bucket || !args.key) throw new AwsError('ValidationException', 'Name the bucket and the key.');
  const expires = Math.floor(args.expiresIn);
  if (!(expires >= 1 && expires <= MAX_EXPIRES))
    throw new AwsError(
      'ValidationException',
      'Presigned URLs last from 1 second to 7 days (604800 seconds).',
    );
  const principal = cloud.accounts.consolePrincipal();
  const key = cloud.accounts.listAccessKeys(principal.accountId).find((k) => k.status === 'Active');
  if (!key) throw new AwsError('ValidationException', 'The account has no active access key to sign with.');
  const region = args.region || 'us-east-1';
  const base = new URL(endpoint);
  const path = `/${uriEncode(args.bucket)}/${args.key.split('/').map(uriEncode).join('/')}`;
  const now = new Date(); // SigV4 time checks use real time, as clients sign with it
  const amzDate = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const date = amzDate.slice(0, 8);
  const scope = `${date}/${region}/s3/aws4_request`;
  const params: Array<[string, string]> = [
    ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
    ['X-Amz-Credential', `${key.accessKeyId}/${scope}`],
    ['X-Amz-Date', amzDate],
    ['X-Amz-Expires', String(expires)],
    ['X-Amz-SignedHeaders', 'host'],
  ];
  if (args.versionId) params.push(['versionId', args.versionId]);
  const query = params
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonical = ['GET', path, query, `host:${base.host}\n`, 'host', 'UNSIGNED-PAYLOAD'].join('\n');
  const toSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    scope,
    createHash('sha256').update(canonical).digest('hex'),
  ].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${key.secretAccessKey}`, date), region), 's3'), 'aws4_request');
  const signature = createHmac('sha256', signingKey).update(toSign).digest('hex');
  return {
    url: `${base.protocol}//${base.host}${path}?${query}&X-Amz-Signature=${signature}`,
    expires: now.getTime() + expires * 1000,
  };
}
