/**
 * Helpers the network commands share: paths relative to the shell's cwd, the simulated wall
 * clock as tools print it, and iputils/curl-style number formats.
 */
import { posix } from 'node:path';
import type { Machine } from '../machine';

export function resolvePath(cwd: string, path: string): string {
  return posix.resolve(cwd, path);
}

export function now(m: Machine): Date {
  return m.cloud.clock.date();
}

/** `2026-01-05 09:00:00`, as wget stamps its lines. */
export function stamp(d: Date): string {
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

/** `Mon Jan 05 09:00:00 UTC 2026`, as dig's WHEN line reads. */
export function dateLine(d: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

/** A round-trip time as ping prints it: three significant digits. */
export function pingTime(ms: number): string {
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  if (ms >= 1) return ms.toFixed(2);
  return ms.toFixed(3);
}

/** Pad columns: the first left-aligned, the others right-aligned unless listed as left. */
export function columns(rows: string[][], left: number[] = [0], gap = 1): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows
    .map((r) =>
      r
        .map((c, i) =>
          i === r.length - 1 && left.includes(i)
            ? c
            : left.includes(i)
              ? c.padEnd(widths[i]!)
              : c.padStart(widths[i]!),
        )
        .join(' '.repeat(gap))
        .trimEnd(),
    )
    .map((l) => `${l}\n`)
    .join('');
}

/** Split short option clusters (`-sSL`, `-qO-`) given which letters take a value. */
export function expandShort(args: string[], withValue: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      out.push(...args.slice(i));
      break;
    }
    if (!/^-[^-]/.test(a) || a.length === 2) {
      out.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      if (withValue.includes(c)) {
        out.push(`-${c}`);
        if (j + 1 < a.length) out.push(a.slice(j + 1));
        break;
      }
      out.push(`-${c}`);
    }
  }
  return out;
}
