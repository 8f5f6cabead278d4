/**
 * S3 in process: the global bucket namespace across accounts, an in-memory workspace's bodies,
 * and the aws-chunked decoder the gateway puts in front of streamed uploads.
 */
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cloud } from '../../../electron/core/cloud';
import type { Principal } from '../../../electron/core/kernel/accounts';
import { isAwsError } from '../../../electron/core/kernel/errors';
import { AwsChunkedDecoder } from '../../../electron/gateway/body-stream';
import { RESOURCES } from '../../support/temp';

let cloud: Cloud;
beforeAll(async () => {
  cloud = await Cloud.open({ dataDir: null, resourcesDir: RESOURCES });
});
afterAll(() => cloud.close());

const other: Principal = {
  accountId: '210987654321',
  arn: 'arn:aws:iam::210987654321:root',
  userId: '210987654321',
  accessKeyId: null,
};

const call = <T = Record<string, unknown>>(operation: string, input: unknown, principal?: Principal) =>
  cloud.invoke({
    service: 's3',
    operation,
    input,
    region: 'us-east-1',
    principal: principal ?? cloud.accounts.consolePrincipal(),
    source: 'internal',
  }) as Promise<T>;

async function error(p: Promise<unknown>) {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  if (!isAwsError(e)) throw new Error(`expected an AWS error, got ${String(e)}`);
  return { code: e.code, message: e.message, status: e.status, fields: e.fields };
}

describe('S3 in process', () => {
  it('bucket names are global: another account gets BucketAlreadyExists, and no access', async () => {
    await call('CreateBucket', { Bucket: 'shared-name' });
    expect(await error(call('CreateBucket', { Bucket: 'shared-name' }, other))).toEqual({
      code: 'BucketAlreadyExists',
      status: 409,
      message:
        'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.',
      fields: { BucketName: 'shared-name' },
    });
    expect((await error(call('GetObject', { Bucket: 'shared-name', Key: 'k' }, other))).code).toBe(
      'AccessDenied',
    );
    expect((await call<{ Buckets: unknown[] }>('ListBuckets', {}, other)).Buckets).toEqual([]);
  });

  it('keeps bodies in memory for an in-memory workspace, and forgets them on delete', async () => {
    await call('CreateBucket', { Bucket: 'mem-bucket' });
    await call('PutObject', { Bucket: 'mem-bucket', Key: 'a', Body: Readable.from([Buffer.from('abc')]) });
    await call('PutObject', { Bucket: 'mem-bucket', Key: 'b', Body: 'abc' });
    const got = await call<{ Body: Uint8Array; ETag: string }>('GetObject', {
      Bucket: 'mem-bucket',
      Key: 'a',
    });
    expect(Buffer.from(got.Body).toString()).toBe('abc');
    expect(got.ETag).toBe('"900150983cd24fb0d6963f7d28e17f72"');
    await call('DeleteObject', { Bucket: 'mem-bucket', Key: 'a' });
    const b = await call<{ Body: Uint8Array }>('GetObject', { Bucket: 'mem-bucket', Key: 'b' });
    expect(Buffer.from(b.Body).toString()).toBe('abc'); // same content, still referenced
  });

  it('checks Content-MD5 (BadDigest) and records nothing then', async () => {
    await call('CreateBucket', { Bucket: 'md5-bucket' });
    expect(
      (
        await error(
          call('PutObject', {
            Bucket: 'md5-bucket',
            Key: 'k',
            Body: 'abc',
            ContentMD5: Buffer.alloc(16).toString('base64'),
          }),
        )
      ).code,
    ).toBe('BadDigest');
    expect((await error(call('HeadObject', { Bucket: 'md5-bucket', Key: 'k' }))).code).toBe('NoSuchKey');
  });
});

