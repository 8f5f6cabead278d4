/** What the S3 console pages share: names, sizes, endpoints and AWS's wording. */
import { aws } from '../../lib/api';

/** An AWS error as the console shows it: "BucketAlreadyExists: The requested bucket name…". */
export function errorText(e: unknown): string {
  const err = e as { code?: string; message?: string };
  return err.code ? `${err.code}: ${err.message}` : String(err.message ?? e);
}

/** The code of an AWS error, or ''. */
export function errorCode(e: unknown): string {
  return (e as { code?: string }).code ?? '';
}

/** Bytes as the S3 console shows them: "12.0 MB", "512.0 B" (powers of 1024, AWS's units). */
export function formatSize(bytes: number | undefined | null): string {
  if (bytes == null) return '–';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let n = bytes;
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u++;
  }
  return `${n.toFixed(1)} ${units[u]}`;
}

export { formatConsoleDate as formatS3Date } from '../../lib/format';

/** The bucket naming rules, as the Create bucket page lists them; null when the name is fine. */
export function bucketNameProblem(name: string): string | null {
  if (!name) return 'Bucket name is required.';
  if (name.length < 3 || name.length > 63) return 'Bucket name must be between 3 and 63 characters long.';
  if (/[A-Z]/.test(name)) return 'Bucket name must not contain uppercase characters.';
  if (!/^[a-z0-9.-]+$/.test(name))
    return 'Bucket name can consist only of lowercase letters, numbers, dots (.), and hyphens (-).';
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name))
    return 'Bucket name must begin and end with a letter or number.';
  if (name.includes('..')) return 'Bucket name must not contain two adjacent periods.';
  if (name.includes('.-') || name.includes('-.'))
    return 'Bucket name must not contain a period next to a hyphen.';
  if (/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name))
    return 'Bucket name must not be formatted as an IP address (for example, 192.168.5.4).';
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name))
    return 'Bucket name must not start with the prefix xn--, sthree- or amzn-s3-demo-.';
  if (/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name))
    return 'Bucket name must not end with the suffix -s3alias, --ol-s3, .mrap, --x-s3 or --table-s3.';
  return null;
}

export function objectUrl(bucket: string, region: string, key: string): string {
  return `https://${bucket}.s3.${region}.amazonaws.com/${key.split('/').map(encodeURIComponent).join('/')}`;
}

/** Last path segment of a key ("photos/2024/cat.jpg" → "cat.jpg"; "photos/" → "photos/"). */
export function baseName(key: string): string {
  const trimmed = key.endsWith('/') ? key.slice(0, -1) : key;
  const i = trimmed.lastIndexOf('/');
  return `${trimmed.slice(i + 1)}${key.endsWith('/') ? '/' : ''}`;
}

/** The Region of a bucket (GetBucketLocation answers null/"" for us-east-1). */
const regionCache = new Map<string, string>();
export async function bucketRegion(bucket: string): Promise<string> {
  const known = regionCache.get(bucket);
  if (known) return known;
  const out = await aws('s3', 'GetBucketLocation', 'us-east-1', { Bucket: bucket });
  const region = (out.LocationConstraint as string | undefined) || 'us-east-1';
  regionCache.set(bucket, region);
  return region;
}

/** A deleted bucket's name may come back in another Region. */
export function forgetBucketRegion(bucket: string): void {
  regionCache.delete(bucket);
}

/** The "Access" column: from the policy status and the Block Public Access settings. */
export type BucketAccess = 'Public' | 'Objects can be public' | 'Bucket and objects not public' | 'Unknown';

export async function bucketAccess(bucket: string, region: string): Promise<BucketAccess> {
  const [status, block] = await Promise.allSettled([
    aws('s3', 'GetBucketPolicyStatus', region, { Bucket: bucket }),
    aws('s3', 'GetPublicAccessBlock', region, { Bucket: bucket }),
  ]);
  if (status.status === 'fulfilled' && status.value.PolicyStatus?.IsPublic) return 'Public';
  if (block.status === 'fulfilled') {
    const c = block.value.PublicAccessBlockConfiguration ?? {};
    const all = c.BlockPublicAcls && c.IgnorePublicAcls && c.BlockPublicPolicy && c.RestrictPublicBuckets;
    return all ? 'Bucket and objects not public' : 'Objects can be public';
  }
  // No configuration at all (NoSuchPublicAccessBlockConfiguration): nothing blocks public access.
  if (errorCode(block.reason) === 'NoSuchPublicAccessBlockConfiguration') return 'Objects can be public';
  return 'Unknown';
}

/** Read a File or a part of it as bytes. */
export async function readBytes(blob: Blob): Promise<Uint8Array> {
  return new Uint8Array(await blob.arrayBuffer());
}

/** Epoch milliseconds of an AWS timestamp (0 when absent), for sorting. */
export function timeOf(value: Date | string | number | undefined): number {
  return value === undefined ? 0 : new Date(value).getTime() || 0;
}
