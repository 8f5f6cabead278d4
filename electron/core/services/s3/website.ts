/**
 * S3 static website hosting: what a website endpoint (`http://BUCKET.s3-website-REGION.amazonaws.com`)
 * answers. One implementation for every way a request arrives — the gateway (a browser on the
 * learner's computer, `BUCKET.s3-website-REGION.localhost:PORT`) and the instances' simulated
 * network (`curl` on an instance) — each an adapter that hands over method, path and headers.
 *
 * As on AWS: GET and HEAD only, never signed, so every object served must be readable by anyone
 * (bucket policy, ACL, public access block — `access.ts` decides); the IndexDocument answers
 * `/` and every "folder" (`/docs/`), a folder named without its slash is redirected to it (302),
 * the ErrorDocument answers 4xx errors with their status, and otherwise S3's own HTML error
 * pages do. Whole-site redirects (RedirectAllRequestsTo), routing rules (key prefix and/or
 * returned error code) and per-object redirects (`x-amz-website-redirect-location`) answer
 * with a Location. Objects carry Content-Type, ETag, Last-Modified, ranges and conditional
 * requests as GetObject does.
 */
import type * as S3 from '@aws-sdk/client-s3';
import type { Cloud } from '../../cloud';
import { isAwsError } from '../../kernel/errors';
import { anonymousAllowed } from './access';
import { s3Runtime } from './bodies';
import { readBucketConfig } from './bucket-config';
import { s3RequestIdHeaders, type S3RequestIds } from './request-ids';
import { failedCondition, parseRange } from './objects';
import { readableNow } from './restore';
import { bucketNamed } from './buckets';
import type { BucketRow, ObjectRow, StoredHeaders } from './schema';
import { websiteHostName } from '../../../contract/s3-website';

export interface WebsiteRequest {
  /** The bucket the host names; empty for the bare endpoint (`s3-website-us-east-1.amazonaws.com`). */
  bucket: string;
  method: string;
  /** Path and query as sent (percent-encoded). */
  path: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** The Region the endpoint's host names; a bucket elsewhere answers IncorrectEndpoint. */
  region?: string;
  /** The scheme the request came in with (redirects keep it unless told otherwise). */
  protocol?: 'http' | 'https';
  /** The caller's address (for `aws:SourceIp` conditions in the bucket policy). */
  sourceIp?: string;
}

export interface WebsiteResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: Uint8Array | AsyncIterable<Uint8Array>;
}

/** Bodies up to this size are answered as bytes; larger ones stream from the blob store. */
const INLINE_BODY_BYTES = 8 * 1024 * 1024;

const REASONS: Record<number, string> = {
  301: 'Moved Permanently',
  302: 'Found',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  412: 'Precondition Failed',
  416: 'Requested Range Not Satisfiable',
};

/** An S3 error as the website endpoint reports it: an HTML page, and the same in headers. */
interface SiteError {
  status: number;
  code: string;
  message: string;
  /** Extra lines of the page (`Key`, `BucketName`, `Method`…), also sent as x-amz-error-detail-*. */
  details: Array<[string, string]>;
}

const empty = () => new Uint8Array(0);

export async function serveWebsite(cloud: Cloud, req: WebsiteRequest): Promise<WebsiteResponse> {
  return new Site(cloud, req).serve();
}

class Site {
  private readonly ids: S3RequestIds;
  private readonly head: boolean;

  constructor(
    private readonly cloud: Cloud,
    private readonly req: WebsiteRequest,
  ) {
    this.ids = s3RequestIdHeaders(cloud.ids.requestId());
    this.head = req.method.toUpperCase() === 'HEAD';
  }

