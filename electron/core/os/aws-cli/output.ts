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

/**
 * Characters that `--output table` counts as two columns wide: Unicode's East Asian Wide,
 * Fullwidth and Ambiguous classes (Unicode 14, as the CLI's Python sees them). Encoded as
 * base-36 "gap.length" pairs: each range starts `gap` code points after the previous one ends
 * and spans `length` more code points.
 */
const DOUBLE_WIDTH_RANGES = (() => {
  const ranges: Array<[number, number]> = [];
  let end = -1;
  const encoded =
    '4h,2,2.1,1,2.1,1.4,1.4,1.3,6,9,6.1,5.3,4,1.2,1.1,2,1.1,3.3,1,1,2,f,1,7,a.1,3,5.2,4,6.3,1,3.3,1,' +
    '4.1,i.1,3,2q,1,1,1,1,1,1,1,38,f,2q,2,1.2,1,2,7.3,1,1,w.33,8.1,6.3,7,1,3.o,7.g,1.6,1j,e.1r,1,66,' +
    '12.1,1e.1,3,1j.7,r.3,6.a,7i,1o.1,2t.d,1n.1,1d.1,f,s.1,1,b.4,v,2.5,6k,8.1,2.1,m,7,1.2,4.1,9.1,' +
    '2.1,4.7,1.3,2,5.1,p.1,3,6.3,2.1,m,7,2,2,2.1,1,5.3,2.1,3.2,1.6,4,1.6,h.9,3,9,3,m,7,2,5.1,a,3,3.1,' +
    '1.e,4.1,c.6,7,3,8.1,2.1,m,7,2,5.1,9.1,2.1,3.6,3.3,2,5.1,i.9,2,6.2,3,4.2,2,1,2.2,2.2,3.2,c.3,5.2,' +
    '3,4.1,1.5,1.d,l.4,d,3,n,g.1,9,3,4.6,2,3.1,1.1,4.1,a.6,m,3,n,a,5.1,9,3,4.6,2.5,2,4.1,a,2.c,d,3,' +
    '1f,3,6.3,g.1,q,3,i.2,o,9,1.1,7.2,1.3,6,1,8.5,a.1,3.b,1m.3,t.10,2,1,5,o,1,n.1,5,1,6.1,a.1,4.v,20,' +
    '10.3,13,10,f,d.10,5i,1.4,1.1,1c.2n,6h,4.1,7,1,4.1,15,4.1,x,4.1,7,1,4.1,f,1l,4.1,1v.1,w.2,q.5,' +
    '2e.1,6.1,il.2,2h.6,m.8,o.8,k.b,d,3,2.b,2m.1,a.5,a.5,q.5,2h.6,17.4,1y.9,v,c.3,c.3,1.2,16.1,5.a,' +
    '18.3,q.5,b.2,1q.1,1t,t.1,b.5,a.5,e.1,v.1c,25.2,1b,38.7,1o.2,f.2,1o.6,17.1,b.7,17.4,eu.1,6.1,' +
    '12.1,6.1,8,1,1,1,v.1,1h,f,e.1,6,j.1,3,9,g,2.3,1.1,2.1,2.2,1.3,8,1.1,1,5,2,12,c.2,a,1.3,a,d.2,c,' +
    'k.e,x.e,3,1,3,9,2,a.1,3,4,13.1,6.3,1.b,4.9,f,2.d,u.1,o,1,i,o,1.1,3.1,2,3,1,3,4,2.3,2,1,1.5,1,' +
    '5.3,4.1,a,3,5,d.1,2.3,2.1,2.1,i.1,2.1,d,3,b,p,2a,7.1,d.1,5a.3,3,2,1f.o,b.4e,1.2o,4.z,c.f,2.3,' +
    'a.1,1.6,8.1,2.1,4.1,2.1,4.2,2,2.3,g.3,9,d.1,6.1,2,4.1,4.1,6,1,x,1,5.b,c.1,1.2,1.3,1.1,1,f,j,a.1,' +
    '1,8.1,h.2,4.t,1,4.n,5,4.1,s,k,e,1,4.2,1,u.9,l.2,o,e,nv.1,1f,4.4,q.1,w,9p.4,19,1.4,1.1,1k.6,2.d,' +
    'o.8,7,7,7,7,7,7,7,7,3i.dc,1.5tr,1s.h5b,9o.j,54.7,5n.4,2,1,5.n,1n.2,a.5,1k.7,1y.7,c.5,38.a,1.v,' +
    '26,b.3,x,1j.8,e.1,a.1,2v.n,s.9,6.1,6.1,6.8,7,7,1o.3,3i.1,a.8mt,n.3,1d.3,1kw.5bz,7.b,5.4,q,5,1,2,' +
    '2,3h.f,cd.1,1i.6,1.v,g.v,g.1r,5,3r.1,1.2o,2m.2,6.1,6.1,6.1,3.a,7.9,4.2,c,q,j,2,f.1,e.x,3f.4,3.3,' +
    '19.2,2g,d.2,1.1a,1a.3l,t.2,1d.e,s.3,10.8,u.4,17.4,u,11.3,e.15,4e.1,a.5,10.3,10.3,14.7,1g.a,c,f,' +
    '7,2,b,f,7,2.1u,8n.8,m.9,8.n,6,16,9.1w,6.1,1,18,2.2,1.1,n,20.7,9.1b,j,2.4,x.2,r.4,1.1r,1k.3,k.1,' +
    '1e,2.4,8,3,t.1,3.3,a.6,9.6,1s.v,13.3,c.8,1i.2,t.1,r.4,q.6,4.b,7.27,21.1i,1f.c,1f.6,1a.7,a.85,v,' +
    '16,3.1,2.25,14.7,16.l,q.11,s.j,n.8,26.3,10.8,1w.9,1.1,p.6,a.5,1h,i.7,13.8,2o,k.a,i,18.1s,7,1,4,' +
    'f,b.5,1n.4,a.5,4,8.1,2.1,m,7,2,5,a.1,2.1,3.1,1.5,1.4,7.1,7.2,5.3u,2k,5.t,20.7,a.4l,1i.1,12.x,' +
    '1x.a,a.5,d.i,1m.5,a.1h,r.1,f.3,n.54,1o.2r,2b.b,8.1,1.1,8,2,u,2.1,c.8,a.1x,8.1,1a.1,b.q,20.7,' +
    '2b.c,21.7a,9,19,e.9,t.2,w.1,m,e.20,7,2,18.2,1,2,9.7,a.5,6,2,11,2,6.6,a.8l,p.52,1.e,1e.c,pn.2t,' +
    '33,5.a,5g.217,2r.c,tr,9.346,g7.6ns,ft.6,v,a.3,29,a.5,u.1,6.9,1y.9,a,7,l.4,j.j3,2j.2s,23.3,1l.6,' +
    'h.f33,2z.4,d.2,9.6,a.1,8.3mj,1a.1,n.8,38.1n,6u.9,13.1,5e.k,1y.49,k.b,2f.8,p.3q,2d,1z,2.1,1.1,' +
    '2.1,4,c,1,7,1t,4.1,8,7,s,4,5,1.2,7,9g.1,84.1,ji.e,5,f.un,v.68,7,h.1,7,2,5.5w,19.2,e.1,a.3,2.8v,' +
    'v.g,1m.4,1.yn,7,4,2,f,5h.1,g.14,24.3,a.3,2.ls,1w.23,1p.5d,4,r,2,1.1,1,a,4,1,1.5,1.3,1,1,1,3,2,' +
    '1.1,1,1,1,1,1,2,1.1,4,7,4,4,1,a,h.4,3,5,h.1f,2.7h,4,13.3,2s.b,f.1,f,e.1,11.k,5.t,2.1l,6.1o,1.1j,' +
    'q.80,c.8,1.1x,1.l,c.16,4.4,c.g,3,3.1y,1,1.56,2.1q,d.3,1.n,i,q.1,d,2e.2c,1c.1x,6,3.2,2.a,b.4,4.b,' +
    '38.b,2h.12,c.3,1k.7,a.5,14.7,u.1,2.25,c.1a,1.9,1.54,2c.b,e.41,43,1j.10,a.gvly,1.t,2o.47lr';
  for (const pair of encoded.split(',')) {
    const [gap, len = '0'] = pair.split('.');
    const start = end + 1 + parseInt(gap!, 36);
    end = start + parseInt(len, 36);
    ranges.push([start, end]);
  }
  return ranges;
})();

