/**
 * Flexible checksums as the real SDK v3 sends them: the SDK serialises PutObject (a checksum
 * header for bytes, an aws-chunked body with a checksum trailer for a stream), the gateway's
 * body stream and S3 codec decode it, and put() verifies what was sent — or refuses a body
 * altered on the way.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { HttpRequest } from '@smithy/protocol-http';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cloud } from '../../../electron/core/cloud';
import type { AwsError } from '../../../electron/core/kernel/errors';
import { s3Runtime, type StoredBody } from '../../../electron/core/services/s3/bodies';
import { checksumOf, type ChecksumInput } from '../../../electron/core/services/s3/checksums';
import { requestBodyStream } from '../../../electron/gateway/body-stream';
import { Gateway } from '../../../electron/gateway/gateway';
import { parseQueryString, type GatewayRequest } from '../../../electron/gateway/http';
import { sdkCredentials, toHttpResponse } from '../../support/sdk-bridge';
import { RESOURCES } from '../../support/temp';

let cloud: Cloud;
let gateway: Gateway;
beforeAll(async () => {
  cloud = await Cloud.open({ dataDir: null, resourcesDir: RESOURCES });
  gateway = new Gateway({ cloud, resourcesDir: RESOURCES });
});
afterAll(() => cloud.close());

interface Seen {
  headers: Record<string, string>;
  stored?: StoredBody;
  error?: AwsError;
}

/** An S3 client whose PutObject requests go through the body stream, the codec and put(). */
function client(seen: Seen[], tamper?: (body: Buffer, headers: Record<string, string>) => Buffer) {
  const codec = gateway.codec(cloud.services.get('s3')!);
  return new S3Client({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:4566',
    forcePathStyle: true,
    credentials: sdkCredentials,
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: HttpRequest) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(request.headers)) headers[k.toLowerCase()] = v;
        const raw = request.body as Readable | Uint8Array | string | undefined;
        let bytes: Buffer;
        if (raw === undefined) bytes = Buffer.alloc(0);
        else if (typeof raw === 'string' || raw instanceof Uint8Array) bytes = Buffer.from(raw);
        else {
          const chunks: Buffer[] = [];
          for await (const c of raw) chunks.push(Buffer.from(c as Uint8Array));
          bytes = Buffer.concat(chunks);
        }
        if (tamper) bytes = tamper(bytes, headers);
        const req: GatewayRequest = {
          method: request.method,
          path: request.path,
          routePath: request.path,
          rawQuery: '',
          query: parseQueryString(''),
          headers,
          rawHeaders: Object.entries(headers).flat(),
          body: Buffer.alloc(0),
        };
        req.bodyStream = requestBodyStream(Readable.from([bytes]), req);
        const op = codec.findOperation(req)!;
        const input = codec.decode(req, op) as ChecksumInput & { Body: Readable };
        const entry: Seen = { headers };
        seen.push(entry);
        try {
          entry.stored = await s3Runtime(cloud).put(input.Body, { checksum: input });
          return { response: toHttpResponse(codec.encode(req, op, { ETag: `"${entry.stored.md5}"` }, 'r')) };
        } catch (e) {
          entry.error = e as AwsError;
          return { response: toHttpResponse(codec.encodeError(req, e as AwsError, 'r')) };
        }
      },
    },
  });
}

describe('checksums from the SDK', () => {
  it('bytes: an x-amz-checksum-crc32 header (the SDK default), verified', async () => {
    const seen: Seen[] = [];
    const body = Buffer.from('hello checksums');
    await client(seen).send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: body }));
    expect(seen[0]!.headers['x-amz-checksum-crc32']).toBe(checksumOf('CRC32', body));
    expect(seen[0]!.stored).toMatchObject({
      checksums: { CRC32: checksumOf('CRC32', body) },
      checksumAlgorithm: 'CRC32',
      checksumVerified: true,
    });
  });

  it('a stream: aws-chunked with an x-amz-checksum-sha256 trailer, verified after the body', async () => {
    const seen: Seen[] = [];
    const body = randomBytes(200_000);
    await client(seen).send(
      new PutObjectCommand({
        Bucket: 'b',
        Key: 'k',
        Body: Readable.from([body.subarray(0, 70_000), body.subarray(70_000)]),
        ContentLength: body.length,
        ChecksumAlgorithm: 'SHA256',
      }),
    );
    expect(seen[0]!.headers['x-amz-trailer']).toBe('x-amz-checksum-sha256');
    expect(seen[0]!.stored).toMatchObject({
      size: 200_000,
      checksums: { SHA256: checksumOf('SHA256', body) },
      checksumAlgorithm: 'SHA256',
      checksumVerified: true,
    });
  });

  it('CRC64NVME, which the bundled model cannot decode, is read from the raw header', async () => {
    const seen: Seen[] = [];
    const body = Buffer.from('123456789');
    await client(seen).send(
      new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: body, ChecksumAlgorithm: 'CRC64NVME' }),
    );
    expect(seen[0]!.headers['x-amz-checksum-crc64nvme']).toBe('rosUhgp5mIg=');
    expect(seen[0]!.stored).toMatchObject({
      checksums: { CRC64NVME: 'rosUhgp5mIg=' },
      checksumAlgorithm: 'CRC64NVME',
      checksumVerified: true,
    });
  });

  it('a body changed on the way is BadDigest, header or trailer alike', async () => {
    const flip = (b: Buffer, headers: Record<string, string>) => {
      // A signed payload hash would catch it first (XAmzContentSHA256Mismatch): send it unsigned.
      if (/^[0-9a-f]{64}$/.test(headers['x-amz-content-sha256'] ?? ''))
        headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
      const c = Buffer.from(b);
      const i = c.indexOf('payload');
      c[i] = 'P'.charCodeAt(0);
      return c;
    };
    const seen: Seen[] = [];
    const s3 = client(seen, flip);
    await expect(
      s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: Buffer.from('the payload') })),
    ).rejects.toMatchObject({
      name: 'BadDigest',
      message: 'The CRC32 you specified did not match the calculated checksum.',
    });
    await expect(
      s3.send(
        new PutObjectCommand({
          Bucket: 'b',
          Key: 'k',
          Body: Readable.from([Buffer.from('the payload, streamed')]),
          ContentLength: 21,
          ChecksumAlgorithm: 'CRC32C',
        }),
      ),
    ).rejects.toMatchObject({
      name: 'BadDigest',
      message: 'The CRC32C you specified did not match the calculated checksum.',
    });
    expect(seen.map((s) => s.error?.code)).toEqual(['BadDigest', 'BadDigest']);
  });
});
