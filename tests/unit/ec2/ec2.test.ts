/**
 * EC2 in the core, driven through Cloud.invoke() with a paused simulated clock: default
 * networking, launching onto hosts, the state machine, capacity and vCPU limits, host and zone
 * failures, addresses, volumes, tags, paging, persistence, Region isolation, determinism and
 * reachability.
 */
import type * as EC2 from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { reach } from '../../../electron/core/network/reachability';
import { ec2Lab, workspaceDir } from './lab';

const lab = ec2Lab;

describe('default networking', () => {
  it('gives every account a default VPC with a subnet per zone, a gateway, routes and a default group', async () => {
    const { call } = await lab();
    const vpcs = (await call<EC2.DescribeVpcsResult>('DescribeVpcs')).Vpcs!;
    expect(vpcs).toHaveLength(1);
    expect(vpcs[0]).toMatchObject({
      CidrBlock: '172.31.0.0/16',
      IsDefault: true,
      State: 'available',
      OwnerId: '123456789012',
    });
    const subnets = (await call<EC2.DescribeSubnetsResult>('DescribeSubnets')).Subnets!;
    expect(subnets.map((s) => [s.AvailabilityZone, s.CidrBlock])).toEqual([
      ['us-east-1a', '172.31.0.0/20'],
      ['us-east-1b', '172.31.16.0/20'],
      ['us-east-1c', '172.31.32.0/20'],
      ['us-east-1d', '172.31.48.0/20'],
      ['us-east-1e', '172.31.64.0/20'],
      ['us-east-1f', '172.31.80.0/20'],
    ]);
    expect(subnets[0]).toMatchObject({
      DefaultForAz: true,
      MapPublicIpOnLaunch: true,
      AvailableIpAddressCount: 4091,
    });
    const igw = (await call<EC2.DescribeInternetGatewaysResult>('DescribeInternetGateways'))
      .InternetGateways![0]!;
    expect(igw.Attachments).toEqual([{ State: 'available', VpcId: vpcs[0]!.VpcId }]);
    const main = (await call<EC2.DescribeRouteTablesResult>('DescribeRouteTables')).RouteTables![0]!;
    expect(main.Routes!.map((r) => [r.DestinationCidrBlock, r.GatewayId, r.State])).toEqual([
      ['172.31.0.0/16', 'local', 'active'],
      ['0.0.0.0/0', igw.InternetGatewayId, 'active'],
    ]);
    const group = (await call<EC2.DescribeSecurityGroupsResult>('DescribeSecurityGroups'))
      .SecurityGroups![0]!;
    expect(group).toMatchObject({ GroupName: 'default', Description: 'default VPC security group' });
    expect(group.IpPermissions![0]!.UserIdGroupPairs![0]!.GroupId).toBe(group.GroupId);
    expect(group.IpPermissionsEgress![0]!.IpRanges).toEqual([{ CidrIp: '0.0.0.0/0' }]);
  });

  it('builds custom VPCs with subnets, a gateway and routes, and refuses what AWS refuses', async () => {
    const { call, fail } = await lab();
    const vpc = (await call<EC2.CreateVpcResult>('CreateVpc', { CidrBlock: '10.0.0.0/16' })).Vpc!;
    expect((await fail('CreateVpc', { CidrBlock: '10.0.0.0/8' })).code).toBe('InvalidVpc.Range');
    const subnet = (
      await call<EC2.CreateSubnetResult>('CreateSubnet', {
        VpcId: vpc.VpcId,
        CidrBlock: '10.0.1.0/24',
        AvailabilityZone: 'us-east-1b',
      })
    ).Subnet!;
    expect(subnet).toMatchObject({
      AvailabilityZone: 'us-east-1b',
      AvailabilityZoneId: 'use1-az6',
      AvailableIpAddressCount: 251,
      MapPublicIpOnLaunch: false,
    });
    expect((await fail('CreateSubnet', { VpcId: vpc.VpcId, CidrBlock: '10.0.1.128/25' })).code).toBe(
      'InvalidSubnet.Conflict',
    );
    expect((await fail('CreateSubnet', { VpcId: vpc.VpcId, CidrBlock: '192.168.0.0/24' })).code).toBe(
      'InvalidSubnet.Range',
    );
    const igw = (await call<EC2.CreateInternetGatewayResult>('CreateInternetGateway')).InternetGateway!;
    await call('AttachInternetGateway', { InternetGatewayId: igw.InternetGatewayId, VpcId: vpc.VpcId });
    const rtb = (await call<EC2.CreateRouteTableResult>('CreateRouteTable', { VpcId: vpc.VpcId }))
      .RouteTable!;
    await call('CreateRoute', {
      RouteTableId: rtb.RouteTableId,
      DestinationCidrBlock: '0.0.0.0/0',
      GatewayId: igw.InternetGatewayId,
    });
    expect(
      (
        await fail('CreateRoute', {
          RouteTableId: rtb.RouteTableId,
          DestinationCidrBlock: '0.0.0.0/0',
          GatewayId: igw.InternetGatewayId,
        })
      ).code,
    ).toBe('RouteAlreadyExists');
    const assoc = await call<EC2.AssociateRouteTableResult>('AssociateRouteTable', {
      RouteTableId: rtb.RouteTableId,
      SubnetId: subnet.SubnetId,
    });
    expect(assoc.AssociationId).toMatch(/^rtbassoc-0[0-9a-f]{16}$/);
    expect((await fail('DeleteVpc', { VpcId: vpc.VpcId })).code).toBe('DependencyViolation');
    await call('DisassociateRouteTable', { AssociationId: assoc.AssociationId });
    await call('DeleteRouteTable', { RouteTableId: rtb.RouteTableId });
    await call('DetachInternetGateway', { InternetGatewayId: igw.InternetGatewayId, VpcId: vpc.VpcId });
    await call('DeleteInternetGateway', { InternetGatewayId: igw.InternetGatewayId });
    await call('DeleteSubnet', { SubnetId: subnet.SubnetId });
    await call('DeleteVpc', { VpcId: vpc.VpcId });
    expect((await fail('DescribeVpcs', { VpcIds: [vpc.VpcId] })).code).toBe('InvalidVpcID.NotFound');
  });
});

