/**
 * IPv4 addresses and CIDR blocks: parsing, containment, overlap, and the addresses a subnet
 * can hand out (AWS reserves the first four and the last address of every subnet).
 */
import { intToIp, ipToInt, prefixMask } from '../../contract/ipv4';

export { intToIp, ipToInt };

export interface Cidr {
  /** Network address as an unsigned 32-bit integer. */
  base: number;
  prefix: number;
}

/** Parses "10.0.0.0/16"; null if malformed or if host bits are set (AWS refuses those). */
export function parseCidr(text: string): Cidr | null {
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d{1,2})$/.exec(text.trim());
  if (!m) return null;
  const ip = ipToInt(m[1]!);
  const prefix = Number(m[2]);
  if (ip === null || prefix > 32) return null;
  const base = (ip & prefixMask(prefix)) >>> 0;
  if (base !== ip) return null;
  return { base, prefix };
}

export function formatCidr(c: Cidr): string {
  return `${intToIp(c.base)}/${c.prefix}`;
}

export function size(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

export function contains(outer: Cidr, inner: Cidr): boolean {
  return inner.prefix >= outer.prefix && (inner.base & prefixMask(outer.prefix)) >>> 0 === outer.base;
}

export function containsIp(c: Cidr, ip: number): boolean {
  return (ip & prefixMask(c.prefix)) >>> 0 === c.base;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return contains(a, b) || contains(b, a);
}

/** Addresses EC2 can assign in a subnet: all but the network address, the next three, and the last. */
export function assignableRange(c: Cidr): { first: number; last: number; count: number } {
  const first = c.base + 4;
  const last = c.base + size(c) - 2;
  return { first, last, count: Math.max(0, last - first + 1) };
}

/** The n-th /prefix block inside `outer` (for carving default subnets). */
export function subBlock(outer: Cidr, prefix: number, index: number): Cidr {
  return { base: (outer.base + index * 2 ** (32 - prefix)) >>> 0, prefix };
}
