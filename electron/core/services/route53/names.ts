/**
 * DNS names as Route 53 keeps and shows them: lower case, fully qualified (trailing dot), every
 * character other than a-z, 0-9, `-` and `_` written as a three-digit octal escape (`*` is
 * `\052`). Sort names reverse the labels (`com.example.www.`), the order Route 53 lists record
 * sets and ListHostedZonesByName lists zones in. Hosted zone and change IDs are accepted with or
 * without their `/hostedzone/` and `/change/` prefixes.
 */
import { invalidChangeBatch } from './errors';

const PLAIN = /[a-z0-9_-]/;

export interface NameProblem {
  code: string;
  text: string;
}

/**
 * The stored form of a name: lower case, escapes decoded and re-applied, trailing dot. Returns a
 * problem (Route 53's FATAL problem codes) for empty or too-long labels or names.
 */
export function canonicalName(input: string): { name: string } | { problem: NameProblem } {
  const raw = input.endsWith('.') && !input.endsWith('\\.') ? input.slice(0, -1) : input;
  if (raw === '' && input === '.') return { name: '.' };
  if (raw === '') return { problem: { code: 'DomainNameEmpty', text: 'Domain name is empty' } };
  const labels: string[] = [];
  let label = '';
  let octets = 0;
  const push = (): NameProblem | undefined => {
    if (label === '') return { code: 'DomainLabelEmpty', text: 'Domain label is empty' };
    if (octets > 63) return { code: 'DomainLabelTooLong', text: 'Domain label is too long' };
    labels.push(label);
    label = '';
    octets = 0;
    return undefined;
  };
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '.') {
      const problem = push();
      if (problem) return { problem };
      continue;
    }
    let ch = c;
    if (c === '\\') {
      const digits = raw.slice(i + 1, i + 4);
      if (/^[0-7]{3}$/.test(digits)) {
        ch = String.fromCharCode(parseInt(digits, 8));
        i += 3;
      } else if (i + 1 < raw.length) {
        ch = raw[++i]!;
      }
    }
    const lower = ch.toLowerCase();
    label += PLAIN.test(lower) ? lower : escapeChar(lower);
    octets++;
  }
  const problem = push();
  if (problem) return { problem };
  const name = `${labels.join('.')}.`;
  if (labels.reduce((n, l) => n + octetLength(l) + 1, 1) > 255)
    return { problem: { code: 'DomainNameTooLong', text: 'Domain name is too long' } };
  return { name };
}

function escapeChar(ch: string): string {
  const code = ch.charCodeAt(0);
  if (code > 255) return ch;
  return `\\${code.toString(8).padStart(3, '0')}`;
}

function octetLength(label: string): number {
  return label.replace(/\\[0-7]{3}/g, 'x').length;
}

/** The stored form, or InvalidChangeBatch with Route 53's FATAL problem text. */
export function normaliseName(input: string): string {
  const r = canonicalName(input);
  if ('problem' in r) throw invalidChangeBatch([fatal(r.problem, input)]);
  return r.name;
}

export function fatal(problem: NameProblem, value: string): string {
  return `FATAL problem: ${problem.code} (${problem.text}) encountered with '${value}'`;
}

/** The name with escapes decoded (`\052` → `*`), as DNS sees it. */
export function decodeName(name: string): string {
  return name.replace(/\\([0-7]{3})/g, (_, d: string) => String.fromCharCode(parseInt(d, 8)));
}

/**
 * `www.example.com.` → `com.example.www.`: the order Route 53 lists names in. Escapes are decoded
 * in the key, so characters sort by their value (`*` before digits and letters).
 */
export function sortName(name: string): string {
  if (name === '.') return '.';
  return `${name.slice(0, -1).split('.').reverse().map(decodeName).join('.')}.`;
}

/** Whether `name` is `zone` or below it (both canonical). */
export function inZone(name: string, zone: string): boolean {
  if (zone === '.') return true;
  return name === zone || name.endsWith(`.${zone}`);
}

/** `/hostedzone/Z123` or `Z123` → `Z123`. */
export function bareZoneId(id: string): string {
  return id.replace(/^\/?hostedzone\//, '');
}

/** `/change/C123` or `C123` → `C123`. */
export function bareChangeId(id: string): string {
  return id.replace(/^\/?change\//, '');
}

/** `/healthcheck/abc` or `abc` → `abc`. */
export function bareHealthCheckId(id: string): string {
  return id.replace(/^\/?healthcheck\//, '');
}

/** The labels of a canonical name, leaf first (`www`, `example`, `com`). */
export function labelsOf(name: string): string[] {
  return name === '.' ? [] : name.slice(0, -1).split('.');
}
