/**
 * Amazon EC2 through the AWS SDK for JavaScript v3 against `cloudlab serve`: every operation
 * of the EC2 issue, its error codes, persistence across a restart and Region isolation. The
 * simulated clock runs at 200× so instances boot in milliseconds.
 */
import * as EC2 from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure } from '../support/failure';
import { credentials, labCall, serve, type Served } from '../support/serve';
import { al2023Ami } from '../support/ssh';
import { tempDir } from '../support/temp';

const workspace = tempDir('cloudlab-ec2-');
let lab: Served;
let ec2: EC2.EC2Client;

async function start() {
  lab = await serve([], { dataDir: workspace.dir });
  ec2 = client('us-east-1');
  await labCall(lab.endpoint, 'lab.clock', { speed: 200 });
}

function client(region: string) {
  return new EC2.EC2Client({ endpoint: lab.endpoint, region, credentials, maxAttempts: 1 });
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const state = async (id: string) =>
  (await ec2.send(new EC2.DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!.Instances![0]!;
const waitState = (id: string, name: string) =>
  until(
    () => state(id),
    (i) => i.State?.Name === name,
    `${id} ${name}`,
  );

let ami: string;
beforeAll(async () => {
  await start();
  ami = await al2023Ami(ec2);
});
afterAll(async () => {
  await lab?.stop();
  workspace.cleanup();
});

describe('images and instance types', () => {
  it('DescribeImages lists the Region catalogue with filters', async () => {
    const all = await ec2.send(
      new EC2.DescribeImagesCommand({ Owners: ['amazon', '099720109477', '136693071363'] }),
    );
    expect(all.Images!.length).toBe(10);
    const ubuntu = await ec2.send(
      new EC2.DescribeImagesCommand({
        Filters: [
          { Name: 'name', Values: ['ubuntu/images/*noble*'] },
          { Name: 'architecture', Values: ['arm64'] },
        ],
      }),
    );
    expect(ubuntu.Images).toHaveLength(1);
    expect(ubuntu.Images![0]).toMatchObject({
      OwnerId: '099720109477',
      RootDeviceName: '/dev/sda1',
      State: 'available',
      Public: true,
    });
    expect(
      await failure(ec2.send(new EC2.DescribeImagesCommand({ ImageIds: ['ami-0123456789abcdef0'] }))),
    ).toMatchObject({ name: 'InvalidAMIID.NotFound' });
  });

  it('DescribeInstanceTypes answers with AWS values and filters', async () => {
    const t = await ec2.send(
      new EC2.DescribeInstanceTypesCommand({ InstanceTypes: ['t3.micro', 'm5.large'] }),
    );
    const micro = t.InstanceTypes!.find((x) => x.InstanceType === 't3.micro')!;
    expect(micro).toMatchObject({
      VCpuInfo: { DefaultVCpus: 2 },
      MemoryInfo: { SizeInMiB: 1024 },
      FreeTierEligible: true,
      Hypervisor: 'nitro',
      BurstablePerformanceSupported: true,
    });
    const arm = await ec2.send(
      new EC2.DescribeInstanceTypesCommand({
        Filters: [{ Name: 'processor-info.supported-architecture', Values: ['arm64'] }],
        MaxResults: 100,
      }),
    );
    expect(arm.InstanceTypes!.every((x) => x.ProcessorInfo!.SupportedArchitectures!.includes('arm64'))).toBe(
      true,
    );
    expect(
      await failure(
        ec2.send(new EC2.DescribeInstanceTypesCommand({ InstanceTypes: ['x9.huge' as EC2._InstanceType] })),
      ),
    ).toMatchObject({ name: 'InvalidParameterValue' });
  });
});

describe('key pairs', () => {
  it('creates RSA and ED25519 key pairs, imports, describes and deletes them', async () => {
    const rsa = await ec2.send(
      new EC2.CreateKeyPairCommand({
        KeyName: 'rsa-key',
        TagSpecifications: [{ ResourceType: 'key-pair', Tags: [{ Key: 'owner', Value: 'me' }] }],
      }),
    );
    expect(rsa.KeyMaterial).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    expect(rsa.KeyFingerprint).toMatch(/^([0-9a-f]{2}:){19}[0-9a-f]{2}$/);
    const ed = await ec2.send(new EC2.CreateKeyPairCommand({ KeyName: 'ed-key', KeyType: 'ed25519' }));
    expect(ed.KeyMaterial).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----/);
    const described = await ec2.send(
      new EC2.DescribeKeyPairsCommand({ KeyNames: ['ed-key'], IncludePublicKey: true }),
    );
    const publicKey = described.KeyPairs![0]!.PublicKey!;
    expect(publicKey).toMatch(/^ssh-ed25519 AAAA/);
    const imported = await ec2.send(
      new EC2.ImportKeyPairCommand({
        KeyName: 'imported',
        PublicKeyMaterial: new TextEncoder().encode(publicKey),
      }),
    );
    expect(imported.KeyFingerprint).toBe(ed.KeyFingerprint);
    const tagged = await ec2.send(
      new EC2.DescribeKeyPairsCommand({ Filters: [{ Name: 'tag:owner', Values: ['me'] }] }),
    );
    expect(tagged.KeyPairs!.map((k) => k.KeyName)).toEqual(['rsa-key']);
    expect(await failure(ec2.send(new EC2.CreateKeyPairCommand({ KeyName: 'rsa-key' })))).toMatchObject({
      name: 'InvalidKeyPair.Duplicate',
      message: "The keypair 'rsa-key' already exists.",
    });
    expect(
      await failure(
        ec2.send(
          new EC2.ImportKeyPairCommand({
            KeyName: 'bad',
            PublicKeyMaterial: new TextEncoder().encode('not a key'),
          }),
        ),
      ),
    ).toMatchObject({ name: 'InvalidKey.Format' });
    await ec2.send(new EC2.DeleteKeyPairCommand({ KeyName: 'imported' }));
    expect(
      await failure(ec2.send(new EC2.DescribeKeyPairsCommand({ KeyNames: ['imported'] }))),
    ).toMatchObject({ name: 'InvalidKeyPair.NotFound', message: "The key pair 'imported' does not exist" });
  });
});

describe('networking', () => {
  it('builds a VPC with a public subnet, and takes it apart again', async () => {
    const vpc = (
      await ec2.send(
        new EC2.CreateVpcCommand({
          CidrBlock: '10.20.0.0/16',
          TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: 'lab' }] }],
        }),
      )
    ).Vpc!;
    const subnet = (
      await ec2.send(
        new EC2.CreateSubnetCommand({
          VpcId: vpc.VpcId,
          CidrBlock: '10.20.1.0/24',
          AvailabilityZone: 'us-east-1c',
        }),
      )
    ).Subnet!;
    await ec2.send(
      new EC2.ModifySubnetAttributeCommand({
        SubnetId: subnet.SubnetId,
        MapPublicIpOnLaunch: { Value: true },
      }),
    );
    const igw = (await ec2.send(new EC2.CreateInternetGatewayCommand({}))).InternetGateway!;
    await ec2.send(
      new EC2.AttachInternetGatewayCommand({ InternetGatewayId: igw.InternetGatewayId, VpcId: vpc.VpcId }),
    );
    const attached = await ec2.send(
      new EC2.DescribeInternetGatewaysCommand({
        Filters: [{ Name: 'attachment.vpc-id', Values: [vpc.VpcId!] }],
      }),
    );
    expect(attached.InternetGateways!.map((g) => [g.InternetGatewayId, g.Attachments])).toEqual([
      [igw.InternetGatewayId, [{ State: 'available', VpcId: vpc.VpcId }]],
    ]);
    const rtb = (await ec2.send(new EC2.CreateRouteTableCommand({ VpcId: vpc.VpcId }))).RouteTable!;
    await ec2.send(
      new EC2.CreateRouteCommand({
        RouteTableId: rtb.RouteTableId,
        DestinationCidrBlock: '0.0.0.0/0',
        GatewayId: igw.InternetGatewayId,
      }),
    );
    const assoc = await ec2.send(
      new EC2.AssociateRouteTableCommand({ RouteTableId: rtb.RouteTableId, SubnetId: subnet.SubnetId }),
    );
    const tables = await ec2.send(
      new EC2.DescribeRouteTablesCommand({
        Filters: [{ Name: 'association.subnet-id', Values: [subnet.SubnetId!] }],
      }),
    );
    expect(tables.RouteTables![0]!.Routes!.map((r) => r.GatewayId)).toEqual(['local', igw.InternetGatewayId]);
    const subnets = await ec2.send(
      new EC2.DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc.VpcId!] }] }),
    );
    expect(subnets.Subnets![0]).toMatchObject({ MapPublicIpOnLaunch: true, AvailableIpAddressCount: 251 });
    const named = await ec2.send(
      new EC2.DescribeVpcsCommand({ Filters: [{ Name: 'tag:Name', Values: ['lab'] }] }),
    );
    expect(named.Vpcs!.map((v) => v.VpcId)).toEqual([vpc.VpcId]);
    expect(await failure(ec2.send(new EC2.DeleteVpcCommand({ VpcId: vpc.VpcId })))).toMatchObject({
      name: 'DependencyViolation',
    });
    await ec2.send(new EC2.DisassociateRouteTableCommand({ AssociationId: assoc.AssociationId }));
    await ec2.send(
      new EC2.DeleteRouteCommand({ RouteTableId: rtb.RouteTableId, DestinationCidrBlock: '0.0.0.0/0' }),
    );
    await ec2.send(new EC2.DeleteRouteTableCommand({ RouteTableId: rtb.RouteTableId }));
    await ec2.send(
      new EC2.DetachInternetGatewayCommand({ InternetGatewayId: igw.InternetGatewayId, VpcId: vpc.VpcId }),
    );
    await ec2.send(new EC2.DeleteInternetGatewayCommand({ InternetGatewayId: igw.InternetGatewayId }));
    await ec2.send(new EC2.DeleteSubnetCommand({ SubnetId: subnet.SubnetId }));
    await ec2.send(new EC2.DeleteVpcCommand({ VpcId: vpc.VpcId }));
    expect(
      await failure(ec2.send(new EC2.DescribeSubnetsCommand({ SubnetIds: [subnet.SubnetId!] }))),
    ).toMatchObject({ name: 'InvalidSubnetID.NotFound' });
  });
});

