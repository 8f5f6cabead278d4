/**
 * The real AWS CLI (Debian's v2) against `cloudlab serve`: what learners type.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws, hasAwsCli } from '../support/aws-cli';
import { serve, type Served } from '../support/serve';

let lab: Served;
beforeAll(async () => {
  if (!hasAwsCli())
    throw new Error('The AWS CLI is not installed; .ci/run installs it with apt-get (awscli).');
  lab = await serve();
});
afterAll(async () => {
  await lab?.stop();
  lab?.cleanup();
});

describe('aws CLI', () => {
  it('aws sts get-caller-identity', () => {
    const r = aws(lab.endpoint, ['sts', 'get-caller-identity']);
    expect(r.stderr).toBe('');
    expect(r.json()).toEqual({
      UserId: '123456789012',
      Account: '123456789012',
      Arn: 'arn:aws:iam::123456789012:root',
    });
  });

  it('aws ec2 describe-regions, with --all-regions, --filters and --query', () => {
    const usable = aws(lab.endpoint, ['ec2', 'describe-regions']).json() as {
      Regions: Array<{ RegionName: string }>;
    };
    const all = aws(lab.endpoint, ['ec2', 'describe-regions', '--all-regions']).json() as {
      Regions: unknown[];
    };
    expect(all.Regions.length).toBeGreaterThanOrEqual(30);
    expect(usable.Regions.map((r) => r.RegionName)).toContain('eu-west-1');
    expect(usable.Regions.map((r) => r.RegionName)).not.toContain('af-south-1');
    const eu = aws(lab.endpoint, [
      'ec2',
      'describe-regions',
      '--filters',
      'Name=region-name,Values=eu-west-*',
      '--query',
      'Regions[].RegionName',
    ]);
    expect(eu.json()).toEqual(['eu-west-1', 'eu-west-2', 'eu-west-3']);
  });

  it('aws ec2 describe-availability-zones in several Regions', () => {
    const oregon = aws(lab.endpoint, [
      'ec2',
      'describe-availability-zones',
      '--region',
      'us-west-2',
    ]).json() as {
      AvailabilityZones: Array<{ ZoneName: string; ZoneId: string; State: string }>;
    };
    expect(oregon.AvailabilityZones.map((z) => z.ZoneName)).toEqual([
      'us-west-2a',
      'us-west-2b',
      'us-west-2c',
      'us-west-2d',
    ]);
    expect(
      oregon.AvailabilityZones.every((z) => z.State === 'available' && /^usw2-az\d$/.test(z.ZoneId)),
    ).toBe(true);
    const byId = aws(lab.endpoint, [
      'ec2',
      'describe-availability-zones',
      '--zone-ids',
      'use1-az6',
      '--query',
      'AvailabilityZones[0].ZoneName',
    ]);
    expect(byId.json()).toBe('us-east-1b');
    const table = aws(lab.endpoint, [
      'ec2',
      'describe-availability-zones',
      '--region',
      'eu-central-1',
      '--output',
      'table',
    ]);
    expect(table.status).toBe(0);
    expect(table.stdout).toContain('euc1-az2');
  });

  it('explains failures as AWS does', () => {
    const wrong = aws(lab.endpoint, ['sts', 'get-caller-identity'], { AWS_SECRET_ACCESS_KEY: 'wrong' });
    expect(wrong.status).toBe(254);
    expect(wrong.stderr).toContain(
      'An error occurred (SignatureDoesNotMatch) when calling the GetCallerIdentity operation',
    );
    const unknown = aws(lab.endpoint, ['ec2', 'describe-regions'], { AWS_ACCESS_KEY_ID: 'AKIANOBODY' });
    expect(unknown.stderr).toContain('(AuthFailure)');
    const zone = aws(lab.endpoint, ['ec2', 'describe-availability-zones', '--zone-names', 'us-east-1q']);
    expect(zone.stderr).toContain(
      '(InvalidParameterValue) when calling the DescribeAvailabilityZones operation: Invalid availability zone: [us-east-1q]',
    );
    const dry = aws(lab.endpoint, ['ec2', 'describe-regions', '--dry-run']);
    expect(dry.stderr).toContain('(DryRunOperation)');
  });

  it('answers every other service with NotImplemented, never a fake success', () => {
    for (const [args, operation] of [
      [
        ['s3api', 'get-bucket-accelerate-configuration', '--bucket', 'photos'],
        'GetBucketAccelerateConfiguration',
      ],
      [['dynamodb', 'list-backups'], 'ListBackups'],
      [['lambda', 'list-layers'], 'ListLayers'],
      [['route53', 'list-traffic-policies'], 'ListTrafficPolicies'],
      [['ec2', 'describe-launch-templates'], 'DescribeLaunchTemplates'],
    ] as const) {
      const r = aws(lab.endpoint, [...args]);
      expect(r.status, args.join(' ')).not.toBe(0);
      expect(r.stderr).toContain(
        `An error occurred (NotImplemented) when calling the ${operation} operation`,
      );
    }
  });
});
