/**
 * Reused read buffers (kernel/read-buffers.ts): a slab is lent to one body at a time and comes
 * back only through releaseAfterWrite of that body.
 */
import { describe, expect, it } from 'vitest';
import {
  borrow,
  POOLED_FROM,
  POOLED_UP_TO,
  releaseAfterWrite,
  shrink,
} from '../../../electron/core/kernel/read-buffers';

const sameMemory = (a: Uint8Array, b: Uint8Array) => a.buffer === b.buffer;

describe('read buffers', () => {
  it('lends a slab to one body at a time, and reuses it once released', () => {
    const a = borrow(POOLED_UP_TO);
    const b = borrow(POOLED_UP_TO);
    expect(a.length).toBe(POOLED_UP_TO);
    expect(sameMemory(a, b)).toBe(false);
    releaseAfterWrite(a);
    const c = borrow(POOLED_UP_TO - 10);
    expect(c.length).toBe(POOLED_UP_TO - 10);
    expect(sameMemory(a, c)).toBe(true);
    // b is still out: never handed to anyone else.
    const d = borrow(POOLED_UP_TO);
    expect(sameMemory(b, d)).toBe(false);
    expect(sameMemory(c, d)).toBe(false);
  });

  it('ignores what it did not lend, and a release twice lends the slab once', () => {
    const own = Buffer.alloc(POOLED_FROM);
    releaseAfterWrite(own);
    expect(sameMemory(borrow(POOLED_FROM), own)).toBe(false);
    const x = borrow(POOLED_FROM * 2);
    releaseAfterWrite(x);
    releaseAfterWrite(x);
    const y = borrow(POOLED_FROM * 2);
    const z = borrow(POOLED_FROM * 2);
    expect(sameMemory(x, y)).toBe(true);
    expect(sameMemory(y, z)).toBe(false);
  });

  it('a shrunk view keeps the loan: the slab comes back through it, not through the wider one', () => {
    const wide = borrow(POOLED_UP_TO);
    const narrow = shrink(wide, 1000);
    expect(narrow.length).toBe(1000);
    expect(sameMemory(narrow, wide)).toBe(true);
    releaseAfterWrite(wide); // no longer the loan's name: ignored
    expect(sameMemory(borrow(POOLED_UP_TO), wide)).toBe(false);
    releaseAfterWrite(narrow);
    expect(sameMemory(borrow(POOLED_UP_TO), wide)).toBe(true);
    const own = Buffer.alloc(10);
    expect(shrink(own, 4).length).toBe(4);
  });

  it('allocates outside the pooled range as usual', () => {
    const small = borrow(POOLED_FROM - 1);
    const large = borrow(POOLED_UP_TO + 1);
    expect(small.length).toBe(POOLED_FROM - 1);
    expect(large.length).toBe(POOLED_UP_TO + 1);
    releaseAfterWrite(large);
    expect(sameMemory(borrow(POOLED_UP_TO + 1), large)).toBe(false);
  });
});

describe('the HTTP adapter and read buffers', () => {
  it('gives a body back only once the socket has taken it', async () => {
    const { writeResponse } = await import('../../../electron/gateway/gateway');
    let finished: (() => void) | undefined;
    const res = {
      headersSent: false,
      statusCode: 0,
      headers: new Map<string, unknown>(),
      setHeader(k: string, v: unknown) {
        this.headers.set(k, v);
      },
      hasHeader(k: string) {
        return this.headers.has(k);
      },
      end(_body: unknown, cb?: () => void) {
        finished = cb; // the write has not completed yet
      },
    };
    const body = borrow(POOLED_UP_TO);
    writeResponse(res as never, { status: 200, headers: {}, body });
    const meanwhile = borrow(POOLED_UP_TO);
    expect(sameMemory(meanwhile, body)).toBe(false);
    finished!();
    expect(sameMemory(borrow(POOLED_UP_TO), body)).toBe(true);
  });
});
