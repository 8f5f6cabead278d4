/**
 * Security group rules as the console edits them: the rule types the console offers (SSH, HTTP,
 * Custom TCP…), editor rows and their validation, the IpPermissions EC2 takes, and the diff
 * between a group's rules and the edited rows. Pure functions, no Svelte.
 */
import type { IpPermission, SecurityGroup, SecurityGroupRule } from '@aws-sdk/client-ec2';
import { intToIp, ipToInt, prefixMask } from '../../../../../electron/contract/ipv4';
import { LEARNER_CIDR } from '../../../../../electron/contract/learner';

/** Cloud Lab cannot know the user's real address: "My IP" uses one reserved for documentation. */
export const MY_IP = LEARNER_CIDR;

export type Direction = 'inbound' | 'outbound';

export type RuleTypeId =
  | 'custom-tcp'
  | 'custom-udp'
  | 'custom-icmp'
  | 'all-tcp'
  | 'all-udp'
  | 'all-icmp'
  | 'all-icmpv6'
  | 'all'
  | 'ssh'
  | 'http'
  | 'https'
  | 'rdp'
  | 'mysql'
  | 'postgres'
  | 'dns-udp'
  | 'custom-protocol';

export interface RulePreset {
  id: RuleTypeId;
  label: string;
  /** EC2's IpProtocol: tcp, udp, icmp, icmpv6, or -1 for all. */
  protocol: string;
  /** Fixed ports (ICMP: type and code, -1 for all); undefined when the user picks them. */
  ports?: [number, number];
}

/** The types the editor offers, in the console's order. */
export const PRESETS: RulePreset[] = [
  { id: 'custom-tcp', label: 'Custom TCP', protocol: 'tcp' },
  { id: 'custom-udp', label: 'Custom UDP', protocol: 'udp' },
  { id: 'custom-icmp', label: 'Custom ICMP - IPv4', protocol: 'icmp' },
  { id: 'all-tcp', label: 'All TCP', protocol: 'tcp', ports: [0, 65535] },
  { id: 'all-udp', label: 'All UDP', protocol: 'udp', ports: [0, 65535] },
  { id: 'all-icmp', label: 'All ICMP - IPv4', protocol: 'icmp', ports: [-1, -1] },
  { id: 'all-icmpv6', label: 'All ICMP - IPv6', protocol: 'icmpv6', ports: [-1, -1] },
  { id: 'all', label: 'All traffic', protocol: '-1' },
  { id: 'ssh', label: 'SSH', protocol: 'tcp', ports: [22, 22] },
  { id: 'http', label: 'HTTP', protocol: 'tcp', ports: [80, 80] },
  { id: 'https', label: 'HTTPS', protocol: 'tcp', ports: [443, 443] },
  { id: 'rdp', label: 'RDP', protocol: 'tcp', ports: [3389, 3389] },
  { id: 'mysql', label: 'MYSQL/Aurora', protocol: 'tcp', ports: [3306, 3306] },
  { id: 'postgres', label: 'PostgreSQL', protocol: 'tcp', ports: [5432, 5432] },
  { id: 'dns-udp', label: 'DNS (UDP)', protocol: 'udp', ports: [53, 53] },
];

/** Rules the presets cannot express (an ICMPv6 type, say): kept as they are, read-only. */
const CUSTOM_PROTOCOL: RulePreset = { id: 'custom-protocol', label: 'Custom protocol', protocol: '' };

export function presetOf(id: RuleTypeId): RulePreset {
  return PRESETS.find((p) => p.id === id) ?? CUSTOM_PROTOCOL;
}

/** ICMP types by number, as the console names them. */
export const ICMP_TYPES: Array<[number, string]> = [
  [0, 'Echo Reply'],
  [3, 'Destination Unreachable'],
  [4, 'Source Quench'],
  [5, 'Redirect Message'],
  [8, 'Echo Request'],
  [9, 'Router Advertisement'],
  [10, 'Router Solicitation'],
  [11, 'Time Exceeded'],
  [12, 'Parameter Problem: Bad IP header'],
  [13, 'Timestamp'],
  [14, 'Timestamp Reply'],
  [15, 'Information Request'],
  [16, 'Information Reply'],
  [17, 'Address Mask Request'],
  [18, 'Address Mask Reply'],
];

function icmpTypeName(type: number): string {
  return ICMP_TYPES.find(([n]) => n === type)?.[1] ?? `Type ${type}`;
}

// ---- reading rules ----------------------------------------------------------------------------

/** Protocol and ports as EC2 means them: no ports for "all", -1 meaning "all" for ICMP. */
interface Traffic {
  protocol: string;
  fromPort?: number;
  toPort?: number;
}

