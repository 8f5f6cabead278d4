/**
 * Function URLs without a cloud: the payload format 2.0 event built from an HTTP request, the
 * mapping of a function's result to the HTTP answer, and URL host names.
 */
import { describe, expect, it } from 'vitest';
import {
  functionUrlOf,
  parseFunctionUrlHost,
  urlTime,
} from '../../../electron/core/services/lambda/function-urls';
import {
  buildUrlEvent,
  clfTime,
  mapUrlResult,
  type EventContext,
} from '../../../electron/core/services/lambda/url-invoke';

const ID = 'abcdefghijklmnopqrstuvwxyz0abcde';
const NOW = Date.UTC(2026, 10, 23, 9, 5, 7, 123);
const ctx: EventContext = {
  urlId: ID,
  region: 'us-east-1',
  accountId: '123456789012',
  requestId: '11111111-2222-4333-8444-555555555555',
  now: NOW,
  traceId: 'Root=1-6922cf2b-000000000000000000000000',
};
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('function URL host names', () => {
  it('parses <id>.lambda-url.<region>.on.aws with or without a port, and nothing else', () => {
    expect(functionUrlOf(ID, 'eu-west-1')).toBe(`https://${ID}.lambda-url.eu-west-1.on.aws/`);
    expect(parseFunctionUrlHost(`${ID}.lambda-url.us-east-1.on.aws`)).toEqual({
      urlId: ID,
      region: 'us-east-1',
    });
    expect(parseFunctionUrlHost(`${ID.toUpperCase()}.lambda-url.us-east-1.on.aws:4566`)).toEqual({
      urlId: ID,
      region: 'us-east-1',
    });
    expect(parseFunctionUrlHost('bucket.s3-website-us-east-1.amazonaws.com')).toBeNull();
    expect(parseFunctionUrlHost('127.0.0.1:4566')).toBeNull();
    expect(parseFunctionUrlHost(undefined)).toBeNull();
  });

  it('writes times as Lambda does', () => {
    expect(urlTime(NOW)).toBe('2026-11-23T09:05:07.123000Z');
    expect(clfTime(NOW)).toBe('23/Nov/2026:09:05:07 +0000');
  });
});

