/**
 * Content-addressed blob directory for large bodies (S3 objects, function packages).
 * A blob is stored once under its SHA-256: `<workspace>/blobs/ab/cdef…`. Writes stream to a
 * temporary file, are fsynced and renamed into place before the caller records the hash in
 * the store, so a journaled reference never points at a missing or partial blob.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, promises as fsp, existsSync, type ReadStream } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { syncDir } from './journal';

export interface BlobInfo {
  hash: string;
  size: number;
}

export class BlobStore {
  constructor(readonly dir: string) {}

  path(hash: string): string {
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new Error(`not a blob hash: ${hash}`);
    return join(this.dir, hash.slice(0, 2), hash.slice(2));
  }

  /** Store bytes or a stream; never holds a stream whole in memory. */
  async put(source: Uint8Array | AsyncIterable<Uint8Array> | Readable): Promise<BlobInfo> {
    const tmpDir = join(this.dir, 'tmp');
    await fsp.mkdir(tmpDir, { recursive: true });
    const tmp = join(tmpDir, `${Date.now()}-${randomBytes(6).toString('hex')}`);
    const hasher = createHash('sha256');
    let size = 0;
    const file = await fsp.open(tmp, 'w');
    try {
      const chunks: AsyncIterable<Uint8Array> =
        source instanceof Uint8Array ? Readable.from([source]) : (source as AsyncIterable<Uint8Array>);
      for await (const chunk of chunks) {
        hasher.update(chunk);
        size += chunk.length;
        let offset = 0;
        while (offset < chunk.length) {
          const { bytesWritten } = await file.write(chunk, offset, chunk.length - offset);
          offset += bytesWritten;
        }
      }
      await file.datasync();
    } catch (e) {
      await file.close();
      await fsp.rm(tmp, { force: true });
      throw e;
    }
    await file.close();
    const hash = hasher.digest('hex');
    const target = this.path(hash);
    if (existsSync(target)) {
      await fsp.rm(tmp, { force: true });
    } else {
      const shard = join(this.dir, hash.slice(0, 2));
      await fsp.mkdir(shard, { recursive: true });
      await fsp.rename(tmp, target);
      await syncDir(shard);
    }
    return { hash, size };
  }

  has(hash: string): boolean {
    return existsSync(this.path(hash));
  }

  async read(hash: string): Promise<Buffer> {
    return fsp.readFile(this.path(hash));
  }

  stream(hash: string, range?: { start: number; end: number }): ReadStream {
    return createReadStream(this.path(hash), range);
  }

  async size(hash: string): Promise<number> {
    return (await fsp.stat(this.path(hash))).size;
  }

  /**
   * Remove blobs nothing refers to any more (the caller decides what is referenced). Only files
   * older than `before` go: a body written since — not yet recorded by its transaction — stays,
   * so collection can run while requests are served.
   */
  async collect(isReferenced: (hash: string) => boolean, before = Date.now()): Promise<number> {
    let removed = 0;
    let shards: string[];
    try {
      shards = await fsp.readdir(this.dir);
    } catch {
      return 0;
    }
    const old = async (path: string) => (await fsp.stat(path).catch(() => null))?.mtimeMs ?? Infinity;
    for (const shard of shards) {
      if (!/^[0-9a-f]{2}$/.test(shard)) continue;
      for (const rest of await fsp.readdir(join(this.dir, shard))) {
        const path = join(this.dir, shard, rest);
        if (!isReferenced(shard + rest) && (await old(path)) < before) {
          await fsp.rm(path, { force: true });
          removed++;
        }
      }
    }
    // Temporary files of uploads cut off by a crash.
    const tmp = join(this.dir, 'tmp');
    for (const name of await fsp.readdir(tmp).catch(() => [] as string[])) {
      if ((await old(join(tmp, name))) < before) await fsp.rm(join(tmp, name), { force: true });
    }
    return removed;
  }
}
