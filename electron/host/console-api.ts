/**
 * The console's channels, implemented once for both transports (Electron IPC and the web
 * console's WebSocket). AWS actions go through Cloud.invoke() as the account's root user,
 * exactly like a signed request would.
 */
import type {
  ArgsOf,
  HostSelection,
  LambdaMetrics,
  LambdaMetricsArgs,
  LambdaTestEvent,
  LambdaTestEventsArgs,
  HypervisorView,
  ListenerSettings,
  ConsoleApi,
  ConsoleChannel,
  ConsoleEvents,
  Envelope,
  LabInfo,
  ResultOf,
} from '../contract/console-api';
import type { Cloud } from '../core/cloud';
import type { Cloud as CloudType } from '../core/cloud';
import { AwsError, isAwsError } from '../core/kernel/errors';
import { cpuMetricsOf } from '../core/infra/cpu-metrics';
import { browse } from '../core/os/net/browse';
import { DEFAULT_HOSTS_PER_FAMILY, MAX_HOSTS_PER_FAMILY } from '../core/infra/hypervisor';
import {
  checkVcpuLimit,
  DEFAULT_VCPU_LIMIT,
  MAX_VCPU_LIMIT,
  setVcpuLimit,
  vcpuLimit,
} from '../core/services/ec2/quotas';
import type { InstanceRecord } from '../core/services/ec2/records';
import type { Ec2Runtime } from '../core/services/ec2/runtime';
import { readCode } from '../core/services/lambda/code';
import { verifyCodeLocation } from '../core/services/lambda/code-location';
import { largestReservation, UNRESERVED_MINIMUM } from '../core/services/lambda/concurrency';
import { findFunction } from '../core/services/lambda/records';
import { DEFAULT_CONCURRENCY, lambdaRuntime, MAX_CONCURRENCY } from '../core/services/lambda/runtime';
import { DEFAULT_DESKTOP_LISTENERS, DESKTOP_LISTENERS_KEY, validateListeners } from './desktop-settings';
import { presignS3 } from './s3-presign';
import { TerminalManager } from './terminals';

/** Sends an event to one console connection only (a browser tab's socket, a desktop window). */
export type ConnectionSink = <E extends keyof ConsoleEvents>(event: E, payload: ConsoleEvents[E]) => void;

/**
 * One console connection: a WebSocket of the web console, or a window of the desktop app.
 * What belongs to it (terminal sessions) ends when it closes.
 */
export class ConsoleConnection {
  private readonly closers = new Set<() => void>();
  private ended = false;

  constructor(readonly emit: ConnectionSink) {}

  get closed(): boolean {
    return this.ended;
  }

  /** Run `fn` when the connection closes; returns a function that forgets it. */
  onClose(fn: () => void): () => void {
    this.closers.add(fn);
    return () => this.closers.delete(fn);
  }

  close(): void {
    if (this.ended) return;
    this.ended = true;
    for (const fn of [...this.closers]) {
      try {
        fn();
      } catch {
        // One resource failing to close does not keep the others open.
      }
    }
    this.closers.clear();
  }
}

/** Who is calling: the console connection, or null for plain HTTP calls (/_cloudlab/api/). */
export interface ConsoleContext {
  connection: ConsoleConnection | null;
}

const NO_CONNECTION: ConsoleContext = { connection: null };

export type ConsoleHandlers = {
  [C in ConsoleChannel]: (args: ArgsOf<C>, context?: ConsoleContext) => Promise<ResultOf<C>> | ResultOf<C>;
};

export interface ListenerControl {
  /** The desktop app may change its listeners; `cloudlab serve` takes them from flags. */
  editable: boolean;
  running: () => ListenerSettings;
}

