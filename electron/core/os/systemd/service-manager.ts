/**
 * systemd's service manager for one machine: which units are active (kept in the machine's
 * memory and mirrored to /run/cloudlab/active-units, so a machine that comes back after an
 * app restart resumes them), starting and stopping them through their daemons, and the
 * journal lines systemd writes as it does.
 */
import type { Machine } from '../machine';
import { startDaemon, type Failed } from './daemons';
import { journal } from './journal';
import { enabledUnits, findUnit, value, type UnitFile } from './unit-files';

export const RUN_FILE = '/run/cloudlab/active-units';

export interface UnitState {
  name: string;
  state: 'active' | 'failed' | 'exited';
  since: number;
  mainPid: number;
  description: string;
  failure?: Failed;
  abort?: AbortController;
}

interface Manager {
  units: Map<string, UnitState>;
  /** Serialises start/stop so two shells cannot start the same unit twice. */
  queue: Promise<unknown>;
}

export function manager(m: Machine): Manager {
  return m.moduleState<Manager>('systemd', () => ({ units: new Map(), queue: Promise.resolve() }));
}

function serial<T>(m: Machine, fn: () => Promise<T>): Promise<T> {
  const mgr = manager(m);
  const next = mgr.queue.then(fn, fn);
  mgr.queue = next.catch(() => undefined);
  return next;
}

export function describe(u: UnitFile): string {
  const d = value(u, 'Unit', 'Description') ?? u.name;
  return `${u.name} - ${d}`;
}

async function mirror(m: Machine): Promise<void> {
  const list = [...manager(m).units.values()]
    .filter((s) => s.state !== 'failed')
    .map((s) => ({ name: s.name, since: s.since }));
  await m.fs.writeText(RUN_FILE, `${JSON.stringify(list)}\n`);
}

export type StartResult = { ok: true } | { ok: false; reason: 'not-found' | 'failed' };

/** Start a unit (no-op when it runs). `since` keeps the original start time on resume. */
export function startUnit(m: Machine, u: UnitFile, since?: number): Promise<StartResult> {
  return serial(m, async () => {
    const units = manager(m).units;
    const current = units.get(u.name);
    if (current && current.state !== 'failed') return { ok: true };
    const description = value(u, 'Unit', 'Description') ?? u.name;
    await journal(m, u.name, 'systemd', 1, `Starting ${describe(u)}...`);
    const started = await startDaemon(m, u);
    if (!started.ok) {
      const id = (started.command || u.name).slice((started.command || u.name).lastIndexOf('/') + 1);
      await journal(m, u.name, id, started.pid, ...started.log);
      const code = started.status.split('/')[0];
      await journal(
        m,
        u.name,
        'systemd',
        1,
        `${u.name}: Main process exited, code=exited, status=${started.status}`,
        `${u.name}: Failed with result '${code === '203' ? 'exit-code' : 'exit-code'}'.`,
        `Failed to start ${describe(u)}.`,
      );
      units.set(u.name, {
        name: u.name,
        state: 'failed',
        since: m.cloud.clock.now(),
        mainPid: started.pid,
        description,
        failure: started,
      });
      await mirror(m);
      return { ok: false, reason: 'failed' };
    }
    const id = u.name.replace(/\.service$/, '');
    await journal(m, u.name, id, started.mainPid, ...started.log);
    await journal(m, u.name, 'systemd', 1, `Started ${describe(u)}.`);
    const state: UnitState = {
      name: u.name,
      state: 'active',
      since: since ?? m.cloud.clock.now(),
      mainPid: started.mainPid,
      description,
      ...(started.abort ? { abort: started.abort } : {}),
    };
    units.set(u.name, state);
    await mirror(m);
    if (started.exited) {
      const exited = started.exited;
      const oneshot = value(u, 'Service', 'Type') === 'oneshot';
      const settle = exited.then(async ({ code, output }) => {
        if (units.get(u.name) !== state) return;
        const lines = output.split('\n').filter(Boolean);
        if (lines.length) await journal(m, u.name, id, state.mainPid, ...lines);
        m.stopUnit(u.name);
        if (code === 0 && started.remain) {
          state.state = 'exited';
        } else if (code === 0 || code === 143) {
          units.delete(u.name);
          await journal(m, u.name, 'systemd', 1, `${u.name}: Deactivated successfully.`);
        } else {
          await journal(
            m,
            u.name,
            'systemd',
            1,
            `${u.name}: Main process exited, code=exited, status=${code}/FAILURE`,
            `${u.name}: Failed with result 'exit-code'.`,
          );
          units.set(u.name, {
            ...state,
            state: 'failed',
            since: m.cloud.clock.now(),
            failure: { ok: false, pid: state.mainPid, status: `${code}/FAILURE`, log: [], command: '' },
          });
        }
        await mirror(m);
        await m.settle();
      });
      // A oneshot unit's start is its run: systemctl waits for it.
      if (oneshot) {
        await settle;
        const after = units.get(u.name);
        if (after?.state === 'failed') return { ok: false, reason: 'failed' };
      }
    }
    return { ok: true };
  });
}

export function stopUnit(m: Machine, u: UnitFile): Promise<void> {
  return serial(m, async () => {
    const units = manager(m).units;
    const current = units.get(u.name);
    if (!current) return;
    units.delete(u.name);
    if (current.state === 'failed') {
      await mirror(m);
      return;
    }
    await journal(m, u.name, 'systemd', 1, `Stopping ${describe(u)}...`);
    current.abort?.abort();
    m.stopUnit(u.name);
    await journal(m, u.name, 'systemd', 1, `${u.name}: Deactivated successfully.`, `Stopped ${describe(u)}.`);
    await mirror(m);
  });
}

/** Forget a failed unit's failure (`systemctl reset-failed`, or a stop). */
export function resetFailed(m: Machine, name: string): void {
  const s = manager(m).units.get(name);
  if (s?.state === 'failed') manager(m).units.delete(name);
}

/** Boot: a fresh boot clears /run and starts enabled units; a resumed machine restores. */
export async function bootUnits(m: Machine, resumed: boolean): Promise<void> {
  if (resumed) {
    let list: Array<{ name: string; since: number }> = [];
    try {
      list = JSON.parse((await m.fs.readText(RUN_FILE)) ?? '[]') as typeof list;
    } catch {
      list = [];
    }
    for (const entry of list) {
      const u = await findUnit(m, entry.name);
      if (u) await startUnit(m, u, entry.since);
    }
    return;
  }
  // /run is a tmpfs: nothing in it survives a reboot.
  for (const name of await m.fs.readdir('/run').catch(() => [] as string[]))
    await m.fs.rm(`/run/${name}`, { recursive: true, force: true });
  manager(m).units.clear();
  for (const u of await enabledUnits(m)) await startUnit(m, u);
  await mirror(m);
}

export function shutdownUnits(m: Machine): void {
  for (const s of manager(m).units.values()) s.abort?.abort();
  manager(m).units.clear();
}
