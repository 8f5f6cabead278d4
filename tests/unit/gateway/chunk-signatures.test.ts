/**
 * Signed streaming uploads (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD`): every chunk's signature is
 * checked, chained from the request's seed signature — against the worked example of AWS's
 * "Transferring Payload in Multiple Chunks" page (64 KiB + 1 KiB of 'a', signed with the
 * documentation's example key on 2013-05-24).
 */
import { createHmac } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  armChunkSignatures,
  AwsChunkedDecoder,
  wholeRequestBody,
} from '../../../electron/gateway/body-stream';
import type { GatewayRequest } from '../../../electron/gateway/http';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const SEED = '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9';
const CHUNK_1 = 'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648';
const CHUNK_2 = '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497';
const FINAL = 'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9';

function signingKey(): Buffer {
  let k = createHmac('sha256', `AWS4${SECRET}`).update('20130524').digest();
  for (const part of ['us-east-1', 's3', 'aws4_request']) k = createHmac('sha256', k).update(part).digest();
  return k;
}

function body(signatures: [string, string, string]): Buffer {
  return Buffer.concat([
    Buffer.from(`10000;chunk-signature=${signatures[0]}\r\n`),
    Buffer.alloc(65536, 'a'),
    Buffer.from(`\r\n400;chunk-signature=${signatures[1]}\r\n`),
    Buffer.alloc(1024, 'a'),
    Buffer.from(`\r\n0;chunk-signature=${signatures[2]}\r\n\r\n`),
  ]);
}

const signing = () => ({
  key: signingKey(),
  amzDate: '20130524T000000Z',
  scope: '20130524/us-east-1/s3/aws4_request',
  seed: SEED,
});

async function decode(wire: Buffer, armAfter: 'before' | 'after'): Promise<Buffer> {
  const decoder = new AwsChunkedDecoder(true);
  if (armAfter === 'before') decoder.arm(signing());
  const out: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    decoder.on('data', (c: Buffer) => out.push(c));
    decoder.on('end', resolve);
    decoder.on('error', reject);
  });
  Readable.from([wire.subarray(0, 5000), wire.subarray(5000)]).pipe(decoder);
  // The gateway arms the decoder once the request's own signature verified: chunks may be in.
  if (armAfter === 'after') setTimeout(() => decoder.arm(signing()), 5);
  await done;
  return Buffer.concat(out);
}

describe('chunk signatures', () => {
  it("accept AWS's worked example, armed before or after the chunks arrive", async () => {
    expect((await decode(body([CHUNK_1, CHUNK_2, FINAL]), 'before')).length).toBe(66560);
    expect((await decode(body([CHUNK_1, CHUNK_2, FINAL]), 'after')).length).toBe(66560);
  });

  it('refuse a chunk whose signature does not chain, as SignatureDoesNotMatch', async () => {
    const tampered = body([CHUNK_1, CHUNK_1, FINAL]);
    await expect(decode(tampered, 'before')).rejects.toMatchObject({
      code: 'SignatureDoesNotMatch',
      status: 403,
    });
    await expect(decode(tampered, 'after')).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
    const altered = body([CHUNK_1, CHUNK_2, FINAL]);
    altered[200] = 'b'.charCodeAt(0);
    await expect(decode(altered, 'before')).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
  });
});

/** A body read whole (a small upload): decoded at once, its signatures checked when armed. */
function whole(wire: Buffer): Buffer {
  const req = {
    headers: {
      'content-encoding': 'aws-chunked',
      'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
      authorization: 'AWS4-HMAC-SHA256 Credential=…',
    },
  } as unknown as GatewayRequest;
  const body = wholeRequestBody(wire, req);
  if (!Buffer.isBuffer(body)) throw new Error('well-formed framing should decode whole');
  return body;
}

describe('chunk signatures of a body read whole', () => {
  it('are checked when the gateway arms them, and a bad one fails the request', () => {
    const good = whole(body([CHUNK_1, CHUNK_2, FINAL]));
    expect(good.length).toBe(66560);
    expect(() => armChunkSignatures(good, signing())).not.toThrow();
    const tampered = whole(body([CHUNK_1, CHUNK_1, FINAL]));
    expect(() => armChunkSignatures(tampered, signing())).toThrow(
      expect.objectContaining({ code: 'SignatureDoesNotMatch', status: 403 }),
    );
    const altered = body([CHUNK_1, CHUNK_2, FINAL]);
    altered[200] = 'b'.charCodeAt(0);
    expect(() => armChunkSignatures(whole(altered), signing())).toThrow(
      expect.objectContaining({ code: 'SignatureDoesNotMatch' }),
    );
  });
});
