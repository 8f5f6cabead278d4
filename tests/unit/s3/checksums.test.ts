/**
 * S3 flexible checksums: the five algorithms against their check values, S3's request rules,
 * the multipart combinations, and bodies.ts put() verifying a header value and an aws-chunked
 * trailer while the body streams into the blob store.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cloud } from '../../../electron/core/cloud';
import { isAwsError } from '../../../electron/core/kernel/errors';
import { s3Runtime } from '../../../electron/core/services/s3/bodies';
import {
  CHECKSUM_ALGORITHMS,
  checksumOf,
  combineFullObject,
  compositeChecksum,
  createChecksumHasher,
  decodeChecksum,
  multipartChecksumType,
  planChecksum,
  wireBody,
  type ChecksumAlgorithm,
} from '../../../electron/core/services/s3/checksums';
import { requestBodyStream, wholeRequestBody } from '../../../electron/gateway/body-stream';
import type { GatewayRequest } from '../../../electron/gateway/http';
import { s3Caller } from '../../support/s3';
import { RESOURCES, tempDir } from '../../support/temp';

const hex = (b64: string) => Buffer.from(b64, 'base64').toString('hex');

async function failure(p: Promise<unknown> | (() => unknown)) {
  let e: unknown = null;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    e = err;
  }
  if (!isAwsError(e)) throw new Error(`expected an AWS error, got ${String(e)}`);
  return { code: e.code, message: e.message, status: e.status };
}

describe('checksum algorithms', () => {
  it('match the catalogued check values for "123456789"', () => {
    expect(hex(checksumOf('CRC32', '123456789'))).toBe('cbf43926');
    expect(hex(checksumOf('CRC32C', '123456789'))).toBe('e3069283');
    expect(hex(checksumOf('CRC64NVME', '123456789'))).toBe('ae8b14860a799888');
    expect(hex(checksumOf('SHA1', '123456789'))).toBe('f7c3bc1d808e04732adf679965ccc34ca7ae3441');
    // The values S3 shows for that body (base64 of the big-endian digest).
    expect(checksumOf('CRC32', '123456789')).toBe('y/Q5Jg==');
    expect(checksumOf('CRC32C', '123456789')).toBe('4waSgw==');
    expect(checksumOf('CRC64NVME', '123456789')).toBe('rosUhgp5mIg=');
    expect(checksumOf('SHA1', '123456789')).toBe('98O8HYCOBHMq32eZZczDTKeuNEE=');
    expect(checksumOf('SHA256', '123456789')).toBe('FeKw08M4keuw8e9gnsQZQgwg4yDOlMZfvIwzEkSOsiU=');
  });

  it('of nothing: the CRCs are zero', () => {
    expect(hex(checksumOf('CRC32', ''))).toBe('00000000');
    expect(hex(checksumOf('CRC32C', ''))).toBe('00000000');
    expect(hex(checksumOf('CRC64NVME', ''))).toBe('0000000000000000');
  });

  it('stream: any chunking gives the one-shot digest', () => {
    const data = randomBytes(100_003);
    for (const algorithm of CHECKSUM_ALGORITHMS) {
      const h = createChecksumHasher(algorithm);
      for (let i = 0; i < data.length;) {
        const n = 1 + ((i * 7919) % 4099);
        h.update(data.subarray(i, i + n));
        i += n;
      }
      expect(h.digest().toString('base64'), algorithm).toBe(checksumOf(algorithm, data));
    }
    expect(hex(checksumOf('CRC32', data))).toBe(zlib.crc32(data).toString(16).padStart(8, '0'));
    const portable = createChecksumHasher('CRC32', { portable: true });
    portable.update(data.subarray(0, 77));
    portable.update(data.subarray(77));
    expect(portable.digest().toString('base64')).toBe(checksumOf('CRC32', data));
  });

  it('decode values strictly: base64 of exactly the digest length', () => {
    expect(decodeChecksum('CRC32', 'y/Q5Jg==')?.toString('hex')).toBe('cbf43926');
    for (const bad of ['short===', 'shrt', 'toolong=', '^^^^^^==', 'y^/^Q5^J^g==', 'y/Q5Jg', ''])
      expect(decodeChecksum('CRC32', bad), bad).toBeUndefined();
    expect(decodeChecksum('SHA256', 'FeKw08M4keuw8e9gnsQZQgwg4yDOlMZfvIwzEkSOsiU=')).toHaveLength(32);
  });
});

describe('request rules', () => {
  it('one value, well-formed, agreeing with x-amz-sdk-checksum-algorithm', async () => {
    expect(
      await failure(() => planChecksum({ ChecksumCRC32: 'y/Q5Jg==', ChecksumSHA1: 'x' }, undefined)),
    ).toEqual({
      code: 'InvalidRequest',
      status: 400,
      message: 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.',
    });
    expect(await failure(() => planChecksum({ ChecksumCRC32: 'toolong=' }, undefined))).toEqual({
      code: 'InvalidRequest',
      status: 400,
      message: 'Value for x-amz-checksum-crc32 header is invalid.',
    });
    expect(
      await failure(() => planChecksum({ ChecksumCRC32: 'y/Q5Jg==', ChecksumAlgorithm: 'SHA1' }, undefined)),
    ).toMatchObject({
      code: 'InvalidRequest',
      message: 'Value for x-amz-sdk-checksum-algorithm header is invalid.',
    });
    expect(await failure(() => planChecksum({ ChecksumAlgorithm: 'MD5' as never }, undefined))).toMatchObject(
      {
        code: 'InvalidRequest',
        message:
          'Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]',
      },
    );
    const wire = { declaredTrailers: ['x-amz-checksum-crc32'], trailers: () => ({}) };
    expect(
      await failure(() => planChecksum({ ChecksumSHA256: checksumOf('SHA256', 'x') }, wire)),
    ).toMatchObject({
      code: 'InvalidRequest',
      message: 'Expecting a single x-amz-checksum- header',
    });
    expect(
      await failure(() =>
        planChecksum({ ChecksumAlgorithm: 'SHA256' }, { declaredTrailers: [], trailers: () => ({}) }),
      ),
    ).toMatchObject({
      code: 'InvalidRequest',
      message:
        'x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.',
    });
    // In process (no wire): an algorithm alone asks S3 to compute it.
    expect(planChecksum({ ChecksumAlgorithm: 'SHA256' }, undefined)).toEqual({
      algorithm: 'SHA256',
      source: 'none',
    });
    expect(planChecksum({ ChecksumAlgorithm: 'CRC32' }, wire)).toEqual({
      algorithm: 'CRC32',
      source: 'trailer',
    });
    expect(planChecksum({}, undefined)).toEqual({ source: 'none' });
    // Headers the codec's model does not know (CRC64NVME) come from the wire.
    const raw = {
      declaredTrailers: [],
      trailers: () => ({}),
      checksumHeaders: {
        'x-amz-sdk-checksum-algorithm': 'CRC64NVME',
        'x-amz-checksum-crc64nvme': 'rosUhgp5mIg=',
      },
    };
    expect(planChecksum({}, raw)).toMatchObject({ algorithm: 'CRC64NVME', source: 'header' });
  });

  it('multipart checksum types follow S3', async () => {
    expect(multipartChecksumType(undefined, undefined)).toEqual({
      algorithm: 'CRC64NVME',
      type: 'FULL_OBJECT',
      requested: false,
    });
    expect(multipartChecksumType('CRC32', undefined).type).toBe('COMPOSITE');
    expect(multipartChecksumType('CRC32C', 'FULL_OBJECT').type).toBe('FULL_OBJECT');
    expect(multipartChecksumType('CRC64NVME', undefined).type).toBe('FULL_OBJECT');
    expect(multipartChecksumType('SHA256', undefined).type).toBe('COMPOSITE');
    expect(await failure(() => multipartChecksumType('SHA256', 'FULL_OBJECT'))).toMatchObject({
      code: 'InvalidRequest',
      message: 'The FULL_OBJECT checksum type cannot be used with the sha256 checksum algorithm.',
    });
    expect(await failure(() => multipartChecksumType(undefined, 'COMPOSITE'))).toMatchObject({
      message: 'The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.',
    });
  });
});

describe('multipart combinations', () => {
  const parts = [randomBytes(5 * 1024 + 3), randomBytes(0), randomBytes(70_001), randomBytes(1)];
  const whole = Buffer.concat(parts);

  it('FULL_OBJECT: the CRC of the whole object from the parts’ CRCs and sizes', () => {
    for (const algorithm of ['CRC32', 'CRC32C', 'CRC64NVME'] as ChecksumAlgorithm[]) {
      const combined = combineFullObject(
        algorithm,
        parts.map((p) => ({ checksum: checksumOf(algorithm, p), size: p.length })),
      );
      expect(combined, algorithm).toBe(checksumOf(algorithm, whole));
    }
  });

  it('COMPOSITE: hash of the concatenated raw part digests, then -N', () => {
    const sums = parts.map((p) => checksumOf('CRC32', p));
    const raw = Buffer.concat(sums.map((s) => Buffer.from(s, 'base64')));
    const expected = Buffer.alloc(4);
    expected.writeUInt32BE(zlib.crc32(raw));
    expect(compositeChecksum('CRC32', sums)).toBe(`${expected.toString('base64')}-4`);
    const sha = parts.map((p) => checksumOf('SHA256', p));
    expect(compositeChecksum('SHA256', sha)).toBe(
      `${checksumOf('SHA256', Buffer.concat(sha.map((s) => Buffer.from(s, 'base64'))))}-4`,
    );
  });
});

/** aws-chunked framing as the SDK sends it with STREAMING-UNSIGNED-PAYLOAD-TRAILER. */
function chunked(body: Buffer, trailers: Record<string, string>, chunk = 8192): Buffer {
  const out: Buffer[] = [];
  for (let i = 0; i < body.length; i += chunk) {
    const part = body.subarray(i, i + chunk);
    out.push(Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from('\r\n'));
  }
  out.push(Buffer.from('0\r\n'));
  for (const [k, v] of Object.entries(trailers)) out.push(Buffer.from(`${k}:${v}\r\n`));
  out.push(Buffer.from('\r\n'));
  return Buffer.concat(out);
}

