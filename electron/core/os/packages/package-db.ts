/**
 * The machine's package database: which packages are installed, kept in the machine's own
 * file system (/var/lib/cloudlab/packages.json, as rpmdb or /var/lib/dpkg/status hold it on
 * a real system) so it lives and dies with the root volume. Installing writes the package's
 * files, users and groups; removing takes its files away again.
 */
import type { Machine } from '../machine';
import { repository, type Family, type Flavour, type PackageSpec } from './catalogue';

export const DB_PATH = '/var/lib/cloudlab/packages.json';

export interface InstalledPackage {
  version: string;
  /** `user`: asked for; `dependency`: pulled in (apt's "automatic"); `image`: on the AMI. */
  reason: 'user' | 'dependency' | 'image';
  installedAt: number;
}

export interface PackageDb {
  installed: Record<string, InstalledPackage>;
}

/** just-bash writes these stubs for every registered command; they are not package files. */
export const SHELL_STUB_PREFIX = '#!/bin/bash\n# Built-in command';

export function flavourOf(m: Machine): Flavour {
  const img = m.identity.image;
  const family: Family = m.debianLike ? 'deb' : 'rpm';
  const arch =
    family === 'deb'
      ? img.architecture === 'arm64'
        ? 'arm64'
        : 'amd64'
      : img.architecture === 'arm64'
        ? 'aarch64'
        : 'x86_64';
  return {
    family,
    os: img.os,
    osVersion: img.osVersion,
    arch,
    workstation: m.identity.kind === 'workstation',
  };
}

export function repoOf(m: Machine): Map<string, PackageSpec> {
  return repository(flavourOf(m));
}

/** What the AMI has installed before anyone runs the package manager. */
function imageDb(m: Machine): PackageDb {
  const installed: PackageDb['installed'] = {};
  for (const p of repoOf(m).values())
    if (p.preinstalled) installed[p.name] = { version: p.version, reason: 'image', installedAt: 0 };
  return { installed };
}

export async function readDb(m: Machine): Promise<PackageDb> {
  const text = await m.fs.readText(DB_PATH);
  if (text === null) return imageDb(m);
  try {
    const db = JSON.parse(text) as PackageDb;
    return db && typeof db.installed === 'object' ? db : imageDb(m);
  } catch {
    return imageDb(m);
  }
}

async function writeDb(m: Machine, db: PackageDb): Promise<void> {
  await m.fs.writeText(DB_PATH, `${JSON.stringify(db, null, 1)}\n`);
}

/** Is the package (by the distribution's name for it) installed on the machine? */
export async function isInstalled(m: Machine, pkgName: string): Promise<boolean> {
  return pkgName in (await readDb(m)).installed;
}

/**
 * Which package provides a command on this machine, and whether it is installed: `stress` →
 * { package: 'stress', installed: false, path: '/usr/bin/stress' }. Undefined when no package
 * in the repository provides it (a base-system command or an unknown one).
 */
export async function commandProvidedBy(
  m: Machine,
  command: string,
): Promise<{ package: string; installed: boolean; path: string } | undefined> {
  const db = await readDb(m);
  for (const p of repoOf(m).values())
    for (const f of p.files ?? [])
      if (f.program && f.path.slice(f.path.lastIndexOf('/') + 1) === command)
        return { package: p.name, installed: p.name in db.installed, path: f.path };
  return undefined;
}

/** The packages to install for a request: what was asked and what it requires, in order. */
export function closure(repo: Map<string, PackageSpec>, names: string[], db: PackageDb): PackageSpec[] {
  const out: PackageSpec[] = [];
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name) || name in db.installed) return;
    seen.add(name);
    const p = repo.get(name);
    if (!p) return;
    for (const dep of p.requires ?? []) visit(dep);
    out.push(p);
  };
  for (const n of names) visit(n);
  return out;
}

