/**
 * What Route 53 checks in one record set before it looks at the zone: the name, the type, the
 * choice between TTL + ResourceRecords and AliasTarget, TTL range, the routing policy fields and
 * the syntax of each value. Syntax problems read as Route 53 prints them inside InvalidChangeBatch
 * (`Invalid Resource Record: 'FATAL problem: … encountered with '…''`); missing or conflicting
 * fields are InvalidInput, as Route 53 answers them.
 */
import type { Change, ResourceRecordSet } from '@aws-sdk/client-route-53';
import { invalidInput } from './errors';
import { bareHealthCheckId, bareZoneId, canonicalName, fatal, type NameProblem } from './names';

export const RECORD_TYPES = [
  'A',
  'AAAA',
  'CAA',
  'CNAME',
  'DS',
  'HTTPS',
  'MX',
  'NAPTR',
  'NS',
  'PTR',
  'SOA',
  'SPF',
  'SRV',
  'SSHFP',
  'SVCB',
  'TLSA',
  'TXT',
] as const;

export const CONTINENTS = ['AF', 'AN', 'AS', 'EU', 'OC', 'NA', 'SA'];
export const MAX_TTL = 2147483647;

/** `[Action=CREATE, Name=x., Type=A, SetIdentifier=null]`, how InvalidInput names a change. */
export function describeChange(change: Change): string {
  const rs = change.ResourceRecordSet;
  return `[Action=${change.Action}, Name=${rs?.Name}, Type=${rs?.Type}, SetIdentifier=${rs?.SetIdentifier ?? 'null'}]`;
}

function badRecord(problem: NameProblem, value: string): string {
  return `Invalid Resource Record: '${fatal(problem, value)}'`;
}

/** Route 53's order of keys, and canonical spellings, so stored sets compare and list the same. */
export function canonicalRecordSet(rs: ResourceRecordSet, name: string): ResourceRecordSet {
  const out: ResourceRecordSet = { Name: name, Type: rs.Type };
  if (rs.SetIdentifier !== undefined) out.SetIdentifier = rs.SetIdentifier;
  if (rs.Weight !== undefined) out.Weight = Number(rs.Weight);
  if (rs.Region !== undefined) out.Region = rs.Region;
  if (rs.GeoLocation !== undefined) {
    const g = rs.GeoLocation;
    out.GeoLocation = {
      ...(g.ContinentCode !== undefined ? { ContinentCode: g.ContinentCode } : {}),
      ...(g.CountryCode !== undefined ? { CountryCode: g.CountryCode } : {}),
      ...(g.SubdivisionCode !== undefined ? { SubdivisionCode: g.SubdivisionCode } : {}),
    };
  }
  if (rs.Failover !== undefined) out.Failover = rs.Failover;
  if (rs.MultiValueAnswer !== undefined) out.MultiValueAnswer = rs.MultiValueAnswer;
  if (rs.TTL !== undefined) out.TTL = Number(rs.TTL);
  if (rs.ResourceRecords !== undefined)
    out.ResourceRecords = rs.ResourceRecords.map((r) => ({ Value: r.Value }));
  if (rs.AliasTarget !== undefined) {
    const target = canonicalName(rs.AliasTarget.DNSName ?? '');
    out.AliasTarget = {
      HostedZoneId: bareZoneId(rs.AliasTarget.HostedZoneId ?? ''),
      DNSName: 'name' in target ? target.name : (rs.AliasTarget.DNSName ?? ''),
      EvaluateTargetHealth: rs.AliasTarget.EvaluateTargetHealth === true,
    };
  }
  if (rs.HealthCheckId !== undefined) out.HealthCheckId = bareHealthCheckId(rs.HealthCheckId);
  return out;
}

/** The routing policy a set uses, by the field that selects it ('simple' without one). */
export function policyOf(rs: ResourceRecordSet): string {
  if (rs.Weight !== undefined) return 'weighted';
  if (rs.Region !== undefined) return 'latency';
  if (rs.Failover !== undefined) return 'failover';
  if (rs.GeoLocation !== undefined) return 'geolocation';
  if (rs.MultiValueAnswer !== undefined) return 'multivalue answer';
  return 'simple';
}

