/**
 * One round of a health check: every checker tries the endpoint through the simulated network,
 * as a machine on the internet with the checker's address. The checker must reach a public
 * address (EC2's rules: a running instance whose host is up, a route to an internet gateway, a
 * security group rule letting the checker's address in), find something listening on the port
 * and, for HTTP(S), get a 2xx or 3xx answer (STR_MATCH: with the search string in the first
 * 5,120 bytes of the body). S3 website endpoints and Lambda function URLs answer as they do for
 * instances.
 *
 * Reaching the endpoint is decided per checker (a security group may admit some checker ranges
 * and not others); the HTTP request itself is sent once per round and its answer shared by the
 * checkers that got through, which keeps dozens of checks cheap and an access log readable.
 */
import type * as R53 from '@aws-sdk/client-route-53';
import type { Cloud } from '../../cloud';
import { resolveDns } from '../../network/dns/resolver';
import { reach } from '../../network/reachability';
import { isIpv4 } from '../../network/dns/ec2-names';
import { lambdaUrlBinding, lambdaUrlRegionAt } from '../../os/net/lambda-url-endpoint';
import { websiteBinding, websiteRegionAt } from '../../os/net/s3-website-endpoint';
import type { PortBinding, SimResponse } from '../../os/types';
import type { CheckerLocation } from './health-status';
import { reasonPhrase } from '../../network/http-status';

/** How much of the body Route 53 searches for a STR_MATCH check's string. */
export const SEARCH_WINDOW_BYTES = 5120;

export const STATUS_TEXT = {
  timeout:
    'Failure: Connection timed out. The endpoint or the internet connection is down, or requests are being blocked by your firewall. See https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-router-firewall-rules.html',
  refused: 'Failure: Connection refused. The endpoint is not listening on the port, or the port is blocked.',
  closed: 'Failure: The connection was closed by the endpoint.',
  tcpSuccess: 'Success: TCP connection established.',
  noMatch: 'Failure: The response body did not contain the search string.',
  dns: (name: string) => `Failure: DNS resolution failed: Rcode NXDomain(3) for ${name}.`,
} as const;

export interface CheckerResult {
  checker: CheckerLocation;
  healthy: boolean;
  /** The StatusReport's Status, as GetHealthCheckStatus shows it. */
  report: string;
}

export const USER_AGENT = (id: string) =>
  `Amazon Route 53 Health Check Service; ref:${id}; report http://amzn.to/1vsZADi`;

function defaultPort(type: string | undefined): number {
  return type?.startsWith('HTTPS') ? 443 : 80;
}

/**
 * The address the checkers' DNS gives for a name: the one resolver (EC2 public names, S3
 * website endpoints, function URLs, hosted zones with their routing and health checks), asked
 * as a client on the internet.
 */
export async function resolveName(cloud: Cloud, name: string, checkerIp: string): Promise<string | null> {
  const host = name.replace(/\.$/, '');
  if (isIpv4(host)) return host;
  const result = await resolveDns(cloud, { name: host, type: 'A' }, { kind: 'internet', ip: checkerIp });
  const a = result.code === 'NOERROR' ? result.answers.filter((r) => r.type === 'A') : [];
  return a.length ? a[a.length - 1]!.value : null;
}

/** What a checker found at the address: the listening binding, or why it got nothing. */
type Reached = { binding: PortBinding } | { failure: 'timeout' | 'refused' };

/** Run one round for every checker. Never throws: an unexpected error is a failed probe. */
export async function probeRound(
  cloud: Cloud,
  healthCheckId: string,
  config: R53.HealthCheckConfig,
  checkers: readonly CheckerLocation[],
  resolve: (name: string) => Promise<string | null> | string | null = (name) =>
    resolveName(cloud, name, checkers[0]?.ip ?? '54.243.31.204'),
): Promise<CheckerResult[]> {
  const type = config.Type ?? 'HTTP';
  const port = config.Port ?? defaultPort(type);
  const fqdn = config.FullyQualifiedDomainName;
  let ip = config.IPAddress ?? null;
  if (!ip && fqdn) ip = await resolve(fqdn);
  const all = (healthy: boolean, report: string) => checkers.map((checker) => ({ checker, healthy, report }));
  if (!ip) return all(false, STATUS_TEXT.dns(fqdn ?? ''));
  // Route 53 names the address it resolved when the check is by name.
  const withIp = (text: string) => (config.IPAddress || !fqdn ? text : resolvedIp(text, ip!));

  const reached = await reachAll(cloud, ip, port, checkers);
  const through = checkers.filter((_, k) => 'binding' in reached[k]!);
  let answer: { healthy: boolean; report: string } | null = null;
  if (through.length) {
    const binding = (reached[checkers.indexOf(through[0]!)] as { binding: PortBinding }).binding;
    answer = await ask(binding, healthCheckId, config, type, port, ip, through[0]!.ip);
  }
  return checkers.map((checker, k) => {
    const r = reached[k]!;
    if ('failure' in r)
      return {
        checker,
        healthy: false,
        report: withIp(STATUS_TEXT[r.failure === 'timeout' ? 'timeout' : 'refused']),
      };
    return { checker, healthy: answer!.healthy, report: withIp(answer!.report) };
  });
}

