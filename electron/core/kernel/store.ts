/**
 * The one store every piece of state goes through: SQLite (sql.js, in memory) made durable by
 * a write-ahead journal and periodic checkpoints.
 *
 *  - `write(fn)` runs `fn` as one SQLite transaction, appends the statements it executed to the
 *    journal and resolves only after the journal is flushed to disk. An acknowledged write
 *    therefore survives `kill -9`.
 *  - `checkpoint()` exports the database to `cloudlab.db` (write temp, fsync, rename) and drops
 *    the journal files it covers. The database remembers the last sequence number it contains,
 *    so replay after a crash skips what the checkpoint already holds.
 *  - Start-up loads the database, replays the journal and applies new schema migrations.
 *    Damage is reported with the files involved; with `recover` those files are moved into
 *    `damaged-<time>/` and a fresh workspace is started. Nothing is ever reset silently.
 *
 * Writes must be synchronous functions: sql.js has one connection, and a transaction that
 * awaited would interleave with others.
 */
import initSqlJs, { type Database, type SqlJsStatic, type Statement } from 'sql.js';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { promises as fsp } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { BlobStore } from './blobs';
import { WorkspaceError } from './errors';
import {
  Journal,
  syncDir,
  type JournalRecord,
  type SqlParam,
  type StatementOp,
  type SyncPolicy,
} from './journal';

export type { SqlParam } from './journal';
export type Row = Record<string, SqlParam>;

export interface Tx {
  run(sql: string, params?: SqlParam[]): void;
  all<T = Row>(sql: string, params?: SqlParam[]): T[];
  get<T = Row>(sql: string, params?: SqlParam[]): T | undefined;
  /** Rows changed by the last run(). */
  changes(): number;
}

export interface Migration {
  /** Unique and ordered within its module, e.g. "kernel/001-accounts". */
  id: string;
  up(tx: Tx): void;
}

export interface CheckpointPolicy {
  maxRecords: number;
  maxBytes: number;
  intervalMs: number;
}

export interface StoreOptions {
  /** Workspace directory; null keeps everything in memory (tests, throwaway labs). */
  dir: string | null;
  /** Move damaged files aside and start fresh instead of refusing to open. */
  recover?: boolean;
  checkpoint?: Partial<CheckpointPolicy>;
  /** 'always': fdatasync before every acknowledgement (power-cut safe); default 'interval'. */
  sync?: SyncPolicy;
  log?: (message: string) => void;
}

const DB_FILE = 'cloudlab.db';
const JOURNAL_DIR = 'journal';
const LOCK_FILE = 'cloudlab.lock';
const DEFAULT_POLICY: CheckpointPolicy = {
  maxRecords: 20_000,
  maxBytes: 64 * 1024 * 1024,
  intervalMs: 60_000,
};

let sqlJs: Promise<SqlJsStatic> | null = null;
function loadSqlJs(): Promise<SqlJsStatic> {
  // Resolve the wasm next to sql.js itself so this works from sources, bundles and Electron.
  sqlJs ??= initSqlJs({
    locateFile: (file: string) => join(dirname(createRequire(import.meta.url).resolve('sql.js')), file),
  });
  return sqlJs;
}

/** Statements that change the schema. */
const DDL = /^\s*(CREATE|ALTER|DROP)\b/i;

export class Store {
  readonly blobs: BlobStore | null;
  /** What start-up repaired or moved aside, for the host to print. */
  readonly notes: string[] = [];
  private statements = new Map<string, Statement>();
  /**
   * Column names of each prepared statement's rows, read once: sql.js's getAsObject decodes every
   * name again for every row (as long as the row itself for a 16-column `SELECT *`). Dropped on
   * any schema change (write()); read again if a row's width differs from them.
   */
  private columnNames = new WeakMap<Statement, string[]>();
  private seq = 0;
  private inTransaction = false;
  private readonly rollbackListeners = new Set<() => void>();
  private checkpointing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly policy: CheckpointPolicy;

