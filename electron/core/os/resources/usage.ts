/**
 * How busy the machine is: CPU (the system's idle hum plus what processes burn, reported to
 * the hypervisor's CPU metrics whenever it changes), memory and the root file system.
 */
import { cpuMetricsOf } from '../../infra/cpu-metrics';
import type { VolumeRecord } from '../../services/ec2/records';
import type { Ec2Runtime } from '../../services/ec2/runtime';
import type { Machine } from '../machine';
import { specsOf } from './specs';

/** What an idle instance's agents and timers use (percent of all vCPUs). */
export const IDLE_PERCENT = 0.3;

export function cpuPercent(m: Machine): number {
  const busy = [...m.processes.values()].reduce((sum, p) => sum + p.cpu, 0);
  return Math.min(100, IDLE_PERCENT + busy / specsOf(m).vcpus);
}

/** Tell the hypervisor the machine's current CPU level (null: the machine went down). */
export function reportCpu(m: Machine, down = false): void {
  const percent = down ? null : cpuPercent(m);
  const metrics = cpuMetricsOf(m.cloud.hypervisor);
  const now = m.cloud.clock.now();
  if (metrics.at(m.identity.id, now) === percent) return;
  metrics.record(m.identity.id, now, percent);
  // Pages that show it (the hypervisor view) look again.
  m.cloud.events.publish({
    topic: 'ec2.instance.cpu',
    account: m.identity.account,
    region: m.identity.region,
    at: now,
    data: { instanceId: m.identity.id, percent },
  });
}

/** Load averages over 1, 5 and 15 minutes, from the utilisation the hypervisor recorded. */
export function loadAverages(m: Machine): [number, number, number] {
  const metrics = cpuMetricsOf(m.cloud.hypervisor);
  const now = m.cloud.clock.now();
  const { vcpus } = specsOf(m);
  const load = (minutes: number) => {
    const from = Math.max(m.bootedAt, now - minutes * 60_000);
    const avg = now > from ? metrics.average(m.identity.id, from, now) : metrics.at(m.identity.id, now);
    // The idle hum does not make runnable tasks.
    return Math.max(0, ((avg ?? 0) - IDLE_PERCENT) / 100) * vcpus * ((now - from) / (minutes * 60_000));
  };
  return [load(1), load(5), load(15)];
}

export interface Memory {
  totalKiB: number;
  usedKiB: number;
  freeKiB: number;
  sharedKiB: number;
  buffCacheKiB: number;
  availableKiB: number;
}

export async function fsBytes(m: Machine): Promise<number> {
  let total = 0;
  for (const path of m.fs.getAllPaths()) {
    try {
      const st = await m.fs.lstat(path);
      if (st.isFile) total += st.size;
    } catch {
      // Gone between listing and stat.
    }
  }
  return total;
}

export async function memoryOf(m: Machine): Promise<Memory> {
  const totalKiB = specsOf(m).memTotalKiB;
  const rss = [...m.processes.values()].reduce((sum, p) => sum + p.rssKiB, 0);
  const base = Math.min(totalKiB * 0.15, 112_640 + specsOf(m).vcpus * 8_192);
  const usedKiB = Math.round(Math.min(totalKiB * 0.97, base + rss + m.sessions.size * 5_120));
  const buffCacheKiB = Math.round(
    Math.min(totalKiB * 0.25, 184_320 + (await fsBytes(m)) / 1024, totalKiB - usedKiB),
  );
  const freeKiB = Math.max(0, totalKiB - usedKiB - buffCacheKiB);
  return {
    totalKiB,
    usedKiB,
    freeKiB,
    sharedKiB: 412 + m.sessions.size * 16,
    buffCacheKiB,
    availableKiB: Math.round(freeKiB + buffCacheKiB * 0.75),
  };
}

/** The root volume's size in GiB: its EBS volume, else what the AMI asks for. */
export function rootVolumeGiB(m: Machine): number {
  const found = m.identity.kind === 'instance' ? m.os.findInstance(m.identity.id) : undefined;
  if (found) {
    const vol = m.cloud
      .runtime<Ec2Runtime>('ec2')
      .resources.list<VolumeRecord>(found.scope, 'volume', { parent: found.record.instanceId })
      .find(
        (v) =>
          v.attachment?.instanceId === found.record.instanceId &&
          v.attachment.device === found.record.rootDeviceName,
      );
    if (vol) return vol.size;
  }
  return m.identity.image.rootVolumeGiB || 8;
}

/** What the installed OS takes on the root volume before anyone writes a file. */
export function osBaselineBytes(m: Machine): number {
  const os = m.identity.image.os;
  const gib = os === 'ubuntu' ? 1.8 : os === 'debian' ? 1.0 : 1.55;
  return Math.round(gib * 1024 ** 3);
}
