/**
 * Security groups: stateful firewalls on instances. A group holds rules (each with an sgr- ID);
 * the API speaks both in rules (DescribeSecurityGroupRules) and in IpPermissions, which group
 * rules by protocol and port range. Rules may reference another group ("from instances in
 * sg-…"), which is how tiers of an application are opened to each other.
 */
import type * as EC2 from '@aws-sdk/client-ec2';
import { AwsError } from '../../kernel/errors';
import { parseCidr } from '../../network/cidr';
import type { OperationContext } from '../../service';
import { checkDryRun } from './dry-run';
import { checkId, errors } from './errors';
import { applyFilters } from './filters';
import { defaultVpc, ensureDefaultNetwork, getVpc } from './network';
import { paginate } from './pagination';
import type { InstanceRecord, SecurityGroupRecord, SecurityGroupRuleRecord } from './records';
import { ec2, type Ec2Context } from './runtime';
import { applyTagSpecifications, checkTagSpecifications, tagFilters, withTags } from './tags';

const PROTOCOLS: Record<string, string> = {
  '-1': '-1',
  all: '-1',
  tcp: 'tcp',
  '6': 'tcp',
  udp: 'udp',
  '17': 'udp',
  icmp: 'icmp',
  '1': 'icmp',
  icmpv6: 'icmpv6',
  '58': 'icmpv6',
};

export function getGroup(e: Ec2Context, id: string): SecurityGroupRecord {
  checkId(id, 'sg', 'InvalidGroupId.Malformed');
  const group = e.res.get<SecurityGroupRecord>(e.scope, 'sg', id);
  if (!group) throw errors.groupNotFound(id);
  return group;
}

/** A group by ID, or by name in the default VPC (as EC2 allows for GroupName). */
function findGroup(e: Ec2Context, input: { GroupId?: string; GroupName?: string }): SecurityGroupRecord {
  if (input.GroupId) return getGroup(e, input.GroupId);
  if (!input.GroupName) throw errors.missing('GroupId');
  const vpc = defaultVpc(e);
  const group = vpc
    ? e.res.list<SecurityGroupRecord>(e.scope, 'sg', { parent: vpc.vpcId, name: input.GroupName })[0]
    : undefined;
  if (!group) throw errors.groupNameNotFound(input.GroupName, vpc?.vpcId ?? '');
  return group;
}

function arn(e: Ec2Context, id: string): string {
  return `arn:aws:ec2:${e.scope.region}:${e.scope.account}:security-group/${id}`;
}

// ---- shapes -------------------------------------------------------------------------------

/** Rules sharing protocol and ports form one IpPermission, as EC2 reports them. */
function permissions(e: Ec2Context, rules: SecurityGroupRuleRecord[]): EC2.IpPermission[] {
  const groups = new Map<string, EC2.IpPermission>();
  for (const r of rules) {
    const key = `${r.ipProtocol}/${r.fromPort ?? ''}/${r.toPort ?? ''}`;
    let p = groups.get(key);
    if (!p) {
      p = {
        IpProtocol: r.ipProtocol,
        ...(r.fromPort !== undefined ? { FromPort: r.fromPort, ToPort: r.toPort } : {}),
        IpRanges: [],
        Ipv6Ranges: [],
        PrefixListIds: [],
        UserIdGroupPairs: [],
      };
      groups.set(key, p);
    }
    const description = r.description !== undefined ? { Description: r.description } : {};
    if (r.cidrIpv4) p.IpRanges!.push({ CidrIp: r.cidrIpv4, ...description });
    if (r.cidrIpv6) p.Ipv6Ranges!.push({ CidrIpv6: r.cidrIpv6, ...description });
    if (r.prefixListId) p.PrefixListIds!.push({ PrefixListId: r.prefixListId, ...description });
    if (r.referencedGroupId)
      p.UserIdGroupPairs!.push({ GroupId: r.referencedGroupId, UserId: e.scope.account, ...description });
  }
  return [...groups.values()];
}

function groupShape(e: Ec2Context, g: SecurityGroupRecord): EC2.SecurityGroup {
  return {
    Description: g.description,
    GroupName: g.groupName,
    IpPermissions: permissions(
      e,
      g.rules.filter((r) => !r.egress),
    ),
    OwnerId: e.scope.account,
    GroupId: g.groupId,
    IpPermissionsEgress: permissions(
      e,
      g.rules.filter((r) => r.egress),
    ),
    VpcId: g.vpcId,
    SecurityGroupArn: arn(e, g.groupId),
  };
}