describe('instances', () => {
  it('launch onto a host, boot on the simulated clock, pass status checks, and stop, start and terminate', async () => {
    const { call, fail, elapse, ami, instance, cloud } = await lab();
    await call('CreateKeyPair', { KeyName: 'lab' });
    const reservation = await call<EC2.Reservation>('RunInstances', {
      ImageId: await ami(),
      InstanceType: 't3.micro',
      MinCount: 1,
      MaxCount: 1,
      KeyName: 'lab',
      Placement: { AvailabilityZone: 'us-east-1b' },
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'web' }] }],
    });
    const launched = reservation.Instances![0]!;
    const id = launched.InstanceId!;
    expect(reservation.ReservationId).toMatch(/^r-0[0-9a-f]{16}$/);
    expect(launched).toMatchObject({
      State: { Code: 0, Name: 'pending' },
      InstanceType: 't3.micro',
      KeyName: 'lab',
      Tags: [{ Key: 'Name', Value: 'web' }],
    });
    expect(launched.Placement).toMatchObject({
      AvailabilityZone: 'us-east-1b',
      HostId: expect.stringMatching(/^h-0/),
    });
    expect(launched.PrivateIpAddress).toMatch(/^172\.31\.(1[6-9]|2\d|3[01])\.\d+$/);
    expect(launched.PrivateDnsName).toBe(`ip-${launched.PrivateIpAddress!.replace(/\./g, '-')}.ec2.internal`);
    expect(launched.PublicDnsName).toBe(
      `ec2-${launched.PublicIpAddress!.replace(/\./g, '-')}.compute-1.amazonaws.com`,
    );
    expect(launched.BlockDeviceMappings).toEqual([
      expect.objectContaining({
        DeviceName: '/dev/xvda',
        Ebs: expect.objectContaining({ Status: 'attached', DeleteOnTermination: true }),
      }),
    ]);
    const host = cloud.hypervisor
      .usage('us-east-1b')
      .find((u) => u.host.hostId === launched.Placement!.HostId)!;
    expect(host.host.family.id).toBe('t3');
    expect([host.usedVcpus, host.usedMemoryMiB]).toEqual([2, 1024]);

    expect((await fail('StopInstances', { InstanceIds: [id] })).message).toBe(
      `Instance '${id}' cannot be stopped as it has never reached the 'running' state.`,
    );
    await elapse(6000);
    expect((await instance(id)).State).toEqual({ Code: 16, Name: 'running' });
    const status = async () =>
      (await call<EC2.DescribeInstanceStatusResult>('DescribeInstanceStatus', { InstanceIds: [id] }))
        .InstanceStatuses![0]!;
    expect((await status()).InstanceStatus!.Status).toBe('initializing');
    await elapse(20_000);
    expect([(await status()).InstanceStatus!.Status, (await status()).SystemStatus!.Status]).toEqual([
      'ok',
      'ok',
    ]);
    const console = await call<EC2.GetConsoleOutputResult>('GetConsoleOutput', { InstanceId: id });
    expect(Buffer.from(console.Output!, 'base64').toString()).toContain(
      `ip-${launched.PrivateIpAddress!.replace(/\./g, '-')} login:`,
    );

    expect(
      (await fail('ModifyInstanceAttribute', { InstanceId: id, InstanceType: { Value: 't3.small' } })).code,
    ).toBe('IncorrectInstanceState');
    const stopping = await call<EC2.StopInstancesResult>('StopInstances', { InstanceIds: [id] });
    expect(stopping.StoppingInstances).toEqual([
      {
        InstanceId: id,
        CurrentState: { Code: 64, Name: 'stopping' },
        PreviousState: { Code: 16, Name: 'running' },
      },
    ]);
    await elapse(8000);
    const stopped = await instance(id);
    expect(stopped.State!.Name).toBe('stopped');
    expect(stopped.PublicIpAddress).toBeUndefined();
    expect(stopped.StateReason).toEqual({
      Code: 'Client.UserInitiatedShutdown',
      Message: 'Client.UserInitiatedShutdown: User initiated shutdown',
    });
    expect(cloud.hypervisor.placementOf(id)).toBeUndefined(); // the host's room is given back
    await call('ModifyInstanceAttribute', { InstanceId: id, InstanceType: { Value: 't3.small' } });
    await call('StartInstances', { InstanceIds: [id] });
    await elapse(6000);
    const restarted = await instance(id);
    expect(restarted).toMatchObject({ State: { Name: 'running' }, InstanceType: 't3.small' });
    expect(restarted.PublicIpAddress).toBeDefined();

    await call('TerminateInstances', { InstanceIds: [id] });
    await elapse(5000);
    const gone = await instance(id);
    expect(gone.State).toEqual({ Code: 48, Name: 'terminated' });
    expect(gone.PrivateIpAddress).toBeUndefined();
    expect((await call<EC2.DescribeVolumesResult>('DescribeVolumes')).Volumes).toEqual([]); // root deleted on termination
    expect((await fail('StartInstances', { InstanceIds: [id] })).code).toBe('IncorrectInstanceState');
    await elapse(3_600_000);
    expect((await fail('DescribeInstances', { InstanceIds: [id] })).code).toBe('InvalidInstanceID.NotFound');
  });

  it('resolves public AMI parameters with resolve:ssm: as RunInstances does', async () => {
    const { call, fail, ami } = await lab();
    const r = await call<EC2.Reservation>('RunInstances', {
      ImageId: 'resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
      InstanceType: 't3.micro',
      MinCount: 1,
      MaxCount: 1,
    });
    expect(r.Instances![0]!.ImageId).toBe(await ami());
    // The root volume comes from the snapshot DescribeImages names.
    const image = (await call<EC2.DescribeImagesResult>('DescribeImages', { ImageIds: [await ami()] }))
      .Images![0]!;
    const root = (
      await call<EC2.DescribeVolumesResult>('DescribeVolumes', {
        Filters: [{ Name: 'attachment.instance-id', Values: [r.Instances![0]!.InstanceId!] }],
      })
    ).Volumes![0]!;
    expect(root.SnapshotId).toBe(image.BlockDeviceMappings![0]!.Ebs!.SnapshotId);
    const ubuntu = await call<EC2.Reservation>('RunInstances', {
      ImageId:
        'resolve:ssm:/aws/service/canonical/ubuntu/server/24.04/stable/current/arm64/hvm/ebs-gp3/ami-id',
      InstanceType: 't4g.micro',
      MinCount: 1,
      MaxCount: 1,
    });
    expect(ubuntu.Instances![0]!.ImageId).toBe(await ami('us-east-1', 'ubuntu/images/*noble*arm64*'));
    const missing = await fail('RunInstances', {
      ImageId: 'resolve:ssm:/my/own/parameter',
      InstanceType: 't3.micro',
      MinCount: 1,
      MaxCount: 1,
    });
    expect([missing.code, missing.message]).toEqual([
      'InvalidParameterValue',
      expect.stringContaining('Invalid SSM parameter: /my/own/parameter'),
    ]);
  });

  it('spreads instances across hosts and enforces the vCPU limit', async () => {
    const { call, fail, ami } = await lab();
    const two = await call<EC2.Reservation>('RunInstances', {
      ImageId: await ami(),
      InstanceType: 'm5.large',
      MinCount: 2,
      MaxCount: 2,
      Placement: { AvailabilityZone: 'us-east-1a' },
    });
    const hosts = two.Instances!.map((i) => i.Placement!.HostId);
    expect(new Set(hosts).size).toBe(2);
    const limit = await fail('RunInstances', {
      ImageId: await ami(),
      InstanceType: 'm5.4xlarge',
      MinCount: 4,
      MaxCount: 4,
    });
    expect(limit.code).toBe('VcpuLimitExceeded');
    expect(limit.message).toContain('current vCPU limit of 64');
    // MaxCount beyond the limit launches as many as fit: (64 − 4) / 2 = 30.
    const many = await call<EC2.Reservation>('RunInstances', {
      ImageId: await ami(),
      InstanceType: 't3.micro',
      MinCount: 1,
      MaxCount: 40,
    });
    expect(many.Instances).toHaveLength(30);
  });

  it('lets the lab raise the vCPU quota and grow the data centre, refusing a shrink under running VMs', async () => {
    const { call, fail, handlers, ami } = await lab();
    const before = await handlers['lab.capacity'](null);
    expect([before.vcpuLimit, before.hostsPerFamily]).toEqual([64, 2]);
    const zoneHosts = async () =>
      (await handlers['lab.hypervisor']({ region: 'us-east-1' })).zones[0]!.hosts.filter(
        (h) => h.family === 'c5',
      );
    expect(await zoneHosts()).toHaveLength(2);

    const after = await handlers['lab.capacity']({ vcpuLimit: 512, hostsPerFamily: 4 });
    expect([after.vcpuLimit, after.hostsPerFamily]).toEqual([512, 4]);
    const grown = await zoneHosts();
    expect(grown.map((h) => h.index)).toEqual([1, 2, 3, 4]);
    // 4 hosts of 96 vCPUs in us-east-1a: room for 40 c5.2xlarge (8 vCPUs) — and a quota for 64.
    const r = await call<EC2.Reservation>('RunInstances', {
      ImageId: await ami(),
      InstanceType: 'c5.2xlarge',
      MinCount: 40,
      MaxCount: 40,
      Placement: { AvailabilityZone: 'us-east-1a' },
    });
    expect(new Set(r.Instances!.map((i) => i.Placement!.HostId)).size).toBe(4);

    await expect(handlers['lab.capacity']({ hostsPerFamily: 2 })).rejects.toMatchObject({
      code: 'ValidationException',
      message: expect.stringContaining('keep at least 4 hosts per family'),
    });
    await expect(handlers['lab.capacity']({ vcpuLimit: 0, hostsPerFamily: 8 })).rejects.toMatchObject({
      code: 'ValidationException',
    });
    expect((await handlers['lab.capacity'](null)).hostsPerFamily).toBe(4); // the bad request changed nothing
    expect(
      (
        await fail('RunInstances', {
          ImageId: await ami(),
          InstanceType: 'c5.24xlarge',
          MinCount: 6,
          MaxCount: 6,
        })
      ).code,
    ).toBe('VcpuLimitExceeded');
  });

  it('answers InsufficientInstanceCapacity when a zone has no room, naming zones that do', async () => {
    const { call, fail, handlers, ami } = await lab();
    const t3Hosts = (await handlers['lab.hypervisor']({ region: 'us-east-1' })).zones
      .find((z) => z.zoneName === 'us-east-1c')!
      .hosts.filter((h) => h.family === 't3')
      .map((h) => h.hostId);
    await handlers['lab.hosts.fail']({ hostIds: t3Hosts });
    const e = await fail('RunInstances', {
      ImageId: await ami(),
      InstanceType: 't3.micro',
      MinCount: 1,
      MaxCount: 1,
      Placement: { AvailabilityZone: 'us-east-1c' },
    });
    expect(e.code).toBe('InsufficientInstanceCapacity');
    expect(e.message).toContain(
      'We currently do not have sufficient t3.micro capacity in the Availability Zone you requested (us-east-1c).',
    );
    expect(e.message).toContain('choosing us-east-1a, us-east-1b, us-east-1d, us-east-1e, us-east-1f');
    await handlers['lab.hosts.restore']({ hostIds: t3Hosts });
    await call('RunInstances', {
      ImageId: await ami(),
      InstanceType: 't3.micro',
      MinCount: 1,
      MaxCount: 1,
      Placement: { AvailabilityZone: 'us-east-1c' },
    });
  });

  it('impairs then stops the instances of a failed zone, and lets them start elsewhere once restored', async () => {
    const { call, elapse, handlers, ami, instance } = await lab();
    const r = await call<EC2.Reservation>('RunInstances', {
      ImageId: await ami(),
      InstanceType: 't3.micro',
      MinCount: 1,
      MaxCount: 1,
      Placement: { AvailabilityZone: 'us-east-1a' },
    });
    const id = r.Instances![0]!.InstanceId!;
    await elapse(30_000);
    await handlers['lab.hosts.fail']({ zone: 'us-east-1a' });
    const view = await handlers['lab.hypervisor']({ region: 'us-east-1' });
    expect(view.zones.find((z) => z.zoneName === 'us-east-1a')!.state).toBe('impaired');
    const zones = await call<EC2.DescribeAvailabilityZonesResult>('DescribeAvailabilityZones', {});
    expect(zones.AvailabilityZones!.map((z) => [z.ZoneName, z.State])).toEqual([
      ['us-east-1a', 'impaired'],
      ['us-east-1b', 'available'],
      ['us-east-1c', 'available'],
      ['us-east-1d', 'available'],
      ['us-east-1e', 'available'],
      ['us-east-1f', 'available'],
    ]);
    expect(zones.AvailabilityZones![0]!.Messages![0]!.Message).toMatch(/impaired/);
    const status = (
      await call<EC2.DescribeInstanceStatusResult>('DescribeInstanceStatus', { InstanceIds: [id] })
    ).InstanceStatuses![0]!;
    expect(status.SystemStatus!.Status).toBe('impaired');
    await elapse(10_000);
    expect((await instance(id)).State!.Name).toBe('stopping');
    await elapse(8000);
    const stopped = await instance(id);
    expect(stopped.State!.Name).toBe('stopped');
    expect(stopped.StateReason!.Code).toBe('Server.InternalError');
    expect(
      await call<EC2.StartInstancesResult>('StartInstances', { InstanceIds: [id] }).catch(
        (e: { code: string }) => e.code,
      ),
    ).toBe('InsufficientInstanceCapacity');
    await handlers['lab.hosts.restore']({ zone: 'us-east-1a' });
    await call('StartInstances', { InstanceIds: [id] });
    await elapse(6000);
    expect((await instance(id)).State!.Name).toBe('running');
  });
});