function trafficOf(rule: Pick<SecurityGroupRule, 'IpProtocol' | 'FromPort' | 'ToPort'>): Traffic {
  const protocol = (rule.IpProtocol ?? '-1').toLowerCase();
  if (protocol === '-1') return { protocol };
  return { protocol, fromPort: rule.FromPort ?? -1, toPort: rule.ToPort ?? -1 };
}

/** The console's name for a rule's traffic: SSH for TCP 22, Custom TCP for TCP 8080… */
export function ruleTypeOf(rule: Pick<SecurityGroupRule, 'IpProtocol' | 'FromPort' | 'ToPort'>): RuleTypeId {
  const t = trafficOf(rule);
  if (t.protocol === '-1') return 'all';
  const fixed = PRESETS.find(
    (p) => p.ports && p.protocol === t.protocol && p.ports[0] === t.fromPort && p.ports[1] === t.toPort,
  );
  if (fixed) return fixed.id;
  if (t.protocol === 'tcp') return 'custom-tcp';
  if (t.protocol === 'udp') return 'custom-udp';
  if (t.protocol === 'icmp' && t.fromPort !== -1 && t.toPort === -1) return 'custom-icmp';
  return 'custom-protocol';
}

export function typeLabel(rule: SecurityGroupRule): string {
  return presetOf(ruleTypeOf(rule)).label;
}

const PROTOCOL_NAMES: Record<string, string> = {
  '-1': 'All',
  tcp: 'TCP',
  udp: 'UDP',
  icmp: 'ICMP',
  icmpv6: 'ICMPv6',
};

function protocolName(protocol: string): string {
  return PROTOCOL_NAMES[protocol] ?? protocol.toUpperCase();
}

/** The Protocol column: TCP, UDP, All, or an ICMP type's name for Custom ICMP. */
export function protocolLabel(rule: SecurityGroupRule): string {
  const t = trafficOf(rule);
  if (ruleTypeOf(rule) === 'custom-icmp') return icmpTypeName(t.fromPort ?? -1);
  return protocolName(t.protocol);
}

function portsText(t: Traffic): string {
  if (t.protocol === '-1') return 'All';
  if (t.protocol === 'icmp' || t.protocol === 'icmpv6') {
    if (t.fromPort === -1) return 'All';
    return t.toPort === -1 ? 'N/A' : String(t.toPort);
  }
  return t.fromPort === t.toPort ? String(t.fromPort) : `${t.fromPort} - ${t.toPort}`;
}

/** The Port range column: 22, 8000 - 8080, All, or N/A for an ICMP type without a code. */
export function portRangeLabel(rule: SecurityGroupRule): string {
  return portsText(trafficOf(rule));
}

export function ipVersionOf(rule: SecurityGroupRule): string {
  if (rule.CidrIpv4) return 'IPv4';
  if (rule.CidrIpv6) return 'IPv6';
  return '–';
}

/** Where a rule lets traffic from (inbound) or to (outbound). */
export function peerOf(rule: SecurityGroupRule): string {
  return rule.CidrIpv4 ?? rule.CidrIpv6 ?? rule.PrefixListId ?? rule.ReferencedGroupInfo?.GroupId ?? '';
}

export function isEgress(rule: SecurityGroupRule): boolean {
  return rule.IsEgress === true;
}

/** Rules of a group as IpPermissions hold them: one per address range or referenced group. */
export function countPermissions(permissions: IpPermission[] | undefined): number {
  return (permissions ?? []).reduce(
    (n, p) =>
      n +
      (p.IpRanges?.length ?? 0) +
      (p.Ipv6Ranges?.length ?? 0) +
      (p.PrefixListIds?.length ?? 0) +
      (p.UserIdGroupPairs?.length ?? 0),
    0,
  );
}

// ---- editor rows ------------------------------------------------------------------------------

export type PeerType = 'custom' | 'anywhere-ipv4' | 'anywhere-ipv6' | 'my-ip' | 'security-group';

export const PEER_TYPES: Array<{ id: PeerType; label: string }> = [
  { id: 'custom', label: 'Custom' },
  { id: 'anywhere-ipv4', label: 'Anywhere-IPv4' },
  { id: 'anywhere-ipv6', label: 'Anywhere-IPv6' },
  { id: 'my-ip', label: 'My IP' },
  { id: 'security-group', label: 'Security group' },
];

