/**
 * What the Route 53 console pages share: links, crumbs, AWS's wording for record sets and
 * health checks, and the tables the record form offers (Regions, continents, countries, the S3
 * website endpoints' hosted zone IDs). Route 53 is global: every call goes to us-east-1.
 */
import type { HealthCheck, HealthCheckObservation, ResourceRecordSet } from '@aws-sdk/client-route-53';
import { websiteLabel } from '../../../../electron/contract/s3-website';
export { S3_WEBSITE_ZONES } from '../../../../electron/contract/s3-website';
import { router } from '../../lib/router.svelte';
import type { Crumb } from '../../shell/Breadcrumbs.svelte';
import type { StatusType } from '../../components/StatusIndicator.svelte';

export { errorText, errorCode } from '../dynamodb/ddb';

/** Route 53's API lives in us-east-1, whatever Region the console shows. */
export const R53_REGION = 'us-east-1';

/** `/hostedzone/Z123` → `Z123`; `/change/C1` → `C1`. */
export const bareId = (id: string | undefined): string => (id ?? '').replace(/^\/(hostedzone|change)\//, '');

export const r53Links = {
  dashboard: () => router.href('/route53'),
  zones: () => router.href('/route53/hosted-zones'),
  createZone: () => router.href('/route53/hosted-zones/create'),
  zone: (id: string) => router.href(`/route53/hosted-zones/${bareId(id)}`),
  createRecord: (id: string) => router.href(`/route53/hosted-zones/${bareId(id)}/create-record`),
  editRecord: (id: string, r: ResourceRecordSet) =>
    router.href(`/route53/hosted-zones/${bareId(id)}/edit-record`, {
      name: r.Name ?? '',
      type: r.Type ?? '',
      ...(r.SetIdentifier ? { id: r.SetIdentifier } : {}),
    }),
  testRecord: (id: string, query: Record<string, string> = {}) =>
    router.href(`/route53/hosted-zones/${bareId(id)}/test-record`, query),
  healthChecks: () => router.href('/route53/health-checks'),
  createHealthCheck: () => router.href('/route53/health-checks/create'),
  healthCheck: (id: string) => router.href(`/route53/health-checks/${id}`),
};

export function r53Crumbs(...trail: Array<string | [text: string, href: string]>): Crumb[] {
  return [
    { text: 'Route 53', href: router.href('/route53') },
    ...trail.map((step) => (typeof step === 'string' ? { text: step } : { text: step[0], href: step[1] })),
  ];
}

/** Names as Route 53 returns them (`\052.example.com.`) as the console shows them (`*.example.com`). */
export function showName(name: string | undefined): string {
  if (!name) return '';
  return name.replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))).replace(/\.$/, '');
}

/** A record name for the API: the prefix and the zone, fully qualified. */
export function recordName(prefix: string, zone: string): string {
  const p = prefix.trim().replace(/\.$/, '');
  const z = showName(zone);
  return p ? `${p}.${z}.` : `${z}.`;
}

/** The part of a record name before the zone (`www` of `www.example.com.` in `example.com.`). */
export function prefixOf(name: string, zone: string): string {
  const n = showName(name).toLowerCase();
  const z = showName(zone).toLowerCase();
  if (n === z) return '';
  return n.endsWith(`.${z}`) ? showName(name).slice(0, -(z.length + 1)) : showName(name);
}

export const RECORD_TYPES: Array<{ value: string; hint: string }> = [
  { value: 'A', hint: 'Routes traffic to an IPv4 address and some AWS resources' },
  { value: 'AAAA', hint: 'Routes traffic to an IPv6 address and some AWS resources' },
  { value: 'CNAME', hint: 'Routes traffic to another domain name and to some AWS resources' },
  { value: 'MX', hint: 'Specifies mail servers' },
  { value: 'TXT', hint: 'Used to verify email senders and for application-specific values' },
  { value: 'PTR', hint: 'Maps an IP address to a domain name' },
  { value: 'SRV', hint: 'Application-specific values that identify servers' },
  { value: 'CAA', hint: 'Restricts CAs that can create SSL/TLS certificates for the domain' },
  { value: 'NS', hint: 'Name servers for a hosted zone' },
  { value: 'SOA', hint: 'Start of authority record' },
];

