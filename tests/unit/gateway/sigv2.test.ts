/**
 * S3's Signature Version 2: presigned URLs (what boto3 makes in us-east-1) — the string to sign
 * and the signature, against the query-string example of AWS's "Signing and authenticating REST
 * requests" page (its signature is for the page's original bucket name, johnsmith) — and the
 * `Authorization: AWS key:signature` header, which signs the Date header instead of Expires.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseQueryString, type GatewayRequest } from '../../../electron/gateway/http';
import { parseAuth } from '../../../electron/gateway/sigv4';
import { stringToSignV2, verifyHeaderV2, verifyQueryV2 } from '../../../electron/gateway/sigv2';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

function request(
  method: string,
  path: string,
  rawQuery: string,
  headers: Record<string, string> = {},
  bucketFromHost?: string,
): GatewayRequest {
  return {
    method,
    path,
    routePath: bucketFromHost ? `/${bucketFromHost}${path}` : path,
    rawQuery,
    query: parseQueryString(rawQuery),
    headers,
    rawHeaders: Object.entries(headers).flat(),
    body: Buffer.alloc(0),
    ...(bucketFromHost ? { bucketFromHost } : {}),
  };
}

describe('Signature Version 2 presigned URLs', () => {
  it("verify AWS's documented example, virtual-host style", () => {
    const req = request(
      'GET',
      '/photos/puppy.jpg',
      'AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139620',
      { host: 'johnsmith.s3.amazonaws.com' },
      'johnsmith',
    );
    const auth = parseAuth(req);
    expect(auth).toEqual({
      kind: 'v2-query',
      v2: {
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        signature: 'NpgCjnDzrM+WFzoENXmpNDUsSn8=',
        expires: 1175139620,
      },
    });
    if (auth.kind !== 'v2-query' || !auth.v2) throw new Error('not parsed');
    expect(stringToSignV2(req, auth.v2.expires)).toBe('GET\n\n\n1175139620\n/johnsmith/photos/puppy.jpg');
    expect(verifyQueryV2(req, auth.v2, SECRET)).toBe(true);
    expect(verifyQueryV2(req, auth.v2, 'another secret')).toBe(false);
    // The same URL path-style names the bucket in the path: the same resource.
    const pathStyle = request('GET', '/johnsmith/photos/puppy.jpg', req.rawQuery);
    expect(verifyQueryV2(pathStyle, auth.v2, SECRET)).toBe(true);
    expect(verifyQueryV2(request('PUT', req.path, req.rawQuery, {}, 'johnsmith'), auth.v2, SECRET)).toBe(
      false,
    );
  });

  it('sign sub-resources sorted and as sent, and headers moved into the query', () => {
    const req = request(
      'GET',
      '/bucket/key',
      'versionId=3&response-content-disposition=attachment%3B%20filename%3D%22a%20b%22&AWSAccessKeyId=k&Signature=s&Expires=9&x-amz-security-token=tok&content-type=text%2Fplain&other=1',
    );
    expect(stringToSignV2(req, 9)).toBe(
      'GET\n\ntext/plain\n9\nx-amz-security-token:tok\n/bucket/key?response-content-disposition=attachment; filename="a b"&versionId=3',
    );
    // A header the request sends is what counts (a client adding Content-Type breaks the URL).
    const sent = request('PUT', '/bucket/key', 'uploads&AWSAccessKeyId=k&Signature=s&Expires=9', {
      'content-type': 'image/png',
      'x-amz-meta-b': ' two ',
      'x-amz-acl': 'private',
    });
    expect(stringToSignV2(sent, 9)).toBe(
      'PUT\n\nimage/png\n9\nx-amz-acl:private\nx-amz-meta-b:two\n/bucket/key?uploads',
    );
  });

  it('a URL missing a parameter is its own case', () => {
    expect(parseAuth(request('GET', '/b/k', 'AWSAccessKeyId=k'))).toEqual({ kind: 'v2-query' });
    expect(parseAuth(request('GET', '/b/k', 'Signature=s&Expires=1'))).toEqual({ kind: 'v2-query' });
    expect(parseAuth(request('GET', '/b/k', 'Expires=1'))).toEqual({ kind: 'none' });
  });
});

describe('Signature Version 2 Authorization header', () => {
  const sign = (text: string) => createHmac('sha1', SECRET).update(text).digest('base64');

  it('signs the Date header: the documented GET, then a tampered one', () => {
    const date = 'Tue, 27 Mar 2007 19:36:42 +0000';
    const toSign = `GET\n\n\n${date}\n/johnsmith/photos/puppy.jpg`;
    const headers = {
      host: 'johnsmith.s3.amazonaws.com',
      date,
      authorization: `AWS AKIAIOSFODNN7EXAMPLE:${sign(toSign)}`,
    };
    const req = request('GET', '/photos/puppy.jpg', '', headers, 'johnsmith');
    const auth = parseAuth(req);
    if (auth.kind !== 'v2-header' || typeof auth.v2 === 'string') throw new Error(`parsed as ${auth.kind}`);
    expect(auth.v2).toEqual({
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      signature: sign(toSign),
      signedDate: date,
      requestTime: Date.UTC(2007, 2, 27, 19, 36, 42),
    });
    expect(stringToSignV2(req, auth.v2.signedDate)).toBe(toSign);
    expect(verifyHeaderV2(req, auth.v2, SECRET)).toBe(true);
    expect(
      verifyHeaderV2(request('GET', '/photos/kitten.jpg', '', headers, 'johnsmith'), auth.v2, SECRET),
    ).toBe(false);
  });

  it('with x-amz-date the date line is empty and x-amz-date is a signed x-amz- header', () => {
    const headers = {
      host: 's3.amazonaws.com',
      'x-amz-date': 'Tue, 27 Mar 2007 21:20:26 +0000',
      'content-type': 'text/plain',
      'x-amz-meta-reviewedby': 'joe@example.com',
    };
    const toSign =
      'PUT\n\ntext/plain\n\nx-amz-date:Tue, 27 Mar 2007 21:20:26 +0000\nx-amz-meta-reviewedby:joe@example.com\n/b/k?acl';
    const req = request('PUT', '/b/k', 'acl', { ...headers, authorization: `AWS key:${sign(toSign)}` });
    const auth = parseAuth(req);
    if (auth.kind !== 'v2-header' || typeof auth.v2 === 'string') throw new Error(`parsed as ${auth.kind}`);
    expect(auth.v2.signedDate).toBe('');
    expect(auth.v2.requestTime).toBe(Date.UTC(2007, 2, 27, 21, 20, 26));
    expect(verifyHeaderV2(req, auth.v2, SECRET)).toBe(true);
  });

  it("a header not of the form 'AWS key:signature' gets S3's message; no date is NaN", () => {
    const v2 = (authorization: string, headers: Record<string, string> = {}) => {
      const auth = parseAuth(request('GET', '/b/k', '', { ...headers, authorization }));
      if (auth.kind !== 'v2-header') throw new Error(`parsed as ${auth.kind}`);
      return auth.v2;
    };
    expect(v2('AWS a b:c')).toBe("Authorization header is invalid -- one and only one ' ' (space) required");
    expect(v2('AWS nocolon')).toBe('AWS authorization header is invalid.  Expected AwsAccessKeyId:signature');
    expect(v2('AWS key:')).toBe('AWS authorization header is invalid.  Expected AwsAccessKeyId:signature');
    const undated = v2('AWS key:sig');
    expect(typeof undated !== 'string' && Number.isNaN(undated.requestTime)).toBe(true);
  });
});
