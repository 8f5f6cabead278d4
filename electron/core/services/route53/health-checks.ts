/**
 * Route 53 health checks: CreateHealthCheck (CallerReference idempotency), GetHealthCheck,
 * UpdateHealthCheck (HealthCheckVersion), DeleteHealthCheck, ListHealthChecks, GetHealthCheckCount
 * and GetHealthCheckStatus (the checkers' latest observations). A check is a row of
 * `r53_health_checks` holding the HealthCheckConfig as the API shows it, defaults filled in. A
 * deleted check keeps its row with version 0, because Route 53 remembers a deleted check's
 * CallerReference (HealthCheckAlreadyExists). The checking itself is runtime.ts.
 *
 * DeleteHealthCheck does not refuse a check that record sets name: Route 53 no longer does
 * (the API reference: "Amazon Route 53 does not prevent you from deleting a health check even
 * if the health check is associated with one or more resource record sets"; HealthCheckInUse
 * is deprecated). Such records then count the check as healthy (health-status.ts).
 */
import type * as R53 from '@aws-sdk/client-route-53';
import { AwsError } from '../../kernel/errors';
import type { Tx } from '../../kernel/store';
import type { OperationContext } from '../../service';
import { isIpv4 } from '../../os/net/resolver';
import { containsIp, ipToInt, parseCidr } from '../../network/cidr';
import { invalidInput, noSuchHealthCheck } from './errors';
import { CHECKER_LOCATIONS } from './health-status';
import { checkerKey, type Route53Runtime } from './runtime';

const ENDPOINT_TYPES = ['HTTP', 'HTTPS', 'HTTP_STR_MATCH', 'HTTPS_STR_MATCH', 'TCP'];
const TYPES = [...ENDPOINT_TYPES, 'CALCULATED', 'CLOUDWATCH_METRIC', 'RECOVERY_CONTROL'];
const REGIONS = [...new Set(CHECKER_LOCATIONS.map((c) => c.region))] as string[];
const RESETTABLE = ['FullyQualifiedDomainName', 'Regions', 'ResourcePath', 'ChildHealthChecks'];

/** Addresses Route 53 will not check: local, private, non-routable, multicast, shared. */
const UNCHECKABLE = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '224.0.0.0/3',
].map((c) => parseCidr(c)!);

export function healthCheckAlreadyExists(): AwsError {
  return new AwsError(
    'HealthCheckAlreadyExists',
    'A different health check has already been created with the specified caller reference.',
    { status: 409 },
  );
}

export function healthCheckVersionMismatch(): AwsError {
  return new AwsError(
    'HealthCheckVersionMismatch',
    "The value of HealthCheckVersion in the request doesn't match the value of HealthCheckVersion in the health check.",
    { status: 409 },
  );
}

/** AWS's validation text for one constraint, as Route 53 words it in InvalidInput. */
function constraint(field: string, value: unknown, rule: string): AwsError {
  return invalidInput(
    `1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: ${rule}`,
  );
}

function range(field: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined) return;
  if (value < min) throw constraint(field, value, `Member must have value greater than or equal to ${min}`);
  if (value > max) throw constraint(field, value, `Member must have value less than or equal to ${max}`);
}

function maxLength(field: string, value: string | undefined, max: number): void {
  if (value !== undefined && value.length > max)
    throw constraint(field, value, `Member must have length less than or equal to ${max}`);
}

interface Row {
  id: string;
  caller_reference: string;
  config: string;
  version: number;
}

function shape(row: Row): R53.HealthCheck {
  return {
    Id: row.id,
    CallerReference: row.caller_reference,
    HealthCheckConfig: JSON.parse(row.config) as R53.HealthCheckConfig,
    HealthCheckVersion: row.version,
  };
}

