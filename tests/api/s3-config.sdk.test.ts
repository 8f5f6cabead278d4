/**
 * S3 bucket configuration through the AWS SDK for JavaScript v3 against `cloudlab serve`: each
 * subresource round-trips and fails as S3 fails; anonymous access (refused by default, allowed
 * by a public policy once Block Public Access is off); presigned URLs; CORS preflights.
 */
import {
  CreateBucketCommand,
  DeleteBucketCorsCommand,
  DeleteBucketLifecycleCommand,
  DeleteBucketPolicyCommand,
  DeleteBucketTaggingCommand,
  DeleteBucketWebsiteCommand,
  DeletePublicAccessBlockCommand,
  GetBucketAclCommand,
  GetBucketCorsCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketNotificationConfigurationCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  GetBucketTaggingCommand,
  GetBucketWebsiteCommand,
  GetObjectCommand,
  GetPublicAccessBlockCommand,
  PutBucketAclCommand,
  PutBucketCorsCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketNotificationConfigurationCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutBucketWebsiteCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { beforeAll, describe, expect, it } from 'vitest';
import { AddPermissionCommand } from '@aws-sdk/client-lambda';
import { failure } from '../support/failure';
import { createFunction, lambdaClient } from '../support/lambda';
import { s3Client } from '../support/s3';
import { publicReadPolicy } from '../support/s3-policy';
import { serveLab } from '../support/serve';

const served = serveLab();
let s3: S3Client;

beforeAll(async () => {
  s3 = s3Client(served().endpoint);
  for (const Bucket of ['cfg-bucket', 'public-site', 'cors-bucket', 'presigned-bucket'])
    await s3.send(new CreateBucketCommand({ Bucket }));
});

const publicRead = (bucket: string) => JSON.stringify(publicReadPolicy(bucket));

describe('tagging', () => {
  it('round-trips, replaces, deletes; NoSuchTagSet without tags', async () => {
    expect(await failure(s3.send(new GetBucketTaggingCommand({ Bucket: 'cfg-bucket' })))).toMatchObject({
      name: 'NoSuchTagSet',
      message: 'The TagSet does not exist',
      status: 404,
    });
    const TagSet = [
      { Key: 'team', Value: 'web' },
      { Key: 'env', Value: 'lab' },
    ];
    await s3.send(new PutBucketTaggingCommand({ Bucket: 'cfg-bucket', Tagging: { TagSet } }));
    expect((await s3.send(new GetBucketTaggingCommand({ Bucket: 'cfg-bucket' }))).TagSet).toEqual(TagSet);
    await s3.send(new DeleteBucketTaggingCommand({ Bucket: 'cfg-bucket' }));
    expect(await failure(s3.send(new GetBucketTaggingCommand({ Bucket: 'cfg-bucket' })))).toMatchObject({
      name: 'NoSuchTagSet',
    });
  });

  it('refuses duplicate keys and system tags with InvalidTag', async () => {
    const dup = [
      { Key: 'a', Value: '1' },
      { Key: 'a', Value: '2' },
    ];
    expect(
      await failure(s3.send(new PutBucketTaggingCommand({ Bucket: 'cfg-bucket', Tagging: { TagSet: dup } }))),
    ).toMatchObject({
      name: 'InvalidTag',
      message: 'Cannot provide multiple Tags with the same key',
      status: 400,
    });
    expect(
      await failure(
        s3.send(
          new PutBucketTaggingCommand({
            Bucket: 'cfg-bucket',
            Tagging: { TagSet: [{ Key: 'aws:owner', Value: 'x' }] },
          }),
        ),
      ),
    ).toMatchObject({ name: 'InvalidTag' });
  });
});

describe('public access block and policy', () => {
  it('a new bucket blocks all public access; a public policy is refused while it does', async () => {
    const pab = await s3.send(new GetPublicAccessBlockCommand({ Bucket: 'cfg-bucket' }));
    expect(pab.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
    const refused = await failure(
      s3.send(new PutBucketPolicyCommand({ Bucket: 'cfg-bucket', Policy: publicRead('cfg-bucket') })),
    );
    expect(refused).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(refused.message).toBe(
      'User: arn:aws:iam::000000000000:root is not authorized to perform: s3:PutBucketPolicy on resource: "arn:aws:s3:::cfg-bucket" because public policies are blocked by the BlockPublicPolicy block public access setting.'.replace(
        '000000000000',
        refused.message.match(/iam::(\d{12})/)?.[1] ?? '',
      ),
    );
    expect(await failure(s3.send(new GetBucketPolicyCommand({ Bucket: 'cfg-bucket' })))).toMatchObject({
      name: 'NoSuchBucketPolicy',
      message: 'The bucket policy does not exist',
      status: 404,
    });
  });

  it('Put/Get/Delete round-trip; deleting leaves no configuration', async () => {
    await s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: 'cfg-bucket',
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: false },
      }),
    );
    expect(
      (await s3.send(new GetPublicAccessBlockCommand({ Bucket: 'cfg-bucket' })))
        .PublicAccessBlockConfiguration,
    ).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: false,
      BlockPublicPolicy: false,
      RestrictPublicBuckets: false,
    });
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: 'cfg-bucket' }));
    expect(await failure(s3.send(new GetPublicAccessBlockCommand({ Bucket: 'cfg-bucket' })))).toMatchObject({
      name: 'NoSuchPublicAccessBlockConfiguration',
      message: 'The public access block configuration was not found',
      status: 404,
    });
  });

  it('validates the policy with MalformedPolicy and S3 texts', async () => {
    const put = (Policy: string) =>
      failure(s3.send(new PutBucketPolicyCommand({ Bucket: 'cfg-bucket', Policy })));
    const statement = (s: Record<string, unknown>) =>
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', ...s }] });
    expect(await put('not json')).toMatchObject({
      name: 'MalformedPolicy',
      message: "Policies must be valid JSON and the first byte must be '{'",
      status: 400,
    });
    expect(await put('{"Statement": [')).toMatchObject({ message: 'This policy contains invalid Json' });
    expect(
      await put(statement({ Action: 's3:GetObject', Resource: 'arn:aws:s3:::another-bucket/*' })),
    ).toMatchObject({ message: 'Policy has invalid resource' });
    expect(
      await put(
        JSON.stringify({
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: 'nobody' },
              Action: 's3:GetObject',
              Resource: 'arn:aws:s3:::cfg-bucket/*',
            },
          ],
        }),
      ),
    ).toMatchObject({ message: 'Invalid principal in policy' });
    expect(
      await put(statement({ Action: 's3:GetObject', Resource: 'arn:aws:s3:::cfg-bucket' })),
    ).toMatchObject({
      message: 'Action does not apply to any resource(s) in statement',
    });
    expect(await put(statement({ Action: 's3:Fly', Resource: 'arn:aws:s3:::cfg-bucket/*' }))).toMatchObject({
      message: 'Policy has invalid action',
    });
  });

  it('policy round-trips as sent, with its status', async () => {
    const policy = publicRead('cfg-bucket');
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'cfg-bucket', Policy: policy }));
    expect((await s3.send(new GetBucketPolicyCommand({ Bucket: 'cfg-bucket' }))).Policy).toBe(policy);
    expect((await s3.send(new GetBucketPolicyStatusCommand({ Bucket: 'cfg-bucket' }))).PolicyStatus).toEqual({
      IsPublic: true,
    });
    await s3.send(new DeleteBucketPolicyCommand({ Bucket: 'cfg-bucket' }));
    expect(await failure(s3.send(new GetBucketPolicyCommand({ Bucket: 'cfg-bucket' })))).toMatchObject({
      name: 'NoSuchBucketPolicy',
    });
  });
});

