/**
 * Instances: RunInstances, DescribeInstances, Start/Stop/Reboot/TerminateInstances,
 * DescribeInstanceStatus, GetConsoleOutput, Modify/DescribeInstanceAttribute.
 *
 * Launching places each instance on a physical host of its family in the chosen Availability
 * Zone (the hypervisor reserves its vCPUs and memory), gives it a private address from the
 * subnet and, where the subnet or the request says so, a public one; its root volume comes from
 * the AMI. States follow AWS: pending → running; stopping → stopped; shutting-down → terminated,
 * each completing on the simulated clock (see lifecycle.ts).
 */
import type * as EC2 from '@aws-sdk/client-ec2';
import { AwsError } from '../../kernel/errors';
import type { Tx } from '../../kernel/store';
import type { InstanceTypeInfo, RegionalImage } from '../../infra/catalogue';
import type { OperationContext } from '../../service';
import { checkDryRun } from './dry-run';
import { errors } from './errors';
import { applyFilters } from './filters';
import { checkGroupZone, clusterZone, groupSlot, launchGroup, type LaunchGroup } from './group-placement';
import { findImage, imageSnapshotId } from './images';
import {
  allocatePrivateIp,
  blockDeviceMappings,
  allocatePublicIp,
  getInstance,
  getInstances,
  instanceShape,
  macAddress,
  privateDnsName,
  publicDnsName,
  shapeContext,
} from './instance-store';
import { findInstanceType } from './instance-types';
import { findKeyPair } from './key-pairs';
import { DELAYS } from './lifecycle';
import { defaultVpc, ensureDefaultNetwork, getSubnet } from './network';
import { paginate } from './pagination';
import { getPlacementGroupById } from './placement-groups';
import type {
  AddressRecord,
  InstanceRecord,
  SecurityGroupRecord,
  SubnetRecord,
  VolumeRecord,
} from './records';
import { STATE_CODES } from './records';
import { ec2, type Ec2Context, type Ec2Scope } from './runtime';
import { getGroup } from './security-groups';
import { applyTagSpecifications, checkTagSpecifications, tagFilters } from './tags';
import { vcpuLimit } from './quotas';
import { insertVolume, validateVolumeSpec } from './volumes';

const USER_DATA_LIMIT = 16 * 1024;

// ---- shared with the lifecycle ------------------------------------------------------------

/** Give back what a stopped or terminated instance held: its host, its address, its disks. */
export function releaseInstanceResources(
  e: Ec2Scope,
  tx: Tx,
  instance: InstanceRecord,
  state: 'stopped' | 'terminated',
): void {
  e.cloud.hypervisor.release(tx, instance.instanceId);
  instance.hostId = null;
  if (instance.publicIpAddress && !instance.elasticIp)
    e.res.releasePublicIp(tx, e.scope, instance.publicIpAddress);
  if (!instance.elasticIp) delete instance.publicIpAddress;
  if (state !== 'terminated') return;
  for (const v of e.res.list<VolumeRecord>(e.scope, 'volume', { parent: instance.instanceId })) {
    if (v.attachment?.deleteOnTermination) {
      e.res.delete(tx, v.volumeId);
    } else {
      const { attachment: _gone, ...rest } = v;
      e.res.update(
        tx,
        v.volumeId,
        { ...rest, state: 'available', changedAt: e.cloud.clock.now() },
        { parent: null },
      );
    }
  }
  for (const a of e.res
    .list<AddressRecord>(e.scope, 'eip')
    .filter((x) => x.instanceId === instance.instanceId)) {
    e.res.update(tx, a.allocationId, { allocationId: a.allocationId, publicIp: a.publicIp });
  }
  delete instance.publicIpAddress;
  delete instance.elasticIp;
}

function runningVcpus(e: Ec2Context): number {
  const types = new Map(e.cloud.catalogue.instanceTypes.map((t) => [t.type, t.vcpus]));
  return e.res
    .list<InstanceRecord>(e.scope, 'instance')
    .filter((i) => i.state === 'pending' || i.state === 'running')
    .reduce((n, i) => n + (types.get(i.instanceType) ?? 0), 0);
}

function checkVcpuLimit(e: Ec2Context, extra: number): void {
  const limit = vcpuLimit(e.cloud);
  if (runningVcpus(e) + extra > limit) {
    throw new AwsError(
      'VcpuLimitExceeded',
      `You have requested more vCPU capacity than your current vCPU limit of ${limit} allows for the instance bucket that the specified instance type belongs to. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.`,
    );
  }
}

function stateChange(i: InstanceRecord, previous: InstanceRecord['state']): EC2.InstanceStateChange {
  return {
    InstanceId: i.instanceId,
    CurrentState: { Code: STATE_CODES[i.state], Name: i.state },
    PreviousState: { Code: STATE_CODES[previous], Name: previous },
  };
}

