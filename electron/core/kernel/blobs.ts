/**
 * Content-addressed blob directory for large bodies (S3 objects, function packages).
 * A blob is stored once under its SHA-256: `<workspace>/blobs/ab/cdef…`. Writes stream to a
 * temporary file and are renamed into place (fsynced first under the 'always' sync policy) before
 * the caller records the hash in the store, so a journaled reference never points at a missing or
 * partial blob.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  promises as fsp,
  readSync,
  renameSync,
  writeSync,
  writevSync,
  type ReadStream,
} from 'node:fs';

import { join } from 'node:path';
import { Readable } from 'node:stream';
import { syncDir, type SyncPolicy } from './journal';
import { borrow } from './read-buffers';

/**
 * Bodies up to this size are written at once, synchronously (see put). As large as a write
 * batch: a body that size is gathered into one buffer either way, and one write(2) from this
 * thread costs less than opening, writing, closing and renaming through the thread pool.
 */
const SMALL_BLOB = 1024 * 1024;
/** Larger bodies are written in pieces of about this size. */
const WRITE_BATCH = 1024 * 1024;
/** Blobs are copied into another (putConcat) this much at a time. */
const COPY_BUFFER = 4 * 1024 * 1024;

export interface BlobInfo {
  hash: string;
  size: number;
}

/**
 * The SHA-256 (hex) of a source the caller hashed as its bytes passed, asked for once the source
 * has ended: the blob store then does not hash the same bytes a second time.
 */
export type SourceHash = () => string;

export class BlobStore {
  /** Directories known to exist: made once, not on every put. */
  private readonly made = new Set<string>();

  constructor(
    readonly dir: string,
    private readonly sync: SyncPolicy = 'interval',
  ) {}

  private async ensureDir(dir: string): Promise<void> {
    if (this.made.has(dir)) return;
    await fsp.mkdir(dir, { recursive: true });
    this.made.add(dir);
  }

  path(hash: string): string {
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new Error(`not a blob hash: ${hash}`);
    return join(this.dir, hash.slice(0, 2), hash.slice(2));
  }

  /**
   * Store bytes or a stream; never holds a stream whole in memory. A body that turns out small
   * (the stream ends within SMALL_BLOB bytes) is written in one go on this thread — a write to
   * the page cache costs microseconds, the pool's round trips a millisecond. `hashedBy`: the
   * caller already hashes the bytes (see SourceHash).
   */
  async put(
    source: Uint8Array | AsyncIterable<Uint8Array> | Readable,
    hashedBy?: SourceHash,
  ): Promise<BlobInfo> {
    const chunks: AsyncIterable<Uint8Array> =
      source instanceof Uint8Array ? Readable.from([source]) : (source as AsyncIterable<Uint8Array>);
    const iterator = chunks[Symbol.asyncIterator]();
    const head: Uint8Array[] = [];
    let headSize = 0;
    for (;;) {
      if (headSize > SMALL_BLOB) return this.putStream(head, iterator, hashedBy);
      const next = await iterator.next();
      if (next.done) break;
      head.push(next.value);
      headSize += next.value.length;
    }
    if (this.sync === 'always') return this.putStream(head, iterator, hashedBy);
    return this.putSmall(head, headSize, hashedBy);
  }

  /** Chunks written as they are (one writev, no gathering copy), then renamed into place. */
  private putSmall(chunks: Uint8Array[], size: number, hashedBy?: SourceHash): BlobInfo {
    let hash = hashedBy?.();
    if (hash === undefined) {
      const hasher = createHash('sha256');
      for (const chunk of chunks) hasher.update(chunk);
      hash = hasher.digest('hex');
    }
    const target = this.path(hash);
    if (!existsSync(target)) {
      const tmpDir = join(this.dir, 'tmp');
      const shard = join(this.dir, hash.slice(0, 2));
      for (const dir of [tmpDir, shard]) {
        if (!this.made.has(dir)) mkdirSync(dir, { recursive: true });
        this.made.add(dir);
      }
      const tmp = join(tmpDir, `${Date.now()}-${randomBytes(6).toString('hex')}`);
      const fd = openSync(tmp, 'w');
      try {
        writeAllSync(fd, chunks, size);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, target);
    }
    return { hash, size };
  }

  private async putStream(
    head: Uint8Array[],
    rest: AsyncIterator<Uint8Array>,
    hashedBy?: SourceHash,
  ): Promise<BlobInfo> {
    const hasher = hashedBy ? undefined : createHash('sha256');
    let size = 0;
    const tmp = await this.writeTemp(async (write) => {
      const chunks = (async function* () {
        yield* head;
        for (;;) {
          const next = await rest.next();
          if (next.done) return;
          yield next.value;
        }
      })();
      // Socket chunks are ~64 KiB: gathered into writes of a MiB or more, so a large body costs
      // a few dozen trips through the thread pool rather than thousands.
      let batch: Uint8Array[] = [];
      let batched = 0;
      for await (const chunk of chunks) {
        hasher?.update(chunk);
        size += chunk.length;
        batch.push(chunk);
        batched += chunk.length;
        if (batched >= WRITE_BATCH) {
          const full = batch;
          const length = batched;
          batch = [];
          batched = 0;
          await write(full, length);
        }
      }
      if (batched > 0) void write(batch, batched);
    });
    const hash = hasher ? hasher.digest('hex') : hashedBy!();
    await this.commit(tmp, hash);
    return { hash, size };
  }

