/**
 * EC2 placement groups in the core, driven through Cloud.invoke() with a paused simulated
 * clock: the three operations and their errors, and the hypervisor honouring each strategy —
 * cluster packing in one zone, spread on distinct hosts (seven per zone at most), partitions
 * that never share a host — at launch and again when a stopped instance starts.
 */
import type * as EC2 from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { ec2Lab } from './lab';

async function lab() {
  const base = await ec2Lab();
  const { call, fail } = base;
  const imageId = await base.ami();
  /** Launch `count` instances into a group; returns the instances as RunInstances answers. */
  const launch = async (placement: EC2.Placement, count = 1, type = 't3.micro') =>
    (
      await call<EC2.Reservation>('RunInstances', {
        ImageId: imageId,
        InstanceType: type,
        MinCount: count,
        MaxCount: count,
        Placement: placement,
      })
    ).Instances!;
  const launchFails = (placement: EC2.Placement, count = 1, type = 't3.micro') =>
    fail('RunInstances', {
      ImageId: imageId,
      InstanceType: type,
      MinCount: count,
      MaxCount: count,
      Placement: placement,
    });
  const createGroup = async (input: EC2.CreatePlacementGroupRequest) =>
    (await call<EC2.CreatePlacementGroupResult>('CreatePlacementGroup', input)).PlacementGroup!;
  return { ...base, launch, launchFails, createGroup };
}

const hostOf = (i: EC2.Instance) => i.Placement!.HostId!;

