/**
 * `ls` as a Linux box prints it. just-bash's ls has no users, so its long format says
 * "user user" for every file, gives directories a size of 0, marks them with a trailing slash
 * and shows `.` and `..` with a fixed mode and date. This wraps it: owners follow the home
 * directories (a user owns their home, root owns the rest), directories are 4096 bytes, the
 * slash only shows with -F or -p, `.` and `..` show their real mode and time, and the columns
 * line up as GNU ls aligns them.
 */
import { defineCommand, type CustomCommand, type IFileSystem } from 'just-bash';
import type { Machine } from '../machine';

const LONG_LINE =
  /^([-dlcbps][-rwxsStT]{9}[.+@]?)\s+(\d+)\s+user user\s+(\d+)\s+(\w{3}\s+\d+\s+[\d:]+)\s(.*)$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const SIX_MONTHS_MS = 182 * 24 * 3_600_000;

interface Entry {
  mode: string;
  links: string;
  owner: string;
  size: string;
  date: string;
  name: string;
}

function ownerOf(path: string, homes: Set<string>): string {
  const m = /^\/home\/([^/]+)/.exec(path);
  return m && homes.has(m[1]!) ? m[1]! : 'root';
}

/** GNU ls's time column: month, day and time within six months of now, else the year. */
function lsDate(t: Date, now: number): string {
  const day = String(t.getUTCDate()).padStart(2);
  const recent = Math.abs(now - t.getTime()) < SIX_MONTHS_MS;
  const tail = recent
    ? `${String(t.getUTCHours()).padStart(2, '0')}:${String(t.getUTCMinutes()).padStart(2, '0')}`
    : ` ${t.getUTCFullYear()}`;
  return `${MONTHS[t.getUTCMonth()]} ${day} ${tail}`;
}

function modeString(mode: number): string {
  const bits = 'rwxrwxrwx';
  return `d${[...bits].map((c, i) => (mode & (1 << (8 - i)) ? c : '-')).join('')}`;
}

async function dirEntry(fs: IFileSystem, path: string, now: number): Promise<Partial<Entry>> {
  try {
    const st = await fs.stat(path);
    return { mode: modeString(st.mode & 0o777), date: lsDate(st.mtime, now) };
  } catch {
    return {};
  }
}

export const ls = (m: Machine): CustomCommand =>
  defineCommand('ls', async (args, ctx) => {
    const result = await ctx.origCommand!(args);
    const flags = args.filter((a) => a.startsWith('-') && !a.startsWith('--')).join('');
    const long = /[lngo]/.test(flags);
    if (!long || !result.stdout.includes(' user user ')) return result;
    const classify = flags.includes('F') || flags.includes('p') || args.includes('--classify');
    const operands = args.filter((a) => !a.startsWith('-'));
    const homes = new Set(
      (await m.users.all()).filter((u) => u.home.startsWith('/home/')).map((u) => u.name),
    );
    const now = m.cloud.clock.now();
    // Which directory the lines belong to: "dir:" headers when several are listed.
    let dir = operands.length === 1 ? ctx.fs.resolvePath(ctx.cwd, operands[0]!) : ctx.cwd;
    const lines: Array<string | Entry> = [];
    for (const line of result.stdout.split('\n')) {
      const header = /^(.+):$/.exec(line);
      if (header) dir = ctx.fs.resolvePath(ctx.cwd, header[1]!);
      const parts = LONG_LINE.exec(line);
      if (!parts) {
        lines.push(line);
        continue;
      }
      const [, mode = '', links = '', size = '', date = '', rawName = ''] = parts;
      const isDir = mode.startsWith('d');
      const name = isDir && !classify ? rawName.replace(/\/$/, '') : rawName;
      const bare = name.replace(/ -> .*$/, '').replace(/[/*@|=]$/, '');
      const path =
        bare === '.'
          ? dir
          : bare === '..'
            ? dir.replace(/\/[^/]+$/, '') || '/'
            : bare.startsWith('/')
              ? bare
              : `${dir === '/' ? '' : dir}/${bare}`;
      const entry: Entry = {
        mode,
        links,
        owner: ownerOf(path, homes),
        size: isDir && size === '0' ? '4096' : size,
        date,
        name,
      };
      // just-bash prints . and .. with a fixed mode and the epoch: show the directory's own.
      if (bare === '.' || bare === '..') Object.assign(entry, await dirEntry(ctx.fs, path, now));
      lines.push(entry);
    }
    const entries = lines.filter((l): l is Entry => typeof l !== 'string');
    const width = (f: (e: Entry) => string) => Math.max(...entries.map((e) => f(e).length));
    const [wl, wo, ws] = [width((e) => e.links), width((e) => e.owner), width((e) => e.size)];
    const text = lines.map((l) =>
      typeof l === 'string'
        ? l
        : `${l.mode} ${l.links.padStart(wl)} ${l.owner.padEnd(wo)} ${l.owner.padEnd(wo)} ${l.size.padStart(ws)} ${l.date} ${l.name}`,
    );
    return { ...result, stdout: text.join('\n') };
  });
