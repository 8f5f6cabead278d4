/**
 * S3 POST Object on the wire: a `multipart/form-data` POST to a bucket, what a browser sends for
 * an HTML upload form and what presigned POSTs (`createPresignedPost`, boto3's
 * `generate_presigned_post`) are for. The form is read up to its file (S3 ignores fields after
 * it), the policy's signature (Signature Version 4 or 2) and expiry are checked as a presigned
 * URL's are, and the file streams to the operation (s3/post-object.ts).
 */
import busboy from 'busboy';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { AwsError } from '../core/kernel/errors';
import type { GatewayRequest, WireResponse } from './http';
import { escapeXml } from './protocols/xml-writer';
import { postPolicySignature } from './sigv4';

/** The form's fields and its file, as read. */
export interface UploadForm {
  fields: Array<[string, string]>;
  file: Readable;
  fileName: string;
  /** Settles when the whole form has been read (what follows the file is read and ignored). */
  finished: Promise<void>;
}

/** A POST to a bucket itself (no sub-resource) with a form: S3's browser upload. */
export function isFormUpload(head: GatewayRequest): boolean {
  return (
    head.method === 'POST' &&
    head.rawQuery === '' &&
    /^\/[^/]+\/?$/.test(head.routePath) &&
    /^multipart\/form-data\b/i.test(head.headers['content-type'] ?? '')
  );
}

/** The form's fields must fit in this (the file aside), as on S3. */
const FIELDS_LIMIT = 20 * 1024;

/** Read the form up to its file part; resolves when the file starts (it is then streamed). */
export function readForm(req: IncomingMessage): Promise<UploadForm> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { fieldSize: FIELDS_LIMIT, fields: 200, files: 1 } });
    } catch {
      return reject(
        new AwsError(
          'MalformedPOSTRequest',
          'The body of your POST request is not well-formed multipart/form-data.',
        ),
      );
    }
    const fields: Array<[string, string]> = [];
    let size = 0;
    let settled = false;
    const finished = new Promise<void>((done) => {
      parser.once('close', done);
      parser.once('error', () => done());
    });
    parser.on('field', (name, value, info) => {
      if (settled) return; // after the file: S3 ignores it
      size += name.length + value.length;
      if (info.valueTruncated || size > FIELDS_LIMIT) {
        settled = true;
        req.unpipe(parser);
        req.resume();
        reject(
          new AwsError(
            'MaxPostPreDataLengthExceeded',
            'Your POST request fields preceeding the upload file was too large.',
          ),
        );
        return;
      }
      fields.push([name, value]);
    });
    parser.on('file', (_name, stream, info) => {
      if (settled) return stream.resume();
      settled = true;
      resolve({ fields, file: stream, fileName: info.filename ?? '', finished });
    });
    parser.on('error', (e) => {
      if (settled) return;
      settled = true;
      reject(
        new AwsError(
          'MalformedPOSTRequest',
          `The body of your POST request is not well-formed multipart/form-data. ${(e as Error).message}`,
        ),
      );
    });
    parser.on('close', () => {
      if (settled) return;
      settled = true;
      reject(
        new AwsError('InvalidArgument', 'POST requires exactly one file upload per request.', {
          fields: { ArgumentName: 'file', ArgumentValue: '0' },
        }),
      );
    });
    req.pipe(parser);
  });
}

/** The first value of a field, by name in any case. */
export function formField(form: UploadForm, name: string): string | undefined {
  const lower = name.toLowerCase();
  return form.fields.find(([n]) => n.toLowerCase() === lower)?.[1];
}

/** Who signed the form's policy: the access key, once its signature verified. */
export interface SignedPolicy {
  accessKeyId: string;
  /** The policy document, decoded. */
  policy: string;
}

export function missingField(name: string): AwsError {
  return new AwsError(
    'InvalidArgument',
    `Bucket POST must contain a field named '${name}'.  If it is specified, please check the order of the fields.`,
    { fields: { ArgumentName: name, ArgumentValue: '' } },
  );
}

/**
 * Check the policy's signature with the secret `secretOf` gives for an access key (undefined:
 * no such key), and its expiry against `nowMs`. Undefined when the form has no policy (an
 * anonymous upload, which the bucket's policy decides).
 */