function wireRequest(body: Buffer, headers: Record<string, string>): Readable {
  const req = { headers } as unknown as GatewayRequest;
  // Small pieces, so trailers and chunk headers straddle reads.
  const pieces: Buffer[] = [];
  for (let i = 0; i < body.length; i += 1000) pieces.push(body.subarray(i, i + 1000));
  return requestBodyStream(Readable.from(pieces), req);
}

const trailerHeaders = (name: string) => ({
  'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
  'content-encoding': 'aws-chunked',
  'x-amz-trailer': name,
});

describe('put() with checksums', () => {
  let cloud: Cloud;
  let dir: { dir: string; cleanup: () => void };
  beforeAll(async () => {
    dir = tempDir();
    cloud = await Cloud.open({ dataDir: dir.dir, resourcesDir: RESOURCES });
  });
  afterAll(async () => {
    await cloud.close();
    dir.cleanup();
  });
  /** Every body stored: files under blobs/ (temporary ones included) and small ones kept as rows. */
  const blobFiles = () =>
    (existsSync(join(dir.dir, 'blobs'))
      ? readdirSync(join(dir.dir, 'blobs'), { recursive: true, withFileTypes: true }).filter((e) =>
          e.isFile(),
        ).length
      : 0) + cloud.store.get<{ n: number }>('SELECT count(*) AS n FROM s3_bodies')!.n;

  it('without any checksum: none is computed (the API model cannot return S3’s default CRC64NVME)', async () => {
    const body = await s3Runtime(cloud).put('123456789');
    expect(body).toMatchObject({
      size: 9,
      md5: '25f9e794323b453885f5181f1b624d0b',
      checksums: {},
      checksumAlgorithm: undefined,
      checksumRequested: false,
      checksumVerified: false,
    });
    // Asked for, CRC64NVME is computed as the body streams.
    const asked = await s3Runtime(cloud).put('123456789', { compute: ['CRC64NVME'] });
    expect(asked.checksums).toEqual({ CRC64NVME: 'rosUhgp5mIg=' });
  });

  it('a header value is verified; the requested algorithm is returned with `compute` extras', async () => {
    const rt = s3Runtime(cloud);
    const ok = await rt.put(Readable.from([Buffer.from('1234'), Buffer.from('56789')]), {
      checksum: { ChecksumAlgorithm: 'CRC32C', ChecksumCRC32C: '4waSgw==' },
      compute: ['CRC64NVME'],
    });
    expect(ok.checksums).toEqual({ CRC32C: '4waSgw==', CRC64NVME: 'rosUhgp5mIg=' });
    expect(ok).toMatchObject({
      checksumAlgorithm: 'CRC32C',
      checksumRequested: true,
      checksumVerified: true,
    });
    const before = blobFiles();
    expect(before).toBeGreaterThan(0);
    expect(
      await failure(rt.put(Buffer.from('123456780'), { checksum: { ChecksumCRC32C: '4waSgw==' } })),
    ).toEqual({
      code: 'BadDigest',
      status: 400,
      message: 'The CRC32C you specified did not match the calculated checksum.',
    });
    expect(blobFiles()).toBe(before); // nothing stored for a body that failed
  });

  it('an aws-chunked trailer is decoded by the gateway and verified after the body', async () => {
    const rt = s3Runtime(cloud);
    const data = randomBytes(50_000);
    const crc = checksumOf('CRC32', data);
    const good = wireRequest(
      chunked(data, { 'x-amz-checksum-crc32': crc }),
      trailerHeaders('x-amz-checksum-crc32'),
    );
    expect(wireBody(good)?.declaredTrailers).toEqual(['x-amz-checksum-crc32']);
    const stored = await rt.put(good, { checksum: { ChecksumAlgorithm: 'CRC32' } });
    expect(stored).toMatchObject({ size: 50_000, checksums: { CRC32: crc }, checksumVerified: true });

    const wrong = wireRequest(
      chunked(data, { 'x-amz-checksum-crc32': checksumOf('CRC32', 'other') }),
      trailerHeaders('x-amz-checksum-crc32'),
    );
    expect(await failure(rt.put(wrong, { checksum: { ChecksumAlgorithm: 'CRC32' } }))).toEqual({
      code: 'BadDigest',
      status: 400,
      message: 'The CRC32 you specified did not match the calculated checksum.',
    });

    const missing = wireRequest(chunked(data, {}), trailerHeaders('x-amz-checksum-crc32'));
    expect(await failure(rt.put(missing, { checksum: { ChecksumAlgorithm: 'CRC32' } }))).toMatchObject({
      code: 'MalformedTrailerError',
      message:
        'The request contained trailing data that was not well-formed or did not conform to our published schema.',
    });

    const malformed = wireRequest(
      chunked(data, { 'x-amz-checksum-crc32': 'nope' }),
      trailerHeaders('x-amz-checksum-crc32'),
    );
    expect(await failure(rt.put(malformed, {}))).toMatchObject({
      code: 'InvalidRequest',
      message: 'Value for x-amz-checksum-crc32 trailing header is invalid.',
    });
  });

  it('a small aws-chunked body read whole: trailer verified, bad framing fails as a stream would', async () => {
    const rt = s3Runtime(cloud);
    const data = Buffer.from('small body, read whole. ');
    const crc = checksumOf('CRC32', data);
    const read = (wire: Buffer) =>
      wholeRequestBody(wire, {
        headers: trailerHeaders('x-amz-checksum-crc32'),
      } as unknown as GatewayRequest);
    const good = read(chunked(data, { 'x-amz-checksum-crc32': crc }));
    expect(Buffer.isBuffer(good) && good.equals(data)).toBe(true);
    const stored = await rt.put(good, { checksum: { ChecksumAlgorithm: 'CRC32' } });
    expect(stored).toMatchObject({ size: data.length, checksums: { CRC32: crc }, checksumVerified: true });

    const before = blobFiles();
    const wrong = read(chunked(data, { 'x-amz-checksum-crc32': checksumOf('CRC32', 'other') }));
    expect(await failure(rt.put(wrong, { checksum: { ChecksumAlgorithm: 'CRC32' } }))).toEqual({
      code: 'BadDigest',
      status: 400,
      message: 'The CRC32 you specified did not match the calculated checksum.',
    });
    const truncated = read(chunked(data, {}).subarray(0, 10));
    expect(Buffer.isBuffer(truncated)).toBe(false);
    expect(await failure(rt.put(truncated, {}))).toMatchObject({ code: 'IncompleteBody' });
    expect(blobFiles()).toBe(before);
  });

  it('a SHA256 trailer over a signed-looking chunk framing', async () => {
    const data = Buffer.from('hello world, '.repeat(2000));
    const sha = checksumOf('SHA256', data);
    const framed = chunked(data, { 'x-amz-checksum-sha256': sha })
      .toString('latin1')
      .replace(/^([0-9a-f]+)\r\n/gm, (_m, size: string) => `${size};chunk-signature=${'0'.repeat(64)}\r\n`);
    const stream = wireRequest(Buffer.from(framed, 'latin1'), {
      ...trailerHeaders('x-amz-checksum-sha256'),
      'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
    });
    const stored = await s3Runtime(cloud).put(stream, { checksum: { ChecksumAlgorithm: 'SHA256' } });
    expect(stored.checksums.SHA256).toBe(sha);
  });

  it('in memory too: a failed body is not kept', async () => {
    const mem = await Cloud.open({ dataDir: null, resourcesDir: RESOURCES });
    try {
      const rt = s3Runtime(mem);
      expect(
        (await failure(rt.put('abc', { checksum: { ChecksumSHA1: checksumOf('SHA1', 'abd') } }))).code,
      ).toBe('BadDigest');
      const ok = await rt.put('abc', { checksum: { ChecksumSHA1: checksumOf('SHA1', 'abc') } });
      expect(ok.checksums).toEqual({ SHA1: checksumOf('SHA1', 'abc') });
    } finally {
      await mem.close();
    }
  });

  it('a FULL_OBJECT multipart upload gets the CRC of the whole object, combined from its parts', async () => {
    const call = s3Caller(() => cloud);
    await call('CreateBucket', { Bucket: 'full-object' });
    // CRC64NVME uploads are FULL_OBJECT by S3's rules.
    const { UploadId } = await call<{ UploadId: string }>('CreateMultipartUpload', {
      Bucket: 'full-object',
      Key: 'k',
      ChecksumAlgorithm: 'CRC64NVME',
    });
    const a = Buffer.alloc(5 * 1024 * 1024, 3);
    const b = Buffer.from('the last part');
    const parts = [];
    for (const [i, Body] of [a, b].entries()) {
      const part = await call<{ ETag: string }>('UploadPart', {
        Bucket: 'full-object',
        Key: 'k',
        UploadId,
        PartNumber: i + 1,
        Body,
      });
      parts.push({ PartNumber: i + 1, ETag: part.ETag });
    }
    const done = await call<{ ChecksumCRC64NVME?: string; ChecksumType?: string }>(
      'CompleteMultipartUpload',
      {
        Bucket: 'full-object',
        Key: 'k',
        UploadId,
        MultipartUpload: { Parts: parts },
      },
    );
    expect(done).toMatchObject({
      ChecksumCRC64NVME: checksumOf('CRC64NVME', Buffer.concat([a, b])),
      ChecksumType: 'FULL_OBJECT',
    });
  });
});
