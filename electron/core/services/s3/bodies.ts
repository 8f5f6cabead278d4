/**
 * Object bodies: in the workspace's content-addressed blob store (written and fsynced before
 * the metadata transaction that refers to them), or — for an in-memory workspace — in memory,
 * bounded.
 */
import { createHash, hash as oneShotHash, type Hash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Cloud } from '../../cloud';
import type { Tx } from '../../kernel/store';
import type { ServiceRuntime } from '../../service';
import {
  checksumErrors,
  ChecksumSet,
  planChecksum,
  verifyChecksum,
  wireBody,
  type ChecksumAlgorithm,
  type ChecksumInput,
  type Checksums,
} from './checksums';
import { md5Job, OFF_THREAD_MD5_FROM, type Md5Job } from '../../kernel/md5-worker';
import { errors } from './errors';
import { LifecycleScheduler } from './lifecycle';

/** Bodies up to this size are kept in the store rather than in a file of their own. */
export const INLINE_BODY_LIMIT = 8 * 1024;

/** Total object bytes an in-memory workspace keeps. */
export const MEMORY_LIMIT = 512 * 1024 * 1024;

export interface StoredBody {
  hash: string;
  size: number;
  md5: string;
  /**
   * Every checksum computed over the body, base64 as AWS shows them: the object's own
   * (`checksumAlgorithm`) and any `PutOptions.compute` asked for.
   */
  checksums: Checksums;
  /** The object's checksum algorithm: the one the request named, if it named one. */
  checksumAlgorithm: ChecksumAlgorithm | undefined;
  /** Did the request name the algorithm (header, trailer or x-amz-sdk-checksum-algorithm)? */
  checksumRequested: boolean;
  /** Was a value sent (header or aws-chunked trailer) and found equal to the body's? */
  checksumVerified: boolean;
  /**
   * With PutOptions.deferRow, a small body not stored yet: the caller's own transaction stores it
   * (keepBody) together with the row that refers to it — one journal write instead of two.
   */
  row?: Buffer;
}

export interface PutOptions {
  /**
   * The request's checksum members — PutObject or UploadPart input as decoded (ChecksumAlgorithm,
   * ChecksumCRC32, …). Checked before the body is read (InvalidRequest), verified against the
   * body, or against the aws-chunked trailer the gateway decoded, after it (BadDigest); a body
   * that fails is not stored.
   */
  checksum?: ChecksumInput;
  /** More algorithms to compute in the same pass (e.g. an upload's FULL_OBJECT CRC). */
  compute?: readonly ChecksumAlgorithm[];
  /**
   * Leave a small body for the caller to store with keepBody() in the transaction that records
   * it (StoredBody.row), instead of in a write of its own.
   */
  deferRow?: boolean;
}

/** Store a small body put() left to the caller (PutOptions.deferRow), in the caller's transaction. */
export function keepBody(tx: Tx, body: StoredBody): void {
  if (body.row) tx.run('INSERT OR IGNORE INTO s3_bodies (hash, data) VALUES (?, ?)', [body.hash, body.row]);
}

export type BodySource = Readable | AsyncIterable<Uint8Array> | Uint8Array | string | undefined;

export class S3Runtime implements ServiceRuntime {
  private readonly memory = new Map<string, Buffer>();
  private memoryBytes = 0;

  /** Lifecycle rules, applied at every simulated midnight. */
  readonly lifecycle: LifecycleScheduler;

  constructor(readonly cloud: Cloud) {
    this.lifecycle = new LifecycleScheduler(cloud, (blobs) => this.release(blobs));
    // Small bodies no object, version or part refers to any more (as the blob files are
    // collected at start-up); runs before any request, as the cloud opens.
    void cloud.store.write((tx) =>
      tx.run(
        // Per row, an index lookup in each table (their blob indexes), not a scan of every object.
        `DELETE FROM s3_bodies WHERE
           NOT EXISTS (SELECT 1 FROM s3_objects WHERE blob = s3_bodies.hash) AND
           NOT EXISTS (SELECT 1 FROM s3_versions WHERE blob = s3_bodies.hash) AND
           NOT EXISTS (SELECT 1 FROM s3_parts WHERE blob = s3_bodies.hash)`,
      ),
    );
  }

  close(): void {
    this.lifecycle.stop();
    this.memory.clear();
    this.memoryBytes = 0;
  }

