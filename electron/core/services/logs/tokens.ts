/**
 * Event IDs and the tokens that page through events.
 *
 * An event's position is (timestamp, seq): its timestamp, then the order it was ingested in.
 * AWS's event IDs are 56-digit numbers whose high bits are the timestamp; ours are the same
 * shape, `timestamp << 144 | seq`, so they sort as the events do. GetLogEvents' tokens are
 * `f/<position>/s` and `b/<position>/s` as on AWS: a forward token reads what comes after the
 * position, a backward token what comes before it, so asking again with a token when nothing
 * new arrived gives the same token back — how pollers (the SDK's paginator, tails) know to stop.
 */
import { invalidNextToken } from './errors';

const SHIFT = 144n;
const SEQ_MASK = (1n << SHIFT) - 1n;

/** A position between or at events: compare (timestamp, seq) pairs. */
export interface Position {
  timestamp: number;
  seq: number;
}

export function positionKey(p: Position): bigint {
  return (BigInt(p.timestamp) << SHIFT) | BigInt(p.seq);
}

export function positionOf(key: bigint): Position {
  const timestamp = key >> SHIFT;
  const seq = key & SEQ_MASK;
  if (timestamp > BigInt(Number.MAX_SAFE_INTEGER)) throw invalidNextToken();
  // Below an event of the next millisecond: any seq the store can hold.
  const s = seq > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(seq);
  return { timestamp: Number(timestamp), seq: s };
}

export function eventId(p: Position): string {
  return positionKey(p).toString().padStart(56, '0');
}

export type Direction = 'f' | 'b';

export function cursorToken(direction: Direction, key: bigint): string {
  return `${direction}/${(key < 0n ? 0n : key).toString().padStart(56, '0')}/s`;
}

export function parseCursorToken(token: string): { direction: Direction; key: bigint } {
  const m = /^([fb])\/(\d{1,80})\/s$/.exec(token);
  if (!m) throw invalidNextToken();
  const key = BigInt(m[2]!);
  positionOf(key); // in range
  return { direction: m[1] as Direction, key };
}

/** Opaque page tokens (DescribeLogGroups, DescribeLogStreams, FilterLogEvents). */
export function encodePageToken(value: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodePageToken(token: string): Record<string, unknown> {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // falls through
  }
  throw invalidNextToken();
}
