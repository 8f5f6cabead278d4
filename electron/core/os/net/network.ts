/**
 * The simulated network between machines. A connection resolves the name, then routes by
 * address: loopback and the machine's own address stay inside it, 169.254.169.254 is the
 * instance metadata service, and other instances are reached through EC2's rules
 * (`reach()`: security groups, routes, internet gateways). Reachable but with nothing
 * listening is a refusal; filtered is silence (a timeout). There is no internet beyond the
 * cloud except AWS's own public endpoints (S3 website endpoints, Lambda function URLs, reached like any internet
 * address: public IP, internet gateway, egress rule): unknown names do not resolve and other
 * outside addresses never answer.
 *
 * Failures come back at once with the simulated time they would have taken; commands that
 * should look blocked wait with `pause()`, which never holds real time for long.
 */
import { reach, reachInternet, type Protocol, type Source, type Verdict } from '../../network/reachability';
import type { Machine } from '../machine';
import type { OsRuntime } from '../os-runtime';
import type { HttpHandler, PortBinding, SimRequest, SimResponse } from '../types';
import { vpcOf } from './ec2-view';
import { imdsHandler } from './imds';
import { packetRttMs, type Place } from './latency';
import { IMDS_IP, isIpv4, isLoopback, Resolver } from './resolver';
import { websiteBinding, websiteRegionAt } from './s3-website-endpoint';
import { LAMBDA_URL_PORT, lambdaUrlBinding, lambdaUrlRegionAt } from './lambda-url-endpoint';
import { containsIp, ipToInt, parseCidr } from '../../network/cidr';
import { LEARNER_IP } from '../../../contract/learner';

/** The address the workstation's traffic comes from ("My IP" in security group rules). */
export const WORKSTATION_PUBLIC_IP = LEARNER_IP;
/** How long Linux keeps retrying a SYN that gets no answer (tcp_syn_retries = 6). */
export const SYN_TIMEOUT_MS = 130_000;
/** How long ARP tries before "No route to host". */
export const ARP_TIMEOUT_MS = 3_070;
/** The longest real time a blocked command waits, whatever the simulated time. */
const REAL_WAIT_CAP_MS = 300;

export type NetErrorKind = 'resolve' | 'timeout' | 'refused' | 'unreachable';

export interface NetError {
  kind: NetErrorKind;
  message: string;
  host: string;
  ip?: string;
  port?: number;
  /** Simulated ms the attempt took before it failed. */
  elapsedMs: number;
}

/** An open connection: where it goes and what answers there. */
export interface Connection {
  host: string;
  ip: string;
  port: number;
  rttMs: number;
  /** The address the server sees the client as. */
  remoteIp: string;
  binding: PortBinding;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  /** Give up connecting after this many (simulated) ms. */
  timeoutMs?: number;
}

export function isNetError(x: unknown): x is NetError {
  return typeof x === 'object' && x !== null && 'kind' in x && 'message' in x && !('status' in x);
}

const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((c) => parseCidr(c)!);
const isPrivate = (ip: string) => PRIVATE.some((c) => containsIp(c, ipToInt(ip) ?? 0));

export class SimNetwork {
  constructor(readonly os: OsRuntime) {}

  resolver(machine: Machine): Resolver {
    return new Resolver(machine);
  }

  /** Where a machine sits, for round-trip times. */
  placeOf(m: Machine): Place {
    return { id: m.identity.id, region: m.identity.region, availabilityZone: m.identity.availabilityZone };
  }

  rtt(from: Machine, to: Place, seq = 0): number {
    return packetRttMs(this.os.cloud, this.placeOf(from), to, seq);
  }

  private source(from: Machine): Source {
    const { identity } = from;
    return identity.kind === 'instance'
      ? { kind: 'instance', account: identity.account, region: identity.region, instanceId: identity.id }
      : { kind: 'internet', ip: WORKSTATION_PUBLIC_IP };
  }

