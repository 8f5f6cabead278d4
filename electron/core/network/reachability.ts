/**
 * Can a packet get there? Answers "can A reach B on tcp/80" the way a VPC decides: the target
 * must be running; traffic to a public address needs an internet gateway route on both ends;
 * traffic between private addresses stays inside one VPC; the source's security group must
 * allow it out and the target's must allow it in (security groups are stateful, so replies
 * need no rule). Group references ("from sg-…") match private traffic only, as on AWS.
 */
import type { Cloud } from '../cloud';
import type {
  InstanceRecord,
  SecurityGroupRecord,
  SecurityGroupRuleRecord,
  SubnetRecord,
} from '../services/ec2/records';
import { routeTableFor } from '../services/ec2/network';
import type { Ec2Runtime } from '../services/ec2/runtime';
import { ec2Scope } from '../services/ec2/runtime';
import { containsIp, ipToInt, parseCidr } from './cidr';

export type Protocol = 'tcp' | 'udp' | 'icmp';

/** Where traffic comes from: an instance, or a machine on the internet (the learner's own). */
export type Source =
  | { kind: 'instance'; account: string; region: string; instanceId: string }
  | { kind: 'internet'; ip: string };

export interface Target {
  account: string;
  region: string;
  /** An instance's private or public IPv4 address. */
  ip: string;
}

export type Verdict =
  | { reachable: true; instanceId: string }
  | {
      reachable: false;
      /** What a client would see: no answer (filtered) or a refusal (nothing there). */
      outcome: 'timeout' | 'refused' | 'unreachable';
      reason: string;
    };

export function reach(
  cloud: Cloud,
  source: Source,
  target: Target,
  protocol: Protocol,
  port: number,
): Verdict {
  const rt = cloud.runtime<Ec2Runtime>('ec2');
  const dst = ec2Scope(rt, { account: target.account, region: target.region });
  const instances = dst.res.list<InstanceRecord>(dst.scope, 'instance');
  const byPrivate = instances.find((i) => i.state !== 'terminated' && i.privateIpAddress === target.ip);
  const byPublic = instances.find((i) => i.state !== 'terminated' && i.publicIpAddress === target.ip);
  const to = byPrivate ?? byPublic;
  if (!to)
    return { reachable: false, outcome: 'unreachable', reason: `No instance has the address ${target.ip}.` };
  const viaPublic = !byPrivate;
  if (to.state !== 'running') {
    return {
      reachable: false,
      outcome: 'timeout',
      reason: `${to.instanceId} is ${to.state}; nothing answers at ${target.ip}.`,
    };
  }
  const toSubnet = dst.res.get<SubnetRecord>(dst.scope, 'subnet', to.subnetId);
  const groupsOf = (i: InstanceRecord, res = dst) =>
    i.securityGroupIds
      .map((id) => res.res.get<SecurityGroupRecord>(res.scope, 'sg', id))
      .filter((g): g is SecurityGroupRecord => !!g);

  let sourceIp: string;
  let sourceGroups: string[] = [];
  let from: InstanceRecord | undefined;
  if (source.kind === 'instance') {
    const src = ec2Scope(rt, { account: source.account, region: source.region });
    from = src.res.get<InstanceRecord>(src.scope, 'instance', source.instanceId);
    if (!from || from.state !== 'running') {
      return { reachable: false, outcome: 'unreachable', reason: `${source.instanceId} is not running.` };
    }
    if (
      !viaPublic &&
      (source.region !== target.region || source.account !== target.account || from.vpcId !== to.vpcId)
    ) {
      return {
        reachable: false,
        outcome: 'timeout',
        reason: `${target.ip} is a private address in another VPC; it is not routable from ${from.instanceId}.`,
      };
    }
    if (viaPublic) {
      const fromSubnet = src.res.get<SubnetRecord>(src.scope, 'subnet', from.subnetId);
      if (!from.publicIpAddress || !fromSubnet || !hasInternetRoute(src, fromSubnet)) {
        return {
          reachable: false,
          outcome: 'timeout',
          reason: `${from.instanceId} has no route to the internet (a public address and a route to an internet gateway).`,
        };
      }
      sourceIp = from.publicIpAddress;
    } else {
      sourceIp = from.privateIpAddress;
      sourceGroups = from.securityGroupIds;
    }
    const egress = groupsOf(from, src).flatMap((g) => g.rules.filter((r) => r.egress));
    if (!egress.some((r) => allows(r, protocol, port, target.ip, to.securityGroupIds, viaPublic))) {
      return {
        reachable: false,
        outcome: 'timeout',
        reason: `The security groups of ${from.instanceId} do not allow ${protocol}/${port} out to ${target.ip}.`,
      };
    }
  } else {
    if (!viaPublic) {
      return {
        reachable: false,
        outcome: 'timeout',
        reason: `${target.ip} is a private address; it is not reachable from the internet.`,
      };
    }
    sourceIp = source.ip;
  }

  if (viaPublic && (!toSubnet || !hasInternetRoute(dst, toSubnet))) {
    return {
      reachable: false,
      outcome: 'timeout',
      reason: `The subnet of ${to.instanceId} has no route to an internet gateway, so its public address is not reachable.`,
    };
  }
  const ingress = groupsOf(to).flatMap((g) => g.rules.filter((r) => !r.egress));
  if (!ingress.some((r) => allows(r, protocol, port, sourceIp, sourceGroups, viaPublic))) {
    return {
      reachable: false,
      outcome: 'timeout',
      reason: `The security groups of ${to.instanceId} do not allow ${protocol}/${port} in from ${sourceIp}.`,
    };
  }
  return { reachable: true, instanceId: to.instanceId };
}

