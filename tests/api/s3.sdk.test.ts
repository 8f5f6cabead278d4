/**
 * Amazon S3 through the AWS SDK for JavaScript v3 against `cloudlab serve`: buckets, objects
 * (streamed uploads, ranges, conditional requests), listings, S3's exact errors, durability of
 * an acknowledged upload across kill -9, and the server's memory during a 64 MiB upload.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  ListObjectsCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  type S3ClientConfig,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { failure } from '../support/failure';
import { s3Client } from '../support/s3';
import { credentials, serve, serveLab } from '../support/serve';

const served = serveLab();

const client = (over: Partial<S3ClientConfig> = {}, endpoint = served().endpoint) => s3Client(endpoint, over);

/** A request signed by hand, for what the SDK would not send as it is. */
async function signedFetch(
  method: string,
  path: string,
  options: { region?: string; body?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<Response> {
  const url = new URL(served().endpoint);
  const body = options.body ?? '';
  const signer = new SignatureV4({
    credentials,
    region: options.region ?? 'us-east-1',
    service: 's3',
    sha256: Sha256,
  });
  const signed = await signer.sign(
    new HttpRequest({
      method,
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path,
      headers: {
        host: url.host,
        'x-amz-content-sha256': createHash('sha256').update(body).digest('hex'),
        ...options.headers,
      },
      body,
    }),
  );
  return fetch(`${served().endpoint}${path}`, {
    method,
    headers: signed.headers,
    body: body ? Buffer.from(body) : undefined,
  });
}

const md5 = (data: string | Buffer) => createHash('md5').update(data).digest('hex');

describe('buckets', () => {
  it('CreateBucket, ListBuckets, HeadBucket, GetBucketLocation, DeleteBucket', async () => {
    const s3 = client();
    const created = await s3.send(new CreateBucketCommand({ Bucket: 'lab-photos' }));
    expect(created.Location).toBe('/lab-photos');
    const list = await s3.send(new ListBucketsCommand({}));
    expect(list.Owner).toMatchObject({ ID: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const bucket = list.Buckets!.find((b) => b.Name === 'lab-photos')!;
    expect(bucket.CreationDate).toBeInstanceOf(Date);
    const head = await s3.send(new HeadBucketCommand({ Bucket: 'lab-photos' }));
    expect(head.BucketRegion).toBe('us-east-1');
    expect(head.$metadata.httpStatusCode).toBe(200);
    const location = await s3.send(new GetBucketLocationCommand({ Bucket: 'lab-photos' }));
    expect(location.LocationConstraint ?? null).toBeNull();
    // us-east-1 answers 200 to creating a bucket you already own there, as AWS does.
    const again = await s3.send(new CreateBucketCommand({ Bucket: 'lab-photos' }));
    expect(again.$metadata.httpStatusCode).toBe(200);
    await s3.send(new DeleteBucketCommand({ Bucket: 'lab-photos' }));
    expect(await failure(s3.send(new HeadBucketCommand({ Bucket: 'lab-photos' })))).toMatchObject({
      name: 'NotFound',
      status: 404,
    });
    expect(await failure(s3.send(new DeleteBucketCommand({ Bucket: 'lab-photos' })))).toMatchObject({
      name: 'NoSuchBucket',
      status: 404,
      message: 'The specified bucket does not exist',
    });
  });

  it('HeadBucket of a missing bucket answers 404 without a body', async () => {
    const url = await getSignedUrl(client(), new HeadBucketCommand({ Bucket: 'nobody-has-this' }));
    const res = await fetch(url, { method: 'HEAD' });
    expect(res.status).toBe(404);
    expect(await res.text()).toBe('');
  });

  it('places buckets by LocationConstraint and enforces the Region rules', async () => {
    const east = client();
    const west = client({ region: 'eu-west-1' });
    await west.send(
      new CreateBucketCommand({
        Bucket: 'lab-eu-bucket',
        CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
      }),
    );
    expect(
      (await west.send(new GetBucketLocationCommand({ Bucket: 'lab-eu-bucket' }))).LocationConstraint,
    ).toBe('eu-west-1');
    expect((await west.send(new HeadBucketCommand({ Bucket: 'lab-eu-bucket' }))).BucketRegion).toBe(
      'eu-west-1',
    );
    const listed = await east.send(new ListBucketsCommand({}));
    expect(listed.Buckets!.find((b) => b.Name === 'lab-eu-bucket')?.BucketRegion).toBe('eu-west-1');
    expect(
      await failure(
        west.send(
          new CreateBucketCommand({
            Bucket: 'lab-eu-bucket',
            CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
          }),
        ),
      ),
    ).toMatchObject({
      name: 'BucketAlreadyOwnedByYou',
      status: 409,
      message: 'Your previous request to create the named bucket succeeded and you already own it.',
    });
    // The SDK adds the client's Region as LocationConstraint itself: send the bare request.
    const bare = await signedFetch('PUT', '/lab-eu-other', { region: 'eu-west-1' });
    expect(bare.status).toBe(400);
    expect(await bare.text()).toContain(
      '<Code>IllegalLocationConstraintException</Code><Message>The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.</Message>',
    );
    expect(
      await failure(
        west.send(
          new CreateBucketCommand({
            Bucket: 'lab-eu-other',
            CreateBucketConfiguration: { LocationConstraint: 'us-west-2' },
          }),
        ),
      ),
    ).toMatchObject({
      name: 'IllegalLocationConstraintException',
      message:
        'The us-west-2 location constraint is incompatible for the region specific endpoint this request was sent to.',
    });
    expect(
      await failure(
        east.send(
          new CreateBucketCommand({
            Bucket: 'lab-east-other',
            CreateBucketConfiguration: { LocationConstraint: 'us-east-1' as never },
          }),
        ),
      ),
    ).toMatchObject({
      name: 'InvalidLocationConstraint',
      status: 400,
      message: 'The specified location-constraint is not valid',
    });
    await west.send(new DeleteBucketCommand({ Bucket: 'lab-eu-bucket' }));
  });

  it('refuses names outside the naming rules with InvalidBucketName', async () => {
    const s3 = client();
    for (const name of [
      'ab',
      'Upper-Case',
      'under_score',
      'a..b',
      '192.168.1.1',
      '-leading',
      'x'.repeat(64),
    ]) {
      expect(await failure(s3.send(new CreateBucketCommand({ Bucket: name }))), name).toMatchObject({
        name: 'InvalidBucketName',
        status: 400,
        message: 'The specified bucket is not valid.',
      });
    }
  });

  it('DeleteBucket of a bucket with objects is BucketNotEmpty', async () => {
    const s3 = client();
    await s3.send(new CreateBucketCommand({ Bucket: 'lab-full' }));
    await s3.send(new PutObjectCommand({ Bucket: 'lab-full', Key: 'k', Body: 'x' }));
    expect(await failure(s3.send(new DeleteBucketCommand({ Bucket: 'lab-full' })))).toMatchObject({
      name: 'BucketNotEmpty',
      status: 409,
      message: 'The bucket you tried to delete is not empty',
    });
    await s3.send(new DeleteObjectCommand({ Bucket: 'lab-full', Key: 'k' }));
    await s3.send(new DeleteBucketCommand({ Bucket: 'lab-full' }));
  });
});

describe('objects', () => {
  const bucket = 'lab-objects';
  beforeAll(async () => {
    await client().send(new CreateBucketCommand({ Bucket: bucket }));
  });

  it('PutObject and GetObject keep the body, ETag, type, metadata and headers', async () => {
    const s3 = client();
    const expires = new Date('2030-01-01T00:00:00Z');
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'docs/hello.txt',
        Body: 'hello world',
        ContentType: 'text/plain',
        Metadata: { author: 'ada', Project: 'lab' },
        CacheControl: 'max-age=60',
        ContentDisposition: 'attachment; filename="hello.txt"',
        ContentEncoding: 'identity',
        ContentLanguage: 'en',
        Expires: expires,
      }),
    );
    expect(put.ETag).toBe(`"${md5('hello world')}"`);
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'docs/hello.txt' }));
    expect(await got.Body!.transformToString()).toBe('hello world');
    expect(got).toMatchObject({
      ETag: put.ETag,
      ContentType: 'text/plain',
      ContentLength: 11,
      Metadata: { author: 'ada', project: 'lab' },
      CacheControl: 'max-age=60',
      ContentDisposition: 'attachment; filename="hello.txt"',
      ContentEncoding: 'identity',
      ContentLanguage: 'en',
      AcceptRanges: 'bytes',
    });
    expect(got.LastModified).toBeInstanceOf(Date);
    expect(got.Expires?.toISOString()).toBe(expires.toISOString());
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'docs/hello.txt' }));
    expect(head).toMatchObject({ ETag: put.ETag, ContentLength: 11, ContentType: 'text/plain' });
  });

  it('streams an upload of unknown length (aws-chunked with a checksum trailer)', async () => {
    const s3 = client();
    const parts = Array.from({ length: 40 }, (_, i) => Buffer.alloc(100_000, i));
    const whole = Buffer.concat(parts);
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'stream.bin',
        Body: Readable.from(parts),
        ContentLength: whole.length,
      }),
    );
    expect(put.ETag).toBe(`"${md5(whole)}"`);
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'stream.bin' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(whole)).toBe(true);
    expect(got.ContentType).toBe('application/octet-stream'); // the SDK's default for streams
    expect(got.ContentEncoding).toBeUndefined(); // aws-chunked is transfer framing, not stored
  });

  it('stores binary/octet-stream when no Content-Type is sent', async () => {
    expect((await signedFetch('PUT', `/${bucket}/untyped`, { body: 'raw' })).status).toBe(200);
    const head = await client().send(new HeadObjectCommand({ Bucket: bucket, Key: 'untyped' }));
    expect(head.ContentType).toBe('binary/octet-stream');
  });

  it('a zero-byte object', async () => {
    const s3 = client();
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'empty', Body: '' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'empty' }));
    expect(got.ContentLength).toBe(0);
    expect(await got.Body!.transformToString()).toBe('');
    expect(got.ETag).toBe(`"${md5('')}"`);
  });

  it('Range answers 206 with Content-Range; an unsatisfiable range is InvalidRange', async () => {
    const s3 = client();
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'digits', Body: '0123456789' }));
    const cases: Array<[string, string, string]> = [
      ['bytes=2-5', '2345', 'bytes 2-5/10'],
      ['bytes=7-', '789', 'bytes 7-9/10'],
      ['bytes=-3', '789', 'bytes 7-9/10'],
      ['bytes=8-100', '89', 'bytes 8-9/10'],
    ];
    for (const [range, body, contentRange] of cases) {
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'digits', Range: range }));
      expect(got.$metadata.httpStatusCode, range).toBe(206);
      expect(got.ContentRange).toBe(contentRange);
      expect(got.ContentLength).toBe(body.length);
      expect(await got.Body!.transformToString()).toBe(body);
    }
    expect(
      await failure(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'digits', Range: 'bytes=10-' }))),
    ).toMatchObject({ name: 'InvalidRange', status: 416, message: 'The requested range is not satisfiable' });
  });

  it('conditional requests: If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since', async () => {
    const s3 = client();
    const { ETag } = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'cond', Body: 'v1' }));
    const get = (extra: Record<string, unknown>) =>
      s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'cond', ...extra }));
    expect((await get({ IfMatch: ETag })).$metadata.httpStatusCode).toBe(200);
    expect(await failure(get({ IfMatch: '"0000"' }))).toMatchObject({
      name: 'PreconditionFailed',
      status: 412,
      message: 'At least one of the pre-conditions you specified did not hold',
    });
    expect((await failure(get({ IfNoneMatch: ETag }))).status).toBe(304);
    expect((await get({ IfNoneMatch: '"0000"' })).$metadata.httpStatusCode).toBe(200);
    const past = new Date(Date.now() - 86_400_000);
    const future = new Date(Date.now() + 86_400_000);
    expect((await failure(get({ IfModifiedSince: future }))).status).toBe(304);
    expect((await get({ IfModifiedSince: past })).$metadata.httpStatusCode).toBe(200);
    expect(await failure(get({ IfUnmodifiedSince: past }))).toMatchObject({
      name: 'PreconditionFailed',
      status: 412,
    });
    expect((await get({ IfUnmodifiedSince: future })).$metadata.httpStatusCode).toBe(200);
    expect(
      (await failure(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'cond', IfMatch: '"0000"' }))))
        .status,
    ).toBe(412);
  });

  it('NoSuchKey and NoSuchBucket, with the elements S3 sends; HeadObject 404 has no body', async () => {
    const s3 = client();
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'missing' })))).toMatchObject({
      name: 'NoSuchKey',
      status: 404,
      message: 'The specified key does not exist.',
    });
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: 'lab-no-such', Key: 'k' })))).toMatchObject({
      name: 'NoSuchBucket',
      status: 404,
      message: 'The specified bucket does not exist',
    });
    expect(await failure(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'missing' })))).toMatchObject({
      name: 'NotFound',
      status: 404,
    });
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: 'dir/missing key' }));
    const res = await fetch(url);
    expect(res.status).toBe(404);
    expect(await res.text()).toMatch(
      /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<Error><Code>NoSuchKey<\/Code><Message>The specified key does not exist\.<\/Message><Key>dir\/missing key<\/Key><RequestId>[0-9A-F]{16}<\/RequestId><HostId>[^<]*<\/HostId><\/Error>$/,
    );
    const noBucket = await fetch(
      await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'lab-no-such', Key: 'k' })),
    );
    expect(await noBucket.text()).toContain(
      '<Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><BucketName>lab-no-such</BucketName>',
    );
    const head = await fetch(
      await getSignedUrl(s3, new HeadObjectCommand({ Bucket: bucket, Key: 'missing' })),
      {
        method: 'HEAD',
      },
    );
    expect(head.status).toBe(404);
    expect(await head.text()).toBe('');
  });

  it('DeleteObject answers 204, even for a key that does not exist', async () => {
    const s3 = client();
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'gone', Body: 'x' }));
    const del = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'gone' }));
    expect(del.$metadata.httpStatusCode).toBe(204);
    expect(
      (await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'gone' }))).$metadata.httpStatusCode,
    ).toBe(204);
    expect((await failure(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'gone' })))).name).toBe(
      'NoSuchKey',
    );
  });

  it('a plain hex x-amz-content-sha256 must match the body (XAmzContentSHA256Mismatch)', async () => {
    const res = await signedFetch('PUT', `/${bucket}/sha-check`, {
      body: 'the real body',
      headers: { 'x-amz-content-sha256': createHash('sha256').update('another body').digest('hex') },
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('<Code>XAmzContentSHA256Mismatch</Code>');
    expect(
      (await failure(client().send(new HeadObjectCommand({ Bucket: bucket, Key: 'sha-check' })))).status,
    ).toBe(404);
  });

  it('a streamed body is held to its x-amz-content-sha256 too, as it is stored', async () => {
    // Above the size read whole (64 KiB) and above the one written at once (1 MiB).
    for (const size of [200 * 1024, 2 * 1024 * 1024 + 3]) {
      const body = Buffer.alloc(size, 7);
      body.write(`size ${size}`);
      const wrong = await signedFetch('PUT', `/${bucket}/sha-stream-${size}`, {
        body,
        headers: { 'x-amz-content-sha256': createHash('sha256').update('another body').digest('hex') },
      });
      expect(wrong.status).toBe(400);
      expect(await wrong.text()).toContain('<Code>XAmzContentSHA256Mismatch</Code>');
      const key = { Bucket: bucket, Key: `sha-stream-${size}` };
      expect((await failure(client().send(new HeadObjectCommand(key)))).status).toBe(404);
      const right = await signedFetch('PUT', `/${bucket}/sha-stream-${size}`, { body });
      expect(right.status).toBe(200);
      expect(right.headers.get('etag')).toBe(`"${createHash('md5').update(body).digest('hex')}"`);
      const got = await client().send(new GetObjectCommand(key));
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
    }
  });

  it('ETags are the MD5 of bodies of every size, and reads in parallel get their own bytes', async () => {
    const s3 = client();
    // Around the sizes where the path changes: read whole (64 KiB), MD5 on the worker thread
    // (256 KiB), written at once (1 MiB), read into a reused buffer (128 KiB to 1 MiB).
    const sizes = [65536, 65537, 262143, 262144, 262145, 1048576, 1048577, 9 * 1048576 + 123];
    const bodies = sizes.map((size, i) => {
      const b = Buffer.alloc(size, 0x30 + i);
      b.write(`body ${i}`);
      return b;
    });
    await Promise.all(
      bodies.map(async (body, i) => {
        const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `md5/${i}`, Body: body }));
        expect(put.ETag, `size ${sizes[i]}`).toBe(`"${createHash('md5').update(body).digest('hex')}"`);
      }),
    );
    // 16 reads in flight, three times over: a buffer lent to one answer is never another's.
    for (let round = 0; round < 3; round++) {
      await Promise.all(
        Array.from({ length: 16 }, async (_, j) => {
          const i = (j + round) % bodies.length;
          const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `md5/${i}` }));
          const bytes = Buffer.from(await got.Body!.transformToByteArray());
          expect(bytes.equals(bodies[i]!), `size ${sizes[i]}, round ${round}`).toBe(true);
        }),
      );
    }
  });

  it('works virtual-host style (BUCKET.localhost)', async () => {
    const s3 = client({ forcePathStyle: false }, served().endpoint.replace('127.0.0.1', 'localhost'));
    // BUCKET.localhost does not resolve everywhere: connect to 127.0.0.1, keep the signed Host.
    s3.middlewareStack.add(
      (next) => async (args) => {
        const req = args.request as HttpRequest;
        expect(req.hostname).toBe(`${bucket}.localhost`);
        req.hostname = '127.0.0.1';
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'connectToLoopback' },
    );
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'vhost/a.txt', Body: 'virtual' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'vhost/a.txt' }));
    expect(await got.Body!.transformToString()).toBe('virtual');
    const list = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'vhost/' }));
    expect(list.Contents!.map((c) => c.Key)).toEqual(['vhost/a.txt']);
  });
});

