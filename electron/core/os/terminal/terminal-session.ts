/**
 * The line discipline between a terminal (xterm.js in the console, an SSH client's pty) and a
 * ShellSession: it echoes keystrokes, edits the line as readline does (cursor keys, Home/End,
 * Ctrl-A/E/U/K/W/Y/L, history on ↑/↓, Tab completion), runs the line on Enter (or asks for more
 * with "> " when the line is unfinished), converts output to CRLF, buffers what is typed while
 * a command runs, and handles Ctrl-C and Ctrl-D. The same class serves the web terminals and
 * the SSH gateway.
 *
 * A command may hand the terminal to a login on another machine (`ssh HOST`, see
 * nested-login.ts): the terminal then talks to that shell until it exits, and prints
 * "Connection to HOST closed." as the ssh client does.
 *
 * Echo is the hot path: a printable key at the end of the line costs one string append and one
 * listener call, with no awaits.
 */
/* eslint-disable no-control-regex -- a line discipline reads and writes escape sequences */
import type { Machine } from '../machine';
import type { RunResult, ShellSession } from '../shell/shell-session';
import { columns, complete } from './completion';
import { broadcast, recordLogin } from './login';
import { setLiveWriter } from './live-output';
import { attachTerminal, detachTerminal, takeNestedLogin } from './nested-login';

export interface TerminalOptions {
  cols: number;
  rows: number;
  /** The message of the day printed at login (an instance's /etc/motd); none when absent. */
  motd?: string;
  /** The client's address, for the "Last login: … from X" line. */
  from?: string;
}

export type TerminalDataListener = (data: string) => void;
export type TerminalExitListener = (code: number) => void;

interface Level {
  shell: ShellSession;
  /** The host name the user typed for a nested login; null for the terminal's own shell. */
  host: string | null;
}

const BRACKETED_PASTE_ON = '\x1b[?2004h';
const BRACKETED_PASTE_OFF = '\x1b[?2004l';
const PASTE_START = '\x1b[200~';
const PASTE_END = '\x1b[201~';
/** How long a lone ESC waits for the rest of a sequence (readline's keyseq-timeout is 500). */
const ESC_TIMEOUT_MS = 50;

export class TerminalSession {
  private cols: number;
  private rows: number;
  private readonly levels: Level[];
  private readonly dataListeners: TerminalDataListener[] = [];
  private readonly exitListeners: TerminalExitListener[] = [];

  /** The line being edited, one code point per entry. */
  private line: string[] = [];
  private cursor = 0;
  /** Where the terminal's cursor is, as a line position. */
  private cursorDrawn = 0;
  /** Earlier lines of an unfinished command (after "> "). */
  private pendingLines: string[] = [];
  private promptText = '';
  /** Column where the prompt started (output may leave the cursor mid-line). */
  private startCol = 0;
  /** Column after the last output, for the next prompt's startCol. */
  private outCol = 0;

  private history: string[] = [];
  private historyIndex: number | null = null;
  private draft: string[] = [];
  private killed = '';

  /** Input not yet handled: typeahead while a command runs, or the rest after an async key. */
  private input = '';
  private out = '';
  private busy = true;
  private running: ShellSession | null = null;
  private pasting = false;
  private lastKey = '';
  private skipLf = false;
  private escTimer: ReturnType<typeof setTimeout> | null = null;
  private ended = false;
  private started = false;
  private unwatch: (() => void) | null = null;

  constructor(
    shell: ShellSession,
    private readonly options: TerminalOptions,
  ) {
    this.cols = Math.max(2, options.cols);
    this.rows = Math.max(2, options.rows);
    this.levels = [{ shell, host: null }];
    attachTerminal(shell);
    this.setSize(shell);
  }

  /** The shell keystrokes go to now (a nested login's while one is open). */
  get shell(): ShellSession {
    return this.levels[this.levels.length - 1]!.shell;
  }

  get closed(): boolean {
    return this.ended;
  }

  onData(listener: TerminalDataListener): void {
    this.dataListeners.push(listener);
  }

  onExit(listener: TerminalExitListener): void {
    this.exitListeners.push(listener);
  }