describe('the payload format 2.0 event', () => {
  it('carries path, query, cookies, lower-cased joined headers and the request context', () => {
    const event = buildUrlEvent(
      {
        method: 'post',
        path: '/my/path?parameter1=value1&parameter1=value2&parameter2=a%20b',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'curl/8.5.0',
          'X-Multi': ['a', 'b'],
          Cookie: 'cookie1=1; cookie2=2',
          Host: `${ID}.lambda-url.us-east-1.on.aws`,
        },
        body: new TextEncoder().encode('{"hello":"world"}'),
        sourceIp: '203.0.113.9',
      },
      ctx,
    );
    expect(event).toEqual({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/my/path',
      rawQueryString: 'parameter1=value1&parameter1=value2&parameter2=a%20b',
      cookies: ['cookie1=1', 'cookie2=2'],
      headers: {
        'content-type': 'application/json',
        'user-agent': 'curl/8.5.0',
        'x-multi': 'a,b',
        host: `${ID}.lambda-url.us-east-1.on.aws`,
        'x-amzn-tls-cipher-suite': 'ECDHE-RSA-AES128-GCM-SHA256',
        'x-amzn-tls-version': 'TLSv1.2',
        'x-amzn-trace-id': ctx.traceId,
        'x-forwarded-proto': 'https',
        'x-forwarded-port': '443',
        'x-forwarded-for': '203.0.113.9',
      },
      queryStringParameters: { parameter1: 'value1,value2', parameter2: 'a b' },
      requestContext: {
        accountId: 'anonymous',
        apiId: ID,
        domainName: `${ID}.lambda-url.us-east-1.on.aws`,
        domainPrefix: ID,
        http: {
          method: 'POST',
          path: '/my/path',
          protocol: 'HTTP/1.1',
          sourceIp: '203.0.113.9',
          userAgent: 'curl/8.5.0',
        },
        requestId: ctx.requestId,
        routeKey: '$default',
        stage: '$default',
        time: '23/Nov/2026:09:05:07 +0000',
        timeEpoch: NOW,
      },
      body: '{"hello":"world"}',
      isBase64Encoded: false,
    });
  });

  it('has no query parameters, cookies or body when the request has none; binary bodies are base64', () => {
    const bare = buildUrlEvent(
      { method: 'GET', path: '/', headers: {}, body: new Uint8Array(), sourceIp: '1.2.3.4' },
      ctx,
    );
    expect(bare.rawQueryString).toBe('');
    expect(bare).not.toHaveProperty('queryStringParameters');
    expect(bare).not.toHaveProperty('cookies');
    expect(bare).not.toHaveProperty('body');
    expect(bare.isBase64Encoded).toBe(false);

    const form = buildUrlEvent(
      {
        method: 'POST',
        path: '/',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new TextEncoder().encode('a=1'),
        sourceIp: '1.2.3.4',
      },
      ctx,
    );
    expect(form.body).toBe(Buffer.from('a=1').toString('base64'));
    expect(form.isBase64Encoded).toBe(true);
  });

  it('names the caller for AWS_IAM URLs', () => {
    const identity = {
      accessKey: 'AKIAEXAMPLE',
      accountId: '123456789012',
      callerId: '123456789012',
      userArn: 'arn:aws:iam::123456789012:root',
      userId: '123456789012',
    };
    const event = buildUrlEvent(
      { method: 'GET', path: '/', headers: {}, body: new Uint8Array(), sourceIp: '1.2.3.4' },
      { ...ctx, identity },
    );
    const rc = event.requestContext as Record<string, unknown>;
    expect(rc.accountId).toBe('123456789012');
    expect(rc.authorizer).toEqual({ iam: { ...identity, cognitoIdentity: null, principalOrgId: null } });
  });
});

describe('mapping the result to the HTTP answer', () => {
  it('uses statusCode, headers, cookies and body', () => {
    const r = mapUrlResult(
      JSON.stringify({
        statusCode: 201,
        headers: { 'Content-Type': 'text/plain', 'My-Custom-Header': 'Custom Value' },
        cookies: ['Cookie_1=Value1; Max-Age=78000', 'Cookie_2=Value2'],
        body: 'created',
      }),
    );
    expect(r.status).toBe(201);
    expect(r.headers).toEqual({
      'content-type': 'text/plain',
      'my-custom-header': 'Custom Value',
      'set-cookie': ['Cookie_1=Value1; Max-Age=78000', 'Cookie_2=Value2'],
    });
    expect(text(r.body)).toBe('created');
  });

  it('decodes base64 bodies', () => {
    const r = mapUrlResult(
      JSON.stringify({
        statusCode: 200,
        body: Buffer.from([0, 1, 2]).toString('base64'),
        isBase64Encoded: true,
      }),
    );
    expect([...r.body]).toEqual([0, 1, 2]);
  });

  it('answers any other JSON as the body, with content-type application/json', () => {
    const obj = mapUrlResult('{"message":"Hello, world!"}');
    expect(obj.status).toBe(200);
    expect(obj.headers['content-type']).toBe('application/json');
    expect(text(obj.body)).toBe('{"message":"Hello, world!"}');
    expect(text(mapUrlResult('[1,2]').body)).toBe('[1,2]');
    expect(text(mapUrlResult('42').body)).toBe('42');
    expect(text(mapUrlResult('null').body)).toBe('null');
  });

  it('answers a string as JSON, quotes included', () => {
    const r = mapUrlResult('"Hello, world!"');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    expect(text(r.body)).toBe('"Hello, world!"');
  });

  it('answers 502 for results it cannot read', () => {
    expect(mapUrlResult('{"statusCode":"abc"}').status).toBe(502);
    expect(mapUrlResult('{"statusCode":200,"headers":[1]}').status).toBe(502);
    expect(text(mapUrlResult('not json').body)).toBe('Internal Server Error');
  });
});
