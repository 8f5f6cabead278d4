/**
 * The write-ahead journal: every committed store transaction is appended here, and written to the
 * operating system before the write is acknowledged — so it survives the process being killed
 * (`kill -9`, a crash). `fdatasync`, which also survives a power cut, costs milliseconds: by
 * default it runs in the background at most SYNC_INTERVAL_MS after a write (as Redis's
 * `appendfsync everysec` does); `sync: 'always'` waits for it before acknowledging. Concurrent
 * writers share one write (group commit): records committed while one is in progress go out
 * together in the next.
 *
 * Files live in `<workspace>/journal/`, one per checkpoint generation, named after the first
 * sequence number they may hold. A file is a magic header followed by frames:
 *   [u32 LE payload length][u32 LE crc32(payload)][payload: UTF-8 JSON {s: seq, q: ops}]
 * A frame cut short at the end of the newest file is a write that was never acknowledged
 * (the process died mid-append); it is dropped. Anything else that does not check out is
 * damage and is reported, never skipped silently.
 */
import {
  promises as fsp,
  readdirSync,
  readFileSync,
  truncateSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { WorkspaceError } from './errors';

export type SqlParam = string | number | null | Uint8Array;
export type StatementOp = [sql: string, params: SqlParam[]];
export interface JournalRecord {
  seq: number;
  ops: StatementOp[];
}

const MAGIC = Buffer.from('CLJRNL01');

/** When the journal reaches the disk itself: before each acknowledgement, or soon after. */
export type SyncPolicy = 'always' | 'interval';
export const SYNC_INTERVAL_MS = 100;
const FRAME_HEADER = 8;
/** A frame longer than this is corruption, not data (a transaction is far smaller). */
const MAX_FRAME = 256 * 1024 * 1024;

interface Waiter {
  resolve: () => void;
  reject: (e: Error) => void;
}

export interface JournalScan {
  records: JournalRecord[];
  /** Human-readable notes about what was repaired (a torn final frame). */
  notes: string[];
}

export class Journal {
  private file: fsp.FileHandle | null = null;
  private fileName = '';
  /** Set by switchFile(): the next flush opens this file first. */
  private nextFileSeq = 0;
  private pending: Buffer[] = [];
  private waiters: Waiter[] = [];
  private flushing: Promise<void> | null = null;
  private failure: Error | null = null;
  private closed = false;
  bytesSinceCheckpoint = 0;
  recordsSinceCheckpoint = 0;
  /** Flushes (fdatasync calls) so far: fewer than appends when writers share them. */
  flushes = 0;

  private syncTimer: NodeJS.Timeout | null = null;

  private constructor(
    private readonly dir: string,
    private readonly sync: SyncPolicy,
  ) {}

  /** Read every journal file (oldest first), repairing a torn tail of the newest. */
  static scan(dir: string): JournalScan {
    const files = listJournalFiles(dir);
    const records: JournalRecord[] = [];
    const notes: string[] = [];
    files.forEach((name, index) => {
      const path = join(dir, name);
      const data = readFileSync(path);
      const isLast = index === files.length - 1;
      const { frames, tornAt, damage } = parseFrames(data);
      if (damage) throw new WorkspaceError(`The journal file ${path} is damaged: ${damage}.`, [path]);
      if (tornAt !== null) {
        if (!isLast)
          throw new WorkspaceError(
            `The journal file ${path} is damaged: it ends in the middle of a record at byte ${tornAt}, and newer journal files exist.`,
            [path],
          );
        truncateSync(path, tornAt);
        notes.push(
          `Dropped an incomplete final journal record in ${name} (${data.length - tornAt} bytes) left by an interrupted write; it had not been acknowledged.`,
        );
      }
      for (const payload of frames) {
        try {
          records.push(decodeRecord(payload));
        } catch (e) {
          throw new WorkspaceError(
            `The journal file ${path} is damaged: a record passed its checksum but is not valid (${(e as Error).message}).`,
            [path],
          );
        }
      }
    });
    for (let i = 1; i < records.length; i++) {
      if (records[i]!.seq <= records[i - 1]!.seq)
        throw new WorkspaceError(`The journal in ${dir} is damaged: record sequence numbers go backwards.`, [
          dir,
        ]);
    }
    return { records, notes };
  }

  /** Open the journal for appending, in a file whose records start at `firstSeq`. */
  static async open(dir: string, firstSeq: number, sync: SyncPolicy = 'interval'): Promise<Journal> {
    const journal = new Journal(dir, sync);
    await journal.openFile(firstSeq);
    return journal;
  }

  private async openFile(firstSeq: number): Promise<void> {
    await fsp.mkdir(this.dir, { recursive: true });
    const name = fileNameFor(firstSeq);
    const path = join(this.dir, name);
    const file = await fsp.open(path, 'a');
    const stat: Stats = await file.stat();
    if (stat.size === 0) {
      await file.write(MAGIC);
      await file.datasync();
      await syncDir(this.dir);
    }
    this.file = file;
    this.fileName = name;
  }

  /** Append a committed transaction; resolves once it is on disk. */
  append(record: JournalRecord): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new WorkspaceError('The journal is closed.'));
    // The frame is built in one buffer: header, then the payload encoded in place behind it.
    const text = encodeRecord(record);
    const frame = Buffer.allocUnsafe(FRAME_HEADER + Buffer.byteLength(text, 'utf8'));
    const length = frame.write(text, FRAME_HEADER, 'utf8');
    frame.writeUInt32LE(length, 0);
    frame.writeUInt32LE(crc32(frame.subarray(FRAME_HEADER)), 4);
    this.bytesSinceCheckpoint += frame.length;
    this.recordsSinceCheckpoint++;
    // With the disk synced in the background, handing the frame to the OS is the whole append:
    // one write(2) on this thread (microseconds) instead of a round trip through the pool.
    if (this.sync === 'interval' && this.file && !this.flushing) {
      try {
        writeFully(this.file.fd, frame);
      } catch (e) {
        this.failure = new WorkspaceError(
          `Writing the journal failed (${(e as Error).message}); Cloud Lab stopped accepting changes so that nothing acknowledged is lost.`,
        );
        return Promise.reject(this.failure);
      }
      this.flushes++;
      this.syncSoon();
      return Promise.resolve();
    }
    this.pending.push(frame);
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      if (!this.flushing) this.flushing = this.flushLoop();
    });
  }

  /** Resolves when everything appended so far is on disk. */
  async idle(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  get failed(): Error | null {
    return this.failure;
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = Buffer.concat(this.pending);
        const waiters = this.waiters;
        this.pending = [];
        this.waiters = [];
        try {
          if (!this.file) await this.openFile(this.nextFileSeq);
          const file = this.file!;
          let offset = 0;
          while (offset < batch.length) {
            const { bytesWritten } = await file.write(batch, offset, batch.length - offset);
            offset += bytesWritten;
          }
          if (this.sync === 'always') await file.datasync();
          else this.syncSoon();
          this.flushes++;
          for (const w of waiters) w.resolve();
        } catch (e) {
          // Memory and disk now disagree; refuse every later write rather than lose it quietly.
          this.failure = new WorkspaceError(
            `Writing the journal failed (${(e as Error).message}); Cloud Lab stopped accepting changes so that nothing acknowledged is lost.`,
          );
          for (const w of [...waiters, ...this.waiters]) w.reject(this.failure);
          this.waiters = [];
          this.pending = [];
        }
      }
    } finally {
      this.flushing = null;
    }
  }

  /** The background fdatasync of the 'interval' policy: one pending at a time. */
  private syncSoon(): void {
    if (this.syncTimer) return;
    this.syncTimer = setTimeout(() => {
      this.syncTimer = null;
      void this.file?.datasync().catch(() => undefined);
    }, SYNC_INTERVAL_MS);
    this.syncTimer.unref();
  }

  /** True while appended records are not yet on disk. */
  get busy(): boolean {
    return this.flushing !== null || this.pending.length > 0;
  }

  /**
   * Send records from `nextSeq` on to a new file, synchronously, so the checkpoint can cut over
   * without yielding. Returns the files the checkpoint makes obsolete once it is durable.
   */
  switchFile(nextSeq: number): string[] {
    if (this.busy) throw new Error('journal.switchFile() needs an idle journal');
    const newName = fileNameFor(nextSeq);
    const obsolete = listJournalFiles(this.dir)
      .filter((n) => n !== newName)
      .map((n) => join(this.dir, n));
    if (this.fileName !== newName) {
      const old = this.file;
      this.file = null;
      this.fileName = '';
      this.nextFileSeq = nextSeq;
      void old?.close();
    }
    this.bytesSinceCheckpoint = 0;
    this.recordsSinceCheckpoint = 0;
    return obsolete;
  }

  /** Delete journal files made obsolete by a durable checkpoint. */
  static removeFiles(paths: string[]): void {
    for (const p of paths) {
      try {
        unlinkSync(p);
      } catch {
        /* already gone */
      }
    }
  }

  async close(): Promise<void> {
    await this.idle();
    this.closed = true;
    if (this.syncTimer) clearTimeout(this.syncTimer);
    this.syncTimer = null;
    await this.file?.datasync().catch(() => undefined);
    await this.file?.close();
    this.file = null;
  }
}

