import { describe, expect, it } from 'vitest';
import { osLab } from './lab';

const IMDS = 'http://169.254.169.254/latest';
const TOKEN = `curl -s -X PUT ${IMDS}/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 21600'`;

describe('instance metadata service', () => {
  it('serves IMDSv1 and IMDSv2 when tokens are optional', async () => {
    const lab = await osLab();
    const id = await lab.launch({
      MetadataOptions: { HttpTokens: 'optional' },
      UserData: Buffer.from('#!/bin/bash\necho hi\n').toString('base64'),
    });
    const sh = await lab.shell(id);
    const i = await lab.instance(id);
    expect((await sh.run(`curl -s ${IMDS}/meta-data/instance-id`)).stdout).toBe(id);
    const listing = (await sh.run(`curl -s ${IMDS}/meta-data/`)).stdout.split('\n');
    expect(listing).toEqual(
      expect.arrayContaining(['ami-id', 'instance-id', 'placement/', 'network/', 'public-ipv4']),
    );
    expect(listing).not.toContain('iam/');
    const token = (await sh.run(TOKEN)).stdout;
    expect(token.length).toBeGreaterThan(40);
    const get = (path: string) => sh.run(`curl -s -H "X-aws-ec2-metadata-token: ${token}" ${IMDS}/${path}`);
    expect((await get('meta-data/local-ipv4')).stdout).toBe(i.PrivateIpAddress);
    expect((await get('meta-data/public-ipv4')).stdout).toBe(i.PublicIpAddress);
    expect((await get('meta-data/instance-type')).stdout).toBe('t3.micro');
    expect((await get('meta-data/placement/availability-zone')).stdout).toBe(i.Placement!.AvailabilityZone);
    expect((await get('meta-data/placement/region')).stdout).toBe('us-east-1');
    expect((await get('meta-data/placement/availability-zone-id')).stdout).toMatch(/^use1-az\d$/);
    expect((await get('meta-data/local-hostname')).stdout).toBe(i.PrivateDnsName);
    expect((await get('meta-data/mac')).stdout).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
    expect((await get('meta-data/security-groups')).stdout).toBe('default');
    expect((await get('meta-data/block-device-mapping/')).stdout).toBe('ami\nroot');
    expect((await get('user-data')).stdout).toBe('#!/bin/bash\necho hi\n');
    const doc = JSON.parse((await get('dynamic/instance-identity/document')).stdout) as Record<
      string,
      unknown
    >;
    expect(doc).toMatchObject({
      instanceId: id,
      region: 'us-east-1',
      accountId: '123456789012',
      instanceType: 't3.micro',
    });
    const bad = await sh.run(
      `curl -s -o /dev/null -w '%{http_code}' -H 'X-aws-ec2-metadata-token: nope' ${IMDS}/meta-data/`,
    );
    expect(bad.stdout).toBe('401');
    expect((await sh.run(`curl -s -w '%{http_code}' -o /dev/null ${IMDS}/meta-data/iam/info`)).stdout).toBe(
      '404',
    );
  });

  it('requires a token when HttpTokens is required, and checks the TTL', async () => {
    const lab = await osLab();
    const id = await lab.launch({ MetadataOptions: { HttpTokens: 'required' } });
    const sh = await lab.shell(id);
    const v1 = await sh.run(`curl -s -i ${IMDS}/meta-data/instance-id`);
    expect(v1.stdout).toMatch(/^HTTP\/1\.1 401 Unauthorized\r\n/);
    expect(v1.stdout).toContain('<title>401 - Unauthorized</title>');
    for (const ttl of ['0', '21601', 'abc']) {
      const r = await sh.run(
        `curl -s -o /dev/null -w '%{http_code}' -X PUT ${IMDS}/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: ${ttl}'`,
      );
      expect(r.stdout).toBe('400');
    }
    const token = (
      await sh.run(`curl -s -X PUT ${IMDS}/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 60'`)
    ).stdout;
    const ask = () =>
      sh.run(
        `curl -s -w ' %{http_code}' -H "X-aws-ec2-metadata-token: ${token}" ${IMDS}/meta-data/instance-id`,
      );
    expect((await ask()).stdout).toBe(`${id} 200`);
    // Tokens expire on the simulated clock.
    lab.cloud.clock.advance(61_000);
    expect((await ask()).stdout).toMatch(/ 401$/);
  });

  it('hands out role credentials for an instance profile', async () => {
    const lab = await osLab();
    const id = await lab.launch({
      IamInstanceProfile: { Name: 'web-role' },
      MetadataOptions: { HttpTokens: 'optional' },
    });
    const sh = await lab.shell(id);
    expect((await sh.run(`curl -s ${IMDS}/meta-data/iam/security-credentials/`)).stdout).toBe('web-role');
    const info = JSON.parse((await sh.run(`curl -s ${IMDS}/meta-data/iam/info`)).stdout) as Record<
      string,
      string
    >;
    expect(info.InstanceProfileArn).toBe('arn:aws:iam::123456789012:instance-profile/web-role');
    const creds = JSON.parse(
      (await sh.run(`curl -s ${IMDS}/meta-data/iam/security-credentials/web-role`)).stdout,
    ) as Record<string, string>;
    expect(creds.Code).toBe('Success');
    expect(creds.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(creds.Token!.length).toBeGreaterThan(100);
    const expires = Date.parse(creds.Expiration!);
    expect(expires - lab.cloud.clock.now()).toBeGreaterThan(5 * 3_600_000);
  });
});