/** What the Value field's placeholder suggests per type, as the console does. */
export const VALUE_EXAMPLES: Record<string, string> = {
  A: '192.0.2.235',
  AAAA: '2001:0db8:85a3:0:0:8a2e:0370:7334',
  CNAME: 'www.example.com',
  MX: '10 mailserver.example.com',
  TXT: '"Sample text entries"',
  PTR: 'www.example.com',
  SRV: '1 10 5269 xmpp-server.example.com',
  CAA: '0 issue "amazon.com"',
  NS: 'ns-1.example.com',
  SOA: 'ns-2048.awsdns-64.net hostmaster.awsdns.com 1 1 1 1 60',
};

export type RoutingPolicy = 'simple' | 'weighted' | 'latency' | 'failover' | 'geolocation' | 'multivalue';

export const ROUTING_POLICIES: Array<{ value: RoutingPolicy; label: string; hint: string }> = [
  {
    value: 'simple',
    label: 'Simple routing',
    hint: 'Route traffic to a single resource, such as a web server.',
  },
  {
    value: 'weighted',
    label: 'Weighted',
    hint: 'Route traffic to multiple resources in proportions that you specify.',
  },
  {
    value: 'geolocation',
    label: 'Geolocation',
    hint: 'Route traffic based on the location of your users.',
  },
  {
    value: 'latency',
    label: 'Latency',
    hint: 'Route traffic to the Region that provides the best latency.',
  },
  {
    value: 'failover',
    label: 'Failover',
    hint: 'Route traffic to a resource when the resource is healthy or to a different resource when the first resource is unhealthy.',
  },
  {
    value: 'multivalue',
    label: 'Multivalue answer',
    hint: 'Respond to DNS queries with up to eight healthy records selected at random.',
  },
];

export function policyOf(r: ResourceRecordSet): RoutingPolicy {
  if (r.Weight !== undefined) return 'weighted';
  if (r.Region) return 'latency';
  if (r.Failover) return 'failover';
  if (r.GeoLocation) return 'geolocation';
  if (r.MultiValueAnswer) return 'multivalue';
  return 'simple';
}

export const POLICY_LABEL: Record<RoutingPolicy, string> = {
  simple: 'Simple',
  weighted: 'Weighted',
  latency: 'Latency',
  failover: 'Failover',
  geolocation: 'Geolocation',
  multivalue: 'Multivalue answer',
};

export const CONTINENTS: Array<{ code: string; name: string }> = [
  { code: 'AF', name: 'Africa' },
  { code: 'AN', name: 'Antarctica' },
  { code: 'AS', name: 'Asia' },
  { code: 'EU', name: 'Europe' },
  { code: 'OC', name: 'Oceania' },
  { code: 'NA', name: 'North America' },
  { code: 'SA', name: 'South America' },
];

export const COUNTRIES: Array<{ code: string; name: string }> = [
  { code: 'AR', name: 'Argentina' },
  { code: 'AU', name: 'Australia' },
  { code: 'AT', name: 'Austria' },
  { code: 'BE', name: 'Belgium' },
  { code: 'BR', name: 'Brazil' },
  { code: 'CA', name: 'Canada' },
  { code: 'CL', name: 'Chile' },
  { code: 'CN', name: 'China' },
  { code: 'DK', name: 'Denmark' },
  { code: 'EG', name: 'Egypt' },
  { code: 'FI', name: 'Finland' },
  { code: 'FR', name: 'France' },
  { code: 'DE', name: 'Germany' },
  { code: 'HK', name: 'Hong Kong' },
  { code: 'IN', name: 'India' },
  { code: 'ID', name: 'Indonesia' },
  { code: 'IE', name: 'Ireland' },
  { code: 'IL', name: 'Israel' },
  { code: 'IT', name: 'Italy' },
  { code: 'JP', name: 'Japan' },
  { code: 'KE', name: 'Kenya' },
  { code: 'MX', name: 'Mexico' },
  { code: 'NL', name: 'Netherlands' },
  { code: 'NZ', name: 'New Zealand' },
  { code: 'NG', name: 'Nigeria' },
  { code: 'NO', name: 'Norway' },
  { code: 'PL', name: 'Poland' },
  { code: 'PT', name: 'Portugal' },
  { code: 'SA', name: 'Saudi Arabia' },
  { code: 'SG', name: 'Singapore' },
  { code: 'ZA', name: 'South Africa' },
  { code: 'KR', name: 'South Korea' },
  { code: 'ES', name: 'Spain' },
  { code: 'SE', name: 'Sweden' },
  { code: 'CH', name: 'Switzerland' },
  { code: 'TW', name: 'Taiwan' },
  { code: 'AE', name: 'United Arab Emirates' },
  { code: 'GB', name: 'United Kingdom' },
  { code: 'UA', name: 'Ukraine' },
  { code: 'US', name: 'United States' },
];

