import { describe, expect, it } from 'vitest';
import type { AttributeValue } from '../../../electron/core/services/dynamodb/attribute-value';
import { compareScalars } from '../../../electron/core/services/dynamodb/compare-values';
import {
  encodeKey,
  partitionHash,
  prefixUpperBound,
  segmentRange,
} from '../../../electron/core/services/dynamodb/key-codec';

/** A small seeded generator, so a failure reproduces. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** SQLite's BLOB order: memcmp, then the shorter first. */
const blobOrder = (a: Uint8Array, b: Uint8Array) => Math.sign(Buffer.compare(a, b));

function randomNumber(r: () => number): string {
  const length = 1 + Math.floor(r() * 38);
  let digits = '';
  for (let i = 0; i < length; i++) digits += Math.floor(r() * 10);
  if (r() < 0.1) return r() < 0.5 ? '0' : '-0.000';
  const sign = r() < 0.5 ? '-' : '';
  // Keep the exponent inside -130..125: the first digit may be zero, so stay conservative.
  const exp = Math.floor(r() * 200) - 90 - length;
  // Some numbers share a prefix with others, to exercise the "shorter first" rule.
  return `${sign}${digits}e${exp}`;
}

function randomString(r: () => number): string {
  const pool = [
    'a',
    'b',
    'z',
    'A',
    '0',
    ' ',
    'é',
    'ß',
    '\u00ff',
    '\u0100',
    '\uff61',
    '\u{1f600}',
    '\u{10ffff}',
    '\0',
  ];
  let s = '';
  const length = Math.floor(r() * 6);
  for (let i = 0; i < length; i++) s += pool[Math.floor(r() * pool.length)];
  return s;
}

function randomBinary(r: () => number): Uint8Array {
  const pool = [0, 1, 0x7f, 0x80, 0xfe, 0xff];
  return Uint8Array.from({ length: Math.floor(r() * 5) }, () => pool[Math.floor(r() * pool.length)]!);
}

function checkOrder(values: AttributeValue[]): void {
  const encoded = values.map(encodeKey);
  for (let i = 0; i < values.length; i++) {
    for (let j = 0; j < values.length; j++) {
      const expected = compareScalars(values[i]!, values[j]!);
      const actual = blobOrder(encoded[i]!, encoded[j]!);
      if (actual !== expected) {
        throw new Error(
          `order of ${JSON.stringify(values[i])} and ${JSON.stringify(values[j])}: ${actual} != ${expected}`,
        );
      }
    }
  }
}

describe('key codec', () => {
  it('orders numbers as numbers', () => {
    const r = rng(1);
    const numbers = Array.from({ length: 300 }, () => randomNumber(r));
    // Hand-picked neighbours: prefixes, extremes, carries across the exponent.
    numbers.push(
      '1',
      '1.2',
      '1.23',
      '-1',
      '-1.2',
      '-1.23',
      '10',
      '9.99',
      '-10',
      '-9.99',
      '1e-130',
      '-1e-130',
    );
    numbers.push(
      '9.9999999999999999999999999999999999999E+125',
      '-9.9999999999999999999999999999999999999E+125',
    );
    checkOrder(numbers.map((N) => ({ N })));
  });

  it('encodes equal numbers identically', () => {
    expect(encodeKey({ N: '1.50' })).toEqual(encodeKey({ N: '15e-1' }));
    expect(encodeKey({ N: '-0' })).toEqual(encodeKey({ N: '0' }));
  });

  it('orders strings by UTF-8 bytes and binaries unsigned', () => {
    const r = rng(2);
    checkOrder(Array.from({ length: 200 }, () => ({ S: randomString(r) })));
    checkOrder(Array.from({ length: 200 }, () => ({ B: randomBinary(r) })));
  });

  it('bounds prefixes', () => {
    expect(prefixUpperBound(Uint8Array.of(0x61, 0x62))).toEqual(Uint8Array.of(0x61, 0x63));
    expect(prefixUpperBound(Uint8Array.of(0x61, 0xff, 0xff))).toEqual(Uint8Array.of(0x62));
    expect(prefixUpperBound(Uint8Array.of(0xff))).toBeNull();
    expect(prefixUpperBound(new Uint8Array())).toBeNull();
    const r = rng(3);
    for (let i = 0; i < 300; i++) {
      const prefix = randomBinary(r);
      const other = randomBinary(r);
      const bound = prefixUpperBound(prefix);
      const startsWith = Buffer.from(other).subarray(0, prefix.length).equals(prefix);
      const inRange = blobOrder(other, prefix) >= 0 && (bound === null || blobOrder(other, bound) < 0);
      expect(inRange).toBe(startsWith);
    }
  });

  it('hashes partition keys into uint32 and tiles segments', () => {
    const h = partitionHash(encodeKey({ S: 'user#1' }));
    expect(Number.isInteger(h) && h >= 0 && h < 2 ** 32).toBe(true);
    expect(partitionHash(encodeKey({ S: 'user#1' }))).toBe(h);
    expect(segmentRange(0, 1)).toEqual([0, 2 ** 32]);
    for (const total of [2, 3, 7, 1000]) {
      let expectedLo = 0;
      for (let s = 0; s < total; s++) {
        const [lo, hi] = segmentRange(s, total);
        expect(lo).toBe(expectedLo);
        expect(hi).toBeGreaterThan(lo);
        expectedLo = hi;
      }
      expect(expectedLo).toBe(2 ** 32);
    }
  });
});
