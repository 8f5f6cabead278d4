/**
 * Tab completion as bash does it by default: the first word of a command completes to the
 * programs in $PATH (and the shell's builtins), any other word to a path in the machine's file
 * system (directories get a trailing "/", a single file a trailing space).
 */
import type { ShellSession } from '../shell/shell-session';

export interface Completion {
  /** Text to insert at the cursor (may be empty). */
  insert: string;
  /** All candidates when the word is ambiguous (for the listing on a second Tab). */
  candidates: string[];
}

const BUILTINS = [
  'alias',
  'bg',
  'cd',
  'command',
  'declare',
  'echo',
  'eval',
  'exec',
  'exit',
  'export',
  'false',
  'fg',
  'history',
  'jobs',
  'local',
  'logout',
  'printf',
  'pwd',
  'read',
  'return',
  'set',
  'shift',
  'source',
  'test',
  'true',
  'type',
  'ulimit',
  'umask',
  'unalias',
  'unset',
  'wait',
];

/** Words after which the next word is a command name. */
const COMMAND_PREFIX = /(^|[;&|(`]|\$\(|(^|\s)(sudo|time|exec|nohup|xargs|env|watch|then|do|else|!))\s*$/;

/** The word the cursor ends: from the last unquoted separator to the cursor. */
export function currentWord(before: string): { word: string; start: number } {
  const m = /[^\s;|&<>()`'"]*$/.exec(before);
  const word = m ? m[0] : '';
  return { word, start: before.length - word.length };
}

export async function complete(shell: ShellSession, before: string): Promise<Completion> {
  const { word, start } = currentWord(before);
  const head = before.slice(0, start);
  const isCommand = COMMAND_PREFIX.test(head) && !word.includes('/');
  const found = isCommand ? await commands(shell, word) : await paths(shell, word);
  const names = [...new Set(found)].sort();
  if (names.length === 0) return { insert: '', candidates: [] };
  const base = isCommand ? word : word.slice(word.lastIndexOf('/') + 1);
  if (names.length === 1) {
    const only = names[0]!;
    const rest = only.slice(base.length);
    return { insert: only.endsWith('/') ? rest : `${rest} `, candidates: names };
  }
  const common = commonPrefix(names);
  return { insert: common.slice(base.length), candidates: names };
}

async function commands(shell: ShellSession, prefix: string): Promise<string[]> {
  const fs = shell.machine.fs;
  const out = BUILTINS.filter((b) => b.startsWith(prefix));
  const dirs = (shell.env.PATH ?? '/usr/bin:/bin').split(':').filter(Boolean);
  for (const dir of dirs) {
    let names: string[];
    try {
      names = await fs.readdir(dir);
    } catch {
      continue;
    }
    for (const n of names) if (n.startsWith(prefix)) out.push(n);
  }
  return out;
}

async function paths(shell: ShellSession, word: string): Promise<string[]> {
  const fs = shell.machine.fs;
  const slash = word.lastIndexOf('/');
  const dirPart = slash >= 0 ? word.slice(0, slash + 1) : '';
  const base = word.slice(slash + 1);
  const home = shell.env.HOME ?? shell.user.home;
  let dir = dirPart === '' ? '.' : dirPart;
  if (dir === '~/' || dir.startsWith('~/')) dir = `${home}${dir.slice(1)}`;
  const abs = dir.startsWith('/') ? dir : `${shell.cwd.replace(/\/$/, '')}/${dir}`;
  let names: string[];
  try {
    names = await fs.readdir(abs);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const n of names) {
    if (!n.startsWith(base)) continue;
    if (n.startsWith('.') && !base.startsWith('.')) continue;
    let isDir = false;
    try {
      isDir = (await fs.stat(`${abs.replace(/\/$/, '')}/${n}`)).isDirectory;
    } catch {
      isDir = false;
    }
    out.push(isDir ? `${n}/` : n);
  }
  return out;
}

function commonPrefix(words: string[]): string {
  let prefix = words[0] ?? '';
  for (const w of words) while (!w.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}

/** bash's listing of candidates: sorted, in columns down then across. */
export function columns(words: string[], width: number): string {
  const cell = Math.max(...words.map((w) => w.length)) + 2;
  const perRow = Math.max(1, Math.floor(width / cell));
  const rows = Math.ceil(words.length / perRow);
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    let line = '';
    for (let c = 0; c < perRow; c++) {
      const w = words[c * rows + r];
      if (w === undefined) continue;
      line += c === perRow - 1 || words[(c + 1) * rows + r] === undefined ? w : w.padEnd(cell);
    }
    lines.push(line);
  }
  return lines.join('\n');
}
