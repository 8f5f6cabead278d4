/**
 * What Cloud Lab stores for each EC2 resource. Records are plain JSON (times as epoch
 * milliseconds of the simulated clock); `shapes.ts` turns them into the SDK's shapes.
 */
export interface VpcRecord {
  vpcId: string;
  cidrBlock: string;
  cidrAssociationId: string;
  isDefault: boolean;
  dhcpOptionsId: string;
  instanceTenancy: 'default' | 'dedicated';
  enableDnsSupport: boolean;
  enableDnsHostnames: boolean;
}

export interface SubnetRecord {
  subnetId: string;
  vpcId: string;
  cidrBlock: string;
  availabilityZone: string;
  availabilityZoneId: string;
  defaultForAz: boolean;
  mapPublicIpOnLaunch: boolean;
}

export interface InternetGatewayRecord {
  internetGatewayId: string;
  vpcId: string | null;
}

export interface RouteRecord {
  destinationCidrBlock: string;
  gatewayId?: string;
  instanceId?: string;
  origin: 'CreateRouteTable' | 'CreateRoute';
}

export interface RouteTableAssociationRecord {
  routeTableAssociationId: string;
  subnetId?: string;
  main: boolean;
}

export interface RouteTableRecord {
  routeTableId: string;
  vpcId: string;
  routes: RouteRecord[];
  associations: RouteTableAssociationRecord[];
}

export interface SecurityGroupRuleRecord {
  ruleId: string;
  egress: boolean;
  /** "-1" (all), "tcp", "udp", "icmp", "icmpv6" or a protocol number. */
  ipProtocol: string;
  fromPort?: number;
  toPort?: number;
  cidrIpv4?: string;
  cidrIpv6?: string;
  referencedGroupId?: string;
  prefixListId?: string;
  description?: string;
}

export interface SecurityGroupRecord {
  groupId: string;
  groupName: string;
  description: string;
  vpcId: string;
  rules: SecurityGroupRuleRecord[];
}

export interface KeyPairRecord {
  keyPairId: string;
  keyName: string;
  keyType: 'rsa' | 'ed25519';
  keyFingerprint: string;
  publicKey: string;
  createTime: number;
}

export type PlacementStrategy = 'cluster' | 'spread' | 'partition';

export interface PlacementGroupRecord {
  groupId: string;
  groupName: string;
  strategy: PlacementStrategy;
  /** Partition groups only. */
  partitionCount?: number;
  /** Spread groups only. */
  spreadLevel?: 'host' | 'rack';
  createTime: number;
}

export type InstanceStateName =
  'pending' | 'running' | 'shutting-down' | 'terminated' | 'stopping' | 'stopped';

export const STATE_CODES: Record<InstanceStateName, number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

export interface InstanceRecord {
  instanceId: string;
  reservationId: string;
  imageId: string;
  instanceType: string;
  architecture: string;
  platformDetails: string;
  state: InstanceStateName;
  /** When the current state began (simulated ms). */
  stateSince: number;
  stateTransitionReason: string;
  stateReason?: { code: string; message: string };
  launchTime: number;
  availabilityZone: string;
  subnetId: string;
  vpcId: string;
  privateIpAddress: string;
  publicIpAddress?: string;
  /** Set when an Elastic IP is associated; survives stop/start. */
  elasticIp?: string;
  keyName?: string;
  securityGroupIds: string[];
  userData?: string;
  amiLaunchIndex: number;
  clientToken?: string;
  iamInstanceProfileArn?: string;
  rootDeviceName: string;
  hostId: string | null;
  networkInterfaceId: string;
  macAddress: string;
  ebsOptimized: boolean;
  sourceDestCheck: boolean;
  disableApiTermination: boolean;
  shutdownBehavior: 'stop' | 'terminate';
  monitoring: 'disabled' | 'enabled';
  tenancy: string;
  /** The placement group's name, as DescribeInstances shows it. */
  placementGroup?: string;
  /** The group's ID: membership follows the ID, as a name can be reused after a delete. */
  placementGroupId?: string;
  /** The partition of a partition placement group (1-based). */
  partitionNumber?: number;
  /** The AMI's boot mode (uefi, uefi-preferred, legacy-bios), if it names one. */
  bootMode: string | null;
  /** How the instance booted: UEFI where the AMI and the type allow it. */
  currentBootMode: 'uefi' | 'legacy-bios';
  coreCount: number;
  threadsPerCore: number;
  /** IMDSv2 required (Amazon Linux 2023 images) or optional. */
  httpTokens: 'required' | 'optional';
  /** Lines of the serial console, as GetConsoleOutput shows them. */
  consoleLog: string[];
  /** Simulated ms when the instance status checks pass after the last start. */
  checksPassAt?: number;
  /** Set when the instance's host failed: the system check fails, then the instance stops. */
  hostFailedAt?: number;
}

export interface VolumeAttachmentRecord {
  instanceId: string;
  device: string;
  state: 'attaching' | 'attached' | 'detaching';
  attachTime: number;
  deleteOnTermination: boolean;
}

export interface VolumeRecord {
  volumeId: string;
  size: number;
  volumeType: string;
  iops?: number;
  throughput?: number;
  availabilityZone: string;
  state: 'creating' | 'available' | 'in-use' | 'deleting';
  /** When the volume (or its attachment) last changed state (simulated ms). */
  changedAt: number;
  snapshotId?: string;
  encrypted: boolean;
  createTime: number;
  attachment?: VolumeAttachmentRecord;
}

export interface SnapshotRecord {
  snapshotId: string;
  volumeId: string;
  volumeSize: number;
  state: 'pending' | 'completed';
  startTime: number;
  completeAt: number;
  description: string;
  encrypted: boolean;
}

export interface AddressRecord {
  allocationId: string;
  publicIp: string;
  associationId?: string;
  instanceId?: string;
  networkInterfaceId?: string;
  privateIpAddress?: string;
}