function ruleShape(e: Ec2Context, g: SecurityGroupRecord, r: SecurityGroupRuleRecord): EC2.SecurityGroupRule {
  return {
    SecurityGroupRuleId: r.ruleId,
    GroupId: g.groupId,
    GroupOwnerId: e.scope.account,
    IsEgress: r.egress,
    IpProtocol: r.ipProtocol,
    FromPort: r.fromPort ?? -1,
    ToPort: r.toPort ?? -1,
    ...(r.cidrIpv4 ? { CidrIpv4: r.cidrIpv4 } : {}),
    ...(r.cidrIpv6 ? { CidrIpv6: r.cidrIpv6 } : {}),
    ...(r.prefixListId ? { PrefixListId: r.prefixListId } : {}),
    ...(r.referencedGroupId
      ? { ReferencedGroupInfo: { GroupId: r.referencedGroupId, UserId: e.scope.account } }
      : {}),
    ...(r.description !== undefined ? { Description: r.description } : {}),
    SecurityGroupRuleArn: `arn:aws:ec2:${e.scope.region}:${e.scope.account}:security-group-rule/${r.ruleId}`,
  };
}

// ---- rules from IpPermissions -----------------------------------------------------------------

type RuleSpec = Omit<SecurityGroupRuleRecord, 'ruleId'>;

/** Expand IpPermissions (and the legacy top-level parameters) into one spec per peer. */
function ruleSpecs(
  e: Ec2Context,
  egress: boolean,
  input: EC2.AuthorizeSecurityGroupIngressRequest,
): RuleSpec[] {
  const perms: EC2.IpPermission[] = [...(input.IpPermissions ?? [])];
  if (input.IpProtocol || input.CidrIp || input.SourceSecurityGroupName) {
    perms.push({
      IpProtocol: input.IpProtocol ?? '-1',
      FromPort: input.FromPort,
      ToPort: input.ToPort,
      IpRanges: input.CidrIp ? [{ CidrIp: input.CidrIp }] : [],
      UserIdGroupPairs: input.SourceSecurityGroupName ? [{ GroupName: input.SourceSecurityGroupName }] : [],
    });
  }
  if (perms.length === 0) throw errors.missing('IpPermissions');
  const specs: RuleSpec[] = [];
  for (const p of perms) {
    const protocol = PROTOCOLS[(p.IpProtocol ?? '').toLowerCase()];
    if (!protocol)
      throw errors.invalidValue(`Invalid value '${p.IpProtocol}' for IP protocol. Unknown protocol.`);
    let fromPort: number | undefined;
    let toPort: number | undefined;
    if (protocol === 'tcp' || protocol === 'udp') {
      if (p.FromPort === undefined || p.ToPort === undefined) throw errors.missing('FromPort');
      if (p.FromPort < 0 || p.ToPort > 65535 || p.FromPort > p.ToPort) {
        throw errors.invalidValue(
          `Invalid value for portRange. Must specify both from and to ports with TCP/UDP.`,
        );
      }
      [fromPort, toPort] = [p.FromPort, p.ToPort];
    } else if (protocol === 'icmp' || protocol === 'icmpv6') {
      [fromPort, toPort] = [p.FromPort ?? -1, p.ToPort ?? -1];
    }
    const base = { egress, ipProtocol: protocol, ...(fromPort !== undefined ? { fromPort, toPort } : {}) };
    for (const r of p.IpRanges ?? []) {
      if (!r.CidrIp || !parseCidr(r.CidrIp)) {
        throw errors.invalidValue(
          `Value (${r.CidrIp}) for parameter cidrIp is invalid. This is not a valid CIDR block.`,
        );
      }
      specs.push(withDescription({ ...base, cidrIpv4: r.CidrIp }, r.Description));
    }
    for (const r of p.Ipv6Ranges ?? []) {
      if (!r.CidrIpv6 || !/^[0-9a-fA-F:]+\/\d{1,3}$/.test(r.CidrIpv6)) {
        throw errors.invalidValue(
          `Value (${r.CidrIpv6}) for parameter cidrIpv6 is invalid. This is not a valid CIDR block.`,
        );
      }
      specs.push(withDescription({ ...base, cidrIpv6: r.CidrIpv6 }, r.Description));
    }
    for (const r of p.PrefixListIds ?? []) {
      specs.push(withDescription({ ...base, prefixListId: r.PrefixListId }, r.Description));
    }
    for (const pair of p.UserIdGroupPairs ?? []) {
      const peer = findGroup(e, { GroupId: pair.GroupId, GroupName: pair.GroupName });
      specs.push(withDescription({ ...base, referencedGroupId: peer.groupId }, pair.Description));
    }
    if (
      !p.IpRanges?.length &&
      !p.Ipv6Ranges?.length &&
      !p.PrefixListIds?.length &&
      !p.UserIdGroupPairs?.length
    ) {
      throw errors.missing('IpRanges');
    }
  }
  return specs;
}

