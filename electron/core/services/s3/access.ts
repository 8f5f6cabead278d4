/**
 * Who may do what to a bucket without signing: S3's evaluation of a bucket policy, the bucket's
 * and an object's ACL, and the bucket's public access block, for the anonymous principal.
 *
 * As on AWS: an explicit Deny in the policy wins; otherwise an Allow from the policy, or a grant
 * to AllUsers in an ACL (when Object Ownership leaves ACLs enabled), lets the request through. The public access block filters both:
 * RestrictPublicBuckets ignores a *public* policy for anonymous callers, IgnorePublicAcls ignores
 * public grants. A bucket that has never had its public access block changed has all four
 * settings on, as every bucket created on AWS since April 2023 does.
 *
 * Used by the gateway (through the S3 service's anonymous hook) and by website hosting.
 */
import type * as S3 from '@aws-sdk/client-s3';
import type { Store } from '../../kernel/store';
import { readBucketConfig } from './bucket-config';
import type { BucketRow } from './schema';

/** What a request brings to condition keys (all optional; a missing key fails its condition). */
export interface RequestFacts {
  /** The caller's address, IPv4 or IPv6. */
  sourceIp?: string;
  /** HTTPS (aws:SecureTransport). */
  secureTransport?: boolean;
  /** Extra condition keys by name, lower case: `s3:prefix`, `aws:referer`, `aws:useragent`… */
  keys?: Record<string, string | undefined>;
}

/** A policy statement as AWS accepts it (strings or lists of strings). */
export interface PolicyStatement {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement?: PolicyStatement | PolicyStatement[];
}

/** AWS's default for a bucket without a stored configuration: everything blocked. */
export const DEFAULT_PUBLIC_ACCESS_BLOCK: Required<S3.PublicAccessBlockConfiguration> = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};

/**
 * The public access block in force. No row: the creation default (all on). A row with no
 * settings: DeletePublicAccessBlock removed it (nothing blocked). Otherwise what was put.
 */
export function publicAccessBlock(
  store: Pick<Store, 'get'>,
  bucket: string,
): { configured: boolean; settings: Required<S3.PublicAccessBlockConfiguration> } {
  const stored = readBucketConfig(store, bucket, 'publicAccessBlock');
  if (stored === undefined) return { configured: true, settings: { ...DEFAULT_PUBLIC_ACCESS_BLOCK } };
  const configured = Object.keys(stored).length > 0;
  return {
    configured,
    settings: {
      BlockPublicAcls: stored.BlockPublicAcls === true,
      IgnorePublicAcls: stored.IgnorePublicAcls === true,
      BlockPublicPolicy: stored.BlockPublicPolicy === true,
      RestrictPublicBuckets: stored.RestrictPublicBuckets === true,
    },
  };
}

export const ALL_USERS_URI = 'http://acs.amazonaws.com/groups/global/AllUsers';
export const AUTHENTICATED_USERS_URI = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';

/** Does an ACL grant `permission` (or FULL_CONTROL) to everyone? */
export function aclGrantsAllUsers(acl: S3.AccessControlPolicy | undefined, permission: string): boolean {
  return (acl?.Grants ?? []).some(
    (g) =>
      g.Grantee?.Type === 'Group' &&
      g.Grantee.URI === ALL_USERS_URI &&
      (g.Permission === permission || g.Permission === 'FULL_CONTROL'),
  );
}

/** Is an ACL public (any grant to AllUsers or AuthenticatedUsers)? */
export function aclIsPublic(acl: S3.AccessControlPolicy | undefined): boolean {
  return (acl?.Grants ?? []).some(
    (g) =>
      g.Grantee?.Type === 'Group' &&
      (g.Grantee.URI === ALL_USERS_URI || g.Grantee.URI === AUTHENTICATED_USERS_URI),
  );
}

const PUBLIC_CANNED = new Set(['public-read', 'public-read-write', 'authenticated-read']);

/** Is a canned ACL public? (`private`, `bucket-owner-*`, `aws-exec-read`, `log-delivery-write` are not.) */
export function cannedAclIsPublic(canned: string | undefined): boolean {
  return canned !== undefined && PUBLIC_CANNED.has(canned);
}