/** One row of the rules editor. */
export interface RuleRow {
  /** Stable key for the UI. */
  key: string;
  /** The rule this row was read from, when editing existing rules. */
  ruleId?: string;
  type: RuleTypeId;
  /** Port or range typed for Custom TCP/UDP: "8080" or "8000-8090". */
  ports: string;
  /** ICMP type number for Custom ICMP. */
  icmpType: string;
  /** Protocol and ports kept from a rule the presets cannot express. */
  custom?: Traffic;
  peerType: PeerType;
  /** CIDR block (or prefix list ID) typed for a Custom peer. */
  cidr: string;
  /** Referenced group for a Security group peer. */
  groupId: string;
  description: string;
}

let nextKey = 1;
function key(): string {
  return `row-${nextKey++}`;
}

export function newRow(type: RuleTypeId = 'custom-tcp'): RuleRow {
  return {
    key: key(),
    type,
    ports: '',
    icmpType: '8',
    peerType: 'custom',
    cidr: '',
    groupId: '',
    description: '',
  };
}

/** The rule every new group starts with: all traffic out to anywhere. */
export function defaultOutboundRow(): RuleRow {
  return { ...newRow('all'), peerType: 'anywhere-ipv4' };
}

/** An editor row showing an existing rule. */
export function rowFromRule(rule: SecurityGroupRule): RuleRow {
  const type = ruleTypeOf(rule);
  const t = trafficOf(rule);
  const row: RuleRow = {
    ...newRow(type),
    ruleId: rule.SecurityGroupRuleId,
    description: rule.Description ?? '',
  };
  if (type === 'custom-tcp' || type === 'custom-udp') row.ports = portsText(t).replace(' - ', '-');
  if (type === 'custom-icmp') row.icmpType = String(t.fromPort);
  if (type === 'custom-protocol') row.custom = t;
  if (rule.ReferencedGroupInfo?.GroupId) {
    row.peerType = 'security-group';
    row.groupId = rule.ReferencedGroupInfo.GroupId;
  } else if (rule.CidrIpv4 === '0.0.0.0/0') {
    row.peerType = 'anywhere-ipv4';
  } else if (rule.CidrIpv6 === '::/0') {
    row.peerType = 'anywhere-ipv6';
  } else {
    row.cidr = peerOf(rule);
  }
  return row;
}

/** Change a row's type, keeping what still applies. */
export function withType(row: RuleRow, type: RuleTypeId): RuleRow {
  const custom = type === 'custom-tcp' || type === 'custom-udp';
  const wasCustom = row.type === 'custom-tcp' || row.type === 'custom-udp';
  return { ...row, type, ports: custom && wasCustom ? row.ports : '', custom: undefined };
}

/** The protocol a row's type stands for, as the read-only Protocol field shows it. */
export function rowProtocolLabel(row: RuleRow): string {
  if (row.type === 'custom-protocol') return protocolName(row.custom?.protocol ?? '');
  return protocolName(presetOf(row.type).protocol);
}

/** Port range text for a type whose ports are fixed. */
export function rowFixedPorts(row: RuleRow): string {
  if (row.type === 'custom-protocol' && row.custom) return portsText(row.custom);
  if (row.type === 'custom-icmp') return 'N/A';
  const p = presetOf(row.type);
  return portsText({ protocol: p.protocol, fromPort: p.ports?.[0], toPort: p.ports?.[1] });
}

export function hasEditablePorts(row: RuleRow): boolean {
  return row.type === 'custom-tcp' || row.type === 'custom-udp';
}

/** What the peer resolves to: a CIDR block, a prefix list or a group ID. */
export function rowPeer(row: RuleRow): string {
  switch (row.peerType) {
    case 'anywhere-ipv4':
      return '0.0.0.0/0';
    case 'anywhere-ipv6':
      return '::/0';
    case 'my-ip':
      return MY_IP;
    case 'security-group':
      return row.groupId;
    default:
      return row.cidr.trim();
  }
}

// ---- validation -------------------------------------------------------------------------------

export interface RowErrors {
  ports?: string;
  peer?: string;
  description?: string;
  /** Problems of the row as a whole (a duplicate). */
  row?: string;
}

function parsePorts(text: string): [number, number] | null {
  const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(text);
  if (!m) return null;
  return [Number(m[1]), Number(m[2] ?? m[1])];
}