  /**
   * Store a body whole; resolves once it is durable (blob store) or held (memory). Checksums
   * are computed as the bytes pass (no second read) and checked at the end, before the blob is
   * committed.
   */
  async put(source: BodySource, options: PutOptions = {}): Promise<StoredBody> {
    const wire = wireBody(source);
    const plan = planChecksum(options.checksum, wire);
    // S3 gives every new object a CRC64NVME; Cloud Lab's API model cannot return that member
    // yet, so an object gets a checksum only when the request names one (see checksums.ts).
    const algorithm = plan.algorithm;
    const sums = new ChecksumSet([...(algorithm ? [algorithm] : []), ...(options.compute ?? [])]);
    // Bytes at hand and small streams hash here; a large stream's MD5 goes to the worker. Bytes
    // at hand are hashed with one-shot calls: a Hash object costs more than a small body's hash.
    let md5Hash: Hash | undefined;
    const md5 = (): Hash => (md5Hash ??= createHash('md5'));
    let md5Off: Md5Job | undefined;
    let md5Hex: string | undefined;
    let checksums: Checksums | undefined;
    const finish = (): Checksums => {
      checksums = sums.digest();
      verifyChecksum(plan, checksums, wire);
      return checksums;
    };
    const described = (hash: string, size: number): StoredBody => ({
      hash,
      size,
      md5: md5Hex ?? md5().digest('hex'),
      checksums: checksums ?? {},
      checksumAlgorithm: algorithm,
      checksumRequested: plan.algorithm !== undefined,
      checksumVerified: plan.source !== 'none',
    });
    // A small body is a row of the store: in its own acknowledged write, or in the caller's
    // transaction with the row that refers to it (PutOptions.deferRow, keepBody).
    const kept = async (hash: string, data: Buffer): Promise<StoredBody> => {
      const body = described(hash, data.length);
      if (options.deferRow) return { ...body, row: data };
      await this.cloud.store.write((tx) => keepBody(tx, { ...body, row: data }));
      return body;
    };
    const blobs = this.cloud.store.blobs;
    if (blobs && source instanceof Uint8Array) {
      // Bytes at hand (a small upload the gateway read whole, an in-process caller): one pass,
      // no stream. SHA-256 is both the content address and, when one was sent, the check of
      // x-amz-content-sha256 — a stream's check fails before the checksums are compared, so here too.
      const data = Buffer.from(source.buffer, source.byteOffset, source.byteLength);
      md5Hex = oneShotHash('md5', data, 'hex');
      sums.update(data);
      const expected = wire?.payloadSha256;
      const sha = oneShotHash('sha256', data, 'hex');
      if (expected !== undefined && sha !== expected)
        throw checksumErrors.contentSha256Mismatch(expected, sha);
      finish();
      if (data.length <= INLINE_BODY_LIMIT) return kept(sha, data);
      const { hash, size } = await blobs.put(data, () => sha);
      return described(hash, size);
    }
    const chunks = toChunks(source);
    if (blobs) {
      // One SHA-256 as the bytes pass: the check of a signed x-amz-content-sha256 (before the
      // checksums, as a stream's check would fail) and the blob's content address.
      const expected = wire?.payloadSha256;
      const sha = createHash('sha256');
      let shaHex = '';
      // The first chunks are held back from MD5 until the body proves large enough for the worker.
      let held: Uint8Array[] = [];
      let heldSize = 0;
      const tapped = (async function* () {
        try {
          yield* hashed();
        } finally {
          // An upload that failed or was cut leaves nothing behind in the worker.
          if (md5Off && md5Hex === undefined) md5Off.drop();
        }
      })();
      async function* hashed(): AsyncGenerator<Uint8Array> {
        for await (const chunk of chunks) {
          sha.update(chunk);
          sums.update(chunk);
          if (md5Off) {
            await md5Off.update(chunk);
          } else {
            held.push(chunk);
            heldSize += chunk.length;
            if (heldSize >= OFF_THREAD_MD5_FROM) {
              md5Off = md5Job();
              for (const c of held) await md5Off.update(c);
              held = [];
            }
          }
          yield chunk;
        }
        // Thrown inside the stream, so the blob store drops its temporary file.
        shaHex = sha.digest('hex');
        if (expected !== undefined && shaHex !== expected)
          throw checksumErrors.contentSha256Mismatch(expected, shaHex);
        finish();
        if (md5Off) md5Hex = await md5Off.digest();
        else for (const c of held) md5().update(c);
      }
      // A small body goes into the store (a row, in its own acknowledged write) instead of a
      // file: creating and renaming a file costs more than the rest of a small PutObject.
      const head: Uint8Array[] = [];
      let headSize = 0;
      for (;;) {
        if (headSize > INLINE_BODY_LIMIT) {
          const rest = tapped;
          const { hash, size } = await blobs.put(
            (async function* () {
              yield* head;
              yield* rest;
            })(),
            () => shaHex,
          );
          return described(hash, size);
        }
        const next = await tapped.next();
        if (next.done) break;
        head.push(next.value);
        headSize += next.value.length;
      }
      return kept(shaHex, Buffer.concat(head));
    }
    const sha = createHash('sha256');
    const parts: Buffer[] = [];
    let size = 0;
    for await (const chunk of chunks) {
      size += chunk.length;
      if (this.memoryBytes + size > MEMORY_LIMIT) throw errors.tooLargeForMemory(MEMORY_LIMIT);
      md5().update(chunk);
      sha.update(chunk);
      sums.update(chunk);
      parts.push(Buffer.from(chunk));
    }
    const hash = sha.digest('hex');
    const expected = wire?.payloadSha256;
    if (expected !== undefined && hash !== expected)
      throw checksumErrors.contentSha256Mismatch(expected, hash);
    finish();
    if (!this.memory.has(hash)) {
      this.memory.set(hash, Buffer.concat(parts));
      this.memoryBytes += size;
    }
    return described(hash, size);
  }

