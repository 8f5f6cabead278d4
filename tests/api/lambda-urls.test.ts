/**
 * Lambda function URLs against `cloudlab serve`: the five configuration operations through the
 * AWS SDK, then plain HTTP requests with the URL's Host (any port, as a browser or curl sends
 * them to the listener): refused until the resource policy allows `lambda:InvokeFunctionUrl`
 * to everyone, the payload format 2.0 event the function sees, the mapping of its result, a
 * throwing function, CORS, AWS_IAM, and `curl https://…` from inside an instance.
 */
import * as EC2 from '@aws-sdk/client-ec2';
import {
  AddPermissionCommand,
  CreateAliasCommand,
  CreateFunctionUrlConfigCommand,
  DeleteFunctionUrlConfigCommand,
  GetFunctionUrlConfigCommand,
  ListFunctionUrlConfigsCommand,
  PublishVersionCommand,
  UpdateFunctionUrlConfigCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFunction, lambdaClient } from '../support/lambda';
import { credentials, serveLab } from '../support/serve';
import { sshPortOf, systemSsh, waitState } from '../support/ssh';
import { tempDir } from '../support/temp';

const served = serveLab();
const workspace = tempDir('cloudlab-urls-');
let client: LambdaClient;

const FN = 'url-fn';
const ARN = `arn:aws:lambda:us-east-1:123456789012:function:${FN}`;
const URL_PATTERN = /^https:\/\/([a-z0-9]{32})\.lambda-url\.us-east-1\.on\.aws\/$/;

const CODE = {
  'index.mjs': `export const handler = async (event) => {
  switch (event.rawPath) {
    case '/custom':
      return { statusCode: 201, headers: { 'Content-Type': 'text/plain', 'My-Custom-Header': 'Custom Value' },
               cookies: ['Cookie_1=Value1; Max-Age=78000', 'Cookie_2=Value2'], body: 'created' };
    case '/string':
      return 'Hello, world!';
    case '/binary':
      return { statusCode: 200, headers: { 'content-type': 'application/octet-stream' },
               body: Buffer.from([0, 1, 2, 255]).toString('base64'), isBase64Encoded: true };
    case '/throw':
      throw new Error('boom');
    default:
      return event;
  }
};`,
};

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
}