/** Why a CIDR block is not valid for EC2, or null if it is. */
export function cidrError(text: string): string | null {
  const value = text.trim();
  if (value.includes(':')) {
    const m = /^([0-9a-fA-F:]+)\/(\d{1,3})$/.exec(value);
    if (!m || Number(m[2]) > 128 || !/^[0-9a-fA-F]{0,4}(:[0-9a-fA-F]{0,4}){2,7}$/.test(m[1]!)) {
      return `${value} is not a valid IPv6 CIDR block, such as 2001:db8::/32.`;
    }
    return null;
  }
  const m = /^(\d+\.\d+\.\d+\.\d+)(?:\/(\d{1,2}))?$/.exec(value);
  const ip = m ? ipToInt(m[1]!) : null;
  if (!m || ip === null) return `${value} is not a valid CIDR block, such as 10.0.0.0/16 or 203.0.113.5/32.`;
  if (m[2] === undefined) return `Add a prefix length: ${value}/32 is this one address.`;
  const prefix = Number(m[2]);
  if (prefix > 32) return `The prefix length of an IPv4 CIDR block is at most 32.`;
  const base = (ip & prefixMask(prefix)) >>> 0;
  if (base !== ip) return `${value} has host bits set: the block is ${intToIp(base)}/${prefix}.`;
  return null;
}

const TEXT_CHARS = /^[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]*$/;
export const TEXT_RULE = 'letters, numbers, spaces and ._-:/()#,@[]+=&;{}!$*';

/** Whether EC2 accepts this as a group name or description (ASCII letters, digits and ._-:/()#,@[]+=&;{}!$*). */
export function isValidGroupText(text: string): boolean {
  return TEXT_CHARS.test(text);
}

/**
 * What is wrong with each row, by row key. `complete` asks for every field to be filled (on
 * submit); without it only what the user typed is checked, so a new row is not red at once.
 */
export function validateRows(
  rows: RuleRow[],
  options: { complete: boolean; groupIds?: string[] },
): Record<string, RowErrors> {
  const result: Record<string, RowErrors> = {};
  const seen = new Map<string, number>();
  rows.forEach((row, index) => {
    const errors: RowErrors = {};
    if (hasEditablePorts(row)) {
      const ports = parsePorts(row.ports);
      if (!row.ports.trim()) {
        if (options.complete) errors.ports = 'Enter a port or a range, such as 8080 or 8000-8090.';
      } else if (!ports) {
        errors.ports = 'Enter a port or a range, such as 8080 or 8000-8090.';
      } else if (ports[0] > 65535 || ports[1] > 65535) {
        errors.ports = 'Ports are numbers from 0 to 65535.';
      } else if (ports[0] > ports[1]) {
        errors.ports = 'The first port of a range must not be greater than the last.';
      }
    }
    if (row.peerType === 'custom') {
      const cidr = row.cidr.trim();
      if (!cidr) {
        if (options.complete) errors.peer = 'Enter a CIDR block, such as 10.0.0.0/16.';
      } else if (!/^pl-[0-9a-f]+$/.test(cidr)) {
        const problem = cidrError(cidr);
        if (problem) errors.peer = problem;
      }
    } else if (row.peerType === 'security-group') {
      if (!row.groupId) {
        if (options.complete) errors.peer = 'Choose a security group.';
      } else if (options.groupIds && !options.groupIds.includes(row.groupId)) {
        errors.peer = `${row.groupId} is not a security group of this VPC.`;
      }
    }
    if (row.description.length > 255) errors.description = 'Descriptions are at most 255 characters long.';
    else if (!isValidGroupText(row.description)) errors.description = `Use only ${TEXT_RULE}`;
    if (!errors.ports && !errors.peer) {
      const id = ruleIdentity(row);
      const earlier = seen.get(id);
      if (earlier !== undefined) errors.row = `This rule is the same as rule ${earlier + 1}.`;
      else seen.set(id, index);
    }
    if (Object.keys(errors).length > 0) result[row.key] = errors;
  });
  return result;
}

// ---- writing rules ----------------------------------------------------------------------------

function rowTraffic(row: RuleRow): Traffic {
  if (row.type === 'custom-protocol') return row.custom ?? { protocol: '-1' };
  const preset = presetOf(row.type);
  if (preset.protocol === '-1') return { protocol: '-1' };
  if (row.type === 'custom-icmp') return { protocol: 'icmp', fromPort: Number(row.icmpType), toPort: -1 };
  const ports = preset.ports ?? parsePorts(row.ports) ?? [0, 0];
  return { protocol: preset.protocol, fromPort: ports[0], toPort: ports[1] };
}

/** The IpPermission that creates a row's rule. */
export function rowToPermission(row: RuleRow): IpPermission {
  const t = rowTraffic(row);
  const permission: IpPermission = {
    IpProtocol: t.protocol,
    ...(t.fromPort !== undefined ? { FromPort: t.fromPort, ToPort: t.toPort } : {}),
  };
  const description = row.description.trim() ? { Description: row.description.trim() } : {};
  const peer = rowPeer(row);
  if (row.peerType === 'security-group') permission.UserIdGroupPairs = [{ GroupId: peer, ...description }];
  else if (peer.startsWith('pl-')) permission.PrefixListIds = [{ PrefixListId: peer, ...description }];
  else if (peer.includes(':')) permission.Ipv6Ranges = [{ CidrIpv6: peer, ...description }];
  else permission.IpRanges = [{ CidrIp: peer, ...description }];
  return permission;
}

