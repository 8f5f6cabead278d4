/**
 * VPCs, subnets, internet gateways and route tables. Every account has a default VPC
 * (172.31.0.0/16) in every Region with a default subnet per Availability Zone, an internet
 * gateway, a main route table and a default security group; Cloud Lab creates them the first
 * time an account uses EC2 in a Region, as AWS has them ready.
 */
import type * as EC2 from '@aws-sdk/client-ec2';
import { AwsError } from '../../kernel/errors';
import type { Tx } from '../../kernel/store';
import { assignableRange, contains, formatCidr, overlaps, parseCidr, subBlock } from '../../network/cidr';
import type { OperationContext } from '../../service';
import { checkDryRun } from './dry-run';
import { checkId, errors } from './errors';
import { applyFilters } from './filters';
import { paginate } from './pagination';
import type {
  InternetGatewayRecord,
  RouteTableRecord,
  SecurityGroupRecord,
  SubnetRecord,
  VpcRecord,
} from './records';
import { ec2, type Ec2Context, type Ec2Scope } from './runtime';
import { applyTagSpecifications, tagFilters, withTags } from './tags';

/** Make the account's default networking in this Region if it is not there yet. */
export async function ensureDefaultNetwork(e: Ec2Context): Promise<void> {
  if (e.res.isRegionReady(e.scope)) return;
  const { ctx, res, scope } = e;
  await ctx.cloud.store.write((tx) => {
    if (res.isRegionReady(scope)) return;
    const ids = ctx.cloud.ids;
    const vpc: VpcRecord = {
      vpcId: ids.resource(tx, 'vpc'),
      cidrBlock: '172.31.0.0/16',
      cidrAssociationId: ids.resource(tx, 'vpc-cidr-assoc'),
      isDefault: true,
      dhcpOptionsId: ids.resource(tx, 'dopt'),
      instanceTenancy: 'default',
      enableDnsSupport: true,
      enableDnsHostnames: true,
    };
    res.insert(tx, scope, 'vpc', vpc.vpcId, vpc);
    const base = parseCidr(vpc.cidrBlock)!;
    ctx.region.zones
      .filter((z) => z.type === 'availability-zone')
      .forEach((zone, i) => {
        const subnet: SubnetRecord = {
          subnetId: ids.resource(tx, 'subnet'),
          vpcId: vpc.vpcId,
          cidrBlock: formatCidr(subBlock(base, 20, i)),
          availabilityZone: zone.name,
          availabilityZoneId: zone.id,
          defaultForAz: true,
          mapPublicIpOnLaunch: true,
        };
        res.insert(tx, scope, 'subnet', subnet.subnetId, subnet, { parent: vpc.vpcId });
      });
    const igw: InternetGatewayRecord = { internetGatewayId: ids.resource(tx, 'igw'), vpcId: vpc.vpcId };
    res.insert(tx, scope, 'igw', igw.internetGatewayId, igw, { parent: vpc.vpcId });
    createMainRouteTable(e, tx, vpc, igw.internetGatewayId);
    createDefaultSecurityGroup(e, tx, vpc.vpcId, 'default VPC security group');
    res.markRegionReady(tx, scope);
  });
}

function createMainRouteTable(e: Ec2Context, tx: Tx, vpc: VpcRecord, igwId?: string): RouteTableRecord {
  const ids = e.ctx.cloud.ids;
  const rtb: RouteTableRecord = {
    routeTableId: ids.resource(tx, 'rtb'),
    vpcId: vpc.vpcId,
    routes: [
      { destinationCidrBlock: vpc.cidrBlock, gatewayId: 'local', origin: 'CreateRouteTable' },
      ...(igwId
        ? [{ destinationCidrBlock: '0.0.0.0/0', gatewayId: igwId, origin: 'CreateRoute' as const }]
        : []),
    ],
    associations: [{ routeTableAssociationId: ids.resource(tx, 'rtbassoc'), main: true }],
  };
  e.res.insert(tx, e.scope, 'rtb', rtb.routeTableId, rtb, { parent: vpc.vpcId });
  return rtb;
}