function withDescription(spec: RuleSpec, description: string | undefined): RuleSpec {
  return description !== undefined ? { ...spec, description } : spec;
}

function sameRule(a: RuleSpec, b: RuleSpec): boolean {
  return (
    a.egress === b.egress &&
    a.ipProtocol === b.ipProtocol &&
    a.fromPort === b.fromPort &&
    a.toPort === b.toPort &&
    a.cidrIpv4 === b.cidrIpv4 &&
    a.cidrIpv6 === b.cidrIpv6 &&
    a.prefixListId === b.prefixListId &&
    a.referencedGroupId === b.referencedGroupId
  );
}

/** EC2's wording for a duplicate: peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW */
function describeRule(r: RuleSpec): string {
  const peer = r.cidrIpv4 ?? r.cidrIpv6 ?? r.prefixListId ?? r.referencedGroupId ?? '';
  const protocol = r.ipProtocol === '-1' ? 'ALL' : r.ipProtocol.toUpperCase();
  const ports = r.fromPort !== undefined ? `, from port: ${r.fromPort}, to port: ${r.toPort}` : '';
  return `peer: ${peer}, ${protocol}${ports}, ALLOW`;
}

// ---- operations ---------------------------------------------------------------------------

export async function createSecurityGroup(
  ctx: OperationContext,
  input: EC2.CreateSecurityGroupRequest,
): Promise<EC2.CreateSecurityGroupResult> {
  const e = ec2(ctx);
  await ensureDefaultNetwork(e);
  if (!input.GroupName) throw errors.missing('GroupName');
  if (!input.Description) throw errors.missing('GroupDescription');
  if (input.GroupName.length > 255 || input.Description.length > 255) {
    throw errors.invalidValue('Group names and descriptions may be at most 255 characters long.');
  }
  if (/^sg-/i.test(input.GroupName)) throw errors.invalidValue('Group names may not be in the format sg-*.');
  const vpc = input.VpcId ? getVpc(e, input.VpcId) : defaultVpc(e);
  if (!vpc) throw new AwsError('VPCIdNotSpecified', 'No default VPC for this user');
  if (e.res.list(e.scope, 'sg', { parent: vpc.vpcId, name: input.GroupName }).length > 0) {
    throw errors.groupDuplicate(input.GroupName, vpc.vpcId);
  }
  checkTagSpecifications(input.TagSpecifications, ['security-group']);
  checkDryRun(input);
  const group = await ctx.cloud.store.write((tx) => {
    const groupId = ctx.cloud.ids.resource(tx, 'sg');
    const record: SecurityGroupRecord = {
      groupId,
      groupName: input.GroupName!,
      description: input.Description!,
      vpcId: vpc.vpcId,
      // A new group lets everything out and nothing in.
      rules: [
        { ruleId: ctx.cloud.ids.resource(tx, 'sgr'), egress: true, ipProtocol: '-1', cidrIpv4: '0.0.0.0/0' },
      ],
    };
    e.res.insert(tx, e.scope, 'sg', groupId, record, { name: record.groupName, parent: vpc.vpcId });
    applyTagSpecifications(e, tx, input.TagSpecifications, 'security-group', groupId);
    return record;
  });
  return { GroupId: group.groupId, SecurityGroupArn: arn(e, group.groupId), Tags: e.res.tags(group.groupId) };
}