  /**
   * The body of a completed multipart upload: its parts' bytes, in order, as one body. On disk it
   * is not hashed again: its address is the SHA-256 of its parts' addresses and sizes (unique to
   * those bytes as theirs are), so completing a GiB costs one copy, not a copy, an MD5 and a
   * SHA-256. The ETag of such an object comes from the parts' MD5s, not from this.
   */
  async assemble(parts: Array<{ blob: string; size: number }>): Promise<{ hash: string; size: number }> {
    const blobs = this.cloud.store.blobs;
    const size = parts.reduce((n, p) => n + p.size, 0);
    const nonEmpty = parts.filter((p) => p.size > 0);
    if (!blobs || size <= INLINE_BODY_LIMIT) {
      const read = (hash: string) => this.read(hash);
      return this.put(
        (async function* () {
          for (const part of nonEmpty) for await (const chunk of read(part.blob)) yield chunk as Buffer;
        })(),
      );
    }
    const address = createHash('sha256')
      .update(`cloudlab multipart\n${parts.map((p) => `${p.blob} ${p.size}`).join('\n')}`)
      .digest('hex');
    // A small last part may be a row of the store rather than a file.
    return blobs.putConcat(
      address,
      nonEmpty.map((p) => this.inline(p.blob) ?? p.blob),
    );
  }

  /** A body kept in the store (see put), if this is one. */
  private inline(hash: string, range?: { start: number; end: number }): Buffer | undefined {
    const row = this.cloud.store.get<{ data: Uint8Array }>('SELECT data FROM s3_bodies WHERE hash = ?', [
      hash,
    ]);
    if (!row) return undefined;
    const buf = Buffer.from(row.data.buffer, row.data.byteOffset, row.data.byteLength);
    return range ? buf.subarray(range.start, range.end + 1) : buf;
  }

  /** A small body's bytes (start to end inclusive), at once. */
  readSmall(hash: string, range?: { start: number; end: number }): Buffer {
    const blobs = this.cloud.store.blobs;
    if (blobs) return this.inline(hash, range) ?? blobs.readSmall(hash, range);
    const buf = this.memory.get(hash) ?? Buffer.alloc(0);
    return range ? buf.subarray(range.start, range.end + 1) : buf;
  }

  /** The body's bytes from start to end inclusive, as a stream. */
  read(hash: string, range?: { start: number; end: number }): Readable {
    const blobs = this.cloud.store.blobs;
    if (blobs) {
      const kept = this.inline(hash, range);
      return kept ? Readable.from([kept]) : blobs.stream(hash, range);
    }
    const buf = this.memory.get(hash) ?? Buffer.alloc(0);
    return Readable.from([range ? buf.subarray(range.start, range.end + 1) : buf]);
  }

  /** The MD5 of a stored body, read back (off this thread when the MD5 worker runs). */
  async md5Of(hash: string): Promise<string> {
    const job = md5Job();
    try {
      for await (const chunk of this.read(hash)) {
        const wait = job.update(chunk as Uint8Array);
        if (wait) await wait;
      }
      return await job.digest();
    } catch (e) {
      job.drop();
      throw e;
    }
  }

  /** Forget in-memory bodies no object refers to any more. */
  release(hashes: string[]): void {
    if (this.cloud.store.blobs) return; // on disk: collected by BlobStore.collect()
    for (const hash of hashes) {
      const used =
        this.cloud.store.get('SELECT 1 AS x FROM s3_objects WHERE blob = ? LIMIT 1', [hash]) ??
        this.cloud.store.get('SELECT 1 AS x FROM s3_versions WHERE blob = ? LIMIT 1', [hash]) ??
        this.cloud.store.get('SELECT 1 AS x FROM s3_parts WHERE blob = ? LIMIT 1', [hash]);
      const buf = this.memory.get(hash);
      if (!used && buf) {
        this.memory.delete(hash);
        this.memoryBytes -= buf.length;
      }
    }
  }
}

async function* toChunks(source: BodySource): AsyncGenerator<Uint8Array> {
  if (source === undefined) return;
  if (typeof source === 'string') {
    yield Buffer.from(source, 'utf8');
    return;
  }
  if (source instanceof Uint8Array) {
    if (source.length > 0) yield source;
    return;
  }
  for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
    yield typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
  }
}

export function s3Runtime(cloud: Cloud): S3Runtime {
  return cloud.runtime<S3Runtime>('s3');
}
