/**
 * CPU utilisation of VMs as the hypervisor measures it, for monitoring (the EC2 monitoring
 * tab, CloudWatch's CPUUtilization). The OS reports a level whenever it changes (boot, a load
 * starting or ending); between two samples the level holds. A `null` level means the VM is
 * not running (no datapoints), as CloudWatch shows a stopped instance.
 *
 * Samples live in memory, per hypervisor, bounded to CloudWatch's 15 days of 1-minute data.
 */
import type { Hypervisor } from './hypervisor';

export interface CpuSample {
  instanceId: string;
  /** Simulated ms from when this level holds. */
  at: number;
  /** Percent of the VM's vCPUs in use (0–100), or null when it is not running. */
  percent: number | null;
}

const RETENTION_MS = 15 * 24 * 3_600_000;
const MAX_SAMPLES = 20_000;

export class CpuMetrics {
  private readonly series = new Map<string, CpuSample[]>();

  /** The VM's utilisation from `at` on. */
  record(instanceId: string, at: number, percent: number | null): void {
    const list = this.series.get(instanceId) ?? [];
    const level = percent === null ? null : Math.max(0, Math.min(100, percent));
    while (list.length && list[list.length - 1]!.at > at) list.pop();
    if (list.length && list[list.length - 1]!.percent === level) return;
    list.push({ instanceId, at, percent: level });
    while (list.length > MAX_SAMPLES || (list.length > 1 && list[1]!.at < at - RETENTION_MS)) list.shift();
    this.series.set(instanceId, list);
  }

  /** Samples from `from` to `to`, with the level that held at `from` first. */
  samples(instanceId: string, from = 0, to = Infinity): CpuSample[] {
    const list = this.series.get(instanceId) ?? [];
    const before = [...list].reverse().find((s) => s.at <= from);
    const inside = list.filter((s) => s.at > from && s.at <= to);
    return before ? [{ ...before, at: from }, ...inside] : inside;
  }

  /** The level at one instant (null: not running or never seen). */
  at(instanceId: string, t: number): number | null {
    const list = this.series.get(instanceId) ?? [];
    let level: number | null = null;
    for (const s of list) {
      if (s.at > t) break;
      level = s.percent;
    }
    return level;
  }

  /**
   * Time-weighted average over [from, to), counting only running time; null when the VM did
   * not run in that window (a CloudWatch period without datapoints).
   */
  average(instanceId: string, from: number, to: number): number | null {
    const points = this.samples(instanceId, from, to);
    let weighted = 0;
    let running = 0;
    points.forEach((s, i) => {
      const end = i + 1 < points.length ? points[i + 1]!.at : to;
      const span = Math.max(0, end - Math.max(s.at, from));
      if (s.percent === null) return;
      weighted += s.percent * span;
      running += span;
    });
    return running > 0 ? weighted / running : null;
  }

  /** Datapoints per period, as GetMetricStatistics' Average would give them. */
  datapoints(
    instanceId: string,
    from: number,
    to: number,
    periodMs: number,
  ): Array<{ at: number; average: number }> {
    const out: Array<{ at: number; average: number }> = [];
    for (let t = from; t < to; t += periodMs) {
      const avg = this.average(instanceId, t, Math.min(to, t + periodMs));
      if (avg !== null) out.push({ at: t, average: avg });
    }
    return out;
  }
}

const metrics = new WeakMap<Hypervisor, CpuMetrics>();

/** The CPU metrics the hypervisor keeps for its VMs. */
export function cpuMetricsOf(hypervisor: Hypervisor): CpuMetrics {
  let m = metrics.get(hypervisor);
  if (!m) {
    m = new CpuMetrics();
    metrics.set(hypervisor, m);
  }
  return m;
}
