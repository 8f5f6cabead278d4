/**
 * POST Object: a browser's form upload (`<form method="post" enctype="multipart/form-data">`),
 * what `createPresignedPost` (JavaScript) and `generate_presigned_post` (boto3) prepare. The
 * gateway reads the form up to its file, checks the policy's signature and expiry (as it checks
 * a presigned URL's); here the policy's conditions are held against the form, then the file is
 * stored as PutObject stores a body, with the form's headers, metadata, ACL and tags.
 */
import type * as S3 from '@aws-sdk/client-s3';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { AwsError } from '../../kernel/errors';
import type { OperationContext } from '../../service';
import type { PostObjectOutput, PostObjectRequest } from '../../../contract/aws-api';
import { errors } from './errors';
import { putObject } from './objects';

/** Form fields no policy condition has to name. */
const EXEMPT = new Set(['policy', 'x-amz-signature', 'signature', 'awsaccesskeyid', 'file']);

type Condition =
  | { kind: 'eq' | 'starts-with'; field: string; value: string; text: string }
  | { kind: 'range'; min: number; max: number };

function invalidPolicy(why: string): AwsError {
  return new AwsError('InvalidPolicyDocument', `Invalid Policy: ${why}`);
}

function policyDenied(why: string): AwsError {
  return new AwsError('AccessDenied', `Invalid according to Policy: ${why}`, { status: 403 });
}

/** The policy's conditions, read as S3 reads them. */
export function policyConditions(policy: string): Condition[] {
  let doc: unknown;
  try {
    doc = JSON.parse(policy);
  } catch {
    throw invalidPolicy('Invalid JSON.');
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw invalidPolicy('Invalid JSON.');
  const { expiration, conditions } = doc as { expiration?: unknown; conditions?: unknown };
  if (expiration === undefined) throw invalidPolicy('Policy missing expiration.');
  if (!Array.isArray(conditions)) throw invalidPolicy('Policy missing conditions.');
  return conditions.map((c: unknown): Condition => {
    if (Array.isArray(c)) {
      const [op, a, b] = c as unknown[];
      const name = String(op).toLowerCase();
      if (name === 'content-length-range') {
        const min = Number(a);
        const max = Number(b);
        if (!Number.isInteger(min) || !Number.isInteger(max) || c.length !== 3)
          throw invalidPolicy('Invalid content-length-range condition.');
        return { kind: 'range', min, max };
      }
      if (
        (name !== 'eq' && name !== 'starts-with') ||
        c.length !== 3 ||
        typeof a !== 'string' ||
        !a.startsWith('$')
      )
        throw invalidPolicy(`Invalid Policy Condition: ${JSON.stringify(c)}`);
      return {
        kind: name,
        field: a.slice(1).toLowerCase(),
        value: String(b),
        text: conditionText(name, a, b),
      };
    }
    if (c && typeof c === 'object') {
      const entries = Object.entries(c as Record<string, unknown>);
      if (entries.length !== 1) throw invalidPolicy(`Invalid Policy Condition: ${JSON.stringify(c)}`);
      const [field, value] = entries[0]!;
      return {
        kind: 'eq',
        field: field.toLowerCase(),
        value: String(value),
        text: conditionText('eq', `$${field}`, value),
      };
    }
    throw invalidPolicy(`Invalid Policy Condition: ${JSON.stringify(c)}`);
  });
}

/** A condition as S3's error messages print it: `["eq", "$key", "uploads/a.txt"]`. */
function conditionText(op: string, field: string, value: unknown): string {
  return `[${JSON.stringify(op)}, ${JSON.stringify(field)}, ${JSON.stringify(value)}]`;
}

/** Counts the file's bytes against content-length-range, failing the upload outside it. */
class LengthRange extends Transform {
  private seen = 0;
  constructor(private readonly range: { min: number; max: number }) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.range.max)
      return done(
        new AwsError('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', {
          fields: { ProposedSize: String(this.seen), MaxSizeAllowed: String(this.range.max) },
        }),
      );
    done(null, chunk);
  }
  override _flush(done: TransformCallback): void {
    if (this.seen < this.range.min)
      return done(
        new AwsError('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size', {
          fields: { ProposedSize: String(this.seen), MinSizeAllowed: String(this.range.min) },
        }),
      );
    done();
  }
}