  /** EC2's verdict for traffic from a machine to an address, and where that address lives. */
  private verdict(
    from: Machine,
    ip: string,
    protocol: Protocol,
    port: number,
  ): { verdict: Verdict; place?: Place; viaPublic: boolean } {
    const mine = { account: from.identity.account, region: from.identity.region };
    const found = isPrivate(ip) ? this.os.findInstanceByIp(ip, mine) : this.os.findInstanceByIp(ip);
    if (!found) {
      const cidr = parseCidr(vpcOf(from)?.cidrBlock ?? '');
      const local = !!cidr && containsIp(cidr, ipToInt(ip) ?? 0);
      return {
        verdict: {
          reachable: false,
          outcome: local ? 'unreachable' : 'timeout',
          reason: `No instance has the address ${ip}.`,
        },
        viaPublic: !isPrivate(ip),
      };
    }
    const verdict = reach(this.os.cloud, this.source(from), { ...found.scope, ip }, protocol, port);
    const place = {
      id: found.record.instanceId,
      region: found.scope.region,
      availabilityZone: found.record.availabilityZone,
    };
    return { verdict, place, viaPublic: found.record.privateIpAddress !== ip };
  }

  /** What address the far end sees this machine as. */
  private remoteIpOf(from: Machine, viaPublic: boolean): string {
    if (from.identity.kind !== 'instance') return WORKSTATION_PUBLIC_IP;
    return viaPublic ? (from.identity.publicIp ?? from.identity.privateIp) : from.identity.privateIp;
  }

  /** Open a TCP connection to host:port, as connect(2) would end. */
  async connect(
    from: Machine,
    host: string,
    port: number,
    timeoutMs?: number,
  ): Promise<Connection | NetError> {
    const answer = await this.resolver(from).lookup(host);
    if (!answer) return { kind: 'resolve', message: `Could not resolve host: ${host}`, host, elapsedMs: 0 };
    const ip = answer.address;
    const fail = (kind: NetErrorKind, message: string, elapsedMs: number): NetError => ({
      kind,
      message,
      host,
      ip,
      port,
      elapsedMs: kind === 'timeout' && timeoutMs !== undefined ? Math.min(timeoutMs, elapsedMs) : elapsedMs,
    });
    const self = isLoopback(ip) || ip === from.identity.privateIp;
    if (self) {
      const binding = from.ports.get(`tcp/${port}`);
      if (!binding || (!isLoopback(ip) && isLoopback(binding.address)))
        return fail('refused', "Couldn't connect to server", 0);
      const rttMs = this.rtt(from, this.placeOf(from));
      return { host, ip, port, rttMs, remoteIp: isLoopback(ip) ? '127.0.0.1' : ip, binding };
    }
    if (ip === IMDS_IP) {
      if (from.identity.kind !== 'instance' || port !== 80)
        return fail('timeout', 'Connection timed out', SYN_TIMEOUT_MS);
      const binding: PortBinding = {
        protocol: 'tcp',
        port: 80,
        address: IMDS_IP,
        program: 'imds',
        pid: 0,
        http: imdsHandler(from),
      };
      return { host, ip, port, rttMs: 0.05, remoteIp: from.identity.privateIp, binding };
    }
    if (!isIpv4(ip)) return fail('unreachable', 'Network is unreachable', 0);
    const websiteRegion = websiteRegionAt(this.os.cloud, ip);
    if (websiteRegion) {
      // An S3 website endpoint: on the internet, listening on port 80 only.
      const out = reachInternet(this.os.cloud, this.source(from), ip, 'tcp', port);
      if (!out.reachable || port !== 80) return fail('timeout', 'Connection timed out', SYN_TIMEOUT_MS);
      const place = { id: `s3-website.${websiteRegion}`, region: websiteRegion, availabilityZone: '' };
      const binding = websiteBinding(this.os.cloud, websiteRegion, ip);
      return { host, ip, port, rttMs: this.rtt(from, place), remoteIp: this.remoteIpOf(from, true), binding };
    }
    const urlRegion = lambdaUrlRegionAt(this.os.cloud, ip);
    if (urlRegion) {
      // A Lambda function URL: on the internet, HTTPS on port 443 only.
      const out = reachInternet(this.os.cloud, this.source(from), ip, 'tcp', port);
      if (!out.reachable || port !== LAMBDA_URL_PORT)
        return fail('timeout', 'Connection timed out', SYN_TIMEOUT_MS);
      const place = { id: `lambda-url.${urlRegion}`, region: urlRegion, availabilityZone: '' };
      const binding = lambdaUrlBinding(this.os.cloud, ip);
      return { host, ip, port, rttMs: this.rtt(from, place), remoteIp: this.remoteIpOf(from, true), binding };
    }
    const { verdict, place, viaPublic } = this.verdict(from, ip, 'tcp', port);
    if (!verdict.reachable) {
      if (verdict.outcome === 'unreachable' && place === undefined && !viaPublic)
        return fail('unreachable', 'No route to host', ARP_TIMEOUT_MS);
      return fail('timeout', 'Connection timed out', SYN_TIMEOUT_MS);
    }
    const target = await this.os.instance(verdict.instanceId);
    const rttMs = place ? this.rtt(from, place) : 1;
    const binding = target?.ports.get(`tcp/${port}`);
    if (!target) return fail('timeout', 'Connection timed out', SYN_TIMEOUT_MS);
    if (!binding || isLoopback(binding.address)) return fail('refused', "Couldn't connect to server", rttMs);
    return { host, ip, port, rttMs, remoteIp: this.remoteIpOf(from, viaPublic), binding };
  }

