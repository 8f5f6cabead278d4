/** Number formats of procps and coreutils. */

/** `up 5 min`, `up 2:03`, `up 3 days,  4:05` as uptime and top print it. */
export function upSince(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const min = minutes % 60;
  const dayPart = days ? `${days} day${days === 1 ? '' : 's'}, ` : '';
  return `up ${dayPart}${h ? `${String(h).padStart(2)}:${String(min).padStart(2, '0')}` : `${min} min`}`;
}

/** `up 1 hour, 5 minutes` for `uptime -p`. */
export function upPretty(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const parts: string[] = [];
  const add = (n: number, unit: string) => n && parts.push(`${n} ${unit}${n === 1 ? '' : 's'}`);
  add(Math.floor(minutes / 10_080), 'week');
  add(Math.floor((minutes % 10_080) / 1440), 'day');
  add(Math.floor((minutes % 1440) / 60), 'hour');
  add(minutes % 60, 'minute');
  return `up ${parts.join(', ') || '0 minutes'}`;
}

export const clockTime = (at: number) => new Date(at).toISOString().slice(11, 19);

/** free -h: `949Mi`, `1.9Gi`, `0B`. */
export function freeHuman(kib: number): string {
  if (kib === 0) return '0B';
  const units = ['Ki', 'Mi', 'Gi', 'Ti'];
  let v = kib;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return v < 10 ? `${v.toFixed(1)}${units[i]}` : `${Math.round(v)}${units[i]}`;
}

/** df -h: powers of 1024, one decimal below 10, rounded up, `0` for nothing. */
export function dfHuman(kib: number): string {
  if (kib === 0) return '0';
  const units = ['K', 'M', 'G', 'T'];
  let v = kib;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  if (v < 10) {
    const up = Math.ceil(v * 10) / 10;
    return up >= 10 ? `${up.toFixed(0)}${units[i]}` : `${up.toFixed(1)}${units[i]}`;
  }
  return `${Math.ceil(v)}${units[i]}`;
}

export function loadText(loads: number[]): string {
  return loads.map((l) => l.toFixed(2)).join(', ');
}