/** Write an instance's new state and schedule what follows it; answer the change as AWS does. */
function transition(
  e: Ec2Scope,
  tx: Tx,
  from: InstanceRecord,
  next: InstanceRecord,
): EC2.InstanceStateChange {
  e.res.update(tx, from.instanceId, next);
  e.rt.lifecycle.instanceChanged(e.scope, next);
  return stateChange(next, from.state);
}

function reason(code: string, message: string, now: number): string {
  return `${code} (${new Date(now).toISOString().replace('T', ' ').slice(0, 19)} GMT)${message ? ` ${message}` : ''}`;
}

// ---- RunInstances -------------------------------------------------------------------------

interface LaunchPlan {
  image: RegionalImage;
  type: InstanceTypeInfo;
  subnet: SubnetRecord;
  groups: SecurityGroupRecord[];
  keyName?: string;
  userData?: string;
  /** The placement group the instances join, if the request names one. */
  group?: LaunchGroup;
  publicIp: boolean;
  privateIp?: string;
  rootSize: number;
  rootType: string;
  rootIops?: number;
  rootThroughput?: number;
  rootDeleteOnTermination: boolean;
  extraVolumes: Array<{
    device: string;
    size: number;
    type: string;
    iops?: number;
    deleteOnTermination: boolean;
  }>;
}

