/**
 * What a health check's status is, as Route 53 uses it to answer DNS queries. Endpoint checks
 * are probed by health checkers in eight Regions (two checkers each, with addresses from the
 * ROUTE53_HEALTHCHECKS ranges of AWS's ip-ranges.json); a checker changes its view of the
 * endpoint after FailureThreshold consecutive results the other way, and the check is healthy
 * when more than 18% of the checkers consider the endpoint healthy (the Route 53 Developer
 * Guide, "How Amazon Route 53 determines whether a health check is healthy"). A calculated check
 * is healthy when at least HealthThreshold of its children are. A disabled check is always
 * healthy; Inverted flips the result. A new check starts healthy until its checkers say
 * otherwise.
 */
import type * as R53 from '@aws-sdk/client-route-53';
import type { Cloud } from '../../cloud';
import type { Route53Runtime } from './runtime';

/** Route 53 considers an endpoint healthy when more than this share of checkers do. */
export const HEALTHY_SHARE = 0.18;

export interface CheckerLocation {
  /** The HealthCheckRegion the checker runs in. */
  region: R53.HealthCheckRegion;
  /** The checker's address, as the endpoint sees it (and as GetHealthCheckStatus shows it). */
  ip: string;
}

/**
 * Route 53's default checker Regions, each with two checkers. The addresses are from the
 * Region's published ROUTE53_HEALTHCHECKS ranges (one from each of its two /26 blocks).
 */
export const CHECKER_LOCATIONS: readonly CheckerLocation[] = [
  { region: 'us-east-1', ip: '54.243.31.204' },
  { region: 'us-east-1', ip: '107.23.255.12' },
  { region: 'us-west-1', ip: '54.241.32.97' },
  { region: 'us-west-1', ip: '54.183.255.140' },
  { region: 'us-west-2', ip: '54.244.52.200' },
  { region: 'us-west-2', ip: '54.245.168.17' },
  { region: 'eu-west-1', ip: '54.228.16.1' },
  { region: 'eu-west-1', ip: '176.34.159.203' },
  { region: 'ap-southeast-1', ip: '54.251.31.140' },
  { region: 'ap-southeast-1', ip: '54.255.254.199' },
  { region: 'ap-southeast-2', ip: '54.252.79.138' },
  { region: 'ap-southeast-2', ip: '54.252.254.201' },
  { region: 'ap-northeast-1', ip: '54.248.220.13' },
  { region: 'ap-northeast-1', ip: '54.250.253.206' },
  { region: 'sa-east-1', ip: '54.232.40.80' },
  { region: 'sa-east-1', ip: '177.71.207.139' },
];

export const DEFAULT_CHECKER_REGIONS: readonly R53.HealthCheckRegion[] = [
  ...new Set(CHECKER_LOCATIONS.map((c) => c.region)),
];

/** The checkers a check uses: those of its Regions (all eight when it names none). */
export function checkersFor(config: R53.HealthCheckConfig): CheckerLocation[] {
  const regions = config.Regions?.length ? new Set(config.Regions) : null;
  return CHECKER_LOCATIONS.filter((c) => !regions || regions.has(c.region));
}

/** Whether the endpoint is healthy from what each checker currently believes. */
export function endpointHealthy(checkerViews: readonly boolean[]): boolean {
  if (checkerViews.length === 0) return true;
  return checkerViews.filter(Boolean).length / checkerViews.length > HEALTHY_SHARE;
}

/**
 * The status Route 53 uses for DNS answers: true when healthy. A health check that does not
 * exist (deleted while a record still names it) counts as healthy, so answers do not vanish.
 */
export function isHealthy(cloud: Cloud, healthCheckId: string): boolean {
  return cloud.runtime<Route53Runtime>('route53').isHealthy(healthCheckId);
}
