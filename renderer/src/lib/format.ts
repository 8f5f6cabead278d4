/** Display helpers shared by pages. */
export function formatAccountId(id: string): string {
  return id.length === 12 ? `${id.slice(0, 4)}-${id.slice(4, 8)}-${id.slice(8)}` : id;
}

/** The short name the top bar shows for a region: "US East (N. Virginia)" → "N. Virginia". */
export function regionShortName(name: string): string {
  const m = /\(([^)]+)\)/.exec(name);
  return m ? m[1]! : name;
}

export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())} UTC`;
}

export function formatLaunched(launched: string): string {
  const [y, m] = launched.split('-');
  if (!m) return y ?? launched;
  const month = new Date(Date.UTC(2000, Number(m) - 1, 1)).toLocaleString('en', {
    month: 'long',
    timeZone: 'UTC',
  });
  return `${month} ${y}`;
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** "November 22, 2026, 21:03:12 (UTC)", as the S3 and DynamoDB consoles write dates. */
export function formatConsoleDate(value: Date | string | number | undefined): string {
  if (value === undefined) return '–';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return '–';
  const date = d.toLocaleDateString('en-US', {
    month: 'long',
    day: 'numeric',
    year: 'numeric',
    timeZone: 'UTC',
  });
  const time = d.toLocaleTimeString('en-GB', { timeZone: 'UTC', hour12: false });
  return `${date}, ${time} (UTC)`;
}