/** Every VPC's "default" group: members may talk to each other; all egress allowed. */
export function createDefaultSecurityGroup(
  e: Ec2Context,
  tx: Tx,
  vpcId: string,
  description: string,
): SecurityGroupRecord {
  const ids = e.ctx.cloud.ids;
  const groupId = ids.resource(tx, 'sg');
  const sg: SecurityGroupRecord = {
    groupId,
    groupName: 'default',
    description,
    vpcId,
    rules: [
      { ruleId: ids.resource(tx, 'sgr'), egress: false, ipProtocol: '-1', referencedGroupId: groupId },
      { ruleId: ids.resource(tx, 'sgr'), egress: true, ipProtocol: '-1', cidrIpv4: '0.0.0.0/0' },
    ],
  };
  e.res.insert(tx, e.scope, 'sg', groupId, sg, { name: 'default', parent: vpcId });
  return sg;
}

// ---- lookups shared with other operations ----------------------------------------------------

export function getVpc(e: Ec2Context, id: string): VpcRecord {
  checkId(id, 'vpc', 'InvalidVpcID.Malformed');
  const vpc = e.res.get<VpcRecord>(e.scope, 'vpc', id);
  if (!vpc) throw errors.vpcNotFound(id);
  return vpc;
}

export function getSubnet(e: Ec2Context, id: string): SubnetRecord {
  checkId(id, 'subnet', 'InvalidSubnetID.Malformed');
  const subnet = e.res.get<SubnetRecord>(e.scope, 'subnet', id);
  if (!subnet) throw errors.subnetNotFound(id);
  return subnet;
}

export function defaultVpc(e: Ec2Context): VpcRecord | undefined {
  return e.res.list<VpcRecord>(e.scope, 'vpc').find((v) => v.isDefault);
}

/** Addresses of a subnet not taken by an instance (running or not, until terminated). */
export function availableIpCount(e: Ec2Context, subnet: SubnetRecord): number {
  const used = e.ctx.cloud.store.get<{ n: number }>(
    `SELECT count(*) AS n FROM ec2_resources WHERE account = ? AND region = ? AND kind = 'instance' AND parent = ?`,
    [e.scope.account, e.scope.region, subnet.subnetId],
  )!.n;
  return assignableRange(parseCidr(subnet.cidrBlock)!).count - used;
}

function arn(e: Ec2Context, type: string, id: string): string {
  return `arn:aws:ec2:${e.scope.region}:${e.scope.account}:${type}/${id}`;
}

// ---- shapes -------------------------------------------------------------------------------

function vpcShape(e: Ec2Context, v: VpcRecord): EC2.Vpc {
  return {
    CidrBlock: v.cidrBlock,
    DhcpOptionsId: v.dhcpOptionsId,
    State: 'available',
    VpcId: v.vpcId,
    OwnerId: e.scope.account,
    InstanceTenancy: v.instanceTenancy,
    CidrBlockAssociationSet: [
      { AssociationId: v.cidrAssociationId, CidrBlock: v.cidrBlock, CidrBlockState: { State: 'associated' } },
    ],
    IsDefault: v.isDefault,
  };
}

function subnetShape(e: Ec2Context, s: SubnetRecord): EC2.Subnet {
  return {
    AvailabilityZone: s.availabilityZone,
    AvailabilityZoneId: s.availabilityZoneId,
    AvailableIpAddressCount: availableIpCount(e, s),
    CidrBlock: s.cidrBlock,
    DefaultForAz: s.defaultForAz,
    MapPublicIpOnLaunch: s.mapPublicIpOnLaunch,
    State: 'available',
    SubnetId: s.subnetId,
    VpcId: s.vpcId,
    OwnerId: e.scope.account,
    AssignIpv6AddressOnCreation: false,
    Ipv6CidrBlockAssociationSet: [],
    SubnetArn: arn(e, 'subnet', s.subnetId),
    EnableDns64: false,
    Ipv6Native: false,
    PrivateDnsNameOptionsOnLaunch: {
      HostnameType: 'ip-name',
      EnableResourceNameDnsARecord: false,
      EnableResourceNameDnsAAAARecord: false,
    },
  };
}

function igwShape(e: Ec2Context, g: InternetGatewayRecord): EC2.InternetGateway {
  return {
    InternetGatewayId: g.internetGatewayId,
    OwnerId: e.scope.account,
    // EC2 reports an attached gateway as "available", a value the SDK's enum does not list.
    Attachments: g.vpcId ? [{ State: 'available' as EC2.AttachmentStatus, VpcId: g.vpcId }] : [],
  };
}

