/**
 * Scalar conversions shared by the codecs: timestamps in AWS's three wire formats, blobs as
 * base64, and numbers. Parsing failures return undefined; the codec turns that into the
 * protocol's own validation error.
 */
import type { TimestampFormat } from '../model';

export function formatTimestamp(value: unknown, format: TimestampFormat): string | number | undefined {
  const d = toDate(value);
  if (!d) return undefined;
  switch (format) {
    case 'unixTimestamp':
      return d.getTime() / 1000;
    case 'rfc822':
      return d.toUTCString();
    default:
      return d.toISOString();
  }
}

export function toDate(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value === 'number') return new Date(value * 1000);
  if (typeof value === 'string') return parseTimestamp(value);
  return undefined;
}

/** Accepts ISO 8601, RFC 822/7231 HTTP dates and epoch seconds, as AWS services do. */
export function parseTimestamp(text: string): Date | undefined {
  const s = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(s)) return new Date(Number(s) * 1000);
  if (/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i.test(s)) {
    const d = new Date(s);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  if (/^[A-Za-z]{3},? \d{1,2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} (GMT|UTC|[+-]\d{4})$/.test(s)) {
    const d = new Date(s);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}

export function toBase64(value: unknown): string {
  if (typeof value === 'string') return Buffer.from(value, 'utf8').toString('base64');
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  return '';
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
export function fromBase64(text: string): Uint8Array | undefined {
  const s = text.replace(/\s+/g, '');
  if (s.length % 4 === 1 || !BASE64.test(s)) return undefined;
  return new Uint8Array(Buffer.from(s, 'base64'));
}

export function parseInteger(text: string): number | undefined {
  return /^[+-]?\d+$/.test(text.trim()) ? Number(text) : undefined;
}

export function parseFloatValue(text: string): number | undefined {
  const s = text.trim();
  if (s === 'NaN') return NaN;
  if (s === 'Infinity') return Infinity;
  if (s === '-Infinity') return -Infinity;
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) ? Number(s) : undefined;
}

export function parseBoolean(text: string): boolean | undefined {
  const s = text.trim().toLowerCase();
  return s === 'true' ? true : s === 'false' ? false : undefined;
}

export function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  return String(n);
}