describe('addresses, volumes, tags and paging', () => {
  it('keeps an Elastic IP across stop and start', async () => {
    const { call, fail, elapse, ami, instance } = await lab();
    const r = await call<EC2.Reservation>('RunInstances', {
      ImageId: await ami(),
      InstanceType: 't3.micro',
      MinCount: 1,
      MaxCount: 1,
    });
    const id = r.Instances![0]!.InstanceId!;
    const eip = await call<EC2.AllocateAddressResult>('AllocateAddress', { Domain: 'vpc' });
    const assoc = await call<EC2.AssociateAddressResult>('AssociateAddress', {
      AllocationId: eip.AllocationId,
      InstanceId: id,
    });
    expect((await instance(id)).PublicIpAddress).toBe(eip.PublicIp);
    await elapse(6000);
    await call('StopInstances', { InstanceIds: [id] });
    await elapse(8000);
    expect((await instance(id)).PublicIpAddress).toBe(eip.PublicIp);
    expect((await fail('ReleaseAddress', { AllocationId: eip.AllocationId })).code).toBe(
      'InvalidIPAddress.InUse',
    );
    await call('DisassociateAddress', { AssociationId: assoc.AssociationId });
    expect((await instance(id)).PublicIpAddress).toBeUndefined();
    await call('ReleaseAddress', { AllocationId: eip.AllocationId });
    expect((await call<EC2.DescribeAddressesResult>('DescribeAddresses')).Addresses).toEqual([]);
  });

  it('creates, attaches, detaches and snapshots volumes on the clock', async () => {
    const { call, fail, elapse, ami } = await lab();
    const r = await call<EC2.Reservation>('RunInstances', {
      ImageId: await ami(),
      InstanceType: 't3.micro',
      MinCount: 1,
      MaxCount: 1,
      Placement: { AvailabilityZone: 'us-east-1a' },
    });
    const id = r.Instances![0]!.InstanceId!;
    await elapse(6000);
    const volume = await call<EC2.Volume>('CreateVolume', {
      AvailabilityZone: 'us-east-1a',
      Size: 20,
      VolumeType: 'gp3',
    });
    expect(volume).toMatchObject({ State: 'creating', Size: 20, Iops: 3000, Throughput: 125 });
    expect(
      (await fail('AttachVolume', { VolumeId: volume.VolumeId, InstanceId: id, Device: '/dev/sdf' })).code,
    ).toBe('IncorrectState');
    await elapse(2000);
    const attached = await call<EC2.VolumeAttachment>('AttachVolume', {
      VolumeId: volume.VolumeId,
      InstanceId: id,
      Device: '/dev/sdf',
    });
    expect(attached.State).toBe('attaching');
    await elapse(1000);
    const described = (
      await call<EC2.DescribeVolumesResult>('DescribeVolumes', { VolumeIds: [volume.VolumeId] })
    ).Volumes![0]!;
    expect(described.Attachments![0]!.State).toBe('attached');
    expect((await fail('DeleteVolume', { VolumeId: volume.VolumeId })).code).toBe('VolumeInUse');
    const other = await call<EC2.Volume>('CreateVolume', { AvailabilityZone: 'us-east-1b', Size: 1 });
    await elapse(2000);
    expect(
      (await fail('AttachVolume', { VolumeId: other.VolumeId, InstanceId: id, Device: '/dev/sdg' })).code,
    ).toBe('InvalidVolume.ZoneMismatch');
    const snapshot = await call<EC2.Snapshot>('CreateSnapshot', {
      VolumeId: volume.VolumeId,
      Description: 'before upgrade',
    });
    expect(snapshot.State).toBe('pending');
    await call('DetachVolume', { VolumeId: volume.VolumeId });
    await elapse(5000);
    expect(
      (await call<EC2.DescribeSnapshotsResult>('DescribeSnapshots', { OwnerIds: ['self'] })).Snapshots![0],
    ).toMatchObject({ State: 'completed', Progress: '100%' });
    await call('DeleteVolume', { VolumeId: volume.VolumeId });
  });

  it('tags resources and filters and pages by them', async () => {
    const { call, fail, ami } = await lab();
    const r = await call<EC2.Reservation>('RunInstances', {
      ImageId: await ami(),
      InstanceType: 't3.micro',
      MinCount: 7,
      MaxCount: 7,
    });
    const ids = r.Instances!.map((i) => i.InstanceId!);
    await call('CreateTags', { Resources: ids.slice(0, 3), Tags: [{ Key: 'tier', Value: 'web' }] });
    await call('CreateTags', { Resources: ids.slice(3), Tags: [{ Key: 'tier', Value: 'db' }] });
    const web = await call<EC2.DescribeInstancesResult>('DescribeInstances', {
      Filters: [{ Name: 'tag:tier', Values: ['web'] }],
    });
    expect(web.Reservations![0]!.Instances!.map((i) => i.InstanceId)).toEqual(ids.slice(0, 3));
    const tags = await call<EC2.DescribeTagsResult>('DescribeTags', {
      Filters: [{ Name: 'value', Values: ['db'] }],
    });
    expect(tags.Tags!.map((t) => t.ResourceId)).toEqual(ids.slice(3).sort()); // listed by resource ID
    await call('DeleteTags', { Resources: ids, Tags: [{ Key: 'tier' }] });
    expect((await call<EC2.DescribeTagsResult>('DescribeTags')).Tags).toEqual([]);
    expect(
      (await fail('CreateTags', { Resources: ['i-0123456789abcdef0'], Tags: [{ Key: 'a', Value: 'b' }] }))
        .code,
    ).toBe('InvalidInstanceID.NotFound');
    expect(
      (await fail('CreateTags', { Resources: [ids[0]], Tags: [{ Key: 'aws:x', Value: 'b' }] })).code,
    ).toBe('InvalidParameterValue');
    // One reservation of 7 instances: MaxResults counts instances, so it spans two pages.
    const page = await call<EC2.DescribeInstancesResult>('DescribeInstances', { MaxResults: 5 });
    expect(page.Reservations!.map((r) => r.Instances!.length)).toEqual([5]);
    const rest = await call<EC2.DescribeInstancesResult>('DescribeInstances', {
      MaxResults: 5,
      NextToken: page.NextToken,
    });
    expect(rest.Reservations!.map((r) => [r.ReservationId, r.Instances!.length])).toEqual([
      [page.Reservations![0]!.ReservationId, 2],
    ]);
    expect(rest.NextToken).toBeUndefined();
    expect((await fail('DescribeInstances', { MaxResults: 2 })).message).toContain(
      'Expecting a value between 5 and 1000',
    );
  });
});