function routeTableShape(e: Ec2Context, t: RouteTableRecord): EC2.RouteTable {
  return {
    RouteTableId: t.routeTableId,
    VpcId: t.vpcId,
    OwnerId: e.scope.account,
    PropagatingVgws: [],
    Routes: t.routes.map((r) => ({
      DestinationCidrBlock: r.destinationCidrBlock,
      ...(r.gatewayId ? { GatewayId: r.gatewayId } : {}),
      ...(r.instanceId ? { InstanceId: r.instanceId, InstanceOwnerId: e.scope.account } : {}),
      Origin: r.origin,
      State: routeState(e, r.gatewayId, r.instanceId),
    })),
    Associations: t.associations.map((a) => ({
      Main: a.main,
      RouteTableAssociationId: a.routeTableAssociationId,
      RouteTableId: t.routeTableId,
      ...(a.subnetId ? { SubnetId: a.subnetId } : {}),
      AssociationState: { State: 'associated' },
    })),
  };
}

/** A route to a gateway that is gone (or detached) is a blackhole, as on AWS. */
function routeState(e: Ec2Context, gatewayId?: string, instanceId?: string): 'active' | 'blackhole' {
  if (gatewayId === 'local') return 'active';
  if (gatewayId)
    return e.res.get<InternetGatewayRecord>(e.scope, 'igw', gatewayId)?.vpcId ? 'active' : 'blackhole';
  if (instanceId) return e.res.get(e.scope, 'instance', instanceId) ? 'active' : 'blackhole';
  return 'blackhole';
}

// ---- VPCs ---------------------------------------------------------------------------------

export async function createVpc(
  ctx: OperationContext,
  input: EC2.CreateVpcRequest,
): Promise<EC2.CreateVpcResult> {
  const e = ec2(ctx);
  await ensureDefaultNetwork(e);
  if (!input.CidrBlock) throw errors.missing('CidrBlock');
  const cidr = parseCidr(input.CidrBlock);
  if (!cidr)
    throw errors.invalidValue(
      `Value (${input.CidrBlock}) for parameter cidrBlock is invalid. This is not a valid CIDR block.`,
    );
  if (cidr.prefix < 16 || cidr.prefix > 28) {
    throw new AwsError('InvalidVpc.Range', `The CIDR '${input.CidrBlock}' is invalid.`);
  }
  checkDryRun(input);
  const vpc = await ctx.cloud.store.write((tx) => {
    const ids = ctx.cloud.ids;
    const record: VpcRecord = {
      vpcId: ids.resource(tx, 'vpc'),
      cidrBlock: formatCidr(cidr),
      cidrAssociationId: ids.resource(tx, 'vpc-cidr-assoc'),
      isDefault: false,
      dhcpOptionsId: defaultVpc(e)?.dhcpOptionsId ?? ids.resource(tx, 'dopt'),
      instanceTenancy: input.InstanceTenancy === 'dedicated' ? 'dedicated' : 'default',
      enableDnsSupport: true,
      enableDnsHostnames: false,
    };
    e.res.insert(tx, e.scope, 'vpc', record.vpcId, record);
    createMainRouteTable(e, tx, record);
    createDefaultSecurityGroup(e, tx, record.vpcId, 'default VPC security group');
    applyTagSpecifications(e, tx, input.TagSpecifications, 'vpc', record.vpcId);
    return record;
  });
  return { Vpc: { ...vpcShape(e, vpc), State: 'pending', Tags: e.res.tags(vpc.vpcId) } };
}

export async function describeVpcs(
  ctx: OperationContext,
  input: EC2.DescribeVpcsRequest,
): Promise<EC2.DescribeVpcsResult> {
  const e = ec2(ctx);
  await ensureDefaultNetwork(e);
  checkDryRun(input);
  for (const id of input.VpcIds ?? []) getVpc(e, id);
  const tags = e.res.tagsOf(e.scope, 'vpc');
  const all = e.res
    .list<VpcRecord>(e.scope, 'vpc')
    .filter((v) => !input.VpcIds?.length || input.VpcIds.includes(v.vpcId))
    .map((v) => withTags(vpcShape(e, v), tags.get(v.vpcId)));
  const filtered = applyFilters(all, input.Filters, {
    cidr: (v) => v.CidrBlock,
    'cidr-block-association.cidr-block': (v) => v.CidrBlockAssociationSet?.map((a) => a.CidrBlock),
    'dhcp-options-id': (v) => v.DhcpOptionsId,
    'is-default': (v) => v.IsDefault,
    'owner-id': (v) => v.OwnerId,
    state: (v) => v.State,
    'vpc-id': (v) => v.VpcId,
    ...tagFilters<EC2.Vpc>(),
  });
  const page = paginate(filtered, input);
  return { Vpcs: page.items, NextToken: page.nextToken };
}

