/**
 * systemd unit files: found in /etc/systemd/system (the admin's, which win) and
 * /usr/lib/systemd/system (packages'), parsed as INI, with Alias= names and the
 * multi-user.target.wants symlinks that make a unit enabled.
 */
import type { Machine } from '../machine';

export const ETC_DIR = '/etc/systemd/system';
export const LIB_DIR = '/usr/lib/systemd/system';
export const WANTS_DIR = `${ETC_DIR}/multi-user.target.wants`;

export interface UnitFile {
  name: string;
  path: string;
  sections: Record<string, Record<string, string[]>>;
}

export function parseUnit(name: string, path: string, text: string): UnitFile {
  const sections: UnitFile['sections'] = {};
  let current: Record<string, string[]> | null = null;
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  for (const raw of lines) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const head = /^\[(.+)\]$/.exec(line);
    if (head) {
      current = sections[head[1]!] ??= {};
      continue;
    }
    const eq = line.indexOf('=');
    if (!current || eq < 0) continue;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    (current[key] ??= []).push(value);
  }
  return { name, path, sections };
}

export function value(u: UnitFile, section: string, key: string): string | undefined {
  const vs = u.sections[section]?.[key];
  return vs?.[vs.length - 1];
}

export function values(u: UnitFile, section: string, key: string): string[] {
  return (u.sections[section]?.[key] ?? []).filter(Boolean);
}

/** `httpd` → `httpd.service`. */
export function unitName(arg: string): string {
  return /\.(service|socket|timer|target|mount|path)$/.test(arg) ? arg : `${arg}.service`;
}

async function readUnit(m: Machine, dir: string, name: string): Promise<UnitFile | null> {
  const path = `${dir}/${name}`;
  const text = await m.fs.readText(path);
  if (text === null) return null;
  return parseUnit(name, path, text);
}

/** Every unit file name on the machine. */
export async function allUnits(m: Machine): Promise<UnitFile[]> {
  const seen = new Map<string, UnitFile>();
  for (const dir of [ETC_DIR, LIB_DIR]) {
    const names = await m.fs.readdir(dir).catch(() => [] as string[]);
    for (const n of names.sort()) {
      if (!n.endsWith('.service') || seen.has(n)) continue;
      const st = await m.fs.lstat(`${dir}/${n}`).catch(() => null);
      if (!st || st.isDirectory || st.isSymbolicLink) continue;
      const u = await readUnit(m, dir, n);
      if (u) seen.set(n, u);
    }
  }
  return [...seen.values()];
}

/** A unit by name or by one of its aliases (mysql.service → mariadb.service). */
export async function findUnit(m: Machine, arg: string): Promise<UnitFile | null> {
  const name = unitName(arg);
  for (const dir of [ETC_DIR, LIB_DIR]) {
    const st = await m.fs.lstat(`${dir}/${name}`).catch(() => null);
    if (st && !st.isDirectory && !st.isSymbolicLink) return readUnit(m, dir, name);
  }
  for (const u of await allUnits(m)) if (values(u, 'Install', 'Alias').includes(name)) return u;
  return null;
}

export async function isEnabled(m: Machine, u: UnitFile): Promise<boolean> {
  const wanted = values(u, 'Install', 'WantedBy');
  for (const target of wanted.length ? wanted : ['multi-user.target'])
    if (await m.fs.lstat(`${ETC_DIR}/${target}.wants/${u.name}`).catch(() => null)) return true;
  return false;
}

/** `enabled`, `disabled` or `static` (no [Install] section), as is-enabled prints. */
export async function enablement(m: Machine, u: UnitFile): Promise<'enabled' | 'disabled' | 'static'> {
  if (await isEnabled(m, u)) return 'enabled';
  return u.sections['Install'] ? 'disabled' : 'static';
}

/** Enable: the wants symlinks and the alias links, as systemctl reports them. */
export async function enable(m: Machine, u: UnitFile): Promise<string> {
  let out = '';
  const targets = values(u, 'Install', 'WantedBy');
  for (const target of targets.length ? targets : []) {
    const link = `${ETC_DIR}/${target}.wants/${u.name}`;
    if (await m.fs.lstat(link).catch(() => null)) continue;
    await m.fs.mkdir(`${ETC_DIR}/${target}.wants`, { recursive: true });
    await m.fs.symlink(u.path, link);
    out += `Created symlink ${link} → ${u.path}.\n`;
  }
  for (const alias of values(u, 'Install', 'Alias')) {
    const link = `${ETC_DIR}/${alias}`;
    if (await m.fs.lstat(link).catch(() => null)) continue;
    await m.fs.symlink(u.path, link);
    out += `Created symlink ${link} → ${u.path}.\n`;
  }
  return out;
}

export async function disable(m: Machine, u: UnitFile): Promise<string> {
  let out = '';
  const links = [
    ...values(u, 'Install', 'WantedBy').map((t) => `${ETC_DIR}/${t}.wants/${u.name}`),
    ...values(u, 'Install', 'Alias').map((a) => `${ETC_DIR}/${a}`),
  ];
  for (const link of links) {
    const st = await m.fs.lstat(link).catch(() => null);
    if (!st?.isSymbolicLink) continue;
    await m.fs.rm(link, { force: true });
    out += `Removed "${link}".\n`;
  }
  return out;
}

/** Units enabled for boot, in name order. */
export async function enabledUnits(m: Machine): Promise<UnitFile[]> {
  const out: UnitFile[] = [];
  for (const u of await allUnits(m)) if (await isEnabled(m, u)) out.push(u);
  return out;
}
