/**
 * CORS as S3 answers browsers: an OPTIONS preflight is matched against the bucket's CORS rules
 * (first rule whose origin, method and requested headers all match), and an actual request
 * carrying `Origin` gets the Access-Control-* headers of the rule it matches.
 */
import type * as S3 from '@aws-sdk/client-s3';
import type { Cloud } from '../../cloud';
import { AwsError } from '../../kernel/errors';
import type { CorsRequest, CorsSupport } from '../../service';
import { wildcardMatch } from './access';
import { readBucketConfig } from './bucket-config';
import { configErrors, errors } from './errors';
import { bucketNamed } from './buckets';
import type { BucketRow } from './schema';

/** `/bucket/key…` → bucket and key (decoded); no key for the bucket itself. */
export function splitRoutePath(routePath: string): { bucket?: string; key?: string } {
  const path = routePath.startsWith('/') ? routePath.slice(1) : routePath;
  if (!path) return {};
  const slash = path.indexOf('/');
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  if (slash < 0) return { bucket: decode(path) };
  const key = path.slice(slash + 1);
  return { bucket: decode(path.slice(0, slash)), ...(key ? { key: decode(key) } : {}) };
}

function matchingRule(
  rules: S3.CORSRule[],
  origin: string,
  method: string,
  requestHeaders: string[],
): S3.CORSRule | undefined {
  return rules.find(
    (rule) =>
      (rule.AllowedOrigins ?? []).some((o) => wildcardMatch(o, origin)) &&
      (rule.AllowedMethods ?? []).includes(method) &&
      requestHeaders.every((h) => (rule.AllowedHeaders ?? []).some((a) => wildcardMatch(a, h, true))),
  );
}

function ruleHeaders(rule: S3.CORSRule, origin: string): Record<string, string> {
  const anyOrigin = (rule.AllowedOrigins ?? []).includes('*');
  return {
    'access-control-allow-origin': anyOrigin ? '*' : origin,
    'access-control-allow-methods': (rule.AllowedMethods ?? []).join(', '),
    ...(rule.ExposeHeaders?.length ? { 'access-control-expose-headers': rule.ExposeHeaders.join(', ') } : {}),
    ...(rule.MaxAgeSeconds !== undefined ? { 'access-control-max-age': String(rule.MaxAgeSeconds) } : {}),
    ...(anyOrigin ? {} : { 'access-control-allow-credentials': 'true' }),
    vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
  };
}

function findBucketRow(cloud: Cloud, name: string | undefined): BucketRow | undefined {
  return name ? bucketNamed(cloud.store, name) : undefined;
}

export const s3Cors: CorsSupport = {
  preflight(cloud: Cloud, request: CorsRequest): Record<string, string> {
    const { bucket: name, key } = splitRoutePath(request.routePath);
    const origin = request.headers['origin'];
    if (!origin) throw configErrors.corsNoOrigin();
    const method = request.headers['access-control-request-method'];
    if (!method || !['GET', 'PUT', 'HEAD', 'POST', 'DELETE'].includes(method))
      throw new AwsError('BadRequest', `Invalid Access-Control-Request-Method: ${method ?? 'null'}`);
    const bucket = findBucketRow(cloud, name);
    if (!bucket) throw errors.noSuchBucket(name ?? '');
    const resourceType = key === undefined ? 'BUCKET' : 'OBJECT';
    const rules = readBucketConfig(cloud.store, bucket.name, 'cors');
    if (!rules) throw configErrors.corsNotEnabled(method, resourceType);
    const requested = (request.headers['access-control-request-headers'] ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean);
    const rule = matchingRule(rules, origin, method, requested);
    if (!rule) throw configErrors.corsNotAllowed(method, resourceType);
    return {
      ...ruleHeaders(rule, origin),
      ...(requested.length > 0 ? { 'access-control-allow-headers': requested.join(', ') } : {}),
    };
  },

  headers(cloud: Cloud, request: CorsRequest): Record<string, string> {
    const origin = request.headers['origin'];
    if (!origin) return {};
    const { bucket: name } = splitRoutePath(request.routePath);
    const bucket = findBucketRow(cloud, name);
    if (!bucket) return {};
    const rules = readBucketConfig(cloud.store, bucket.name, 'cors');
    if (!rules) return {};
    const rule = matchingRule(rules, origin, request.method, []);
    return rule ? ruleHeaders(rule, origin) : {};
  },
};