  private constructor(
    private db: Database,
    private readonly dir: string | null,
    private journal: Journal | null,
    options: StoreOptions,
  ) {
    this.blobs = dir ? new BlobStore(join(dir, 'blobs'), options.sync) : null;
    this.policy = { ...DEFAULT_POLICY, ...options.checkpoint };
  }

  static async open(options: StoreOptions): Promise<Store> {
    const SQL = await loadSqlJs();
    const { dir } = options;
    if (!dir) {
      const store = new Store(new SQL.Database(), null, null, options);
      store.init();
      return store;
    }
    mkdirSync(dir, { recursive: true });
    acquireLock(dir);
    try {
      let loaded: { db: Database; seq: number; replayed: number; notes: string[] };
      try {
        loaded = loadWorkspace(SQL, dir);
      } catch (e) {
        if (!(e instanceof WorkspaceError)) throw e;
        if (!options.recover) {
          throw new WorkspaceError(
            `${e.message}\nNothing was changed. Restore the workspace from a backup, or start again with --recover: ` +
              `the damaged files are then moved to ${join(dir, 'damaged-<time>')}/ and a fresh workspace is created.`,
            e.files,
          );
        }
        const aside = moveAside(dir);
        loaded = {
          db: new SQL.Database(),
          seq: 0,
          replayed: 0,
          notes: [`${e.message} The damaged files were moved to ${aside}.`],
        };
      }
      const journal = await Journal.open(join(dir, JOURNAL_DIR), loaded.seq + 1, options.sync);
      const store = new Store(loaded.db, dir, journal, options);
      store.seq = loaded.seq;
      store.notes.push(...loaded.notes);
      store.init();
      if (loaded.replayed > 0) await store.checkpoint();
      store.startTimer();
      return store;
    } catch (e) {
      releaseLock(dir);
      throw e;
    }
  }

  private init(): void {
    this.db.run('PRAGMA foreign_keys = ON');
    // Durability is the journal's job; SQLite's own rollback journal only has to undo a failed
    // transaction, which it can do from memory instead of emscripten's file layer (3x faster).
    this.db.run('PRAGMA journal_mode = MEMORY');
    this.db.run('PRAGMA temp_store = MEMORY');
    // One connection owns the database: no re-checking the file's lock and state before every
    // statement (5x faster reads and writes in sql.js).
    this.db.run('PRAGMA locking_mode = EXCLUSIVE');
    this.db.run('CREATE TABLE IF NOT EXISTS _store_meta (key TEXT PRIMARY KEY, value TEXT)');
  }

  private startTimer(): void {
    this.timer = setInterval(() => {
      if (this.journal && this.journal.recordsSinceCheckpoint > 0)
        void this.checkpoint().catch(() => undefined);
    }, this.policy.intervalMs);
    this.timer.unref();
  }

  /** The workspace directory, or null for an in-memory store. */
  get directory(): string | null {
    return this.dir;
  }

  get sequence(): number {
    return this.seq;
  }

  /** Journal flushes so far (group commit makes this smaller than the number of writes). */
  get flushes(): number {
    return this.journal?.flushes ?? 0;
  }

  // ---- reads -------------------------------------------------------------------------------

  all<T = Row>(sql: string, params: SqlParam[] = []): T[] {
    const stmt = this.prepare(sql);
    try {
      stmt.bind(params);
      const rows: T[] = [];
      // Column names once per query, values as arrays: getAsObject() decodes every name again
      // for every row, which was most of a 1,000-row listing's time.
      let names: string[] | undefined;
      while (stmt.step()) {
        names ??= stmt.getColumnNames();
        const values = stmt.get();
        const row: Row = {};
        for (let i = 0; i < names.length; i++) row[names[i]!] = values[i] as Row[string];
        rows.push(row as T);
      }
      return rows;
    } finally {
      stmt.reset();
    }
  }

  get<T = Row>(sql: string, params: SqlParam[] = []): T | undefined {
    const stmt = this.prepare(sql);
    try {
      stmt.bind(params);
      if (!stmt.step()) return undefined;
      const values = stmt.get();
      let names = this.columnNames.get(stmt);
      if (!names || names.length !== values.length) {
        names = stmt.getColumnNames();
        this.columnNames.set(stmt, names);
      }
      // The object getAsObject() would build.
      const row: Row = {};
      for (let i = 0; i < names.length; i++) row[names[i]!] = values[i] as Row[string];
      return row as T;
    } finally {
      stmt.reset();
    }
  }

