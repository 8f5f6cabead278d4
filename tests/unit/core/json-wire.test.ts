/** The console's wire JSON carries bytes as base64: the same text Node's own encoder makes, both ways. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeWire, encodeWire } from '../../../electron/contract/json-wire';

describe('json-wire bytes', () => {
  it('round-trip every tail length and a large body, matching Buffer base64', () => {
    for (const size of [0, 1, 2, 3, 4, 5, 6, 7, 100, 65_537, 3 * 1024 * 1024 + 1]) {
      const bytes = new Uint8Array(randomBytes(size));
      const text = encodeWire({ Body: bytes });
      expect(JSON.parse(text)).toEqual({ Body: { $bytes: Buffer.from(bytes).toString('base64') } });
      const back = decodeWire(text) as { Body: Uint8Array };
      expect(Buffer.from(back.Body).equals(Buffer.from(bytes))).toBe(true);
    }
  });
});
