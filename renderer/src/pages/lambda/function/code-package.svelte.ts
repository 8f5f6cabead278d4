/**
 * The function's deployment package as the code editor holds it: the files unzipped from
 * GetFunction's Code.Location, which of them are open, and what changed since the last deploy.
 */
import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import { downloadPackage } from '../lambda';

export interface PackageFile {
  path: string;
  /** Text files: the editor's text. */
  content: string;
  /** The text as deployed; null for a file created in the editor. */
  original: string | null;
  /** Files that are not UTF-8 text stay as they are and are not editable. */
  bytes?: Uint8Array;
}

export interface TreeRow {
  kind: 'folder' | 'file';
  path: string;
  name: string;
  depth: number;
}

function isText(bytes: Uint8Array): boolean {
  if (bytes.length > 1_000_000) return false;
  for (let i = 0; i < Math.min(bytes.length, 8000); i++) if (bytes[i] === 0) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

export function languageOf(path: string): 'javascript' | 'json' | 'text' {
  if (/\.(m?js|cjs|ts|mts)$/.test(path)) return 'javascript';
  if (/\.json$/.test(path)) return 'json';
  return 'text';
}

export class CodePackage {
  files = $state<PackageFile[]>([]);
  openFiles = $state<string[]>([]);
  active = $state<string | null>(null);
  loading = $state(true);
  error = $state<string | null>(null);
  /** Files deleted since the last deploy. */
  removed = $state(0);
  /** The CodeSha256 the files were loaded from. */
  sha = $state('');
  /** Bumped when the files are reloaded: editors start afresh. */
  generation = $state(0);

  dirty = $derived(this.removed > 0 || this.files.some((f) => !f.bytes && f.content !== f.original));

  tree = $derived.by(() => {
    const rows: TreeRow[] = [];
    const seen: Record<string, true> = {};
    const paths = this.files.map((f) => f.path).sort((a, b) => a.localeCompare(b));
    for (const path of paths) {
      const parts = path.split('/');
      for (let i = 0; i < parts.length - 1; i++) {
        const folder = parts.slice(0, i + 1).join('/');
        if (!seen[folder]) {
          seen[folder] = true;
          rows.push({ kind: 'folder', path: folder, name: parts[i]!, depth: i });
        }
      }
      rows.push({ kind: 'file', path, name: parts[parts.length - 1]!, depth: parts.length - 1 });
    }
    return rows;
  });

  async load(location: string, sha: string): Promise<void> {
    this.loading = true;
    this.error = null;
    try {
      const entries = unzipSync(await downloadPackage(location));
      const files: PackageFile[] = [];
      for (const [path, bytes] of Object.entries(entries)) {
        if (path.endsWith('/')) continue;
        if (isText(bytes)) {
          const text = strFromU8(bytes);
          files.push({ path, content: text, original: text });
        } else files.push({ path, content: '', original: '', bytes });
      }
      this.files = files;
      this.sha = sha;
      this.removed = 0;
      this.generation++;
      const main =
        files.find((f) => /^index\.(m?js|cjs)$/.test(f.path)) ?? files.find((f) => !f.bytes) ?? files[0];
      this.openFiles = main ? [main.path] : [];
      this.active = main?.path ?? null;
    } catch (e) {
      this.error = (e as Error).message;
    } finally {
      this.loading = false;
    }
  }

  file(path: string | null): PackageFile | undefined {
    return this.files.find((f) => f.path === path);
  }

  open(path: string): void {
    if (!this.openFiles.includes(path)) this.openFiles = [...this.openFiles, path];
    this.active = path;
  }

  close(path: string): void {
    const i = this.openFiles.indexOf(path);
    this.openFiles = this.openFiles.filter((p) => p !== path);
    if (this.active === path) this.active = this.openFiles[Math.max(0, i - 1)] ?? null;
  }

  edit(path: string, content: string): void {
    const f = this.file(path);
    if (f && f.content !== content) f.content = content;
  }

  add(path: string, content = ''): string | null {
    const clean = path.trim().replace(/^\/+/, '');
    if (!clean || clean.endsWith('/')) return 'Enter a file name.';
    if (this.files.some((f) => f.path === clean)) return `${clean} already exists.`;
    if (this.files.some((f) => f.path.startsWith(`${clean}/`))) return `${clean} is a folder.`;
    this.files = [...this.files, { path: clean, content, original: null }];
    this.open(clean);
    return null;
  }

  remove(path: string): void {
    const f = this.file(path);
    if (!f) return;
    this.files = this.files.filter((x) => x.path !== path);
    if (f.original !== null) this.removed++;
    this.close(path);
  }

  isDirty(path: string): boolean {
    const f = this.file(path);
    return !!f && !f.bytes && f.content !== f.original;
  }

  zip(): Uint8Array {
    const entries: Zippable = {};
    for (const f of this.files) entries[f.path] = f.bytes ?? strToU8(f.content);
    return zipSync(entries, { level: 6 });
  }

  /** After a deploy: what the editor holds is what Lambda runs. */
  saved(sha: string): void {
    for (const f of this.files) if (!f.bytes) f.original = f.content;
    this.removed = 0;
    this.sha = sha;
  }
}
