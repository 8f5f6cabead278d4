/**
 * The launch wizard's state, and the calls it turns into: the same CreateSecurityGroup,
 * AuthorizeSecurityGroupIngress and RunInstances requests the AWS console sends.
 */
import type {
  Image,
  InstanceTypeInfo,
  IpPermission,
  RunInstancesRequest,
  TagSpecification,
} from '@aws-sdk/client-ec2';

export type OsFamily = 'amazon-linux' | 'ubuntu' | 'debian';

export const OS_FAMILIES: Array<{ id: OsFamily; name: string; user: string }> = [
  { id: 'amazon-linux', name: 'Amazon Linux', user: 'ec2-user' },
  { id: 'ubuntu', name: 'Ubuntu', user: 'ubuntu' },
  { id: 'debian', name: 'Debian', user: 'admin' },
];

export function osOf(image: Image): OsFamily | null {
  const name = image.Name ?? '';
  if (name.startsWith('al2023-') || name.startsWith('amzn2-')) return 'amazon-linux';
  if (name.startsWith('ubuntu/')) return 'ubuntu';
  if (name.startsWith('debian-')) return 'debian';
  return null;
}

export interface ExtraVolume {
  device: string;
  size: number;
  type: string;
}

export interface LaunchPlan {
  /** A new security group to create first, with its inbound rules. */
  group?: { name: string; description: string; rules: IpPermission[] };
  /** RunInstances, minus the new group's ID (known once it exists). */
  run: RunInstancesRequest;
}

const EXTRA_DEVICES = ['/dev/sdb', '/dev/sdc', '/dev/sdd', '/dev/sde', '/dev/sdf'];

export class LaunchForm {
  name = $state('');
  os = $state<OsFamily>('amazon-linux');
  architecture = $state<'x86_64' | 'arm64'>('x86_64');
  imageId = $state('');
  instanceType = $state('t3.micro');
  keyName = $state('');
  subnetId = $state('');
  publicIp = $state(true);
  firewall = $state<'create' | 'existing'>('create');
  groupIds = $state<string[]>([]);
  allowSsh = $state(true);
  sshSource = $state('0.0.0.0/0');
  allowHttps = $state(false);
  allowHttp = $state(false);
  rootSize = $state(8);
  rootType = $state('gp3');
  extraVolumes = $state<ExtraVolume[]>([]);
  count = $state(1);
  userData = $state('');
  userDataEncoded = $state(false);
  shutdownBehavior = $state<'stop' | 'terminate'>('stop');
  terminationProtection = $state(false);
  iamProfile = $state('');
  imdsV2 = $state<'required' | 'optional'>('required');

  /** Pick an image; the root volume follows its size and type, as in the console. */
  chooseImage(image: Image | undefined): void {
    if (!image) return;
    this.imageId = image.ImageId!;
    const root = rootOf(image);
    this.rootSize = root?.VolumeSize ?? 8;
    this.rootType = root?.VolumeType ?? 'gp3';
  }

  addVolume(): void {
    const device = EXTRA_DEVICES.find((d) => !this.extraVolumes.some((v) => v.device === d));
    if (device) this.extraVolumes.push({ device, size: 8, type: 'gp3' });
  }

  /** What is wrong before anything is sent; the API checks the rest. */
  problems(image: Image | undefined, type: InstanceTypeInfo | undefined): string[] {
    const out: string[] = [];
    if (!image) out.push('Choose an Amazon Machine Image (AMI).');
    if (!type) out.push('Choose an instance type.');
    if (image && type && !type.ProcessorInfo?.SupportedArchitectures?.includes(image.Architecture!))
      out.push(`${type.InstanceType} cannot run ${image.Architecture} images.`);
    if (!Number.isInteger(this.count) || this.count < 1) out.push('Launch at least one instance.');
    const minRoot = (image && rootOf(image)?.VolumeSize) ?? 1;
    if (!(this.rootSize >= minRoot))
      out.push(`The root volume must be at least ${minRoot} GiB: the AMI's snapshot is that size.`);
    if (this.firewall === 'existing' && this.groupIds.length === 0)
      out.push('Select at least one security group.');
    if (this.firewall === 'create' && this.allowSsh && !/^[\d.]+\/\d{1,2}$/.test(this.sshSource.trim()))
      out.push('The SSH source must be an IPv4 CIDR block, such as 0.0.0.0/0 or 203.0.113.7/32.');
    return out;
  }

  plan(image: Image, existingGroupNames: string[], now: Date): LaunchPlan {
    const tags: TagSpecification[] = this.name.trim()
      ? (['instance', 'volume'] as const).map((ResourceType) => ({
          ResourceType,
          Tags: [{ Key: 'Name', Value: this.name.trim() }],
        }))
      : [];
    const group = this.firewall === 'create' ? this.newGroup(existingGroupNames, now) : undefined;
    const run: RunInstancesRequest = {
      ImageId: this.imageId,
      InstanceType: this.instanceType as RunInstancesRequest['InstanceType'],
      MinCount: this.count,
      MaxCount: this.count,
      ...(this.keyName ? { KeyName: this.keyName } : {}),
      NetworkInterfaces: [
        {
          DeviceIndex: 0,
          AssociatePublicIpAddress: this.publicIp,
          ...(this.subnetId ? { SubnetId: this.subnetId } : {}),
          ...(this.firewall === 'existing' ? { Groups: [...this.groupIds] } : {}),
        },
      ],
      BlockDeviceMappings: [
        {
          DeviceName: image.RootDeviceName!,
          Ebs: { VolumeSize: this.rootSize, VolumeType: this.rootType as 'gp3', DeleteOnTermination: true },
        },
        ...this.extraVolumes.map((v) => ({
          DeviceName: v.device,
          Ebs: { VolumeSize: v.size, VolumeType: v.type as 'gp3', DeleteOnTermination: true },
        })),
      ],
      ...(tags.length ? { TagSpecifications: tags } : {}),
      ...(this.userData
        ? { UserData: this.userDataEncoded ? this.userData.trim() : toBase64(this.userData) }
        : {}),
      InstanceInitiatedShutdownBehavior: this.shutdownBehavior,
      DisableApiTermination: this.terminationProtection,
      ...(this.iamProfile.trim() ? { IamInstanceProfile: { Name: this.iamProfile.trim() } } : {}),
      MetadataOptions: { HttpTokens: this.imdsV2, HttpEndpoint: 'enabled' },
    };
    return { group, run };
  }

  private newGroup(existing: string[], now: Date): LaunchPlan['group'] {
    let n = 1;
    while (existing.includes(`launch-wizard-${n}`)) n++;
    const name = `launch-wizard-${n}`;
    const rule = (port: number, cidr: string, description: string): IpPermission => ({
      IpProtocol: 'tcp',
      FromPort: port,
      ToPort: port,
      IpRanges: [{ CidrIp: cidr, Description: description }],
    });
    return {
      name,
      description: `${name} created ${now.toISOString().replace('Z', '+00:00')}`,
      rules: [
        ...(this.allowSsh ? [rule(22, this.sshSource.trim(), 'SSH')] : []),
        ...(this.allowHttps ? [rule(443, '0.0.0.0/0', 'HTTPS')] : []),
        ...(this.allowHttp ? [rule(80, '0.0.0.0/0', 'HTTP')] : []),
      ],
    };
  }
}

function rootOf(image: Image) {
  return image.BlockDeviceMappings?.find((m) => m.DeviceName === image.RootDeviceName)?.Ebs;
}

function toBase64(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