export async function deleteVpc(
  ctx: OperationContext,
  input: EC2.DeleteVpcRequest,
): Promise<Record<string, never>> {
  const e = ec2(ctx);
  await ensureDefaultNetwork(e);
  const vpc = getVpc(e, input.VpcId ?? '');
  checkDryRun(input);
  const dependents = [
    ...e.res.list<SubnetRecord>(e.scope, 'subnet', { parent: vpc.vpcId }).map((s) => s.subnetId),
    ...e.res
      .list<InternetGatewayRecord>(e.scope, 'igw', { parent: vpc.vpcId })
      .map((g) => g.internetGatewayId),
    ...e.res
      .list<SecurityGroupRecord>(e.scope, 'sg', { parent: vpc.vpcId })
      .filter((g) => g.groupName !== 'default')
      .map((g) => g.groupId),
    ...e.res
      .list<RouteTableRecord>(e.scope, 'rtb', { parent: vpc.vpcId })
      .filter((t) => !t.associations.some((a) => a.main))
      .map((t) => t.routeTableId),
  ];
  if (dependents.length > 0) {
    throw errors.dependency(`The vpc '${vpc.vpcId}' has dependencies and cannot be deleted.`);
  }
  await ctx.cloud.store.write((tx) => {
    for (const t of e.res.list<RouteTableRecord>(e.scope, 'rtb', { parent: vpc.vpcId }))
      e.res.delete(tx, t.routeTableId);
    for (const g of e.res.list<SecurityGroupRecord>(e.scope, 'sg', { parent: vpc.vpcId }))
      e.res.delete(tx, g.groupId);
    e.res.delete(tx, vpc.vpcId);
  });
  return {};
}

// ---- subnets ------------------------------------------------------------------------------

export async function createSubnet(
  ctx: OperationContext,
  input: EC2.CreateSubnetRequest,
): Promise<EC2.CreateSubnetResult> {
  const e = ec2(ctx);
  await ensureDefaultNetwork(e);
  if (!input.VpcId) throw errors.missing('VpcId');
  if (!input.CidrBlock) throw errors.missing('CidrBlock');
  const vpc = getVpc(e, input.VpcId);
  const cidr = parseCidr(input.CidrBlock);
  const range = new AwsError('InvalidSubnet.Range', `The CIDR '${input.CidrBlock}' is invalid.`);
  if (!cidr || cidr.prefix < 16 || cidr.prefix > 28 || !contains(parseCidr(vpc.cidrBlock)!, cidr))
    throw range;
  const siblings = e.res.list<SubnetRecord>(e.scope, 'subnet', { parent: vpc.vpcId });
  if (siblings.some((s) => overlaps(parseCidr(s.cidrBlock)!, cidr))) {
    throw new AwsError(
      'InvalidSubnet.Conflict',
      `The CIDR '${input.CidrBlock}' conflicts with another subnet`,
    );
  }
  const zone = pickZone(e, input.AvailabilityZone, input.AvailabilityZoneId);
  checkDryRun(input);
  const subnet = await ctx.cloud.store.write((tx) => {
    const record: SubnetRecord = {
      subnetId: ctx.cloud.ids.resource(tx, 'subnet'),
      vpcId: vpc.vpcId,
      cidrBlock: formatCidr(cidr),
      availabilityZone: zone.name,
      availabilityZoneId: zone.id,
      defaultForAz: false,
      mapPublicIpOnLaunch: false,
    };
    e.res.insert(tx, e.scope, 'subnet', record.subnetId, record, { parent: vpc.vpcId });
    applyTagSpecifications(e, tx, input.TagSpecifications, 'subnet', record.subnetId);
    return record;
  });
  return { Subnet: { ...subnetShape(e, subnet), Tags: e.res.tags(subnet.subnetId) } };
}

function pickZone(e: Ec2Context, name?: string, id?: string): { name: string; id: string } {
  const zones = e.ctx.region.zones.filter((z) => z.type === 'availability-zone');
  if (name || id) {
    const zone = zones.find((z) => z.name === name || z.id === id);
    if (!zone)
      throw errors.invalidValue(
        `Value (${name ?? id}) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: ${zones.map((z) => z.name).join(', ')}.`,
      );
    return zone;
  }
  // Without a zone AWS picks one; pick deterministically (the first).
  return zones[0]!;
}