function hasInternetRoute(e: ReturnType<typeof ec2Scope>, subnet: SubnetRecord): boolean {
  const table = routeTableFor(e, subnet);
  return !!table?.routes.some(
    (r) =>
      r.destinationCidrBlock === '0.0.0.0/0' &&
      r.gatewayId?.startsWith('igw-') &&
      e.res.get<{ vpcId: string | null }>(e.scope, 'igw', r.gatewayId)?.vpcId === subnet.vpcId,
  );
}

/** Does a rule let this traffic through? `peerIp` is the other end; `peerGroups` its groups. */
function allows(
  rule: SecurityGroupRuleRecord,
  protocol: Protocol,
  port: number,
  peerIp: string,
  peerGroups: string[],
  viaPublic: boolean,
): boolean {
  if (rule.ipProtocol !== '-1') {
    if (rule.ipProtocol !== protocol) return false;
    if (protocol !== 'icmp' && (port < (rule.fromPort ?? 0) || port > (rule.toPort ?? 65535))) return false;
  }
  if (rule.cidrIpv4) {
    const cidr = parseCidr(rule.cidrIpv4);
    const ip = ipToInt(peerIp);
    return !!cidr && ip !== null && containsIp(cidr, ip);
  }
  if (rule.referencedGroupId) return !viaPublic && peerGroups.includes(rule.referencedGroupId);
  return false;
}

/**
 * Can a source open a connection to an address on the internet beyond the VPCs (an AWS public
 * endpoint such as an S3 website endpoint)? An instance needs a public address, a route to an
 * internet gateway in its subnet's route table and an egress rule that lets the traffic out; a
 * machine on the internet (the learner's) gets there as it is.
 */
export function reachInternet(
  cloud: Cloud,
  source: Source,
  ip: string,
  protocol: Protocol,
  port: number,
): { reachable: true } | { reachable: false; outcome: 'timeout'; reason: string } {
  if (source.kind === 'internet') return { reachable: true };
  const rt = cloud.runtime<Ec2Runtime>('ec2');
  const src = ec2Scope(rt, { account: source.account, region: source.region });
  const from = src.res.get<InstanceRecord>(src.scope, 'instance', source.instanceId);
  if (!from || from.state !== 'running')
    return { reachable: false, outcome: 'timeout', reason: `${source.instanceId} is not running.` };
  const subnet = src.res.get<SubnetRecord>(src.scope, 'subnet', from.subnetId);
  if (!from.publicIpAddress || !subnet || !hasInternetRoute(src, subnet)) {
    return {
      reachable: false,
      outcome: 'timeout',
      reason: `${from.instanceId} has no route to the internet (a public address and a route to an internet gateway).`,
    };
  }
  const egress = from.securityGroupIds
    .map((id) => src.res.get<SecurityGroupRecord>(src.scope, 'sg', id))
    .filter((g): g is SecurityGroupRecord => !!g)
    .flatMap((g) => g.rules.filter((r) => r.egress));
  if (!egress.some((r) => allows(r, protocol, port, ip, [], true))) {
    return {
      reachable: false,
      outcome: 'timeout',
      reason: `The security groups of ${from.instanceId} do not allow ${protocol}/${port} out to ${ip}.`,
    };
  }
  return { reachable: true };
}
