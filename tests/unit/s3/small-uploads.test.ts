/**
 * The fast path of small uploads and what it must not change:
 *  - the gateway reads a small body whole (no stream), plain or aws-chunked: the SDK's PutObject stores the
 *    right bytes, a wrong x-amz-content-sha256 is still XAmzContentSHA256Mismatch with both
 *    hashes, after NoSuchBucket and before BadDigest, as the streamed check was;
 *  - a small object's body row and its object row are one transaction (one journal record) and
 *    survive the process dying without a checkpoint or a close (kill -9);
 *  - bucket rows and configuration are cached between requests (bucket-cache.ts), and a change —
 *    or a rolled-back transaction — is seen at once.
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { Readable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cloud } from '../../../electron/core/cloud';
import { readBucketConfig, writeBucketConfig } from '../../../electron/core/services/s3/bucket-config';
import { Gateway } from '../../../electron/gateway/gateway';
import { SMALL_UPLOAD, wholeBodyLimit } from '../../../electron/gateway/body-stream';
import type { GatewayRequest } from '../../../electron/gateway/http';
import { s3Caller } from '../../support/s3';
import { sdkCredentials } from '../../support/sdk-bridge';
import { RESOURCES, tempDir } from '../../support/temp';

const data = tempDir('cloudlab-small-');
let cloud: Cloud;
let server: Server;
let endpoint: string;
let s3: S3Client;

beforeAll(async () => {
  cloud = await Cloud.open({ dataDir: data.dir, resourcesDir: RESOURCES });
  const gateway = new Gateway({ cloud, resourcesDir: RESOURCES });
  server = createServer((req, res) => void gateway.handle(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  s3 = new S3Client({
    endpoint,
    region: 'us-east-1',
    credentials: sdkCredentials,
    forcePathStyle: true,
    maxAttempts: 1,
  });
  await s3Caller(() => cloud)('CreateBucket', { Bucket: 'small' });
});

afterAll(async () => {
  s3.destroy();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await cloud.close();
  data.cleanup();
});

const signer = new SignatureV4({
  service: 's3',
  region: 'us-east-1',
  credentials: sdkCredentials,
  sha256: Sha256,
});
const ZEROS = '0'.repeat(64);

/** A signed PUT whose x-amz-content-sha256 is `claimed` (a hex hash), with extra headers. */
async function put(path: string, body: Buffer, claimed: string, extra: Record<string, string> = {}) {
  const url = new URL(endpoint);
  const signed = await signer.sign(
    new HttpRequest({
      method: 'PUT',
      hostname: url.hostname,
      port: Number(url.port),
      path,
      headers: {
        host: url.host,
        'content-length': String(body.length),
        'x-amz-content-sha256': claimed,
        ...extra,
      },
      body,
    }),
  );
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method: 'PUT', path, headers: signed.headers },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('small uploads through the gateway', () => {
  it('stores what the SDK sends (with its CRC32 header), up to the limit and past it', async () => {
    for (const size of [0, 1, 1024, 8 * 1024 + 1, SMALL_UPLOAD, SMALL_UPLOAD + 1]) {
      const body = Buffer.alloc(size, 0x61);
      if (size > 0) body.write(`size ${size}`);
      const out = await s3.send(new PutObjectCommand({ Bucket: 'small', Key: `s/${size}`, Body: body }));
      expect(out.ChecksumCRC32).toBeDefined();
      const got = await s3.send(new GetObjectCommand({ Bucket: 'small', Key: `s/${size}` }));
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
    }
  });

  it('a small stream the SDK frames as aws-chunked (CRC32 trailer) is read whole too, and stored', async () => {
    // What the SDK sends for a stream: Transfer-Encoding chunked, the decoded length declared.
    const seen: IncomingHttpHeaders[] = [];
    const capture = createServer((req, res) => {
      seen.push(req.headers);
      req.resume().on('end', () => res.writeHead(200, { etag: '"x"' }).end());
    });
    await new Promise<void>((r) => capture.listen(0, '127.0.0.1', r));
    const probe = new S3Client({
      endpoint: `http://127.0.0.1:${(capture.address() as AddressInfo).port}`,
      region: 'us-east-1',
      credentials: sdkCredentials,
      forcePathStyle: true,
      maxAttempts: 1,
    });
    for (const size of [1024, SMALL_UPLOAD + 1]) {
      const Body = Readable.from([Buffer.alloc(size, 0x62)]);
      await probe.send(new PutObjectCommand({ Bucket: 'small', Key: 'k', Body, ContentLength: size }));
    }
    probe.destroy();
    capture.close();
    expect(seen[0]).toMatchObject({ 'content-encoding': 'aws-chunked', 'transfer-encoding': 'chunked' });
    expect(wholeBodyLimit({ headers: seen[0] } as unknown as GatewayRequest)).toBeDefined();
    expect(wholeBodyLimit({ headers: seen[1] } as unknown as GatewayRequest)).toBeUndefined();

    for (const size of [0, 1, 1024, SMALL_UPLOAD, SMALL_UPLOAD + 1]) {
      const body = Buffer.alloc(size, 0x63);
      if (size > 0) body.write(`stream ${size}`);
      const Body = Readable.from([body]);
      const out = await s3.send(
        new PutObjectCommand({ Bucket: 'small', Key: `stream/${size}`, Body, ContentLength: size }),
      );
      expect(out.ChecksumCRC32).toBeDefined();
      const got = await s3.send(new GetObjectCommand({ Bucket: 'small', Key: `stream/${size}` }));
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
    }
  });

  it('a wrong x-amz-content-sha256 is XAmzContentSHA256Mismatch, with both hashes, and nothing is stored', async () => {
    const res = await put('/small/wrong-sha', Buffer.from('hello'), ZEROS);
    expect(res.status).toBe(400);
    expect(res.body).toContain('<Code>XAmzContentSHA256Mismatch</Code>');
    expect(res.body).toContain(`<ClientComputedContentSHA256>${ZEROS}</ClientComputedContentSHA256>`);
    expect(res.body).toContain(
      '<S3ComputedContentSHA256>2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824</S3ComputedContentSHA256>',
    );
    const head = await put('/small/wrong-sha', Buffer.from('x'), ZEROS);
    expect(head.status).toBe(400);
    await expect(s3.send(new GetObjectCommand({ Bucket: 'small', Key: 'wrong-sha' }))).rejects.toMatchObject({
      name: 'NoSuchKey',
    });
  });

  it('errors come in the order the streamed check gave them: NoSuchBucket, then the hash, then BadDigest', async () => {
    const body = Buffer.from('hello');
    const noBucket = await put('/no-such-bucket-here/k', body, ZEROS);
    expect(noBucket.body).toContain('<Code>NoSuchBucket</Code>');
    // A wrong CRC32 and a wrong payload hash: the hash is checked first.
    const both = await put('/small/k', body, ZEROS, { 'x-amz-checksum-crc32': 'AAAAAA==' });
    expect(both.body).toContain('<Code>XAmzContentSHA256Mismatch</Code>');
    const realSha = '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824';
    const crc = await put('/small/k', body, realSha, { 'x-amz-checksum-crc32': 'AAAAAA==' });
    expect(crc.body).toContain('<Code>BadDigest</Code>');
    const ok = await put('/small/k', body, realSha);
    expect(ok.status).toBe(200);
  });
});

