/**
 * DNS names as the resolver compares them: lower case, fully qualified with the trailing dot,
 * with Route 53's escapes (`\052` for a `*` label), as the record store keeps them.
 */
import { canonicalName, decodeName } from '../../services/route53/names';

/** `WWW.Example.com` → `www.example.com.`; `*` labels become `\052` (how Route 53 stores them). */
export function fqdn(name: string): string {
  const n = name.trim().toLowerCase();
  if (n === '' || n === '.') return '.';
  const canonical = canonicalName(n);
  if ('name' in canonical) return canonical.name;
  return n.endsWith('.') ? n : `${n}.`;
}

/** The name as a DNS tool prints it (`\052` back to `*`). */
export function display(name: string): string {
  return decodeName(name);
}

/** `a.b.example.com.` → [`a.b.example.com.`, `b.example.com.`, `example.com.`, `com.`]. */
export function suffixes(name: string): string[] {
  const out: string[] = [];
  let rest = name;
  while (rest && rest !== '.') {
    out.push(rest);
    const dot = rest.indexOf('.');
    rest = rest.slice(dot + 1);
  }
  return out;
}

/** The parent of a name (`a.example.com.` → `example.com.`). */
export function parentOf(name: string): string {
  const dot = name.indexOf('.');
  const rest = name.slice(dot + 1);
  return rest === '' ? '.' : rest;
}

/** Is `name` the zone `zone` or below it? */
export function inZone(name: string, zone: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}

/** A domain name in record data, fully qualified (`example.com` → `example.com.`). */
export function qualify(target: string): string {
  const t = target.trim();
  return t.endsWith('.') ? t : `${t}.`;
}
