/**
 * MD5 on another thread, for large bodies. S3 needs an object's MD5 (its ETag) and its SHA-256
 * (its content address) and usually a CRC32 (the SDKs' default checksum); on one thread a MiB
 * costs about 1.9 ms of MD5 plus 1.3 ms of the rest. The client is idle while it waits for the
 * answer, so the second core can take the MD5 while this one does the others and the write.
 *
 * One worker serves every upload (jobs are numbered). Chunks are gathered into batches of
 * BATCH bytes, each handed over without a copy (a transferred buffer) and handed back once hashed,
 * to be filled again: one message per socket chunk cost more in cloning than the MD5 it moved.
 * When more than MAX_AHEAD bytes are waiting there, `update` returns a promise to await, so a fast
 * upload cannot pile a body up in the worker's queue (bounded memory, as for the blob write).
 */
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';

/** Bodies at least this long are worth the copies and messages. */
export const OFF_THREAD_MD5_FROM = 256 * 1024;
const BATCH = 256 * 1024;
/** A batch buffer's size: a batch ends with the chunk that reaches BATCH (socket chunks ≤ 64 KiB). */
const BATCH_BUFFER = BATCH + 64 * 1024;
const MAX_AHEAD = 4 * 1024 * 1024;

// The worker's whole program; CommonJS, evaluated from this string so it bundles with the rest.
const PROGRAM = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const jobs = new Map();
parentPort.on('message', (m) => {
  if (m.chunk) {
    let h = jobs.get(m.id);
    if (!h) jobs.set(m.id, (h = createHash('md5')));
    h.update(m.chunk);
    // The buffer goes back to be filled again: dropped here, it would wait for this thread's
    // garbage collector, which a thread that allocates nothing else seldom runs.
    parentPort.postMessage({ id: m.id, done: m.chunk.length, buffer: m.chunk.buffer }, [m.chunk.buffer]);
  } else if (m.end) {
    const h = jobs.get(m.id) ?? createHash('md5');
    jobs.delete(m.id);
    parentPort.postMessage({ id: m.id, digest: h.digest('hex') });
  } else if (m.drop) {
    jobs.delete(m.id);
  }
});
`;

interface Pending {
  ahead: number;
  wake?: () => void;
  digest?: (hex: string) => void;
  fail?: (e: Error) => void;
}

let worker: Worker | undefined;
let failed: Error | undefined;
let nextId = 1;
const pending = new Map<number, Pending>();
/** Batch buffers back from the worker, to fill again (at most what MAX_AHEAD keeps in flight). */
const spare: Buffer[] = [];

function start(): Worker | undefined {
  if (worker || failed) return worker;
  try {
    worker = new Worker(PROGRAM, { eval: true });
  } catch (e) {
    failed = e instanceof Error ? e : new Error(String(e));
    return undefined;
  }
  worker.unref();
  worker.on('message', (m: { id: number; done?: number; digest?: string; buffer?: ArrayBuffer }) => {
    if (m.buffer?.byteLength === BATCH_BUFFER && spare.length < MAX_AHEAD / BATCH + 2)
      spare.push(Buffer.from(m.buffer));
    const job = pending.get(m.id);
    if (!job) return;
    if (m.done !== undefined) {
      job.ahead -= m.done;
      if (job.ahead <= MAX_AHEAD && job.wake) {
        const wake = job.wake;
        job.wake = undefined;
        wake();
      }
    } else if (m.digest !== undefined) {
      pending.delete(m.id);
      job.digest?.(m.digest);
    }
  });
  worker.on('error', (e) => {
    // Jobs in progress cannot finish there (their uploads fail); later bodies hash on this thread.
    failed = e;
    worker = undefined;
    for (const job of pending.values()) {
      job.wake?.();
      job.fail?.(e);
    }
    pending.clear();
  });
  return worker;
}

/** An incremental MD5 like `createHash('md5')`, computed on the worker when one can run. */
export interface Md5Job {
  /** Add bytes; a returned promise means: wait before sending more. */
  update(chunk: Uint8Array): Promise<void> | undefined;
  /** The hex digest of everything added. */
  digest(): Promise<string>;
  /** Forget the job (the upload failed). */
  drop(): void;
}

/** A job on the worker, or on this thread if the worker cannot run. */
export function md5Job(): Md5Job {
  const w = start();
  if (!w) return localJob();
  const id = nextId++;
  const job: Pending = { ahead: 0 };
  pending.set(id, job);
  let batch: Uint8Array[] = [];
  let batched = 0;
  const send = (): void => {
    // Its own ArrayBuffer (transferable), reused when the worker sends it back.
    const out =
      batched <= BATCH_BUFFER
        ? (spare.pop() ?? Buffer.allocUnsafeSlow(BATCH_BUFFER))
        : Buffer.allocUnsafeSlow(batched);
    let at = 0;
    for (const c of batch) {
      out.set(c, at);
      at += c.length;
    }
    job.ahead += batched;
    batch = [];
    batched = 0;
    w.postMessage({ id, chunk: out.subarray(0, at) }, [out.buffer as ArrayBuffer]);
  };
  return {
    update(chunk) {
      if (failed) return undefined;
      batch.push(chunk);
      batched += chunk.length;
      if (batched < BATCH) return undefined;
      send();
      if (job.ahead <= MAX_AHEAD) return undefined;
      return new Promise<void>((resolve) => (job.wake = resolve));
    },
    digest() {
      if (!failed && batched > 0) send();
      if (failed) {
        pending.delete(id);
        return Promise.reject(failed);
      }
      return new Promise<string>((resolve, reject) => {
        job.digest = resolve;
        job.fail = reject;
        w.postMessage({ id, end: true });
      });
    },
    drop() {
      pending.delete(id);
      if (!failed) w.postMessage({ id, drop: true });
    },
  };
}

function localJob(): Md5Job {
  const hash = createHash('md5');
  return {
    update(chunk) {
      hash.update(chunk);
      return undefined;
    },
    digest: () => Promise.resolve(hash.digest('hex')),
    drop: () => undefined,
  };
}