describe('multipart uploads in process', () => {
  const held = () => (cloud.runtime('s3') as unknown as { memoryBytes: number }).memoryBytes;
  const MiB = 1024 * 1024;

  it('completes from parts held in memory, then forgets the parts', async () => {
    await call('CreateBucket', { Bucket: 'mp-mem' });
    const before = held();
    const { UploadId } = await call<{ UploadId: string }>('CreateMultipartUpload', {
      Bucket: 'mp-mem',
      Key: 'k',
      ContentType: 'text/plain',
      Metadata: { A: 'b' },
    });
    const p1 = Buffer.alloc(5 * MiB, 'a');
    const one = await call<{ ETag: string }>('UploadPart', {
      Bucket: 'mp-mem',
      Key: 'k',
      UploadId,
      PartNumber: 1,
      Body: Readable.from([p1]),
    });
    const two = await call<{ ETag: string }>('UploadPart', {
      Bucket: 'mp-mem',
      Key: 'k',
      UploadId,
      PartNumber: 2,
      Body: 'tail',
    });
    expect(held() - before).toBe(5 * MiB + 4);
    const done = await call<{ ETag: string }>('CompleteMultipartUpload', {
      Bucket: 'mp-mem',
      Key: 'k',
      UploadId,
      MultipartUpload: {
        Parts: [
          { PartNumber: 1, ETag: one.ETag },
          { PartNumber: 2, ETag: two.ETag },
        ],
      },
    });
    expect(done.ETag).toMatch(/^"[0-9a-f]{32}-2"$/);
    expect(held() - before).toBe(5 * MiB + 4); // the object's body; the parts are gone
    const got = await call<{ Body: Uint8Array; ContentType: string; Metadata: Record<string, string> }>(
      'GetObject',
      { Bucket: 'mp-mem', Key: 'k', Range: `bytes=${5 * MiB - 2}-` },
    );
    expect(Buffer.from(got.Body).toString()).toBe('aatail');
    expect(got.ContentType).toBe('text/plain');
    expect(got.Metadata).toEqual({ a: 'b' });
    await call('DeleteObject', { Bucket: 'mp-mem', Key: 'k' });
    expect(held()).toBe(before);
  });

  it('AbortMultipartUpload and DeleteBucket drop an upload and its parts', async () => {
    await call('CreateBucket', { Bucket: 'mp-abort' });
    const before = held();
    const { UploadId } = await call<{ UploadId: string }>('CreateMultipartUpload', {
      Bucket: 'mp-abort',
      Key: 'k',
    });
    await call('UploadPart', { Bucket: 'mp-abort', Key: 'k', UploadId, PartNumber: 1, Body: 'abort me' });
    await call('AbortMultipartUpload', { Bucket: 'mp-abort', Key: 'k', UploadId });
    expect(held()).toBe(before);
    expect((await error(call('ListParts', { Bucket: 'mp-abort', Key: 'k', UploadId }))).code).toBe(
      'NoSuchUpload',
    );
    const second = await call<{ UploadId: string }>('CreateMultipartUpload', {
      Bucket: 'mp-abort',
      Key: 'k',
    });
    await call('UploadPart', {
      Bucket: 'mp-abort',
      Key: 'k',
      UploadId: second.UploadId,
      PartNumber: 1,
      Body: 'bucket goes',
    });
    await call('DeleteBucket', { Bucket: 'mp-abort' });
    expect(held()).toBe(before);
    expect(cloud.store.all('SELECT * FROM s3_uploads WHERE bucket = ?', ['mp-abort'])).toEqual([]);
  });
});

describe('aws-chunked', () => {
  const decode = async (parts: string[]) => {
    const decoder = new AwsChunkedDecoder();
    const out: Buffer[] = [];
    const source = Readable.from(parts.map((p) => Buffer.from(p, 'latin1')));
    for await (const chunk of source.pipe(decoder)) out.push(chunk as Buffer);
    return { body: Buffer.concat(out).toString('latin1'), trailers: decoder.trailers };
  };

  it('decodes signed chunks split anywhere', async () => {
    const sig = `;chunk-signature=${'a'.repeat(64)}`;
    const wire = `5${sig}\r\nhello\r\n6${sig}\r\n world\r\n0${sig}\r\n\r\n`;
    const split = wire.match(/[\s\S]{1,3}/g)!;
    expect((await decode(split)).body).toBe('hello world');
  });

  it('decodes unsigned chunks with a checksum trailer', async () => {
    const wire = 'b\r\nhello world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n';
    expect(await decode([wire])).toEqual({
      body: 'hello world',
      trailers: { 'x-amz-checksum-crc32': 'DUoRhQ==' },
    });
  });

  it('refuses a truncated body with IncompleteBody', async () => {
    await expect(decode(['b\r\nhello'])).rejects.toMatchObject({ code: 'IncompleteBody' });
  });
});
