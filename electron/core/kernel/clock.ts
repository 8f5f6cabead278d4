/**
 * The simulated clock. Every timestamp the cloud records and every simulated delay (an
 * instance booting, a table becoming ACTIVE) reads this clock, never Date.now().
 *
 * By default it follows real time. It can run faster or slower (speed), stand still (pause)
 * and jump ahead (advance); in deterministic mode it starts at a fixed instant so the same
 * steps give the same timestamps. Timers are expressed in simulated milliseconds and fire
 * when simulated time reaches them, however the clock is driven.
 *
 * SigV4 signature checks deliberately do NOT use this clock: clients sign with real time.
 */
export interface ClockState {
  /** Simulated epoch milliseconds at the anchor. */
  simAnchor: number;
  /** Real epoch milliseconds at the anchor. */
  realAnchor: number;
  speed: number;
  paused: boolean;
}

interface Timer {
  id: number;
  due: number;
  fn: () => void;
}

export type ClockListener = (state: ClockState) => void;

/** The fixed start of deterministic mode: a Monday morning, UTC. */
export const DETERMINISTIC_EPOCH = Date.UTC(2026, 0, 5, 9, 0, 0);

export class SimClock {
  private state: ClockState;
  private timers: Timer[] = [];
  private nextId = 1;
  private realTimer: NodeJS.Timeout | null = null;
  private listeners = new Set<ClockListener>();

  constructor(
    initial: Partial<ClockState> = {},
    private readonly realNow: () => number = Date.now,
  ) {
    const real = realNow();
    this.state = {
      simAnchor: initial.simAnchor ?? real,
      realAnchor: initial.realAnchor ?? real,
      speed: initial.speed ?? 1,
      paused: initial.paused ?? false,
    };
  }

  /** Simulated epoch milliseconds. */
  now(): number {
    const s = this.state;
    if (s.paused) return s.simAnchor;
    return Math.floor(s.simAnchor + (this.realNow() - s.realAnchor) * s.speed);
  }

  date(): Date {
    return new Date(this.now());
  }

  get speed(): number {
    return this.state.speed;
  }

  get paused(): boolean {
    return this.state.paused;
  }

  snapshot(): ClockState {
    return { ...this.state, simAnchor: this.now(), realAnchor: this.realNow() };
  }

  setSpeed(speed: number): void {
    if (!Number.isFinite(speed) || speed <= 0 || speed > 3600) {
      throw new RangeError('Clock speed must be greater than 0 and at most 3600.');
    }
    this.reanchor({ speed });
  }

  pause(): void {
    this.reanchor({ paused: true });
  }

  resume(): void {
    this.reanchor({ paused: false });
  }

  /** Jump simulated time forward, firing every timer that falls due on the way, in order. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0)
      throw new RangeError('Can only advance the clock by a positive duration.');
    const target = this.now() + ms;
    // Fire timers one by one so a timer that schedules another inside the window sees it run.
    for (;;) {
      this.timers.sort((a, b) => a.due - b.due || a.id - b.id);
      const next = this.timers[0];
      if (!next || next.due > target) break;
      this.timers.shift();
      this.state = { ...this.state, simAnchor: Math.max(next.due, this.now()), realAnchor: this.realNow() };
      next.fn();
    }
    this.reanchor({ simAnchor: target });
  }

  /** Run `fn` after `simMs` simulated milliseconds. */
  setTimeout(fn: () => void, simMs: number): number {
    const timer = { id: this.nextId++, due: this.now() + Math.max(0, simMs), fn };
    this.timers.push(timer);
    this.arm();
    return timer.id;
  }

  clearTimeout(id: number): void {
    this.timers = this.timers.filter((t) => t.id !== id);
    this.arm();
  }

  onChange(listener: ClockListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    if (this.realTimer) clearTimeout(this.realTimer);
    this.realTimer = null;
    this.timers = [];
    this.listeners.clear();
  }

  private reanchor(change: Partial<ClockState>): void {
    this.state = { ...this.state, simAnchor: this.now(), realAnchor: this.realNow(), ...change };
    this.arm();
    for (const l of this.listeners) l(this.snapshot());
  }

  /** Keep one real timer armed for the earliest simulated deadline. */
  private arm(): void {
    if (this.realTimer) clearTimeout(this.realTimer);
    this.realTimer = null;
    if (this.state.paused || this.timers.length === 0) return;
    const earliest = Math.min(...this.timers.map((t) => t.due));
    const delay = Math.max(0, (earliest - this.now()) / this.state.speed);
    this.realTimer = setTimeout(() => this.fireDue(), Math.min(delay, 2 ** 31 - 1));
    this.realTimer.unref();
  }

  private fireDue(): void {
    this.realTimer = null;
    const now = this.now();
    const due = this.timers.filter((t) => t.due <= now).sort((a, b) => a.due - b.due || a.id - b.id);
    this.timers = this.timers.filter((t) => t.due > now);
    for (const t of due) t.fn();
    this.arm();
  }
}
