/**
 * Instances: lookup, addresses and names, and the SDK shape. Shared by the instance
 * operations and the lifecycle scheduler.
 */
import type * as EC2 from '@aws-sdk/client-ec2';
import { AwsError } from '../../kernel/errors';
import type { Tx } from '../../kernel/store';
import { assignableRange, intToIp, ipToInt, parseCidr } from '../../network/cidr';
import { checkId, errors } from './errors';
import {
  STATE_CODES,
  type InstanceRecord,
  type SecurityGroupRecord,
  type SubnetRecord,
  type VolumeRecord,
  type VpcRecord,
} from './records';
import type { Tag } from './resources';
import type { Ec2Scope } from './runtime';

export function getInstance(e: Ec2Scope, id: string): InstanceRecord {
  checkId(id, 'i', 'InvalidInstanceID.Malformed');
  const instance = e.res.get<InstanceRecord>(e.scope, 'instance', id);
  if (!instance) throw errors.instanceNotFound([id]);
  return instance;
}

/** All of the named instances, or InvalidInstanceID.NotFound naming every missing one. */
export function getInstances(e: Ec2Scope, ids: string[]): InstanceRecord[] {
  for (const id of ids) checkId(id, 'i', 'InvalidInstanceID.Malformed');
  const found = ids.map((id) => e.res.get<InstanceRecord>(e.scope, 'instance', id));
  const missing = ids.filter((_, i) => !found[i]);
  if (missing.length > 0) throw errors.instanceNotFound(missing);
  return found as InstanceRecord[];
}

export function saveInstance(e: Ec2Scope, tx: Tx, instance: InstanceRecord): void {
  e.res.update(tx, instance.instanceId, instance);
}

// ---- names ------------------------------------------------------------------------------------

const dashed = (ip: string) => ip.replace(/\./g, '-');

export function privateDnsName(region: string, ip: string): string {
  return region === 'us-east-1'
    ? `ip-${dashed(ip)}.ec2.internal`
    : `ip-${dashed(ip)}.${region}.compute.internal`;
}

export function publicDnsName(region: string, ip: string): string {
  return region === 'us-east-1'
    ? `ec2-${dashed(ip)}.compute-1.amazonaws.com`
    : `ec2-${dashed(ip)}.${region}.compute.amazonaws.com`;
}

// ---- addresses --------------------------------------------------------------------------------

/** A free private address in the subnet, picked as EC2 does: anywhere in the range. */
export function allocatePrivateIp(e: Ec2Scope, tx: Tx, subnet: SubnetRecord, wanted?: string): string {
  const range = assignableRange(parseCidr(subnet.cidrBlock)!);
  const used = new Set(
    e.res
      .list<InstanceRecord>(e.scope, 'instance', { parent: subnet.subnetId })
      .filter((i) => i.state !== 'terminated')
      .map((i) => i.privateIpAddress),
  );
  if (wanted) {
    const n = ipToInt(wanted);
    if (n === null || n < range.first || n > range.last) {
      throw errors.invalidValue(`Address ${wanted} does not fall within the subnet's address range`);
    }
    if (used.has(wanted)) throw new AwsError('InvalidIPAddress.InUse', `Address ${wanted} is in use.`);
    return wanted;
  }
  if (used.size >= range.count) {
    throw errors.invalidValue(
      `There are not enough free addresses in subnet '${subnet.subnetId}' to satisfy the requested number of instances.`,
    );
  }
  let n = range.first + (parseInt(e.cloud.ids.hex(tx, `private-ip/${subnet.subnetId}`, 8), 16) % range.count);
  while (used.has(intToIp(n))) n = n >= range.last ? range.first : n + 1;
  return intToIp(n);
}

const PUBLIC_FIRST_OCTETS = [3, 13, 18, 34, 35, 44, 52, 54];

/** A public IPv4 address from the Region's pool, unique in the Region. */
export function allocatePublicIp(e: Ec2Scope, tx: Tx, owner: string): string {
  for (;;) {
    const n = parseInt(e.cloud.ids.hex(tx, 'public-ip', 8), 16);
    const ip = [
      PUBLIC_FIRST_OCTETS[n % PUBLIC_FIRST_OCTETS.length],
      (n >>> 3) & 255,
      (n >>> 11) & 255,
      1 + ((n >>> 19) % 254),
    ].join('.');
    if (!e.res.publicIpTaken(e.scope, ip)) {
      e.res.takePublicIp(tx, e.scope, ip, owner);
      return ip;
    }
  }
}

