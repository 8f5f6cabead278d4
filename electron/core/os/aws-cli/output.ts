/**
 * The CLI's output formats: json (4-space indent, timestamps as ISO 8601 with +00:00, blobs
 * as base64), text (botocore's tab-separated walk: scalars of a dict on one line, prefixed by
 * the upper-cased key of nested dicts and lists) and table (boxed sections).
 */

/** Plain JSON values: Dates and bytes turned into what the CLI prints. */
export function plain(value: unknown): unknown {
  if (value instanceof Date) {
    const iso = value.toISOString();
    const ms = iso.slice(20, 23);
    return `${iso.slice(0, 19)}${ms === '000' ? '' : `.${ms}000`}+00:00`;
  }
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = plain(v);
    return out;
  }
  return value;
}

export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 4)}\n`;
}

const isScalar = (v: unknown) => v === null || typeof v !== 'object';
const str = (v: unknown) => (v === true ? 'True' : v === false ? 'False' : v === null ? 'None' : String(v));

export function toText(value: unknown): string {
  const out: string[] = [];
  const walk = (item: unknown, id: string | null, scalarKeys: string[] | null) => {
    if (Array.isArray(item)) {
      if (item.length === 0) return;
      if (item.some((e) => e && typeof e === 'object' && !Array.isArray(e))) {
        const keys = [
          ...new Set(
            item.flatMap((e) =>
              e && typeof e === 'object'
                ? Object.entries(e)
                    .filter(([, v]) => isScalar(v))
                    .map(([k]) => k)
                : [],
            ),
          ),
        ].sort();
        for (const e of item) walk(e, id, keys);
      } else if (item.some(Array.isArray)) {
        const scalars = item.filter(isScalar);
        if (scalars.length)
          out.push(
            id
              ? scalars.map((s) => `${id.toUpperCase()}\t${str(s)}`).join('\n')
              : scalars.map(str).join('\t'),
          );
        for (const e of item.filter((x) => !isScalar(x))) walk(e, id, null);
      } else if (id) for (const e of item) out.push(`${id.toUpperCase()}\t${str(e)}`);
      else out.push(item.map(str).join('\t'));
      return;
    }
    if (item && typeof item === 'object') {
      const entries = Object.entries(item as Record<string, unknown>);
      const scalars = scalarKeys
        ? scalarKeys.map((k) => str((item as Record<string, unknown>)[k] ?? 'None'))
        : entries
            .filter(([, v]) => isScalar(v))
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([, v]) => str(v));
      if (scalars.length) out.push([...(id ? [id.toUpperCase()] : []), ...scalars].join('\t'));
      const nested = entries.filter(([, v]) => !isScalar(v));
      if (!scalarKeys) nested.sort(([a], [b]) => a.localeCompare(b));
      for (const [k, v] of nested) walk(v, k, null);
      return;
    }
    out.push(str(item));
  };
  walk(value, null, null);
  return out.length ? `${out.join('\n')}\n` : '';
}

/** A boxed table per section, as `--output table` draws it (without the CLI's colours). */
export function toTable(value: unknown, title: string): string {
  const lines: string[] = [];
  const section = (name: string, item: unknown, depth: number) => {
    const bar = '|'.repeat(depth);
    const rows: string[][] = [];
    let header: string[] = [];
    const nested: Array<[string, unknown]> = [];
    if (Array.isArray(item)) {
      if (item.every(isScalar)) {
        rows.push(...item.map((v) => [str(v)]));
      } else if (item.every((e) => Array.isArray(e) && e.every(isScalar))) {
        // A list of lists (`--query 'Reservations[].Instances[].[InstanceId,State.Name]'`): one
        // row each, no header.
        rows.push(...(item as unknown[][]).map((r) => r.map(str)));
      } else {
        header = [
          ...new Set(
            item.flatMap((e) =>
              Object.entries(e as object)
                .filter(([, v]) => isScalar(v))
                .map(([k]) => k),
            ),
          ),
        ];
        for (const e of item) {
          rows.push(header.map((k) => str((e as Record<string, unknown>)[k] ?? '')));
          for (const [k, v] of Object.entries(e as object)) if (!isScalar(v)) nested.push([k, v]);
        }
      }
    } else if (item && typeof item === 'object') {
      const entries = Object.entries(item);
      for (const [k, v] of entries) {
        if (isScalar(v)) rows.push([k, str(v)]);
        else nested.push([k, v]);
      }
    }
    const all = header.length ? [header, ...rows] : rows;
    const widths = all.length
      ? all[0]!.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)) + 2)
      : [];
    const inner = Math.max(
      name.length + 4,
      widths.reduce((a, w) => a + w + 1, -1),
    );
    const rule = `${bar}+${widths.map((w) => '-'.repeat(w)).join('+')}+${bar}`;
    lines.push(`${bar}${'-'.repeat(inner + 2)}${bar}`);
    const pad = inner - name.length;
    lines.push(`${bar}|${' '.repeat(Math.floor(pad / 2))}${name}${' '.repeat(Math.ceil(pad / 2))}|${bar}`);
    if (all.length) {
      lines.push(rule);
      const line = (r: string[], center: boolean) =>
        `${bar}|${r.map((c, i) => (center ? ` ${c} `.padStart(Math.floor((widths[i]! + c.length + 2) / 2)).padEnd(widths[i]!) : ` ${c}`.padEnd(widths[i]!))).join('|')}|${bar}`;
      if (header.length) {
        lines.push(line(header, true));
        lines.push(rule);
      }
      for (const r of rows) lines.push(line(r, false));
      lines.push(rule);
    }
    for (const [k, v] of nested) section(k, v, depth + 1);
  };
  section(title, value, 0);
  return `${lines.join('\n')}\n`;
}

/** YAML as the CLI's `--output yaml` writes it (block style, plain scalars where safe). */
export function toYaml(value: unknown): string {
  const scalar = (v: unknown) => {
    if (v === null) return 'null';
    if (typeof v !== 'string') return String(v);
    return /^[\w./@:+-][\w ./@:+-]*$/.test(v) &&
      !/^(true|false|null|yes|no|[\d.+-]+)$/i.test(v) &&
      !v.includes(': ')
      ? v
      : `'${v.replace(/'/g, "''")}'`;
  };
  const lines: string[] = [];
  const walk = (v: unknown, indent: string, inList: boolean) => {
    if (Array.isArray(v)) {
      if (v.length === 0) lines[lines.length - 1] += ' []';
      for (const item of v) {
        if (item && typeof item === 'object' && !Array.isArray(item)) {
          lines.push(`${indent}-`);
          walk(item, `${indent}  `, true);
        } else lines.push(`${indent}- ${scalar(item)}`);
      }
      return;
    }
    if (v && typeof v === 'object') {
      const entries = Object.entries(v);
      if (entries.length === 0) lines[lines.length - 1] += ' {}';
      entries.forEach(([k, val], i) => {
        const head = inList && i === 0 ? lines.pop()!.replace(/-$/, '- ') + k : `${indent}${k}`;
        const prefix = inList && i === 0 ? head.slice(0, head.length - k.length) : indent;
        if (val && typeof val === 'object') {
          lines.push(`${head}:`);
          walk(val, Array.isArray(val) ? prefix : `${prefix}  `, false);
        } else lines.push(`${head}: ${scalar(val)}`);
      });
      return;
    }
    lines.push(`${indent}${scalar(v)}`);
  };
  walk(value, '', false);
  return `${lines.join('\n')}\n`;
}