describe('listing', () => {
  const bucket = 'lab-listing';
  const keys = ['a.txt', 'b/1.txt', 'b/2.txt', 'b/c/3.txt', 'd e+f.txt', 'z.txt'];
  beforeAll(async () => {
    const s3 = client();
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: Key }));
  });

  it('ListObjectsV2 lists keys in order with sizes, ETags and KeyCount', async () => {
    const out = await client().send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(out.Contents!.map((c) => c.Key)).toEqual(keys);
    expect(out).toMatchObject({ Name: bucket, KeyCount: 6, MaxKeys: 1000, IsTruncated: false, Prefix: '' });
    expect(out.Contents![0]).toMatchObject({ Size: 5, ETag: `"${md5('a.txt')}"`, StorageClass: 'STANDARD' });
    expect(out.Contents![0]!.Owner).toBeUndefined();
    const owned = await client().send(new ListObjectsV2Command({ Bucket: bucket, FetchOwner: true }));
    expect(owned.Contents![0]!.Owner?.ID).toMatch(/^[0-9a-f]{64}$/);
  });

  it('Prefix and Delimiter roll keys up into CommonPrefixes', async () => {
    const s3 = client();
    const top = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Delimiter: '/' }));
    expect(top.Contents!.map((c) => c.Key)).toEqual(['a.txt', 'd e+f.txt', 'z.txt']);
    expect(top.CommonPrefixes).toEqual([{ Prefix: 'b/' }]);
    expect(top.KeyCount).toBe(4);
    const inB = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Delimiter: '/', Prefix: 'b/' }));
    expect(inB.Contents!.map((c) => c.Key)).toEqual(['b/1.txt', 'b/2.txt']);
    expect(inB.CommonPrefixes).toEqual([{ Prefix: 'b/c/' }]);
  });

  it('pages with MaxKeys and continuation tokens; StartAfter skips', async () => {
    const s3 = client();
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 2, Delimiter: '/', ContinuationToken: token }),
      );
      pages++;
      seen.push(
        ...(page.Contents ?? []).map((c) => c.Key!),
        ...(page.CommonPrefixes ?? []).map((p) => p.Prefix!),
      );
      expect(page.KeyCount).toBeLessThanOrEqual(2);
      token = page.NextContinuationToken;
      expect(page.IsTruncated).toBe(token !== undefined);
    } while (token);
    expect(pages).toBe(2);
    expect(seen.sort()).toEqual(['a.txt', 'b/', 'd e+f.txt', 'z.txt']);
    const after = await s3.send(new ListObjectsV2Command({ Bucket: bucket, StartAfter: 'b/2.txt' }));
    expect(after.Contents!.map((c) => c.Key)).toEqual(['b/c/3.txt', 'd e+f.txt', 'z.txt']);
    expect(after.StartAfter).toBe('b/2.txt');
    expect(
      await failure(s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: 'not-a-token' }))),
    ).toMatchObject({ name: 'InvalidArgument', message: 'The continuation token provided is incorrect' });
  });

  it('EncodingType=url encodes keys and prefixes', async () => {
    const out = await client().send(
      new ListObjectsV2Command({ Bucket: bucket, EncodingType: 'url', Prefix: 'd ' }),
    );
    expect(out.EncodingType).toBe('url');
    expect(out.Contents!.map((c) => c.Key)).toEqual(['d%20e%2Bf.txt']);
    expect(out.Prefix).toBe('d%20');
  });

  it('a Prefix with characters beyond the BMP lists what starts with it, versions too', async () => {
    const s3 = client();
    const Bucket = 'lab-listing-astral';
    await s3.send(new CreateBucketCommand({ Bucket }));
    const emoji = ['photos/😀/1.jpg', 'photos/😀/2.jpg', 'photos/😀x.jpg'];
    for (const Key of [...emoji, 'photos/😁.jpg', 'photos0.jpg', 'photos/é.jpg'])
      await s3.send(new PutObjectCommand({ Bucket, Key, Body: Key }));
    const out = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: 'photos/😀' }));
    expect(out.Contents!.map((c) => c.Key)).toEqual(emoji);
    const rolled = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: 'photos/😀', Delimiter: '/' }));
    expect(rolled.CommonPrefixes).toEqual([{ Prefix: 'photos/😀/' }]);
    expect(rolled.Contents!.map((c) => c.Key)).toEqual(['photos/😀x.jpg']);
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket, Prefix: 'photos/😀' }));
    expect(versions.Versions!.map((v) => v.Key)).toEqual(emoji);
    const all = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: 'photos/' }));
    expect(all.Contents!.map((c) => c.Key)).toEqual(
      [...emoji, 'photos/é.jpg', 'photos/😁.jpg'].sort((a, b) =>
        Buffer.compare(Buffer.from(a), Buffer.from(b)),
      ),
    );
  });

  it('ListObjects (v1) pages with Marker and NextMarker', async () => {
    const s3 = client();
    const first = await s3.send(new ListObjectsCommand({ Bucket: bucket, MaxKeys: 2, Delimiter: '/' }));
    expect(first.Contents!.map((c) => c.Key)).toEqual(['a.txt']);
    expect(first.CommonPrefixes).toEqual([{ Prefix: 'b/' }]);
    expect(first).toMatchObject({ IsTruncated: true, NextMarker: 'b/' });
    expect(first.Contents![0]!.Owner?.ID).toMatch(/^[0-9a-f]{64}$/);
    const second = await s3.send(
      new ListObjectsCommand({ Bucket: bucket, MaxKeys: 2, Delimiter: '/', Marker: first.NextMarker }),
    );
    expect(second.Contents!.map((c) => c.Key)).toEqual(['d e+f.txt', 'z.txt']);
    expect(second.IsTruncated).toBe(false);
    const plain = await s3.send(new ListObjectsCommand({ Bucket: bucket, Marker: 'b/c/3.txt' }));
    expect(plain.Contents!.map((c) => c.Key)).toEqual(['d e+f.txt', 'z.txt']);
  });
});

