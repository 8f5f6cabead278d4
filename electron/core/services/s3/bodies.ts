/**
 * Object bodies: in the workspace's content-addressed blob store (written and fsynced before
 * the metadata transaction that refers to them), or — for an in-memory workspace — in memory,
 * bounded.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Cloud } from '../../cloud';
import type { ServiceRuntime } from '../../service';
import { errors } from './errors';

/** Total object bytes an in-memory workspace keeps. */
export const MEMORY_LIMIT = 512 * 1024 * 1024;

export interface StoredBody {
  hash: string;
  size: number;
  md5: string;
}

export type BodySource = Readable | AsyncIterable<Uint8Array> | Uint8Array | string | undefined;

export class S3Runtime implements ServiceRuntime {
  private readonly memory = new Map<string, Buffer>();
  private memoryBytes = 0;

  constructor(readonly cloud: Cloud) {}

  close(): void {
    this.memory.clear();
    this.memoryBytes = 0;
  }

  /** Store a body whole; resolves once it is durable (blob store) or held (memory). */
  async put(source: BodySource): Promise<StoredBody> {
    const md5 = createHash('md5');
    const chunks = toChunks(source);
    const blobs = this.cloud.store.blobs;
    if (blobs) {
      const tapped = (async function* () {
        for await (const chunk of chunks) {
          md5.update(chunk);
          yield chunk;
        }
      })();
      const { hash, size } = await blobs.put(tapped);
      return { hash, size, md5: md5.digest('hex') };
    }
    const sha = createHash('sha256');
    const parts: Buffer[] = [];
    let size = 0;
    for await (const chunk of chunks) {
      size += chunk.length;
      if (this.memoryBytes + size > MEMORY_LIMIT) throw errors.tooLargeForMemory(MEMORY_LIMIT);
      md5.update(chunk);
      sha.update(chunk);
      parts.push(Buffer.from(chunk));
    }
    const hash = sha.digest('hex');
    if (!this.memory.has(hash)) {
      this.memory.set(hash, Buffer.concat(parts));
      this.memoryBytes += size;
    }
    return { hash, size, md5: md5.digest('hex') };
  }

  /** The body's bytes from start to end inclusive, as a stream. */
  read(hash: string, range?: { start: number; end: number }): Readable {
    const blobs = this.cloud.store.blobs;
    if (blobs) return blobs.stream(hash, range);
    const buf = this.memory.get(hash) ?? Buffer.alloc(0);
    return Readable.from([range ? buf.subarray(range.start, range.end + 1) : buf]);
  }

  /** Forget in-memory bodies no object refers to any more. */
  release(hashes: string[]): void {
    if (this.cloud.store.blobs) return; // on disk: collected by BlobStore.collect()
    for (const hash of hashes) {
      const used =
        this.cloud.store.get('SELECT 1 AS x FROM s3_objects WHERE blob = ? LIMIT 1', [hash]) ??
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