  /** Send one HTTP request over a connection; a TCP port without a handler closes on it. */
  async send(conn: Connection, request: Omit<SimRequest, 'remoteIp'>): Promise<SimResponse | NetError> {
    const handler: HttpHandler | undefined = conn.binding.http;
    if (!handler)
      return { kind: 'refused', message: 'Empty reply from server', host: conn.host, elapsedMs: conn.rttMs };
    try {
      return await handler({ ...request, remoteIp: conn.remoteIp });
    } catch {
      return { kind: 'refused', message: 'Connection reset by peer', host: conn.host, elapsedMs: conn.rttMs };
    }
  }

  /** An HTTP request from a machine: the response, or why the network could not deliver it. */
  async request(from: Machine, url: string, options: RequestOptions = {}): Promise<SimResponse | NetError> {
    const target = parseUrl(url);
    if (!target)
      return {
        kind: 'resolve',
        message: `URL rejected: Malformed input to a URL function`,
        host: url,
        elapsedMs: 0,
      };
    const conn = await this.connect(from, target.host, target.port, options.timeoutMs);
    if (isNetError(conn)) return conn;
    const body = options.body ?? new Uint8Array();
    return this.send(conn, {
      method: options.method ?? 'GET',
      path: target.path,
      headers: lower({ host: target.hostHeader, ...options.headers }),
      body: typeof body === 'string' ? new TextEncoder().encode(body) : body,
      host: target.hostHeader,
    });
  }

  /** One ICMP echo: its round trip, or null when nothing answers. */
  async echo(from: Machine, ip: string, seq: number): Promise<{ rttMs: number; ttl: number } | null> {
    if (isLoopback(ip) || ip === from.identity.privateIp)
      return { rttMs: this.rtt(from, this.placeOf(from), seq), ttl: 64 };
    if (ip === IMDS_IP) return null;
    const { verdict, place, viaPublic } = this.verdict(from, ip, 'icmp', 0);
    if (!verdict.reachable || !place) return null;
    const hops = !viaPublic ? 0 : place.region === from.identity.region ? 1 : 9;
    return { rttMs: this.rtt(from, place, seq), ttl: 64 - hops };
  }
}

export interface ParsedUrl {
  scheme: 'http' | 'https';
  host: string;
  port: number;
  path: string;
  /** host[:port] as the Host header carries it. */
  hostHeader: string;
}

/** Parse a URL as curl does, defaulting to http:// when no scheme is given. */
export function parseUrl(text: string): ParsedUrl | null {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    return null;
  }
  const scheme = u.protocol === 'https:' ? 'https' : u.protocol === 'http:' ? 'http' : null;
  if (!scheme) return null;
  const port = u.port ? Number(u.port) : scheme === 'https' ? 443 : 80;
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return {
    scheme,
    host,
    port,
    path: `${u.pathname || '/'}${u.search}`,
    hostHeader: u.port ? `${host}:${port}` : host,
  };
}

function lower(headers: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k.toLowerCase()] = v;
  return out;
}

/**
 * Look blocked for a simulated duration without holding real time for long: whichever comes
 * first of the simulated clock and a short real wait (a paused clock must not hang a shell).
 */
export function pause(m: Machine, simMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const clock = m.cloud.clock;
    let simTimer = 0;
    const done = () => {
      clearTimeout(realTimer);
      clock.clearTimeout(simTimer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const realTimer = setTimeout(done, Math.min(simMs, REAL_WAIT_CAP_MS));
    simTimer = clock.setTimeout(done, simMs);
    signal?.addEventListener('abort', done);
  });
}

const networks = new WeakMap<OsRuntime, SimNetwork>();

/** The network of the machines of one cloud. */
export function networkOf(os: OsRuntime): SimNetwork {
  let n = networks.get(os);
  if (!n) {
    n = new SimNetwork(os);
    networks.set(os, n);
  }
  return n;
}
