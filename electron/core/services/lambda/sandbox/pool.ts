/**
 * Warm execution environments, reused per key (a function version with its configuration):
 * an idle environment of the key runs the invocation, otherwise a new one cold-starts. Idle
 * environments die after `idleMs`; above `maxEnvironments` live processes the least recently
 * used idle ones are killed first (busy ones never: the caller enforces concurrency).
 */
import {
  type EnvironmentSpec,
  ExecutionEnvironment,
  type SandboxInvokeRequest,
  type SandboxInvokeResult,
} from './environment';

interface Entry {
  key: string;
  env: ExecutionEnvironment;
  /** Evicted while busy: killed when its invocation ends. */
  doomed: boolean;
  idleTimer?: ReturnType<typeof setTimeout>;
}

export interface EnvironmentPoolOptions {
  /** Live processes, default 16. */
  maxEnvironments?: number;
  /** Real milliseconds an idle environment is kept warm, default 5 minutes. */
  idleMs?: number;
}

export class EnvironmentPool {
  private readonly maxEnvironments: number;
  private readonly idleMs: number;
  private readonly entries = new Set<Entry>();
  private running = new Map<Entry, string>();
  private closed = false;

  constructor(options: EnvironmentPoolOptions = {}) {
    this.maxEnvironments = Math.max(1, options.maxEnvironments ?? 16);
    this.idleMs = options.idleMs ?? 5 * 60_000;
  }

  /** Live environments (all, or whose key starts with keyPrefix). */
  size(keyPrefix = ''): number {
    let n = 0;
    for (const e of this.entries) if (e.key.startsWith(keyPrefix) && e.env.alive) n++;
    return n;
  }

  /** Runs on an idle warm environment of `key` or cold-starts one (spec() is called only then). */
  async run(
    key: string,
    spec: () => EnvironmentSpec,
    req: SandboxInvokeRequest,
  ): Promise<SandboxInvokeResult & { coldStart: boolean }> {
    if (this.closed) throw new Error('The environment pool is closed');
    let entry = this.idle(key);
    const coldStart = !entry;
    if (!entry) {
      this.makeRoom();
      entry = { key, env: ExecutionEnvironment.start(spec()), doomed: false };
      this.entries.add(entry);
    }
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    entry.idleTimer = undefined;
    this.running.set(entry, key);
    let result: SandboxInvokeResult;
    try {
      result = await entry.env.invoke(req);
    } catch (e) {
      this.running.delete(entry);
      this.drop(entry);
      throw e;
    }
    this.running.delete(entry);
    if (result.environmentLost || entry.doomed || !entry.env.alive || this.closed) {
      this.drop(entry);
    } else {
      this.parkIdle(entry);
    }
    return { ...result, coldStart };
  }

  /** Running invocations (all, or whose key starts with keyPrefix). */
  inFlight(keyPrefix = ''): number {
    let n = 0;
    for (const key of this.running.values()) if (key.startsWith(keyPrefix)) n++;
    return n;
  }

  /** Kills idle environments of these keys now, busy ones when they finish. */
  evict(keyPrefix: string): void {
    for (const entry of [...this.entries]) {
      if (!entry.key.startsWith(keyPrefix)) continue;
      if (entry.env.busy) entry.doomed = true;
      else this.drop(entry);
    }
  }

  /** Kills every environment and waits for the processes to exit. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.entries];
    for (const entry of all) this.drop(entry);
    await Promise.all(all.map((e) => e.env.whenExited()));
  }

  private idle(key: string): Entry | undefined {
    let best: Entry | undefined;
    for (const e of this.entries) {
      if (e.key !== key || e.doomed || e.env.busy || this.running.has(e)) continue;
      if (!e.env.alive) {
        this.drop(e);
        continue;
      }
      if (!best || e.env.lastUsed > best.env.lastUsed) best = e;
    }
    return best;
  }

  /** Keeps the live process count under the limit by killing least recently used idle ones. */
  private makeRoom(): void {
    for (const e of [...this.entries]) if (!e.env.alive && !this.running.has(e)) this.drop(e);
    while (this.size() >= this.maxEnvironments) {
      let lru: Entry | undefined;
      for (const e of this.entries) {
        if (e.env.busy || this.running.has(e)) continue;
        if (!lru || e.env.lastUsed < lru.env.lastUsed) lru = e;
      }
      if (!lru) return; // all busy: start anyway
      this.drop(lru);
    }
  }

  private parkIdle(entry: Entry): void {
    entry.idleTimer = setTimeout(() => {
      if (!entry.env.busy && !this.running.has(entry)) this.drop(entry);
    }, this.idleMs);
    entry.idleTimer.unref?.();
  }

  private drop(entry: Entry): void {
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    entry.idleTimer = undefined;
    this.entries.delete(entry);
    entry.env.kill();
  }
}