describe('security groups and reachability', () => {
  it('manages rules with AWS errors and decides reachability from them', async () => {
    const { cloud, call, fail, elapse, ami } = await lab();
    const web = (
      await call<EC2.CreateSecurityGroupResult>('CreateSecurityGroup', {
        GroupName: 'web',
        Description: 'web tier',
      })
    ).GroupId!;
    expect((await fail('CreateSecurityGroup', { GroupName: 'web', Description: 'again' })).code).toBe(
      'InvalidGroup.Duplicate',
    );
    const added = await call<EC2.AuthorizeSecurityGroupIngressResult>('AuthorizeSecurityGroupIngress', {
      GroupId: web,
      IpPermissions: [
        {
          IpProtocol: 'tcp',
          FromPort: 80,
          ToPort: 80,
          IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'HTTP' }],
        },
      ],
    });
    expect(added.SecurityGroupRules![0]).toMatchObject({
      IpProtocol: 'tcp',
      FromPort: 80,
      ToPort: 80,
      CidrIpv4: '0.0.0.0/0',
      IsEgress: false,
    });
    expect(
      (
        await fail('AuthorizeSecurityGroupIngress', {
          GroupId: web,
          IpProtocol: 'tcp',
          FromPort: 80,
          ToPort: 80,
          CidrIp: '0.0.0.0/0',
        })
      ).message,
    ).toBe('the specified rule "peer: 0.0.0.0/0, TCP, from port: 80, to port: 80, ALLOW" already exists');
    const image = await ami();
    const server = (
      await call<EC2.Reservation>('RunInstances', {
        ImageId: image,
        InstanceType: 't3.micro',
        MinCount: 1,
        MaxCount: 1,
        SecurityGroupIds: [web],
      })
    ).Instances![0]!;
    const client = (
      await call<EC2.Reservation>('RunInstances', {
        ImageId: image,
        InstanceType: 't3.micro',
        MinCount: 1,
        MaxCount: 1,
      })
    ).Instances![0]!;
    const internet = { kind: 'internet' as const, ip: '203.0.113.9' };
    const target = (ip: string) => ({ account: '123456789012', region: 'us-east-1', ip });
    expect(reach(cloud, internet, target(server.PublicIpAddress!), 'tcp', 80)).toMatchObject({
      reachable: false,
      outcome: 'timeout',
    });
    await elapse(6000);
    expect(reach(cloud, internet, target(server.PublicIpAddress!), 'tcp', 80)).toEqual({
      reachable: true,
      instanceId: server.InstanceId,
    });
    expect(reach(cloud, internet, target(server.PublicIpAddress!), 'tcp', 22)).toMatchObject({
      reachable: false,
      reason: expect.stringContaining('do not allow tcp/22 in'),
    });
    const fromClient = {
      kind: 'instance' as const,
      account: '123456789012',
      region: 'us-east-1',
      instanceId: client.InstanceId!,
    };
    expect(reach(cloud, fromClient, target(server.PrivateIpAddress!), 'tcp', 80).reachable).toBe(true);
    expect(reach(cloud, internet, target(server.PrivateIpAddress!), 'tcp', 80).reachable).toBe(false);

    // Open 5432 only to members of the client's (default) group: private traffic only.
    const defaultGroup = client.SecurityGroups![0]!.GroupId!;
    await call('AuthorizeSecurityGroupIngress', {
      GroupId: web,
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: defaultGroup }] },
      ],
    });
    expect(reach(cloud, fromClient, target(server.PrivateIpAddress!), 'tcp', 5432).reachable).toBe(true);
    expect(reach(cloud, fromClient, target(server.PublicIpAddress!), 'tcp', 5432).reachable).toBe(false);
    expect((await fail('DeleteSecurityGroup', { GroupId: defaultGroup })).code).toBe('CannotDelete');
    expect((await fail('DeleteSecurityGroup', { GroupId: web })).code).toBe('DependencyViolation');

    await call('RevokeSecurityGroupIngress', {
      GroupId: web,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    });
    expect(reach(cloud, internet, target(server.PublicIpAddress!), 'tcp', 80).reachable).toBe(false);
    expect(
      (
        await fail('RevokeSecurityGroupIngress', {
          GroupId: web,
          IpProtocol: 'tcp',
          FromPort: 80,
          ToPort: 80,
          CidrIp: '0.0.0.0/0',
        })
      ).code,
    ).toBe('InvalidPermission.NotFound');
    const rules = await call<EC2.DescribeSecurityGroupRulesResult>('DescribeSecurityGroupRules', {
      Filters: [{ Name: 'group-id', Values: [web] }],
    });
    expect(rules.SecurityGroupRules!.map((r) => [r.IsEgress, r.IpProtocol, r.FromPort])).toEqual([
      [true, '-1', -1],
      [false, 'tcp', 5432],
    ]);
  });
});