export function rowsToPermissions(rows: RuleRow[]): IpPermission[] {
  return rows.map(rowToPermission);
}

/** The IpPermission that recreates an existing rule (to undo a failed change). */
export function ruleToPermission(rule: SecurityGroupRule): IpPermission {
  const t = trafficOf(rule);
  const description = rule.Description !== undefined ? { Description: rule.Description } : {};
  const permission: IpPermission = {
    IpProtocol: t.protocol,
    ...(t.fromPort !== undefined ? { FromPort: t.fromPort, ToPort: t.toPort } : {}),
  };
  if (rule.ReferencedGroupInfo?.GroupId) {
    permission.UserIdGroupPairs = [{ GroupId: rule.ReferencedGroupInfo.GroupId, ...description }];
  } else if (rule.PrefixListId) {
    permission.PrefixListIds = [{ PrefixListId: rule.PrefixListId, ...description }];
  } else if (rule.CidrIpv6) {
    permission.Ipv6Ranges = [{ CidrIpv6: rule.CidrIpv6, ...description }];
  } else {
    permission.IpRanges = [{ CidrIp: rule.CidrIpv4, ...description }];
  }
  return permission;
}

function identity(t: Traffic, peer: string): string {
  const ports = t.protocol === '-1' ? '' : `${t.fromPort}:${t.toPort}`;
  return `${t.protocol}|${ports}|${peer.toLowerCase()}`;
}

/** What makes two rules the same rule for EC2: traffic and peer (not the description). */
function ruleIdentity(row: RuleRow): string {
  return identity(rowTraffic(row), rowPeer(row));
}

export interface RuleDiff {
  /** Existing rules to revoke (removed, or changed: EC2 cannot edit a rule in place here). */
  revoke: SecurityGroupRule[];
  /** Rows to authorize (new, or the new version of a changed rule). */
  authorize: RuleRow[];
  /** Rules left as they are. */
  unchanged: number;
}

/** What to revoke and authorize to turn one direction's rules into the edited rows. */
export function diffRules(existing: SecurityGroupRule[], rows: RuleRow[]): RuleDiff {
  const full = (id: string, description: string) => `${id}|${description.trim()}`;
  const wanted = new Map<string, RuleRow>();
  for (const row of rows) wanted.set(full(ruleIdentity(row), row.description), row);
  const revoke: SecurityGroupRule[] = [];
  let unchanged = 0;
  for (const rule of existing) {
    const k = full(identity(trafficOf(rule), peerOf(rule)), rule.Description ?? '');
    if (wanted.has(k)) {
      wanted.delete(k);
      unchanged++;
    } else {
      revoke.push(rule);
    }
  }
  return { revoke, authorize: [...wanted.values()], unchanged };
}

/**
 * Rows of a draft carried over to the rules as they are now: rows follow their rule to its new
 * ID (a rule revoked and restored after a failed save), and rules that appeared meanwhile (added
 * from the CLI, say) become rows, so the editor shows everything Save compares with.
 */
export function rebaseRows(
  before: SecurityGroupRule[],
  now: SecurityGroupRule[],
  rows: RuleRow[],
): RuleRow[] {
  const keyOf = (r: SecurityGroupRule) => `${identity(trafficOf(r), peerOf(r))}|${r.Description ?? ''}`;
  const nowByKey = new Map(now.map((r) => [keyOf(r), r]));
  const beforeById = new Map(before.map((r) => [r.SecurityGroupRuleId, r]));
  const known = new Set(before.map(keyOf));
  const carried = rows.map((row) => {
    const old = row.ruleId ? beforeById.get(row.ruleId) : undefined;
    if (!old) return row;
    return { ...row, ruleId: nowByKey.get(keyOf(old))?.SecurityGroupRuleId };
  });
  return [...carried, ...now.filter((r) => !known.has(keyOf(r))).map(rowFromRule)];
}

/** Groups a rule can reference: those of the same VPC, by ID, with their names. */
export function groupsInVpc(groups: SecurityGroup[], vpcId: string | undefined): SecurityGroup[] {
  return groups
    .filter((g) => g.VpcId === vpcId)
    .sort((a, b) => (a.GroupName ?? '').localeCompare(b.GroupName ?? ''));
}
