/**
 * The console's terminals: each tab is one login to a machine (an instance through EC2
 * Instance Connect, or CloudShell), kept open while the console moves between pages. A tab
 * owns its session on the host; output arrives only on this console's connection. When the
 * connection drops (the server restarted), the tab says so and, once the connection is back,
 * logs in again to the same machine.
 */
import type { TerminalOpen, TerminalOpened, TerminalTarget } from '../../../electron/contract/console-api';
import { lab, labSend, onEvent } from './api';

/** What the tabs need from the host; the console's transport in the app, a fake in tests. */
export interface TerminalBackend {
  open(args: TerminalOpen): Promise<TerminalOpened>;
  input(sessionId: string, data: string): void;
  resize(sessionId: string, cols: number, rows: number): void;
  close(sessionId: string): Promise<void>;
  onOutput(listener: (sessionId: string, data: string) => void): () => void;
  onExit(listener: (sessionId: string, code: number, reason?: string) => void): () => void;
  onConnection(listener: (connected: boolean) => void): () => void;
}

export type TerminalStatus = 'connecting' | 'open' | 'reconnecting' | 'ended' | 'failed';

const DIM = (text: string) => `\x1b[2m${text}\x1b[22m`;
const RED = (text: string) => `\x1b[31m${text}\x1b[39m`;
/** Output kept for a view that is not attached yet (bounded). */
const MAX_PENDING = 256 * 1024;

let nextKey = 1;

export class TerminalTab {
  readonly key = `term-${nextKey++}`;
  title = $state('');
  status = $state<TerminalStatus>('connecting');
  /** Why the last open failed, for the tab's tooltip. */
  error = $state<string | null>(null);
  sessionId: string | null = null;
  private cols = 80;
  private rows = 24;
  private started = false;
  private sink: ((data: string) => void) | null = null;
  private pending = '';
  private disposed = false;

  constructor(
    readonly target: TerminalTarget,
    private readonly backend: TerminalBackend,
    title: string,
    readonly user?: string,
  ) {
    this.title = title;
  }

  get live(): boolean {
    return this.status === 'open' || this.status === 'connecting';
  }

  /** The view that shows the output; what came before it attached is written first. */
  attach(sink: (data: string) => void): () => void {
    this.sink = sink;
    if (this.pending) sink(this.pending);
    this.pending = '';
    return () => {
      if (this.sink === sink) this.sink = null;
    };
  }

  /** Log in, at the size the view measured (once; later calls only resize). */
  start(cols: number, rows: number): void {
    this.cols = cols;
    this.rows = rows;
    if (this.started) return;
    this.started = true;
    void this.openSession();
  }

  input(data: string): void {
    if (this.sessionId && this.status === 'open') this.backend.input(this.sessionId, data);
    else if ((this.status === 'ended' || this.status === 'failed') && data.includes('\r')) {
      this.print('\r\n');
      void this.openSession();
    }
  }

  resize(cols: number, rows: number): void {
    if (cols === this.cols && rows === this.rows) return;
    this.cols = cols;
    this.rows = rows;
    if (this.sessionId && this.status === 'open') this.backend.resize(this.sessionId, cols, rows);
  }

  /** Close the tab: the session on the host ends too. */
  dispose(): void {
    this.disposed = true;
    const id = this.sessionId;
    this.sessionId = null;
    this.status = 'ended';
    if (id) void this.backend.close(id).catch(() => undefined);
  }

  // ---- from the host ---------------------------------------------------------------------------

  output(data: string): void {
    this.print(data);
  }

  exited(code: number, reason?: string): void {
    this.sessionId = null;
    this.status = 'ended';
    const why = reason ? `\r\n${reason}\r\n` : '';
    this.print(
      `${why}\r\n${DIM(`[session ended${code ? ` (${code})` : ''} — press Enter to reconnect]`)}\r\n`,
    );
  }

  connection(connected: boolean): void {
    if (this.disposed || !this.started) return;
    if (!connected) {
      if (this.status === 'open' || this.status === 'connecting') {
        this.sessionId = null;
        this.status = 'reconnecting';
        this.print(`\r\n${DIM('[connection lost — reconnecting…]')}\r\n`);
      }
    } else if (this.status === 'reconnecting') {
      void this.openSession();
    }
  }