describe('ACLs', () => {
  it('reads the owner FULL_CONTROL; public canned ACLs are blocked, others not supported', async () => {
    const acl = await s3.send(new GetBucketAclCommand({ Bucket: 'public-site' }));
    expect(acl.Owner?.ID).toMatch(/^[0-9a-f]{64}$/);
    expect(acl.Grants).toEqual([
      {
        Grantee: { Type: 'CanonicalUser', ID: acl.Owner!.ID, DisplayName: acl.Owner!.DisplayName },
        Permission: 'FULL_CONTROL',
      },
    ]);
    const blocked = await failure(
      s3.send(new PutBucketAclCommand({ Bucket: 'public-site', ACL: 'public-read' })),
    );
    expect(blocked).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(blocked.message).toContain('because public ACLs are prevented by the BlockPublicAcls setting');
    expect(
      await failure(s3.send(new PutBucketAclCommand({ Bucket: 'public-site', ACL: 'private' }))),
    ).toMatchObject({
      name: 'AccessControlListNotSupported',
      message: 'The bucket does not allow ACLs',
      status: 400,
    });
    // The owner-only ACL, as a body, is what a bucket with ACLs disabled accepts.
    await s3.send(
      new PutBucketAclCommand({
        Bucket: 'public-site',
        AccessControlPolicy: { Owner: acl.Owner, Grants: acl.Grants },
      }),
    );
  });
});