const isDoubleWidth = (code: number) => {
  let lo = 0;
  let hi = DOUBLE_WIDTH_RANGES.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [start, end] = DOUBLE_WIDTH_RANGES[mid]!;
    if (code < start) hi = mid - 1;
    else if (code > end) lo = mid + 1;
    else return true;
  }
  return false;
};

/** The width of a string on the terminal as the table layout measures it. */
function textWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += ch.charCodeAt(0) < 0xa1 ? 1 : isDoubleWidth(ch.codePointAt(0)!) ? 2 : 1;
  return width;
}

/** Python's `str()` of a float: repr with an exponent below 1e-4 and from 1e16 up. */
function pyNumber(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (Number.isInteger(n)) return Math.abs(n) < 1e21 ? String(n) : BigInt(n).toString();
  const [mantissa, exp] = n.toExponential().split('e') as [string, string];
  const e = Number(exp);
  if (e >= -4 && e < 16) return String(n);
  return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

/** Python's `repr()` of a JSON value, for structures that land in a table cell. */
function pyRepr(v: unknown): string {
  if (typeof v === 'string')
    return v.includes("'") && !v.includes('"')
      ? `"${v}"`
      : `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (v && typeof v === 'object')
    return `{${Object.entries(v)
      .map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`)
      .join(', ')}}`;
  return pyStr(v);
}

/** Python's `str()` of a JSON value, as the table writes a cell. */
function pyStr(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return pyNumber(v);
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === null || v === undefined) return 'None';
  return pyRepr(v);
}

/** Python's `round()` to an integer: halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const frac = x - floor;
  if (frac > 0.5) return floor + 1;
  if (frac < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

const spaces = (n: number) => (n > 0 ? ' '.repeat(n) : '');
const dashes = (n: number) => (n > 0 ? '-'.repeat(n) : '');

/** One titled block of the table: optional column headers and rows of cells. */
class Section {
  headers: string[] = [];
  rows: string[][] = [];
  private cols: number | null = null;
  private maxWidths: number[] = [];

  constructor(
    readonly title: string | null,
    readonly indent: number,
  ) {}

  addHeader(headers: string[]) {
    this.updateWidths(headers);
    this.cols ??= headers.length;
    this.headers = headers;
  }

  addRow(row: unknown[]) {
    this.cols ??= row.length;
    if (row.length !== this.cols)
      throw new Error(`Row should have ${this.cols} elements, instead it has ${row.length}`);
    const cells = row.map(pyStr);
    this.rows.push(cells);
    this.updateWidths(cells);
  }

  private updateWidths(cells: string[]) {
    if (this.maxWidths.length === 0) this.maxWidths = cells.map(textWidth);
    else cells.forEach((c, i) => (this.maxWidths[i] = Math.max(textWidth(c), this.maxWidths[i] ?? 0)));
  }

  /** Column widths (content + padding), scaled so that they add up to `maxWidth` when given. */
  columnWidths(padding: number, maxWidth?: number): number[] {
    const unscaled = this.maxWidths.map((w) => w + padding);
    if (maxWidth === undefined || unscaled.length === 0) return unscaled;
    const scale = maxWidth / unscaled.reduce((a, b) => a + b, 0);
    const scaled = unscaled.map((w) => roundHalfEven(scale * w));
    let off = scaled.reduce((a, b) => a + b, 0) - maxWidth;
    while (off !== 0) {
      const order = scaled.map((_, i) => i);
      if (off < 0) order.reverse();
      for (const i of order) {
        if (off > 0) {
          scaled[i]!--;
          off--;
        } else {
          scaled[i]!++;
          off++;
        }
        if (off === 0) break;
      }
    }
    return scaled;
  }

  /** The width this section needs, borders and the bars of its nesting level included. */
  totalWidth(): number {
    const cells = this.columnWidths(0).reduce((a, w) => a + w + 4, 0) + 2 + 2 * this.indent;
    return Math.max(textWidth(this.title ?? 'None') + 2 + 2 * this.indent, cells);
  }
}

const centerText = (text: string, length: number, left: string, right: string) => {
  const width = textWidth(text);
  const start = Math.floor(length / 2) - Math.floor(width / 2) - 1;
  const soFar = textWidth(left) + start + width;
  return `${left}${spaces(start)}${text}${spaces(length - textWidth(right) - soFar)}${right}`;
};

const alignLeft = (text: string, length: number, left: string, right: string) => {
  const width = textWidth(text);
  const padding = length - (width + 2 + textWidth(left) + textWidth(right)) >= 0 ? 2 : 0;
  return `${left}${spaces(padding)}${text}${spaces(length - (left.length + padding + width) - right.length)}${right}`;
};

const lineBreak = (widths: number[]) =>
  widths.map((w, i) => (i === 0 ? `+${dashes(w - 2)}+` : `${dashes(w - 1)}+`)).join('');

const isDict = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v);
/** Python truthiness of a JSON value. */
const truthy = (v: unknown) =>
  Array.isArray(v) ? v.length > 0 : isDict(v) ? Object.keys(v).length > 0 : !!v || Number.isNaN(v);
const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Keys of a dict whose values are scalars, and those whose values are lists or dicts, each sorted. */
const groupKeys = (d: Record<string, unknown>): [string[], string[]] => {
  const keys = Object.keys(d).sort(byCodePoint);
  return [keys.filter((k) => isScalar(d[k])), keys.filter((k) => !isScalar(d[k]))];
};

/**
 * `--output table`, laid out as the AWS CLI's TableFormatter and MultiTable do it (without
 * colours): a section per dict or list of dicts, nested sections indented with bars. When the
 * widest section does not fit `terminalWidth`, every single-row section is turned into
 * key/value rows. Nothing at all for an empty answer.
 */
export function toTable(value: unknown, title: string, terminalWidth = 80): string {
  const sections: Section[] = [];
  let current: Section | undefined;
  const section = (name: string | null, indent: number) =>
    sections.push((current = new Section(name, indent)));
  const addRow = (row: unknown[]) => (current ??= new Section(null, 0)).addRow(row);

  const build = (name: string | null, item: unknown, indent = 0): boolean => {
    if (!truthy(item)) return false;
    if (name !== null) section(name, indent);
    if (Array.isArray(item)) {
      if (isDict(item[0])) fromList(item, indent, name);
      else
        for (const e of item) {
          if (isScalar(e)) addRow([e]);
          else {
            const elements = Array.isArray(e) ? e : Object.keys(e as object);
            if (elements.every(isScalar)) addRow(elements);
            else build(null, e);
          }
        }
    }
    if (isDict(item)) fromDict(item, indent);
    return true;
  };

  const fromDict = (d: Record<string, unknown>, indent: number) => {
    const [headers, more] = groupKeys(d);
    if (headers.length === 1) addRow([headers[0], d[headers[0]!]]);
    else if (headers.length) {
      current!.addHeader(headers);
      addRow(headers.map((k) => d[k]));
    }
    for (const k of more) build(k, d[k], indent + 1);
  };

  const fromList = (list: unknown[], indent: number, name: string | null) => {
    const headerSet = new Set<string>();
    const moreSet = new Set<string>();
    for (const e of list) {
      const [h, m] = groupKeys(isDict(e) ? e : {});
      h.forEach((k) => headerSet.add(k));
      m.forEach((k) => moreSet.add(k));
    }
    const headers = [...headerSet].sort(byCodePoint);
    const more = [...moreSet].sort(byCodePoint);
    (current ??= new Section(null, 0)).addHeader(headers);
    list.forEach((e, i) => {
      const d = isDict(e) ? e : {};
      if (i > 0 && more.length) {
        section(name, indent);
        current!.addHeader(headers);
      }
      addRow(headers.map((h) => (h in d ? d[h] : '')));
      for (const k of more) if (k in d) build(k, d[k], indent + 1);
    });
  };

  if (!build(title, value)) return '';

  const maxWidth = () => Math.max(...sections.map((s) => s.totalWidth()));
  let width = maxWidth();
  if (width > terminalWidth) {
    // Too wide for the terminal: single-row sections become a row per column.
    sections.forEach((s, i) => {
      if (s.rows.length !== 1 || !s.headers.length) return;
      const vertical = new Section(s.title, s.indent);
      s.headers.forEach((h, j) => j < s.rows[0]!.length && vertical.addRow([h, s.rows[0]![j]]));
      sections[i] = vertical;
    });
    width = maxWidth();
  }

  const out = [`${dashes(width)}\n`];
  for (const s of sections) {
    const bars = '|'.repeat(s.indent);
    const line = (text: string) => out.push(`${bars}${text}${bars}\n`);
    const w = width - 2 * s.indent;
    if (s.title) {
      line(centerText(s.title, w, '|', '|'));
      if (!s.headers.length && !s.rows.length) line(`+${dashes(w - 2)}+`);
    }
    if (s.headers.length) {
      const widths = s.columnWidths(4, w);
      line(lineBreak(widths));
      line(
        widths
          .slice(0, s.headers.length)
          .map((cw, i) => centerText(s.headers[i]!, cw, i === 0 ? '|' : '', '|'))
          .join(''),
      );
    }
    if (s.rows.length) {
      const widths = s.columnWidths(4, w);
      if (!widths.length) continue;
      line(lineBreak(widths));
      for (const row of s.rows)
        line(
          widths
            .slice(0, row.length)
            .map((cw, i) => alignLeft(row[i]!, cw, i === 0 ? '|' : '', '|'))
            .join(''),
        );
      line(lineBreak(widths));
    }
  }
  return out.join('');
}

const YAML_IMPLICIT = [
  /^(?:true|True|TRUE|false|False|FALSE)$/,
  /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+|[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+)$/,
  /^(?:<<|~|null|Null|NULL|=|)$/,
  /^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$/,
];
/** The characters each implicit resolver above is tried for (YAML 1.2, as ruamel.yaml has them). */
const YAML_IMPLICIT_FIRST = ['tTfF', '-+0123456789.', '-+0123456789', '<~nN=', '0123456789'];

const YAML_BREAKS = '\n\x85\u2028\u2029';
const YAML_WHITESPACE = `\0 \t\r${YAML_BREAKS}`;
const yamlPrintable = (ch: string) => {
  const c = ch.codePointAt(0)!;
  return (
    ch === '\n' ||
    (c >= 0x20 && c <= 0x7e) ||
    c === 0x85 ||
    (c >= 0xa0 && c <= 0xd7ff) ||
    (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff) ||
    (c >= 0x10000 && c <= 0x10ffff)
  );
};

/** Which styles the emitter may use for a string in block context (ruamel.yaml's analyze_scalar). */
function analyzeScalar(text: string) {
  const chars = [...text];
  if (chars.length === 0) return { empty: true, multiline: false, plain: true, single: true };
  let blockIndicators = false;
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  if (text.startsWith('---') || text.startsWith('...')) blockIndicators = true;
  let precededByWhitespace = true;
  let followedByWhitespace = chars.length === 1 || YAML_WHITESPACE.includes(chars[1]!);
  let previousSpace = false;
  let previousBreak = false;
  chars.forEach((ch, i) => {
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) blockIndicators = true;
      if ('?:'.includes(ch) && followedByWhitespace) blockIndicators = true;
      if (ch === '-' && followedByWhitespace) blockIndicators = true;
    } else {
      if (ch === ':' && followedByWhitespace) blockIndicators = true;
      if (ch === '#' && precededByWhitespace) blockIndicators = true;
    }
    if (YAML_BREAKS.includes(ch)) lineBreaks = true;
    if (!yamlPrintable(ch)) special = true;
    if (ch === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === chars.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (YAML_BREAKS.includes(ch)) {
      if (i === 0) leadingBreak = true;
      if (i === chars.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else previousSpace = previousBreak = false;
    precededByWhitespace = YAML_WHITESPACE.includes(ch);
    followedByWhitespace = i + 2 >= chars.length || YAML_WHITESPACE.includes(chars[i + 2]!);
  });
  let plain = !(leadingSpace || leadingBreak || trailingSpace || trailingBreak);
  let single = true;
  if (breakSpace) plain = single = false;
  if (spaceBreak || special) plain = single = false;
  if (lineBreaks || blockIndicators) plain = false;
  return { empty: false, multiline: lineBreaks, plain, single };
}

/** Whether a plain string would read back as something other than a string. */
const yamlResolvesElsewhere = (text: string) =>
  YAML_IMPLICIT.some((re, i) => YAML_IMPLICIT_FIRST[i]!.includes(text[0] ?? '') && re.test(text));

const YAML_ESCAPES: Record<string, string> = {
  '\0': '0',
  '\x07': 'a',
  '\b': 'b',
  '\t': 't',
  '\n': 'n',
  '\v': 'v',
  '\f': 'f',
  '\r': 'r',
  '\x1b': 'e',
  '"': '"',
  '\\': '\\',
  '\x85': 'N',
  '\xa0': '_',
  '\u2028': 'L',
  '\u2029': 'P',
};

/**
 * YAML as the CLI's `--output yaml` writes it (ruamel.yaml's safe dumper, block style): keys
 * sorted, sequences in a mapping not indented, plain scalars where they read back as the same
 * string, long scalars folded past column 80. A bare scalar is written as JSON.
 */
export function toYaml(value: unknown): string {
  if (isScalar(value))
    return `${typeof value === 'number' ? pyNumber(value) : JSON.stringify(value ?? null)}\n`;
  if (isDict(value) && Object.keys(value).length === 0) return '';
  if (Array.isArray(value) && value.length === 0) return '[]\n';
  let out = '';
  let column = 0;
  const write = (s: string) => {
    out += s;
    column += [...s].length;
  };
  const newLine = () => {
    out += '\n';
    column = 0;
  };
  const indentTo = (indent: number) => {
    if (out !== '' && column >= indent) newLine();
    write(' '.repeat(indent - column));
  };

  const writePlain = (text: string, indent: number, split: boolean) => {
    const chars = [...text];
    let start = 0;
    let spaces = false;
    for (let end = 0; end <= chars.length; end++) {
      const ch = chars[end];
      if (spaces) {
        if (ch !== ' ') {
          if (start + 1 === end && column > 80 && split) indentTo(indent);
          else write(chars.slice(start, end).join(''));
          start = end;
        }
      } else if (ch === undefined || ch === ' ') {
        write(chars.slice(start, end).join(''));
        start = end;
      }
      spaces = ch === ' ';
    }
  };

  const writeSingle = (text: string, indent: number, split: boolean) => {
    const chars = [...text];
    write("'");
    let start = 0;
    let spaces = false;
    let breaks = false;
    for (let end = 0; end <= chars.length; end++) {
      const ch = chars[end];
      if (spaces) {
        if (ch !== ' ') {
          if (start + 1 === end && column > 80 && split && start !== 0 && end !== chars.length)
            indentTo(indent);
          else write(chars.slice(start, end).join(''));
          start = end;
        }
      } else if (breaks) {
        if (ch === undefined || !YAML_BREAKS.includes(ch)) {
          if (chars[start] === '\n') newLine();
          for (const br of chars.slice(start, end)) {
            if (br !== '\n') out += br;
            newLine();
          }
          write(' '.repeat(indent));
          start = end;
        }
      } else if (ch === undefined || ` ${YAML_BREAKS}'`.includes(ch)) {
        if (start < end) {
          write(chars.slice(start, end).join(''));
          start = end;
        }
      }
      if (ch === "'") {
        write("''");
        start = end + 1;
      }
      if (ch !== undefined) {
        spaces = ch === ' ';
        breaks = YAML_BREAKS.includes(ch);
      }
    }
    write("'");
  };

  const writeDouble = (text: string) => {
    let s = '"';
    for (const ch of text) {
      const c = ch.codePointAt(0)!;
      if (YAML_ESCAPES[ch] !== undefined && (ch === '"' || ch === '\\' || !yamlPrintable(ch) || ch === '\n'))
        s += `\\${YAML_ESCAPES[ch]}`;
      else if ('\x85\u2028\u2029\ufeff'.includes(ch) || !yamlPrintable(ch) || ch === '\n') {
        const hex = c.toString(16).toUpperCase();
        s +=
          c <= 0xff
            ? `\\x${hex.padStart(2, '0')}`
            : c <= 0xffff
              ? `\\u${hex.padStart(4, '0')}`
              : `\\U${hex.padStart(8, '0')}`;
      } else s += ch;
    }
    write(`${s}"`);
  };

  const writeString = (text: string, indent: number, simpleKey: boolean) => {
    const a = analyzeScalar(text);
    const keyTrouble = simpleKey && (a.empty || a.multiline);
    if (!keyTrouble && !a.empty && a.plain && !yamlResolvesElsewhere(text))
      writePlain(text, indent, !simpleKey);
    else if (a.single && !(simpleKey && a.multiline)) writeSingle(text, indent, !simpleKey);
    else writeDouble(text);
  };

  const writeScalar = (v: unknown, indent: number) => {
    if (typeof v === 'string') writeString(v, indent, false);
    else if (typeof v === 'number')
      write(Number.isFinite(v) ? pyNumber(v) : Number.isNaN(v) ? '.nan' : v > 0 ? '.inf' : '-.inf');
    else write(v === null || v === undefined ? 'null' : String(v));
  };

  /** A collection whose first line starts at `indent`; `inline` when a "- " already leads it. */
  const block = (v: unknown, indent: number, inline: boolean) => {
    const items: Array<[string | null, unknown]> = Array.isArray(v)
      ? v.map((x) => [null, x])
      : Object.keys(v as object)
          .sort(byCodePoint)
          .map((k) => [k, (v as Record<string, unknown>)[k]]);
    items.forEach(([key, x], i) => {
      if (i > 0 || !inline) indentTo(indent);
      if (key !== null && ([...key].length >= 128 || analyzeScalar(key).multiline)) {
        // Too long (or multi-line) for a simple key: the explicit "? key" / ": value" form.
        write('? ');
        writeString(key, indent + 2, false);
        indentTo(indent);
        write(':');
      } else if (key !== null) {
        writeString(key, indent, true);
        write(':');
      } else write('-');
      const empty = Array.isArray(x) ? x.length === 0 : isDict(x) && Object.keys(x).length === 0;
      if (isScalar(x) || empty) {
        write(' ');
        if (isScalar(x)) writeScalar(x, indent + 2);
        else write(Array.isArray(x) ? '[]' : '{}');
      } else if (key === null) {
        write(' ');
        block(x, indent + 2, true);
      } else block(x, Array.isArray(x) ? indent : indent + 2, false);
    });
  };
  block(value, 0, false);
  return `${out}\n`;
}
