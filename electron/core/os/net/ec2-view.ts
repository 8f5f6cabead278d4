/**
 * What the network stack needs to know about a machine's place in EC2: its instance record,
 * VPC, subnet and security groups, read fresh each time (rules change while it runs).
 */
import type { SecurityGroupRecord, SubnetRecord, VpcRecord } from '../../services/ec2/records';
import type { Ec2Runtime } from '../../services/ec2/runtime';
import type { Machine } from '../machine';

export function instanceOf(m: Machine) {
  return m.identity.kind === 'instance' ? m.os.findInstance(m.identity.id) : undefined;
}

function resources(m: Machine) {
  return m.cloud.runtime<Ec2Runtime>('ec2').resources;
}

export function vpcOf(m: Machine): VpcRecord | undefined {
  const found = instanceOf(m);
  return found ? resources(m).get<VpcRecord>(found.scope, 'vpc', found.record.vpcId) : undefined;
}

export function subnetOf(m: Machine): SubnetRecord | undefined {
  const found = instanceOf(m);
  return found ? resources(m).get<SubnetRecord>(found.scope, 'subnet', found.record.subnetId) : undefined;
}

export function securityGroupsOf(m: Machine): SecurityGroupRecord[] {
  const found = instanceOf(m);
  if (!found) return [];
  return found.record.securityGroupIds
    .map((id) => resources(m).get<SecurityGroupRecord>(found.scope, 'sg', id))
    .filter((g): g is SecurityGroupRecord => !!g);
}

/** The VPC's DNS server: the base of its CIDR plus two (AmazonProvidedDNS). */
export function dnsServerOf(m: Machine): string {
  const cidr = vpcOf(m)?.cidrBlock;
  if (!cidr) return '10.130.0.2';
  const [a, b, c, d] = cidr.split('/')[0]!.split('.').map(Number) as [number, number, number, number];
  return `${a}.${b}.${c}.${d + 2}`;
}

/** The DNS search domain EC2's DHCP options hand out. */
export function searchDomain(region: string): string {
  return region === 'us-east-1' ? 'ec2.internal' : `${region}.compute.internal`;
}