export async function deleteSecurityGroup(
  ctx: OperationContext,
  input: EC2.DeleteSecurityGroupRequest,
): Promise<EC2.DeleteSecurityGroupResult> {
  const e = ec2(ctx);
  await ensureDefaultNetwork(e);
  const group = findGroup(e, input);
  if (group.groupName === 'default') {
    throw new AwsError(
      'CannotDelete',
      `the specified group: "${group.groupId}" name: "default" cannot be deleted by a user`,
    );
  }
  const instances = e.res
    .list<InstanceRecord>(e.scope, 'instance')
    .filter((i) => i.state !== 'terminated' && i.securityGroupIds.includes(group.groupId));
  const referencing = e.res
    .list<SecurityGroupRecord>(e.scope, 'sg')
    .filter((g) => g.groupId !== group.groupId && g.rules.some((r) => r.referencedGroupId === group.groupId));
  if (instances.length > 0 || referencing.length > 0) {
    throw errors.dependency(`resource ${group.groupId} has a dependent object`);
  }
  checkDryRun(input);
  await ctx.cloud.store.write((tx) => e.res.delete(tx, group.groupId));
  return { Return: true, GroupId: group.groupId };
}

export async function describeSecurityGroups(
  ctx: OperationContext,
  input: EC2.DescribeSecurityGroupsRequest,
): Promise<EC2.DescribeSecurityGroupsResult> {
  const e = ec2(ctx);
  await ensureDefaultNetwork(e);
  checkDryRun(input);
  const wanted = new Set<string>();
  for (const id of input.GroupIds ?? []) wanted.add(getGroup(e, id).groupId);
  for (const name of input.GroupNames ?? []) wanted.add(findGroup(e, { GroupName: name }).groupId);
  if (wanted.size > 0 && input.MaxResults !== undefined) {
    throw errors.combination('The parameter groupIds cannot be used with the parameter maxResults');
  }
  const tags = e.res.tagsOf(e.scope, 'sg');
  const all = e.res
    .list<SecurityGroupRecord>(e.scope, 'sg')
    .filter((g) => wanted.size === 0 || wanted.has(g.groupId))
    .map((g) => withTags(groupShape(e, g), tags.get(g.groupId)));
  const perm = (list: EC2.IpPermission[] | undefined, pick: (p: EC2.IpPermission) => unknown) =>
    (list ?? []).flatMap((p) => {
      const v = pick(p);
      return Array.isArray(v) ? v : [v];
    }) as Array<string | number | undefined>;
  const filtered = applyFilters(all, input.Filters, {
    description: (g) => g.Description,
    'group-id': (g) => g.GroupId,
    'group-name': (g) => g.GroupName,
    'owner-id': (g) => g.OwnerId,
    'vpc-id': (g) => g.VpcId,
    'ip-permission.cidr': (g) => perm(g.IpPermissions, (p) => p.IpRanges?.map((r) => r.CidrIp)),
    'ip-permission.ipv6-cidr': (g) => perm(g.IpPermissions, (p) => p.Ipv6Ranges?.map((r) => r.CidrIpv6)),
    'ip-permission.from-port': (g) => perm(g.IpPermissions, (p) => p.FromPort),
    'ip-permission.to-port': (g) => perm(g.IpPermissions, (p) => p.ToPort),
    'ip-permission.protocol': (g) => perm(g.IpPermissions, (p) => p.IpProtocol),
    'ip-permission.group-id': (g) => perm(g.IpPermissions, (p) => p.UserIdGroupPairs?.map((u) => u.GroupId)),
    'egress.ip-permission.cidr': (g) => perm(g.IpPermissionsEgress, (p) => p.IpRanges?.map((r) => r.CidrIp)),
    'egress.ip-permission.from-port': (g) => perm(g.IpPermissionsEgress, (p) => p.FromPort),
    'egress.ip-permission.to-port': (g) => perm(g.IpPermissionsEgress, (p) => p.ToPort),
    'egress.ip-permission.protocol': (g) => perm(g.IpPermissionsEgress, (p) => p.IpProtocol),
    ...tagFilters<EC2.SecurityGroup>(),
  });
  const page = paginate(filtered, input);
  return { SecurityGroups: page.items, NextToken: page.nextToken };
}

async function authorize(
  ctx: OperationContext,
  egress: boolean,
  input: EC2.AuthorizeSecurityGroupIngressRequest,
): Promise<EC2.AuthorizeSecurityGroupIngressResult> {
  const e = ec2(ctx);
  await ensureDefaultNetwork(e);
  const group = findGroup(e, input);
  const specs = ruleSpecs(e, egress, input);
  for (const spec of specs) {
    if (group.rules.some((r) => sameRule(r, spec))) {
      throw new AwsError(
        'InvalidPermission.Duplicate',
        `the specified rule "${describeRule(spec)}" already exists`,
      );
    }
  }
  if (group.rules.filter((r) => r.egress === egress).length + specs.length > 60) {
    throw new AwsError(
      'RulesPerSecurityGroupLimitExceeded',
      'The maximum number of rules per security group has been reached.',
    );
  }
  checkDryRun(input);
  const added = await ctx.cloud.store.write((tx) => {
    const rules = specs.map((spec) => ({ ruleId: ctx.cloud.ids.resource(tx, 'sgr'), ...spec }));
    e.res.update(tx, group.groupId, { ...group, rules: [...group.rules, ...rules] });
    return rules;
  });
  return { Return: true, SecurityGroupRules: added.map((r) => ruleShape(e, group, r)) };
}

