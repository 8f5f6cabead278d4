/**
 * The console's preview (`lab.browse`): a URL opened from the learner's computer goes through
 * the lab's resolver and network. A name in a public hosted zone reaches an instance's web
 * server when its security group lets the internet in; an S3 website alias in the zone serves
 * the bucket and follows its redirect; a closed port, a stopped instance and an unknown name
 * each say why nothing came back.
 */
import type * as R53 from '@aws-sdk/client-route-53';
import { describe, expect, it } from 'vitest';
import { S3_WEBSITE_ZONES } from '../../../electron/contract/s3-website';
import { browse } from '../../../electron/core/os/net/browse';
import { writeBucketConfig } from '../../../electron/core/services/s3/bucket-config';
import { s3Caller } from '../../support/s3';
import { publicReadPolicy } from '../../support/s3-policy';
import { serviceCaller } from '../../support/internal-call';
import { osLab } from './lab';
import { addresses, permission } from './net-helpers';

type Lab = Awaited<ReturnType<typeof osLab>>;

const ACCOUNT = (lab: Lab) => lab.cloud.accounts.consolePrincipal().accountId;

const route53 = (lab: Lab) => serviceCaller(() => lab.cloud, 'route53');

async function zoneWith(lab: Lab, records: unknown[]): Promise<string> {
  const r53 = route53(lab);
  const zone = await r53<R53.CreateHostedZoneResponse>('CreateHostedZone', {
    Name: 'shop.example',
    CallerReference: 'zone',
  });
  const id = zone.HostedZone!.Id!;
  await r53('ChangeResourceRecordSets', {
    HostedZoneId: id,
    ChangeBatch: { Changes: records.map((r) => ({ Action: 'CREATE', ResourceRecordSet: r })) },
  });
  return id;
}

describe('the console preview', () => {
  it('opens a name in a public zone on an instance, and says why when it cannot', async () => {
    const lab = await osLab();
    const id = await lab.launch();
    const a = await addresses(lab, id);
    (await lab.cloud.os.instance(id))!.listen({
      protocol: 'tcp',
      port: 80,
      address: '0.0.0.0',
      program: 'httpd',
      pid: 1,
      http: (req) => ({
        status: 200,
        headers: { 'Content-Type': 'text/html; charset=utf-8' },
        body: `<h1>shop</h1><p>${req.host} from ${req.remoteIp}</p>`,
      }),
    });
    await zoneWith(lab, [
      { Name: 'web.shop.example', Type: 'A', TTL: 60, ResourceRecords: [{ Value: a.publicIp }] },
      { Name: 'www.shop.example', Type: 'CNAME', TTL: 300, ResourceRecords: [{ Value: 'web.shop.example' }] },
    ]);

    // The security group does not let the internet in yet: dropped, not refused.
    const closed = await browse(lab.cloud, ACCOUNT(lab), 'us-east-1', 'http://www.shop.example/');
    expect(closed.response).toBeNull();
    expect(closed.hops[0]!.address).toBe(a.publicIp);
    expect(closed.hops[0]!.error?.kind).toBe('timeout');

    await lab.call('AuthorizeSecurityGroupIngress', {
      GroupId: a.groupId,
      IpPermissions: [permission('tcp', 80)],
    });
    const open = await browse(lab.cloud, ACCOUNT(lab), 'us-east-1', 'www.shop.example');
    expect(open.hops).toHaveLength(1);
    expect(open.hops[0]!.dns).toEqual({
      code: 'NOERROR',
      answers: [
        { name: 'www.shop.example.', type: 'CNAME', ttl: 300, value: 'web.shop.example.' },
        { name: 'web.shop.example.', type: 'A', ttl: 60, value: a.publicIp },
      ],
    });
    expect(open.response).toMatchObject({
      status: 200,
      statusText: 'OK',
      encoding: 'text',
      truncated: false,
    });
    expect(open.response!.body).toBe('<h1>shop</h1><p>www.shop.example from 203.0.113.10</p>');

    // Port 8080 open to the internet but nothing listens: refused. Stopped: dropped. Unknown
    // name: does not resolve.
    await lab.call('AuthorizeSecurityGroupIngress', {
      GroupId: a.groupId,
      IpPermissions: [permission('tcp', 8080)],
    });
    const refused = await browse(lab.cloud, ACCOUNT(lab), 'us-east-1', 'http://web.shop.example:8080/');
    expect(refused.hops[0]!.error?.kind).toBe('refused');
    const missing = await browse(lab.cloud, ACCOUNT(lab), 'us-east-1', 'http://nope.shop.example/');
    expect(missing.hops[0]).toMatchObject({ address: null, error: { kind: 'resolve' } });
    expect(missing.hops[0]!.dns!.code).toBe('NXDOMAIN');
    await lab.call('StopInstances', { InstanceIds: [id] });
    const stopped = await browse(lab.cloud, ACCOUNT(lab), 'us-east-1', 'http://web.shop.example/');
    expect(stopped.hops[0]!.error?.kind).toBe('timeout');
    const bad = await browse(lab.cloud, ACCOUNT(lab), 'us-east-1', 'ftp://web.shop.example/');
    expect(bad.hops[0]!.error?.kind).toBe('url');
  });

  it('follows an alias to an S3 website endpoint and its redirect', async () => {
    const lab = await osLab();
    const s3 = s3Caller(() => lab.cloud);
    const bucket = 'www.shop.example';
    await s3('CreateBucket', { Bucket: bucket });
    await s3('PutObject', {
      Bucket: bucket,
      Key: 'index.html',
      Body: '<h1>site</h1>',
      ContentType: 'text/html',
    });
    await s3('PutObject', { Bucket: bucket, Key: 'logo.png', Body: new Uint8Array([137, 80, 78, 71, 0, 1]) });
    await lab.cloud.store.write((tx) => {
      writeBucketConfig(tx, bucket, 'website', {
        IndexDocument: { Suffix: 'index.html' },
        RoutingRules: [{ Condition: { KeyPrefixEquals: 'old/' }, Redirect: { ReplaceKeyPrefixWith: '' } }],
      });
      writeBucketConfig(tx, bucket, 'publicAccessBlock', {});
      writeBucketConfig(tx, bucket, 'policy', JSON.stringify(publicReadPolicy(bucket)));
    });
    await zoneWith(lab, [
      {
        Name: 'www.shop.example',
        Type: 'A',
        AliasTarget: {
          HostedZoneId: S3_WEBSITE_ZONES['us-east-1'],
          DNSName: 's3-website-us-east-1.amazonaws.com',
          EvaluateTargetHealth: false,
        },
      },
    ]);

    const page = await browse(lab.cloud, ACCOUNT(lab), 'us-east-1', 'http://www.shop.example/old/index.html');
    expect(page.hops.map((h) => h.status)).toEqual([301, 200]);
    expect(page.hops[0]!.location).toBe('http://www.shop.example/index.html');
    expect(page.hops[0]!.dns!.answers[0]).toMatchObject({ name: 'www.shop.example.', type: 'A' });
    expect(page.response!.body).toBe('<h1>site</h1>');

    const image = await browse(lab.cloud, ACCOUNT(lab), 'us-east-1', 'http://www.shop.example/logo.png');
    expect(image.response).toMatchObject({ status: 200, encoding: 'base64', bytes: 6 });
    expect(Buffer.from(image.response!.body, 'base64')).toEqual(Buffer.from([137, 80, 78, 71, 0, 1]));
  });
});
