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
