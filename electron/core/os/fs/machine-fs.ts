/**
 * One machine's file system: just-bash's in-memory tree, seeded from the AMI's image files,
 * with every change remembered so it can be written to the store. Only what differs from the
 * image is persisted (like an overlay's upper layer): changed and new entries, and whiteouts
 * for image files that were removed. `flush()` writes the changes of one command (or one boot
 * step) in one store transaction, so a command whose prompt came back survives `kill -9`.
 *
 * The quota (`maxTotalBytes`) bounds what one instance can hold, so a runaway `yes > file`
 * fills its own disk ("No space left on device"), not the host's memory.
 */
import { InMemoryFs } from 'just-bash';
import type { BufferEncoding, CpOptions, FileContent, MkdirOptions, RmOptions } from 'just-bash';
import type { ImageFiles } from '../image/image-files';
import type { FsRow, FsRows } from './fs-store';

type WriteOptions = Parameters<InMemoryFs['writeFile']>[2];

export interface MachineFsOptions {
  image: ImageFiles;
  /** What the store holds for this machine (differences from the image). */
  rows: FsRow[];
  maxTotalBytes: number;
  /** Where changes are written; null for a throwaway machine. */
  persist: FsRows | null;
  /** Simulated now, for modification times. */
  now: () => number;
  /** Reads a large file's content from the blob directory. */
  readBlob: (hash: string) => Promise<Uint8Array>;
}

export class MachineFs extends InMemoryFs {
  /** Paths changed since the last flush; a directory stands for its whole subtree. */
  private dirty = new Set<string>();
  private flushing: Promise<void> = Promise.resolve();
  private readonly image: ImageFiles;
  private readonly persist: FsRows | null;
  private readonly now: () => number;
  private readonly readBlob: (hash: string) => Promise<Uint8Array>;
  private loading = true;

  constructor(options: MachineFsOptions) {
    super(options.image.initial(), { maxTotalBytes: options.maxTotalBytes });
    this.image = options.image;
    this.persist = options.persist;
    this.now = options.now;
    this.readBlob = options.readBlob;
    for (const extra of options.image.extras()) {
      if (extra.type === 'dir') {
        this.mkdirSync(extra.path, { recursive: true });
        void super.chmod(extra.path, extra.mode);
      } else void super.symlink(extra.target ?? '', extra.path);
    }
    for (const row of [...options.rows].sort((a, b) => a.path.localeCompare(b.path))) this.apply(row);
    this.loading = false;
  }

  /** Replay one stored row onto the image tree (start-up). */
  private apply(row: FsRow): void {
    const mtime = new Date(row.mtime);
    try {
      if (row.type === 'whiteout') {
        void super.rm(row.path, { recursive: true, force: true });
      } else if (row.type === 'dir') {
        this.mkdirSync(row.path, { recursive: true });
        void super.chmod(row.path, row.mode);
        void super.utimes(row.path, mtime, mtime);
      } else if (row.type === 'symlink') {
        void super.rm(row.path, { force: true });
        void super.symlink(row.target ?? '', row.path);
      } else if (row.blob) {
        const hash = row.blob;
        this.writeFileLazy(row.path, () => this.readBlob(hash), { mode: row.mode, mtime });
      } else {
        this.writeFileSync(row.path, row.data ?? new Uint8Array(), undefined, { mode: row.mode, mtime });
      }
    } catch {
      // A row the tree cannot take (a file under a path that became a file) is skipped, not fatal.
    }
  }

  /**
   * Modification times come from the simulated clock, like everything else the machine reports
   * (`date`, `uptime`, logs); the in-memory tree would use the host's.
   */
  private async stamp(path: string): Promise<void> {
    if (this.loading) return;
    const t = new Date(this.now());
    await super.utimes(path, t, t).catch(() => undefined);
  }

  private touched(path: string): void {
    if (!this.loading) this.dirty.add(this.normal(path));
  }

  private normal(path: string): string {
    return this.resolvePath('/', path);
  }

  // ---- mutations: remember the path, then let the tree do the work ----------------------------