function find(tx: Pick<Tx, 'get'>, account: string, id: string | undefined): Row {
  const bare = (id ?? '').replace(/^\/?healthcheck\//, '');
  const row = tx.get<Row>(
    'SELECT id, caller_reference, config, version FROM r53_health_checks WHERE id = ? AND account_id = ? AND version > 0',
    [bare, account],
  );
  if (!row) throw noSuchHealthCheck(bare);
  return row;
}

/** A check that exists for the account (for record sets naming a HealthCheckId). */
export function healthCheckExists(tx: Pick<Tx, 'get'>, account: string, id: string): boolean {
  return !!tx.get('SELECT 1 AS one FROM r53_health_checks WHERE id = ? AND account_id = ? AND version > 0', [
    id,
    account,
  ]);
}

function runtime(ctx: OperationContext): Route53Runtime {
  return ctx.cloud.runtime<Route53Runtime>('route53');
}

/**
 * The configuration as Route 53 keeps and shows it: validated, with defaults (Port 80/443,
 * RequestInterval 30, FailureThreshold 3, the booleans false, EnableSNI on for HTTPS).
 */
export function normaliseConfig(input: R53.HealthCheckConfig): R53.HealthCheckConfig {
  const type = input.Type;
  if (!type || !TYPES.includes(type))
    throw invalidInput(
      `1 validation error detected: Value '${type ?? ''}' at 'healthCheckConfig.type' failed to satisfy constraint: Member must satisfy enum value set: [HTTP, HTTPS, HTTP_STR_MATCH, HTTPS_STR_MATCH, TCP, CALCULATED, CLOUDWATCH_METRIC, RECOVERY_CONTROL]`,
    );
  range('healthCheckConfig.port', input.Port, 1, 65535);
  range('healthCheckConfig.requestInterval', input.RequestInterval, 10, 30);
  range('healthCheckConfig.failureThreshold', input.FailureThreshold, 1, 10);
  range('healthCheckConfig.healthThreshold', input.HealthThreshold, 0, 256);
  maxLength('healthCheckConfig.resourcePath', input.ResourcePath, 255);
  maxLength('healthCheckConfig.fullyQualifiedDomainName', input.FullyQualifiedDomainName, 255);
  maxLength('healthCheckConfig.searchString', input.SearchString, 255);
  maxLength('healthCheckConfig.iPAddress', input.IPAddress, 45);
  if (input.ChildHealthChecks && input.ChildHealthChecks.length > 256)
    throw constraint(
      'healthCheckConfig.childHealthChecks',
      input.ChildHealthChecks,
      'Member must have length less than or equal to 256',
    );

  if (type === 'CALCULATED') {
    if (input.IPAddress || input.FullyQualifiedDomainName || input.Port !== undefined || input.ResourcePath)
      throw invalidInput('Invalid parameter : Calculated health checks must not have an endpoint specified.');
    return {
      Type: type,
      Inverted: input.Inverted ?? false,
      Disabled: input.Disabled ?? false,
      HealthThreshold: input.HealthThreshold ?? 0,
      ChildHealthChecks: input.ChildHealthChecks ?? [],
    };
  }
  if (!ENDPOINT_TYPES.includes(type))
    throw invalidInput(
      `Cloud Lab does not simulate ${type} health checks (they watch CloudWatch alarms or routing controls).`,
    );
  if (input.AlarmIdentifier)
    throw invalidInput('Invalid parameter : Basic health checks must not have an metric region specified.');
  if (input.ChildHealthChecks?.length || input.HealthThreshold !== undefined)
    throw invalidInput(
      'Invalid parameter : Basic health checks must not have child health checks specified.',
    );
  if (!input.IPAddress && !input.FullyQualifiedDomainName)
    throw invalidInput(
      'Invalid parameter : Health checks must have either an IP address or a fully qualified domain name specified.',
    );
  if (input.IPAddress) {
    if (!isIpv4(input.IPAddress) && !input.IPAddress.includes(':'))
      throw invalidInput(`Invalid parameter : IP address ${input.IPAddress} is not a valid IP address.`);
    const n = ipToInt(input.IPAddress);
    if (n !== null && UNCHECKABLE.some((c) => containsIp(c, n)))
      throw invalidInput(`Invalid parameter : IP address ${input.IPAddress} is not publicly routable.`);
  }
  if (type === 'TCP' && input.IPAddress && input.FullyQualifiedDomainName)
    throw invalidInput(
      'TCP health checks that have IP address must not have a fully qualified domain name specified.',
    );
  if (type.endsWith('_STR_MATCH') && !input.SearchString)
    throw invalidInput(`Invalid parameter : A search string must be specified for ${type} health checks.`);
  if (!type.endsWith('_STR_MATCH') && input.SearchString)
    throw invalidInput(
      `Invalid parameter : A search string can only be specified for string matching health checks.`,
    );
  if (input.RequestInterval !== undefined && input.RequestInterval !== 10 && input.RequestInterval !== 30)
    throw invalidInput('Invalid parameter : RequestInterval must be either 10 or 30 seconds.');
  if (input.ResourcePath && !input.ResourcePath.startsWith('/'))
    throw invalidInput('Invalid parameter : ResourcePath must begin with a forward slash (/).');
  if (input.Regions?.length) {
    for (const [k, region] of input.Regions.entries())
      if (!REGIONS.includes(region))
        throw invalidInput(
          `1 validation error detected: Value '${region}' at 'healthCheckConfig.regions.${k + 1}.member' failed to satisfy constraint: Member must satisfy enum value set: [${REGIONS.join(', ')}]`,
        );
    if (new Set(input.Regions).size < 3)
      throw invalidInput('Invalid parameter : You must specify at least 3 regions for a health check.');
  }

  const https = type.startsWith('HTTPS');
  const out = {} as R53.HealthCheckConfig;
  if (input.IPAddress) out.IPAddress = input.IPAddress;
  out.Port = input.Port ?? (https ? 443 : 80);
  out.Type = type;
  if (input.ResourcePath && type !== 'TCP') out.ResourcePath = input.ResourcePath;
  if (input.FullyQualifiedDomainName) out.FullyQualifiedDomainName = input.FullyQualifiedDomainName;
  if (input.SearchString) out.SearchString = input.SearchString;
  out.RequestInterval = input.RequestInterval ?? 30;
  out.FailureThreshold = input.FailureThreshold ?? 3;
  out.MeasureLatency = input.MeasureLatency ?? false;
  out.Inverted = input.Inverted ?? false;
  out.Disabled = input.Disabled ?? false;
  out.EnableSNI = input.EnableSNI ?? https;
  if (input.Regions?.length) out.Regions = [...new Set(input.Regions)];
  return out;
}

function checkChildren(tx: Tx, account: string, config: R53.HealthCheckConfig, self?: string): void {
  for (const child of config.ChildHealthChecks ?? []) {
    if (child === self || !healthCheckExists(tx, account, child)) throw noSuchHealthCheck(child);
  }
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export async function createHealthCheck(
  ctx: OperationContext,
  input: R53.CreateHealthCheckRequest,
): Promise<R53.CreateHealthCheckResponse> {
  const account = ctx.principal.accountId;
  const reference = input.CallerReference ?? '';
  if (reference.length < 1)
    throw constraint('callerReference', reference, 'Member must have length greater than or equal to 1');
  maxLength('callerReference', reference, 64);
  if (!input.HealthCheckConfig) throw invalidInput('HealthCheckConfig is required.');
  const config = normaliseConfig(input.HealthCheckConfig);
  const { row, created } = await ctx.cloud.store.write((tx) => {
    const existing = tx.get<Row>(
      'SELECT id, caller_reference, config, version FROM r53_health_checks WHERE account_id = ? AND caller_reference = ?',
      [account, reference],
    );
    if (existing) {
      if (existing.version === 0 || !same(JSON.parse(existing.config), config))
        throw healthCheckAlreadyExists();
      return { row: existing, created: false };
    }
    if (config.Type === 'CALCULATED') checkChildren(tx, account, config);
    const id = ctx.cloud.ids.uuid(tx, 'r53-healthcheck');
    tx.run(
      'INSERT INTO r53_health_checks (id, account_id, caller_reference, config, version, created) VALUES (?, ?, ?, ?, 1, ?)',
      [id, account, reference, JSON.stringify(config), ctx.cloud.clock.now()],
    );
    return {
      row: { id, caller_reference: reference, config: JSON.stringify(config), version: 1 },
      created: true,
    };
  });
  if (created) runtime(ctx).added(row.id, account, config);
  return {
    HealthCheck: shape(row),
    Location: `https://route53.amazonaws.com/2013-04-01/healthcheck/${row.id}`,
  };
}

export function getHealthCheck(
  ctx: OperationContext,
  input: R53.GetHealthCheckRequest,
): R53.GetHealthCheckResponse {
  return { HealthCheck: shape(find(ctx.cloud.store, ctx.principal.accountId, input.HealthCheckId)) };
}

export async function updateHealthCheck(
  ctx: OperationContext,
  input: R53.UpdateHealthCheckRequest,
): Promise<R53.UpdateHealthCheckResponse> {
  const account = ctx.principal.accountId;
  for (const element of input.ResetElements ?? [])
    if (!RESETTABLE.includes(element))
      throw invalidInput(
        `1 validation error detected: Value '${element}' at 'resetElements.member' failed to satisfy constraint: Member must satisfy enum value set: [${RESETTABLE.join(', ')}]`,
      );
  const row = await ctx.cloud.store.write((tx) => {
    const current = find(tx, account, input.HealthCheckId);
    if (input.HealthCheckVersion !== undefined && input.HealthCheckVersion !== current.version)
      throw healthCheckVersionMismatch();
    const old = JSON.parse(current.config) as R53.HealthCheckConfig;
    if (input.IPAddress !== undefined && !old.IPAddress)
      throw invalidInput(
        "Invalid parameter : You can't add an IP address to a health check that doesn't have one.",
      );
    const merged: R53.HealthCheckConfig = { ...old };
    const fields = [
      'IPAddress',
      'Port',
      'ResourcePath',
      'FullyQualifiedDomainName',
      'SearchString',
      'FailureThreshold',
      'Inverted',
      'Disabled',
      'HealthThreshold',
      'ChildHealthChecks',
      'EnableSNI',
      'Regions',
    ] as const;
    for (const f of fields)
      if (input[f] !== undefined) (merged as unknown as Record<string, unknown>)[f] = input[f];
    for (const element of input.ResetElements ?? [])
      delete (merged as unknown as Record<string, unknown>)[element];
    const config = normaliseConfig(merged);
    if (config.Type === 'CALCULATED') checkChildren(tx, account, config, current.id);
    const version = current.version + 1;
    tx.run('UPDATE r53_health_checks SET config = ?, version = ? WHERE id = ?', [
      JSON.stringify(config),
      version,
      current.id,
    ]);
    return { ...current, config: JSON.stringify(config), version };
  });
  runtime(ctx).updated(row.id, JSON.parse(row.config) as R53.HealthCheckConfig);
  return { HealthCheck: shape(row) };
}

export async function deleteHealthCheck(
  ctx: OperationContext,
  input: R53.DeleteHealthCheckRequest,
): Promise<R53.DeleteHealthCheckResponse> {
  const account = ctx.principal.accountId;
  const id = await ctx.cloud.store.write((tx) => {
    const row = find(tx, account, input.HealthCheckId);
    // Kept (version 0) so the CallerReference stays taken, as on Route 53.
    tx.run('UPDATE r53_health_checks SET version = 0 WHERE id = ?', [row.id]);
    tx.run('DELETE FROM r53_health_observations WHERE health_check_id = ?', [row.id]);
    tx.run("DELETE FROM r53_tags WHERE resource_type = 'healthcheck' AND resource_id = ?", [row.id]);
    return row.id;
  });
  runtime(ctx).removed(id);
  return {};
}

export function listHealthChecks(
  ctx: OperationContext,
  input: R53.ListHealthChecksRequest,
): R53.ListHealthChecksResponse {
  const max = input.MaxItems === undefined ? 100 : Number(input.MaxItems);
  if (!Number.isInteger(max) || max < 1)
    throw invalidInput(`Invalid parameter : MaxItems must be a positive integer.`);
  const limit = Math.min(max, 1000);
  const marker = input.Marker;
  const rows = ctx.cloud.store.all<Row>(
    `SELECT id, caller_reference, config, version FROM r53_health_checks
     WHERE account_id = ? AND version > 0 AND id >= ? ORDER BY id LIMIT ?`,
    [ctx.principal.accountId, marker ?? '', limit + 1],
  );
  const page = rows.slice(0, limit);
  const next = rows[limit];
  return {
    HealthChecks: page.map(shape),
    Marker: marker ?? '',
    IsTruncated: !!next,
    ...(next ? { NextMarker: next.id } : {}),
    MaxItems: input.MaxItems ?? limit,
  };
}

export function getHealthCheckCount(ctx: OperationContext): R53.GetHealthCheckCountResponse {
  const row = ctx.cloud.store.get<{ n: number }>(
    'SELECT COUNT(*) AS n FROM r53_health_checks WHERE account_id = ? AND version > 0',
    [ctx.principal.accountId],
  );
  return { HealthCheckCount: row?.n ?? 0 };
}

export function getHealthCheckStatus(
  ctx: OperationContext,
  input: R53.GetHealthCheckStatusRequest,
): R53.GetHealthCheckStatusResponse {
  const row = find(ctx.cloud.store, ctx.principal.accountId, input.HealthCheckId);
  const config = JSON.parse(row.config) as R53.HealthCheckConfig;
  if (config.Type === 'CALCULATED')
    throw invalidInput(
      "Invalid parameter : GetHealthCheckStatus doesn't support calculated health checks. Use the Route 53 console or CloudWatch to see their status.",
    );
  const observations = ctx.cloud.store.all<{ checker: string; at: number; report: string }>(
    `SELECT checker, at, report FROM r53_health_observations o WHERE health_check_id = ?
       AND at = (SELECT MAX(at) FROM r53_health_observations
                 WHERE health_check_id = o.health_check_id AND checker = o.checker)`,
    [row.id],
  );
  const order = new Map(CHECKER_LOCATIONS.map((c, k) => [checkerKey(c), k]));
  observations.sort((a, b) => (order.get(a.checker) ?? 99) - (order.get(b.checker) ?? 99));
  return {
    HealthCheckObservations: observations.map((o) => {
      const [region, ip] = o.checker.split('/') as [string, string];
      return {
        Region: region as R53.HealthCheckRegion,
        IPAddress: ip,
        StatusReport: { Status: o.report, CheckedTime: new Date(o.at) },
      };
    }),
  };
}