describe('ACLs on a bucket that enables them', () => {
  it('public-read lets anyone list once Block Public Access is off; IgnorePublicAcls takes it back', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'acl-bucket', ObjectOwnership: 'ObjectWriter' }));
    await s3.send(new PutObjectCommand({ Bucket: 'acl-bucket', Key: 'a.txt', Body: 'a' }));
    const list = () => fetch(`${served().endpoint}/acl-bucket?list-type=2`);
    expect((await list()).status).toBe(403);
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: 'acl-bucket' }));
    await s3.send(new PutBucketAclCommand({ Bucket: 'acl-bucket', ACL: 'public-read' }));
    const acl = await s3.send(new GetBucketAclCommand({ Bucket: 'acl-bucket' }));
    expect(acl.Grants).toContainEqual({
      Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/global/AllUsers' },
      Permission: 'READ',
    });
    const listed = await list();
    expect(listed.status).toBe(200);
    expect(await listed.text()).toContain('<Key>a.txt</Key>');
    // Bucket READ lists; it does not let anyone read the objects.
    expect((await fetch(`${served().endpoint}/acl-bucket/a.txt`)).status).toBe(403);
    await s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: 'acl-bucket',
        PublicAccessBlockConfiguration: { IgnorePublicAcls: true },
      }),
    );
    expect((await list()).status).toBe(403);
  });
});

