/**
 * Reverse lookups (PTR) of the addresses AWS hands out: an instance's public address names its
 * public DNS name for everyone, its private address names `ip-…` for askers in a VPC of its
 * Region, and the S3 website and function URL fleets name their endpoints. A hosted zone for an
 * `in-addr.arpa` domain answers the addresses none of these own (the resolver asks it next).
 */
import type { Cloud } from '../../cloud';
import { lambdaUrlReverse, websiteReverse } from './aws-endpoints';
import { instanceByIp, isIpv4, searchDomain } from './ec2-names';
import type { DnsClient } from './types';

const ARPA = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.in-addr\.arpa\.$/;

/** The address an `in-addr.arpa` name stands for (fully qualified name), or null. */
export function addressOfArpa(name: string): string | null {
  const m = ARPA.exec(name);
  if (!m) return null;
  const ip = [m[4], m[3], m[2], m[1]].join('.');
  return isIpv4(ip) ? ip : null;
}

/** AWS's PTR name for an address this asker may look up, without the trailing dot; null if none. */
export function awsReverseName(cloud: Cloud, ip: string, client: DnsClient): string | null {
  const website = websiteReverse(cloud, ip);
  if (website) return website;
  const lambdaUrl = lambdaUrlReverse(cloud, ip);
  if (lambdaUrl) return lambdaUrl;
  const found = instanceByIp(cloud, ip);
  if (!found) return null;
  const dashed = ip.replace(/\./g, '-');
  const region = found.scope.region;
  if (found.record.publicIpAddress === ip)
    return region === 'us-east-1'
      ? `ec2-${dashed}.compute-1.amazonaws.com`
      : `ec2-${dashed}.${region}.compute.amazonaws.com`;
  // A private address: known to the resolver of VPCs in its Region only.
  if (client.kind !== 'vpc' || client.region !== region) return null;
  return `ip-${dashed}.${searchDomain(region)}`;
}