describe('multipart uploads', () => {
  const bucket = 'lab-multipart';
  const MiB = 1024 * 1024;
  const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
  /** Deterministic, not repetitive: a part boundary misplaced by a byte shows. */
  const bytes = (size: number, seed: number) => {
    const buf = Buffer.alloc(size);
    let x = seed;
    for (let i = 0; i < size; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      buf[i] = x >>> 24;
    }
    return buf;
  };
  beforeAll(async () => {
    await client().send(new CreateBucketCommand({ Bucket: bucket }));
  });

  it('uploads three parts, completes with an -3 ETag, and GetObject streams them back', async () => {
    const s3 = client();
    const parts = [bytes(5 * MiB, 1), bytes(5 * MiB, 2), bytes(1234, 3)];
    const whole = Buffer.concat(parts);
    const created = await s3.send(
      new CreateMultipartUploadCommand({
        Bucket: bucket,
        Key: 'big/three.bin',
        ContentType: 'application/x-three',
        Metadata: { Origin: 'multipart' },
      }),
    );
    expect(created).toMatchObject({ Bucket: bucket, Key: 'big/three.bin' });
    const UploadId = created.UploadId!;
    expect(UploadId).toMatch(/^[\w-]+$/);

    const listed = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    expect(listed.Uploads?.map((u) => [u.Key, u.UploadId])).toEqual([['big/three.bin', UploadId]]);

    const etags: string[] = [];
    for (const [i, part] of parts.entries()) {
      const up = await s3.send(
        new UploadPartCommand({
          Bucket: bucket,
          Key: 'big/three.bin',
          UploadId,
          PartNumber: i + 1,
          Body: part,
        }),
      );
      expect(up.ETag).toBe(`"${md5(part)}"`);
      etags.push(up.ETag!);
    }
    const ls = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: 'big/three.bin', UploadId }));
    expect(ls.Parts?.map((p) => [p.PartNumber, p.ETag, p.Size])).toEqual(
      parts.map((p, i) => [i + 1, etags[i], p.length]),
    );
    expect(ls.IsTruncated).toBe(false);
    const paged = await s3.send(
      new ListPartsCommand({ Bucket: bucket, Key: 'big/three.bin', UploadId, MaxParts: 2 }),
    );
    expect(paged).toMatchObject({ IsTruncated: true, NextPartNumberMarker: '2' });

    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: 'big/three.bin',
        UploadId,
        MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
      }),
    );
    const expected = md5(Buffer.concat(parts.map((p) => Buffer.from(md5(p), 'hex'))));
    expect(done.ETag).toBe(`"${expected}-3"`);
    expect(done.ETag).toMatch(/-3"$/);

    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'big/three.bin' }));
    expect(got).toMatchObject({
      ContentLength: whole.length,
      ETag: done.ETag,
      ContentType: 'application/x-three',
      Metadata: { origin: 'multipart' },
    });
    expect(sha256(Buffer.from(await got.Body!.transformToByteArray()))).toBe(sha256(whole));

    // A copy is a new PUT of the same bytes: its ETag is their MD5, not the `-N` form.
    const copied = await s3.send(
      new CopyObjectCommand({ Bucket: bucket, Key: 'big/copy.bin', CopySource: `${bucket}/big/three.bin` }),
    );
    expect(copied.CopyObjectResult?.ETag).toBe(`"${md5(whole)}"`);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'big/copy.bin' }));
    expect(head).toMatchObject({ ETag: `"${md5(whole)}"`, ContentLength: whole.length });

    // A range across the boundary between parts 1 and 2.
    const start = 5 * MiB - 10;
    const ranged = await s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: 'big/three.bin', Range: `bytes=${start}-${start + 19}` }),
    );
    expect(ranged.ContentRange).toBe(`bytes ${start}-${start + 19}/${whole.length}`);
    expect(Buffer.from(await ranged.Body!.transformToByteArray())).toEqual(whole.subarray(start, start + 20));

    // Completed: the upload is gone.
    expect(
      await failure(s3.send(new ListPartsCommand({ Bucket: bucket, Key: 'big/three.bin', UploadId }))),
    ).toMatchObject({
      name: 'NoSuchUpload',
      status: 404,
      message:
        'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
    });
    expect((await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads ?? []).toEqual([]);
  });

  it('InvalidArgument, InvalidPartOrder, InvalidPart, EntityTooSmall; Abort makes it NoSuchUpload', async () => {
    const s3 = client();
    const Key = 'errors.bin';
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key }));
    for (const PartNumber of [0, 10001]) {
      expect(
        await failure(
          s3.send(new UploadPartCommand({ Bucket: bucket, Key, UploadId, PartNumber, Body: 'x' })),
        ),
      ).toMatchObject({
        name: 'InvalidArgument',
        status: 400,
        message: 'Part number must be an integer between 1 and 10000, inclusive',
      });
    }
    const one = await s3.send(
      new UploadPartCommand({ Bucket: bucket, Key, UploadId, PartNumber: 1, Body: 'a' }),
    );
    const two = await s3.send(
      new UploadPartCommand({ Bucket: bucket, Key, UploadId, PartNumber: 2, Body: 'b' }),
    );
    const complete = (Parts: Array<{ ETag?: string; PartNumber: number }>) =>
      failure(
        s3.send(
          new CompleteMultipartUploadCommand({ Bucket: bucket, Key, UploadId, MultipartUpload: { Parts } }),
        ),
      );
    expect(
      await complete([
        { ETag: two.ETag, PartNumber: 2 },
        { ETag: one.ETag, PartNumber: 1 },
      ]),
    ).toMatchObject({
      name: 'InvalidPartOrder',
      status: 400,
      message:
        'The list of parts was not in ascending order. The parts list must be specified in order by part number.',
    });
    expect(
      await complete([
        { ETag: one.ETag, PartNumber: 1 },
        { ETag: one.ETag, PartNumber: 2 },
      ]),
    ).toMatchObject({ name: 'InvalidPart', status: 400 });
    expect(await complete([{ ETag: one.ETag, PartNumber: 3 }])).toMatchObject({
      name: 'InvalidPart',
      status: 400,
      message:
        "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
    });
    expect(
      await complete([
        { ETag: one.ETag, PartNumber: 1 },
        { ETag: two.ETag, PartNumber: 2 },
      ]),
    ).toMatchObject({
      name: 'EntityTooSmall',
      status: 400,
      message: 'Your proposed upload is smaller than the minimum allowed object size.',
    });

    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key, UploadId }));
    const noSuchUpload = {
      name: 'NoSuchUpload',
      status: 404,
      message:
        'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
    };
    expect(
      await failure(
        s3.send(new UploadPartCommand({ Bucket: bucket, Key, UploadId, PartNumber: 3, Body: 'c' })),
      ),
    ).toMatchObject(noSuchUpload);
    expect(await complete([{ ETag: one.ETag, PartNumber: 1 }])).toMatchObject(noSuchUpload);
    expect(
      await failure(s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key, UploadId }))),
    ).toMatchObject(noSuchUpload);
    expect(
      await failure(s3.send(new ListPartsCommand({ Bucket: bucket, Key, UploadId: 'not-an-upload' }))),
    ).toMatchObject(noSuchUpload);
    expect(await failure(s3.send(new HeadObjectCommand({ Bucket: bucket, Key })))).toMatchObject({
      name: 'NotFound',
    });
  });

  it('a single small part completes (the last part may be any size)', async () => {
    const s3 = client();
    const Key = 'single.txt';
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key }));
    const part = await s3.send(
      new UploadPartCommand({ Bucket: bucket, Key, UploadId, PartNumber: 1, Body: 'hi' }),
    );
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key,
        UploadId,
        MultipartUpload: { Parts: [{ ETag: part.ETag, PartNumber: 1 }] },
      }),
    );
    expect(done.ETag).toMatch(/^"[0-9a-f]{32}-1"$/);
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key }));
    expect(await got.Body!.transformToString()).toBe('hi');
    expect(got.ContentType).toBe('binary/octet-stream');
  });
});