function plan(e: Ec2Context, input: EC2.RunInstancesRequest): LaunchPlan {
  if (!input.ImageId) throw errors.missing('ImageId');
  if (input.MinCount === undefined) throw errors.missing('MinCount');
  if (input.MaxCount === undefined) throw errors.missing('MaxCount');
  if (input.MinCount < 1)
    throw errors.invalidValue(
      `Value (${input.MinCount}) for parameter minCount is invalid. Expected a value greater than 0.`,
    );
  if (input.MaxCount < input.MinCount) {
    throw errors.invalidValue(
      `Value (${input.MaxCount}) for parameter maxCount is invalid. Expected a value greater than or equal to minCount.`,
    );
  }
  const image = findImage(e.ctx, input.ImageId);
  if (!input.InstanceType) {
    throw new AwsError(
      'InvalidParameterValue',
      "The default instance type m1.small is not available in Cloud Lab's catalogue. Specify InstanceType, for example t3.micro.",
    );
  }
  const type = findInstanceType(e.ctx, input.InstanceType);
  if (!type.architectures.includes(image.architecture)) {
    throw errors.invalidValue(
      `The architecture '${type.architectures[0]}' of the specified instance type does not match the architecture '${image.architecture}' of the specified AMI. Specify an instance type and an AMI that have matching architectures, and try again. You can use 'describe-instance-types' or 'describe-images' to discover the architecture of the instance type or AMI.`,
    );
  }

  const group = launchGroup(e, input.Placement);

  // Network: NetworkInterfaces[0] (what the console's wizard sends), or SubnetId, or the default subnet.
  const nic = input.NetworkInterfaces?.find((n) => (n.DeviceIndex ?? 0) === 0);
  if (nic && (input.SubnetId || input.SecurityGroupIds?.length)) {
    throw errors.combination(
      'Network interfaces and an instance-level subnet ID or security groups may not be specified on the same request',
    );
  }
  const subnetId = nic?.SubnetId ?? input.SubnetId;
  let subnet: SubnetRecord;
  if (subnetId) {
    subnet = getSubnet(e, subnetId);
    if (input.Placement?.AvailabilityZone && input.Placement.AvailabilityZone !== subnet.availabilityZone) {
      throw errors.invalidValue(
        `The specified Availability Zone '${input.Placement.AvailabilityZone}' is not the Availability Zone of subnet '${subnet.subnetId}'.`,
      );
    }
  } else {
    const vpc = defaultVpc(e);
    if (!vpc) throw new AwsError('VPCIdNotSpecified', 'No default VPC for this user');
    const subnets = e.res
      .list<SubnetRecord>(e.scope, 'subnet', { parent: vpc.vpcId })
      .filter((s) => s.defaultForAz);
    // A cluster group with running instances draws its new instances to their zone.
    const zone = input.Placement?.AvailabilityZone ?? (group ? clusterZone(e, group.group) : undefined);
    if (zone) {
      const found = subnets.find((s) => s.availabilityZone === zone);
      if (!found) throw errors.invalidValue(`Invalid availability zone: [${zone}]`);
      subnet = found;
    } else {
      // AWS chooses a zone; choose one with room, rotating so launches spread across zones.
      const launched = e.res.count(e.scope, 'instance');
      const ordered = subnets.map((_, i) => subnets[(launched + i) % subnets.length]!);
      subnet = ordered.find((s) => e.cloud.hypervisor.hasRoom(s.availabilityZone, type)) ?? ordered[0]!;
    }
  }

  if (group) checkGroupZone(e, group.group, subnet.availabilityZone);

  const groupIds = nic?.Groups ?? input.SecurityGroupIds ?? [];
  const groups: SecurityGroupRecord[] = groupIds.map((id) => getGroup(e, id));
  for (const name of input.SecurityGroups ?? []) {
    if (subnetId && !e.res.get<SubnetRecord>(e.scope, 'subnet', subnetId)?.defaultForAz) {
      throw errors.combination('The parameter groupName cannot be used with the parameter subnet');
    }
    const g = e.res.list<SecurityGroupRecord>(e.scope, 'sg', { parent: subnet.vpcId, name })[0];
    if (!g) throw errors.groupNameNotFound(name, subnet.vpcId);
    groups.push(g);
  }
  for (const g of groups) {
    if (g.vpcId !== subnet.vpcId) {
      throw new AwsError(
        'InvalidParameter',
        `Security group ${g.groupId} and subnet ${subnet.subnetId} belong to different networks.`,
      );
    }
  }
  if (groups.length === 0) {
    const fallback = e.res.list<SecurityGroupRecord>(e.scope, 'sg', {
      parent: subnet.vpcId,
      name: 'default',
    })[0];
    if (fallback) groups.push(fallback);
  }

  if (input.KeyName && !findKeyPair(e, input.KeyName)) throw errors.keyPairNotFound(input.KeyName);

  let userData: string | undefined;
  if (input.UserData) {
    const bytes = Buffer.from(input.UserData, 'base64');
    if (!/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(input.UserData)) {
      throw new AwsError('InvalidUserData.Malformed', 'Invalid BASE64 encoding of user data.');
    }
    if (bytes.length > USER_DATA_LIMIT)
      throw new AwsError('InvalidParameterValue', 'User data is limited to 16384 bytes');
    userData = input.UserData;
  }

  const tokens = input.MetadataOptions?.HttpTokens;
  if (tokens !== undefined && tokens !== 'required' && tokens !== 'optional') {
    throw errors.invalidValue(
      `Value (${tokens}) for parameter HttpTokens is invalid. Valid values: required, optional.`,
    );
  }

  // Block devices: the AMI's root volume (size and type may be raised), plus extra EBS volumes.
  let rootSize = image.rootVolumeGiB;
  let rootType = image.volumeType;
  let rootIops: number | undefined;
  let rootThroughput: number | undefined;
  let rootDeleteOnTermination = true;
  const extraVolumes: LaunchPlan['extraVolumes'] = [];
  for (const m of input.BlockDeviceMappings ?? []) {
    if (!m.DeviceName) throw errors.missing('BlockDeviceMapping.DeviceName');
    if (!m.Ebs) continue;
    if (m.DeviceName === image.rootDeviceName) {
      if (m.Ebs.VolumeSize !== undefined) {
        if (m.Ebs.VolumeSize < image.rootVolumeGiB) {
          throw errors.invalidValue(
            `Volume of size ${m.Ebs.VolumeSize}GB is smaller than snapshot '${image.imageId}', expect size >= ${image.rootVolumeGiB}GB`,
          );
        }
        rootSize = m.Ebs.VolumeSize;
      }
      rootType = m.Ebs.VolumeType ?? rootType;
      rootIops = m.Ebs.Iops;
      rootThroughput = m.Ebs.Throughput;
      if (m.Ebs.DeleteOnTermination !== undefined) rootDeleteOnTermination = m.Ebs.DeleteOnTermination;
    } else {
      if (m.Ebs.VolumeSize === undefined) throw errors.missing('BlockDeviceMapping.Ebs.VolumeSize');
      extraVolumes.push({
        device: m.DeviceName,
        size: m.Ebs.VolumeSize,
        type: m.Ebs.VolumeType ?? 'gp2',
        iops: m.Ebs.Iops,
        deleteOnTermination: m.Ebs.DeleteOnTermination ?? true,
      });
    }
  }
  validateVolumeSpec({
    size: rootSize,
    volumeType: rootType,
    iops: rootIops,
    availabilityZone: subnet.availabilityZone,
  });
  for (const v of extraVolumes)
    validateVolumeSpec({
      size: v.size,
      volumeType: v.type,
      iops: v.iops,
      availabilityZone: subnet.availabilityZone,
    });

  checkTagSpecifications(input.TagSpecifications, ['instance', 'volume', 'network-interface']);
  const publicIp = nic?.AssociatePublicIpAddress ?? subnet.mapPublicIpOnLaunch;
  const privateIp = nic?.PrivateIpAddress ?? input.PrivateIpAddress;
  if (privateIp && input.MaxCount > 1) {
    throw errors.invalidValue('A private IP address may only be specified when launching a single instance.');
  }
  return {
    image,
    type,
    subnet,
    groups,
    keyName: input.KeyName,
    userData,
    ...(group ? { group } : {}),
    publicIp,
    privateIp,
    rootSize,
    rootType,
    rootIops,
    rootThroughput,
    rootDeleteOnTermination,
    extraVolumes,
  };
}

