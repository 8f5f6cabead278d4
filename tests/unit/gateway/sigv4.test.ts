import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import {
  checkPayloadHash,
  checkTime,
  parseAuth,
  payloadHash,
  verifySignature,
} from '../../../electron/gateway/sigv4';
import { toGatewayRequest } from '../../support/sdk-bridge';

function signer(service: string, secret = 'test') {
  return new SignatureV4({
    service,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'test', secretAccessKey: secret },
    sha256: Sha256,
    uriEscapePath: service !== 's3',
  });
}

const tricky = () =>
  new HttpRequest({
    method: 'POST',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: 4566,
    path: '/2015-03-31/functions/arn%3Aaws%3Alambda%3Aeu-west-1%3A123456789012%3Afunction%3Amy-fn/invocations',
    query: { Qualifier: 'v 1+2', tags: ['b', 'a'], empty: '' },
    headers: {
      host: '127.0.0.1:4566',
      'content-type': 'application/json',
      'x-amz-meta-note': '  two   spaces  ',
    },
    body: '{"hello":"world"}',
  });

async function verify(signed: HttpRequest, secret = 'test') {
  const req = toGatewayRequest(signed);
  const auth = parseAuth(req);
  if (auth.kind !== 'header' && auth.kind !== 'query') throw new Error(`not signed: ${auth.kind}`);
  // What the gateway checks: the declared payload hash fits the body, and the signature verifies.
  const hash = payloadHash(req, auth, auth.credential.service);
  return { req, auth, ok: checkPayloadHash(req, hash) === 'ok' && verifySignature(req, auth, secret, hash) };
}

describe('SigV4 verification', () => {
  it('accepts what the SDK signs, for double-encoded (Lambda) and plain (S3) paths', async () => {
    for (const service of ['lambda', 's3']) {
      const signed = (await signer(service).sign(tricky())) as HttpRequest;
      const { ok, auth } = await verify(signed);
      expect(ok).toBe(true);
      expect(auth.credential).toEqual({
        accessKeyId: 'test',
        date: auth.amzDate.slice(0, 8),
        region: 'eu-west-1',
        service,
      });
    }
  });

  it('refuses a wrong secret, a changed body, a changed query and a changed signed header', async () => {
    const signed = (await signer('lambda', 'wrong').sign(tricky())) as HttpRequest;
    expect((await verify(signed)).ok).toBe(false);

    const good = (await signer('lambda').sign(tricky())) as HttpRequest;
    expect((await verify(new HttpRequest({ ...good, body: '{"hello":"there"}' }))).ok).toBe(false);
    expect((await verify(new HttpRequest({ ...good, query: { ...good.query, Qualifier: 'v2' } }))).ok).toBe(
      false,
    );
    expect(
      (await verify(new HttpRequest({ ...good, headers: { ...good.headers, 'x-amz-meta-note': 'other' } })))
        .ok,
    ).toBe(false);
  });

  it('checks a declared payload hash against the body, and trusts one it computed itself', async () => {
    const declared = (await signer('s3').sign(tricky())) as HttpRequest;
    expect(declared.headers['x-amz-content-sha256']).toMatch(/^[0-9a-f]{64}$/);
    const changed = toGatewayRequest(new HttpRequest({ ...declared, body: '{"hello":"there"}' }));
    expect(checkPayloadHash(changed, declared.headers['x-amz-content-sha256']!)).toBe('mismatch');
    expect(checkPayloadHash(changed, 'not a hash')).toBe('invalid');

    // The AWS CLI declares no payload hash outside S3: the verifier hashes the body itself.
    const computed = (await signer('lambda').sign(tricky())) as HttpRequest;
    delete computed.headers['x-amz-content-sha256'];
    const req = toGatewayRequest(computed);
    const auth = parseAuth(req);
    if (auth.kind !== 'header') throw new Error('not header-signed');
    expect(checkPayloadHash(req, payloadHash(req, auth, 'lambda'))).toBe('ok');
  });

  it('verifies presigned URLs and enforces their expiry', async () => {
    const s3 = new S3Client({
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:4566',
      forcePathStyle: true,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const url = new URL(
      await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'bucket', Key: 'some key+.txt' }), {
        expiresIn: 60,
      }),
    );
    const presigned = new HttpRequest({
      method: 'GET',
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { host: url.host },
    });
    const { ok, auth } = await verify(presigned);
    expect(ok).toBe(true);
    expect(auth.kind).toBe('query');
    expect(checkTime(auth, Date.now())).toBe('ok');
    expect(checkTime(auth, Date.now() + 61_000)).toBe('expired');

    const sts = new HttpRequest({
      method: 'GET',
      hostname: '127.0.0.1',
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { host: '127.0.0.1:4566' },
    });
    expect((await verify((await signer('sts').presign(sts, { expiresIn: 300 })) as HttpRequest)).ok).toBe(
      true,
    );
  });

  it('rejects requests signed more than 15 minutes away', async () => {
    const signed = (await signer('sts').sign(tricky(), {
      signingDate: new Date(Date.now() - 16 * 60_000),
    })) as HttpRequest;
    const { auth, ok } = await verify(signed);
    expect(ok).toBe(true); // the signature itself is fine …
    expect(checkTime(auth, Date.now())).toBe('expired'); // … but too old
  });

  it('explains malformed Authorization headers', () => {
    const req = toGatewayRequest(
      new HttpRequest({
        method: 'GET',
        hostname: 'h',
        path: '/',
        headers: { authorization: 'AWS4-HMAC-SHA256 Credential=x' },
      }),
    );
    const auth = parseAuth(req);
    expect(auth.kind).toBe('malformed');
    expect(auth.kind === 'malformed' && auth.message).toMatch(/requires 'SignedHeaders' parameter/);
    const v2 = parseAuth(
      toGatewayRequest(
        new HttpRequest({
          method: 'GET',
          hostname: 'h',
          path: '/',
          headers: { authorization: 'AWS test:abc' },
        }),
      ),
    );
    expect(v2.kind).toBe('v2-header');
  });
});