describe('copies and batch deletes', () => {
  const bucket = 'lab-copies';
  const other = 'lab-copies-other';
  beforeAll(async () => {
    await client().send(new CreateBucketCommand({ Bucket: bucket }));
    await client().send(new CreateBucketCommand({ Bucket: other }));
    await client().send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'src/hello world.txt',
        Body: 'copy me',
        ContentType: 'text/plain',
        Metadata: { author: 'ada' },
        CacheControl: 'max-age=60',
      }),
    );
  });

  it('CopyObject copies body, type and metadata (COPY) within and across buckets', async () => {
    const s3 = client();
    const copied = await s3.send(
      new CopyObjectCommand({
        Bucket: other,
        Key: 'dst/copy.txt',
        CopySource: `${bucket}/${encodeURIComponent('src/hello world.txt')}`,
      }),
    );
    expect(copied.CopyObjectResult?.ETag).toBe(`"${md5('copy me')}"`);
    expect(copied.CopyObjectResult?.LastModified).toBeInstanceOf(Date);
    const got = await s3.send(new GetObjectCommand({ Bucket: other, Key: 'dst/copy.txt' }));
    expect(await got.Body!.transformToString()).toBe('copy me');
    expect(got).toMatchObject({
      ContentType: 'text/plain',
      Metadata: { author: 'ada' },
      CacheControl: 'max-age=60',
      ETag: copied.CopyObjectResult?.ETag,
    });
    // The source stays; deleting the source leaves the copy readable (shared body).
    await s3.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: 'same.txt',
        CopySource: `/${bucket}/src/hello%20world.txt`,
      }),
    );
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'same.txt' }));
    const again = await s3.send(new GetObjectCommand({ Bucket: other, Key: 'dst/copy.txt' }));
    expect(await again.Body!.transformToString()).toBe('copy me');
  });

  it('MetadataDirective REPLACE takes the request’s type and metadata', async () => {
    const s3 = client();
    await s3.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: 'replaced.txt',
        CopySource: `${bucket}/src/hello%20world.txt`,
        MetadataDirective: 'REPLACE',
        ContentType: 'application/json',
        Metadata: { reviewer: 'grace' },
      }),
    );
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'replaced.txt' }));
    expect(head.ContentType).toBe('application/json');
    expect(head.Metadata).toEqual({ reviewer: 'grace' });
    expect(head.CacheControl).toBeUndefined();
    expect(head.ContentLength).toBe(7);
  });

  it('copying an object onto itself needs REPLACE (InvalidRequest); missing sources are NoSuchKey/NoSuchBucket', async () => {
    const s3 = client();
    const self = await failure(
      s3.send(
        new CopyObjectCommand({ Bucket: bucket, Key: 'replaced.txt', CopySource: `${bucket}/replaced.txt` }),
      ),
    );
    expect(self).toMatchObject({
      name: 'InvalidRequest',
      status: 400,
      message:
        "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    });
    await s3.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: 'replaced.txt',
        CopySource: `${bucket}/replaced.txt`,
        MetadataDirective: 'REPLACE',
        Metadata: { reviewer: 'linus' },
      }),
    );
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'replaced.txt' }));
    expect(head.Metadata).toEqual({ reviewer: 'linus' });
    expect(head.ContentType).toBe('binary/octet-stream');
    const noKey = await failure(
      s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'x', CopySource: `${bucket}/nope` })),
    );
    expect(noKey).toMatchObject({ name: 'NoSuchKey', status: 404 });
    const noBucket = await failure(
      s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'x', CopySource: 'lab-no-such-bucket/k' })),
    );
    expect(noBucket).toMatchObject({ name: 'NoSuchBucket', status: 404 });
  });

  it('x-amz-copy-source-if-match / -if-none-match answer 412 when they do not hold', async () => {
    const s3 = client();
    const source = `${bucket}/src/hello%20world.txt`;
    const etag = `"${md5('copy me')}"`;
    const bad = await failure(
      s3.send(
        new CopyObjectCommand({ Bucket: bucket, Key: 'c1', CopySource: source, CopySourceIfMatch: '"0"' }),
      ),
    );
    expect(bad).toMatchObject({ name: 'PreconditionFailed', status: 412 });
    const none = await failure(
      s3.send(
        new CopyObjectCommand({ Bucket: bucket, Key: 'c1', CopySource: source, CopySourceIfNoneMatch: etag }),
      ),
    );
    expect(none).toMatchObject({ name: 'PreconditionFailed', status: 412 });
    const ok = await s3.send(
      new CopyObjectCommand({ Bucket: bucket, Key: 'c1', CopySource: source, CopySourceIfMatch: etag }),
    );
    expect(ok.CopyObjectResult?.ETag).toBe(etag);
  });

  it('DeleteObjects deletes keys (missing ones too), quietly or not', async () => {
    const s3 = client();
    for (const key of ['d/1', 'd/2', 'd/3'])
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }));
    const loud = await s3.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Objects: [{ Key: 'd/1' }, { Key: 'd/2' }, { Key: 'd/missing' }] },
      }),
    );
    expect(loud.Deleted?.map((d) => d.Key)).toEqual(['d/1', 'd/2', 'd/missing']);
    expect(loud.Errors ?? []).toEqual([]);
    const quiet = await s3.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Objects: [{ Key: 'd/3' }, { Key: 'k'.repeat(1100) }], Quiet: true },
      }),
    );
    expect(quiet.Deleted ?? []).toEqual([]);
    expect(quiet.Errors).toEqual([
      { Key: 'k'.repeat(1100), Code: 'KeyTooLongError', Message: 'Your key is too long' },
    ]);
    const left = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'd/' }));
    expect(left.KeyCount).toBe(0);
  });

  it('DeleteObjects of more than 1000 keys is MalformedXML', async () => {
    const objects = Array.from({ length: 1001 }, (_, i) => ({ Key: `k${i}` }));
    const e = await failure(
      client().send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects } })),
    );
    expect(e).toMatchObject({ name: 'MalformedXML', status: 400 });
  });
});

