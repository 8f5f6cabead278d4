/**
 * The AWS SDK for JavaScript v3 against `cloudlab serve`: identity, Regions and zones, every
 * authentication failure, presigned URLs, and the NotImplemented answer of each protocol.
 */
import { DynamoDBClient, ListBackupsCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeAvailabilityZonesCommand,
  DescribeLaunchTemplatesCommand,
  DescribeRegionsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { LambdaClient, ListLayersCommand } from '@aws-sdk/client-lambda';
import { ListTrafficPoliciesCommand, Route53Client } from '@aws-sdk/client-route-53';
import { GetBucketAccelerateConfigurationCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { describe, expect, it } from 'vitest';
import { credentials, serveLab } from '../support/serve';
import { failure } from '../support/failure';

const served = serveLab();

const config = (over: Record<string, unknown> = {}) => ({
  endpoint: served().endpoint,
  region: 'us-east-1',
  credentials,
  maxAttempts: 1,
  ...over,
});

describe('STS', () => {
  it('GetCallerIdentity answers the account root', async () => {
    const sts = new STSClient(config());
    const out = await sts.send(new GetCallerIdentityCommand({}));
    expect(out).toMatchObject({
      UserId: '123456789012',
      Account: '123456789012',
      Arn: 'arn:aws:iam::123456789012:root',
    });
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses a wrong secret with SignatureDoesNotMatch and an unknown key with InvalidClientTokenId', async () => {
    const wrong = new STSClient(
      config({ credentials: { accessKeyId: 'test', secretAccessKey: 'not-the-secret' } }),
    );
    expect(await failure(wrong.send(new GetCallerIdentityCommand({})))).toMatchObject({
      name: 'SignatureDoesNotMatch',
      status: 403,
      message: expect.stringMatching(/^The request signature we calculated does not match/),
    });
    const unknown = new STSClient(
      config({ credentials: { accessKeyId: 'AKIANOTKNOWN', secretAccessKey: 'x' } }),
    );
    expect(await failure(unknown.send(new GetCallerIdentityCommand({})))).toMatchObject({
      name: 'InvalidClientTokenId',
      status: 403,
      message: 'The security token included in the request is invalid.',
    });
  });

  it('refuses credentials scoped to a Region that does not exist', async () => {
    const sts = new STSClient(config({ region: 'xx-nowhere-9' }));
    expect(await failure(sts.send(new GetCallerIdentityCommand({})))).toMatchObject({
      name: 'SignatureDoesNotMatch',
      message: "Credential should be scoped to a valid region, not 'xx-nowhere-9'.",
    });
  });

  it('accepts a presigned GET and refuses it once expired', async () => {
    const signer = new SignatureV4({ service: 'sts', region: 'us-east-1', credentials, sha256: Sha256 });
    const url = new URL(served().endpoint);
    const request = new HttpRequest({
      method: 'GET',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { host: url.host },
    });
    const toUrl = (r: HttpRequest) =>
      `${served().endpoint}/?${Object.entries(r.query)
        .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
        .join('&')}`;
    const ok = await fetch(toUrl((await signer.presign(request, { expiresIn: 60 })) as HttpRequest));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('<Arn>arn:aws:iam::123456789012:root</Arn>');
    const old = await signer.presign(request, { expiresIn: 60, signingDate: new Date(Date.now() - 120_000) });
    const expired = await fetch(toUrl(old as HttpRequest));
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
  });
});

describe('EC2 global infrastructure', () => {
  it('DescribeRegions lists usable Regions, all Regions with AllRegions, and filters', async () => {
    const ec2 = new EC2Client(config());
    const usable = await ec2.send(new DescribeRegionsCommand({}));
    const all = await ec2.send(new DescribeRegionsCommand({ AllRegions: true }));
    expect(all.Regions!.length).toBeGreaterThanOrEqual(30);
    expect(usable.Regions!.length).toBeLessThan(all.Regions!.length);
    expect(all.Regions!.find((r) => r.RegionName === 'eu-south-1')).toEqual({
      Endpoint: 'ec2.eu-south-1.amazonaws.com',
      RegionName: 'eu-south-1',
      OptInStatus: 'not-opted-in',
    });
    const filtered = await ec2.send(
      new DescribeRegionsCommand({
        AllRegions: true,
        Filters: [{ Name: 'opt-in-status', Values: ['not-opted-in'] }],
      }),
    );
    expect(filtered.Regions!.every((r) => r.OptInStatus === 'not-opted-in')).toBe(true);
  });

  it('DescribeAvailabilityZones answers for the Region the client is in', async () => {
    const tokyo = new EC2Client(config({ region: 'ap-northeast-1' }));
    const zones = await tokyo.send(new DescribeAvailabilityZonesCommand({}));
    expect(zones.AvailabilityZones!.map((z) => [z.ZoneName, z.ZoneId])).toEqual([
      ['ap-northeast-1a', 'apne1-az4'],
      ['ap-northeast-1c', 'apne1-az1'],
      ['ap-northeast-1d', 'apne1-az2'],
    ]);
    const all = await new EC2Client(config()).send(
      new DescribeAvailabilityZonesCommand({ AllAvailabilityZones: true }),
    );
    expect(all.AvailabilityZones!.some((z) => z.ZoneType === 'local-zone')).toBe(true);
  });

  it('answers EC2 error codes: unknown key AuthFailure, wrong secret, bad zone', async () => {
    const unknown = new EC2Client(
      config({ credentials: { accessKeyId: 'AKIANOTKNOWN', secretAccessKey: 'x' } }),
    );
    expect(await failure(unknown.send(new DescribeRegionsCommand({})))).toMatchObject({
      name: 'AuthFailure',
      status: 401,
      message: 'AWS was not able to validate the provided access credentials',
    });
    const wrong = new EC2Client(config({ credentials: { accessKeyId: 'test', secretAccessKey: 'nope' } }));
    expect(await failure(wrong.send(new DescribeRegionsCommand({})))).toMatchObject({
      name: 'SignatureDoesNotMatch',
      status: 403,
    });
    const ec2 = new EC2Client(config());
    expect(
      await failure(ec2.send(new DescribeAvailabilityZonesCommand({ ZoneNames: ['us-east-1z'] }))),
    ).toMatchObject({
      name: 'InvalidParameterValue',
      message: 'Invalid availability zone: [us-east-1z]',
      status: 400,
    });
  });
});

describe('operations that are not simulated yet', () => {
  const cases: Array<[string, () => Promise<unknown>, string]> = [
    [
      'ec2 (ec2 protocol)',
      () => new EC2Client(config()).send(new DescribeLaunchTemplatesCommand({})),
      'DescribeLaunchTemplates',
    ],
    ['dynamodb (json)', () => new DynamoDBClient(config()).send(new ListBackupsCommand({})), 'ListBackups'],
    ['lambda (rest-json)', () => new LambdaClient(config()).send(new ListLayersCommand({})), 'ListLayers'],
    [
      'route53 (rest-xml)',
      () => new Route53Client(config()).send(new ListTrafficPoliciesCommand({})),
      'ListTrafficPolicies',
    ],
    [
      's3 (rest-xml)',
      () =>
        new S3Client(config({ forcePathStyle: true })).send(
          new GetBucketAccelerateConfigurationCommand({ Bucket: 'photos' }),
        ),
      'GetBucketAccelerateConfiguration',
    ],
  ];
  for (const [label, run, operation] of cases) {
    it(`answer NotImplemented naming the operation: ${label}`, async () => {
      const e = await failure(run());
      expect(e).toMatchObject({ name: 'NotImplemented', status: 501 });
      expect(e.message).toContain(operation);
    });
  }

  it('verify S3 presigned URLs before answering', async () => {
    const s3 = new S3Client(config({ forcePathStyle: true }));
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'photos', Key: 'cat 1.jpg' }), {
      expiresIn: 60,
    });
    const ok = await fetch(url);
    expect(ok.status).toBe(404); // signature accepted; the bucket does not exist
    expect(await ok.text()).toContain('<Code>NoSuchBucket</Code>');
    const tampered = await fetch(url.replace('cat%201.jpg', 'dog.jpg'));
    expect(tampered.status).toBe(403);
    expect(await tampered.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
  });
});
