/**
 * Route 53's data, kept current. Route 53 is global: its events come from us-east-1 (where the
 * console and the CLI call it) whatever Region the console shows, so these reload on any
 * Route 53 event rather than only the console Region's.
 */
import type {
  HealthCheck,
  HealthCheckObservation,
  HostedZone,
  ResourceRecordSet,
  Tag,
} from '@aws-sdk/client-route-53';
import { aws, onEvent } from '../../lib/api';
import { Live } from '../../lib/live.svelte';
import { R53_REGION } from './r53';

export class GlobalLive<T> extends Live<T> {
  private off: () => void;
  constructor(load: (partial: (data: T) => void) => Promise<T>, topics: string[], pollMs = 0) {
    super(load, [], pollMs);
    this.off = onEvent('cloud.event', (e) => {
      if (topics.some((t) => e.topic.startsWith(t))) this.refresh();
    });
  }
  override dispose(): void {
    this.off();
    super.dispose();
  }
}

const ZONE_TOPICS = ['route53.api.', 'route53.records.changed'];
const HEALTH_TOPICS = ['route53.api.', 'route53.health.changed'];

export async function listZones(): Promise<HostedZone[]> {
  const all: HostedZone[] = [];
  let Marker: string | undefined;
  do {
    const out = await aws('route53', 'ListHostedZones', R53_REGION, { Marker, MaxItems: 100 });
    all.push(...(out.HostedZones ?? []));
    Marker = out.IsTruncated ? out.NextMarker : undefined;
  } while (Marker);
  return all;
}

/** Every record of a zone, page by page as ListResourceRecordSets hands them out. */
export async function listRecords(zoneId: string, partial?: (r: ResourceRecordSet[]) => void) {
  const all: ResourceRecordSet[] = [];
  let next: { StartRecordName?: string; StartRecordType?: string; StartRecordIdentifier?: string } = {};
  for (;;) {
    const out = await aws('route53', 'ListResourceRecordSets', R53_REGION, {
      HostedZoneId: zoneId,
      MaxItems: 300,
      ...(next as object),
    });
    all.push(...(out.ResourceRecordSets ?? []));
    if (!out.IsTruncated) break;
    partial?.([...all]);
    next = {
      StartRecordName: out.NextRecordName,
      StartRecordType: out.NextRecordType,
      StartRecordIdentifier: out.NextRecordIdentifier,
    };
  }
  return all;
}

export class ZonesLive extends GlobalLive<HostedZone[]> {
  constructor() {
    super(() => listZones(), ZONE_TOPICS);
  }
}

export interface ZoneData {
  zone: Awaited<ReturnType<typeof getZone>>;
  records: ResourceRecordSet[];
  tags: Tag[];
}

const getZone = (id: string) => aws('route53', 'GetHostedZone', R53_REGION, { Id: id });

export class ZoneLive extends GlobalLive<ZoneData> {
  constructor(id: string) {
    super(async () => {
      const [zone, records, tags] = await Promise.all([
        getZone(id),
        listRecords(id),
        aws('route53', 'ListTagsForResource', R53_REGION, { ResourceType: 'hostedzone', ResourceId: id })
          .then((t) => t.ResourceTagSet?.Tags ?? [])
          .catch(() => [] as Tag[]),
      ]);
      return { zone, records, tags };
    }, ZONE_TOPICS);
  }
}

export interface CheckRow {
  check: HealthCheck;
  name: string;
  observations: HealthCheckObservation[];
}

async function statusOf(id: string): Promise<HealthCheckObservation[]> {
  try {
    const out = await aws('route53', 'GetHealthCheckStatus', R53_REGION, { HealthCheckId: id });
    return out.HealthCheckObservations ?? [];
  } catch {
    return [];
  }
}

async function namesOf(ids: string[]): Promise<Record<string, string>> {
  const names: Record<string, string> = {};
  for (let i = 0; i < ids.length; i += 10) {
    try {
      const out = await aws('route53', 'ListTagsForResources', R53_REGION, {
        ResourceType: 'healthcheck',
        ResourceIds: ids.slice(i, i + 10),
      });
      for (const set of out.ResourceTagSets ?? []) {
        const name = set.Tags?.find((t) => t.Key === 'Name')?.Value;
        if (set.ResourceId && name) names[set.ResourceId] = name;
      }
    } catch {
      // Names are tags: a check without them is listed by its ID.
    }
  }
  return names;
}

export async function listHealthChecks(): Promise<CheckRow[]> {
  const checks: HealthCheck[] = [];
  let Marker: string | undefined;
  do {
    const out = await aws('route53', 'ListHealthChecks', R53_REGION, { Marker, MaxItems: 100 });
    checks.push(...(out.HealthChecks ?? []));
    Marker = out.IsTruncated ? out.NextMarker : undefined;
  } while (Marker);
  const [names, statuses] = await Promise.all([
    namesOf(checks.map((c) => c.Id!)),
    Promise.all(checks.map((c) => statusOf(c.Id!))),
  ]);
  return checks.map((check, i) => ({
    check,
    name: names[check.Id!] ?? '',
    observations: statuses[i] ?? [],
  }));
}

export class HealthChecksLive extends GlobalLive<CheckRow[]> {
  constructor(pollMs = 5000) {
    super(() => listHealthChecks(), HEALTH_TOPICS, pollMs);
  }
}

export class HealthCheckLive extends GlobalLive<CheckRow> {
  constructor(id: string, pollMs = 3000) {
    super(
      async () => {
        const [out, names, observations] = await Promise.all([
          aws('route53', 'GetHealthCheck', R53_REGION, { HealthCheckId: id }),
          namesOf([id]),
          statusOf(id),
        ]);
        record(id, observations);
        return { check: out.HealthCheck!, name: names[id] ?? '', observations };
      },
      HEALTH_TOPICS,
      pollMs,
    );
  }
}

/**
 * What the checkers reported while the console was open, per health check: one point per
 * (checker Region, checked time), kept for this console session so the chart survives leaving
 * the page and coming back.
 */
export interface HistoryPoint {
  region: string;
  at: number;
  healthy: boolean;
}
const histories: Record<string, Record<string, HistoryPoint>> = {};

function record(id: string, observations: HealthCheckObservation[]): void {
  const points = (histories[id] ??= {});
  for (const o of observations) {
    const when = o.StatusReport?.CheckedTime;
    if (!when || !o.Region) continue;
    const at = new Date(when).getTime();
    points[`${o.Region}@${at}`] = { region: o.Region, at, healthy: isOk(o.StatusReport?.Status) };
  }
  // The last 500 reports are plenty for a chart.
  const keys = Object.keys(points);
  if (keys.length > 500) {
    keys.sort((a, b) => points[a]!.at - points[b]!.at);
    for (const key of keys.slice(0, keys.length - 500)) delete points[key];
  }
}

const isOk = (status: string | undefined) => /^Success/i.test(status ?? '');

export function historyOf(id: string): HistoryPoint[] {
  return Object.values(histories[id] ?? {}).sort((a, b) => a.at - b.at);
}