/**
 * May an anonymous caller perform `action` (e.g. `s3:GetObject`) on the bucket, or on `key` in
 * it? `objectAcl` is the object's canned ACL or its AccessControlPolicy, when it has one.
 */
export function anonymousAllowed(
  store: Pick<Store, 'get'>,
  bucket: BucketRow,
  action: string,
  key?: string,
  objectAcl?: string | S3.AccessControlPolicy,
  request: RequestFacts = {},
): boolean {
  const pab = publicAccessBlock(store, bucket.name).settings;
  const resource = key === undefined ? `arn:aws:s3:::${bucket.name}` : `arn:aws:s3:::${bucket.name}/${key}`;
  const policy = parsePolicy(readBucketConfig(store, bucket.name, 'policy'));
  let allowed = false;
  if (policy) {
    const verdict = evaluatePolicy(policy, action, resource, request);
    if (verdict === 'deny') return false;
    if (verdict === 'allow' && !(pab.RestrictPublicBuckets && policyIsPublic(policy))) allowed = true;
  }
  if (allowed) return true;
  // ACLs grant nothing while ignored, or disabled by Object Ownership (BucketOwnerEnforced,
  // the default: see acl.ts).
  if (pab.IgnorePublicAcls || !aclsEnabled(store, bucket.name)) return false;
  const permission = aclPermission(action);
  if (!permission) return false;
  if (key === undefined || action === 's3:PutObject' || action === 's3:DeleteObject') {
    if (aclGrantsAllUsers(readBucketConfig(store, bucket.name, 'acl'), permission)) return true;
  }
  if (key !== undefined && objectAcl !== undefined) {
    if (typeof objectAcl === 'string') {
      if (permission === 'READ' && (objectAcl === 'public-read' || objectAcl === 'public-read-write'))
        return true;
    } else if (aclGrantsAllUsers(objectAcl, permission)) return true;
  }
  return false;
}

function aclsEnabled(store: Pick<Store, 'get'>, bucket: string): boolean {
  const setting = readBucketConfig(store, bucket, 'ownership')?.Rules?.[0]?.ObjectOwnership;
  return setting === 'ObjectWriter' || setting === 'BucketOwnerPreferred';
}

/** Which ACL permission an action needs (bucket ACL READ lists, WRITE writes; object READ gets). */
function aclPermission(action: string): string | undefined {
  switch (action) {
    case 's3:ListBucket':
    case 's3:ListBucketVersions':
    case 's3:ListBucketMultipartUploads':
    case 's3:GetObject':
    case 's3:GetObjectVersion':
      return 'READ';
    case 's3:PutObject':
    case 's3:DeleteObject':
      return 'WRITE';
    case 's3:GetBucketAcl':
    case 's3:GetObjectAcl':
      return 'READ_ACP';
    case 's3:PutBucketAcl':
    case 's3:PutObjectAcl':
      return 'WRITE_ACP';
    default:
      return undefined;
  }
}

export function parsePolicy(text: string | undefined): PolicyDocument | undefined {
  if (text === undefined) return undefined;
  try {
    const doc = JSON.parse(text) as unknown;
    return doc && typeof doc === 'object' && !Array.isArray(doc) ? (doc as PolicyDocument) : undefined;
  } catch {
    return undefined;
  }
}

export function statements(policy: PolicyDocument): PolicyStatement[] {
  const s = policy.Statement;
  if (s === undefined) return [];
  return Array.isArray(s) ? s : [s];
}

export function list(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.map(String);
  return [String(value)];
}

/** Does a Principal element name everyone (`"*"`, `{"AWS": "*"}`)? */
export function principalIsEveryone(principal: unknown): boolean {
  if (principal === '*') return true;
  if (principal && typeof principal === 'object' && !Array.isArray(principal)) {
    return list((principal as Record<string, unknown>)['AWS']).includes('*');
  }
  return false;
}