  async serve(): Promise<WebsiteResponse> {
    const { req } = this;
    const method = req.method.toUpperCase();
    // The bare endpoint names no bucket: AWS sends visitors to S3's product page.
    if (!req.bucket) return this.redirect(301, 'https://aws.amazon.com/s3/');
    const bucket = bucketNamed(this.cloud.store, req.bucket);
    if (!bucket)
      return this.error({
        status: 404,
        code: 'NoSuchBucket',
        message: 'The specified bucket does not exist',
        details: [['BucketName', req.bucket]],
      });
    if (method !== 'GET' && method !== 'HEAD')
      return this.error({
        status: 405,
        code: 'MethodNotAllowed',
        message: 'The specified method is not allowed against this resource.',
        details: [
          ['Method', method],
          ['ResourceType', 'OBJECT'],
        ],
      });
    if (req.region && req.region !== bucket.region)
      return this.error({
        status: 400,
        code: 'IncorrectEndpoint',
        message:
          'The specified bucket exists in another region. Please direct requests to the specified endpoint.',
        details: [['Endpoint', websiteHostName(bucket.name, bucket.region)]],
      });
    const config = readBucketConfig(this.cloud.store, bucket.name, 'website');
    if (!config)
      return this.error({
        status: 404,
        code: 'NoSuchWebsiteConfiguration',
        message: 'The specified bucket does not have a website configuration',
        details: [['BucketName', bucket.name]],
      });

    const { path, query } = splitPath(req.path);
    if (config.RedirectAllRequestsTo?.HostName) {
      const to = config.RedirectAllRequestsTo;
      const protocol = to.Protocol ?? req.protocol ?? 'http';
      return this.redirect(301, `${protocol}://${to.HostName}${path}${query}`);
    }

    const requested = decodePath(path.slice(1));
    const rule = matchRule(config.RoutingRules, requested, undefined);
    if (rule) return this.ruleRedirect(rule, requested);

    const suffix = config.IndexDocument?.Suffix ?? 'index.html';
    const key = requested === '' || requested.endsWith('/') ? `${requested}${suffix}` : requested;
    const row = this.object(bucket.name, key);
    let failure: SiteError;
    if (row && this.readable(bucket, row)) {
      return this.object200(row);
    } else if (row) {
      failure = accessDenied();
    } else if (
      key === requested &&
      this.readableIfThere(bucket, `${requested}/${suffix}`) &&
      this.object(bucket.name, `${requested}/${suffix}`)
    ) {
      // `/docs` names a folder whose index exists: S3 adds the slash.
      return this.redirect(302, `/${encodeKey(requested)}/`);
    } else if (this.readableIfThere(bucket, key)) {
      failure = {
        status: 404,
        code: 'NoSuchKey',
        message: 'The specified key does not exist.',
        details: [['Key', key]],
      };
    } else {
      // Nothing would have been readable there: S3 does not tell a stranger whether it exists.
      failure = accessDenied();
    }
    return this.failed(bucket, config, requested, failure);
  }

  /** A 4xx from the bucket's content: routing rules on the code, then the ErrorDocument. */
  private async failed(
    bucket: BucketRow,
    config: S3.WebsiteConfiguration,
    requested: string,
    failure: SiteError,
  ): Promise<WebsiteResponse> {
    const rule = matchRule(config.RoutingRules, requested, failure.status);
    if (rule) return this.ruleRedirect(rule, requested);
    const docKey = config.ErrorDocument?.Key;
    if (!docKey) return this.error(failure);
    const doc = this.object(bucket.name, docKey);
    if (doc && this.readable(bucket, doc)) {
      const out = await this.body(doc, undefined);
      return { ...out, status: failure.status };
    }
    const docFailure: SiteError = doc
      ? accessDenied()
      : this.readableIfThere(bucket, docKey)
        ? {
            status: 404,
            code: 'NoSuchKey',
            message: 'The specified key does not exist.',
            details: [['Key', docKey]],
          }
        : accessDenied();
    return this.error(failure, docFailure);
  }

  private object(bucket: string, key: string): ObjectRow | undefined {
    return this.cloud.store.get<ObjectRow>('SELECT * FROM s3_objects WHERE bucket = ? AND key = ?', [
      bucket,
      key,
    ]);
  }

  private readable(bucket: BucketRow, row: ObjectRow): boolean {
    return anonymousAllowed(this.cloud.store, bucket, 's3:GetObject', row.key, objectAcl(row), {
      sourceIp: this.req.sourceIp,
      secureTransport: this.req.protocol === 'https',
    });
  }

  /** Would an object at `key` be readable by anyone (the policy and bucket grants alone)? */
  private readableIfThere(bucket: BucketRow, key: string): boolean {
    return anonymousAllowed(this.cloud.store, bucket, 's3:GetObject', key, undefined, {
      sourceIp: this.req.sourceIp,
      secureTransport: this.req.protocol === 'https',
    });
  }

