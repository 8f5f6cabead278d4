/**
 * Name resolution inside the cloud, as an instance's stub resolver sees it: /etc/hosts first
 * (glibc's "files dns"), then the VPC's AmazonProvidedDNS, which answers EC2's own names —
 * private names (ip-172-31-5-9.ec2.internal) within their Region, public names
 * (ec2-3-4-5-6.compute-1.amazonaws.com) everywhere, and instance-data for the metadata service.
 * A public name asked from inside the instance's own VPC answers with the private address, as
 * AWS's split-horizon DNS does. S3 website endpoints (BUCKET.s3-website-REGION.amazonaws.com)
 * resolve to their Region's website fleet, function URLs (ID.lambda-url.REGION.on.aws) to
 * their Region's function URL fleet. There is no internet beyond the cloud, so any other
 * name does not resolve. Route 53 adds its zones through `Resolver.sources`.
 */
import type { Machine } from '../machine';
import { instanceOf, searchDomain } from './ec2-view';
import { websiteDnsAnswer, websiteReverse } from './s3-website-endpoint';
import { lambdaUrlDnsAnswer, lambdaUrlReverse } from './lambda-url-endpoint';

export const IMDS_IP = '169.254.169.254';

export interface DnsAnswer {
  /** The name as asked (after the search domain was applied). */
  name: string;
  address: string;
  /** Seconds, as dig shows them. */
  ttl: number;
  /** Where the answer came from: `hosts` is /etc/hosts, the rest are DNS. */
  from: 'literal' | 'hosts' | 'dns';
}

/** An extra DNS zone (Route 53 hosted zones): answers a name or passes (null). */
export type NameSource = (machine: Machine, name: string) => DnsAnswer | null | Promise<DnsAnswer | null>;

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function isIpv4(text: string): boolean {
  const m = IPV4.exec(text);
  return !!m && m.slice(1).every((p) => Number(p) <= 255);
}

export function isLoopback(ip: string): boolean {
  return ip.startsWith('127.') || ip === '::1';
}

export class Resolver {
  /** Zones beyond EC2's own names, asked in order after them. */
  static readonly sources: NameSource[] = [];

  constructor(private readonly machine: Machine) {}

  /** What `getaddrinfo` gives: /etc/hosts, then DNS with the search domain. */
  async lookup(name: string): Promise<DnsAnswer | null> {
    const host = name.replace(/\.$/, '').toLowerCase();
    if (isIpv4(host)) return { name: host, address: host, ttl: 0, from: 'literal' };
    const fromHosts = await this.hostsFile(host);
    if (fromHosts) return fromHosts;
    if (host === 'localhost') return { name: host, address: '127.0.0.1', ttl: 0, from: 'hosts' };
    return this.dns(host, true);
  }

  /** What a DNS query to the VPC resolver answers (dig, host, nslookup skip /etc/hosts). */
  async dns(name: string, search = false): Promise<DnsAnswer | null> {
    const host = name.replace(/\.$/, '').toLowerCase();
    const candidates =
      search && !host.includes('.')
        ? [`${host}.${searchDomain(this.machine.identity.region)}`, host]
        : [host];
    for (const candidate of candidates) {
      const answer =
        (await this.ec2Name(candidate)) ??
        websiteDnsAnswer(this.machine.cloud, candidate) ??
        lambdaUrlDnsAnswer(this.machine.cloud, candidate) ??
        (await this.extra(candidate));
      if (answer) return answer;
    }
    return null;
  }

  /** The PTR answer for an address: EC2 names every address it hands out. */
  reverse(ip: string): string | null {
    if (isLoopback(ip)) return 'localhost';
    const { identity } = this.machine;
    if (ip === identity.privateIp) return identity.privateDnsName;
    const website = websiteReverse(this.machine.cloud, ip);
    if (website) return website;
    const lambdaUrl = lambdaUrlReverse(this.machine.cloud, ip);
    if (lambdaUrl) return lambdaUrl;
    const found = this.machine.os.findInstanceByIp(ip);
    if (!found) return null;
    const dashed = ip.replace(/\./g, '-');
    const region = found.scope.region;
    if (found.record.privateIpAddress === ip) return `ip-${dashed}.${searchDomain(region)}`;
    return region === 'us-east-1'
      ? `ec2-${dashed}.compute-1.amazonaws.com`
      : `ec2-${dashed}.${region}.compute.amazonaws.com`;
  }

  private async hostsFile(host: string): Promise<DnsAnswer | null> {
    const text = (await this.machine.fs.readText('/etc/hosts')) ?? '';
    for (const line of text.split('\n')) {
      const [address, ...names] = line.replace(/#.*/, '').trim().split(/\s+/);
      if (address && isIpv4(address) && names.some((n) => n.toLowerCase() === host))
        return { name: host, address, ttl: 0, from: 'hosts' };
    }
    return null;
  }

  private ec2Name(host: string): DnsAnswer | null {
    const { identity } = this.machine;
    const answer = (address: string, ttl = 60): DnsAnswer => ({ name: host, address, ttl, from: 'dns' });
    if (host === identity.privateDnsName || host === identity.hostname) return answer(identity.privateIp);
    if (host === 'instance-data' || host === `instance-data.${searchDomain(identity.region)}`)
      return identity.kind === 'instance' ? answer(IMDS_IP) : null;

    const priv = /^ip-(\d+-\d+-\d+-\d+)\.(?:ec2\.internal|([a-z0-9-]+)\.compute\.internal)$/.exec(host);
    if (priv) {
      const region = priv[2] ?? 'us-east-1';
      if (region === 'us-east-1' && priv[2]) return null;
      const ip = priv[1]!.replace(/-/g, '.');
      // Private names are only known to the DNS of their own Region.
      if (region !== identity.region || !isIpv4(ip)) return null;
      return answer(ip);
    }
    const pub = /^ec2-(\d+-\d+-\d+-\d+)\.(?:compute-1|([a-z0-9-]+)\.compute)\.amazonaws\.com$/.exec(host);
    if (pub) {
      const ip = pub[1]!.replace(/-/g, '.');
      if (!isIpv4(ip)) return null;
      const region = pub[2] ?? 'us-east-1';
      const target = this.machine.os.findInstanceByIp(ip, { region });
      // From inside the same VPC the public name points at the private address.
      const mine = instanceOf(this.machine);
      if (target && mine && target.record.vpcId === mine.record.vpcId && target.record.publicIpAddress === ip)
        return answer(target.record.privateIpAddress);
      return answer(ip);
    }
    return null;
  }

  private async extra(host: string): Promise<DnsAnswer | null> {
    for (const source of Resolver.sources) {
      const answer = await source(this.machine, host);
      if (answer) return answer;
    }
    return null;
  }
}