describe('a small object is one journal record and survives kill -9', () => {
  it('writes the body row and the object row together, and a second process finds them', async () => {
    const before = cloud.store.sequence;
    await s3.send(new PutObjectCommand({ Bucket: 'small', Key: 'durable', Body: 'survives' }));
    expect(cloud.store.sequence - before).toBe(1);
    // Another process opening the workspace now, without a checkpoint or a close: what kill -9
    // would leave (the journal frame was written before the PUT was answered).
    const after = await Cloud.open({ dataDir: data.dir, resourcesDir: RESOURCES });
    try {
      const got = (await s3Caller(() => after)('GetObject', { Bucket: 'small', Key: 'durable' })) as {
        Body: Uint8Array;
      };
      expect(Buffer.from(got.Body).toString()).toBe('survives');
    } finally {
      await after.close();
    }
  });
});

describe('bucket rows and configuration are cached, never stale', () => {
  const call = s3Caller(() => cloud);

  it('a versioning change is seen by the next request', async () => {
    await call('CreateBucket', { Bucket: 'cached' });
    const first = (await call('PutObject', { Bucket: 'cached', Key: 'k', Body: 'a' })) as {
      VersionId?: string;
    };
    expect(first.VersionId).toBeUndefined();
    await call('PutBucketVersioning', { Bucket: 'cached', VersioningConfiguration: { Status: 'Enabled' } });
    const second = (await call('PutObject', { Bucket: 'cached', Key: 'k', Body: 'b' })) as {
      VersionId?: string;
    };
    expect(second.VersionId).toMatch(/^[A-Za-z0-9._]{32}$/);
  });

  it('a deleted bucket is gone at once, and a new one of the same name is found', async () => {
    await call('CreateBucket', { Bucket: 'come-and-go' });
    await call('HeadBucket', { Bucket: 'come-and-go' });
    await call('DeleteBucket', { Bucket: 'come-and-go' });
    await expect(call('HeadBucket', { Bucket: 'come-and-go' })).rejects.toMatchObject({ status: 404 });
    await call('CreateBucket', { Bucket: 'come-and-go' });
    await call('HeadBucket', { Bucket: 'come-and-go' });
  });

  it('what a rolled-back transaction let a read see is forgotten', async () => {
    await call('CreateBucket', { Bucket: 'rolled-back' });
    expect(readBucketConfig(cloud.store, 'rolled-back', 'versioning')).toBeUndefined();
    await expect(
      cloud.store.write((tx) => {
        writeBucketConfig(tx, 'rolled-back', 'versioning', { Status: 'Enabled' });
        // A read through the store inside the transaction sees the uncommitted row (and keeps it)…
        expect(readBucketConfig(cloud.store, 'rolled-back', 'versioning')).toEqual({ Status: 'Enabled' });
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    // …and after the rollback the bucket is unversioned again, as the database says.
    expect(readBucketConfig(cloud.store, 'rolled-back', 'versioning')).toBeUndefined();
    const out = (await call('GetBucketVersioning', { Bucket: 'rolled-back' })) as { Status?: string };
    expect(out.Status).toBeUndefined();
  });
});
