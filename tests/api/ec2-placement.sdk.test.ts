/**
 * EC2 placement groups through the AWS SDK for JavaScript v3 against `cloudlab serve`: the
 * three operations with one AWS error code each, and RunInstances honouring the group (spread
 * on distinct hosts, partition numbers in DescribeInstances, unknown groups refused). The
 * simulated clock runs at 200× so instances change state in milliseconds.
 */
import * as EC2 from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure } from '../support/failure';
import { credentials, labCall, serve, type Served } from '../support/serve';

let lab: Served;
let ec2: EC2.EC2Client;
let ami: string;

beforeAll(async () => {
  lab = await serve();
  ec2 = new EC2.EC2Client({ endpoint: lab.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  await labCall(lab.endpoint, 'lab.clock', { speed: 200 });
  const images = await ec2.send(
    new EC2.DescribeImagesCommand({ Filters: [{ Name: 'name', Values: ['al2023-ami-*-x86_64'] }] }),
  );
  ami = images.Images![0]!.ImageId!;
});
afterAll(async () => {
  await lab?.stop();
  lab?.cleanup();
});

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const run = (placement: EC2.Placement, count = 1) =>
  ec2.send(
    new EC2.RunInstancesCommand({
      ImageId: ami,
      InstanceType: 't3.micro',
      MinCount: count,
      MaxCount: count,
      Placement: { AvailabilityZone: 'us-east-1a', ...placement },
    }),
  );

describe('placement groups through the SDK', () => {
  let spreadId: string;

  it('CreatePlacementGroup answers the group, and InvalidPlacementGroup.Duplicate for a name in use', async () => {
    const created = await ec2.send(
      new EC2.CreatePlacementGroupCommand({
        GroupName: 'critical',
        Strategy: 'spread',
        TagSpecifications: [{ ResourceType: 'placement-group', Tags: [{ Key: 'tier', Value: 'db' }] }],
      }),
    );
    expect(created.PlacementGroup).toEqual({
      GroupName: 'critical',
      State: 'available',
      Strategy: 'spread',
      SpreadLevel: 'rack',
      GroupId: expect.stringMatching(/^pg-0[0-9a-f]{16}$/),
      GroupArn: 'arn:aws:ec2:us-east-1:123456789012:placement-group/critical',
      Tags: [{ Key: 'tier', Value: 'db' }],
    });
    spreadId = created.PlacementGroup!.GroupId!;
    const partition = await ec2.send(
      new EC2.CreatePlacementGroupCommand({ GroupName: 'hdfs', Strategy: 'partition', PartitionCount: 3 }),
    );
    expect(partition.PlacementGroup!.PartitionCount).toBe(3);
    const duplicate = await failure(
      ec2.send(new EC2.CreatePlacementGroupCommand({ GroupName: 'critical', Strategy: 'cluster' })),
    );
    expect([duplicate.name, duplicate.message, duplicate.status]).toEqual([
      'InvalidPlacementGroup.Duplicate',
      "The placement group 'critical' already exists.",
      400,
    ]);
  });

  it('DescribePlacementGroups lists, selects and filters, and answers InvalidPlacementGroup.Unknown', async () => {
    const all = await ec2.send(new EC2.DescribePlacementGroupsCommand({}));
    expect(all.PlacementGroups!.map((g) => [g.GroupName, g.Strategy])).toEqual([
      ['critical', 'spread'],
      ['hdfs', 'partition'],
    ]);
    const byId = await ec2.send(new EC2.DescribePlacementGroupsCommand({ GroupIds: [spreadId] }));
    expect(byId.PlacementGroups!.map((g) => g.GroupName)).toEqual(['critical']);
    const tagged = await ec2.send(
      new EC2.DescribePlacementGroupsCommand({ Filters: [{ Name: 'tag:tier', Values: ['db'] }] }),
    );
    expect(tagged.PlacementGroups!.map((g) => g.GroupName)).toEqual(['critical']);
    const unknown = await failure(ec2.send(new EC2.DescribePlacementGroupsCommand({ GroupNames: ['nope'] })));
    expect([unknown.name, unknown.message]).toEqual([
      'InvalidPlacementGroup.Unknown',
      "The Placement Group 'nope' is unknown.",
    ]);
  });

  it('RunInstances places a spread group on distinct hosts and refuses an unknown group', async () => {
    const r = await run({ GroupName: 'critical' }, 2);
    expect(r.Instances!.map((i) => i.Placement!.GroupName)).toEqual(['critical', 'critical']);
    expect(r.Instances!.map((i) => i.Placement!.GroupId)).toEqual([spreadId, spreadId]);
    expect(new Set(r.Instances!.map((i) => i.Placement!.HostId)).size).toBe(2);
    const unknown = await failure(run({ GroupName: 'nope' }));
    expect([unknown.name, unknown.message, unknown.status]).toEqual([
      'InvalidPlacementGroup.Unknown',
      "The Placement Group 'nope' is unknown.",
      400,
    ]);
    // The zone's two t3 hosts both hold a member: a third cannot be kept apart.
    const full = await failure(run({ GroupName: 'critical' }));
    expect([full.name, full.status]).toEqual(['InsufficientInstanceCapacity', 500]);
  });

  it('RunInstances gives partition numbers that DescribeInstances shows and filters', async () => {
    const r = await run({ GroupName: 'hdfs', PartitionNumber: 3 });
    const id = r.Instances![0]!.InstanceId!;
    const described = await ec2.send(
      new EC2.DescribeInstancesCommand({
        Filters: [
          { Name: 'placement-group-name', Values: ['hdfs'] },
          { Name: 'placement-partition-number', Values: ['3'] },
        ],
      }),
    );
    const placement = described.Reservations![0]!.Instances![0]!.Placement!;
    expect(described.Reservations![0]!.Instances![0]!.InstanceId).toBe(id);
    expect([placement.GroupName, placement.PartitionNumber]).toEqual(['hdfs', 3]);
  });

  it('DeletePlacementGroup answers InvalidPlacementGroup.InUse until its instances are terminated', async () => {
    const members = await ec2.send(
      new EC2.DescribeInstancesCommand({ Filters: [{ Name: 'placement-group-name', Values: ['critical'] }] }),
    );
    const ids = members.Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId!));
    expect(ids).toHaveLength(2);
    const inUse = await failure(ec2.send(new EC2.DeletePlacementGroupCommand({ GroupName: 'critical' })));
    expect([inUse.name, inUse.message]).toEqual([
      'InvalidPlacementGroup.InUse',
      "The placement group 'critical' is in use and may not be deleted.",
    ]);
    await ec2.send(new EC2.TerminateInstancesCommand({ InstanceIds: ids }));
    await until(
      () => ec2.send(new EC2.DescribeInstancesCommand({ InstanceIds: ids })),
      (d) => d.Reservations!.flatMap((r) => r.Instances!).every((i) => i.State!.Name === 'terminated'),
      'terminated',
    );
    await ec2.send(new EC2.DeletePlacementGroupCommand({ GroupName: 'critical' }));
    const left = await ec2.send(new EC2.DescribePlacementGroupsCommand({}));
    expect(left.PlacementGroups!.map((g) => g.GroupName)).toEqual(['hdfs']);
    const gone = await failure(ec2.send(new EC2.DeletePlacementGroupCommand({ GroupName: 'critical' })));
    expect(gone.name).toBe('InvalidPlacementGroup.Unknown');
  });
});