/** An HTTP request to the listener with a function URL's Host. */
function visit(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: served().port,
        path: `${u.pathname}${u.search}`,
        method: options.method ?? 'GET',
        headers: { host: u.host, ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** What the echo route returns: the event (the members these tests read). */
interface UrlEvent {
  rawPath: string;
  queryStringParameters?: Record<string, string>;
  headers: Record<string, string>;
  requestContext: {
    accountId: string;
    requestId: string;
    time: string;
    timeEpoch: unknown;
    http: { sourceIp: string };
    authorizer?: { iam: Record<string, string> };
  };
}

let functionUrl: string;
let urlId: string;

beforeAll(async () => {
  client = lambdaClient(served().endpoint);
  await createFunction(client, FN, CODE);
});

afterAll(() => workspace.cleanup());

describe('function URL configuration', () => {
  it('creates a URL for the function, once', async () => {
    const created = await client.send(
      new CreateFunctionUrlConfigCommand({
        FunctionName: FN,
        AuthType: 'NONE',
        Cors: { AllowOrigins: ['https://example.com'], AllowMethods: ['GET', 'POST'], MaxAge: 60 },
      }),
    );
    expect(created.FunctionUrl).toMatch(URL_PATTERN);
    functionUrl = created.FunctionUrl!;
    urlId = URL_PATTERN.exec(functionUrl)![1]!;
    expect(created.FunctionArn).toBe(ARN);
    expect(created.AuthType).toBe('NONE');
    expect(created.InvokeMode).toBe('BUFFERED');
    expect(created.Cors).toEqual({
      AllowOrigins: ['https://example.com'],
      AllowMethods: ['GET', 'POST'],
      MaxAge: 60,
    });
    expect(created.CreationTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);

    const again = await client
      .send(new CreateFunctionUrlConfigCommand({ FunctionName: FN, AuthType: 'NONE' }))
      .catch((e: Error) => e);
    expect((again as Error).name).toBe('ResourceConflictException');
    expect((again as Error).message).toBe(
      `Failed to create function url config for [functionArn = ${ARN}]. Error message:  FunctionUrlConfig exists for this Lambda function`,
    );
  });

  it('gets and lists it; versions and $LATEST are not qualifiers for URLs', async () => {
    const got = await client.send(new GetFunctionUrlConfigCommand({ FunctionName: FN }));
    expect(got.FunctionUrl).toBe(functionUrl);
    expect(got.LastModifiedTime).toBe(got.CreationTime);
    const list = await client.send(new ListFunctionUrlConfigsCommand({ FunctionName: FN }));
    expect(list.FunctionUrlConfigs!.map((c) => c.FunctionUrl)).toEqual([functionUrl]);

    await client.send(new PublishVersionCommand({ FunctionName: FN }));
    const version = await client
      .send(new CreateFunctionUrlConfigCommand({ FunctionName: FN, Qualifier: '1', AuthType: 'NONE' }))
      .catch((e: Error) => e);
    expect((version as Error).name).toBe('ValidationException');
    const missingAlias = await client
      .send(new GetFunctionUrlConfigCommand({ FunctionName: FN, Qualifier: 'live' }))
      .catch((e: Error) => e);
    expect((missingAlias as Error).name).toBe('ResourceNotFoundException');
    expect((missingAlias as Error).message).toBe('The resource you requested does not exist.');

    await client.send(new CreateAliasCommand({ FunctionName: FN, Name: 'live', FunctionVersion: '1' }));
    const alias = await client.send(
      new CreateFunctionUrlConfigCommand({ FunctionName: FN, Qualifier: 'live', AuthType: 'AWS_IAM' }),
    );
    expect(alias.FunctionArn).toBe(`${ARN}:live`);
    expect(alias.FunctionUrl).not.toBe(functionUrl);
    const both = await client.send(new ListFunctionUrlConfigsCommand({ FunctionName: FN }));
    expect(both.FunctionUrlConfigs).toHaveLength(2);
  });
});

describe('invoking through the URL', () => {
  it('is forbidden until the resource policy allows everyone; unknown URLs answer 403 too', async () => {
    const closed = await visit(`${functionUrl}echo`);
    expect(closed.status).toBe(403);
    expect(closed.text).toBe('{"Message":"Forbidden"}');
    const unknown = await visit('https://aaaaaaaaaaaaaaaaaaaaaaaaaa0aaaaa.lambda-url.us-east-1.on.aws/');
    expect(unknown.status).toBe(403);
    expect(unknown.text).toBe('{"Message":null}');

    await client.send(
      new AddPermissionCommand({
        FunctionName: FN,
        StatementId: 'FunctionURLAllowPublicAccess',
        Action: 'lambda:InvokeFunctionUrl',
        Principal: '*',
        FunctionUrlAuthType: 'NONE',
      }),
    );
    const open = await visit(`${functionUrl}echo`);
    expect(open.status).toBe(200);
  });

  it('sends the payload format 2.0 event', async () => {
    const r = await visit(`${functionUrl}echo/deep?x=1&x=2&name=Jane%20Doe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: 'a=1; b=2', 'user-agent': 'tester/1.0' },
      body: '{"hello":"world"}',
    });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    const event = JSON.parse(r.text) as UrlEvent;
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/echo/deep',
      rawQueryString: 'x=1&x=2&name=Jane%20Doe',
      cookies: ['a=1', 'b=2'],
      queryStringParameters: { x: '1,2', name: 'Jane Doe' },
      body: '{"hello":"world"}',
      isBase64Encoded: false,
    });
    expect(event.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'tester/1.0',
      host: `${urlId}.lambda-url.us-east-1.on.aws`,
      'x-forwarded-proto': 'https',
    });
    expect(event.headers).not.toHaveProperty('cookie');
    expect(event.requestContext).toMatchObject({
      accountId: 'anonymous',
      apiId: urlId,
      domainName: `${urlId}.lambda-url.us-east-1.on.aws`,
      domainPrefix: urlId,
      http: { method: 'POST', path: '/echo/deep', protocol: 'HTTP/1.1', userAgent: 'tester/1.0' },
      routeKey: '$default',
      stage: '$default',
    });
    expect(event.requestContext.requestId).toBe(r.headers['x-amzn-requestid']);
    expect(event.requestContext.time).toMatch(/^\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000$/);
    expect(typeof event.requestContext.timeEpoch).toBe('number');
  });

  it('maps statusCode, headers, cookies, base64 bodies and strings', async () => {
    const custom = await visit(`${functionUrl}custom`);
    expect(custom.status).toBe(201);
    expect(custom.headers['content-type']).toBe('text/plain');
    expect(custom.headers['my-custom-header']).toBe('Custom Value');
    expect(custom.headers['set-cookie']).toEqual(['Cookie_1=Value1; Max-Age=78000', 'Cookie_2=Value2']);
    expect(custom.text).toBe('created');

    const binary = await visit(`${functionUrl}binary`);
    expect([...binary.body]).toEqual([0, 1, 2, 255]);

    const str = await visit(`${functionUrl}string`);
    expect(str.status).toBe(200);
    expect(str.headers['content-type']).toBe('application/json');
    expect(str.text).toBe('"Hello, world!"');
  });

  it('answers 502 when the function throws', async () => {
    const r = await visit(`${functionUrl}throw`);
    expect(r.status).toBe(502);
    expect(r.text).toBe('Internal Server Error');
  });

  it('answers CORS preflights and adds CORS headers for allowed origins', async () => {
    const pre = await visit(functionUrl, {
      method: 'OPTIONS',
      headers: { origin: 'https://example.com', 'access-control-request-method': 'POST' },
    });
    expect(pre.status).toBe(200);
    expect(pre.headers['access-control-allow-origin']).toBe('https://example.com');
    expect(pre.headers['access-control-allow-methods']).toBe('GET,POST');
    expect(pre.headers['access-control-max-age']).toBe('60');
    const get = await visit(`${functionUrl}string`, { headers: { origin: 'https://example.com' } });
    expect(get.headers['access-control-allow-origin']).toBe('https://example.com');
    const other = await visit(`${functionUrl}string`, { headers: { origin: 'https://evil.example' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('accepts SigV4-signed requests to AWS_IAM URLs and refuses unsigned or badly signed ones', async () => {
    const updated = await client.send(
      new UpdateFunctionUrlConfigCommand({ FunctionName: FN, AuthType: 'AWS_IAM' }),
    );
    expect(updated.AuthType).toBe('AWS_IAM');
    expect(updated.FunctionUrl).toBe(functionUrl);
    const r = await visit(`${functionUrl}echo`);
    expect(r.status).toBe(403);
    expect(r.text).toBe('{"Message":"Forbidden"}');

    const host = new URL(functionUrl).host;
    const sign = (secretAccessKey: string) =>
      new SignatureV4({
        credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey },
        region: 'us-east-1',
        service: 'lambda',
        sha256: Sha256,
      }).sign(
        new HttpRequest({
          method: 'GET',
          protocol: 'https:',
          hostname: host,
          path: '/echo',
          headers: { host },
        }),
      );
    const signed = await visit(`${functionUrl}echo`, {
      headers: (await sign(credentials.secretAccessKey)).headers,
    });
    expect(signed.status).toBe(200);
    const event = JSON.parse(signed.text) as UrlEvent;
    expect(event.requestContext.accountId).toBe('123456789012');
    expect(event.requestContext.authorizer?.iam).toMatchObject({
      accessKey: credentials.accessKeyId,
      accountId: '123456789012',
    });
    const forged = await visit(`${functionUrl}echo`, { headers: (await sign('wrong-secret')).headers });
    expect(forged.status).toBe(403);
    await client.send(new UpdateFunctionUrlConfigCommand({ FunctionName: FN, AuthType: 'NONE' }));
  });
});

describe('from inside an instance', () => {
  it('curl https://… reaches the URL with internet access; port 80 does not answer', async () => {
    const ec2 = new EC2.EC2Client({
      endpoint: served().endpoint,
      region: 'us-east-1',
      credentials,
      maxAttempts: 1,
    });
    const keyFile = join(workspace.dir, 'key.pem');
    const key = await ec2.send(new EC2.CreateKeyPairCommand({ KeyName: 'urls' }));
    writeFileSync(keyFile, key.KeyMaterial!, { mode: 0o400 });
    const groupId = (
      await ec2.send(new EC2.CreateSecurityGroupCommand({ GroupName: 'urls', Description: 'ssh' }))
    ).GroupId!;
    await ec2.send(
      new EC2.AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      }),
    );
    const out = await ec2.send(
      new EC2.RunInstancesCommand({
        ImageId: 'resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
        InstanceType: 't3.micro',
        MinCount: 1,
        MaxCount: 1,
        KeyName: 'urls',
        SecurityGroupIds: [groupId],
      }),
    );
    const instance = await waitState(ec2, out.Instances![0]!.InstanceId!, 'running');
    const run = (command: string) =>
      systemSsh(sshPortOf(served().stdout()), [
        '-i',
        keyFile,
        `ec2-user@${instance.InstanceId}@127.0.0.1`,
        command,
      ]);

    const host = `${urlId}.lambda-url.us-east-1.on.aws`;
    const r = await run(`curl -s 'https://${host}/from-instance?x=1'`);
    expect(r.code).toBe(0);
    const event = JSON.parse(r.stdout) as UrlEvent;
    expect(event.rawPath).toBe('/from-instance');
    expect(event.queryStringParameters).toEqual({ x: '1' });
    expect(event.requestContext.http.sourceIp).toBe(instance.PublicIpAddress);

    const dig = await run(`dig +short ${host}`);
    expect(dig.stdout.trim()).toMatch(/^16\.\d+\.\d+\.1\d\d$/);
    const http = await run(`curl -s -m 2 http://${host}/`);
    expect(http.code).toBe(28);
  }, 60_000);
});

describe('deleting', () => {
  it('removes the URL: Get answers ResourceNotFoundException and the URL 403', async () => {
    await client.send(new DeleteFunctionUrlConfigCommand({ FunctionName: FN }));
    const gone = await client
      .send(new GetFunctionUrlConfigCommand({ FunctionName: FN }))
      .catch((e: Error) => e);
    expect((gone as Error).name).toBe('ResourceNotFoundException');
    expect((gone as Error).message).toBe('The resource you requested does not exist.');
    const again = await client
      .send(new DeleteFunctionUrlConfigCommand({ FunctionName: FN }))
      .catch((e: Error) => e);
    expect((again as Error).name).toBe('ResourceNotFoundException');
    const r = await visit(`${functionUrl}echo`);
    expect(r.status).toBe(403);
    expect(r.text).toBe('{"Message":null}');
  });
});