export function macAddress(e: Ec2Scope, tx: Tx): string {
  const hex = `0a${e.cloud.ids.hex(tx, 'mac', 10)}`;
  return hex.match(/../g)!.join(':');
}

// ---- shape ------------------------------------------------------------------------------------

export interface ShapeContext {
  region: string;
  account: string;
  vpcs: Map<string, VpcRecord>;
  groups: Map<string, SecurityGroupRecord>;
  volumes: Map<string, VolumeRecord[]>;
  tags: Map<string, Tag[]>;
  hostIds: boolean;
}

/**
 * What shaping instances needs from around them. For a few instances (a RunInstances reply, a
 * Describe by ID) it reads just their volumes and tags; for many, every volume and tag at once.
 */
export function shapeContext(e: Ec2Scope, only?: InstanceRecord[]): ShapeContext {
  const few = only !== undefined && only.length <= 50;
  const volumes = new Map<string, VolumeRecord[]>();
  const attached = few
    ? only.flatMap((i) => e.res.list<VolumeRecord>(e.scope, 'volume', { parent: i.instanceId }))
    : e.res.list<VolumeRecord>(e.scope, 'volume');
  for (const v of attached) {
    if (!v.attachment) continue;
    const list = volumes.get(v.attachment.instanceId) ?? [];
    list.push(v);
    volumes.set(v.attachment.instanceId, list);
  }
  return {
    region: e.scope.region,
    account: e.scope.account,
    vpcs: new Map(e.res.list<VpcRecord>(e.scope, 'vpc').map((v) => [v.vpcId, v])),
    groups: new Map(e.res.list<SecurityGroupRecord>(e.scope, 'sg').map((g) => [g.groupId, g])),
    volumes,
    tags: few
      ? new Map(only.map((i) => [i.instanceId, e.res.tags(i.instanceId)]))
      : e.res.tagsOf(e.scope, 'instance'),
    hostIds: true,
  };
}

/** An instance's attached volumes as its block device mappings. */
export function blockDeviceMappings(attached: VolumeRecord[]): EC2.InstanceBlockDeviceMapping[] {
  return attached.map((v) => ({
    DeviceName: v.attachment!.device,
    Ebs: {
      AttachTime: new Date(v.attachment!.attachTime),
      DeleteOnTermination: v.attachment!.deleteOnTermination,
      Status: v.attachment!.state,
      VolumeId: v.volumeId,
    },
  }));
}