  override async writeFile(path: string, content: FileContent, options?: WriteOptions): Promise<void> {
    await super.writeFile(path, content, options);
    await this.stamp(path);
    this.touched(path);
  }
  override async appendFile(path: string, content: FileContent, options?: WriteOptions): Promise<void> {
    await super.appendFile(path, content, options);
    await this.stamp(path);
    this.touched(path);
  }
  override async mkdir(path: string, options?: MkdirOptions): Promise<void> {
    const existed = await this.exists(path);
    await super.mkdir(path, options);
    if (!existed) await this.stamp(path);
    this.touched(path);
  }
  override async rm(path: string, options?: RmOptions): Promise<void> {
    await super.rm(path, options);
    this.touched(path);
  }
  override async cp(src: string, dest: string, options?: CpOptions): Promise<void> {
    await super.cp(src, dest, options);
    await this.stamp(dest);
    this.touched(dest);
  }
  override async mv(src: string, dest: string): Promise<void> {
    await super.mv(src, dest);
    this.touched(src);
    this.touched(dest);
  }
  override async chmod(path: string, mode: number): Promise<void> {
    await super.chmod(path, mode);
    this.touched(path);
  }
  override async symlink(target: string, linkPath: string): Promise<void> {
    await super.symlink(target, linkPath);
    this.touched(linkPath);
  }
  override async link(existingPath: string, newPath: string): Promise<void> {
    await super.link(existingPath, newPath);
    this.touched(newPath);
  }
  override async utimes(path: string, atime: Date, mtime: Date): Promise<void> {
    // `touch` asks for the host's "now"; the machine's now is the simulated clock's.
    const hostNow = Math.abs(mtime.getTime() - Date.now()) < 2_000;
    const t = hostNow && !this.loading ? new Date(this.now()) : mtime;
    await super.utimes(path, hostNow ? t : atime, t);
    this.touched(path);
  }

  /** Text helpers for OS modules (logs, unit files). */
  async readText(path: string): Promise<string | null> {
    try {
      return await this.readFile(path, 'utf8' as BufferEncoding);
    } catch {
      return null;
    }
  }

  async writeText(path: string, text: string, mode?: number): Promise<void> {
    const dir = path.slice(0, path.lastIndexOf('/')) || '/';
    await this.mkdir(dir, { recursive: true });
    await this.writeFile(path, text);
    if (mode !== undefined) await this.chmod(path, mode);
  }

  async appendText(path: string, text: string): Promise<void> {
    const dir = path.slice(0, path.lastIndexOf('/')) || '/';
    await this.mkdir(dir, { recursive: true });
    await this.appendFile(path, text);
  }

  get hasChanges(): boolean {
    return this.dirty.size > 0;
  }

  /**
   * Write what changed since the last flush to the store, in one transaction. Calls queue, so
   * two commands finishing together flush in order.
   */
  flush(): Promise<void> {
    const next = this.flushing.then(() => this.flushNow());
    this.flushing = next.catch(() => undefined);
    return next;
  }

  private async flushNow(): Promise<void> {
    if (this.dirty.size === 0 || !this.persist) {
      this.dirty.clear();
      return;
    }
    const roots = [...this.dirty].sort();
    this.dirty.clear();
    // A directory that changed stands for everything under it (rm -r, mv, cp -r).
    const covered: string[] = [];
    for (const p of roots) if (!covered.some((c) => isUnder(p, c))) covered.push(p);
    const under = (paths: Iterable<string>) => [...paths].filter((p) => covered.some((c) => isUnder(p, c)));
    const upserts: FsRow[] = [];
    const deletes: string[] = [];
    // Only a directory stands for a subtree: a changed file (the common case, e.g. the history)
    // is looked at alone, without walking the whole tree.
    const present = new Set<string>();
    let all: string[] | null = null;
    for (const root of covered) {
      const st = await this.lstat(root).catch(() => null);
      if (!st) continue;
      if (!st.isDirectory) present.add(root);
      else for (const p of (all ??= this.getAllPaths())) if (isUnder(p, root)) present.add(p);
    }
    for (const path of present) {
      // A command still running may remove a path while this flush reads the tree: then it is
      // gone, and the next flush (its own) records that.
      const row = await this.rowFor(path).catch(() => undefined);
      if (row === undefined) {
        present.delete(path);
        this.dirty.add(path);
      } else if (row) upserts.push(row);
      else deletes.push(path);
    }
    // What the store or the image had there and the tree no longer has: removed.
    for (const path of new Set([...this.persist.pathsUnder(covered), ...under(this.image.paths())])) {
      if (present.has(path)) continue;
      if (this.image.has(path)) upserts.push({ path, type: 'whiteout', mode: 0, mtime: this.now() });
      else deletes.push(path);
    }
    await this.persist.save(upserts, deletes);
  }

  /** The row that records `path`, or null when it is exactly as the image has it. */
  private async rowFor(path: string): Promise<FsRow | null> {
    const st = await this.lstat(path);
    const mtime = st.mtime.getTime();
    if (st.isSymbolicLink) {
      const target = await this.readlink(path);
      if (this.image.symlink(path) === target) return null;
      return { path, type: 'symlink', mode: st.mode, mtime, target };
    }
    if (st.isDirectory) {
      if (this.image.isDir(path) && this.image.mode(path) === (st.mode & 0o7777)) return null;
      return { path, type: 'dir', mode: st.mode & 0o7777, mtime };
    }
    const data = await this.readFileBuffer(path);
    if (this.image.sameFile(path, data, st.mode & 0o7777)) return null;
    return { path, type: 'file', mode: st.mode & 0o7777, mtime, data };
  }
}

function isUnder(path: string, root: string): boolean {
  return path === root || root === '/' || path.startsWith(`${root}/`);
}