async function revoke(
  ctx: OperationContext,
  egress: boolean,
  input: EC2.RevokeSecurityGroupIngressRequest,
): Promise<EC2.RevokeSecurityGroupIngressResult> {
  const e = ec2(ctx);
  await ensureDefaultNetwork(e);
  const group = findGroup(e, input);
  let doomed: SecurityGroupRuleRecord[];
  if (input.SecurityGroupRuleIds?.length) {
    doomed = input.SecurityGroupRuleIds.map((id) => {
      const rule = group.rules.find((r) => r.ruleId === id && r.egress === egress);
      if (!rule)
        throw new AwsError(
          'InvalidSecurityGroupRuleId.NotFound',
          `The security group rule ID '${id}' does not exist`,
        );
      return rule;
    });
  } else {
    doomed = ruleSpecs(e, egress, input as EC2.AuthorizeSecurityGroupIngressRequest).map((spec) => {
      const rule = group.rules.find((r) => sameRule(r, spec));
      if (!rule)
        throw new AwsError(
          'InvalidPermission.NotFound',
          'The specified rule does not exist in this security group.',
        );
      return rule;
    });
  }
  checkDryRun(input);
  await ctx.cloud.store.write((tx) => {
    e.res.update(tx, group.groupId, { ...group, rules: group.rules.filter((r) => !doomed.includes(r)) });
  });
  return {
    Return: true,
    RevokedSecurityGroupRules: doomed.map((r) => ({
      SecurityGroupRuleId: r.ruleId,
      GroupId: group.groupId,
      IsEgress: egress,
      IpProtocol: r.ipProtocol,
      FromPort: r.fromPort ?? -1,
      ToPort: r.toPort ?? -1,
      ...(r.cidrIpv4 ? { CidrIpv4: r.cidrIpv4 } : {}),
    })),
  };
}

export const authorizeSecurityGroupIngress = (
  ctx: OperationContext,
  input: EC2.AuthorizeSecurityGroupIngressRequest,
) => authorize(ctx, false, input);
export const authorizeSecurityGroupEgress = (
  ctx: OperationContext,
  input: EC2.AuthorizeSecurityGroupEgressRequest,
) => authorize(ctx, true, input as EC2.AuthorizeSecurityGroupIngressRequest);
export const revokeSecurityGroupIngress = (
  ctx: OperationContext,
  input: EC2.RevokeSecurityGroupIngressRequest,
) => revoke(ctx, false, input);
export const revokeSecurityGroupEgress = (
  ctx: OperationContext,
  input: EC2.RevokeSecurityGroupEgressRequest,
) =>
  revoke(
    ctx,
    true,
    input as EC2.RevokeSecurityGroupIngressRequest,
  ) as Promise<EC2.RevokeSecurityGroupEgressResult>;

export async function describeSecurityGroupRules(
  ctx: OperationContext,
  input: EC2.DescribeSecurityGroupRulesRequest,
): Promise<EC2.DescribeSecurityGroupRulesResult> {
  const e = ec2(ctx);
  await ensureDefaultNetwork(e);
  checkDryRun(input);
  const rules = e.res
    .list<SecurityGroupRecord>(e.scope, 'sg')
    .flatMap((g) => g.rules.map((r) => ruleShape(e, g, r)))
    .filter(
      (r) =>
        !input.SecurityGroupRuleIds?.length || input.SecurityGroupRuleIds.includes(r.SecurityGroupRuleId!),
    );
  const filtered = applyFilters(rules, input.Filters, {
    'group-id': (r) => r.GroupId,
    'security-group-rule-id': (r) => r.SecurityGroupRuleId,
    ...tagFilters<EC2.SecurityGroupRule>(),
  });
  const page = paginate(filtered, input);
  return { SecurityGroupRules: page.items, NextToken: page.nextToken };
}