describe('security groups', () => {
  it('creates groups, authorizes and revokes rules, and refuses duplicates', async () => {
    const group = await ec2.send(
      new EC2.CreateSecurityGroupCommand({ GroupName: 'api-web', Description: 'web' }),
    );
    await ec2.send(
      new EC2.AuthorizeSecurityGroupIngressCommand({
        GroupId: group.GroupId,
        IpPermissions: [
          {
            IpProtocol: 'tcp',
            FromPort: 22,
            ToPort: 22,
            IpRanges: [{ CidrIp: '203.0.113.0/24', Description: 'office' }],
          },
          { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        ],
      }),
    );
    await ec2.send(
      new EC2.AuthorizeSecurityGroupEgressCommand({
        GroupId: group.GroupId,
        IpPermissions: [
          { IpProtocol: 'udp', FromPort: 53, ToPort: 53, IpRanges: [{ CidrIp: '10.0.0.2/32' }] },
        ],
      }),
    );
    const described = (await ec2.send(new EC2.DescribeSecurityGroupsCommand({ GroupIds: [group.GroupId!] })))
      .SecurityGroups![0]!;
    expect(described.IpPermissions!.map((p) => [p.IpProtocol, p.FromPort, p.IpRanges![0]!.CidrIp])).toEqual([
      ['tcp', 22, '203.0.113.0/24'],
      ['tcp', 80, '0.0.0.0/0'],
    ]);
    expect(described.IpPermissionsEgress).toHaveLength(2);
    const byPort = await ec2.send(
      new EC2.DescribeSecurityGroupsCommand({
        Filters: [{ Name: 'ip-permission.from-port', Values: ['22'] }],
      }),
    );
    expect(byPort.SecurityGroups!.map((g) => g.GroupId)).toEqual([group.GroupId]);
    const rules = await ec2.send(
      new EC2.DescribeSecurityGroupRulesCommand({
        Filters: [{ Name: 'group-id', Values: [group.GroupId!] }],
      }),
    );
    expect(rules.SecurityGroupRules).toHaveLength(4);
    expect(
      await failure(
        ec2.send(
          new EC2.AuthorizeSecurityGroupIngressCommand({
            GroupId: group.GroupId,
            IpProtocol: 'tcp',
            FromPort: 80,
            ToPort: 80,
            CidrIp: '0.0.0.0/0',
          }),
        ),
      ),
    ).toMatchObject({ name: 'InvalidPermission.Duplicate' });
    await ec2.send(
      new EC2.RevokeSecurityGroupIngressCommand({
        GroupId: group.GroupId,
        IpProtocol: 'tcp',
        FromPort: 80,
        ToPort: 80,
        CidrIp: '0.0.0.0/0',
      }),
    );
    await ec2.send(
      new EC2.RevokeSecurityGroupEgressCommand({
        GroupId: group.GroupId,
        IpPermissions: [
          { IpProtocol: 'udp', FromPort: 53, ToPort: 53, IpRanges: [{ CidrIp: '10.0.0.2/32' }] },
        ],
      }),
    );
    expect(
      await failure(
        ec2.send(new EC2.CreateSecurityGroupCommand({ GroupName: 'api-web', Description: 'again' })),
      ),
    ).toMatchObject({ name: 'InvalidGroup.Duplicate' });
    expect(
      await failure(ec2.send(new EC2.DescribeSecurityGroupsCommand({ GroupIds: ['sg-0123456789abcdef0'] }))),
    ).toMatchObject({ name: 'InvalidGroup.NotFound' });
    await ec2.send(new EC2.DeleteSecurityGroupCommand({ GroupId: group.GroupId }));
  });
});

describe('instances', () => {
  let id: string;

  it('run with user data, tags, a key, groups and an extra volume, then go running', async () => {
    await ec2.send(new EC2.CreateKeyPairCommand({ KeyName: 'launch-key' }));
    const group = await ec2.send(
      new EC2.CreateSecurityGroupCommand({ GroupName: 'launch-web', Description: 'web' }),
    );
    const userData = Buffer.from('#!/bin/bash\ndnf install -y httpd\n').toString('base64');
    const reservation = await ec2.send(
      new EC2.RunInstancesCommand({
        ImageId: ami,
        InstanceType: 't3.micro',
        MinCount: 1,
        MaxCount: 1,
        KeyName: 'launch-key',
        SecurityGroupIds: [group.GroupId!],
        UserData: userData,
        IamInstanceProfile: { Name: 'web-role' },
        BlockDeviceMappings: [
          { DeviceName: '/dev/xvda', Ebs: { VolumeSize: 12 } },
          { DeviceName: '/dev/sdf', Ebs: { VolumeSize: 5, VolumeType: 'gp3' } },
        ],
        TagSpecifications: [
          { ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'api-web' }] },
          { ResourceType: 'volume', Tags: [{ Key: 'app', Value: 'web' }] },
        ],
      }),
    );
    id = reservation.Instances![0]!.InstanceId!;
    expect(reservation.Instances![0]).toMatchObject({
      State: { Name: 'pending' },
      IamInstanceProfile: { Arn: 'arn:aws:iam::123456789012:instance-profile/web-role' },
    });
    const running = await waitState(id, 'running');
    expect(running.BlockDeviceMappings!.map((b) => b.DeviceName)).toEqual(['/dev/xvda', '/dev/sdf']);
    const attr = await ec2.send(
      new EC2.DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: 'userData' }),
    );
    expect(Buffer.from(attr.UserData!.Value!, 'base64').toString()).toContain('dnf install -y httpd');
    const volumes = await ec2.send(
      new EC2.DescribeVolumesCommand({ Filters: [{ Name: 'tag:app', Values: ['web'] }] }),
    );
    expect(volumes.Volumes!.map((v) => v.Size).sort()).toEqual([12, 5]);
  });

  it('filter, page, report status and console output', async () => {
    const filtered = await ec2.send(
      new EC2.DescribeInstancesCommand({
        Filters: [
          { Name: 'tag:Name', Values: ['api-web'] },
          { Name: 'instance-state-name', Values: ['running'] },
        ],
      }),
    );
    expect(filtered.Reservations![0]!.Instances![0]!.InstanceId).toBe(id);
    const status = await until(
      () => ec2.send(new EC2.DescribeInstanceStatusCommand({ InstanceIds: [id] })),
      (s) => s.InstanceStatuses?.[0]?.InstanceStatus?.Status === 'ok',
      'status checks',
    );
    expect(status.InstanceStatuses![0]!.SystemStatus!.Status).toBe('ok');
    const output = await ec2.send(new EC2.GetConsoleOutputCommand({ InstanceId: id }));
    expect(Buffer.from(output.Output!, 'base64').toString()).toContain('Cloud-init');
    await ec2.send(new EC2.RebootInstancesCommand({ InstanceIds: [id] }));
    expect(
      await failure(ec2.send(new EC2.DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] }))),
    ).toMatchObject({ name: 'InvalidInstanceID.NotFound' });
    expect(
      await failure(ec2.send(new EC2.DescribeInstancesCommand({ InstanceIds: ['web-1'] }))),
    ).toMatchObject({ name: 'InvalidInstanceID.Malformed', message: 'Invalid id: "web-1"' });
  });

  it('stop, change type, start, and terminate, with AWS state errors', async () => {
    expect(
      await failure(
        ec2.send(
          new EC2.ModifyInstanceAttributeCommand({ InstanceId: id, InstanceType: { Value: 't3.small' } }),
        ),
      ),
    ).toMatchObject({ name: 'IncorrectInstanceState' });
    await ec2.send(new EC2.StopInstancesCommand({ InstanceIds: [id] }));
    await waitState(id, 'stopped');
    await ec2.send(
      new EC2.ModifyInstanceAttributeCommand({ InstanceId: id, InstanceType: { Value: 't3.small' } }),
    );
    const started = await ec2.send(new EC2.StartInstancesCommand({ InstanceIds: [id] }));
    expect(started.StartingInstances![0]).toMatchObject({
      PreviousState: { Name: 'stopped' },
      CurrentState: { Name: 'pending' },
    });
    expect((await waitState(id, 'running')).InstanceType).toBe('t3.small');
    const terminated = await ec2.send(new EC2.TerminateInstancesCommand({ InstanceIds: [id] }));
    expect(terminated.TerminatingInstances![0]!.CurrentState!.Name).toBe('shutting-down');
    await waitState(id, 'terminated');
    expect(await failure(ec2.send(new EC2.StartInstancesCommand({ InstanceIds: [id] })))).toMatchObject({
      name: 'IncorrectInstanceState',
    });
  });

  it('refuses bad launches with AWS error codes', async () => {
    const base = { ImageId: ami, InstanceType: 't3.micro' as const, MinCount: 1, MaxCount: 1 };
    expect(
      await failure(ec2.send(new EC2.RunInstancesCommand({ ...base, ImageId: 'ami-0123456789abcdef0' }))),
    ).toMatchObject({ name: 'InvalidAMIID.NotFound' });
    expect(await failure(ec2.send(new EC2.RunInstancesCommand({ ...base, KeyName: 'nope' })))).toMatchObject({
      name: 'InvalidKeyPair.NotFound',
    });
    expect(
      await failure(ec2.send(new EC2.RunInstancesCommand({ ...base, InstanceType: 'm5.24xlarge' }))),
    ).toMatchObject({ name: 'VcpuLimitExceeded' });
    expect(
      await failure(ec2.send(new EC2.RunInstancesCommand({ ...base, InstanceType: 't4g.micro' }))),
    ).toMatchObject({ name: 'InvalidParameterValue' });
    await labCall(lab.endpoint, 'lab.hosts.fail', { zone: 'us-east-1f' });
    expect(
      await failure(
        ec2.send(new EC2.RunInstancesCommand({ ...base, Placement: { AvailabilityZone: 'us-east-1f' } })),
      ),
    ).toMatchObject({ name: 'InsufficientInstanceCapacity', status: 500 });
    await labCall(lab.endpoint, 'lab.hosts.restore', { zone: 'us-east-1f' });
    expect(
      (
        await ec2.send(
          new EC2.RunInstancesCommand({ ...base, Placement: { AvailabilityZone: 'us-east-1f' } }),
        )
      ).Instances,
    ).toHaveLength(1);
  });
});

