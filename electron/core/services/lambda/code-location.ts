/**
 * GetFunction's Code.Location: a URL that downloads the deployment package for ten minutes,
 * like the presigned S3 URL Lambda hands out. It is served by the host on the AWS endpoint
 * (`/_cloudlab/lambda-code/<sha>?expires=…&signature=…`); the signature is an HMAC under a
 * per-cloud secret, so only URLs GetFunction made open a package.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Cloud } from '../../cloud';

export const CODE_PATH = '/_cloudlab/lambda-code/';
const LIFETIME_MS = 10 * 60_000;
const secrets = new WeakMap<Cloud, Buffer>();

function secretOf(cloud: Cloud): Buffer {
  let s = secrets.get(cloud);
  if (!s) secrets.set(cloud, (s = randomBytes(32)));
  return s;
}

function sign(cloud: Cloud, sha: string, expires: number): string {
  return createHmac('sha256', secretOf(cloud)).update(`${sha}|${expires}`).digest('hex');
}

export function codeLocation(cloud: Cloud, sha: string): string {
  const expires = Date.now() + LIFETIME_MS;
  const base = cloud.endpoint ?? 'http://127.0.0.1:4566';
  return `${base}${CODE_PATH}${sha}.zip?expires=${expires}&signature=${sign(cloud, sha, expires)}`;
}

/** The package a Code.Location path and query name, if the URL is genuine and not expired. */
export function verifyCodeLocation(cloud: Cloud, path: string, query: URLSearchParams): string | null {
  const m = /^([0-9a-f]{64})\.zip$/.exec(path.slice(CODE_PATH.length));
  if (!m) return null;
  const expires = Number(query.get('expires'));
  const signature = query.get('signature') ?? '';
  if (!Number.isFinite(expires) || expires < Date.now()) return null;
  const expected = Buffer.from(sign(cloud, m[1]!, expires));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  return m[1]!;
}