export async function runInstances(
  ctx: OperationContext,
  input: EC2.RunInstancesRequest,
): Promise<EC2.Reservation> {
  const e = ec2(ctx);
  await ensureDefaultNetwork(e);
  if (input.ClientToken) {
    const earlier = e.res
      .list<InstanceRecord>(e.scope, 'instance')
      .filter((i) => i.clientToken === input.ClientToken);
    if (earlier.length > 0) return reservation(e, earlier);
  }
  const p = plan(e, input);
  checkDryRun(input);
  checkVcpuLimit(e, p.type.vcpus * input.MinCount!);
  const wanted = Math.min(
    input.MaxCount!,
    Math.floor((vcpuLimit(ctx.cloud) - runningVcpus(e)) / p.type.vcpus),
  );
  const now = ctx.cloud.clock.now();
  const launched = await ctx.cloud.store.write((tx) => {
    const ids = ctx.cloud.ids;
    const reservationId = ids.resource(tx, 'r');
    const records: InstanceRecord[] = [];
    for (let index = 0; index < wanted; index++) {
      const instanceId = ids.resource(tx, 'i');
      let hostId: string;
      let partitionNumber: number | undefined;
      try {
        const slot = p.group
          ? groupSlot(e, p.group.group, p.subnet.availabilityZone, p.group.partitionNumber)
          : undefined;
        partitionNumber = slot?.partitionNumber;
        hostId = ctx.cloud.hypervisor.place(tx, {
          vmId: instanceId,
          account: e.scope.account,
          availabilityZone: p.subnet.availabilityZone,
          type: p.type,
          ...slot?.constraints,
        }).hostId;
      } catch (err) {
        // Launch as many as fit, as EC2 does, unless fewer than MinCount fit.
        if (records.length >= input.MinCount!) break;
        throw err;
      }
      const record: InstanceRecord = {
        instanceId,
        reservationId,
        imageId: p.image.imageId,
        instanceType: p.type.type,
        architecture: p.image.architecture,
        platformDetails: p.image.platformDetails,
        state: 'pending',
        stateSince: now,
        stateTransitionReason: '',
        launchTime: now,
        availabilityZone: p.subnet.availabilityZone,
        subnetId: p.subnet.subnetId,
        vpcId: p.subnet.vpcId,
        privateIpAddress: allocatePrivateIp(e, tx, p.subnet, p.privateIp),
        ...(p.publicIp ? { publicIpAddress: allocatePublicIp(e, tx, instanceId) } : {}),
        ...(p.keyName ? { keyName: p.keyName } : {}),
        securityGroupIds: p.groups.map((g) => g.groupId),
        ...(p.userData ? { userData: p.userData } : {}),
        amiLaunchIndex: index,
        ...(input.ClientToken ? { clientToken: input.ClientToken } : {}),
        ...(input.IamInstanceProfile?.Arn || input.IamInstanceProfile?.Name
          ? {
              iamInstanceProfileArn:
                input.IamInstanceProfile.Arn ??
                `arn:aws:iam::${e.scope.account}:instance-profile/${input.IamInstanceProfile.Name}`,
            }
          : {}),
        rootDeviceName: p.image.rootDeviceName,
        hostId,
        networkInterfaceId: ids.resource(tx, 'eni'),
        macAddress: macAddress(e, tx),
        ebsOptimized: input.EbsOptimized ?? p.type.ebsOptimizedByDefault,
        sourceDestCheck: true,
        disableApiTermination: input.DisableApiTermination ?? false,
        shutdownBehavior: input.InstanceInitiatedShutdownBehavior === 'terminate' ? 'terminate' : 'stop',
        monitoring: input.Monitoring?.Enabled ? 'enabled' : 'disabled',
        tenancy: input.Placement?.Tenancy ?? 'default',
        ...(p.group
          ? { placementGroup: p.group.group.groupName, placementGroupId: p.group.group.groupId }
          : {}),
        ...(partitionNumber !== undefined ? { partitionNumber } : {}),
        bootMode: p.image.bootMode,
        currentBootMode:
          p.image.bootMode === 'uefi' ||
          (p.image.bootMode === 'uefi-preferred' && p.type.hypervisor === 'nitro')
            ? 'uefi'
            : 'legacy-bios',
        coreCount: p.type.cores,
        threadsPerCore: p.type.threadsPerCore,
        // IMDSv2 is required when asked, else when the AMI says so (Amazon Linux 2023 does).
        httpTokens:
          input.MetadataOptions?.HttpTokens ?? (p.image.imdsSupport === 'v2.0' ? 'required' : 'optional'),
        consoleLog: [],
      };
      e.res.insert(tx, e.scope, 'instance', instanceId, record, { parent: p.subnet.subnetId });
      applyTagSpecifications(e, tx, input.TagSpecifications, 'instance', instanceId);
      const root = insertVolume(
        e,
        tx,
        {
          size: p.rootSize,
          volumeType: p.rootType,
          iops: p.rootIops,
          throughput: p.rootThroughput,
          availabilityZone: p.subnet.availabilityZone,
          snapshotId: imageSnapshotId(p.image.imageId),
        },
        {
          instanceId,
          device: p.image.rootDeviceName,
          state: 'attached',
          attachTime: now,
          deleteOnTermination: p.rootDeleteOnTermination,
        },
      );
      applyTagSpecifications(e, tx, input.TagSpecifications, 'volume', root.volumeId);
      for (const v of p.extraVolumes) {
        const extra = insertVolume(
          e,
          tx,
          { size: v.size, volumeType: v.type, iops: v.iops, availabilityZone: p.subnet.availabilityZone },
          {
            instanceId,
            device: v.device,
            state: 'attached',
            attachTime: now,
            deleteOnTermination: v.deleteOnTermination,
          },
        );
        applyTagSpecifications(e, tx, input.TagSpecifications, 'volume', extra.volumeId);
      }
      records.push(record);
    }
    return records;
  });
  for (const r of launched) {
    e.rt.lifecycle.instanceChanged(e.scope, r);
  }
  return reservation(e, launched);
}