  // ---- writes ------------------------------------------------------------------------------

  /** Hear when a transaction rolls back: caches of parsed rows drop what it let them see. */
  onRollback(listener: () => void): () => void {
    this.rollbackListeners.add(listener);
    return () => this.rollbackListeners.delete(listener);
  }

  /** Run `fn` as one transaction; resolves with its result once the change is durable. */
  write<T>(fn: (tx: Tx) => T): Promise<T> {
    if (this.closed) return Promise.reject(new WorkspaceError('The workspace is closed.'));
    if (this.journal?.failed) return Promise.reject(this.journal.failed);
    if (this.inTransaction) return Promise.reject(new Error('store.write() cannot be nested'));
    const ops: StatementOp[] = [];
    let lastChanges = 0;
    const tx: Tx = {
      run: (sql, params = []) => {
        // A table's columns may change: rows' column names are read again (see get()).
        if (DDL.test(sql)) this.columnNames = new WeakMap();
        this.prepare(sql).run(params);
        lastChanges = this.db.getRowsModified();
        ops.push([sql, params]);
      },
      all: (sql, params) => this.all(sql, params),
      get: (sql, params) => this.get(sql, params),
      changes: () => lastChanges,
    };
    let result: T;
    this.inTransaction = true;
    // Prepared once (db.run would parse the statement again for every transaction).
    this.prepare('BEGIN').run();
    try {
      result = fn(tx);
      if (result && typeof (result as { then?: unknown }).then === 'function') {
        throw new Error('store.write() needs a synchronous function');
      }
      this.prepare('COMMIT').run();
    } catch (e) {
      this.prepare('ROLLBACK').run();
      // A rolled-back schema change leaves names read since then wrong.
      this.columnNames = new WeakMap();
      for (const listener of this.rollbackListeners) listener();
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    } finally {
      this.inTransaction = false;
    }
    if (ops.length === 0) return Promise.resolve(result);
    const record: JournalRecord = { seq: ++this.seq, ops };
    if (!this.journal) return Promise.resolve(result);
    return this.journal.append(record).then(() => {
      this.maybeCheckpoint();
      return result;
    });
  }

  /** Apply the migrations not applied yet, in order, each in its own transaction. */
  async migrate(migrations: Migration[]): Promise<void> {
    await this.write((tx) =>
      tx.run('CREATE TABLE IF NOT EXISTS _migrations (id TEXT PRIMARY KEY, applied_seq INTEGER NOT NULL)'),
    );
    const applied = new Set(this.all<{ id: string }>('SELECT id FROM _migrations').map((r) => r.id));
    const ids = new Set<string>();
    for (const m of migrations) {
      if (ids.has(m.id)) throw new Error(`duplicate migration id ${m.id}`);
      ids.add(m.id);
      if (applied.has(m.id)) continue;
      await this.write((tx) => {
        m.up(tx);
        tx.run('INSERT INTO _migrations (id, applied_seq) VALUES (?, ?)', [m.id, this.seq + 1]);
      });
    }
  }

  // ---- checkpoints -------------------------------------------------------------------------

  private maybeCheckpoint(): void {
    const j = this.journal;
    if (!j || this.checkpointing) return;
    if (
      j.recordsSinceCheckpoint >= this.policy.maxRecords ||
      j.bytesSinceCheckpoint >= this.policy.maxBytes
    ) {
      void this.checkpoint().catch(() => undefined);
    }
  }

  /** Write the whole database to disk and drop the journal files it makes obsolete. */
  checkpoint(): Promise<void> {
    if (!this.dir || !this.journal) return Promise.resolve();
    this.checkpointing ??= this.runCheckpoint().finally(() => {
      this.checkpointing = null;
    });
    return this.checkpointing;
  }

