/**
 * Malformed input of every kind gets a 4xx AWS error — never a crash, a hang or a 5xx — and
 * the server keeps answering. Requests are signed correctly where the point is to reach the
 * decoders behind authentication.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentials, serve, type Served } from '../support/serve';

let lab: Served;
let host: string;
beforeAll(async () => {
  lab = await serve();
  host = new URL(lab.endpoint).host;
});
afterAll(async () => {
  expect(lab.stderr()).not.toMatch(/gateway failure|request failed/);
  await lab.stop();
  lab.cleanup();
});

interface Raw {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

interface Answer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

function send({ method = 'POST', path = '/', headers = {}, body = '' }: Raw): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: lab.port, method, path, headers: { host, ...headers }, timeout: 10_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString(), headers: res.headers }),
        );
      },
    );
    req.on('error', reject);
    req.on('timeout', () => reject(new Error('timed out')));
    req.end(body);
  });
}

/** Sign exactly these bytes for `service`, then send them. */
async function signed(service: string, raw: Raw & { query?: Record<string, string> }): Promise<Answer> {
  const signer = new SignatureV4({
    service,
    region: 'us-east-1',
    credentials,
    sha256: Sha256,
    uriEscapePath: service !== 's3',
  });
  const req = await signer.sign(
    new HttpRequest({
      method: raw.method ?? 'POST',
      hostname: '127.0.0.1',
      port: lab.port,
      path: raw.path ?? '/',
      query: raw.query ?? {},
      headers: { host, ...(raw.headers ?? {}) },
      body: raw.body ?? '',
    }),
  );
  const query = Object.entries(raw.query ?? {})
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  return send({
    method: req.method,
    path: `${raw.path ?? '/'}${query ? `?${query}` : ''}`,
    headers: req.headers,
    body: raw.body,
  });
}

const code = (a: Answer) =>
  /<Code>([^<]+)<\/Code>/.exec(a.body)?.[1] ??
  (JSON.parse(a.body || '{}') as { __type?: string }).__type ??
  a.headers['x-amzn-errortype'];

describe('unsigned requests are refused with 4xx', () => {
  it.each([
    [
      'sts',
      {
        body: 'Action=GetCallerIdentity&Version=2011-06-15',
        headers: { host: 'sts.amazonaws.com', 'content-type': 'application/x-www-form-urlencoded' },
      },
      403,
      'MissingAuthenticationToken',
    ],
    [
      'ec2',
      {
        body: 'Action=DescribeRegions&Version=2016-11-15',
        headers: { host: 'ec2.us-east-1.amazonaws.com', 'content-type': 'application/x-www-form-urlencoded' },
      },
      403,
      'MissingAuthenticationToken',
    ],
    // Anonymous S3 is answered (public buckets); listing buckets never is.
    ['s3', { method: 'GET', path: '/' }, 403, 'AccessDenied'],
    [
      'lambda',
      { method: 'GET', path: '/2015-03-31/functions/', headers: { host: 'lambda.us-east-1.amazonaws.com' } },
      403,
      'MissingAuthenticationTokenException',
    ],
    [
      'dynamodb',
      {
        body: '{}',
        headers: {
          'x-amz-target': 'DynamoDB_20120810.ListTables',
          'content-type': 'application/x-amz-json-1.0',
        },
      },
      400,
      'com.amazonaws.dynamodb.v20120810#MissingAuthenticationTokenException',
    ],
  ] as const)('%s', async (_service, raw, status, expected) => {
    const answer = await send(raw as Raw);
    expect(answer.status).toBe(status);
    expect(code(answer)).toBe(expected);
  });
});