export function instanceShape(s: ShapeContext, i: InstanceRecord): EC2.Instance {
  const live = i.state !== 'terminated';
  const privateDns = live ? privateDnsName(s.region, i.privateIpAddress) : '';
  const publicIp = live ? i.publicIpAddress : undefined;
  const vpc = s.vpcs.get(i.vpcId);
  const publicDns = publicIp && vpc?.enableDnsHostnames ? publicDnsName(s.region, publicIp) : '';
  const groups = i.securityGroupIds.map((id) => ({
    GroupId: id,
    GroupName: s.groups.get(id)?.groupName ?? '',
  }));
  const volumes = (s.volumes.get(i.instanceId) ?? []).sort(
    (a, b) => a.attachment!.attachTime - b.attachment!.attachTime,
  );
  const tags = s.tags.get(i.instanceId);
  const association = publicIp
    ? { IpOwnerId: i.elasticIp ? s.account : 'amazon', PublicDnsName: publicDns, PublicIp: publicIp }
    : undefined;
  return {
    AmiLaunchIndex: i.amiLaunchIndex,
    ImageId: i.imageId,
    InstanceId: i.instanceId,
    InstanceType: i.instanceType as EC2._InstanceType,
    ...(i.keyName ? { KeyName: i.keyName } : {}),
    LaunchTime: new Date(i.launchTime),
    Monitoring: { State: i.monitoring },
    Placement: {
      AvailabilityZone: i.availabilityZone,
      GroupName: i.placementGroup ?? '',
      ...(i.placementGroupId ? { GroupId: i.placementGroupId } : {}),
      ...(i.partitionNumber !== undefined ? { PartitionNumber: i.partitionNumber } : {}),
      Tenancy: i.tenancy as EC2.Tenancy,
      ...(s.hostIds && i.hostId ? { HostId: i.hostId } : {}),
    },
    PrivateDnsName: privateDns,
    ...(live ? { PrivateIpAddress: i.privateIpAddress } : {}),
    ProductCodes: [],
    PublicDnsName: publicDns,
    ...(publicIp ? { PublicIpAddress: publicIp } : {}),
    State: { Code: STATE_CODES[i.state], Name: i.state },
    StateTransitionReason: i.stateTransitionReason,
    ...(live ? { SubnetId: i.subnetId, VpcId: i.vpcId } : {}),
    Architecture: i.architecture as EC2.ArchitectureValues,
    BlockDeviceMappings: blockDeviceMappings(volumes),
    ClientToken: i.clientToken ?? '',
    EbsOptimized: i.ebsOptimized,
    EnaSupport: true,
    Hypervisor: 'xen',
    ...(i.iamInstanceProfileArn
      ? {
          IamInstanceProfile: {
            Arn: i.iamInstanceProfileArn,
            Id: `AIPA${i.instanceId.slice(2, 19).toUpperCase()}`,
          },
        }
      : {}),
    NetworkInterfaces: live
      ? [
          {
            ...(association ? { Association: association } : {}),
            Attachment: {
              AttachTime: new Date(i.launchTime),
              AttachmentId: `eni-attach-${i.networkInterfaceId.slice(4)}`,
              DeleteOnTermination: true,
              DeviceIndex: 0,
              Status: 'attached',
              NetworkCardIndex: 0,
            },
            Description: '',
            Groups: groups,
            Ipv6Addresses: [],
            MacAddress: i.macAddress,
            NetworkInterfaceId: i.networkInterfaceId,
            OwnerId: s.account,
            PrivateDnsName: privateDns,
            PrivateIpAddress: i.privateIpAddress,
            PrivateIpAddresses: [
              {
                ...(association ? { Association: association } : {}),
                Primary: true,
                PrivateDnsName: privateDns,
                PrivateIpAddress: i.privateIpAddress,
              },
            ],
            SourceDestCheck: i.sourceDestCheck,
            Status: 'in-use',
            SubnetId: i.subnetId,
            VpcId: i.vpcId,
            InterfaceType: 'interface',
          },
        ]
      : [],
    RootDeviceName: i.rootDeviceName,
    RootDeviceType: 'ebs',
    SecurityGroups: live ? groups : [],
    SourceDestCheck: i.sourceDestCheck,
    ...(i.stateReason ? { StateReason: { Code: i.stateReason.code, Message: i.stateReason.message } } : {}),
    ...(tags && tags.length > 0 ? { Tags: tags } : {}),
    VirtualizationType: 'hvm',
    CpuOptions: { CoreCount: i.coreCount, ThreadsPerCore: i.threadsPerCore },
    CapacityReservationSpecification: { CapacityReservationPreference: 'open' },
    HibernationOptions: { Configured: false },
    MetadataOptions: {
      State: 'applied',
      HttpTokens: i.httpTokens,
      HttpPutResponseHopLimit: 2,
      HttpEndpoint: 'enabled',
      HttpProtocolIpv6: 'disabled',
      InstanceMetadataTags: 'disabled',
    },
    EnclaveOptions: { Enabled: false },
    ...(i.bootMode ? { BootMode: i.bootMode as EC2.BootModeValues } : {}),
    PlatformDetails: i.platformDetails,
    UsageOperation: 'RunInstances',
    UsageOperationUpdateTime: new Date(i.launchTime),
    PrivateDnsNameOptions: {
      HostnameType: 'ip-name',
      EnableResourceNameDnsARecord: false,
      EnableResourceNameDnsAAAARecord: false,
    },
    MaintenanceOptions: { AutoRecovery: 'default' },
    CurrentInstanceBootMode: i.currentBootMode,
  };
}