describe('CreatePlacementGroup, DescribePlacementGroups, DeletePlacementGroup', () => {
  it('creates groups of each strategy with AWS shapes, describes and filters them, and deletes them', async () => {
    const { call, fail, createGroup } = await lab();
    const cluster = await createGroup({
      GroupName: 'hpc',
      Strategy: 'cluster',
      TagSpecifications: [{ ResourceType: 'placement-group', Tags: [{ Key: 'team', Value: 'sim' }] }],
    });
    expect(cluster).toEqual({
      GroupName: 'hpc',
      State: 'available',
      Strategy: 'cluster',
      GroupId: expect.stringMatching(/^pg-0[0-9a-f]{16}$/),
      GroupArn: 'arn:aws:ec2:us-east-1:123456789012:placement-group/hpc',
      Tags: [{ Key: 'team', Value: 'sim' }],
    });
    const spread = await createGroup({ GroupName: 'critical', Strategy: 'spread' });
    expect([spread.SpreadLevel, spread.PartitionCount]).toEqual(['rack', undefined]);
    const partition = await createGroup({ GroupName: 'hdfs', Strategy: 'partition' });
    expect([partition.PartitionCount, partition.SpreadLevel]).toEqual([2, undefined]);
    const five = await createGroup({ GroupName: 'kafka', Strategy: 'partition', PartitionCount: 5 });
    expect(five.PartitionCount).toBe(5);
    expect(
      (await createGroup({ GroupName: 'hosts', Strategy: 'spread', SpreadLevel: 'host' })).SpreadLevel,
    ).toBe('host');

    const names = async (input: EC2.DescribePlacementGroupsRequest = {}) =>
      (await call<EC2.DescribePlacementGroupsResult>('DescribePlacementGroups', input)).PlacementGroups!.map(
        (g) => g.GroupName,
      );
    expect(await names()).toEqual(['hpc', 'critical', 'hdfs', 'kafka', 'hosts']);
    expect(await names({ GroupNames: ['kafka', 'hpc'] })).toEqual(['hpc', 'kafka']);
    expect(await names({ GroupIds: [spread.GroupId!] })).toEqual(['critical']);
    expect(await names({ Filters: [{ Name: 'strategy', Values: ['partition'] }] })).toEqual([
      'hdfs',
      'kafka',
    ]);
    expect(await names({ Filters: [{ Name: 'spread-level', Values: ['host'] }] })).toEqual(['hosts']);
    expect(await names({ Filters: [{ Name: 'tag:team', Values: ['sim'] }] })).toEqual(['hpc']);
    expect(await names({ Filters: [{ Name: 'tag-key', Values: ['team'] }] })).toEqual(['hpc']);
    expect(await names({ Filters: [{ Name: 'group-name', Values: ['h*'] }] })).toEqual([
      'hpc',
      'hdfs',
      'hosts',
    ]);
    expect(
      await names({
        Filters: [
          { Name: 'group-arn', Values: ['arn:aws:ec2:us-east-1:123456789012:placement-group/kafka'] },
        ],
      }),
    ).toEqual(['kafka']);
    expect(await names({ Filters: [{ Name: 'state', Values: ['available'] }] })).toHaveLength(5);
    expect(
      (await fail('DescribePlacementGroups', { Filters: [{ Name: 'colour', Values: ['x'] }] })).code,
    ).toBe('InvalidParameterValue');

    // Placement groups are taggable resources like any other.
    await call('CreateTags', { Resources: [partition.GroupId], Tags: [{ Key: 'Name', Value: 'data' }] });
    const tags = await call<EC2.DescribeTagsResult>('DescribeTags', {
      Filters: [{ Name: 'resource-type', Values: ['placement-group'] }],
    });
    expect(tags.Tags!.map((t) => `${t.ResourceId}=${t.Key}`).sort()).toEqual(
      [`${cluster.GroupId}=team`, `${partition.GroupId}=Name`].sort(),
    );

    expect(await call('DeletePlacementGroup', { GroupName: 'hdfs' })).toEqual({});
    expect(await names()).toEqual(['hpc', 'critical', 'kafka', 'hosts']);
    expect(await fail('DescribePlacementGroups', { GroupNames: ['hdfs'] })).toEqual({
      code: 'InvalidPlacementGroup.Unknown',
      message: "The Placement Group 'hdfs' is unknown.",
      status: 400,
    });
  });

  it('answers AWS errors for duplicates, unknown groups and bad parameters', async () => {
    const { fail, createGroup } = await lab();
    await createGroup({ GroupName: 'hpc', Strategy: 'cluster' });
    expect(await fail('CreatePlacementGroup', { GroupName: 'hpc', Strategy: 'spread' })).toEqual({
      code: 'InvalidPlacementGroup.Duplicate',
      message: "The placement group 'hpc' already exists.",
      status: 400,
    });
    expect((await fail('DeletePlacementGroup', { GroupName: 'nope' })).message).toBe(
      "The Placement Group 'nope' is unknown.",
    );
    expect((await fail('DescribePlacementGroups', { GroupIds: ['pg-0123456789abcdef0'] })).code).toBe(
      'InvalidPlacementGroup.Unknown',
    );
    const bad = await fail('CreatePlacementGroup', { GroupName: 'x', Strategy: 'clustered' });
    expect([bad.code, bad.message]).toEqual([
      'InvalidParameterValue',
      'Value (clustered) for parameter strategy is invalid. Valid values: cluster, spread, partition.',
    ]);
    const eight = await fail('CreatePlacementGroup', {
      GroupName: 'x',
      Strategy: 'partition',
      PartitionCount: 8,
    });
    expect([eight.code, eight.message]).toEqual([
      'InvalidParameterValue',
      'Value ( 8 ) for parameter partitionCount is invalid. Expecting a value between 1 and 7.',
    ]);
    expect(
      (await fail('CreatePlacementGroup', { GroupName: 'x', Strategy: 'partition', PartitionCount: 0 })).code,
    ).toBe('InvalidParameterValue');
    expect(
      (await fail('CreatePlacementGroup', { GroupName: 'x', Strategy: 'cluster', PartitionCount: 2 })).code,
    ).toBe('InvalidParameterCombination');
    expect(
      (await fail('CreatePlacementGroup', { GroupName: 'x', Strategy: 'spread', SpreadLevel: 'row' })).code,
    ).toBe('InvalidParameterValue');
    expect((await fail('CreatePlacementGroup', { Strategy: 'spread' })).code).toBe('MissingParameter');
    expect(
      (
        await fail('CreatePlacementGroup', {
          GroupName: 'x',
          Strategy: 'spread',
          TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'a', Value: 'b' }] }],
        })
      ).code,
    ).toBe('InvalidParameterValue');
    expect(
      (await fail('CreatePlacementGroup', { GroupName: 'x', Strategy: 'spread', DryRun: true })).code,
    ).toBe('DryRunOperation');
  });

  it('refuses launches into unknown groups and bad partitions, and deletes a group only when its instances are gone', async () => {
    const { call, elapse, launch, launchFails, instance, createGroup } = await lab();
    expect(await launchFails({ GroupName: 'nope' })).toEqual({
      code: 'InvalidPlacementGroup.Unknown',
      message: "The Placement Group 'nope' is unknown.",
      status: 400,
    });
    expect((await launchFails({ GroupId: 'pg-0123456789abcdef0' })).code).toBe(
      'InvalidPlacementGroup.Unknown',
    );
    const web = await createGroup({ GroupName: 'web', Strategy: 'spread' });
    expect((await launchFails({ GroupName: 'web', PartitionNumber: 1 })).code).toBe('InvalidParameterValue');

    const [i] = await launch({ GroupId: web.GroupId });
    const id = i!.InstanceId!;
    expect(i!.Placement).toMatchObject({ GroupName: 'web', GroupId: web.GroupId });
    expect(i!.Placement!.PartitionNumber).toBeUndefined();
    const members = await call<EC2.DescribeInstancesResult>('DescribeInstances', {
      Filters: [{ Name: 'placement-group-name', Values: ['web'] }],
    });
    expect(members.Reservations!.flatMap((r) => r.Instances!.map((x) => x.InstanceId))).toEqual([id]);

    const inUse = {
      code: 'InvalidPlacementGroup.InUse',
      message: "The placement group 'web' is in use and may not be deleted.",
      status: 400,
    };
    const deleteWeb = () =>
      call('DeletePlacementGroup', { GroupName: 'web' }).then(
        () => null,
        (e: { code: string; message: string; status: number }) => ({
          code: e.code,
          message: e.message,
          status: e.status,
        }),
      );
    expect(await deleteWeb()).toEqual(inUse);
    await elapse(6000);
    await call('StopInstances', { InstanceIds: [id] });
    await elapse(8000);
    expect((await instance(id)).State!.Name).toBe('stopped');
    expect(await deleteWeb()).toEqual(inUse); // a stopped instance still belongs to the group
    await call('TerminateInstances', { InstanceIds: [id] });
    expect(await deleteWeb()).toEqual(inUse); // shutting-down
    await elapse(5000);
    expect((await instance(id)).State!.Name).toBe('terminated');
    expect(await deleteWeb()).toBeNull();
  });
});

