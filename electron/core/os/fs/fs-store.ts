/**
 * Where machine file systems are kept: one row per path that differs from the machine's image
 * (a file, a directory, a symlink, or a whiteout for an image path that was removed). Small
 * files live in the row; large ones in the workspace's blob directory, named in the row.
 */
import type { BlobStore } from '../../kernel/blobs';
import type { Migration, Store } from '../../kernel/store';

export interface FsRow {
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'whiteout';
  mode: number;
  /** Simulated epoch milliseconds. */
  mtime: number;
  data?: Uint8Array;
  /** A large file's content, as a blob hash (read lazily). */
  blob?: string;
  target?: string;
}

/** One machine's rows: what MachineFs reads at load and writes at flush. */
export interface FsRows {
  /** Stored paths under any of these roots ("/" for all). */
  pathsUnder(roots: string[]): string[];
  save(upserts: FsRow[], deletes: string[]): Promise<void>;
}

/** Files above this size go to the blob directory instead of the database. */
const INLINE_LIMIT = 256 * 1024;

export const fsMigrations: Migration[] = [
  {
    id: 'os/001-files',
    up(tx) {
      tx.run(`CREATE TABLE os_files (
        machine TEXT NOT NULL,
        path TEXT NOT NULL,
        type TEXT NOT NULL,
        mode INTEGER NOT NULL,
        mtime INTEGER NOT NULL,
        data BLOB,
        blob TEXT,
        target TEXT,
        PRIMARY KEY (machine, path)
      )`);
    },
  },
];

interface StoredRow {
  path: string;
  type: FsRow['type'];
  mode: number;
  mtime: number;
  data: Uint8Array | null;
  blob: string | null;
  target: string | null;
}

export class MachineFiles implements FsRows {
  constructor(
    private readonly store: Store,
    private readonly machine: string,
  ) {}

  private get blobs(): BlobStore | null {
    return this.store.blobs;
  }

  load(): FsRow[] {
    return this.store
      .all<StoredRow>('SELECT path, type, mode, mtime, data, blob, target FROM os_files WHERE machine = ?', [
        this.machine,
      ])
      .map((r) => ({
        path: r.path,
        type: r.type,
        mode: r.mode,
        mtime: r.mtime,
        ...(r.data ? { data: r.data } : {}),
        ...(r.blob ? { blob: r.blob } : {}),
        ...(r.target !== null ? { target: r.target } : {}),
      }));
  }

  /** A large file's bytes, read when the shell first touches it. */
  readBlob(hash: string): Promise<Uint8Array> {
    if (!this.blobs) return Promise.resolve(new Uint8Array());
    return this.blobs.read(hash);
  }

  pathsUnder(roots: string[]): string[] {
    if (roots.includes('/'))
      return this.store
        .all<{ path: string }>('SELECT path FROM os_files WHERE machine = ?', [this.machine])
        .map((r) => r.path);
    const out: string[] = [];
    for (const root of roots) {
      const like = `${root.replace(/[\\%_]/g, (c) => `\\${c}`)}/%`;
      for (const r of this.store.all<{ path: string }>(
        "SELECT path FROM os_files WHERE machine = ? AND (path = ? OR path LIKE ? ESCAPE '\\')",
        [this.machine, root, like],
      ))
        out.push(r.path);
    }
    return out;
  }

  async save(upserts: FsRow[], deletes: string[]): Promise<void> {
    if (upserts.length === 0 && deletes.length === 0) return;
    const blobs = this.blobs;
    const rows: StoredRow[] = [];
    for (const u of upserts) {
      let data = u.data ?? null;
      let blob: string | null = null;
      if (data && blobs && data.byteLength > INLINE_LIMIT) {
        blob = (await blobs.put(data)).hash;
        data = null;
      }
      rows.push({
        path: u.path,
        type: u.type,
        mode: u.mode,
        mtime: u.mtime,
        data,
        blob,
        target: u.target ?? null,
      });
    }
    await this.store.write((tx) => {
      for (const path of deletes)
        tx.run('DELETE FROM os_files WHERE machine = ? AND path = ?', [this.machine, path]);
      for (const r of rows) {
        tx.run(
          `INSERT INTO os_files (machine, path, type, mode, mtime, data, blob, target) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (machine, path) DO UPDATE SET type = excluded.type, mode = excluded.mode,
             mtime = excluded.mtime, data = excluded.data, blob = excluded.blob, target = excluded.target`,
          [this.machine, r.path, r.type, r.mode, r.mtime, r.data, r.blob, r.target],
        );
      }
    });
  }

  /** Terminate: the root volume is deleted with the instance. */
  static async drop(store: Store, machine: string): Promise<void> {
    await store.write((tx) => tx.run('DELETE FROM os_files WHERE machine = ?', [machine]));
  }

  /** Blob hashes still referenced (for the blob collector). */
  static referencedBlobs(store: Store): Set<string> {
    return new Set(
      store
        .all<{ blob: string }>('SELECT DISTINCT blob FROM os_files WHERE blob IS NOT NULL')
        .map((r) => r.blob),
    );
  }
}