export async function describeSubnets(
  ctx: OperationContext,
  input: EC2.DescribeSubnetsRequest,
): Promise<EC2.DescribeSubnetsResult> {
  const e = ec2(ctx);
  await ensureDefaultNetwork(e);
  checkDryRun(input);
  for (const id of input.SubnetIds ?? []) getSubnet(e, id);
  const tags = e.res.tagsOf(e.scope, 'subnet');
  const all = e.res
    .list<SubnetRecord>(e.scope, 'subnet')
    .filter((s) => !input.SubnetIds?.length || input.SubnetIds.includes(s.subnetId))
    .map((s) => withTags(subnetShape(e, s), tags.get(s.subnetId)));
  const filtered = applyFilters(all, input.Filters, {
    'availability-zone': (s) => s.AvailabilityZone,
    'availability-zone-id': (s) => s.AvailabilityZoneId,
    'available-ip-address-count': (s) => s.AvailableIpAddressCount,
    'cidr-block': (s) => s.CidrBlock,
    'default-for-az': (s) => s.DefaultForAz,
    'map-public-ip-on-launch': (s) => s.MapPublicIpOnLaunch,
    'owner-id': (s) => s.OwnerId,
    state: (s) => s.State,
    'subnet-arn': (s) => s.SubnetArn,
    'subnet-id': (s) => s.SubnetId,
    'vpc-id': (s) => s.VpcId,
    ...tagFilters<EC2.Subnet>(),
  });
  const page = paginate(filtered, input);
  return { Subnets: page.items, NextToken: page.nextToken };
}

export async function modifySubnetAttribute(
  ctx: OperationContext,
  input: EC2.ModifySubnetAttributeRequest,
): Promise<Record<string, never>> {
  const e = ec2(ctx);
  await ensureDefaultNetwork(e);
  const subnet = getSubnet(e, input.SubnetId ?? '');
  const next = {
    ...subnet,
    mapPublicIpOnLaunch: input.MapPublicIpOnLaunch?.Value ?? subnet.mapPublicIpOnLaunch,
  };
  await ctx.cloud.store.write((tx) => e.res.update(tx, subnet.subnetId, next));
  return {};
}

export async function deleteSubnet(
  ctx: OperationContext,
  input: EC2.DeleteSubnetRequest,
): Promise<Record<string, never>> {
  const e = ec2(ctx);
  await ensureDefaultNetwork(e);
  const subnet = getSubnet(e, input.SubnetId ?? '');
  checkDryRun(input);
  const inUse = ctx.cloud.store.get(
    `SELECT 1 AS x FROM ec2_resources WHERE account = ? AND region = ? AND kind = 'instance' AND parent = ?`,
    [e.scope.account, e.scope.region, subnet.subnetId],
  );
  if (inUse)
    throw errors.dependency(`The subnet '${subnet.subnetId}' has dependencies and cannot be deleted.`);
  await ctx.cloud.store.write((tx) => {
    for (const t of e.res.list<RouteTableRecord>(e.scope, 'rtb', { parent: subnet.vpcId })) {
      const kept = t.associations.filter((a) => a.subnetId !== subnet.subnetId);
      if (kept.length !== t.associations.length)
        e.res.update(tx, t.routeTableId, { ...t, associations: kept });
    }
    e.res.delete(tx, subnet.subnetId);
  });
  return {};
}

// ---- internet gateways ----------------------------------------------------------------------

function getIgw(e: Ec2Context, id: string): InternetGatewayRecord {
  checkId(id, 'igw', 'InvalidInternetGatewayID.Malformed');
  const igw = e.res.get<InternetGatewayRecord>(e.scope, 'igw', id);
  if (!igw) throw errors.igwNotFound(id);
  return igw;
}

export async function createInternetGateway(
  ctx: OperationContext,
  input: EC2.CreateInternetGatewayRequest,
): Promise<EC2.CreateInternetGatewayResult> {
  const e = ec2(ctx);
  await ensureDefaultNetwork(e);
  checkDryRun(input);
  const igw = await ctx.cloud.store.write((tx) => {
    const record: InternetGatewayRecord = {
      internetGatewayId: ctx.cloud.ids.resource(tx, 'igw'),
      vpcId: null,
    };
    e.res.insert(tx, e.scope, 'igw', record.internetGatewayId, record);
    applyTagSpecifications(e, tx, input.TagSpecifications, 'internet-gateway', record.internetGatewayId);
    return record;
  });
  return { InternetGateway: { ...igwShape(e, igw), Tags: e.res.tags(igw.internetGatewayId) } };
}