  /** An object found and readable: its redirect, a conditional answer, a range or the whole body. */
  private async object200(row: ObjectRow): Promise<WebsiteResponse> {
    const stored = JSON.parse(row.headers) as StoredHeaders;
    if (stored.WebsiteRedirectLocation) return this.redirect(301, stored.WebsiteRedirectLocation);
    const h = this.req.headers;
    if (!readableNow(row, this.cloud.clock.now()))
      return this.error({
        status: 403,
        code: 'InvalidObjectState',
        message: "The operation is not valid for the object's storage class",
        details: [['StorageClass', row.storage_class]],
      });
    const failed = failedCondition(row, {
      IfMatch: h['if-match'],
      IfNoneMatch: h['if-none-match'],
      IfModifiedSince: httpDateHeader(h['if-modified-since']),
      IfUnmodifiedSince: httpDateHeader(h['if-unmodified-since']),
    });
    if (failed === 'IfMatch' || failed === 'IfUnmodifiedSince')
      return this.error({
        status: 412,
        code: 'PreconditionFailed',
        message: 'At least one of the pre-conditions you specified did not hold',
        details: [['Condition', failed === 'IfMatch' ? 'If-Match' : 'If-Unmodified-Since']],
      });
    if (failed)
      return {
        status: 304,
        headers: { ...this.ids, etag: `"${row.etag}"`, 'last-modified': httpDate(row.last_modified) },
        body: empty(),
      };
    let range: { start: number; end: number } | undefined;
    try {
      range = parseRange(h['range'], row.size);
    } catch (e) {
      if (!isAwsError(e)) throw e;
      const out = this.error({
        status: 416,
        code: 'InvalidRange',
        message: 'The requested range is not satisfiable',
        details: [
          ['RangeRequested', h['range'] ?? ''],
          ['ActualObjectSize', String(row.size)],
        ],
      });
      out.headers['content-range'] = `bytes */${row.size}`;
      return out;
    }
    return this.body(row, range);
  }

  private async body(
    row: ObjectRow,
    range: { start: number; end: number } | undefined,
  ): Promise<WebsiteResponse> {
    const stored = JSON.parse(row.headers) as StoredHeaders;
    const length = range ? range.end - range.start + 1 : row.size;
    const headers: Record<string, string> = {
      ...this.ids,
      'last-modified': httpDate(row.last_modified),
      etag: `"${row.etag}"`,
      'accept-ranges': 'bytes',
      'content-type': row.content_type,
      'content-length': String(length),
      server: 'AmazonS3',
    };
    if (range) headers['content-range'] = `bytes ${range.start}-${range.end}/${row.size}`;
    if (stored.CacheControl !== undefined) headers['cache-control'] = stored.CacheControl;
    if (stored.ContentDisposition !== undefined) headers['content-disposition'] = stored.ContentDisposition;
    if (stored.ContentEncoding !== undefined) headers['content-encoding'] = stored.ContentEncoding;
    if (stored.ContentLanguage !== undefined) headers['content-language'] = stored.ContentLanguage;
    if (stored.Expires !== undefined) headers['expires'] = httpDate(stored.Expires);
    for (const [k, v] of Object.entries(JSON.parse(row.metadata) as Record<string, string>))
      headers[`x-amz-meta-${k}`] = v;
    const status = range ? 206 : 200;
    if (this.head || length === 0) return { status, headers, body: empty() };
    const stream = s3Runtime(this.cloud).read(row.blob, range);
    if (length > INLINE_BODY_BYTES) return { status, headers, body: stream };
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return { status, headers, body: new Uint8Array(Buffer.concat(chunks)) };
  }

  private ruleRedirect(rule: S3.RoutingRule, requested: string): WebsiteResponse {
    const r = rule.Redirect ?? {};
    const protocol = r.Protocol ?? this.req.protocol ?? 'http';
    const host = r.HostName ?? this.req.headers['host'] ?? '';
    let key = requested;
    if (r.ReplaceKeyWith !== undefined) key = r.ReplaceKeyWith;
    else if (r.ReplaceKeyPrefixWith !== undefined) {
      const prefix = rule.Condition?.KeyPrefixEquals ?? '';
      key = r.ReplaceKeyPrefixWith + requested.slice(prefix.length);
    }
    const status = Number(r.HttpRedirectCode ?? 301);
    return this.redirect(status, `${protocol}://${host}/${encodeKey(key)}`);
  }