describe('EBS, Elastic IPs and tags', () => {
  it('volumes and snapshots', async () => {
    const instance = (
      await ec2.send(
        new EC2.RunInstancesCommand({
          ImageId: ami,
          InstanceType: 't3.micro',
          MinCount: 1,
          MaxCount: 1,
          Placement: { AvailabilityZone: 'us-east-1d' },
        }),
      )
    ).Instances![0]!;
    await waitState(instance.InstanceId!, 'running');
    const volume = await ec2.send(
      new EC2.CreateVolumeCommand({
        AvailabilityZone: 'us-east-1d',
        Size: 10,
        VolumeType: 'gp3',
        TagSpecifications: [{ ResourceType: 'volume', Tags: [{ Key: 'Name', Value: 'data' }] }],
      }),
    );
    await until(
      () => ec2.send(new EC2.DescribeVolumesCommand({ VolumeIds: [volume.VolumeId!] })),
      (v) => v.Volumes![0]!.State === 'available',
      'volume available',
    );
    await ec2.send(
      new EC2.AttachVolumeCommand({
        VolumeId: volume.VolumeId,
        InstanceId: instance.InstanceId,
        Device: '/dev/sdh',
      }),
    );
    await until(
      () => ec2.send(new EC2.DescribeVolumesCommand({ VolumeIds: [volume.VolumeId!] })),
      (v) => v.Volumes![0]!.Attachments?.[0]?.State === 'attached',
      'attached',
    );
    const snapshot = await ec2.send(
      new EC2.CreateSnapshotCommand({ VolumeId: volume.VolumeId, Description: 'nightly' }),
    );
    await until(
      () => ec2.send(new EC2.DescribeSnapshotsCommand({ SnapshotIds: [snapshot.SnapshotId!] })),
      (s) => s.Snapshots![0]!.State === 'completed',
      'snapshot',
    );
    await ec2.send(new EC2.DetachVolumeCommand({ VolumeId: volume.VolumeId }));
    await until(
      () => ec2.send(new EC2.DescribeVolumesCommand({ VolumeIds: [volume.VolumeId!] })),
      (v) => v.Volumes![0]!.State === 'available',
      'detached',
    );
    await ec2.send(new EC2.DeleteVolumeCommand({ VolumeId: volume.VolumeId }));
    await ec2.send(new EC2.DeleteSnapshotCommand({ SnapshotId: snapshot.SnapshotId }));
    expect(
      await failure(ec2.send(new EC2.DescribeVolumesCommand({ VolumeIds: [volume.VolumeId!] }))),
    ).toMatchObject({ name: 'InvalidVolume.NotFound' });
  });

  it('Elastic IPs and tags', async () => {
    const instance = (
      await ec2.send(
        new EC2.RunInstancesCommand({ ImageId: ami, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1 }),
      )
    ).Instances![0]!;
    const address = await ec2.send(new EC2.AllocateAddressCommand({ Domain: 'vpc' }));
    const association = await ec2.send(
      new EC2.AssociateAddressCommand({
        AllocationId: address.AllocationId,
        InstanceId: instance.InstanceId,
      }),
    );
    const described = await ec2.send(
      new EC2.DescribeAddressesCommand({
        Filters: [{ Name: 'instance-id', Values: [instance.InstanceId!] }],
      }),
    );
    expect(described.Addresses![0]).toMatchObject({
      PublicIp: address.PublicIp,
      AssociationId: association.AssociationId,
      Domain: 'vpc',
    });
    expect((await state(instance.InstanceId!)).PublicIpAddress).toBe(address.PublicIp);
    await ec2.send(new EC2.DisassociateAddressCommand({ AssociationId: association.AssociationId }));
    await ec2.send(new EC2.ReleaseAddressCommand({ AllocationId: address.AllocationId }));
    await ec2.send(
      new EC2.CreateTagsCommand({ Resources: [instance.InstanceId!], Tags: [{ Key: 'env', Value: 'test' }] }),
    );
    const tags = await ec2.send(
      new EC2.DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [instance.InstanceId!] }] }),
    );
    expect(tags.Tags).toEqual([
      { Key: 'env', ResourceId: instance.InstanceId, ResourceType: 'instance', Value: 'test' },
    ]);
    await ec2.send(new EC2.DeleteTagsCommand({ Resources: [instance.InstanceId!], Tags: [{ Key: 'env' }] }));
    expect(
      (
        await ec2.send(
          new EC2.DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [instance.InstanceId!] }] }),
        )
      ).Tags,
    ).toEqual([]);
  });
});

describe('persistence and isolation', () => {
  it('keeps everything across a restart, and keeps Regions apart', async () => {
    const before = await ec2.send(
      new EC2.DescribeInstancesCommand({
        Filters: [{ Name: 'instance-state-name', Values: ['running', 'pending'] }],
      }),
    );
    const ids = before.Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId)).sort();
    expect(ids.length).toBeGreaterThan(0);
    await lab.stop();
    await start();
    const after = await ec2.send(
      new EC2.DescribeInstancesCommand({
        Filters: [{ Name: 'instance-state-name', Values: ['running', 'pending'] }],
      }),
    );
    expect(after.Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId)).sort()).toEqual(ids);
    expect(
      (await ec2.send(new EC2.DescribeKeyPairsCommand({ KeyNames: ['rsa-key'] }))).KeyPairs,
    ).toHaveLength(1);
    const frankfurt = client('eu-central-1');
    expect((await frankfurt.send(new EC2.DescribeInstancesCommand({}))).Reservations).toEqual([]);
    expect(
      await failure(frankfurt.send(new EC2.DescribeKeyPairsCommand({ KeyNames: ['rsa-key'] }))),
    ).toMatchObject({ name: 'InvalidKeyPair.NotFound' });
  });
});