export async function attachInternetGateway(
  ctx: OperationContext,
  input: EC2.AttachInternetGatewayRequest,
): Promise<Record<string, never>> {
  const e = ec2(ctx);
  await ensureDefaultNetwork(e);
  const igw = getIgw(e, input.InternetGatewayId ?? '');
  const vpc = getVpc(e, input.VpcId ?? '');
  if (igw.vpcId) {
    throw new AwsError(
      'Resource.AlreadyAssociated',
      `resource ${igw.internetGatewayId} is already attached to network ${igw.vpcId}`,
    );
  }
  if (e.res.list<InternetGatewayRecord>(e.scope, 'igw', { parent: vpc.vpcId }).length > 0) {
    throw new AwsError(
      'InvalidParameterValue',
      `Network ${vpc.vpcId} already has an internet gateway attached`,
    );
  }
  checkDryRun(input);
  await ctx.cloud.store.write((tx) =>
    e.res.update(tx, igw.internetGatewayId, { ...igw, vpcId: vpc.vpcId }, { parent: vpc.vpcId }),
  );
  return {};
}

export async function detachInternetGateway(
  ctx: OperationContext,
  input: EC2.DetachInternetGatewayRequest,
): Promise<Record<string, never>> {
  const e = ec2(ctx);
  await ensureDefaultNetwork(e);
  const igw = getIgw(e, input.InternetGatewayId ?? '');
  if (igw.vpcId !== input.VpcId) {
    throw new AwsError(
      'Gateway.NotAttached',
      `resource ${igw.internetGatewayId} is not attached to network ${input.VpcId}`,
    );
  }
  checkDryRun(input);
  await ctx.cloud.store.write((tx) =>
    e.res.update(tx, igw.internetGatewayId, { ...igw, vpcId: null }, { parent: null }),
  );
  return {};
}

export async function deleteInternetGateway(
  ctx: OperationContext,
  input: EC2.DeleteInternetGatewayRequest,
): Promise<Record<string, never>> {
  const e = ec2(ctx);
  await ensureDefaultNetwork(e);
  const igw = getIgw(e, input.InternetGatewayId ?? '');
  if (igw.vpcId)
    throw errors.dependency(
      `The internetGateway '${igw.internetGatewayId}' has dependencies and cannot be deleted.`,
    );
  checkDryRun(input);
  await ctx.cloud.store.write((tx) => e.res.delete(tx, igw.internetGatewayId));
  return {};
}

export async function describeInternetGateways(
  ctx: OperationContext,
  input: EC2.DescribeInternetGatewaysRequest,
): Promise<EC2.DescribeInternetGatewaysResult> {
  const e = ec2(ctx);
  await ensureDefaultNetwork(e);
  checkDryRun(input);
  for (const id of input.InternetGatewayIds ?? []) getIgw(e, id);
  const tags = e.res.tagsOf(e.scope, 'igw');
  const all = e.res
    .list<InternetGatewayRecord>(e.scope, 'igw')
    .filter(
      (g) => !input.InternetGatewayIds?.length || input.InternetGatewayIds.includes(g.internetGatewayId),
    )
    .map((g) => withTags(igwShape(e, g), tags.get(g.internetGatewayId)));
  const filtered = applyFilters(all, input.Filters, {
    'attachment.state': (g) => g.Attachments?.map((a) => a.State),
    'attachment.vpc-id': (g) => g.Attachments?.map((a) => a.VpcId),
    'internet-gateway-id': (g) => g.InternetGatewayId,
    'owner-id': (g) => g.OwnerId,
    ...tagFilters<EC2.InternetGateway>(),
  });
  const page = paginate(filtered, input);
  return { InternetGateways: page.items, NextToken: page.nextToken };
}

// ---- route tables ---------------------------------------------------------------------------

function getRouteTable(e: Ec2Context, id: string): RouteTableRecord {
  checkId(id, 'rtb', 'InvalidRouteTableID.Malformed');
  const t = e.res.get<RouteTableRecord>(e.scope, 'rtb', id);
  if (!t) throw errors.routeTableNotFound(id);
  return t;
}