  /**
   * Store the concatenation of `pieces` (blobs to copy, by hash, or bytes) under `address`, an
   * address the caller chose: S3 names an object assembled from uploaded parts after its parts
   * (see S3's bodies.ts assemble), so a GiB is copied once and not hashed again. Copied in large
   * reads and writes through two buffers, not a stream.
   */
  async putConcat(address: string, pieces: Array<string | Uint8Array>): Promise<BlobInfo> {
    let size = 0;
    if (existsSync(this.path(address))) {
      for (const piece of pieces)
        size += typeof piece === 'string' ? (await fsp.stat(this.path(piece))).size : piece.length;
      return { hash: address, size };
    }
    const tmp = await this.writeTemp(async (write) => {
      // Two buffers: the next read runs while the last one's bytes are written.
      const buffers: Buffer[] = [];
      let turn = 0;
      for (const piece of pieces) {
        if (typeof piece !== 'string') {
          size += piece.length;
          await write([piece], piece.length);
          continue;
        }
        const source = await fsp.open(this.path(piece), 'r');
        try {
          for (;;) {
            // Free: the last write() waited for the write of this buffer's previous bytes. The
            // turn passes only with bytes written, so an empty read at a piece's end keeps it.
            const buffer = (buffers[turn % 2] ??= Buffer.allocUnsafeSlow(COPY_BUFFER));
            const { bytesRead } = await source.read(buffer, 0, buffer.length, null);
            if (bytesRead === 0) break;
            size += bytesRead;
            await write([buffer.subarray(0, bytesRead)], bytesRead);
            turn++;
          }
        } finally {
          await source.close();
        }
      }
    });
    await this.commit(tmp, address);
    return { hash: address, size };
  }

  /**
   * Write a temporary file through `fill`, which hands it chunks with `write`. One write runs
   * while the caller gathers or reads the next: `write` resolves once the write before it is done
   * (so a caller holds two batches at most, and may reuse the buffers of the one before). On any
   * failure the file is removed. Resolves with its path once written (and synced under 'always').
   */
  private async writeTemp(
    fill: (write: (chunks: Uint8Array[], length: number) => Promise<void>) => Promise<void>,
  ): Promise<string> {
    const tmpDir = join(this.dir, 'tmp');
    await this.ensureDir(tmpDir);
    const tmp = join(tmpDir, `${Date.now()}-${randomBytes(6).toString('hex')}`);
    const file = await fsp.open(tmp, 'w');
    let writing: Promise<void> = Promise.resolve();
    const write = (chunks: Uint8Array[], length: number): Promise<void> => {
      const previous = writing;
      writing = previous.then(() => writeAllAsync(file, chunks, length));
      writing.catch(() => undefined); // awaited by the next write or below, not left unhandled
      return previous;
    };
    try {
      await fill(write);
      await writing;
      // Written to the OS is enough to survive the process dying; the 'always' policy also
      // waits for the disk (see journal.ts).
      if (this.sync === 'always') await file.datasync();
    } catch (e) {
      await writing.catch(() => undefined);
      await file.close();
      await fsp.rm(tmp, { force: true });
      throw e;
    }
    await file.close();
    return tmp;
  }

  /** Move a written temporary file to its address, or drop it if the address has those bytes. */
  private async commit(tmp: string, hash: string): Promise<void> {
    const target = this.path(hash);
    if (existsSync(target)) {
      await fsp.rm(tmp, { force: true });
      return;
    }
    const shard = join(this.dir, hash.slice(0, 2));
    await this.ensureDir(shard);
    await fsp.rename(tmp, target);
    if (this.sync === 'always') await syncDir(shard);
  }

  has(hash: string): boolean {
    return existsSync(this.path(hash));
  }

  /**
   * A small body's bytes (start to end inclusive), read at once: one open and one read from the
   * page cache costs less than a stream's round trips through the thread pool.
   */
  readSmall(hash: string, range?: { start: number; end: number }): Buffer {
    const fd = openSync(this.path(hash), 'r');
    try {
      const start = range?.start ?? 0;
      const length = range ? range.end - range.start + 1 : fstatSync(fd).size;
      // Often a GetObject's answer: a reused buffer the HTTP adapter gives back after writing.
      const out = borrow(length);
      let read = 0;
      while (read < length) {
        const n = readSync(fd, out, read, length - read, start + read);
        if (n === 0) break;
        read += n;
      }
      return read === length ? out : out.subarray(0, read);
    } finally {
      closeSync(fd);
    }
  }

  async read(hash: string): Promise<Buffer> {
    return fsp.readFile(this.path(hash));
  }

  stream(hash: string, range?: { start: number; end: number }): ReadStream {
    // 1 MiB reads: a large body in a few dozen trips through the thread pool.
    return createReadStream(this.path(hash), { ...range, highWaterMark: WRITE_BATCH });
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

/** Write chunks with one writev (no gathering copy); what a short write left, after. */
function writeAllSync(fd: number, chunks: Uint8Array[], length: number): void {
  const written = writevSync(fd, chunks);
  if (written === length) return;
  const rest = Buffer.concat(chunks).subarray(written);
  for (let at = 0; at < rest.length;) at += writeSync(fd, rest, at, rest.length - at);
}

/** Write gathered chunks with one writev (no gathering copy); what a short write left, after. */
async function writeAllAsync(file: fsp.FileHandle, chunks: Uint8Array[], length: number): Promise<void> {
  const { bytesWritten } = await file.writev(chunks);
  if (bytesWritten === length) return;
  const rest = Buffer.concat(chunks).subarray(bytesWritten);
  for (let at = 0; at < rest.length;) at += (await file.write(rest, at, rest.length - at)).bytesWritten;
}