export function createConsoleHandlers(
  cloud: Cloud,
  info: () => LabInfo,
  listeners: ListenerControl,
): ConsoleHandlers {
  const terminals = new TerminalManager(cloud);
  return {
    'aws.call': (call) => {
      if (!call || typeof call.service !== 'string' || typeof call.operation !== 'string') {
        throw new AwsError('ValidationException', 'aws.call needs a service, an operation and a region.');
      }
      return cloud.invoke({
        service: call.service,
        operation: call.operation,
        region: call.region,
        input: call.input ?? {},
        principal: cloud.accounts.consolePrincipal(),
        source: 'console',
      });
    },
    'lab.info': () => info(),
    'lab.catalogue': () => ({
      regions: cloud.catalogue.regions.map((r) => ({
        code: r.code,
        name: r.name,
        group: r.group,
        city: r.city,
        country: r.country,
        latitude: r.latitude,
        longitude: r.longitude,
        optIn: r.optIn,
        launched: r.launched,
        availabilityZones: r.zones.filter((z) => z.type === 'availability-zone').length,
        localZones: r.zones.filter((z) => z.type !== 'availability-zone').length,
      })),
      edgeLocations: cloud.catalogue.edgeLocations,
    }),
    'lab.credentials': () => {
      const principal = cloud.accounts.consolePrincipal();
      return {
        accountId: principal.accountId,
        accountAlias: 'cloudlab',
        principalArn: principal.arn,
        accessKeys: cloud.accounts.listAccessKeys(principal.accountId).map((k) => ({
          accessKeyId: k.accessKeyId,
          secretAccessKey: k.secretAccessKey,
          status: k.status,
        })),
        endpoint: info().endpoint,
      };
    },
    'lab.clock': (change) => {
      if (change) {
        try {
          cloud.setClock(change);
        } catch (e) {
          throw new AwsError('ValidationException', (e as Error).message);
        }
      }
      const c = cloud.clock;
      return { now: c.now(), speed: c.speed, paused: c.paused, deterministic: cloud.ids.deterministic };
    },
    'lab.region-opt-in': async ({ region, enabled }) => {
      const r = cloud.catalogue.region(region);
      if (!r) throw new AwsError('ValidationException', `Unknown region ${region}.`);
      if (!r.optIn)
        throw new AwsError('ValidationException', `${r.name} is enabled by default and cannot be changed.`);
      await cloud.accounts.setOptInRegion(cloud.accounts.consolePrincipal().accountId, region, enabled);
      cloud.events.publish({
        topic: 'account.regions.changed',
        at: cloud.clock.now(),
        data: { region, enabled },
      });
      return null;
    },
    'lab.hypervisor': ({ region }) => hypervisorView(cloud, region),
    'lab.hosts.fail': async (selection) => {
      const hostIds = selectHosts(cloud, selection);
      await cloud.hypervisor.fail(hostIds, selection.reason ?? 'Failure injected from Cloud Lab');
      await cloud.runtime<Ec2Runtime>('ec2').lifecycle.settled();
      return { hostIds };
    },
    'lab.hosts.restore': async (selection) => {
      const hostIds = selectHosts(cloud, selection);
      await cloud.hypervisor.restore(hostIds);
      return { hostIds };
    },
    'lab.capacity': async (change) => {
      // Both values are checked before either is saved: a bad one changes nothing.
      if (change?.vcpuLimit !== undefined) checkVcpuLimit(change.vcpuLimit);
      if (change?.lambdaConcurrency !== undefined)
        await lambdaRuntime(cloud).setAccountConcurrency(
          change.lambdaConcurrency,
          largestReservation(cloud.store),
          UNRESERVED_MINIMUM,
        );
      if (change?.hostsPerFamily !== undefined)
        await cloud.hypervisor.setHostsPerFamily(change.hostsPerFamily);
      if (change?.vcpuLimit !== undefined) await setVcpuLimit(cloud, change.vcpuLimit);
      if (change) cloud.events.publish({ topic: 'lab.capacity.changed', at: cloud.clock.now() });
      return {
        hostsPerFamily: cloud.hypervisor.hostsPerFamily,
        maxHostsPerFamily: MAX_HOSTS_PER_FAMILY,
        defaultHostsPerFamily: DEFAULT_HOSTS_PER_FAMILY,
        vcpuLimit: vcpuLimit(cloud),
        maxVcpuLimit: MAX_VCPU_LIMIT,
        defaultVcpuLimit: DEFAULT_VCPU_LIMIT,
        lambdaConcurrency: lambdaRuntime(cloud).accountConcurrency(),
        maxLambdaConcurrency: MAX_CONCURRENCY,
        defaultLambdaConcurrency: DEFAULT_CONCURRENCY,
      };
    },
    'lab.listeners': async (change) => {
      const running = listeners.running();
      if (!listeners.editable) {
        if (change)
          throw new AwsError(
            'ValidationException',
            'Ports are set with cloudlab serve flags: --host, --port.',
          );
        return { settings: running, editable: false, restartRequired: false };
      }
      if (change) {
        const valid = validateListeners(change);
        if (typeof valid === 'string') throw new AwsError('ValidationException', valid);
        await cloud.settings.set(DESKTOP_LISTENERS_KEY, valid);
      }
      const saved = {
        ...DEFAULT_DESKTOP_LISTENERS,
        ...cloud.settings.get<ListenerSettings>(DESKTOP_LISTENERS_KEY),
      };
      const differs =
        saved.enabled !== running.enabled ||
        (saved.enabled && (saved.host !== running.host || saved.port !== running.port));
      return { settings: saved, editable: true, restartRequired: differs };
    },
    's3.presign': (args) => presignS3(cloud, info().endpoint, args),
    'lab.browse': (args) => {
      if (!args || typeof args.url !== 'string' || !args.url.trim())
        throw new AwsError('ValidationException', 'lab.browse needs a url.');
      const region = cloud.catalogue.region(String(args.region ?? ''));
      if (!region) throw new AwsError('ValidationException', `Unknown region ${String(args.region)}.`);
      return browse(cloud, cloud.accounts.consolePrincipal().accountId, region.code, args.url);
    },
    'lab.lambda.testEvents': (args) => lambdaTestEvents(cloud, args),
    'lab.lambda.metrics': (args) => lambdaMetrics(cloud, args),
    'lab.lambda.code': async (args) => {
      const url = new URL(String(args?.location ?? ''), 'http://x');
      const sha = verifyCodeLocation(cloud, url.pathname, url.searchParams);
      if (!sha)
        throw new AwsError('AccessDeniedException', 'Request has expired or the signature is not valid');
      return readCode(cloud, sha);
    },
    'terminal.open': (args, context) => terminals.open(args, context?.connection ?? null),
    'terminal.input': (args, context) => terminals.input(args, context?.connection ?? null),
    'terminal.resize': (args, context) => terminals.resize(args, context?.connection ?? null),
    'terminal.close': (args, context) => terminals.close(args, context?.connection ?? null),
  };
}