export async function createRouteTable(
  ctx: OperationContext,
  input: EC2.CreateRouteTableRequest,
): Promise<EC2.CreateRouteTableResult> {
  const e = ec2(ctx);
  await ensureDefaultNetwork(e);
  const vpc = getVpc(e, input.VpcId ?? '');
  checkDryRun(input);
  const table = await ctx.cloud.store.write((tx) => {
    const record: RouteTableRecord = {
      routeTableId: ctx.cloud.ids.resource(tx, 'rtb'),
      vpcId: vpc.vpcId,
      routes: [{ destinationCidrBlock: vpc.cidrBlock, gatewayId: 'local', origin: 'CreateRouteTable' }],
      associations: [],
    };
    e.res.insert(tx, e.scope, 'rtb', record.routeTableId, record, { parent: vpc.vpcId });
    applyTagSpecifications(e, tx, input.TagSpecifications, 'route-table', record.routeTableId);
    return record;
  });
  return { RouteTable: { ...routeTableShape(e, table), Tags: e.res.tags(table.routeTableId) } };
}

export async function describeRouteTables(
  ctx: OperationContext,
  input: EC2.DescribeRouteTablesRequest,
): Promise<EC2.DescribeRouteTablesResult> {
  const e = ec2(ctx);
  await ensureDefaultNetwork(e);
  checkDryRun(input);
  for (const id of input.RouteTableIds ?? []) getRouteTable(e, id);
  const tags = e.res.tagsOf(e.scope, 'rtb');
  const all = e.res
    .list<RouteTableRecord>(e.scope, 'rtb')
    .filter((t) => !input.RouteTableIds?.length || input.RouteTableIds.includes(t.routeTableId))
    .map((t) => withTags(routeTableShape(e, t), tags.get(t.routeTableId)));
  const filtered = applyFilters(all, input.Filters, {
    'association.main': (t) => t.Associations?.map((a) => a.Main),
    'association.route-table-association-id': (t) => t.Associations?.map((a) => a.RouteTableAssociationId),
    'association.subnet-id': (t) => t.Associations?.map((a) => a.SubnetId),
    'route-table-id': (t) => t.RouteTableId,
    'route.destination-cidr-block': (t) => t.Routes?.map((r) => r.DestinationCidrBlock),
    'route.gateway-id': (t) => t.Routes?.map((r) => r.GatewayId),
    'route.state': (t) => t.Routes?.map((r) => r.State),
    'vpc-id': (t) => t.VpcId,
    'owner-id': (t) => t.OwnerId,
    ...tagFilters<EC2.RouteTable>(),
  });
  const page = paginate(filtered, input, { min: 5, max: 100 });
  return { RouteTables: page.items, NextToken: page.nextToken };
}

export async function createRoute(
  ctx: OperationContext,
  input: EC2.CreateRouteRequest,
): Promise<EC2.CreateRouteResult> {
  const e = ec2(ctx);
  await ensureDefaultNetwork(e);
  const table = getRouteTable(e, input.RouteTableId ?? '');
  const cidr = parseCidr(input.DestinationCidrBlock ?? '');
  if (!cidr)
    throw errors.invalidValue(
      `Value (${input.DestinationCidrBlock}) for parameter destinationCidrBlock is invalid. This is not a valid CIDR block.`,
    );
  if (!input.GatewayId && !input.InstanceId) {
    throw errors.missing('GatewayId');
  }
  if (input.GatewayId) {
    const igw = getIgw(e, input.GatewayId);
    if (igw.vpcId !== table.vpcId) {
      throw errors.invalidValue(
        `route table ${table.routeTableId} and network gateway ${igw.internetGatewayId} belong to different networks`,
      );
    }
  }
  if (input.InstanceId && !e.res.get(e.scope, 'instance', input.InstanceId))
    throw errors.instanceNotFound([input.InstanceId]);
  const destination = formatCidr(cidr);
  if (table.routes.some((r) => r.destinationCidrBlock === destination)) {
    throw new AwsError('RouteAlreadyExists', `The route identified by ${destination} already exists.`);
  }
  checkDryRun(input);
  await ctx.cloud.store.write((tx) => {
    const route = {
      destinationCidrBlock: destination,
      ...(input.GatewayId ? { gatewayId: input.GatewayId } : { instanceId: input.InstanceId }),
      origin: 'CreateRoute',
    };
    e.res.update(tx, table.routeTableId, { ...table, routes: [...table.routes, route] });
  });
  return { Return: true };
}