  private redirect(status: number, target: string): WebsiteResponse {
    return {
      status,
      headers: { ...this.ids, location: target, 'content-length': '0', server: 'AmazonS3' },
      body: empty(),
    };
  }

  /** S3's HTML error page; `docFailure` adds why the custom ErrorDocument could not be served. */
  private error(e: SiteError, docFailure?: SiteError): WebsiteResponse {
    const title = `${e.status} ${REASONS[e.status] ?? 'Error'}`;
    const items = (x: SiteError, ids: boolean) =>
      [
        `<li>Code: ${html(x.code)}</li>`,
        `<li>Message: ${html(x.message)}</li>`,
        ...x.details.map(([k, v]) => `<li>${html(k)}: ${html(v)}</li>`),
        ...(ids
          ? [
              `<li>RequestId: ${this.ids['x-amz-request-id']}</li>`,
              `<li>HostId: ${this.ids['x-amz-id-2']}</li>`,
            ]
          : []),
      ].join('\n');
    let page = `<html>\n<head><title>${title}</title></head>\n<body>\n<h1>${title}</h1>\n<ul>\n${items(e, true)}\n</ul>\n`;
    if (docFailure)
      page += `<h3>An Error Occurred While Attempting to Retrieve a Custom Error Document</h3>\n<ul>\n${items(docFailure, false)}\n</ul>\n`;
    page += '<hr/>\n</body>\n</html>\n';
    const body = new TextEncoder().encode(page);
    const headers: Record<string, string> = {
      ...this.ids,
      'x-amz-error-code': e.code,
      'x-amz-error-message': e.message,
      'content-type': 'text/html; charset=utf-8',
      'content-length': String(body.length),
      server: 'AmazonS3',
    };
    for (const [k, v] of e.details) headers[`x-amz-error-detail-${k.toLowerCase()}`] = headerSafe(v);
    return { status: e.status, headers, body: this.head ? empty() : body };
  }
}

function accessDenied(): SiteError {
  return { status: 403, code: 'AccessDenied', message: 'Access Denied', details: [] };
}

/**
 * The first routing rule whose condition holds: before the lookup (`errorStatus` undefined) only
 * rules without an error-code condition apply; after a failure, rules naming that code do.
 */
function matchRule(
  rules: S3.RoutingRule[] | undefined,
  key: string,
  errorStatus: number | undefined,
): S3.RoutingRule | undefined {
  for (const rule of rules ?? []) {
    const c = rule.Condition;
    const code = c?.HttpErrorCodeReturnedEquals;
    if (errorStatus === undefined ? code !== undefined : code === undefined || Number(code) !== errorStatus)
      continue;
    if (c?.KeyPrefixEquals !== undefined && !key.startsWith(c.KeyPrefixEquals)) continue;
    return rule;
  }
  return undefined;
}

/** The object's own ACL as access.ts takes it: a canned name or an AccessControlPolicy (stored as JSON). */
function objectAcl(row: ObjectRow): string | S3.AccessControlPolicy | undefined {
  const acl = row.acl;
  if (!acl) return undefined;
  if (!acl.trim().startsWith('{') && !acl.trim().startsWith('"')) return acl;
  try {
    return JSON.parse(acl) as string | S3.AccessControlPolicy;
  } catch {
    return undefined;
  }
}

function splitPath(raw: string): { path: string; query: string } {
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  return { path: path.startsWith('/') ? path : `/${path}`, query: q < 0 ? '' : raw.slice(q) };
}

function decodePath(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}

/** A key as a URL path: each segment percent-encoded, slashes kept. */
function encodeKey(key: string): string {
  return key
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
}

/** A date request header; one that does not parse is ignored, as HTTP says. */
function httpDateHeader(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Header values must be Latin-1 without control characters. */
function headerSafe(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : encodeURIComponent(value);
}