  /** Print the login banner (motd, last login) and the first prompt. */
  async start(): Promise<void> {
    if (this.started || this.ended) return;
    this.started = true;
    this.put(BRACKETED_PASTE_ON);
    await this.login(this.shell, this.options.motd, this.options.from);
    if (this.ended) return;
    await this.loadHistory();
    if (this.ended) return;
    this.showPrompt();
    this.flush();
    this.busy = false;
    this.pump();
  }

  /** Raw keystrokes (or pasted text) from the client. */
  write(data: string): void {
    if (this.ended || data.length === 0) return;
    if (this.running) {
      const stop = data.indexOf('\x03');
      if (stop >= 0) {
        // Ctrl-C stops the command and, as the tty driver does, drops the typeahead.
        this.input = '';
        this.running.interrupt();
        this.put('^C\n');
        this.flush();
        return;
      }
    }
    this.input += data;
    if (!this.busy) this.pump();
  }

  /** The window changed size: the shells see new COLUMNS and LINES. */
  resize(cols: number, rows: number): void {
    this.cols = Math.max(2, cols);
    this.rows = Math.max(2, rows);
    for (const level of this.levels) this.setSize(level.shell);
  }

  /**
   * The terminal's machine is going down: print the broadcast as wall does and end the
   * session (no exit listeners; the owner is closing it).
   */
  hangup(reason: string): void {
    if (this.ended) return;
    this.put(broadcast(this.levels[0]!.shell.machine, reason));
    this.flush();
    this.close();
  }