describe('the hypervisor honours the strategy', () => {
  it('cluster: packs the group onto as few hosts as possible in one zone, and says when it no longer fits', async () => {
    const { handlers, launch, launchFails, createGroup } = await lab();
    await handlers['lab.capacity']({ vcpuLimit: 1000 });
    await createGroup({ GroupName: 'hpc', Strategy: 'cluster' });
    // Without a group, the hypervisor spreads the same launch over both c5 hosts of the zone.
    const loose = await launch({ AvailabilityZone: 'us-east-1b' }, 4, 'c5.large');
    expect(new Set(loose.map(hostOf)).size).toBe(2);

    const first = await launch({ GroupName: 'hpc', AvailabilityZone: 'us-east-1a' }, 4, 'c5.large');
    expect(new Set(first.map(hostOf)).size).toBe(1);
    // Later launches join the group's zone and host, even when the request names no zone.
    const more = await launch({ GroupName: 'hpc' }, 2, 'c5.xlarge');
    expect(more.map((i) => [i.Placement!.AvailabilityZone, hostOf(i)])).toEqual([
      ['us-east-1a', hostOf(first[0]!)],
      ['us-east-1a', hostOf(first[0]!)],
    ]);
    expect(await launchFails({ GroupName: 'hpc', AvailabilityZone: 'us-east-1c' })).toEqual({
      code: 'InvalidPlacementGroup.InUse',
      message: "The placement group 'hpc' is in use in another availability zone: us-east-1a",
      status: 400,
    });
    // The first host has 96 − 16 vCPUs left: a 24xlarge opens the second host, then nothing fits.
    const big = await launch({ GroupName: 'hpc' }, 1, 'c5.24xlarge');
    expect(hostOf(big[0]!)).not.toBe(hostOf(first[0]!));
    const full = await launchFails({ GroupName: 'hpc' }, 1, 'c5.24xlarge');
    expect([full.code, full.status]).toEqual(['InsufficientInstanceCapacity', 500]);
    expect(full.message).toBe(
      "We currently do not have sufficient capacity to launch all of the additional requested instances into Placement Group 'hpc'. You may be able to satisfy your full cluster requirement by first terminating all of the existing instances in Placement Group 'hpc' then launching the full cluster of required instances into Placement Group 'hpc' in a single launch request.",
    );
  });

  it('spread: puts every instance on its own host, at most seven per zone', async () => {
    const { handlers, launch, launchFails, createGroup } = await lab();
    await createGroup({ GroupName: 'critical', Strategy: 'spread' });
    // Two t3 hosts per zone: two instances fit on distinct hosts, a third does not.
    const two = await launch({ GroupName: 'critical', AvailabilityZone: 'us-east-1a' }, 2);
    expect(new Set(two.map(hostOf)).size).toBe(2);
    const noHost = await launchFails({ GroupName: 'critical', AvailabilityZone: 'us-east-1a' });
    expect(noHost.code).toBe('InsufficientInstanceCapacity');
    expect(noHost.message).toContain("into Placement Group 'critical'");
    // Outside the group the zone still has plenty of room on the same two hosts.
    expect(await launch({ AvailabilityZone: 'us-east-1a' })).toHaveLength(1);

    await handlers['lab.capacity']({ hostsPerFamily: 10 });
    const five = await launch({ GroupName: 'critical', AvailabilityZone: 'us-east-1a' }, 5);
    const hosts = new Set([...two, ...five].map(hostOf));
    expect(hosts.size).toBe(7);
    const eighth = await launchFails({ GroupName: 'critical', AvailabilityZone: 'us-east-1a' });
    expect([eighth.code, eighth.status]).toEqual(['InsufficientInstanceCapacity', 500]);
    expect(eighth.message).toContain(
      'A spread placement group can have at most 7 running instances per Availability Zone',
    );
    // The limit is per zone: another zone has its own seven.
    expect(await launch({ GroupName: 'critical', AvailabilityZone: 'us-east-1b' }, 7)).toHaveLength(7);
  });

  it("partition: balances the partitions, keeps them off each other's hosts and shows the partition number", async () => {
    const { call, launch, launchFails, createGroup } = await lab();
    await createGroup({ GroupName: 'hdfs', Strategy: 'partition', PartitionCount: 2 });
    const four = await launch({ GroupName: 'hdfs', AvailabilityZone: 'us-east-1a' }, 4);
    expect(four.map((i) => i.Placement!.PartitionNumber)).toEqual([1, 2, 1, 2]);
    const hostsOf = (n: number) =>
      new Set(four.filter((i) => i.Placement!.PartitionNumber === n).map(hostOf));
    expect(hostsOf(1).size).toBe(1);
    expect(hostsOf(2).size).toBe(1);
    expect([...hostsOf(1)][0]).not.toBe([...hostsOf(2)][0]);

    const chosen = await launch({ GroupName: 'hdfs', AvailabilityZone: 'us-east-1a', PartitionNumber: 2 });
    expect(chosen[0]!.Placement!.PartitionNumber).toBe(2);
    expect(hostOf(chosen[0]!)).toBe([...hostsOf(2)][0]);
    const inTwo = await call<EC2.DescribeInstancesResult>('DescribeInstances', {
      Filters: [{ Name: 'placement-partition-number', Values: ['2'] }],
    });
    expect(inTwo.Reservations!.flatMap((r) => r.Instances!)).toHaveLength(3);
    const outOfRange = await launchFails({ GroupName: 'hdfs', PartitionNumber: 3 });
    expect([outOfRange.code, outOfRange.message]).toEqual([
      'InvalidParameterValue',
      'Value ( 3 ) for parameter partitionNumber is invalid. Expecting a value between 1 and 2.',
    ]);

    // Three partitions need three hosts: the zone's two t3 hosts cannot keep the third apart.
    await createGroup({ GroupName: 'three', Strategy: 'partition', PartitionCount: 3 });
    const tooMany = await launchFails({ GroupName: 'three', AvailabilityZone: 'us-east-1b' }, 3);
    expect(tooMany.code).toBe('InsufficientInstanceCapacity');
    expect(tooMany.message).toContain("into Placement Group 'three'");
  });
});