export function geoLabel(r: ResourceRecordSet): string {
  const g = r.GeoLocation;
  if (!g) return '';
  if (g.CountryCode === '*') return 'Default';
  if (g.CountryCode) {
    const c = COUNTRIES.find((x) => x.code === g.CountryCode)?.name ?? g.CountryCode;
    return g.SubdivisionCode ? `${c} (${g.SubdivisionCode})` : c;
  }
  if (g.ContinentCode) return CONTINENTS.find((x) => x.code === g.ContinentCode)?.name ?? g.ContinentCode;
  return '';
}

/** The Differentiator column: what tells records of one name and type apart. */
export function differentiator(r: ResourceRecordSet): string {
  switch (policyOf(r)) {
    case 'weighted':
      return String(r.Weight);
    case 'latency':
      return r.Region ?? '';
    case 'failover':
      return r.Failover === 'PRIMARY' ? 'Primary' : 'Secondary';
    case 'geolocation':
      return geoLabel(r);
    default:
      return '–';
  }
}

/** The Value/Route traffic to column. */
export function valueText(r: ResourceRecordSet): string {
  if (r.AliasTarget) return showName(r.AliasTarget.DNSName);
  return (r.ResourceRecords ?? []).map((v) => v.Value ?? '').join('\n');
}

/** `s3-website-us-east-1.amazonaws.com`: the alias target the console offers for a Region. */
export const s3WebsiteEndpoint = (region: string): string => `${websiteLabel(region)}.amazonaws.com`;

/** "HTTP://192.0.2.44:80/health", as the health checks list describes a check. */
export function healthCheckTarget(h: HealthCheck | undefined): string {
  const c = h?.HealthCheckConfig;
  if (!c) return '–';
  if (c.Type === 'CALCULATED') return 'Calculated health check';
  if (c.Type === 'CLOUDWATCH_METRIC') return 'CloudWatch alarm';
  const proto = (c.Type ?? '').replace('_STR_MATCH', '').toLowerCase();
  const host = c.IPAddress ?? c.FullyQualifiedDomainName ?? '';
  const path = c.Type === 'TCP' ? '' : (c.ResourcePath ?? '/');
  return `${proto}://${host}:${c.Port ?? ''}${path.startsWith('/') || !path ? path : `/${path}`}`;
}

export interface CheckerSummary {
  status: StatusType;
  text: string;
  healthy: number;
  total: number;
}

/**
 * The overall status from the checkers' last reports: Route 53 calls an endpoint healthy when
 * more than 18% of its checkers report it healthy.
 */
export function summarize(observations: HealthCheckObservation[] | undefined): CheckerSummary {
  const all = observations ?? [];
  const reported = all.filter((o) => o.StatusReport?.Status);
  const healthy = reported.filter((o) => isSuccess(o.StatusReport?.Status)).length;
  if (!reported.length) return { status: 'pending', text: 'Unknown', healthy: 0, total: 0 };
  const ok = healthy / reported.length > 0.18;
  return {
    status: ok ? 'success' : 'error',
    text: ok ? 'Healthy' : 'Unhealthy',
    healthy,
    total: reported.length,
  };
}

export const isSuccess = (status: string | undefined): boolean => /^Success/i.test(status ?? '');
