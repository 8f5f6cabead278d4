/* eslint-disable no-control-regex -- terminal output is full of escape sequences */
import { describe, expect, it } from 'vitest';
import { TerminalSession } from '../../../electron/core/os/terminal/terminal-session';
import { osLab } from './lab';

/** A terminal on a shell, with helpers to type and to wait for output. */
async function terminal(options: { cols?: number; motd?: boolean; user?: string } = {}) {
  const lab = await osLab();
  const id = await lab.launch();
  const shell = await lab.shell(id, options.user);
  const motd = options.motd ? ((await shell.machine.fs.readText('/etc/motd')) ?? '') : undefined;
  const term = new TerminalSession(shell, {
    cols: options.cols ?? 80,
    rows: 24,
    ...(motd !== undefined ? { motd, from: '203.0.113.10' } : {}),
  });
  let out = '';
  const exits: number[] = [];
  term.onData((d) => (out += d));
  term.onExit((c) => exits.push(c));
  await term.start();

  /** Output since the last call. */
  let seen = 0;
  const take = () => {
    const s = out.slice(seen);
    seen = out.length;
    return s;
  };
  /** Wait until the output (since the last take) matches. */
  async function until(re: RegExp, ms = 5_000): Promise<string> {
    const t0 = Date.now();
    while (!re.test(out.slice(seen))) {
      if (Date.now() - t0 > ms)
        throw new Error(`timed out waiting for ${re}; got ${JSON.stringify(out.slice(seen))}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    return take();
  }
  const prompt = shell.prompt();
  return { lab, id, shell, term, take, until, exits, prompt, all: () => out };
}

/**
 * A small VT100 screen: enough of xterm (auto-wrap with the pending-wrap state, CR, LF, BS,
 * cursor moves, erase) to check what the user sees after the editor's redraws.
 */
function screen(data: string, cols: number, rows = 24): string[] {
  const lines: string[][] = [[]];
  let row = 0;
  let col = 0;
  let pendingWrap = false;
  const at = (r: number) => (lines[r] ??= []);
  for (let i = 0; i < data.length; i++) {
    const ch = data[i]!;
    if (ch === '\x1b') {
      const m = /^\x1b\[(\??)([0-9;]*)([A-Za-z~])/.exec(data.slice(i));
      if (!m) continue;
      i += m[0].length - 1;
      const n = Number(m[2] || 1);
      pendingWrap = false;
      if (m[1]) continue;
      if (m[3] === 'A') row = Math.max(0, row - n);
      else if (m[3] === 'B') row += n;
      else if (m[3] === 'C') col = Math.min(cols - 1, col + n);
      else if (m[3] === 'D') col = Math.max(0, col - n);
      else if (m[3] === 'H') row = col = 0;
      else if (m[3] === 'K') at(row).length = Math.min(at(row).length, col);
      else if (m[3] === 'J') {
        if (m[2] === '2') lines.length = 0;
        else {
          at(row).length = Math.min(at(row).length, col);
          lines.length = Math.min(lines.length, row + 1);
        }
      }
      continue;
    }
    if (ch === '\r' || ch === '\n' || ch === '\b') {
      if (ch === '\r') col = 0;
      else if (ch === '\n') row += 1;
      else col = Math.max(0, col - 1);
      pendingWrap = false;
    } else if (ch === '\x07') continue;
    else {
      if (pendingWrap) {
        row += 1;
        col = 0;
        pendingWrap = false;
      }
      const line = at(row);
      while (line.length < col) line.push(' ');
      line[col] = ch;
      if (col === cols - 1) pendingWrap = true;
      else col += 1;
    }
  }
  void rows;
  return Array.from(lines, (l) => (l ?? []).join('').trimEnd());
}

const PROMPT = /\[ec2-user@ip-[\d-]+ ~\]\$ $/;

describe('terminal line discipline', () => {
  it('prints the motd, the last login and the prompt; runs a line with CRLF output', async () => {
    const t = await terminal({ motd: true });
    const banner = t.take();
    expect(banner).toContain('Amazon Linux 2023');
    expect(banner).toContain('\r\n');
    expect(banner).not.toContain('Last login');
    expect(banner).toMatch(PROMPT);
    t.term.write('echo hello; echo world');
    expect(t.take()).toBe('echo hello; echo world');
    t.term.write('\r');
    const out = await t.until(PROMPT);
    expect(out).toMatch(/^\r\nhello\r\nworld\r\n\[ec2-user@/);
    // Errors appear where they happened, between the outputs, as on a terminal.
    t.term.write('echo one; ls /nowhere; echo two\r');
    expect(await t.until(PROMPT)).toMatch(/\r\none\r\nls: [^\r]*nowhere[^\r]*\r\ntwo\r\n/);

    // A second login shows the first one.
    const again = await t.shell.machine.openShell();
    const t2 = new TerminalSession(again, { cols: 80, rows: 24, motd: '', from: '203.0.113.10' });
    let out2 = '';
    t2.onData((d) => (out2 += d));
    await t2.start();
    expect(out2).toMatch(
      /^\x1b\[\?2004hLast login: \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4} from 203\.0\.113\.10\r\n\[ec2-user/,
    );
  });

  it('edits the line: cursor keys, Home/End, Backspace, Delete, Ctrl-U/K/W', async () => {
    const t = await terminal();
    t.take();
    t.term.write('echo wrld');
    t.term.write('\x1b[D\x1b[D\x1b[D'); // ← ← ←
    t.term.write('o');
    t.term.write('\x1b[F!'); // End, then !
    t.term.write('\x7f'); // Backspace
    t.term.write('\x01\x1b[3~\x1b[3~\x1b[3~\x1b[3~printf'); // Home, Delete ×4 ("echo"), printf
    t.term.write('\x05 x\x17'); // End, then Ctrl-W removes the x
    t.term.write('\x01\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C "%s\\n"'); // after "printf": a format
    t.term.write('\r');
    expect(await t.until(PROMPT)).toContain('\r\nworld\r\n');

    t.term.write('echo abc\x01\x0b'); // Ctrl-K from the start kills all
    t.term.write('echo def\x1b[D\x1b[D\x1b[D\x15'); // Ctrl-U kills "echo "
    t.term.write('echo \r');
    expect(await t.until(PROMPT)).toContain('\r\ndef\r\n');
  });

  it('recalls history with the arrow keys and clears the screen with Ctrl-L', async () => {
    const t = await terminal();
    t.term.write('echo one\r');
    await t.until(PROMPT);
    t.term.write('echo two\r');
    await t.until(PROMPT);
    t.term.write('\x1b[A\x1b[A');
    expect(t.take()).toContain('echo one');
    t.term.write('\x1b[B');
    expect(t.take()).toContain('echo two');
    t.term.write('\x1b[B\x1b[A\x1b[A\r');
    expect(await t.until(PROMPT)).toContain('\r\none\r\n');
    t.term.write('echo x');
    t.take();
    t.term.write('\x0c');
    const cleared = t.take();
    expect(cleared.startsWith('\x1b[H\x1b[2J')).toBe(true);
    expect(cleared).toMatch(/\]\$ echo x/);
  });

  it('asks for more with "> " on unfinished lines', async () => {
    const t = await terminal();
    t.take();
    t.term.write('for i in 1 2; do\r');
    expect(await t.until(/> $/)).toBe('for i in 1 2; do\r\n> ');
    t.term.write('echo "n=$i"\r');
    await t.until(/> $/);
    t.term.write('done\r');
    expect(await t.until(PROMPT)).toContain('n=1\r\nn=2\r\n');
    t.term.write("echo 'open\r");
    await t.until(/> $/);
    t.term.write("quote'\r");
    expect(await t.until(PROMPT)).toContain('open\r\nquote\r\n');
  });

  it('Ctrl-C discards the line; Ctrl-C stops a running command and drops the typeahead', async () => {
    const t = await terminal();
    t.term.write('echo never\x03');
    expect(t.take()).toMatch(/echo never\^C\r\n\[ec2-user@ip-[\d-]+ ~\]\$ $/);
    t.term.write('sleep 3600\r');
    await new Promise((r) => setTimeout(r, 50));
    t.term.write('echo typed ahead\r');
    t.term.write('\x03');
    const out = await t.until(PROMPT);
    expect(out).toContain('^C');
    expect(out).not.toContain('typed ahead');
  });

  it('runs typeahead and multi-line pastes line by line, bracketed or not', async () => {
    const t = await terminal();
    t.term.write('echo a\recho b\r');
    const out = await t.until(/b\r\n\[ec2-user@ip-[\d-]+ ~\]\$ $/);
    expect(out).toMatch(/a\r\n\[ec2-user@ip-[\d-]+ ~\]\$ echo b\r\nb\r\n/);
    t.term.write('\x1b[200~X=1\necho "x is $X"\n\x1b[201~');
    expect(await t.until(/x is 1\r\n.*\$ $/)).toContain('x is 1');
  });

  it('completes commands and paths with Tab, and lists the choices on a second Tab', async () => {
    const t = await terminal();
    await t.shell.run('mkdir -p ~/projects/alpha ~/projects/beta; touch ~/notes.txt');
    t.take();
    t.term.write('ech\t');
    await t.until(/echo $/);
    t.term.write('~/not\t');
    await t.until(/notes\.txt $/);
    t.term.write('\x15ls ~/proj\t');
    await t.until(/projects\/$/);
    t.term.write('\t');
    await t.until(/\x07/);
    t.term.write('\t');
    const listing = await t.until(/ls ~\/projects\/$/);
    expect(listing).toMatch(/alpha\/\s+beta\//);
    t.term.write('b\t\r');
    expect(await t.until(PROMPT)).toMatch(/^beta\/\r\n/);
  });

  it('logs out on exit and on Ctrl-D, printing "logout"', async () => {
    const t = await terminal();
    t.term.write('exit 3\r');
    await t.until(/logout\r\n/);
    expect(t.exits).toEqual([3]);
    const u = await terminal();
    u.take();
    u.term.write('\x04');
    expect(await u.until(/logout/)).toMatch(/^logout\r\n/);
    expect(u.exits).toEqual([0]);
    u.term.write('echo after\r');
    expect(u.all()).not.toContain('after');
  });

  it('wraps long lines at the terminal width and edits across the wrap', async () => {
    const t = await terminal({ cols: 40 });
    t.take();
    const text = 'echo ' + 'x'.repeat(60);
    t.term.write(text);
    const echo = t.take();
    expect(echo).toContain('\r\n'); // passing the right margin
    const p = t.prompt;
    const view = () => screen(t.all(), 40).slice(-3).join('|');
    expect(view()).toBe(`${(p + text).slice(0, 40)}|${(p + text).slice(40, 80)}|${(p + text).slice(80)}`);
    // Home, five → (after "echo "), rub out "echo " and type a longer command across the wrap.
    t.term.write('\x01\x1b[C\x1b[C\x1b[C\x1b[C\x1b[C\x7f\x7f\x7f\x7f\x7fprintf "%s\\n" ');
    const edited = p + 'printf "%s\\n" ' + 'x'.repeat(60);
    expect(view()).toBe(`${edited.slice(0, 40)}|${edited.slice(40, 80)}|${edited.slice(80)}`);
    // Shorten it again: Ctrl-K from the middle leaves one row, the rest is erased.
    t.term.write('\x1b[C\x1b[C\x0b');
    const short = p + 'printf "%s\\n" xx';
    const rowsNow = screen(t.all(), 40);
    expect(rowsNow.slice(-2)).toEqual([short.slice(0, 40), short.slice(40)]);
    t.term.write('\r');
    expect(await t.until(PROMPT)).toContain(`\r\nxx\r\n`);
  });

  it('updates COLUMNS and LINES on resize', async () => {
    const t = await terminal();
    t.term.resize(132, 50);
    t.term.write('echo $COLUMNS $LINES\r');
    expect(await t.until(PROMPT)).toContain('132 50');
  });

  it('echoes a keystroke synchronously and cheaply', async () => {
    const t = await terminal();
    t.take();
    const t0 = performance.now();
    for (let i = 0; i < 2000; i++) t.term.write('a');
    const perKey = (performance.now() - t0) / 2000;
    expect(t.take().replace(/\r\n/g, '')).toBe('a'.repeat(2000));
    expect(perKey).toBeLessThan(1);
  });

  it('shows what runs until Ctrl-C as it happens: ping, python3 -m http.server', async () => {
    const t = await terminal();
    t.take();
    t.term.write('ping localhost\r');
    // The first echo goes at once, the next a second of simulated time later.
    await t.until(/PING localhost \(127\.0\.0\.1\) 56\(84\) bytes of data\.\r\n.*icmp_seq=1 /s);
    t.lab.cloud.clock.advance(1000);
    await t.until(/icmp_seq=2 /);
    t.term.write('\x03');
    const stats = await t.until(PROMPT);
    expect(stats).toMatch(
      /\^C\r\n\r\n--- localhost ping statistics ---\r\n\d+ packets transmitted, \d+ received, 0% packet loss/,
    );

    t.term.write('python3 -m http.server 8080\r');
    await t.until(/Serving HTTP on 0\.0\.0\.0 port 8080 \(http:\/\/0\.0\.0\.0:8080\/\) \.\.\.\r\n/);
    const other = await t.shell.machine.openShell();
    const got = await other.run('curl -s -o /dev/null -w "%{http_code}" http://localhost:8080/');
    expect(got.stdout).toBe('200');
    await t.until(/"GET \/ HTTP\/1\.1" 200 -\r\n/);
    t.term.write('\x03');
    expect(await t.until(PROMPT)).toMatch(/Keyboard interrupt received, exiting\.\r\n/);
  });
});