describe('StartInstances re-places under the same rules', () => {
  it('spread: a stopped instance cannot come back onto a host another member took', async () => {
    const { call, elapse, launch, instance, createGroup } = await lab();
    await createGroup({ GroupName: 'critical', Strategy: 'spread' });
    const [a, b] = await launch({ GroupName: 'critical', AvailabilityZone: 'us-east-1a' }, 2);
    await elapse(6000);
    await call('StopInstances', { InstanceIds: [b!.InstanceId] });
    await elapse(8000);
    const [c] = await launch({ GroupName: 'critical', AvailabilityZone: 'us-east-1a' });
    expect(hostOf(c!)).toBe(hostOf(b!)); // the only host without a member
    const refused = await call('StartInstances', { InstanceIds: [b!.InstanceId] }).then(
      () => null,
      (e: { code: string }) => e.code,
    );
    expect(refused).toBe('InsufficientInstanceCapacity');
    expect((await instance(b!.InstanceId!)).State!.Name).toBe('stopped');

    await call('TerminateInstances', { InstanceIds: [c!.InstanceId] });
    await elapse(5000);
    await call('StartInstances', { InstanceIds: [b!.InstanceId] });
    await elapse(6000);
    const back = await instance(b!.InstanceId!);
    expect(back.State!.Name).toBe('running');
    expect(back.Placement!.GroupName).toBe('critical');
    expect(hostOf(back)).not.toBe(hostOf(a!));
  });

  it('cluster: a stopped group restarts only in the zone its running instances use', async () => {
    const { call, elapse, launch, createGroup } = await lab();
    await createGroup({ GroupName: 'hpc', Strategy: 'cluster' });
    const old = await launch({ GroupName: 'hpc', AvailabilityZone: 'us-east-1a' }, 2, 'c5.large');
    await elapse(6000);
    await call('StopInstances', { InstanceIds: old.map((i) => i.InstanceId) });
    await elapse(8000);
    // With nothing running, the group may move: a new instance starts it over in us-east-1b.
    await launch({ GroupName: 'hpc', AvailabilityZone: 'us-east-1b' }, 1, 'c5.large');
    const refused = await call('StartInstances', { InstanceIds: [old[0]!.InstanceId] }).then(
      () => null,
      (e: { code: string; message: string }) => [e.code, e.message],
    );
    expect(refused).toEqual([
      'InvalidPlacementGroup.InUse',
      "The placement group 'hpc' is in use in another availability zone: us-east-1b",
    ]);
  });

  it("partition: an instance keeps its partition and returns to that partition's hardware", async () => {
    const { call, elapse, launch, instance, createGroup } = await lab();
    await createGroup({ GroupName: 'hdfs', Strategy: 'partition' });
    const [one, two] = await launch({ GroupName: 'hdfs', AvailabilityZone: 'us-east-1a' }, 2);
    await elapse(6000);
    await call('StopInstances', { InstanceIds: [one!.InstanceId] });
    await elapse(8000);
    // A new partition-1 instance takes a host while the first is stopped.
    const [three] = await launch({ GroupName: 'hdfs', AvailabilityZone: 'us-east-1a', PartitionNumber: 1 });
    await call('StartInstances', { InstanceIds: [one!.InstanceId] });
    const started = await instance(one!.InstanceId!);
    expect(started.Placement!.PartitionNumber).toBe(1);
    expect(hostOf(started)).toBe(hostOf(three!));
    expect(hostOf(started)).not.toBe(hostOf(two!));
  });
});