/**
 * Checks that stop the request before anything else (InvalidInput, thrown): field combinations
 * and ranges. `index` is the change's 1-based position, for the validation message.
 */
export function checkFields(change: Change, index: number, regions: readonly string[]): void {
  const rs = change.ResourceRecordSet;
  const where = `changeBatch.changes.${index}.member.resourceRecordSet`;
  if (!change.Action || !['CREATE', 'DELETE', 'UPSERT'].includes(change.Action))
    throw invalidInput(
      `Invalid XML ; cvc-enumeration-valid: Value '${change.Action ?? ''}' is not facet-valid with respect to enumeration '[CREATE, DELETE, UPSERT]'. It must be a value from the enumeration.`,
    );
  if (!rs?.Name || !rs.Type)
    throw invalidInput(
      `Invalid request: Missing field 'Name' or 'Type' in Change with ${describeChange(change)}`,
    );
  if (!(RECORD_TYPES as readonly string[]).includes(rs.Type))
    throw invalidInput(
      `1 validation error detected: Value '${rs.Type}' at '${where}.type' failed to satisfy constraint: Member must satisfy enum value set: [${RECORD_TYPES.join(', ')}]`,
    );
  const hasRecords = rs.ResourceRecords !== undefined || rs.TTL !== undefined;
  const hasAlias = rs.AliasTarget !== undefined;
  if (hasRecords && hasAlias)
    throw invalidInput(
      `Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found more than one in Change with ${describeChange(change)}`,
    );
  if (!hasAlias && (rs.ResourceRecords === undefined || rs.TTL === undefined))
    throw invalidInput(
      rs.ResourceRecords === undefined && rs.TTL === undefined
        ? `Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found none in Change with ${describeChange(change)}`
        : `Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found ${rs.TTL === undefined ? 'ResourceRecords without TTL' : 'TTL without ResourceRecords'} in Change with ${describeChange(change)}`,
    );
  if (rs.TTL !== undefined) {
    const ttl = Number(rs.TTL);
    if (!Number.isInteger(ttl) || ttl < 0)
      throw invalidInput(
        `1 validation error detected: Value '${rs.TTL}' at '${where}.tTL' failed to satisfy constraint: Member must have value greater than or equal to 0`,
      );
    if (ttl > MAX_TTL)
      throw invalidInput(
        `1 validation error detected: Value '${rs.TTL}' at '${where}.tTL' failed to satisfy constraint: Member must have value less than or equal to ${MAX_TTL}`,
      );
  }
  if (rs.ResourceRecords !== undefined && rs.ResourceRecords.length === 0)
    throw invalidInput(
      `1 validation error detected: Value '[]' at '${where}.resourceRecords' failed to satisfy constraint: Member must have length greater than or equal to 1`,
    );
  const policies = [
    rs.Weight !== undefined && 'Weight',
    rs.Region !== undefined && 'Region',
    rs.Failover !== undefined && 'Failover',
    rs.GeoLocation !== undefined && 'GeoLocation',
    rs.MultiValueAnswer !== undefined && 'MultiValueAnswer',
  ].filter(Boolean);
  const list =
    '[Weight, Region, Failover, GeoLocation, MultiValueAnswer, GeoProximityLocation, or CidrRoutingConfig]';
  if (policies.length > 1)
    throw invalidInput(
      `Invalid request: Expected exactly one of ${list}, but found more than one in Change with ${describeChange(change)}`,
    );
  if (policies.length === 1 && rs.SetIdentifier === undefined)
    throw invalidInput(
      `Invalid request: Missing field 'SetIdentifier' in Change with ${describeChange(change)}`,
    );
  if (policies.length === 0 && rs.SetIdentifier !== undefined)
    throw invalidInput(
      `Invalid request: Expected exactly one of ${list}, but found none in Change with ${describeChange(change)}`,
    );
  if (rs.SetIdentifier !== undefined && (rs.SetIdentifier.length < 1 || rs.SetIdentifier.length > 128))
    throw invalidInput(
      `1 validation error detected: Value '${rs.SetIdentifier}' at '${where}.setIdentifier' failed to satisfy constraint: Member must have length less than or equal to 128`,
    );
  if (rs.Weight !== undefined) {
    const w = Number(rs.Weight);
    if (!Number.isInteger(w) || w < 0 || w > 255)
      throw invalidInput(
        `1 validation error detected: Value '${rs.Weight}' at '${where}.weight' failed to satisfy constraint: Member must have value ${w < 0 ? 'greater than or equal to 0' : 'less than or equal to 255'}`,
      );
  }
  if (rs.Region !== undefined && !regions.includes(rs.Region))
    throw invalidInput(
      `1 validation error detected: Value '${rs.Region}' at '${where}.region' failed to satisfy constraint: Member must satisfy enum value set: [${regions.join(', ')}]`,
    );
  if (rs.Failover !== undefined && rs.Failover !== 'PRIMARY' && rs.Failover !== 'SECONDARY')
    throw invalidInput(
      `1 validation error detected: Value '${rs.Failover}' at '${where}.failover' failed to satisfy constraint: Member must satisfy enum value set: [PRIMARY, SECONDARY]`,
    );
  if (rs.GeoLocation !== undefined) {
    const g = rs.GeoLocation;
    const ok =
      g.ContinentCode !== undefined && g.CountryCode === undefined && g.SubdivisionCode === undefined
        ? CONTINENTS.includes(g.ContinentCode)
        : g.ContinentCode === undefined &&
          g.CountryCode !== undefined &&
          (g.CountryCode === '*' || /^[A-Z]{2}$/.test(g.CountryCode)) &&
          (g.SubdivisionCode === undefined ||
            (g.CountryCode !== '*' && /^[A-Z0-9]{1,3}$/.test(g.SubdivisionCode)));
    if (!ok)
      throw invalidInput(
        `Invalid request: Value for GeoLocation is not valid: ${JSON.stringify(g)} in Change with ${describeChange(change)}`,
      );
  }
  if (hasAlias && (!rs.AliasTarget!.HostedZoneId || !rs.AliasTarget!.DNSName))
    throw invalidInput(
      `Invalid request: Missing field 'HostedZoneId' or 'DNSName' in AliasTarget in Change with ${describeChange(change)}`,
    );
}

