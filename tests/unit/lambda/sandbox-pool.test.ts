import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { EnvironmentPool, ExecutionEnvironment } from '../../../electron/core/services/lambda/sandbox';
import { type Lab, makeLab, req } from './sandbox-helpers';

let lab: Lab;
beforeAll(() => {
  lab = makeLab();
});
afterAll(() => lab.cleanup());

function isRunning(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const pidFn = () =>
  lab.fn({
    'index.mjs': `export const handler = async (e) => { if (e.sleep) await new Promise((r) => setTimeout(r, e.sleep)); return process.pid; };`,
  });

describe('EnvironmentPool', () => {
  test('reuses a warm environment per key and cold-starts other keys', async () => {
    const pool = new EnvironmentPool();
    const spec = pidFn();
    let specCalls = 0;
    const counted = () => {
      specCalls++;
      return spec();
    };
    const a = await pool.run('fn:a', counted, req());
    const b = await pool.run('fn:a', counted, req());
    const c = await pool.run('fn:b', counted, req());
    expect([a.coldStart, b.coldStart, c.coldStart]).toEqual([true, false, true]);
    expect(a.payload).toBe(b.payload);
    expect(c.payload).not.toBe(a.payload);
    expect(specCalls).toBe(2);
    await pool.close();
    expect(isRunning(Number(a.payload))).toBe(false);
    expect(isRunning(Number(c.payload))).toBe(false);
  });

  test('concurrent invocations of one key get separate environments; inFlight counts them', async () => {
    const pool = new EnvironmentPool();
    const spec = pidFn();
    const runs = [pool.run('fn:c', spec, req({ sleep: 300 })), pool.run('fn:c', spec, req({ sleep: 300 }))];
    await new Promise((r) => setTimeout(r, 50));
    expect(pool.inFlight()).toBe(2);
    expect(pool.inFlight('fn:c')).toBe(2);
    expect(pool.inFlight('fn:x')).toBe(0);
    const [x, y] = await Promise.all(runs);
    expect(x!.payload).not.toBe(y!.payload);
    expect(pool.inFlight()).toBe(0);
    await pool.close();
  });

  test('evict kills idle environments now and busy ones when they finish', async () => {
    const pool = new EnvironmentPool();
    const spec = pidFn();
    const idle = await pool.run('fn:d:2', spec, req());
    const busy = pool.run('fn:d:1', spec, req({ sleep: 300 }));
    await new Promise((r) => setTimeout(r, 100));
    pool.evict('fn:d:');
    await vi.waitFor(() => expect(isRunning(Number(idle.payload))).toBe(false), {
      timeout: 5000,
      interval: 25,
    });
    const done = await busy;
    expect(done.outcome).toBe('success');
    await vi.waitFor(() => expect(isRunning(Number(done.payload))).toBe(false), {
      timeout: 5000,
      interval: 25,
    });
    const next = await pool.run('fn:d:1', spec, req());
    expect(next.coldStart).toBe(true);
    await pool.close();
  });

  test('maxEnvironments: the least recently used idle environment is killed', async () => {
    const pool = new EnvironmentPool({ maxEnvironments: 2 });
    const spec = pidFn();
    const a = await pool.run('k1', spec, req());
    const b = await pool.run('k2', spec, req());
    await pool.run('k1', spec, req()); // k1 is now the most recently used
    const c = await pool.run('k3', spec, req());
    // A killed process is gone once its parent reaps it: wait for that (a loaded machine is slow).
    await vi.waitFor(() => expect(isRunning(Number(b.payload))).toBe(false), { timeout: 5000, interval: 25 });
    expect(isRunning(Number(a.payload))).toBe(true);
    expect(isRunning(Number(c.payload))).toBe(true);
    expect(pool.size()).toBe(2);
    expect((await pool.run('k1', spec, req())).coldStart).toBe(false);
    await pool.close();
  });

  test('idle environments die after idleMs', async () => {
    const pool = new EnvironmentPool({ idleMs: 200 });
    const spec = pidFn();
    const a = await pool.run('idle', spec, req());
    await new Promise((r) => setTimeout(r, 300));
    await vi.waitFor(() => expect(isRunning(Number(a.payload))).toBe(false), { timeout: 5000, interval: 25 });
    await pool.close();
  });

  test('close() kills idle and busy environments and leaves no child processes', async () => {
    const pool = new EnvironmentPool();
    const spec = pidFn();
    const pids: number[] = [];
    for (const key of ['p1', 'p2', 'p3']) pids.push(Number((await pool.run(key, spec, req())).payload));
    const busy = pool.run('p4', spec, req({ sleep: 5000 }));
    await new Promise((r) => setTimeout(r, 200));
    expect(pids.every(isRunning)).toBe(true);
    await pool.close();
    expect(pids.some(isRunning)).toBe(false);
    const last = await busy;
    expect(last.environmentLost).toBe(true);
    await expect(pool.run('p1', spec, req())).rejects.toThrow(/closed/);
  });

  test('an environment used directly: one invocation at a time, kill()', async () => {
    const spec = pidFn()();
    const env = ExecutionEnvironment.start(spec);
    const first = env.invoke(req({ sleep: 100 }));
    expect(env.busy).toBe(true);
    await expect(env.invoke(req())).rejects.toThrow(/already running/);
    expect((await first).outcome).toBe('success');
    expect(env.alive).toBe(true);
    env.kill();
    await env.whenExited();
    expect(env.alive).toBe(false);
    const after = await env.invoke(req());
    expect(after.outcome).toBe('exit');
    expect(after.environmentLost).toBe(true);
  });
});