function writeFully(fd: number, data: Buffer): void {
  let offset = 0;
  while (offset < data.length) offset += writeSync(fd, data, offset, data.length - offset);
}

function fileNameFor(firstSeq: number): string {
  return `${String(firstSeq).padStart(16, '0')}.log`;
}

function listJournalFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((n) => /^\d{16}\.log$/.test(n))
      .sort();
  } catch {
    return [];
  }
}

function parseFrames(data: Buffer): { frames: Buffer[]; tornAt: number | null; damage: string | null } {
  const frames: Buffer[] = [];
  if (data.length < MAGIC.length) {
    // A file whose header never made it to disk holds no acknowledged record.
    return { frames, tornAt: data.length === 0 ? null : 0, damage: null };
  }
  if (!data.subarray(0, MAGIC.length).equals(MAGIC)) {
    return { frames, tornAt: null, damage: 'it does not start with the Cloud Lab journal header' };
  }
  let offset = MAGIC.length;
  while (offset < data.length) {
    const bad = checkFrame(data, offset);
    if (bad === null) {
      const length = data.readUInt32LE(offset);
      frames.push(data.subarray(offset + FRAME_HEADER, offset + FRAME_HEADER + length));
      offset += FRAME_HEADER + length;
      continue;
    }
    // A bad frame followed by a good one is corruption; a bad frame at the end is a torn write.
    if (bad === 'checksum' && hasValidFrameAfter(data, offset)) {
      return { frames, tornAt: null, damage: `the record at byte ${offset} fails its checksum` };
    }
    return { frames, tornAt: offset, damage: null };
  }
  return { frames, tornAt: null, damage: null };
}