describe('anonymous access', () => {
  const url = (path: string) => `${served().endpoint}/${path}`;

  it('is refused by default, allowed after deleting the block and putting a public-read policy', async () => {
    await s3.send(
      new PutObjectCommand({
        Bucket: 'public-site',
        Key: 'index.html',
        Body: '<h1>hi</h1>',
        ContentType: 'text/html',
      }),
    );
    const denied = await fetch(url('public-site/index.html'));
    expect(denied.status).toBe(403);
    const xml = await denied.text();
    expect(xml).toContain('<Code>AccessDenied</Code>');
    expect(xml).toContain('<Message>Access Denied</Message>');

    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: 'public-site' }));
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'public-site', Policy: publicRead('public-site') }));
    const ok = await fetch(url('public-site/index.html'));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('text/html');
    expect(await ok.text()).toBe('<h1>hi</h1>');
    expect((await fetch(url('public-site/index.html'), { method: 'HEAD' })).status).toBe(200);
  });

  it('answers 403 for a missing key without s3:ListBucket, listing and writing stay denied', async () => {
    expect((await fetch(url('public-site/nope.html'))).status).toBe(403);
    expect((await fetch(url('public-site?list-type=2'))).status).toBe(403);
    expect((await fetch(url('public-site/new.txt'), { method: 'PUT', body: 'x' })).status).toBe(403);
    expect((await fetch(url('no-such-bucket-anywhere/x'))).status).toBe(404);
  });

  it('lists and writes when the policy allows it; RestrictPublicBuckets takes it back', async () => {
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: ['s3:GetObject', 's3:PutObject'],
          Resource: 'arn:aws:s3:::public-site/*',
        },
        { Effect: 'Allow', Principal: '*', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::public-site' },
        {
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::public-site/private/*',
        },
      ],
    });
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'public-site', Policy: policy }));
    const put = await fetch(url('public-site/private/drop.txt'), { method: 'PUT', body: 'dropped' });
    expect(put.status).toBe(200);
    const list = await fetch(url('public-site?list-type=2'));
    expect(list.status).toBe(200);
    const body = await list.text();
    expect(body).toContain('<Key>index.html</Key>');
    expect(body).toContain('<Key>private/drop.txt</Key>');
    expect((await fetch(url('public-site/private/drop.txt'))).status).toBe(403);
    expect((await fetch(url('public-site/missing.txt'))).status).toBe(404);
    const obj = await s3.send(new GetObjectCommand({ Bucket: 'public-site', Key: 'private/drop.txt' }));
    expect(await obj.Body!.transformToString()).toBe('dropped');

    await s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: 'public-site',
        PublicAccessBlockConfiguration: { RestrictPublicBuckets: true },
      }),
    );
    expect((await fetch(url('public-site/index.html'))).status).toBe(403);
  });
});

describe('presigned URLs', () => {
  it('GET and PUT work, and answer S3 once expired', async () => {
    const put = await getSignedUrl(s3, new PutObjectCommand({ Bucket: 'presigned-bucket', Key: 'up.txt' }), {
      expiresIn: 300,
    });
    expect((await fetch(put, { method: 'PUT', body: 'via presigned PUT' })).status).toBe(200);
    const get = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'presigned-bucket', Key: 'up.txt' }), {
      expiresIn: 300,
    });
    const got = await fetch(get);
    expect(got.status).toBe(200);
    expect(await got.text()).toBe('via presigned PUT');

    const old = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'presigned-bucket', Key: 'up.txt' }), {
      expiresIn: 60,
      signingDate: new Date(Date.now() - 5 * 60_000),
    });
    const expired = await fetch(old);
    expect(expired.status).toBe(403);
    const xml = await expired.text();
    expect(xml).toContain('<Code>AccessDenied</Code>');
    expect(xml).toContain('<Message>Request has expired</Message>');
    expect(xml).toContain('<X-Amz-Expires>60</X-Amz-Expires>');
    expect(xml).toMatch(/<Expires>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ<\/Expires>/);
    expect(xml).toMatch(/<ServerTime>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ<\/ServerTime>/);
  });

  it('refuses an expiry over a week', async () => {
    const url = new URL(
      await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'presigned-bucket', Key: 'up.txt' }), {
        expiresIn: 60,
      }),
    );
    url.searchParams.set('X-Amz-Expires', '604801');
    const r = await fetch(url);
    expect(r.status).toBe(400);
    const xml = await r.text();
    expect(xml).toContain('<Code>AuthorizationQueryParametersError</Code>');
    expect(xml).toContain(
      'X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds',
    );
  });
});

describe('CORS', () => {
  const preflight = (path: string, origin: string, method: string, headers?: string) =>
    fetch(`${served().endpoint}/${path}`, {
      method: 'OPTIONS',
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': method,
        ...(headers ? { 'Access-Control-Request-Headers': headers } : {}),
      },
    });

  it('round-trips, validates and deletes the configuration', async () => {
    expect(await failure(s3.send(new GetBucketCorsCommand({ Bucket: 'cors-bucket' })))).toMatchObject({
      name: 'NoSuchCORSConfiguration',
      message: 'The CORS configuration does not exist',
      status: 404,
    });
    expect(
      await failure(
        s3.send(
          new PutBucketCorsCommand({
            Bucket: 'cors-bucket',
            CORSConfiguration: { CORSRules: [{ AllowedMethods: ['PATCH'], AllowedOrigins: ['*'] }] },
          }),
        ),
      ),
    ).toMatchObject({
      name: 'InvalidRequest',
      message: 'Found unsupported HTTP method in CORS config. Unsupported method is PATCH',
    });
    const CORSRules = [
      {
        AllowedOrigins: ['https://app.example.com'],
        AllowedMethods: ['GET', 'PUT'],
        AllowedHeaders: ['content-type', 'x-amz-*'],
        ExposeHeaders: ['ETag'],
        MaxAgeSeconds: 3000,
      },
    ];
    await s3.send(new PutBucketCorsCommand({ Bucket: 'cors-bucket', CORSConfiguration: { CORSRules } }));
    expect((await s3.send(new GetBucketCorsCommand({ Bucket: 'cors-bucket' }))).CORSRules).toEqual(CORSRules);
  });

  it('answers preflights per the rules and adds headers to matching answers', async () => {
    const ok = await preflight(
      'cors-bucket/file.txt',
      'https://app.example.com',
      'PUT',
      'Content-Type, X-Amz-Date',
    );
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(ok.headers.get('access-control-allow-methods')).toBe('GET, PUT');
    expect(ok.headers.get('access-control-allow-headers')).toBe('content-type, x-amz-date');
    expect(ok.headers.get('access-control-expose-headers')).toBe('ETag');
    expect(ok.headers.get('access-control-max-age')).toBe('3000');

    const no = await preflight('cors-bucket/file.txt', 'https://evil.example.com', 'GET');
    expect(no.status).toBe(403);
    const xml = await no.text();
    expect(xml).toContain('<Code>AccessForbidden</Code>');
    expect(xml).toContain('<Message>CORSResponse: This CORS request is not allowed.');
    expect(xml).toContain('<Method>GET</Method>');
    expect(xml).toContain('<ResourceType>OBJECT</ResourceType>');

    const noMethod = await fetch(`${served().endpoint}/cors-bucket/file.txt`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://app.example.com' },
    });
    expect(noMethod.status).toBe(400);
    expect(await noMethod.text()).toContain('<Message>Invalid Access-Control-Request-Method: null</Message>');

    const none = await preflight('cfg-bucket/x', 'https://app.example.com', 'GET');
    expect(none.status).toBe(403);
    expect(await none.text()).toContain('CORSResponse: CORS is not enabled for this bucket.');

    await s3.send(new PutObjectCommand({ Bucket: 'cors-bucket', Key: 'file.txt', Body: 'cors' }));
    const withOrigin = s3Client(served().endpoint);
    withOrigin.middlewareStack.add(
      (next) => async (args) => {
        (args.request as { headers: Record<string, string> }).headers['origin'] = 'https://app.example.com';
        const out = await next(args);
        const headers = (out.response as { headers: Record<string, string> }).headers;
        expect(headers['access-control-allow-origin']).toBe('https://app.example.com');
        expect(headers['access-control-expose-headers']).toBe('ETag');
        return out;
      },
      { step: 'finalizeRequest' },
    );
    await withOrigin.send(new GetObjectCommand({ Bucket: 'cors-bucket', Key: 'file.txt' }));

    await s3.send(new DeleteBucketCorsCommand({ Bucket: 'cors-bucket' }));
    expect(await failure(s3.send(new GetBucketCorsCommand({ Bucket: 'cors-bucket' })))).toMatchObject({
      name: 'NoSuchCORSConfiguration',
    });
  });
});

describe('website', () => {
  it('round-trips and validates the configuration', async () => {
    expect(await failure(s3.send(new GetBucketWebsiteCommand({ Bucket: 'cfg-bucket' })))).toMatchObject({
      name: 'NoSuchWebsiteConfiguration',
      message: 'The specified bucket does not have a website configuration',
      status: 404,
    });
    const WebsiteConfiguration = {
      IndexDocument: { Suffix: 'index.html' },
      ErrorDocument: { Key: 'error.html' },
    };
    await s3.send(new PutBucketWebsiteCommand({ Bucket: 'cfg-bucket', WebsiteConfiguration }));
    expect(await s3.send(new GetBucketWebsiteCommand({ Bucket: 'cfg-bucket' }))).toMatchObject(
      WebsiteConfiguration,
    );
    expect(
      await failure(
        s3.send(
          new PutBucketWebsiteCommand({
            Bucket: 'cfg-bucket',
            WebsiteConfiguration: { IndexDocument: { Suffix: 'a/index.html' } },
          }),
        ),
      ),
    ).toMatchObject({ name: 'InvalidArgument', message: 'The IndexDocument Suffix is not well formed' });
    expect(
      await failure(
        s3.send(
          new PutBucketWebsiteCommand({
            Bucket: 'cfg-bucket',
            WebsiteConfiguration: {
              IndexDocument: { Suffix: 'index.html' },
              RedirectAllRequestsTo: { HostName: 'example.com' },
            },
          }),
        ),
      ),
    ).toMatchObject({
      name: 'InvalidArgument',
      message: 'RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules.',
    });
    await s3.send(new DeleteBucketWebsiteCommand({ Bucket: 'cfg-bucket' }));
    expect(await failure(s3.send(new GetBucketWebsiteCommand({ Bucket: 'cfg-bucket' })))).toMatchObject({
      name: 'NoSuchWebsiteConfiguration',
    });
  });
});

describe('lifecycle', () => {
  const put = (Rules: unknown[]) =>
    s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: 'cfg-bucket',
        LifecycleConfiguration: { Rules: Rules as never },
      }),
    );

  it('round-trips rules and gives an ID to a rule without one', async () => {
    expect(
      await failure(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: 'cfg-bucket' }))),
    ).toMatchObject({
      name: 'NoSuchLifecycleConfiguration',
      message: 'The lifecycle configuration does not exist',
      status: 404,
    });
    await put([
      {
        ID: 'archive-logs',
        Status: 'Enabled',
        Filter: { Prefix: 'logs/' },
        Transitions: [
          { Days: 30, StorageClass: 'STANDARD_IA' },
          { Days: 90, StorageClass: 'GLACIER' },
        ],
        Expiration: { Days: 365 },
        NoncurrentVersionExpiration: { NoncurrentDays: 30 },
      },
      { Status: 'Enabled', Filter: {}, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } },
    ]);
    const got = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: 'cfg-bucket' }));
    expect(got.Rules![0]).toMatchObject({
      ID: 'archive-logs',
      Status: 'Enabled',
      Filter: { Prefix: 'logs/' },
      Transitions: [
        { Days: 30, StorageClass: 'STANDARD_IA' },
        { Days: 90, StorageClass: 'GLACIER' },
      ],
      Expiration: { Days: 365 },
    });
    expect(got.Rules![1]!.ID).toMatch(/^[A-Za-z0-9+/=]{48}$/);
    await s3.send(new DeleteBucketLifecycleCommand({ Bucket: 'cfg-bucket' }));
    expect(
      await failure(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: 'cfg-bucket' }))),
    ).toMatchObject({ name: 'NoSuchLifecycleConfiguration' });
  });

  it('refuses invalid rules with S3 codes and texts', async () => {
    expect(
      await failure(
        put([
          { ID: 'x', Status: 'Enabled', Filter: { Prefix: '' }, Expiration: { Days: 1 } },
          { ID: 'x', Status: 'Enabled', Filter: { Prefix: 'a' }, Expiration: { Days: 1 } },
        ]),
      ),
    ).toMatchObject({
      name: 'InvalidArgument',
      message: 'Rule ID must be unique. Found same ID for more than one rule',
    });
    expect(
      await failure(
        put([{ Status: 'Enabled', Filter: {}, Transitions: [{ Days: 10, StorageClass: 'STANDARD_IA' }] }]),
      ),
    ).toMatchObject({
      name: 'InvalidArgument',
      message:
        "'Days' in Transition action must be greater than or equal to 30 for storageClass 'STANDARD_IA'",
    });
    expect(await failure(put([{ Status: 'Enabled', Filter: {}, Expiration: { Days: 0 } }]))).toMatchObject({
      name: 'InvalidArgument',
      message: "'Days' for Expiration action must be a positive integer",
    });
    expect(
      await failure(
        put([{ Status: 'Enabled', Filter: {}, Expiration: { Date: new Date('2030-01-01T12:00:00Z') } }]),
      ),
    ).toMatchObject({ name: 'InvalidArgument', message: "'Date' must be at midnight GMT" });
    expect(await failure(put([{ Status: 'Enabled', Expiration: { Days: 1 } }]))).toMatchObject({
      name: 'MalformedXML',
      status: 400,
    });
    expect(await failure(put([{ Status: 'Enabled', Filter: {} }]))).toMatchObject({
      name: 'InvalidRequest',
      message: 'At least one action needs to be specified in a rule',
    });
  });
});

describe('notifications', () => {
  it('answers an empty configuration, stores Lambda destinations, validates events', async () => {
    const empty = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: 'cfg-bucket' }));
    expect(empty.LambdaFunctionConfigurations).toBeUndefined();
    const arn = 'arn:aws:lambda:us-east-1:123456789012:function:thumbnails';
    const lambda = lambdaClient(served().endpoint);
    await createFunction(lambda, 'thumbnails', { 'index.mjs': 'export const handler = async () => null;' });
    const thumbs = {
      Id: 'thumbs',
      LambdaFunctionArn: arn,
      Events: ['s3:ObjectCreated:*' as const],
      Filter: { Key: { FilterRules: [{ Name: 'prefix' as const, Value: 'images/' }] } },
    };
    // S3 first checks that the function lets S3 invoke it.
    expect(
      await failure(
        s3.send(
          new PutBucketNotificationConfigurationCommand({
            Bucket: 'cfg-bucket',
            NotificationConfiguration: { LambdaFunctionConfigurations: [thumbs] },
          }),
        ),
      ),
    ).toMatchObject({
      name: 'InvalidArgument',
      status: 400,
      message: 'Unable to validate the following destination configurations',
    });
    await lambda.send(
      new AddPermissionCommand({
        FunctionName: 'thumbnails',
        StatementId: 's3-cfg-bucket',
        Action: 'lambda:InvokeFunction',
        Principal: 's3.amazonaws.com',
        SourceArn: 'arn:aws:s3:::cfg-bucket',
      }),
    );
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: 'cfg-bucket',
        NotificationConfiguration: {
          LambdaFunctionConfigurations: [
            {
              Id: 'thumbs',
              LambdaFunctionArn: arn,
              Events: ['s3:ObjectCreated:*'],
              Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'images/' }] } },
            },
          ],
        },
      }),
    );
    const got = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: 'cfg-bucket' }));
    expect(got.LambdaFunctionConfigurations).toEqual([
      {
        Id: 'thumbs',
        LambdaFunctionArn: arn,
        Events: ['s3:ObjectCreated:*'],
        Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'images/' }] } },
      },
    ]);
    expect(
      await failure(
        s3.send(
          new PutBucketNotificationConfigurationCommand({
            Bucket: 'cfg-bucket',
            NotificationConfiguration: {
              LambdaFunctionConfigurations: [{ LambdaFunctionArn: arn, Events: ['s3:ObjectMade' as never] }],
            },
          }),
        ),
      ),
    ).toMatchObject({ name: 'InvalidArgument', message: 'The event is not supported for notifications' });
    expect(
      await failure(
        s3.send(
          new PutBucketNotificationConfigurationCommand({
            Bucket: 'cfg-bucket',
            NotificationConfiguration: {
              QueueConfigurations: [
                { QueueArn: 'arn:aws:sqs:us-east-1:queue', Events: ['s3:ObjectRemoved:*'] },
              ],
            },
          }),
        ),
      ),
    ).toMatchObject({
      name: 'InvalidArgument',
      message: 'The ARN is not well formed',
    });
  });
});