  /** End the session: nested logins close; the terminal's own shell is the owner's to close. */
  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.busy = true;
    if (this.escTimer) clearTimeout(this.escTimer);
    this.unwatch?.();
    this.unwatch = null;
    this.running?.interrupt();
    while (this.levels.length > 1) {
      const level = this.levels.pop()!;
      detachTerminal(level.shell);
      level.shell.machine.closeShell(level.shell);
    }
    detachTerminal(this.levels[0]!.shell);
  }

  // ---- output ----------------------------------------------------------------------------------

  /** Queue output; "\n" becomes "\r\n". */
  private put(text: string): void {
    if (!text) return;
    const crlf = text.replace(/\r?\n/g, '\r\n');
    this.out += crlf;
    this.trackColumn(crlf);
  }

  /** Queue raw terminal bytes (cursor movement) that are already in terminal form. */
  private raw(text: string): void {
    this.out += text;
  }

  private flush(): void {
    if (!this.out) return;
    const data = this.out;
    this.out = '';
    for (const l of this.dataListeners) l(data);
  }

  private trackColumn(text: string): void {
    const nl = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
    const tail = nl >= 0 ? text.slice(nl + 1) : text;
    const visible = tail.replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07/g, '');
    this.outCol = ((nl >= 0 ? 0 : this.outCol) + width(visible)) % this.cols;
  }

  // ---- input -----------------------------------------------------------------------------------

  private pump(): void {
    while (!this.busy && !this.ended && this.input.length > 0) {
      const key = this.nextKey();
      if (key === null) break;
      this.handle(key);
    }
    this.flush();
  }

  /** Take one key (a character or an escape sequence) from the input; null if incomplete. */
  private nextKey(): string | null {
    const s = this.input;
    if (this.pasting) {
      if (s.startsWith(PASTE_END)) {
        this.input = s.slice(PASTE_END.length);
        this.pasting = false;
        return '';
      }
      // Part of the end marker: wait for the rest.
      if (s[0] === '\x1b' && PASTE_END.startsWith(s)) return null;
      const cp = String.fromCodePoint(s.codePointAt(0)!);
      this.input = s.slice(cp.length);
      return cp === '\x1b' ? '' : `paste:${cp}`;
    }
    if (s[0] !== '\x1b') {
      const cp = String.fromCodePoint(s.codePointAt(0)!);
      this.input = s.slice(cp.length);
      return cp;
    }
    if (this.escTimer) {
      clearTimeout(this.escTimer);
      this.escTimer = null;
    }
    const m = /^\x1b(?:\[[0-9;]*[@-~]|O[@-~]|[^[O])/.exec(s);
    if (m) {
      this.input = s.slice(m[0].length);
      return m[0];
    }
    if (/^\x1b(\[[0-9;]*|O)?$/.test(s)) {
      // Perhaps the rest of the sequence is on its way; a lone ESC is dropped after a moment.
      this.escTimer = setTimeout(() => {
        this.escTimer = null;
        if (this.input === s) {
          this.input = '';
          this.pump();
        }
      }, ESC_TIMEOUT_MS);
      return null;
    }
    this.input = s.slice(1);
    return '';
  }

  private handle(key: string): void {
    const last = this.lastKey;
    this.lastKey = key;
    if (key === '') return;
    if (this.skipLf) {
      this.skipLf = false;
      if (key === '\n' || key === 'paste:\n') return;
    }
    if (key.startsWith('paste:')) {
      const ch = key.slice(6);
      if (ch === '\r' || ch === '\n') return this.enter(ch);
      if (ch === '\t' || ch >= ' ') this.insert(ch);
      return;
    }
    switch (key) {
      case '\r':
      case '\n':
        return this.enter(key);
      case PASTE_START:
        this.pasting = true;
        return;
      case '\x7f':
      case '\b':
        return this.backspace();
      case '\x1b[3~':
        return this.deleteAt();
      case '\x1b[D':
      case '\x1bOD':
      case '\x02':
        return this.moveTo(this.cursor - 1);
      case '\x1b[C':
      case '\x1bOC':
      case '\x06':
        return this.moveTo(this.cursor + 1);
      case '\x1b[H':
      case '\x1bOH':
      case '\x1b[1~':
      case '\x01':
        return this.moveTo(0);
      case '\x1b[F':
      case '\x1bOF':
      case '\x1b[4~':
      case '\x05':
        return this.moveTo(this.line.length);
      case '\x1b[1;5D':
      case '\x1bb':
        return this.moveTo(this.wordLeft());
      case '\x1b[1;5C':
      case '\x1bf':
        return this.moveTo(this.wordRight());
      case '\x1b[A':
      case '\x1bOA':
      case '\x10':
        return this.historyStep(-1);
      case '\x1b[B':
      case '\x1bOB':
      case '\x0e':
        return this.historyStep(1);
      case '\x03':
        return this.cancelLine();
      case '\x04':
        return this.ctrlD();
      case '\x15':
        return this.kill(0, this.cursor);
      case '\x0b':
        return this.kill(this.cursor, this.line.length);
      case '\x17':
        return this.kill(this.wordStartBefore(), this.cursor);
      case '\x1bd':
        return this.kill(this.cursor, this.wordRight());
      case '\x1b\x7f':
        return this.kill(this.wordLeft(), this.cursor);
      case '\x19':
        return this.insert(this.killed);
      case '\x0c':
        return this.clearScreen();
      case '\t':
        return this.tab(last === '\t');
      default:
        if (key.length > 0 && key[0]! >= ' ' && key !== '\x7f' && key[0] !== '\x1b') this.insert(key);
    }
  }

  // ---- editing ---------------------------------------------------------------------------------

  private promptWidth(): number {
    return width(this.promptText);
  }

  /** Screen offset (from the prompt's row start) of position i of the line. */
  private offset(i: number): number {
    let w = this.startCol + this.promptWidth();
    for (let k = 0; k < i; k++) w += charWidth(this.line[k]!);
    return w;
  }

  private moveCursorRaw(from: number, to: number): void {
    if (from === to) return;
    const fr = Math.floor(from / this.cols);
    const fc = from % this.cols;
    const tr = Math.floor(to / this.cols);
    const tc = to % this.cols;
    let seq = '';
    if (tr < fr) seq += `\x1b[${fr - tr}A`;
    else if (tr > fr) seq += `\x1b[${tr - fr}B`;
    if (tc === 0 && fc !== 0) seq += '\r';
    else if (tc < fc) seq += fc - tc === 1 ? '\b' : `\x1b[${fc - tc}D`;
    else if (tc > fc) seq += `\x1b[${tc - fc}C`;
    this.raw(seq);
  }

  /** Write `text` that ends at screen offset `end`; step past the right margin like readline. */
  private drawText(text: string, end: number): void {
    this.raw(text);
    if (text && end % this.cols === 0) this.raw('\r\n');
  }

  /**
   * Redraw from position i to the end of the line and put the cursor back. The terminal's
   * cursor must be at a position the change did not move (at or before i).
   */
  private refreshFrom(i: number, clear = true): void {
    this.moveCursorRaw(this.offset(this.cursorDrawn), this.offset(i));
    const tail = this.line.slice(i).map(visual).join('');
    const end = this.offset(this.line.length);
    this.drawText(tail, end);
    if (clear) this.raw('\x1b[J');
    this.cursorDrawn = this.line.length;
    this.moveCursorRaw(end, this.offset(this.cursor));
    this.cursorDrawn = this.cursor;
  }

  private insert(text: string): void {
    if (!text) return;
    const chars = [...text];
    if (this.cursor === this.line.length) {
      this.line.push(...chars);
      this.cursor = this.line.length;
      this.drawText(chars.map(visual).join(''), this.offset(this.cursor));
      this.cursorDrawn = this.cursor;
      return;
    }
    const at = this.cursor;
    this.line.splice(at, 0, ...chars);
    this.cursor = at + chars.length;
    this.refreshFrom(at, false);
  }

  private backspace(): void {
    if (this.cursor === 0) return;
    const at = this.cursor - 1;
    const col = this.offset(this.cursor) % this.cols;
    const w = charWidth(this.line[at]!);
    if (this.cursor === this.line.length && col >= w) {
      this.line.pop();
      this.cursor = at;
      this.cursorDrawn = at;
      this.raw(w === 1 ? '\b \b' : '\b\b  \b\b');
      return;
    }
    this.moveTo(at);
    this.line.splice(at, 1);
    this.refreshFrom(at);
  }

  private deleteAt(): void {
    if (this.cursor >= this.line.length) return;
    this.line.splice(this.cursor, 1);
    this.refreshFrom(this.cursor);
  }

  private moveTo(i: number): void {
    const to = Math.max(0, Math.min(this.line.length, i));
    if (to === this.cursor) return;
    this.moveCursorRaw(this.offset(this.cursorDrawn), this.offset(to));
    this.cursor = to;
    this.cursorDrawn = to;
  }

  private kill(from: number, to: number): void {
    if (to <= from) return;
    this.killed = this.line.slice(from, to).join('');
    this.moveTo(from);
    this.line.splice(from, to - from);
    this.refreshFrom(from);
  }

  private wordLeft(): number {
    let i = this.cursor;
    while (i > 0 && !isWordChar(this.line[i - 1]!)) i--;
    while (i > 0 && isWordChar(this.line[i - 1]!)) i--;
    return i;
  }

  private wordRight(): number {
    let i = this.cursor;
    while (i < this.line.length && !isWordChar(this.line[i]!)) i++;
    while (i < this.line.length && isWordChar(this.line[i]!)) i++;
    return i;
  }

  /** Ctrl-W: back to the previous whitespace (unix-word-rubout). */
  private wordStartBefore(): number {
    let i = this.cursor;
    while (i > 0 && /\s/.test(this.line[i - 1]!)) i--;
    while (i > 0 && !/\s/.test(this.line[i - 1]!)) i--;
    return i;
  }

  private replaceLine(chars: string[]): void {
    const old = this.cursorDrawn;
    this.moveCursorRaw(this.offset(old), this.offset(0));
    this.cursorDrawn = 0;
    this.line = chars;
    this.cursor = chars.length;
    this.refreshFrom(0);
  }

  private historyStep(direction: -1 | 1): void {
    if (this.history.length === 0) return;
    if (this.historyIndex === null) {
      if (direction === 1) return;
      this.draft = [...this.line];
      this.historyIndex = this.history.length;
    }
    const next = this.historyIndex + direction;
    if (next < 0) return;
    if (next >= this.history.length) {
      this.historyIndex = null;
      this.replaceLine(this.draft);
      return;
    }
    this.historyIndex = next;
    this.replaceLine([...this.history[next]!]);
  }

  private clearScreen(): void {
    this.raw('\x1b[H\x1b[2J');
    this.outCol = 0;
    this.startCol = 0;
    this.raw(this.promptText);
    const end = this.offset(0);
    if (this.promptText && end % this.cols === 0) this.raw('\r\n');
    this.cursorDrawn = 0;
    this.refreshFrom(0);
  }

  private cancelLine(): void {
    this.moveTo(this.line.length);
    this.put('^C\n');
    this.resetLine();
    this.showPrompt();
  }

  private resetLine(): void {
    this.line = [];
    this.cursor = 0;
    this.cursorDrawn = 0;
    this.pendingLines = [];
    this.historyIndex = null;
    this.draft = [];
  }

  private ctrlD(): void {
    if (this.line.length > 0) return this.deleteAt();
    if (this.pendingLines.length > 0) {
      this.put('\n-bash: syntax error: unexpected end of file\n');
      this.resetLine();
      this.showPrompt();
      return;
    }
    // bash prints "logout" right after the prompt.
    this.busy = true;
    void this.leave(0).then(() => this.resume());
  }

  private tab(second: boolean): void {
    const shell = this.shell;
    const before = this.line.slice(0, this.cursor).join('');
    this.busy = true;
    complete(shell, before)
      .then((result) => {
        if (this.ended || shell !== this.shell) return;
        if (result.insert) {
          this.insert(result.insert);
          // A unique match is done; after a common prefix the next Tab lists the candidates.
          if (result.candidates.length <= 1) this.lastKey = '';
        } else if (result.candidates.length > 1 && second) {
          this.moveTo(this.line.length);
          this.put(`\n${columns(result.candidates, this.cols)}\n`);
          this.redrawPromptAndLine();
        } else {
          this.raw('\x07');
        }
      })
      .catch(() => this.raw('\x07'))
      .finally(() => this.resume());
  }

  private redrawPromptAndLine(): void {
    this.startCol = this.outCol;
    this.put(this.promptText);
    if (this.promptText && this.offset(0) % this.cols === 0) this.raw('\r\n');
    this.cursorDrawn = 0;
    this.refreshFrom(0, false);
  }

  // ---- lines -----------------------------------------------------------------------------------

  private showPrompt(): void {
    this.startCol = this.outCol;
    this.promptText = this.pendingLines.length > 0 ? '> ' : this.shell.prompt();
    this.put(this.promptText);
    this.line = [];
    this.cursor = 0;
    this.cursorDrawn = 0;
    if (this.offset(0) % this.cols === 0) this.raw('\r\n');
  }

  private enter(key: string): void {
    if (key === '\r') this.skipLf = true;
    this.moveTo(this.line.length);
    this.put('\n');
    const text = [...this.pendingLines, this.line.join('')].join('\n');
    const shell = this.shell;
    if (shell.needsMore(text)) {
      this.pendingLines.push(this.line.join(''));
      this.line = [];
      this.cursor = 0;
      this.historyIndex = null;
      this.showPrompt();
      return;
    }
    this.resetLine();
    if (!text.trim()) {
      this.showPrompt();
      return;
    }
    this.history.push(text);
    this.busy = true;
    this.running = shell;
    this.flush();
    setLiveWriter(shell, (live) => {
      if (this.ended) return;
      this.put(live);
      this.flush();
    });
    void shell
      .run(text, { tty: true })
      .catch((e: unknown): RunResult => ({
        stdout: '',
        stderr: `-bash: ${(e as Error).message}\n`,
        exitCode: 1,
        exited: false,
      }))
      .then((result) => this.finished(shell, result));
  }

  private async finished(shell: ShellSession, result: RunResult): Promise<void> {
    this.running = null;
    setLiveWriter(shell, null);
    if (this.ended) return;
    const level = this.levels.findIndex((l) => l.shell === shell);
    if (level < 0) {
      // That login went away while the line ran (its machine went down): already reported.
      await this.loadHistory();
      if (this.ended) return;
      this.showPrompt();
      this.resume();
      return;
    }
    this.put(result.stdout);
    this.put(result.stderr);
    const nested = takeNestedLogin(shell);
    if (result.exited || shell.closed) {
      if (nested) nested.shell.machine.closeShell(nested.shell);
      await this.leave(result.exitCode);
      this.resume();
      return;
    }
    if (nested) {
      this.levels.push({ shell: nested.shell, host: nested.host });
      attachTerminal(nested.shell);
      this.setSize(nested.shell);
      this.watch();
      this.flush();
      await this.login(nested.shell, nested.motd, nested.from);
      if (this.ended) return;
    }
    await this.loadHistory();
    if (this.ended) return;
    this.showPrompt();
    this.resume();
  }

  /** Carry on with typeahead once an async step (a command, a completion) is done. */
  private resume(): void {
    if (this.ended) return;
    this.busy = false;
    this.pump();
  }

  /** The current login ends (exit, logout, Ctrl-D). */
  private async leave(code: number): Promise<void> {
    this.put('logout\n');
    if (this.levels.length > 1) {
      const level = this.levels.pop()!;
      detachTerminal(level.shell);
      level.shell.machine.closeShell(level.shell);
      this.put(`Connection to ${level.host} closed.\n`);
      this.flush();
      await this.loadHistory();
      if (this.ended) return;
      this.showPrompt();
      return;
    }
    this.raw(BRACKETED_PASTE_OFF);
    this.flush();
    this.close();
    for (const l of this.exitListeners) l(code);
  }

  private async login(
    shell: ShellSession,
    motd: string | undefined,
    from: string | undefined,
  ): Promise<void> {
    let banner = motd ?? '';
    if (motd !== undefined || from !== undefined)
      banner += await recordLogin(shell.machine, shell.user.name, from);
    this.put(banner);
    this.flush();
  }

  private async loadHistory(): Promise<void> {
    try {
      this.history = await this.shell.history();
    } catch {
      // Without a readable history file ↑ simply has less to show.
    }
  }

  private setSize(shell: ShellSession): void {
    shell.env.COLUMNS = String(this.cols);
    shell.env.LINES = String(this.rows);
  }

  /** Nested logins end when their machine goes down, as an ssh client sees it. */
  private watch(): void {
    if (this.unwatch) return;
    this.unwatch = this.shell.machine.os.onSessionsClosed((machine, reason) =>
      this.machineDown(machine, reason),
    );
  }

  private machineDown(machine: Machine, reason: string): void {
    if (this.ended) return;
    const at = this.levels.findIndex((l, i) => i > 0 && l.shell.machine === machine);
    if (at < 0) return;
    const host = this.levels[at]!.host;
    while (this.levels.length > at) {
      const level = this.levels.pop()!;
      detachTerminal(level.shell);
      level.shell.machine.closeShell(level.shell);
    }
    if (this.levels.length === 1) {
      this.unwatch?.();
      this.unwatch = null;
    }
    this.put(`${this.outCol === 0 ? '' : '\n'}${broadcast(machine, reason)}`);
    this.put(`Connection to ${host} closed by remote host.\nConnection to ${host} closed.\n`);
    if (this.running) {
      // The line that was running there comes back through finished(), which shows the prompt.
      this.flush();
      return;
    }
    this.resetLine();
    this.busy = true;
    void this.loadHistory().then(() => {
      if (this.ended) return;
      this.showPrompt();
      this.resume();
    });
  }
}

function isWordChar(ch: string): boolean {
  return /[\p{L}\p{N}_]/u.test(ch);
}

/** How a character shows on the line (a pasted tab as one space). */
function visual(ch: string): string {
  return ch === '\t' ? ' ' : ch;
}

/** Terminal columns a character takes: 2 for East Asian wide characters and emoji. */
function charWidth(ch: string): number {
  const c = ch.codePointAt(0) ?? 0;
  if (
    (c >= 0x1100 && c <= 0x115f) ||
    (c >= 0x2e80 && c <= 0xa4cf && c !== 0x303f) ||
    (c >= 0xac00 && c <= 0xd7a3) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0xfe30 && c <= 0xfe4f) ||
    (c >= 0xff00 && c <= 0xff60) ||
    (c >= 0xffe0 && c <= 0xffe6) ||
    (c >= 0x1f300 && c <= 0x1f64f) ||
    (c >= 0x1f900 && c <= 0x1f9ff) ||
    (c >= 0x20000 && c <= 0x3fffd)
  )
    return 2;
  return 1;
}

function width(text: string): number {
  let w = 0;
  for (const ch of text) w += charWidth(ch);
  return w;
}