describe('durability and streaming', () => {
  it('an acknowledged PutObject survives kill -9, large (a blob file) or small (a store row), and a completed multipart upload', async () => {
    const own = await serve();
    try {
      const s3 = client({}, own.endpoint);
      await s3.send(new CreateBucketCommand({ Bucket: 'lab-durable' }));
      const body = Buffer.alloc(300_000, 7);
      const small = Buffer.from('a small body, kept as a row of the store');
      await s3.send(new PutObjectCommand({ Bucket: 'lab-durable', Key: 'kept.bin', Body: body }));
      await s3.send(new PutObjectCommand({ Bucket: 'lab-durable', Key: 'small.txt', Body: small }));
      // Assembled from its parts (a file and a store row) under an address of its own; the blob
      // collection at start-up must keep it and may drop the parts.
      const parts = [Buffer.alloc(5 * 1024 * 1024, 9).fill(4, 1000, 2000), Buffer.from('end')];
      const { UploadId } = await s3.send(
        new CreateMultipartUploadCommand({ Bucket: 'lab-durable', Key: 'parts.bin' }),
      );
      const etags = [];
      for (const [i, Body] of parts.entries())
        etags.push(
          (
            await s3.send(
              new UploadPartCommand({
                Bucket: 'lab-durable',
                Key: 'parts.bin',
                UploadId,
                PartNumber: i + 1,
                Body,
              }),
            )
          ).ETag,
        );
      await s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'lab-durable',
          Key: 'parts.bin',
          UploadId,
          MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
        }),
      );
      expect((await own.stop('SIGKILL')).signal).toBe('SIGKILL');
      const again = await serve([], { dataDir: own.dataDir });
      try {
        const assembled = await client({}, again.endpoint).send(
          new GetObjectCommand({ Bucket: 'lab-durable', Key: 'parts.bin' }),
        );
        expect(Buffer.from(await assembled.Body!.transformToByteArray()).equals(Buffer.concat(parts))).toBe(
          true,
        );
        const got = await client({}, again.endpoint).send(
          new GetObjectCommand({ Bucket: 'lab-durable', Key: 'kept.bin' }),
        );
        expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
        const gotSmall = await client({}, again.endpoint).send(
          new GetObjectCommand({ Bucket: 'lab-durable', Key: 'small.txt' }),
        );
        expect(Buffer.from(await gotSmall.Body!.transformToByteArray()).equals(small)).toBe(true);
      } finally {
        await again.stop();
      }
    } finally {
      own.cleanup();
    }
  });

  it('a 64 MiB streamed upload does not grow the server by anywhere near 64 MiB', async () => {
    const s3 = client();
    await s3.send(new CreateBucketCommand({ Bucket: 'lab-big' }));
    const rss = () => {
      const status = readFileSync(`/proc/${served().child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
    };
    const chunk = Buffer.alloc(1024 * 1024, 1);
    const size = 64 * 1024 * 1024;
    const hash = createHash('md5');
    const body = Readable.from(
      (function* () {
        for (let i = 0; i < 64; i++) {
          hash.update(chunk);
          yield chunk;
        }
      })(),
    );
    const before = rss();
    const put = await s3.send(
      new PutObjectCommand({ Bucket: 'lab-big', Key: 'big.bin', Body: body, ContentLength: size }),
    );
    const growth = rss() - before;
    expect(growth).toBeLessThan(40 * 1024 * 1024);
    expect(put.ETag).toBe(`"${hash.digest('hex')}"`);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'lab-big', Key: 'big.bin' }));
    expect(head.ContentLength).toBe(size);
    // And back: the download streams from the blob store too.
    const beforeGet = rss();
    const got = await s3.send(new GetObjectCommand({ Bucket: 'lab-big', Key: 'big.bin' }));
    const check = createHash('md5');
    let received = 0;
    for await (const part of got.Body as Readable) {
      check.update(part as Buffer);
      received += (part as Buffer).length;
    }
    expect(received).toBe(size);
    expect(`"${check.digest('hex')}"`).toBe(put.ETag);
    expect(rss() - beforeGet).toBeLessThan(40 * 1024 * 1024);
  });
});