export async function deleteRoute(
  ctx: OperationContext,
  input: EC2.DeleteRouteRequest,
): Promise<Record<string, never>> {
  const e = ec2(ctx);
  await ensureDefaultNetwork(e);
  const table = getRouteTable(e, input.RouteTableId ?? '');
  const destination = input.DestinationCidrBlock ?? '';
  const route = table.routes.find((r) => r.destinationCidrBlock === destination);
  if (!route || route.gatewayId === 'local') {
    throw new AwsError(
      'InvalidRoute.NotFound',
      `no route with destination-cidr-block ${destination} in route table ${table.routeTableId}`,
    );
  }
  checkDryRun(input);
  await ctx.cloud.store.write((tx) => {
    e.res.update(tx, table.routeTableId, { ...table, routes: table.routes.filter((r) => r !== route) });
  });
  return {};
}

export async function associateRouteTable(
  ctx: OperationContext,
  input: EC2.AssociateRouteTableRequest,
): Promise<EC2.AssociateRouteTableResult> {
  const e = ec2(ctx);
  await ensureDefaultNetwork(e);
  const table = getRouteTable(e, input.RouteTableId ?? '');
  const subnet = getSubnet(e, input.SubnetId ?? '');
  if (subnet.vpcId !== table.vpcId) {
    throw errors.invalidValue(
      `Route table ${table.routeTableId} and subnet ${subnet.subnetId} belong to different networks.`,
    );
  }
  const existing = e.res
    .list<RouteTableRecord>(e.scope, 'rtb', { parent: table.vpcId })
    .find((t) => t.associations.some((a) => a.subnetId === subnet.subnetId));
  if (existing) {
    throw new AwsError(
      'Resource.AlreadyAssociated',
      `the specified association for route table ${existing.routeTableId} conflicts with an existing association`,
    );
  }
  checkDryRun(input);
  const associationId = await ctx.cloud.store.write((tx) => {
    const id = ctx.cloud.ids.resource(tx, 'rtbassoc');
    const association = { routeTableAssociationId: id, subnetId: subnet.subnetId, main: false };
    e.res.update(tx, table.routeTableId, { ...table, associations: [...table.associations, association] });
    return id;
  });
  return { AssociationId: associationId, AssociationState: { State: 'associated' } };
}

export async function disassociateRouteTable(
  ctx: OperationContext,
  input: EC2.DisassociateRouteTableRequest,
): Promise<Record<string, never>> {
  const e = ec2(ctx);
  await ensureDefaultNetwork(e);
  const id = input.AssociationId ?? '';
  const table = e.res
    .list<RouteTableRecord>(e.scope, 'rtb')
    .find((t) => t.associations.some((a) => a.routeTableAssociationId === id));
  const association = table?.associations.find((a) => a.routeTableAssociationId === id);
  if (!table || !association) throw errors.associationNotFound(id);
  if (association.main)
    throw errors.invalidValue(`cannot disassociate the main route table association ${id}`);
  checkDryRun(input);
  await ctx.cloud.store.write((tx) => {
    e.res.update(tx, table.routeTableId, {
      ...table,
      associations: table.associations.filter((a) => a !== association),
    });
  });
  return {};
}

export async function deleteRouteTable(
  ctx: OperationContext,
  input: EC2.DeleteRouteTableRequest,
): Promise<Record<string, never>> {
  const e = ec2(ctx);
  await ensureDefaultNetwork(e);
  const table = getRouteTable(e, input.RouteTableId ?? '');
  if (table.associations.length > 0) {
    throw errors.dependency(`The routeTable '${table.routeTableId}' has dependencies and cannot be deleted.`);
  }
  checkDryRun(input);
  await ctx.cloud.store.write((tx) => e.res.delete(tx, table.routeTableId));
  return {};
}

/** The route table that applies to a subnet: its own association, or the VPC's main table. */
export function routeTableFor(e: Ec2Scope, subnet: SubnetRecord): RouteTableRecord | undefined {
  const tables = e.res.list<RouteTableRecord>(e.scope, 'rtb', { parent: subnet.vpcId });
  return (
    tables.find((t) => t.associations.some((a) => a.subnetId === subnet.subnetId)) ??
    tables.find((t) => t.associations.some((a) => a.main))
  );
}