  private async openSession(): Promise<void> {
    this.status = 'connecting';
    this.error = null;
    try {
      const opened = await this.backend.open({
        target: this.target,
        cols: this.cols,
        rows: this.rows,
        ...(this.user ? { user: this.user } : {}),
      });
      if (this.disposed) {
        void this.backend.close(opened.sessionId).catch(() => undefined);
        return;
      }
      this.sessionId = opened.sessionId;
      this.title = opened.title;
      this.status = 'open';
    } catch (e) {
      if (this.disposed) return;
      const message = (e as Error).message;
      // The connection dropped while opening: try again when it is back.
      if ((e as { code?: string }).code === 'ConnectionLost') {
        this.status = 'reconnecting';
        return;
      }
      this.status = 'failed';
      this.error = message;
      this.print(`${RED(message)}\r\n${DIM('[press Enter to try again]')}\r\n`);
    }
  }

  private print(data: string): void {
    if (this.sink) this.sink(data);
    else this.pending = (this.pending + data).slice(-MAX_PENDING);
  }
}

/** The open tabs and the dock that shows them. */
export class Terminals {
  tabs = $state<TerminalTab[]>([]);
  activeKey = $state<string | null>(null);
  /** The dock shows its terminals (otherwise only its tab strip). */
  expanded = $state(true);
  maximized = $state(false);
  active = $derived(this.tabs.find((t) => t.key === this.activeKey) ?? null);

  constructor(private readonly backend: TerminalBackend) {
    backend.onOutput((id, data) => this.bySession(id)?.output(data));
    backend.onExit((id, code, reason) => this.bySession(id)?.exited(code, reason));
    backend.onConnection((connected) => {
      for (const tab of this.tabs) tab.connection(connected);
    });
  }

  /** A new tab logged in to `target`; it connects when its view measures its size. */
  open(target: TerminalTarget, options: { title: string; user?: string }): TerminalTab {
    const tab = new TerminalTab(target, this.backend, options.title, options.user);
    this.tabs.push(tab);
    this.show(tab);
    return tab;
  }

  /** CloudShell in a Region: the tab already open there, or a new one. */
  cloudShell(region: string): TerminalTab {
    const existing = this.tabs.find(
      (t) => t.target.kind === 'workstation' && t.target.region === region && t.status !== 'ended',
    );
    if (existing) {
      this.show(existing);
      return existing;
    }
    return this.open({ kind: 'workstation', region }, { title: `CloudShell (${region})` });
  }

  show(tab: TerminalTab): void {
    this.activeKey = tab.key;
    this.expanded = true;
  }

  close(tab: TerminalTab): void {
    const index = this.tabs.indexOf(tab);
    if (index < 0) return;
    tab.dispose();
    this.tabs.splice(index, 1);
    if (this.activeKey === tab.key) {
      const next = this.tabs[Math.min(index, this.tabs.length - 1)];
      this.activeKey = next?.key ?? null;
    }
    if (this.tabs.length === 0) this.maximized = false;
  }

  private bySession(sessionId: string): TerminalTab | undefined {
    return this.tabs.find((t) => t.sessionId === sessionId);
  }
}

/** The console's transport as a terminal backend. */
export const consoleBackend: TerminalBackend = {
  open: (args) => lab('terminal.open', args),
  input: (sessionId, data) => labSend('terminal.input', { sessionId, data }),
  resize: (sessionId, cols, rows) => labSend('terminal.resize', { sessionId, cols, rows }),
  close: async (sessionId) => {
    await lab('terminal.close', { sessionId });
  },
  onOutput: (listener) => onEvent('terminal.output', (p) => listener(p.sessionId, p.data)),
  onExit: (listener) => onEvent('terminal.exit', (p) => listener(p.sessionId, p.code, p.reason)),
  onConnection: (listener) => onEvent('transport.status', (p) => listener(p.connected)),
};

export const terminals = new Terminals(consoleBackend);