/** Dependencies nothing installed needs any more once `removing` goes (dnf autoremove). */
export function orphans(repo: Map<string, PackageSpec>, removing: string[], db: PackageDb): PackageSpec[] {
  const gone = new Set(removing);
  let changed = true;
  while (changed) {
    changed = false;
    const needed = new Set<string>();
    for (const name of Object.keys(db.installed)) {
      if (gone.has(name)) continue;
      for (const dep of repo.get(name)?.requires ?? []) needed.add(dep);
    }
    for (const [name, entry] of Object.entries(db.installed)) {
      if (gone.has(name) || entry.reason !== 'dependency' || needed.has(name)) continue;
      gone.add(name);
      changed = true;
    }
  }
  return [...gone].filter((n) => !removing.includes(n)).flatMap((n) => repo.get(n) ?? []);
}

async function addAccounts(m: Machine, p: PackageSpec): Promise<void> {
  const passwd = (await m.fs.readText('/etc/passwd')) ?? '';
  let group = (await m.fs.readText('/etc/group')) ?? '';
  const nologin = m.debianLike ? '/usr/sbin/nologin' : '/sbin/nologin';
  const hasGroup = (name: string) => group.split('\n').some((l) => l.startsWith(`${name}:`));
  for (const g of p.groups ?? []) if (!hasGroup(g.name)) group += `${g.name}:x:${g.gid}:\n`;
  let users = passwd;
  for (const u of p.users ?? []) {
    if (users.split('\n').some((l) => l.startsWith(`${u.name}:`))) continue;
    users += `${u.name}:x:${u.uid}:${u.uid}:${u.comment}:${u.home}:${nologin}\n`;
    if (!hasGroup(u.name)) group += `${u.name}:x:${u.uid}:\n`;
  }
  if (users !== passwd) await m.fs.writeText('/etc/passwd', users);
  await m.fs.writeText('/etc/group', group);
}

/** Put packages' files in place and record them. */
export async function installFiles(
  m: Machine,
  packages: PackageSpec[],
  reasonOf: (p: PackageSpec) => InstalledPackage['reason'],
): Promise<void> {
  const db = await readDb(m);
  for (const p of packages) {
    for (const f of p.files ?? []) {
      // Configuration the admin already wrote stays (rpm's %config(noreplace), dpkg's conffiles).
      if (f.path.startsWith('/etc/') && (await m.fs.exists(f.path))) continue;
      if (f.path.endsWith('/.keep')) {
        await m.fs.mkdir(f.path.slice(0, f.path.lastIndexOf('/')), { recursive: true });
        continue;
      }
      await m.fs.writeText(f.path, f.content, f.mode ?? 0o644);
    }
    await addAccounts(m, p);
    db.installed[p.name] = { version: p.version, reason: reasonOf(p), installedAt: m.cloud.clock.now() };
  }
  await writeDb(m, db);
}

/**
 * Take packages' files away. Configuration under /etc and content under /var stay, as dpkg
 * (without --purge) and rpm (which saves changed configs as .rpmsave) leave them.
 */
export async function removeFiles(m: Machine, packages: PackageSpec[]): Promise<void> {
  const db = await readDb(m);
  for (const p of packages) {
    for (const f of p.files ?? []) {
      if (f.path.startsWith('/etc/') || f.path.startsWith('/var/') || f.path.endsWith('/.keep')) continue;
      await m.fs.rm(f.path, { force: true });
    }
    delete db.installed[p.name];
  }
  await writeDb(m, db);
}

/**
 * Make the file system agree with the database at boot: the AMI's packages are in place on a
 * fresh disk, and the shell's own stubs for programs that are not installed (or belong to the
 * other distribution family's tools) are gone, so those commands are "not found".
 */
export async function reconcile(m: Machine, foreignCommands: string[]): Promise<void> {
  if (!(await m.fs.exists(DB_PATH))) {
    const repo = repoOf(m);
    const preinstalled = [...repo.values()].filter((p) => p.preinstalled);
    await installFiles(m, preinstalled, () => 'image');
  }
  const db = await readDb(m);
  const stale = new Set(foreignCommands);
  for (const p of repoOf(m).values()) {
    if (p.name in db.installed) continue;
    for (const f of p.files ?? []) if (f.program) stale.add(f.path.slice(f.path.lastIndexOf('/') + 1));
  }
  for (const name of stale) {
    for (const dir of ['/usr/bin', '/bin']) {
      const path = `${dir}/${name}`;
      const text = await m.fs.readText(path);
      if (text?.startsWith(SHELL_STUB_PREFIX)) await m.fs.rm(path, { force: true });
    }
  }
}