function selectHosts(cloud: CloudType, selection: HostSelection): string[] {
  if (selection?.zone) {
    const hosts = cloud.hypervisor.hostsIn(selection.zone);
    if (hosts.length === 0)
      throw new AwsError('ValidationException', `No Availability Zone is named ${selection.zone}.`);
    return hosts.map((h) => h.hostId);
  }
  const ids = selection?.hostIds ?? [];
  if (ids.length === 0)
    throw new AwsError('ValidationException', 'Name the hosts (hostIds) or the Availability Zone (zone).');
  for (const id of ids) {
    if (!cloud.hypervisor.host(id)) throw new AwsError('ValidationException', `No host is named ${id}.`);
  }
  return ids;
}

/** The hypervisor's hosts in each zone of a Region, with the console account's VMs named. */
function hypervisorView(cloud: CloudType, region: string): HypervisorView {
  const info = cloud.catalogue.region(region);
  if (!info) throw new AwsError('ValidationException', `Unknown region ${region}.`);
  const account = cloud.accounts.consolePrincipal().accountId;
  const res = cloud.runtime<Ec2Runtime>('ec2').resources;
  const scope = { account, region };
  const instances = new Map(res.list<InstanceRecord>(scope, 'instance').map((i) => [i.instanceId, i]));
  const names = new Map(
    [...res.tagsOf(scope, 'instance')].map(([id, tags]) => [
      id,
      tags.find((t) => t.Key === 'Name')?.Value ?? null,
    ]),
  );
  return {
    region,
    zones: cloud.catalogue.availabilityZones(region).map((zone) => {
      const usage = cloud.hypervisor.usage(zone.name);
      return {
        zoneName: zone.name,
        zoneId: zone.id,
        state: usage.some((u) => u.state === 'failed') ? 'impaired' : 'available',
        hosts: usage.map((u) => ({
          hostId: u.host.hostId,
          family: u.host.family.id,
          index: u.host.index,
          hypervisor: u.host.family.hypervisor,
          processor: u.host.family.processor,
          architecture: u.host.family.architecture,
          vcpus: u.host.family.vcpus,
          memoryMiB: u.host.family.memoryMiB,
          usedVcpus: u.usedVcpus,
          usedMemoryMiB: u.usedMemoryMiB,
          state: u.state,
          reason: u.reason,
          vms: u.placements.map((p) => {
            const cpu = (id: string) => {
              const level = cpuMetricsOf(cloud.hypervisor).at(id, cloud.clock.now());
              return level === null ? null : Math.round(level * 10) / 10;
            };
            const mine = p.account === account ? instances.get(p.vmId) : undefined;
            return {
              instanceId: mine ? p.vmId : 'another account',
              name: mine ? (names.get(p.vmId) ?? null) : null,
              instanceType: p.instanceType,
              vcpus: p.vcpus,
              memoryMiB: p.memoryMiB,
              state: mine?.state ?? 'running',
              cpuPercent: mine ? cpu(p.vmId) : null,
            };
          }),
        })),
      };
    }),
  };
}

