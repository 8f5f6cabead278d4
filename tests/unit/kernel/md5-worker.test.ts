/**
 * The off-thread MD5 (kernel/md5-worker.ts): the same digest as createHash('md5') for any split
 * of the bytes, jobs interleaved without mixing, and back-pressure once a job is far ahead.
 */
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { md5Job } from '../../../electron/core/kernel/md5-worker';

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

/** `bytes` cut into pieces of the given sizes, cycling. */
function pieces(bytes: Buffer, sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const n = sizes[i % sizes.length]!;
    out.push(bytes.subarray(at, at + n));
    at += n;
  }
  return out;
}

describe('md5Job', () => {
  it('digests like createHash, whatever the chunk sizes', async () => {
    for (const [size, cuts] of [
      [0, [1]],
      [1, [1]],
      [300 * 1024 + 7, [65536]],
      [3 * 1024 * 1024 + 1, [1, 1000, 65536, 300 * 1024]],
    ] as Array<[number, number[]]>) {
      const bytes = randomBytes(size);
      const job = md5Job();
      for (const piece of pieces(bytes, cuts)) await job.update(piece);
      expect(await job.digest(), `size ${size}`).toBe(md5(bytes));
    }
  });

  it('keeps jobs apart when their chunks interleave', async () => {
    const bodies = [randomBytes(700 * 1024), randomBytes(1024 * 1024 + 5), randomBytes(123)];
    const jobs = bodies.map(() => md5Job());
    const cut = bodies.map((b) => pieces(b, [65536]));
    for (let i = 0; i < Math.max(...cut.map((c) => c.length)); i++) {
      for (let j = 0; j < jobs.length; j++) if (cut[j]![i]) await jobs[j]!.update(cut[j]![i]!);
    }
    expect(await Promise.all(jobs.map((j) => j.digest()))).toEqual(bodies.map(md5));
  });

  it('asks the caller to wait once far ahead of the worker, and a dropped job harms no other', async () => {
    const job = md5Job();
    const chunk = randomBytes(1024 * 1024);
    let waits = 0;
    const all: Buffer[] = [];
    for (let i = 0; i < 24; i++) {
      all.push(chunk);
      const wait = job.update(chunk);
      if (wait) {
        waits++;
        await wait;
      }
    }
    // 24 MiB sent without waiting for the worker: more than the 8 MiB it may hold.
    expect(waits).toBeGreaterThan(0);
    const dropped = md5Job();
    await dropped.update(randomBytes(512 * 1024));
    dropped.drop();
    expect(await job.digest()).toBe(md5(Buffer.concat(all)));
  });
});