/** Does a statement apply to an anonymous caller? NotPrincipal applies to everyone it does not name. */
function appliesToAnonymous(s: PolicyStatement): boolean {
  if (s.Principal !== undefined) return principalIsEveryone(s.Principal);
  if (s.NotPrincipal !== undefined) return !principalIsEveryone(s.NotPrincipal);
  return false;
}

/** AWS's wildcard match: `*` any run of characters, `?` one character. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

function actionMatches(s: PolicyStatement, action: string): boolean {
  if (s.Action !== undefined) return list(s.Action).some((a) => wildcardMatch(a, action, true));
  if (s.NotAction !== undefined) return !list(s.NotAction).some((a) => wildcardMatch(a, action, true));
  return false;
}

function resourceMatches(s: PolicyStatement, resource: string): boolean {
  if (s.Resource !== undefined) return list(s.Resource).some((r) => wildcardMatch(r, resource));
  if (s.NotResource !== undefined) return !list(s.NotResource).some((r) => wildcardMatch(r, resource));
  return false;
}

/** The policy's verdict for an anonymous request: an explicit deny, an allow, or nothing said. */
export function evaluatePolicy(
  policy: PolicyDocument,
  action: string,
  resource: string,
  request: RequestFacts = {},
): 'allow' | 'deny' | 'none' {
  let allow = false;
  for (const s of statements(policy)) {
    if (!appliesToAnonymous(s) || !actionMatches(s, action) || !resourceMatches(s, resource)) continue;
    if (!conditionsHold(s.Condition, request)) continue;
    if (s.Effect === 'Deny') return 'deny';
    if (s.Effect === 'Allow') allow = true;
  }
  return allow ? 'allow' : 'none';
}

function conditionValue(key: string, request: RequestFacts): string[] | undefined {
  const k = key.toLowerCase();
  if (k === 'aws:sourceip') return request.sourceIp !== undefined ? [request.sourceIp] : undefined;
  if (k === 'aws:securetransport')
    return request.secureTransport !== undefined ? [String(request.secureTransport)] : undefined;
  const v = request.keys?.[k];
  return v === undefined ? undefined : [v];
}

/** Every operator block and every key in it must hold (values within one key are ORed). */
export function conditionsHold(condition: PolicyStatement['Condition'], request: RequestFacts): boolean {
  if (!condition) return true;
  for (const [rawOperator, block] of Object.entries(condition)) {
    if (!block || typeof block !== 'object') return false;
    let operator = rawOperator;
    let setQualifier: 'any' | 'all' | undefined;
    if (operator.startsWith('ForAnyValue:')) {
      setQualifier = 'any';
      operator = operator.slice('ForAnyValue:'.length);
    } else if (operator.startsWith('ForAllValues:')) {
      setQualifier = 'all';
      operator = operator.slice('ForAllValues:'.length);
    }
    const ifExists = operator.endsWith('IfExists');
    if (ifExists) operator = operator.slice(0, -'IfExists'.length);
    for (const [key, expected] of Object.entries(block)) {
      const actual = conditionValue(key, request);
      const wanted = list(expected);
      if (operator === 'Null') {
        const isNull = actual === undefined;
        if (!wanted.some((w) => (w.toLowerCase() === 'true') === isNull)) return false;
        continue;
      }
      if (actual === undefined) {
        if (ifExists || setQualifier === 'all') continue;
        if (operator.startsWith('Not') || /^(String|Arn)Not/.test(operator)) continue;
        return false;
      }
      const test = (value: string) => compare(operator, value, wanted);
      const ok = setQualifier === 'all' ? actual.every(test) : actual.some(test);
      if (!ok) return false;
    }
  }
  return true;
}