const TEST_EVENT_LIMIT = 10;

/** The Lambda console's saved test events, kept per function in the console's account. */
async function lambdaTestEvents(cloud: CloudType, args: LambdaTestEventsArgs): Promise<LambdaTestEvent[]> {
  const account = cloud.accounts.consolePrincipal().accountId;
  const { region, functionName } = args ?? ({} as LambdaTestEventsArgs);
  if (typeof region !== 'string' || typeof functionName !== 'string')
    throw new AwsError('ValidationException', 'Name the Region and the function.');
  const list = () =>
    cloud.store
      .all<{ event_name: string; event: string }>(
        'SELECT event_name, event FROM lambda_test_events WHERE account_id = ? AND region = ? AND name = ? ORDER BY event_name',
        [account, region, functionName],
      )
      .map((r) => ({ name: r.event_name, event: r.event }));
  if (args.action === 'list') return list();
  const name = String(args.name ?? '');
  if (args.action === 'save') {
    if (!/^[A-Za-z0-9_.-]{1,25}$/.test(name))
      throw new AwsError(
        'ValidationException',
        'Event name must be 1 to 25 characters: letters, numbers, periods (.), hyphens (-) and underscores (_).',
      );
    try {
      JSON.parse(args.event);
    } catch {
      throw new AwsError('ValidationException', 'The event must be valid JSON.');
    }
    if (!findFunction(cloud.store, account, region, functionName))
      throw new AwsError('ResourceNotFoundException', `Function not found: ${functionName}`, { status: 404 });
    const existing = list();
    if (!existing.some((e) => e.name === name) && existing.length >= TEST_EVENT_LIMIT)
      throw new AwsError(
        'ValidationException',
        `A function can have at most ${TEST_EVENT_LIMIT} saved test events.`,
      );
    await cloud.store.write((tx) =>
      tx.run(
        `INSERT INTO lambda_test_events (account_id, region, name, event_name, event) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (account_id, region, name, event_name) DO UPDATE SET event = excluded.event`,
        [account, region, functionName, name, args.event],
      ),
    );
  } else if (args.action === 'delete') {
    await cloud.store.write((tx) =>
      tx.run(
        'DELETE FROM lambda_test_events WHERE account_id = ? AND region = ? AND name = ? AND event_name = ?',
        [account, region, functionName, name],
      ),
    );
  } else {
    throw new AwsError('ValidationException', 'The action is list, save or delete.');
  }
  cloud.events.publish({
    topic: 'lambda.testEvents',
    account,
    region,
    at: cloud.clock.now(),
    data: { FunctionName: functionName },
  });
  return list();
}

