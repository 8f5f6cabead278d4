import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { BlobStore } from '../../../electron/core/kernel/blobs';
import { tempDir } from '../../support/temp';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

describe('BlobStore', () => {
  it('stores bytes and streams under their SHA-256, once', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const blobs = new BlobStore(t.dir);
    const data = Buffer.from('hello blobs');
    const a = await blobs.put(data);
    expect(a.hash).toBe(createHash('sha256').update(data).digest('hex'));
    expect(a.size).toBe(data.length);
    const b = await blobs.put(Readable.from([Buffer.from('hello '), Buffer.from('blobs')]));
    expect(b).toEqual(a);
    expect(await blobs.read(a.hash)).toEqual(data);
    const chunks: Buffer[] = [];
    for await (const c of blobs.stream(a.hash, { start: 6, end: 10 })) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('blobs');
  });

  it('streams a large body without holding it whole', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const blobs = new BlobStore(t.dir);
    const chunk = Buffer.alloc(1024 * 1024, 7);
    async function* body() {
      for (let i = 0; i < 64; i++) yield chunk;
    }
    const before = process.memoryUsage().arrayBuffers;
    const info = await blobs.put(body());
    expect(info.size).toBe(64 * 1024 * 1024);
    expect(await blobs.size(info.hash)).toBe(info.size);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(48 * 1024 * 1024);
  });

  it('collects blobs nothing refers to', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const blobs = new BlobStore(t.dir);
    const keep = await blobs.put(Buffer.from('keep'));
    const drop = await blobs.put(Buffer.from('drop'));
    // A body written after collection began is not yet referenced by its transaction: it stays.
    expect(await blobs.collect(() => false, 0)).toBe(0);
    expect(await blobs.collect((h) => h === keep.hash, Date.now() + 1000)).toBe(1);
    expect(blobs.has(keep.hash)).toBe(true);
    expect(blobs.has(drop.hash)).toBe(false);
  });
});

describe('BlobStore.putConcat', () => {
  it('joins blobs and bytes in order, across its copy buffer sizes and empty reads at piece ends', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const blobs = new BlobStore(t.dir);
    const MiB = 1024 * 1024;
    // Sizes at and around the 4 MiB copy buffer, each piece's bytes distinct.
    const sizes = [4 * MiB, 1, 9 * MiB + 5, 4 * MiB - 1, 8 * MiB];
    const bodies = sizes.map((size, i) =>
      Buffer.alloc(size, 0x41 + i).fill(0x61 + i, 0, Math.min(size, 100)),
    );
    const stored = [];
    for (const body of bodies) stored.push((await blobs.put(body)).hash);
    const inline = Buffer.from('a piece given as bytes');
    const pieces = [stored[0]!, stored[1]!, inline, stored[2]!, stored[3]!, stored[4]!];
    const whole = Buffer.concat([bodies[0]!, bodies[1]!, inline, bodies[2]!, bodies[3]!, bodies[4]!]);
    const address = 'a'.repeat(64);
    const info = await blobs.putConcat(address, pieces);
    expect(info).toEqual({ hash: address, size: whole.length });
    expect((await blobs.read(address)).equals(whole)).toBe(true);
    // The address is taken: the same call answers without writing again.
    expect(await blobs.putConcat(address, pieces)).toEqual(info);
  });

  it('never reads into a buffer whose bytes are still being written', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const blobs = new BlobStore(t.dir);
    // Pieces of exactly the copy buffer's size: each ends with an empty read, right after a write
    // was started; the next piece's first read must not take that write's buffer.
    const bodies = Array.from({ length: 8 }, (_, i) => Buffer.alloc(4 * 1024 * 1024, 0x41 + i));
    const hashes = [];
    for (const body of bodies) hashes.push((await blobs.put(body)).hash);
    const address = 'b'.repeat(64);
    await blobs.putConcat(address, hashes);
    const got = await blobs.read(address);
    for (const [i, body] of bodies.entries())
      expect(got.subarray(i * body.length, (i + 1) * body.length).equals(body), `piece ${i}`).toBe(true);
  });
});