function compare(operator: string, actual: string, wanted: string[]): boolean {
  switch (operator) {
    case 'StringEquals':
    case 'ArnEquals':
      return wanted.includes(actual);
    case 'StringNotEquals':
    case 'ArnNotEquals':
      return !wanted.includes(actual);
    case 'StringEqualsIgnoreCase':
      return wanted.some((w) => w.toLowerCase() === actual.toLowerCase());
    case 'StringNotEqualsIgnoreCase':
      return !wanted.some((w) => w.toLowerCase() === actual.toLowerCase());
    case 'StringLike':
    case 'ArnLike':
      return wanted.some((w) => wildcardMatch(w, actual));
    case 'StringNotLike':
    case 'ArnNotLike':
      return !wanted.some((w) => wildcardMatch(w, actual));
    case 'Bool':
      return wanted.some((w) => w.toLowerCase() === actual.toLowerCase());
    case 'IpAddress':
      return wanted.some((w) => ipInCidr(actual, w));
    case 'NotIpAddress':
      return !wanted.some((w) => ipInCidr(actual, w));
    case 'NumericEquals':
      return wanted.some((w) => Number(actual) === Number(w));
    case 'NumericNotEquals':
      return !wanted.some((w) => Number(actual) === Number(w));
    case 'NumericLessThan':
      return wanted.some((w) => Number(actual) < Number(w));
    case 'NumericLessThanEquals':
      return wanted.some((w) => Number(actual) <= Number(w));
    case 'NumericGreaterThan':
      return wanted.some((w) => Number(actual) > Number(w));
    case 'NumericGreaterThanEquals':
      return wanted.some((w) => Number(actual) >= Number(w));
    default:
      // An operator this simulation does not evaluate never grants (and never denies) by accident.
      return false;
  }
}

/** The address as a bigint with its width, or undefined when it is not an IP address. */
function parseIp(text: string): { value: bigint; bits: 32 | 128 } | undefined {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const parts = v4.slice(1).map(Number);
    if (parts.some((p) => p > 255)) return undefined;
    return { value: parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n), bits: 32 };
  }
  let s = text.toLowerCase();
  const mapped = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (mapped) {
    const tail = parseIp(mapped[2]!);
    if (!tail) return undefined;
    s = `${mapped[1]}${(tail.value >> 16n).toString(16)}:${(tail.value & 0xffffn).toString(16)}`;
  }
  if (!/^[0-9a-f:]+$/.test(s)) return undefined;
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return { value: groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n), bits: 128 };
}

/** Is `ip` inside `cidr` (an address alone is a /32 or /128)? */
export function ipInCidr(ip: string, cidr: string): boolean {
  const [base, lengthText] = cidr.split('/');
  const addr = parseIp(ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip);
  const net = parseIp(base ?? '');
  if (!addr || !net || addr.bits !== net.bits) return false;
  const length = lengthText === undefined ? net.bits : Number(lengthText);
  if (!Number.isInteger(length) || length < 0 || length > net.bits) return false;
  const shift = BigInt(net.bits - length);
  return addr.value >> shift === net.value >> shift;
}

/** Condition keys whose fixed values make a statement non-public (AWS's "public" rules). */
const RESTRICTING_KEYS = new Set([
  'aws:sourceip',
  'aws:sourcearn',
  'aws:sourcevpc',
  'aws:sourcevpce',
  'aws:sourceaccount',
  'aws:sourceowner',
  'aws:principalaccount',
  'aws:principalarn',
  'aws:principalorgid',
  'aws:userid',
  's3:dataaccesspointaccount',
]);

/**
 * Is the policy public? A statement is, when it allows everyone without pinning the caller to
 * fixed values of a restricting key (an IP range other than everything, a VPC, an account…).
 */
export function policyIsPublic(policy: PolicyDocument): boolean {
  return statements(policy).some((s) => {
    if (s.Effect !== 'Allow') return false;
    const everyone =
      s.Principal !== undefined ? principalIsEveryone(s.Principal) : s.NotPrincipal !== undefined;
    if (!everyone) return false;
    for (const [operator, block] of Object.entries(s.Condition ?? {})) {
      if (!block || typeof block !== 'object') continue;
      if (/Not|IfExists/.test(operator) && !/^ForAllValues/.test(operator)) continue;
      for (const [key, value] of Object.entries(block)) {
        if (!RESTRICTING_KEYS.has(key.toLowerCase())) continue;
        const values = list(value);
        if (values.length === 0) continue;
        const wide = values.some((v) =>
          key.toLowerCase() === 'aws:sourceip' ? /\/0$/.test(v) : v.includes('*') || v.includes('?'),
        );
        if (!wide) return false;
      }
    }
    return true;
  });
}