function reservation(e: Ec2Context, instances: InstanceRecord[]): EC2.Reservation {
  const s = shapeContext(e, instances);
  return {
    ReservationId: instances[0]!.reservationId,
    OwnerId: e.scope.account,
    Groups: [],
    Instances: instances.map((i) => instanceShape(s, i)),
  };
}

// ---- DescribeInstances --------------------------------------------------------------------

/** The instances a Describe call names, or all of them; IDs and paging do not mix, as on AWS. */
function instancesAsked(
  e: Ec2Context,
  input: { InstanceIds?: string[]; MaxResults?: number },
): InstanceRecord[] {
  if (input.InstanceIds?.length && input.MaxResults !== undefined) {
    throw errors.combination('The parameter instancesSet cannot be used with the parameter maxResults');
  }
  return input.InstanceIds?.length
    ? getInstances(e, input.InstanceIds)
    : e.res.list<InstanceRecord>(e.scope, 'instance');
}

export async function describeInstances(
  ctx: OperationContext,
  input: EC2.DescribeInstancesRequest,
): Promise<EC2.DescribeInstancesResult> {
  const e = ec2(ctx);
  await ensureDefaultNetwork(e);
  const records = instancesAsked(e, input);
  checkDryRun(input);
  // Reservations group the instances launched together, in launch order.
  const reservation = (id: string, instances: EC2.Instance[]): EC2.Reservation => ({
    ReservationId: id,
    OwnerId: e.scope.account,
    Groups: [],
    Instances: instances,
  });
  // MaxResults counts instances, as on AWS; a page regroups its instances into reservations.
  if (!input.Filters?.length) {
    // Nothing to filter on: page the records first and shape only the page.
    const page = paginate(records, input);
    const s = shapeContext(e, page.items);
    const groups = groupBy(page.items, (r) => r.reservationId);
    return {
      Reservations: [...groups].map(([id, rs]) =>
        reservation(
          id,
          rs.map((r) => instanceShape(s, r)),
        ),
      ),
      NextToken: page.nextToken,
    };
  }
  const s = shapeContext(e, records);
  const reservationOf = new Map(records.map((r) => [r.instanceId, r.reservationId]));
  const filtered = applyFilters(
    records.map((r) => instanceShape(s, r)),
    input.Filters,
    INSTANCE_FILTERS,
  );
  const page = paginate(filtered, input);
  const groups = groupBy(page.items, (i) => reservationOf.get(i.InstanceId!)!);
  return {
    Reservations: [...groups].map(([id, instances]) => reservation(id, instances)),
    NextToken: page.nextToken,
  };
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

const INSTANCE_FILTERS: Parameters<typeof applyFilters<EC2.Instance>>[2] = {
  affinity: () => 'default',
  architecture: (i) => i.Architecture,
  'availability-zone': (i) => i.Placement?.AvailabilityZone,
  'block-device-mapping.device-name': (i) => i.BlockDeviceMappings?.map((b) => b.DeviceName),
  'block-device-mapping.volume-id': (i) => i.BlockDeviceMappings?.map((b) => b.Ebs?.VolumeId),
  'client-token': (i) => i.ClientToken,
  'dns-name': (i) => i.PublicDnsName,
  'host-id': (i) => i.Placement?.HostId,
  hypervisor: (i) => i.Hypervisor,
  'iam-instance-profile.arn': (i) => i.IamInstanceProfile?.Arn,
  'image-id': (i) => i.ImageId,
  'instance-id': (i) => i.InstanceId,
  'instance-state-code': (i) => i.State?.Code,
  'instance-state-name': (i) => i.State?.Name,
  'instance-type': (i) => i.InstanceType,
  'instance.group-id': (i) => i.SecurityGroups?.map((g) => g.GroupId),
  'instance.group-name': (i) => i.SecurityGroups?.map((g) => g.GroupName),
  'ip-address': (i) => i.PublicIpAddress,
  'key-name': (i) => i.KeyName,
  'launch-index': (i) => i.AmiLaunchIndex,
  'launch-time': (i) => i.LaunchTime?.toISOString(),
  'monitoring-state': (i) => i.Monitoring?.State,
  'network-interface.network-interface-id': (i) => i.NetworkInterfaces?.map((n) => n.NetworkInterfaceId),
  'network-interface.subnet-id': (i) => i.NetworkInterfaces?.map((n) => n.SubnetId),
  'network-interface.vpc-id': (i) => i.NetworkInterfaces?.map((n) => n.VpcId),
  'owner-id': () => undefined,
  'placement-group-name': (i) => i.Placement?.GroupName,
  'placement-partition-number': (i) => i.Placement?.PartitionNumber,
  'platform-details': (i) => i.PlatformDetails,
  'private-dns-name': (i) => i.PrivateDnsName,
  'private-ip-address': (i) => i.PrivateIpAddress,
  reason: (i) => i.StateTransitionReason,
  'root-device-name': (i) => i.RootDeviceName,
  'root-device-type': (i) => i.RootDeviceType,
  'subnet-id': (i) => i.SubnetId,
  tenancy: (i) => i.Placement?.Tenancy,
  'virtualization-type': (i) => i.VirtualizationType,
  'vpc-id': (i) => i.VpcId,
  ...tagFilters<EC2.Instance>(),
};

// ---- state changes ------------------------------------------------------------------------

export async function startInstances(
  ctx: OperationContext,
  input: EC2.StartInstancesRequest,
): Promise<EC2.StartInstancesResult> {
  const e = ec2(ctx);
  await ensureDefaultNetwork(e);
  const instances = getInstances(e, input.InstanceIds ?? []);
  for (const i of instances) {
    if (!['stopped', 'pending', 'running'].includes(i.state)) {
      throw errors.incorrectState(
        `The instance '${i.instanceId}' is not in a state from which it can be started.`,
      );
    }
  }
  checkDryRun(input);
  const types = new Map(ctx.cloud.catalogue.instanceTypes.map((t) => [t.type, t]));
  const starting = instances.filter((i) => i.state === 'stopped');
  checkVcpuLimit(
    e,
    starting.reduce((n, i) => n + (types.get(i.instanceType)?.vcpus ?? 0), 0),
  );
  const now = ctx.cloud.clock.now();
  const changes = await ctx.cloud.store.write((tx) =>
    instances.map((i) => {
      if (i.state !== 'stopped') return stateChange(i, i.state);
      // A stopped instance returns to its placement group under the group's rules.
      const group = i.placementGroupId ? getPlacementGroupById(e, i.placementGroupId) : undefined;
      const slot = group ? groupSlot(e, group, i.availabilityZone, i.partitionNumber) : undefined;
      const host = ctx.cloud.hypervisor.place(tx, {
        vmId: i.instanceId,
        account: e.scope.account,
        availabilityZone: i.availabilityZone,
        type: types.get(i.instanceType)!,
        ...slot?.constraints,
      });
      const subnet = e.res.get<SubnetRecord>(e.scope, 'subnet', i.subnetId);
      const next: InstanceRecord = {
        ...i,
        state: 'pending',
        stateSince: now,
        stateTransitionReason: '',
        hostId: host.hostId,
        ...(!i.elasticIp && subnet?.mapPublicIpOnLaunch
          ? { publicIpAddress: allocatePublicIp(e, tx, i.instanceId) }
          : {}),
      };
      delete next.stateReason;
      return transition(e, tx, i, next);
    }),
  );
  return { StartingInstances: changes };
}

export async function stopInstances(
  ctx: OperationContext,
  input: EC2.StopInstancesRequest,
): Promise<EC2.StopInstancesResult> {
  const e = ec2(ctx);
  await ensureDefaultNetwork(e);
  const instances = getInstances(e, input.InstanceIds ?? []);
  for (const i of instances) {
    if (i.state === 'pending' && i.stateTransitionReason === '' && i.launchTime === i.stateSince) {
      throw errors.incorrectState(
        `Instance '${i.instanceId}' cannot be stopped as it has never reached the 'running' state.`,
      );
    }
    if (i.state === 'terminated' || i.state === 'shutting-down') {
      throw errors.incorrectState(
        `This instance '${i.instanceId}' is not in a state from which it can be stopped.`,
      );
    }
  }
  checkDryRun(input);
  const now = ctx.cloud.clock.now();
  const changes = await ctx.cloud.store.write((tx) =>
    instances.map((i) => {
      if (i.state !== 'running' && i.state !== 'pending') return stateChange(i, i.state);
      const next: InstanceRecord = {
        ...i,
        state: 'stopping',
        stateSince: now,
        stateTransitionReason: reason('User initiated', '', now),
      };
      delete next.stateReason;
      delete next.hostFailedAt;
      return transition(e, tx, i, next);
    }),
  );
  return { StoppingInstances: changes };
}

export async function rebootInstances(
  ctx: OperationContext,
  input: EC2.RebootInstancesRequest,
): Promise<Record<string, never>> {
  const e = ec2(ctx);
  await ensureDefaultNetwork(e);
  const instances = getInstances(e, input.InstanceIds ?? []);
  for (const i of instances) {
    if (i.state !== 'running' && i.state !== 'pending') {
      throw errors.incorrectState(
        `The instance '${i.instanceId}' is not in a state from which it can be rebooted.`,
      );
    }
  }
  checkDryRun(input);
  const now = ctx.cloud.clock.now();
  await ctx.cloud.store.write((tx) => {
    for (const i of instances) {
      // A reboot keeps the host and the addresses; the OS comes back and status checks re-run.
      e.res.update(tx, i.instanceId, {
        ...i,
        checksPassAt: now + DELAYS.statusChecks / 2,
        consoleLog: [...i.consoleLog, '', 'reboot: Restarting system'],
      });
    }
  });
  // The operating system restarts: sessions end, services come back as enabled.
  for (const i of instances) {
    ctx.cloud.events.publish({
      topic: 'ec2.instance.reboot',
      account: e.scope.account,
      region: e.scope.region,
      at: now,
      data: { instanceId: i.instanceId },
    });
  }
  return {};
}

export async function terminateInstances(
  ctx: OperationContext,
  input: EC2.TerminateInstancesRequest,
): Promise<EC2.TerminateInstancesResult> {
  const e = ec2(ctx);
  await ensureDefaultNetwork(e);
  const instances = getInstances(e, input.InstanceIds ?? []);
  for (const i of instances) {
    if (i.disableApiTermination && i.state !== 'terminated') {
      throw errors.operationNotPermitted(
        `The instance '${i.instanceId}' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.`,
      );
    }
  }
  checkDryRun(input);
  const now = ctx.cloud.clock.now();
  const changes = await ctx.cloud.store.write((tx) =>
    instances.map((i) => {
      if (i.state === 'terminated' || i.state === 'shutting-down') return stateChange(i, i.state);
      const next: InstanceRecord = {
        ...i,
        state: 'shutting-down',
        stateSince: now,
        stateTransitionReason: reason('User initiated', '', now),
      };
      delete next.stateReason;
      delete next.hostFailedAt;
      return transition(e, tx, i, next);
    }),
  );
  return { TerminatingInstances: changes };
}

// ---- status, console, attributes ------------------------------------------------------------

function statusOf(i: InstanceRecord, now: number, failedHosts: Set<string>): EC2.InstanceStatus {
  const hostFailed = i.hostFailedAt !== undefined || (i.hostId ? failedHosts.has(i.hostId) : false);
  const running = i.state === 'running';
  const checking = running && (i.checksPassAt ?? 0) > now;
  const system: EC2.SummaryStatus = !running
    ? 'not-applicable'
    : hostFailed
      ? 'impaired'
      : checking
        ? 'initializing'
        : 'ok';
  const instance: EC2.SummaryStatus = !running
    ? 'not-applicable'
    : checking
      ? 'initializing'
      : hostFailed
        ? 'impaired'
        : 'ok';
  const detail = (s: EC2.SummaryStatus) => [
    {
      Name: 'reachability' as const,
      Status: (s === 'ok'
        ? 'passed'
        : s === 'impaired'
          ? 'failed'
          : s === 'initializing'
            ? 'initializing'
            : 'insufficient-data') as EC2.StatusType,
    },
  ];
  return {
    AvailabilityZone: i.availabilityZone,
    InstanceId: i.instanceId,
    InstanceState: { Code: STATE_CODES[i.state], Name: i.state },
    InstanceStatus: { Status: instance, Details: running ? detail(instance) : [] },
    SystemStatus: { Status: system, Details: running ? detail(system) : [] },
    AttachedEbsStatus: {
      Status: running ? (checking ? 'initializing' : 'ok') : 'not-applicable',
      Details: running ? detail(checking ? 'initializing' : 'ok') : [],
    },
  };
}

export async function describeInstanceStatus(
  ctx: OperationContext,
  input: EC2.DescribeInstanceStatusRequest,
): Promise<EC2.DescribeInstanceStatusResult> {
  const e = ec2(ctx);
  await ensureDefaultNetwork(e);
  const records = instancesAsked(e, input);
  checkDryRun(input);
  const now = ctx.cloud.clock.now();
  const failedHosts = ctx.cloud.hypervisor.failedHostIds();
  const statuses = records
    .filter((i) => input.IncludeAllInstances || i.state === 'running')
    .map((i) => statusOf(i, now, failedHosts));
  const filtered = applyFilters(statuses, input.Filters, {
    'availability-zone': (s) => s.AvailabilityZone,
    'instance-state-code': (s) => s.InstanceState?.Code,
    'instance-state-name': (s) => s.InstanceState?.Name,
    'instance-status.reachability': (s) => s.InstanceStatus?.Details?.map((d) => d.Status),
    'instance-status.status': (s) => s.InstanceStatus?.Status,
    'system-status.reachability': (s) => s.SystemStatus?.Details?.map((d) => d.Status),
    'system-status.status': (s) => s.SystemStatus?.Status,
  });
  const page = paginate(filtered, input);
  return { InstanceStatuses: page.items, NextToken: page.nextToken };
}

export async function getConsoleOutput(
  ctx: OperationContext,
  input: EC2.GetConsoleOutputRequest,
): Promise<EC2.GetConsoleOutputResult> {
  const e = ec2(ctx);
  const i = getInstance(e, input.InstanceId ?? '');
  checkDryRun(input);
  const text = i.consoleLog.join('\n');
  return {
    InstanceId: i.instanceId,
    Timestamp: new Date(ctx.cloud.clock.now()),
    ...(text ? { Output: Buffer.from(text).toString('base64') } : {}),
  };
}

export async function modifyInstanceAttribute(
  ctx: OperationContext,
  input: EC2.ModifyInstanceAttributeRequest,
): Promise<Record<string, never>> {
  const e = ec2(ctx);
  await ensureDefaultNetwork(e);
  const i = getInstance(e, input.InstanceId ?? '');
  const next: InstanceRecord = { ...i };
  const stopped = () => {
    if (i.state !== 'stopped')
      throw errors.incorrectState(`The instance '${i.instanceId}' is not in the 'stopped' state.`);
  };
  const attribute = input.Attribute;
  const value = input.Value;
  if (input.InstanceType?.Value || attribute === 'instanceType') {
    stopped();
    const type = findInstanceType(ctx, input.InstanceType?.Value ?? value ?? '');
    if (!type.architectures.includes(i.architecture)) {
      throw errors.invalidValue(
        `The instance type '${type.type}' does not support the architecture '${i.architecture}' of instance '${i.instanceId}'.`,
      );
    }
    next.instanceType = type.type;
    next.coreCount = type.cores;
    next.threadsPerCore = type.threadsPerCore;
  }
  if (input.UserData?.Value !== undefined || attribute === 'userData') {
    stopped();
    const raw = input.UserData?.Value ?? (value ? Buffer.from(value) : undefined);
    next.userData = raw ? Buffer.from(raw).toString('base64') : undefined;
  }
  if (input.DisableApiTermination?.Value !== undefined)
    next.disableApiTermination = input.DisableApiTermination.Value;
  if (input.SourceDestCheck?.Value !== undefined) next.sourceDestCheck = input.SourceDestCheck.Value;
  if (input.EbsOptimized?.Value !== undefined) next.ebsOptimized = input.EbsOptimized.Value;
  if (input.InstanceInitiatedShutdownBehavior?.Value) {
    next.shutdownBehavior =
      input.InstanceInitiatedShutdownBehavior.Value === 'terminate' ? 'terminate' : 'stop';
  }
  if (input.Groups?.length) {
    const groups = input.Groups.map((id) => getGroup(e, id));
    for (const g of groups) {
      if (g.vpcId !== i.vpcId)
        throw new AwsError(
          'InvalidGroup.NotFound',
          `The security group '${g.groupId}' does not exist in VPC '${i.vpcId}'`,
        );
    }
    next.securityGroupIds = groups.map((g) => g.groupId);
  }
  checkDryRun(input);
  await ctx.cloud.store.write((tx) => e.res.update(tx, i.instanceId, next));
  return {};
}

export async function describeInstanceAttribute(
  ctx: OperationContext,
  input: EC2.DescribeInstanceAttributeRequest,
): Promise<EC2.InstanceAttribute> {
  const e = ec2(ctx);
  const i = getInstance(e, input.InstanceId ?? '');
  checkDryRun(input);
  const base = { InstanceId: i.instanceId };
  switch (input.Attribute) {
    case 'instanceType':
      return { ...base, InstanceType: { Value: i.instanceType } };
    case 'userData':
      return { ...base, UserData: i.userData ? { Value: i.userData } : {} };
    case 'disableApiTermination':
      return { ...base, DisableApiTermination: { Value: i.disableApiTermination } };
    case 'instanceInitiatedShutdownBehavior':
      return { ...base, InstanceInitiatedShutdownBehavior: { Value: i.shutdownBehavior } };
    case 'rootDeviceName':
      return { ...base, RootDeviceName: { Value: i.rootDeviceName } };
    case 'sourceDestCheck':
      return { ...base, SourceDestCheck: { Value: i.sourceDestCheck } };
    case 'ebsOptimized':
      return { ...base, EbsOptimized: { Value: i.ebsOptimized } };
    case 'groupSet':
      return {
        ...base,
        Groups: i.securityGroupIds.map((id) => ({
          GroupId: id,
          GroupName: e.res.get<SecurityGroupRecord>(e.scope, 'sg', id)?.groupName ?? '',
        })),
      };
    case 'blockDeviceMapping':
      return {
        ...base,
        BlockDeviceMappings: blockDeviceMappings(
          e.res.list<VolumeRecord>(e.scope, 'volume', { parent: i.instanceId }),
        ),
      };
    default:
      throw errors.invalidValue(
        `Value (${input.Attribute}) for parameter attribute is invalid. Unknown attribute.`,
      );
  }
}

/** DNS names of an instance, for the console and (later) the resolver. */
export function instanceNames(region: string, i: InstanceRecord): { privateDns: string; publicDns?: string } {
  return {
    privateDns: privateDnsName(region, i.privateIpAddress),
    ...(i.publicIpAddress ? { publicDns: publicDnsName(region, i.publicIpAddress) } : {}),
  };
}
