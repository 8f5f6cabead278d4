/**
 * EC2's own names, as the VPC resolver (AmazonProvidedDNS) and Route 53's public servers answer
 * them. Private names (`ip-10-0-1-5.ec2.internal`, `ip-10-0-1-5.eu-west-1.compute.internal`) are
 * known only to the resolver of their own Region's VPCs; public names
 * (`ec2-3-4-5-6.compute-1.amazonaws.com`, `ec2-3-4-5-6.eu-west-1.compute.amazonaws.com`) resolve
 * everywhere, except that asked from inside the instance's own VPC they give its private
 * address (split horizon). `instance-data` is the metadata service, for instances only.
 */
import type { Cloud } from '../../cloud';
import type { InstanceRecord } from '../../services/ec2/records';
import type { Ec2Runtime } from '../../services/ec2/runtime';
import type { Scope } from '../../services/ec2/resources';
import type { DnsClient } from './types';

export { privateDnsName, publicDnsName } from '../../services/ec2/instance-store';

export const IMDS_IP = '169.254.169.254';

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function isIpv4(text: string): boolean {
  const m = IPV4.exec(text);
  return !!m && m.slice(1).every((p) => Number(p) <= 255);
}

/** The DNS search domain EC2's DHCP options hand out. */
export function searchDomain(region: string): string {
  return region === 'us-east-1' ? 'ec2.internal' : `${region}.compute.internal`;
}

/** A live instance by address (private or public), optionally within an account and Region. */
export function instanceByIp(
  cloud: Cloud,
  ip: string,
  scope?: Partial<Scope>,
): { scope: Scope; record: InstanceRecord } | undefined {
  const resources = cloud.runtime<Ec2Runtime>('ec2').resources;
  const candidates =
    scope?.account && scope.region
      ? resources
          .list<InstanceRecord>({ account: scope.account, region: scope.region }, 'instance')
          .map((record) => ({ scope: { account: scope.account!, region: scope.region! }, record }))
      : resources.everywhere<InstanceRecord>('instance');
  for (const entry of candidates) {
    if (scope?.account && entry.scope.account !== scope.account) continue;
    if (scope?.region && entry.scope.region !== scope.region) continue;
    const r = entry.record;
    if (r.state === 'terminated') continue;
    if (r.privateIpAddress === ip || r.publicIpAddress === ip) return entry;
  }
  return undefined;
}

/** What EC2's DNS says about a name (fully qualified, lower case). */
export type Ec2NameAnswer =
  /** The name is EC2's and points at this address. */
  | { kind: 'address'; address: string }
  /** The name is in EC2's domains but does not exist (for this asker). */
  | { kind: 'nxdomain' };

const PRIVATE = /^ip-(\d+-\d+-\d+-\d+)\.(?:ec2\.internal|([a-z0-9-]+)\.compute\.internal)\.$/;
const PUBLIC = /^ec2-(\d+-\d+-\d+-\d+)\.(?:compute-1|([a-z0-9-]+)\.compute)\.amazonaws\.com\.$/;

/** Is the name inside one of EC2's own DNS domains? */
export function inEc2Domain(name: string): 'private' | 'public' | null {
  if (/(^|\.)ec2\.internal\.$/.test(name) || /(^|\.)compute\.internal\.$/.test(name)) return 'private';
  if (/(^|\.)compute-1\.amazonaws\.com\.$/.test(name) || /\.compute\.amazonaws\.com\.$/.test(name))
    return 'public';
  return null;
}

/**
 * EC2's answer for a name, or null when the name is not EC2's to answer for this asker (the
 * private domains are not on the internet).
 */
export function ec2NameAnswer(cloud: Cloud, name: string, client: DnsClient): Ec2NameAnswer | null {
  if (client.kind === 'vpc') {
    const imds = ['instance-data.', `instance-data.${searchDomain(client.region)}.`];
    if (imds.includes(name)) return { kind: 'address', address: IMDS_IP };
  }
  const domain = inEc2Domain(name);
  if (!domain) return null;
  if (domain === 'private') {
    if (client.kind !== 'vpc') return null;
    const m = PRIVATE.exec(name);
    if (!m) return { kind: 'nxdomain' };
    const region = m[2] ?? 'us-east-1';
    const ip = m[1]!.replace(/-/g, '.');
    // us-east-1 names are ec2.internal only; private names are known to their own Region only.
    if ((region === 'us-east-1' && m[2]) || region !== client.region || !isIpv4(ip))
      return { kind: 'nxdomain' };
    return { kind: 'address', address: ip };
  }
  const m = PUBLIC.exec(name);
  if (!m) return { kind: 'nxdomain' };
  const region = m[2] ?? 'us-east-1';
  const ip = m[1]!.replace(/-/g, '.');
  if ((region === 'us-east-1' && m[2]) || !isIpv4(ip) || !cloud.catalogue.region(region))
    return { kind: 'nxdomain' };
  if (client.kind === 'vpc') {
    // From inside the same VPC the public name points at the private address.
    const target = instanceByIp(cloud, ip, { region });
    if (target && target.record.vpcId === client.vpcId && target.record.publicIpAddress === ip)
      return { kind: 'address', address: target.record.privateIpAddress };
  }
  return { kind: 'address', address: ip };
}