export async function postObject(ctx: OperationContext, input: PostObjectRequest): Promise<PostObjectOutput> {
  // Field names are case-insensitive; the first of a name counts.
  const fields = new Map<string, { name: string; value: string }>();
  for (const [name, value] of input.Fields)
    if (!fields.has(name.toLowerCase())) fields.set(name.toLowerCase(), { name, value });
  const field = (name: string) => fields.get(name)?.value;
  const rawKey = field('key');
  if (rawKey === undefined)
    throw errors.invalidArgument(
      "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.",
      'key',
      '',
    );
  const key = rawKey.split('${filename}').join(input.FileName);
  const file = input.Body as Readable;
  let body: Readable = file;
  if (input.Policy !== undefined) {
    const conditions = policyConditions(input.Policy);
    // What conditions see: the form's fields, the bucket, and the key as sent.
    const value = (name: string) => (name === 'bucket' ? input.Bucket : field(name));
    for (const c of conditions) {
      if (c.kind === 'range') continue;
      const v = value(c.field) ?? '';
      const holds = c.kind === 'eq' ? v === c.value : v.startsWith(c.value);
      if (!holds) throw policyDenied(`Policy Condition failed: ${c.text}`);
    }
    const named = new Set(conditions.flatMap((c) => (c.kind === 'range' ? [] : [c.field])));
    const extra = [...fields.values()]
      .filter(({ name }) => {
        const lower = name.toLowerCase();
        return !EXEMPT.has(lower) && !lower.startsWith('x-ignore-') && !named.has(lower);
      })
      .map(({ name }) => name);
    if (extra.length > 0) throw policyDenied(`Extra input fields: ${extra.join(', ')}`);
    const range = conditions.find((c) => c.kind === 'range');
    if (range) {
      const counted = new LengthRange(range);
      file.on('error', (e) => counted.destroy(e));
      body = file.pipe(counted);
    }
  }
  const metadata: Record<string, string> = {};
  for (const [lower, { value }] of fields)
    if (lower.startsWith('x-amz-meta-')) metadata[lower.slice('x-amz-meta-'.length)] = value;
  const put: S3.PutObjectRequest = {
    Bucket: input.Bucket,
    Key: key,
    Body: body as S3.PutObjectRequest['Body'],
    ContentType: field('content-type'),
    CacheControl: field('cache-control'),
    ContentDisposition: field('content-disposition'),
    ContentEncoding: field('content-encoding'),
    ...(field('expires') !== undefined ? { Expires: new Date(field('expires')!) } : {}),
    Metadata: metadata,
    ACL: field('acl') as S3.ObjectCannedACL | undefined,
    StorageClass: field('x-amz-storage-class') as S3.StorageClass | undefined,
    WebsiteRedirectLocation: field('x-amz-website-redirect-location'),
    // The form's `tagging` XML, read by the gateway, in PutObject's header form.
    ...(input.TagSet
      ? {
          Tagging: input.TagSet.map(
            (t) => `${encodeURIComponent(t.Key ?? '')}=${encodeURIComponent(t.Value ?? '')}`,
          ).join('&'),
        }
      : {}),
  };
  const out = await putObject(ctx, put);
  const redirect = field('success_action_redirect') ?? field('redirect');
  const status = Number(field('success_action_status'));
  return {
    Bucket: input.Bucket,
    Key: key,
    ETag: out.ETag!,
    ...(out.VersionId !== undefined ? { VersionId: out.VersionId } : {}),
    Status: redirect ? 303 : [200, 201].includes(status) ? (status as 200 | 201) : 204,
    ...(redirect ? { Redirect: redirect } : {}),
  };
}