describe('persistence, isolation and determinism', () => {
  it('keeps instances across a restart and finishes transitions that were under way', async () => {
    const dir = workspaceDir();
    const first = await lab({ dataDir: dir });
    const id = (
      await first.call<EC2.Reservation>('RunInstances', {
        ImageId: await first.ami(),
        InstanceType: 't3.micro',
        MinCount: 1,
        MaxCount: 1,
      })
    ).Instances![0]!.InstanceId!;
    await first.close();
    const second = await lab({ dataDir: dir });
    expect((await second.instance(id)).State!.Name).toBe('pending');
    await second.elapse(6000);
    expect((await second.instance(id)).State!.Name).toBe('running');
  });

  it('keeps Regions apart', async () => {
    const { call, fail, ami } = await lab();
    const id = (
      await call<EC2.Reservation>('RunInstances', {
        ImageId: await ami(),
        InstanceType: 't3.micro',
        MinCount: 1,
        MaxCount: 1,
      })
    ).Instances![0]!.InstanceId!;
    expect((await fail('DescribeInstances', { InstanceIds: [id] }, 'eu-west-1')).code).toBe(
      'InvalidInstanceID.NotFound',
    );
    await call('CreateKeyPair', { KeyName: 'same' });
    await call('CreateKeyPair', { KeyName: 'same' }, 'eu-west-1');
    expect(
      (
        await fail(
          'RunInstances',
          { ImageId: await ami(), InstanceType: 't3.micro', MinCount: 1, MaxCount: 1 },
          'eu-west-1',
        )
      ).code,
    ).toBe('InvalidAMIID.NotFound');
    const dublin = (await call<EC2.DescribeVpcsResult>('DescribeVpcs', {}, 'eu-west-1')).Vpcs![0]!;
    const virginia = (await call<EC2.DescribeVpcsResult>('DescribeVpcs')).Vpcs![0]!;
    expect(dublin.VpcId).not.toBe(virginia.VpcId);
  });

  it('gives the same IDs and addresses for the same steps with the same seed', async () => {
    const steps = async () => {
      const { call, ami } = await lab({ seed: '7' });
      await call('CreateKeyPair', { KeyName: 'k' });
      const r = await call<EC2.Reservation>('RunInstances', {
        ImageId: await ami(),
        InstanceType: 't3.micro',
        MinCount: 2,
        MaxCount: 2,
      });
      return r.Instances!.map((i) => [
        i.InstanceId,
        i.PrivateIpAddress,
        i.PublicIpAddress,
        i.Placement!.HostId,
        i.NetworkInterfaces![0]!.MacAddress,
      ]);
    };
    expect(await steps()).toEqual(await steps());
  });
});
