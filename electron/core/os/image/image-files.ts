/**
 * The files an AMI's root volume starts with: release files, users and groups, the default
 * user's home, the package manager's configuration, the standard directories. One ImageFiles
 * is made per AMI and shared by every machine booted from it (the machines keep only their
 * differences), so it is built once and never changed.
 *
 * Instance-specific files (/etc/hostname, /etc/hosts, authorized_keys) are not here: cloud-init
 * writes them at first boot, as it does on AWS.
 */
import type { InitialFiles } from 'just-bash';
import type { ImageInfo } from '../../infra/catalogue';
import { releaseFiles, shellFiles, userDatabase, type OsFlavour } from './os-flavours';

interface ImageEntry {
  type: 'file' | 'dir' | 'symlink';
  mode: number;
  content?: string;
  target?: string;
}

/** The image's epoch: files carry the AMI's creation date as their modification time. */
function imageTime(image: ImageInfo): Date {
  const t = Date.parse(image.creationDate);
  return new Date(Number.isNaN(t) ? Date.UTC(2025, 0, 1) : t);
}

const DIRS: Array<[string, number]> = [
  ['/boot', 0o555],
  ['/etc', 0o755],
  ['/etc/skel', 0o755],
  ['/etc/ssh', 0o755],
  ['/etc/sudoers.d', 0o750],
  ['/etc/systemd/system', 0o755],
  ['/etc/systemd/system/multi-user.target.wants', 0o755],
  ['/home', 0o755],
  ['/mnt', 0o755],
  ['/opt', 0o755],
  ['/root', 0o550],
  ['/run', 0o755],
  ['/srv', 0o755],
  ['/tmp', 0o1777],
  ['/usr/bin', 0o755],
  ['/usr/sbin', 0o755],
  ['/usr/lib/systemd/system', 0o755],
  ['/usr/local/bin', 0o755],
  ['/usr/share', 0o755],
  ['/var/cache', 0o755],
  ['/var/lib', 0o755],
  ['/var/lib/cloud', 0o755],
  ['/var/log', 0o755],
  ['/var/tmp', 0o1777],
  ['/var/www', 0o755],
];

export class ImageFiles {
  private readonly entries = new Map<string, ImageEntry>();
  readonly mtime: Date;
  readonly flavour: OsFlavour;

  constructor(readonly image: ImageInfo) {
    this.mtime = imageTime(image);
    this.flavour = {
      os: image.os,
      version: image.osVersion,
      prettyName: image.osPrettyName,
      arch: image.architecture,
      defaultUser: image.defaultUser,
      packageManager: image.packageManager,
    };
    for (const [path, mode] of DIRS) this.dir(path, mode);
    const home = `/home/${image.defaultUser}`;
    this.dir(home, 0o700);
    this.dir(`${home}/.ssh`, 0o700);
    const files: Record<string, string | { content: string; mode: number }> = {
      ...releaseFiles(this.flavour),
      ...userDatabase(this.flavour),
      ...shellFiles(this.flavour),
    };
    for (const [path, f] of Object.entries(files)) {
      const { content, mode } = typeof f === 'string' ? { content: f, mode: 0o644 } : f;
      this.file(path, content, mode);
    }
  }

  private parents(path: string): void {
    const parts = path.split('/').filter(Boolean);
    for (let i = 1; i < parts.length; i++) {
      const dir = `/${parts.slice(0, i).join('/')}`;
      if (!this.entries.has(dir)) this.entries.set(dir, { type: 'dir', mode: 0o755 });
    }
  }

  private dir(path: string, mode: number): void {
    this.parents(path);
    this.entries.set(path, { type: 'dir', mode });
  }

  private file(path: string, content: string, mode: number): void {
    this.parents(path);
    this.entries.set(path, { type: 'file', mode, content });
  }

  /** The tree a new machine starts from. */
  initial(): InitialFiles {
    const files: InitialFiles = {};
    for (const [path, e] of this.entries) {
      if (e.type === 'file') files[path] = { content: e.content ?? '', mode: e.mode, mtime: this.mtime };
    }
    return files;
  }

  /** Directories and links InMemoryFs cannot take as initial files; the machine adds them. */
  extras(): Array<{ path: string; type: 'dir' | 'symlink'; mode: number; target?: string }> {
    const out: Array<{ path: string; type: 'dir' | 'symlink'; mode: number; target?: string }> = [];
    for (const [path, e] of this.entries) {
      if (e.type === 'dir') out.push({ path, type: 'dir', mode: e.mode });
      if (e.type === 'symlink') out.push({ path, type: 'symlink', mode: e.mode, target: e.target });
    }
    return out.sort((a, b) => a.path.localeCompare(b.path));
  }

  paths(): IterableIterator<string> {
    return this.entries.keys();
  }

  has(path: string): boolean {
    return this.entries.has(path);
  }

  isDir(path: string): boolean {
    return this.entries.get(path)?.type === 'dir';
  }

  mode(path: string): number | undefined {
    return this.entries.get(path)?.mode;
  }

  symlink(path: string): string | undefined {
    const e = this.entries.get(path);
    return e?.type === 'symlink' ? e.target : undefined;
  }

  sameFile(path: string, data: Uint8Array, mode: number): boolean {
    const e = this.entries.get(path);
    if (e?.type !== 'file' || e.mode !== mode) return false;
    const expected = Buffer.from(e.content ?? '', 'utf8');
    return expected.equals(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }
}

const cache = new Map<string, ImageFiles>();

/** The shared file set of one AMI. */
export function imageFiles(image: ImageInfo): ImageFiles {
  let files = cache.get(image.key);
  if (!files) cache.set(image.key, (files = new ImageFiles(image)));
  return files;
}