/** Value syntax problems of one set, in Route 53's words (InvalidChangeBatch messages). */
export function valueProblems(rs: ResourceRecordSet): string[] {
  const out: string[] = [];
  const values = (rs.ResourceRecords ?? []).map((r) => r.Value ?? '');
  if (rs.Type === 'CNAME' && values.length > 1)
    out.push(`RRSet of type CNAME with DNS name ${rs.Name} has more than one resource record`);
  if (rs.Type === 'SOA' && values.length > 1)
    out.push(`RRSet of type SOA with DNS name ${rs.Name} has more than one resource record`);
  for (const value of values) {
    const problem = valueProblem(rs.Type!, value);
    if (problem) out.push(badRecord(problem, value));
  }
  return out;
}

function hostProblem(host: string): NameProblem | undefined {
  const r = canonicalName(host);
  return 'problem' in r ? r.problem : undefined;
}

const uint = (s: string | undefined, max: number) => s !== undefined && /^\d+$/.test(s) && Number(s) <= max;

/** The syntax problem of one value of a type, if any. */
export function valueProblem(type: string, value: string): NameProblem | undefined {
  const fields = value.trim().split(/\s+/);
  switch (type) {
    case 'A':
      return IPV4.test(value)
        ? undefined
        : { code: 'ARRDATAIllegalIPv4Address', text: 'Value is not a valid IPv4 address' };
    case 'AAAA':
      return isIPv6(value)
        ? undefined
        : { code: 'AAAARRDATAIllegalIPv6Address', text: 'Value is not a valid IPv6 address' };
    case 'CNAME':
    case 'NS':
    case 'PTR':
      if (value.trim() === '' || /\s/.test(value.trim()))
        return { code: 'DomainNameInvalid', text: 'Value is not a valid domain name' };
      return hostProblem(value.trim());
    case 'MX':
      if (fields.length !== 2)
        return { code: 'MXRRDATAIncorrectFieldCount', text: 'MX record must have 2 fields' };
      if (!uint(fields[0], 65535))
        return { code: 'MXRRDATAIllegalPreference', text: 'Preference must be 0 to 65535' };
      return hostProblem(fields[1]!);
    case 'SRV':
      if (fields.length !== 4)
        return { code: 'SRVRRDATAIncorrectFieldCount', text: 'SRV record must have 4 fields' };
      if (!uint(fields[0], 65535))
        return { code: 'SRVRRDATAIllegalPriority', text: 'Priority must be 0 to 65535' };
      if (!uint(fields[1], 65535))
        return { code: 'SRVRRDATAIllegalWeight', text: 'Weight must be 0 to 65535' };
      if (!uint(fields[2], 65535)) return { code: 'SRVRRDATAIllegalPort', text: 'Port must be 0 to 65535' };
      return hostProblem(fields[3]!);
    case 'TXT':
    case 'SPF':
      return characterStrings(value);
    case 'CAA': {
      const m = /^(\d+)\s+([A-Za-z0-9]+)\s+(.+)$/.exec(value.trim());
      if (!m) return { code: 'CAARRDATAIncorrectFieldCount', text: 'CAA record must have 3 fields' };
      if (!uint(m[1], 255)) return { code: 'CAARRDATAIllegalFlags', text: 'Flags must be 0 to 255' };
      return characterStrings(m[3]!);
    }
    case 'SOA':
      if (fields.length !== 7)
        return { code: 'SOARRDATAIncorrectFieldCount', text: 'SOA record must have 7 fields' };
      if (!fields.slice(2).every((f) => uint(f, 4294967295)))
        return { code: 'SOARRDATAIllegalNumber', text: 'SOA numbers must be 0 to 4294967295' };
      return hostProblem(fields[0]!) ?? hostProblem(fields[1]!);
    default:
      return value.trim() === '' ? { code: 'DomainNameEmpty', text: 'Value is empty' } : undefined;
  }
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** An IPv6 address in any of its text forms (`::` once, an IPv4 tail). */
export function isIPv6(value: string): boolean {
  let s = value;
  let groups = 8;
  const tail = /:(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (tail) {
    if (!IPV4.test(tail[1]!)) return false;
    s = `${s.slice(0, tail.index)}:0`;
    groups = 7;
    s = s.slice(0, -2);
    if (s.endsWith(':') && !s.endsWith('::')) return false;
  }
  const parts = s.split('::');
  if (parts.length > 2) return false;
  const group = /^[0-9a-fA-F]{1,4}$/;
  const split = (p: string) => (p === '' ? [] : p.split(':'));
  const head = split(parts[0]!);
  const rest = parts.length === 2 ? split(parts[1]!) : [];
  if (![...head, ...rest].every((g) => group.test(g))) return false;
  const count = head.length + rest.length;
  return parts.length === 2 ? count < groups : count === groups;
}

/** One or more `"quoted"` character strings, each at most 255 characters once unescaped. */
export function characterStrings(value: string): NameProblem | undefined {
  let i = 0;
  const s = value.trim();
  if (s === '')
    return { code: 'InvalidCharacterString', text: 'Value should be enclosed in quotation marks' };
  while (i < s.length) {
    if (s[i] !== '"')
      return { code: 'InvalidCharacterString', text: 'Value should be enclosed in quotation marks' };
    i++;
    let length = 0;
    let closed = false;
    while (i < s.length) {
      const c = s[i]!;
      if (c === '\\') {
        i += /^[0-9]{3}$/.test(s.slice(i + 1, i + 4)) ? 4 : 2;
      } else if (c === '"') {
        closed = true;
        i++;
        break;
      } else i++;
      length++;
    }
    if (!closed)
      return { code: 'InvalidCharacterString', text: 'Value should be enclosed in quotation marks' };
    if (length > 255) return { code: 'CharacterStringTooLong', text: 'Value is too long' };
    while (i < s.length && /\s/.test(s[i]!)) i++;
  }
  return undefined;
}