function checkFrame(data: Buffer, offset: number): null | 'short' | 'checksum' {
  if (data.length - offset < FRAME_HEADER) return 'short';
  const length = data.readUInt32LE(offset);
  if (length === 0 || length > MAX_FRAME || offset + FRAME_HEADER + length > data.length) return 'short';
  const payload = data.subarray(offset + FRAME_HEADER, offset + FRAME_HEADER + length);
  return crc32(payload) === data.readUInt32LE(offset + 4) ? null : 'checksum';
}

function hasValidFrameAfter(data: Buffer, offset: number): boolean {
  const length = data.readUInt32LE(offset);
  const next = offset + FRAME_HEADER + length;
  return next < data.length && checkFrame(data, next) === null;
}

function encodeRecord(record: JournalRecord): string {
  // Binary parameters (Buffers included: JSON.stringify would turn those into {type, data}
  // before a replacer saw them) become {$b: base64}; no replacer, which costs a call per value.
  const ops = record.ops.map(([sql, params]): [string, unknown[]] => [
    sql,
    params.some((p) => p instanceof Uint8Array)
      ? params.map((p) =>
          p instanceof Uint8Array
            ? { $b: Buffer.from(p.buffer, p.byteOffset, p.byteLength).toString('base64') }
            : p,
        )
      : params,
  ]);
  return JSON.stringify({ s: record.seq, q: ops });
}

function decodeRecord(payload: Buffer): JournalRecord {
  const raw = JSON.parse(payload.toString('utf8'), (_key, value: unknown) => {
    if (value && typeof value === 'object' && '$b' in value) {
      return new Uint8Array(Buffer.from(String((value as { $b: string }).$b), 'base64'));
    }
    return value;
  }) as { s: unknown; q: unknown };
  if (typeof raw.s !== 'number' || !Array.isArray(raw.q)) throw new Error('unexpected record shape');
  return { seq: raw.s, ops: raw.q as StatementOp[] };
}

export async function syncDir(dir: string): Promise<void> {
  // Make a create/rename durable. Not every platform lets a directory be opened for fsync.
  try {
    const handle = await fsp.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    /* best effort (Windows) */
  }
}