export function verifyPolicy(
  form: UploadForm,
  secretOf: (accessKeyId: string) => string | undefined,
  nowMs: number,
): SignedPolicy | undefined {
  const policyB64 = formField(form, 'policy');
  if (policyB64 === undefined) return undefined;
  let accessKeyId: string;
  let expected: string;
  let given: string;
  const algorithm = formField(form, 'x-amz-algorithm');
  if (algorithm !== undefined) {
    if (algorithm !== 'AWS4-HMAC-SHA256')
      throw new AwsError('InvalidArgument', 'Only AWS4-HMAC-SHA256 is supported', {
        fields: { ArgumentName: 'x-amz-algorithm', ArgumentValue: algorithm },
      });
    const credential = formField(form, 'x-amz-credential');
    if (credential === undefined) throw missingField('x-amz-credential');
    given = formField(form, 'x-amz-signature') ?? '';
    if (!given) throw missingField('x-amz-signature');
    const [key, date, region, service, terminal] = credential.split('/');
    if (!key || !date || !region || service !== 's3' || terminal !== 'aws4_request')
      throw new AwsError('InvalidArgument', `Invalid credential: ${credential}`, {
        fields: { ArgumentName: 'x-amz-credential', ArgumentValue: credential },
      });
    accessKeyId = key;
    const secret = unknownKeyOr(secretOf(key), key);
    expected = postPolicySignature(secret, date, region, policyB64);
  } else {
    const key = formField(form, 'AWSAccessKeyId');
    if (key === undefined) throw missingField('AWSAccessKeyId');
    given = formField(form, 'signature') ?? '';
    if (!given) throw missingField('signature');
    accessKeyId = key;
    expected = createHmac('sha1', unknownKeyOr(secretOf(key), key))
      .update(policyB64)
      .digest('base64');
  }
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  if (a.length !== b.length || !timingSafeEqual(a, b))
    throw new AwsError(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      {
        status: 403,
        fields: { AWSAccessKeyId: accessKeyId, StringToSign: policyB64, SignatureProvided: given },
      },
    );
  const policy = Buffer.from(policyB64, 'base64').toString('utf8');
  let expiration: unknown;
  try {
    expiration = (JSON.parse(policy) as { expiration?: unknown }).expiration;
  } catch {
    throw new AwsError('InvalidPolicyDocument', 'Invalid Policy: Invalid JSON.');
  }
  if (expiration === undefined)
    throw new AwsError('InvalidPolicyDocument', 'Invalid Policy: Policy missing expiration.');
  const at = Date.parse(String(expiration));
  if (Number.isNaN(at))
    throw new AwsError('InvalidPolicyDocument', "Invalid Policy: Invalid 'expiration' value.");
  if (at < nowMs)
    throw new AwsError('AccessDenied', 'Invalid according to Policy: Policy expired.', { status: 403 });
  return { accessKeyId, policy };
}

function unknownKeyOr(secret: string | undefined, key: string): string {
  if (secret === undefined)
    throw new AwsError(
      'InvalidAccessKeyId',
      'The AWS Access Key Id you provided does not exist in our records.',
      {
        status: 403,
        fields: { AWSAccessKeyId: key },
      },
    );
  return secret;
}

/** What S3 answers a stored upload with: success_action_redirect, _status, or 204. */
export function formResponse(
  head: GatewayRequest,
  out: { Bucket: string; Key: string; ETag: string; VersionId?: string; Status: number; Redirect?: string },
  requestId: string,
): WireResponse {
  const host = head.headers['host'] ?? 'localhost';
  const path = out.Key.split('/').map(encodeURIComponent).join('/');
  const location = head.bucketFromHost ? `http://${host}/${path}` : `http://${host}/${out.Bucket}/${path}`;
  const headers: Record<string, string> = {
    etag: out.ETag,
    location,
    'x-amz-request-id': requestId,
    ...(out.VersionId !== undefined ? { 'x-amz-version-id': out.VersionId } : {}),
  };
  if (out.Status === 303 && out.Redirect) {
    const target = new URL(out.Redirect);
    target.searchParams.set('bucket', out.Bucket);
    target.searchParams.set('key', out.Key);
    target.searchParams.set('etag', out.ETag);
    return {
      status: 303,
      headers: { ...headers, location: target.toString(), 'content-length': '0' },
      body: '',
    };
  }
  if (out.Status === 201) {
    const body =
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<PostResponse><Location>${escapeXml(location)}</Location><Bucket>${escapeXml(out.Bucket)}</Bucket>` +
      `<Key>${escapeXml(out.Key)}</Key><ETag>${escapeXml(out.ETag)}</ETag></PostResponse>`;
    return { status: 201, headers: { ...headers, 'content-type': 'application/xml' }, body };
  }
  return { status: out.Status, headers: { ...headers, 'content-length': '0' }, body: '' };
}
