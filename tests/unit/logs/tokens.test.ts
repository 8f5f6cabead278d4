/** Event IDs and GetLogEvents' f/…/s and b/…/s tokens. */
import { describe, expect, it } from 'vitest';
import {
  cursorToken,
  decodePageToken,
  encodePageToken,
  eventId,
  parseCursorToken,
  positionKey,
  positionOf,
} from '../../../electron/core/services/logs/tokens';

describe('event IDs', () => {
  it('are 56 digits with the timestamp in the high bits, as AWS shows them', () => {
    const id = eventId({ timestamp: 1_684_825_627_000, seq: 1 });
    expect(id).toMatch(/^\d{56}$/);
    expect(id.startsWith('3757')).toBe(true);
  });

  it('sort as the events do: by timestamp, then ingestion order', () => {
    const a = positionKey({ timestamp: 1000, seq: 9 });
    const b = positionKey({ timestamp: 1000, seq: 10 });
    const c = positionKey({ timestamp: 1001, seq: 1 });
    expect(a < b && b < c).toBe(true);
    expect(positionOf(b)).toEqual({ timestamp: 1000, seq: 10 });
  });
});

describe('cursor tokens', () => {
  it('round-trip', () => {
    const key = positionKey({ timestamp: 1_700_000_000_000, seq: 42 });
    const token = cursorToken('f', key);
    expect(token).toMatch(/^f\/\d{56}\/s$/);
    expect(parseCursorToken(token)).toEqual({ direction: 'f', key });
    expect(parseCursorToken(cursorToken('b', key)).direction).toBe('b');
  });

  it("reject anything else with AWS's message", () => {
    for (const bad of ['x/123/s', 'f/abc/s', 'f/123', 'hello']) {
      expect(() => parseCursorToken(bad)).toThrowError('The specified nextToken is invalid.');
    }
  });

  it('page tokens are opaque and checked', () => {
    expect(decodePageToken(encodePageToken({ n: '/aws/lambda/x' }))).toEqual({ n: '/aws/lambda/x' });
    expect(() => decodePageToken('%%%')).toThrowError('The specified nextToken is invalid.');
  });
});