  private async runCheckpoint(): Promise<void> {
    const journal = this.journal!;
    const dir = this.dir!;
    // Wait for a moment with nothing in flight, then cut over without yielding: every record
    // in the old journal files is then inside the exported image.
    while (journal.busy) await journal.idle();
    const seq = this.seq;
    this.db.run("INSERT OR REPLACE INTO _store_meta (key, value) VALUES ('checkpoint_seq', ?)", [
      String(seq),
    ]);
    const image = this.db.export();
    this.statements.clear(); // export() closes and reopens the database, freeing statements
    this.init();
    const obsolete = journal.switchFile(seq + 1);

    const tmp = join(dir, `${DB_FILE}.tmp`);
    const handle = await fsp.open(tmp, 'w');
    try {
      await handle.writeFile(image);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await fsp.rename(tmp, join(dir, DB_FILE));
    await syncDir(dir);
    Journal.removeFiles(obsolete);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.timer) clearInterval(this.timer);
    if (this.journal) {
      await this.journal.idle();
      if (this.journal.recordsSinceCheckpoint > 0 && !this.journal.failed) await this.checkpoint();
      await this.checkpointing;
      await this.journal.close();
    }
    this.closed = true;
    for (const stmt of this.statements.values()) stmt.free();
    this.statements.clear();
    this.db.close();
    if (this.dir) releaseLock(this.dir);
  }

  private prepare(sql: string): Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }
}

// ---- start-up helpers ------------------------------------------------------------------------

function loadWorkspace(
  SQL: SqlJsStatic,
  dir: string,
): { db: Database; seq: number; replayed: number; notes: string[] } {
  const dbPath = join(dir, DB_FILE);
  let db: Database;
  let checkpointSeq = 0;
  if (existsSync(dbPath)) {
    try {
      db = new SQL.Database(readFileSync(dbPath));
      const check = db.exec('PRAGMA quick_check');
      const verdict = check[0]?.values[0]?.[0];
      if (verdict !== 'ok') throw new Error(String(verdict ?? 'integrity check failed'));
      db.run('CREATE TABLE IF NOT EXISTS _store_meta (key TEXT PRIMARY KEY, value TEXT)');
      const row = db.exec("SELECT value FROM _store_meta WHERE key = 'checkpoint_seq'");
      checkpointSeq = Number(row[0]?.values[0]?.[0] ?? 0);
    } catch (e) {
      throw new WorkspaceError(`The workspace database ${dbPath} is damaged (${(e as Error).message}).`, [
        dbPath,
      ]);
    }
  } else {
    db = new SQL.Database();
  }
  const journalDir = join(dir, JOURNAL_DIR);
  const { records, notes } = Journal.scan(journalDir);
  let seq = checkpointSeq;
  let replayed = 0;
  for (const record of records) {
    if (record.seq <= checkpointSeq) continue;
    try {
      db.run('BEGIN');
      for (const [sql, params] of record.ops) db.run(sql, params);
      db.run('COMMIT');
    } catch (e) {
      throw new WorkspaceError(
        `The journal in ${journalDir} cannot be replayed: record ${record.seq} fails (${(e as Error).message}).`,
        [journalDir],
      );
    }
    seq = record.seq;
    replayed++;
  }
  return { db, seq, replayed, notes };
}

function moveAside(dir: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const aside = join(dir, `damaged-${stamp}`);
  mkdirSync(aside, { recursive: true });
  for (const name of [DB_FILE, JOURNAL_DIR]) {
    const from = join(dir, name);
    if (existsSync(from)) renameSync(from, join(aside, name));
  }
  return aside;
}

function acquireLock(dir: string): void {
  const lock = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(lock, 'utf8').trim());
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new WorkspaceError(
          `The workspace ${dir} is in use by another Cloud Lab process (pid ${pid}). Stop it, or choose another --data directory.`,
          [lock],
        );
      }
      rmSync(lock, { force: true }); // left behind by a process that died
    }
  }
  throw new WorkspaceError(`Could not lock the workspace ${dir}.`, [lock]);
}

function releaseLock(dir: string): void {
  const lock = join(dir, LOCK_FILE);
  try {
    if (Number(readFileSync(lock, 'utf8').trim()) === process.pid) rmSync(lock, { force: true });
  } catch {
    /* not ours or gone */
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