/** Invocations, errors, throttles and durations of a function per time bucket (simulated time). */
function lambdaMetrics(cloud: CloudType, args: LambdaMetricsArgs): LambdaMetrics {
  const account = cloud.accounts.consolePrincipal().accountId;
  if (typeof args?.region !== 'string' || typeof args.functionName !== 'string')
    throw new AwsError('ValidationException', 'Name the Region and the function.');
  const end = Number.isFinite(args.end) ? Number(args.end) : cloud.clock.now();
  const start = Number.isFinite(args.start) ? Number(args.start) : end - 3_600_000;
  const period = Math.max(1000, Number.isFinite(args.period) ? Number(args.period) : 60_000);
  if (end <= start) throw new AwsError('ValidationException', 'The end must be after the start.');
  if ((end - start) / period > 1440) throw new AwsError('ValidationException', 'At most 1,440 buckets.');
  const first = Math.floor(start / period) * period;
  const rows = cloud.store.all<{
    bucket: number;
    n: number;
    errors: number;
    throttles: number;
    cold: number;
    avg: number | null;
    max: number | null;
    min: number | null;
  }>(
    `SELECT CAST((at - ?) / ? AS INTEGER) AS bucket, COUNT(*) AS n, SUM(error) AS errors, SUM(throttled) AS throttles,
            SUM(cold) AS cold, AVG(CASE WHEN throttled = 0 THEN duration END) AS avg,
            MAX(CASE WHEN throttled = 0 THEN duration END) AS max, MIN(CASE WHEN throttled = 0 THEN duration END) AS min
       FROM lambda_invocations WHERE account_id = ? AND region = ? AND name = ? AND at >= ? AND at < ?
      GROUP BY bucket`,
    [first, period, account, args.region, args.functionName, first, end],
  );
  const byBucket = new Map(rows.map((r) => [Math.floor(r.bucket), r]));
  const buckets = [];
  for (let at = first, i = 0; at < end; at += period, i++) {
    const r = byBucket.get(i);
    buckets.push({
      at,
      invocations: r ? r.n - r.throttles : 0,
      errors: r?.errors ?? 0,
      throttles: r?.throttles ?? 0,
      coldStarts: r?.cold ?? 0,
      durationAvg: r?.avg ?? null,
      durationMax: r?.max ?? null,
      durationMin: r?.min ?? null,
    });
  }
  return { start: first, end, period, buckets };
}

/** Run a channel and wrap the outcome; never throws. */
export async function dispatchConsole<C extends ConsoleChannel>(
  handlers: ConsoleHandlers,
  channel: C,
  args: ArgsOf<C>,
  context: ConsoleContext = NO_CONNECTION,
): Promise<Envelope<ResultOf<C>>> {
  const handler = handlers[channel] as
    ((a: ArgsOf<C>, c: ConsoleContext) => Promise<ResultOf<C>> | ResultOf<C>) | undefined;
  if (typeof handler !== 'function' || !Object.prototype.hasOwnProperty.call(handlers, channel)) {
    return {
      ok: false,
      error: { code: 'UnknownChannel', message: `No console channel ${String(channel)}.`, status: 400 },
    };
  }
  try {
    return { ok: true, result: await handler(args, context) };
  } catch (e) {
    if (isAwsError(e)) return { ok: false, error: e.toJSON() };
    return { ok: false, error: { code: 'InternalFailure', message: (e as Error).message, status: 500 } };
  }
}

export type { ConsoleApi };