describe('broken signatures', () => {
  it.each([
    ['no Credential', 'AWS4-HMAC-SHA256 SignedHeaders=host, Signature=abc', 'IncompleteSignature'],
    [
      'short credential',
      'AWS4-HMAC-SHA256 Credential=test/2026, SignedHeaders=host, Signature=abc',
      'IncompleteSignature',
    ],
    ['signature version 2', 'AWS test:c2lnbmF0dXJl', 'IncompleteSignature'],
    ['another scheme', 'Bearer abc.def', 'IncompleteSignature'],
  ])('%s', async (_name, authorization, expected) => {
    const answer = await send({
      headers: {
        authorization,
        host: 'sts.amazonaws.com',
        'content-type': 'application/x-www-form-urlencoded',
        'x-amz-date': '20260101T000000Z',
      },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(code(answer)).toBe(expected);
  });

  it('refuses a request signed an hour ago as expired', async () => {
    const signer = new SignatureV4({ service: 'ec2', region: 'us-east-1', credentials, sha256: Sha256 });
    const body = 'Action=DescribeRegions&Version=2016-11-15';
    const req = await signer.sign(
      new HttpRequest({
        method: 'POST',
        hostname: '127.0.0.1',
        port: lab.port,
        path: '/',
        headers: { host, 'content-type': 'application/x-www-form-urlencoded' },
        body,
      }),
      { signingDate: new Date(Date.now() - 3_600_000) },
    );
    const answer = await send({ headers: req.headers, body });
    expect([answer.status, code(answer)]).toEqual([400, 'RequestExpired']);
  });

  it('refuses a body that does not match its signed hash', async () => {
    const signer = new SignatureV4({ service: 'sts', region: 'us-east-1', credentials, sha256: Sha256 });
    const req = await signer.sign(
      new HttpRequest({
        method: 'POST',
        hostname: '127.0.0.1',
        port: lab.port,
        path: '/',
        headers: { host, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'Action=GetCallerIdentity&Version=2011-06-15',
      }),
    );
    const answer = await send({ headers: req.headers, body: 'Action=GetCallerIdentity&Version=2011-06-16' });
    expect([answer.status, code(answer)]).toEqual([403, 'SignatureDoesNotMatch']);
  });
});

describe('malformed operations and parameters behind a valid signature', () => {
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  it.each([
    ['no Action', 'sts', { body: 'Version=2011-06-15', headers: form }, 400, 'MissingAction'],
    [
      'unknown Action',
      'ec2',
      { body: 'Action=LaunchRocket&Version=2016-11-15', headers: form },
      400,
      'InvalidAction',
    ],
    [
      'unknown parameter',
      'ec2',
      { body: 'Action=DescribeRegions&Version=2016-11-15&Colour=blue', headers: form },
      400,
      'UnknownParameter',
    ],
    [
      'not a number',
      'ec2',
      { body: 'Action=DescribeInstances&Version=2016-11-15&MaxResults=lots', headers: form },
      400,
      'InvalidParameterValue',
    ],
    [
      'not a boolean',
      'ec2',
      { body: 'Action=DescribeRegions&Version=2016-11-15&AllRegions=perhaps', headers: form },
      400,
      'InvalidParameterValue',
    ],
    [
      'bad percent-encoding',
      'ec2',
      { body: 'Action=Describe%ZZRegions&Version=2016-11-15', headers: form },
      400,
      'InvalidAction',
    ],
    [
      'absurd nesting',
      'ec2',
      { body: `Action=DescribeRegions&${'Filter.1.'.repeat(200)}Name=x`, headers: form },
      400,
      'InvalidParameterValue',
    ],
    [
      'binary garbage',
      'sts',
      { body: Buffer.from([0xff, 0xfe, 0x00, 0x41, 0x3d, 0x80, 0x26]), headers: form },
      400,
      'MissingAction',
    ],
  ] as const)('%s', async (_name, service, raw, status, expected) => {
    const answer = await signed(service, raw as Raw);
    expect([answer.status, code(answer)]).toEqual([status, expected]);
  });

  const json = (target: string) => ({ 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.0' });
  const deep = `${'{"M":{"a":'.repeat(3000)}{"S":"x"}${'}}'.repeat(3000)}`;
  it.each([
    [
      'invalid JSON',
      { body: '{"TableName": ', headers: json('DynamoDB_20120810.GetItem') },
      'SerializationException',
    ],
    ['JSON array', { body: '[1,2,3]', headers: json('DynamoDB_20120810.GetItem') }, 'SerializationException'],
    [
      'wrong type',
      { body: '{"TableName": {"S": 1}, "Key": {}}', headers: json('DynamoDB_20120810.GetItem') },
      'SerializationException',
    ],
    [
      'deeply nested item',
      { body: `{"TableName":"t","Item":{"a":${deep}}}`, headers: json('DynamoDB_20120810.PutItem') },
      'SerializationException',
    ],
    [
      'missing required member',
      { body: '{"Key": {"pk": {"S": "a"}}}', headers: json('DynamoDB_20120810.GetItem') },
      'ValidationException',
    ],
    [
      'unknown operation',
      { body: '{}', headers: json('DynamoDB_20120810.DropEverything') },
      'UnknownOperationException',
    ],
  ] as const)('dynamodb: %s', async (_name, raw, expected) => {
    const answer = await signed('dynamodb', raw as Raw);
    expect(answer.status).toBe(400);
    expect(code(answer)).toBe(`com.amazonaws.dynamodb.v20120810#${expected}`);
  });

  it('lambda: invalid JSON body and an unknown path', async () => {
    const bad = await signed('lambda', {
      method: 'POST',
      path: '/2015-03-31/functions',
      body: '{"FunctionName": [',
      headers: { 'content-type': 'application/json' },
    });
    expect([bad.status, code(bad)]).toEqual([400, 'SerializationException']);
    const unknown = await signed('lambda', { method: 'GET', path: '/1999-01-01/nothing/here' });
    expect([unknown.status, code(unknown)]).toEqual([404, 'UnknownOperationException']);
  });

  it.each([
    ['malformed XML', '<CreateHostedZoneRequest><Name>example.com</Name>'],
    [
      'entity expansion',
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><CreateHostedZoneRequest><Name>&lol2;</Name></CreateHostedZoneRequest>',
    ],
    [
      'absurdly deep',
      `<CreateHostedZoneRequest>${'<a>'.repeat(20000)}${'</a>'.repeat(20000)}</CreateHostedZoneRequest>`,
    ],
  ])('route53: %s', async (_name, body) => {
    const answer = await signed('route53', {
      method: 'POST',
      path: '/2013-04-01/hostedzone',
      body,
      headers: { 'content-type': 'application/xml' },
    });
    expect([answer.status, code(answer)]).toEqual([400, 'MalformedXML']);
  });

  it('s3: odd paths, an unknown sub-resource method, and an oversized key path', async () => {
    for (const path of [
      '/../../etc/passwd',
      '//double//slash',
      `/bucket/${'k'.repeat(4000)}`,
      '/bucket/%E0%A4%A',
    ]) {
      const answer = await signed('s3', {
        method: 'GET',
        path,
        headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      });
      expect(answer.status, path).toBeLessThan(600);
      expect([403, 404, 405, 400, 501]).toContain(answer.status);
    }
    const patch = await signed('s3', {
      method: 'PATCH',
      path: '/bucket',
      headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    });
    expect([patch.status, code(patch)]).toEqual([405, 'MethodNotAllowed']);
  });
});

describe('the HTTP layer', () => {
  it('refuses an oversized body with 413 and closes the connection', async () => {
    const answer = await signed('dynamodb', {
      body: `{"TableName":"t","Item":{"a":{"S":"${'x'.repeat(21 * 1024 * 1024)}"}}}`,
      headers: { 'x-amz-target': 'DynamoDB_20120810.PutItem', 'content-type': 'application/x-amz-json-1.0' },
    });
    expect(answer.status).toBe(413);
    expect(answer.headers.connection).toBe('close');
  });

  it('answers raw garbage on the socket with 400', async () => {
    const reply = await new Promise<string>((resolve) => {
      const socket = connect(lab.port, '127.0.0.1', () =>
        socket.write('\x16\x03\x01 not http at all\r\n\r\n'),
      );
      let data = '';
      socket.on('data', (d) => (data += d.toString()));
      socket.on('close', () => resolve(data));
      socket.on('error', () => resolve(data));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
  });

  it('survives a burst of random requests and stays healthy', async () => {
    let seed = 1234567;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
    const methods = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH'] as const;
    const services = ['sts', 'ec2', 's3', 'dynamodb', 'lambda', 'route53'] as const;
    const paths = [
      '/',
      '/x',
      '/2015-03-31/functions/f/invocations',
      '/2013-04-01/hostedzone/Z1/rrset/',
      '/b/k?uploads',
      '/?list-type=2',
      '/%00',
      '/a%2Fb',
    ];
    const bodies = [
      '',
      '{}',
      '[',
      '<x>',
      'Action=DescribeRegions',
      'Action=GetCallerIdentity&Version=2011-06-15',
      '\u0000\u0001\u0002',
      '{"a":'.repeat(50),
    ];
    const targets = ['DynamoDB_20120810.GetItem', 'DynamoDB_20120810.Scan', 'Nope.Nope', ''];
    for (let i = 0; i < 150; i++) {
      const service = pick(services);
      const headers: Record<string, string> = {
        'content-type': pick([
          'application/x-www-form-urlencoded',
          'application/json',
          'application/xml',
          'text/plain',
        ]),
      };
      const target = pick(targets);
      if (service === 'dynamodb' && target) headers['x-amz-target'] = target;
      if (service === 's3') headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
      const raw = { method: pick(methods), path: pick(paths), body: pick(bodies), headers };
      const useSignature = rand() < 0.7;
      const answer = useSignature
        ? await signed(service, raw.method === 'GET' || raw.method === 'HEAD' ? { ...raw, body: '' } : raw)
        : await send(raw);
      expect(answer.status, JSON.stringify({ service, ...raw, useSignature })).toBeGreaterThanOrEqual(300);
      expect([answer.status < 500, answer.status === 501]).toContain(true);
    }
    const health = await fetch(`${lab.endpoint}/_cloudlab/health`);
    expect(health.status).toBe(200);
  });
});