function resolvedIp(text: string, ip: string): string {
  // "Failure: Resolved IP: 203.0.113.9. The connection was closed by the endpoint." for
  // failures without an HTTP status; ". Resolved IP: …" appended otherwise.
  if (/^Failure: (?!HTTP)/.test(text)) return text.replace(/^Failure: /, `Failure: Resolved IP: ${ip}. `);
  return `${text.replace(/\.$/, '')}. Resolved IP: ${ip}`;
}

async function reachAll(
  cloud: Cloud,
  ip: string,
  port: number,
  checkers: readonly CheckerLocation[],
): Promise<Reached[]> {
  const same = (r: Reached) => checkers.map(() => r);
  const website = websiteRegionAt(cloud, ip);
  if (website)
    return same(port === 80 ? { binding: websiteBinding(cloud, website, ip) } : { failure: 'timeout' });
  const urlRegion = lambdaUrlRegionAt(cloud, ip);
  if (urlRegion)
    return same(port === 443 ? { binding: lambdaUrlBinding(cloud, ip) } : { failure: 'timeout' });

  const found = cloud.os.findInstanceByIp(ip);
  // Only public addresses are on the internet; a host that lost power answers nothing.
  if (!found || found.record.publicIpAddress !== ip || found.record.hostFailedAt !== undefined)
    return same({ failure: 'timeout' });
  const verdicts = checkers.map((c) =>
    reach(cloud, { kind: 'internet', ip: c.ip }, { ...found.scope, ip }, 'tcp', port),
  );
  if (!verdicts.some((v) => v.reachable)) return same({ failure: 'timeout' });
  const machine = await cloud.os.instance(found.record.instanceId);
  const binding = machine?.ports.get(`tcp/${port}`);
  const answer: Reached = !machine
    ? { failure: 'timeout' }
    : !binding || binding.address.startsWith('127.')
      ? { failure: 'refused' }
      : { binding };
  return verdicts.map((v) => (v.reachable ? answer : { failure: 'timeout' }));
}

async function ask(
  binding: PortBinding,
  healthCheckId: string,
  config: R53.HealthCheckConfig,
  type: string,
  port: number,
  ip: string,
  checkerIp: string,
): Promise<{ healthy: boolean; report: string }> {
  if (type === 'TCP') return { healthy: true, report: STATUS_TEXT.tcpSuccess };
  if (!binding.http) return { healthy: false, report: STATUS_TEXT.closed };
  const name = config.FullyQualifiedDomainName?.replace(/\.$/, '') ?? ip;
  const host = port === 80 || port === 443 ? name : `${name}:${port}`;
  let response: SimResponse;
  try {
    response = await binding.http({
      method: 'GET',
      path: config.ResourcePath || '/',
      headers: { host, 'user-agent': USER_AGENT(healthCheckId), accept: '*/*' },
      body: new Uint8Array(),
      remoteIp: checkerIp,
      host,
    });
  } catch {
    return { healthy: false, report: STATUS_TEXT.closed };
  }
  const reason = reasonPhrase(response.status, response.statusText);
  const code = `HTTP Status Code ${response.status}${reason ? `, ${reason}` : ''}`;
  if (response.status < 200 || response.status >= 400) return { healthy: false, report: `Failure: ${code}` };
  if (type.endsWith('_STR_MATCH')) {
    const bytes = typeof response.body === 'string' ? new TextEncoder().encode(response.body) : response.body;
    const searched = new TextDecoder().decode(bytes.subarray(0, SEARCH_WINDOW_BYTES));
    if (!searched.includes(config.SearchString ?? '')) return { healthy: false, report: STATUS_TEXT.noMatch };
  }
  return { healthy: true, report: `Success: ${code}` };
}
