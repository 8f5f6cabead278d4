/**
 * Flexible checksums as the AWS SDK for JavaScript v3 sends them (CRC32 by default, others on
 * request, as headers or aws-chunked trailers): verified on upload, stored, and returned by
 * GetObject and HeadObject with ChecksumMode ENABLED; multipart uploads get COMPOSITE checksums.
 */
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { s3Client } from '../support/s3';
import { serveLab } from '../support/serve';

const served = serveLab();
const s3 = () => s3Client(served().endpoint);

const crc32Of = (data: Buffer) => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(data));
  return out.toString('base64');
};

describe('checksums', () => {
  const Bucket = 'checksummed';
  beforeAll(async () => {
    await s3().send(new CreateBucketCommand({ Bucket }));
  });

  it('the SDK default CRC32 is verified, stored and returned', async () => {
    const body = Buffer.from('checksum me');
    const put = await s3().send(new PutObjectCommand({ Bucket, Key: 'a', Body: body }));
    expect(put.ChecksumCRC32).toBe(crc32Of(body));
    const head = await s3().send(new HeadObjectCommand({ Bucket, Key: 'a', ChecksumMode: 'ENABLED' }));
    expect(head.ChecksumCRC32).toBe(crc32Of(body));
    const got = await s3().send(new GetObjectCommand({ Bucket, Key: 'a', ChecksumMode: 'ENABLED' }));
    expect(got.ChecksumCRC32).toBe(crc32Of(body));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
  });

  it('SHA256 in a trailer of a streamed body', async () => {
    const body = Buffer.alloc(300_000, 'z');
    const put = await s3().send(
      new PutObjectCommand({
        Bucket,
        Key: 'streamed',
        Body: Readable.from([body.subarray(0, 100_000), body.subarray(100_000)]),
        ContentLength: body.length,
        ChecksumAlgorithm: 'SHA256',
      }),
    );
    expect(put.ChecksumSHA256).toBe(createHash('sha256').update(body).digest('base64'));
  });

  it('a wrong checksum is BadDigest and nothing is stored', async () => {
    const err = await s3()
      .send(
        new PutObjectCommand({ Bucket, Key: 'bad', Body: 'abc', ChecksumCRC32: crc32Of(Buffer.from('xyz')) }),
      )
      .catch((e: { name: string; message: string }) => e);
    expect(err).toMatchObject({
      name: 'BadDigest',
      message: 'The CRC32 you specified did not match the calculated checksum.',
    });
    const missing = await s3()
      .send(new HeadObjectCommand({ Bucket, Key: 'bad' }))
      .catch((e: { name: string }) => e);
    expect(missing).toMatchObject({ name: 'NotFound' });
  });

  it('multipart uploads with CRC32 get a COMPOSITE checksum of the parts', async () => {
    const Key = 'parts';
    const { UploadId, ChecksumAlgorithm } = await s3().send(
      new CreateMultipartUploadCommand({ Bucket, Key, ChecksumAlgorithm: 'CRC32' }),
    );
    expect(ChecksumAlgorithm).toBe('CRC32');
    const a = Buffer.alloc(5 * 1024 * 1024, 1);
    const b = Buffer.from('tail');
    const p1 = await s3().send(
      new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1, Body: a, ChecksumAlgorithm: 'CRC32' }),
    );
    const p2 = await s3().send(
      new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 2, Body: b, ChecksumAlgorithm: 'CRC32' }),
    );
    expect(p1.ChecksumCRC32).toBe(crc32Of(a));
    const done = await s3().send(
      new CompleteMultipartUploadCommand({
        Bucket,
        Key,
        UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: p1.ETag, ChecksumCRC32: p1.ChecksumCRC32 },
            { PartNumber: 2, ETag: p2.ETag, ChecksumCRC32: p2.ChecksumCRC32 },
          ],
        },
      }),
    );
    const composite = crc32Of(
      Buffer.concat([Buffer.from(crc32Of(a), 'base64'), Buffer.from(crc32Of(b), 'base64')]),
    );
    expect(done.ChecksumCRC32).toBe(`${composite}-2`);
    const head = await s3().send(new HeadObjectCommand({ Bucket, Key, ChecksumMode: 'ENABLED' }));
    expect(head.ChecksumCRC32).toBe(`${composite}-2`);
  });
});
