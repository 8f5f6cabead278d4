/**
 * `ls` as a Linux box prints it. just-bash's ls has no users, so its long format says
 * "user user" for every file, gives directories a size of 0 and marks them with a trailing
 * slash. This wraps it: owners follow the home directories (a user owns their home, root
 * owns the rest), directories are 4096 bytes, and the slash only shows with -F or -p.
 */
import { defineCommand, type CustomCommand } from 'just-bash';
import type { Machine } from '../machine';

const LONG_LINE =
  /^([-dlcbps][-rwxsStT]{9}[.+@]?)(\s+\d+\s+)user user(\s+)(\d+)(\s+\w{3}\s+\d+\s+[\d:]+\s)(.*)$/;

function ownerOf(path: string, homes: Map<string, string>): string {
  const m = /^\/home\/([^/]+)/.exec(path);
  if (m && homes.has(m[1]!)) return m[1]!;
  return 'root';
}

export const ls = (m: Machine): CustomCommand =>
  defineCommand('ls', async (args, ctx) => {
    const result = await ctx.origCommand!(args);
    const flags = args.filter((a) => a.startsWith('-') && !a.startsWith('--')).join('');
    const long = flags.includes('l') || flags.includes('n') || flags.includes('g') || flags.includes('o');
    if (!long || !result.stdout.includes(' user user ')) return result;
    const classify = flags.includes('F') || flags.includes('p') || args.includes('--classify');
    const operands = args.filter((a) => !a.startsWith('-'));
    const homes = new Map(
      (await m.users.all()).filter((u) => u.home.startsWith('/home/')).map((u) => [u.name, u.home]),
    );
    // Which directory the lines belong to: "dir:" headers when several are listed.
    let dir = operands.length === 1 ? ctx.fs.resolvePath(ctx.cwd, operands[0]!) : ctx.cwd;
    const lines = result.stdout.split('\n').map((line) => {
      const header = /^(.+):$/.exec(line);
      if (header) {
        dir = ctx.fs.resolvePath(ctx.cwd, header[1]!);
        return line;
      }
      const parts = LONG_LINE.exec(line);
      if (!parts) return line;
      const [, mode = '', links = '', gap = '', size = '', date = '', rawName = ''] = parts;
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
      const owner = ownerOf(path === dir && operands.length === 1 && !isDir ? dir : path, homes);
      const shownSize = isDir && size === '0' ? '4096' : size;
      const width = size.length + gap.length - 1;
      return `${mode}${links}${owner} ${owner} ${shownSize.padStart(Math.max(width, shownSize.length))}${date}${name}`;
    });
    return { ...result, stdout: lines.join('\n') };
  });
