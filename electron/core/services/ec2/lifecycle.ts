/**
 * Moves EC2 resources through their states on the simulated clock: instances
 * (pending → running, stopping → stopped, shutting-down → terminated, and terminated ones
 * disappear an hour later), volumes (creating → available, attaching → attached,
 * detaching → available) and snapshots (pending → completed). Deadlines come from the stored
 * records, so a restart picks up where it left off. When a host fails, the instances on it
 * stop, as an instance retirement would stop them.
 */
import type { InstanceRecord, SnapshotRecord, VolumeRecord } from './records';
import type { Scope } from './resources';
import { bootLog } from './boot-log';
import { releaseInstanceResources } from './instance-ops';
import { ec2Scope, type Ec2Runtime } from './runtime';

/** Simulated milliseconds each transition takes: the shape of AWS, in seconds rather than minutes. */
export const DELAYS = {
  boot: 6_000,
  stop: 8_000,
  terminate: 5_000,
  statusChecks: 20_000,
  keepTerminated: 3_600_000,
  /** How long an instance on a failed host runs impaired before it is stopped. */
  hostFailureStop: 10_000,
  volumeCreate: 2_000,
  attach: 1_000,
  detach: 1_000,
};

export class Lifecycle {
  private readonly timers = new Map<string, number>();
  private readonly running = new Set<Promise<void>>();
  private readonly unsubscribe: () => void;

  constructor(private readonly rt: Ec2Runtime) {
    this.unsubscribe = rt.cloud.events.subscribe((event) => {
      if (event.topic === 'infra.hosts.failed')
        this.track(this.hostsFailed((event.data as { hostIds: string[] }).hostIds));
      if (event.topic === 'infra.hosts.restored')
        this.track(this.hostsRestored((event.data as { hostIds: string[] }).hostIds));
    });
    this.resume();
  }

  private get cloud() {
    return this.rt.cloud;
  }

  /** Schedule every unfinished transition found in the store (start-up). */
  private resume(): void {
    for (const { scope, record } of this.rt.resources.everywhere<InstanceRecord>('instance'))
      this.instanceChanged(scope, record);
    for (const { scope, record } of this.rt.resources.everywhere<VolumeRecord>('volume'))
      this.volumeChanged(scope, record);
    for (const { scope, record } of this.rt.resources.everywhere<SnapshotRecord>('snapshot'))
      this.snapshotStarted(scope, record);
  }

  stop(): void {
    this.unsubscribe();
    for (const id of this.timers.values()) this.cloud.clock.clearTimeout(id);
    this.timers.clear();
  }

  /** Resolves when every transition that has started has finished (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  private track(work: Promise<void>): void {
    const tracked = work.catch((e: unknown) => this.report(e)).finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }

  instanceChanged(scope: Scope, i: InstanceRecord): void {
    const key = `instance/${i.instanceId}`;
    const id = i.instanceId;
    switch (i.state) {
      case 'pending':
        return this.at(key, i.stateSince + DELAYS.boot, () =>
          this.finish(scope, id, 'pending', (r) => this.boot(scope, r)),
        );
      case 'stopping':
        return this.at(key, i.stateSince + DELAYS.stop, () =>
          this.finish(scope, id, 'stopping', (r) => this.halt(scope, r, 'stopped')),
        );
      case 'shutting-down':
        return this.at(key, i.stateSince + DELAYS.terminate, () =>
          this.finish(scope, id, 'shutting-down', (r) => this.halt(scope, r, 'terminated')),
        );
      case 'terminated':
        return this.at(key, i.stateSince + DELAYS.keepTerminated, () => this.purge(scope, id));
      case 'running':
        if (i.hostFailedAt !== undefined) {
          return this.at(key, i.hostFailedAt + DELAYS.hostFailureStop, () =>
            this.finish(scope, id, 'running', (r) => this.retire(scope, r)),
          );
        }
        // Nothing changes in the record when the status checks pass; tell the consoles anyway.
        if (i.checksPassAt !== undefined && i.checksPassAt > this.cloud.clock.now()) {
          return this.at(key, i.checksPassAt, async () =>
            this.publish(scope, 'ec2.instance.status', { instanceId: id, instanceStatus: 'ok' }),
          );
        }
        return this.cancel(key);
      default:
        this.cancel(key);
    }
  }

  volumeChanged(scope: Scope, v: VolumeRecord): void {
    const key = `volume/${v.volumeId}`;
    if (v.state === 'creating') {
      this.at(key, v.changedAt + DELAYS.volumeCreate, () =>
        this.updateVolume(scope, v.volumeId, 'creating', (r) => ({ ...r, state: 'available' })),
      );
    } else if (v.attachment?.state === 'attaching') {
      this.at(key, v.changedAt + DELAYS.attach, () =>
        this.updateVolume(scope, v.volumeId, 'attaching', (r) => ({
          ...r,
          attachment: { ...r.attachment!, state: 'attached' },
        })),
      );
    } else if (v.attachment?.state === 'detaching') {
      this.at(key, v.changedAt + DELAYS.detach, () =>
        this.updateVolume(scope, v.volumeId, 'detaching', (r) => {
          const { attachment: _gone, ...rest } = r;
          return { ...rest, state: 'available' };
        }),
      );
    } else {
      this.cancel(key);
    }
  }

  snapshotStarted(scope: Scope, s: SnapshotRecord): void {
    if (s.state !== 'pending') return;
    this.at(`snapshot/${s.snapshotId}`, s.completeAt, async () => {
      const res = this.rt.resources;
      const current = res.get<SnapshotRecord>(scope, 'snapshot', s.snapshotId);
      if (!current || current.state !== 'pending') return;
      await this.cloud.store.write((tx) => res.update(tx, s.snapshotId, { ...current, state: 'completed' }));
      this.publish(scope, 'ec2.snapshot.state', { snapshotId: s.snapshotId, state: 'completed' });
    });
  }

  // ---- instance transitions -----------------------------------------------------------------

  private async finish(
    scope: Scope,
    id: string,
    from: InstanceRecord['state'],
    change: (r: InstanceRecord) => InstanceRecord | Promise<InstanceRecord>,
  ): Promise<void> {
    const current = this.rt.resources.get<InstanceRecord>(scope, 'instance', id);
    if (!current || current.state !== from) return;
    const next = await change(current);
    this.publish(scope, 'ec2.instance.state', { instanceId: id, state: next.state, previous: from });
    this.instanceChanged(scope, next);
  }

  private async boot(scope: Scope, r: InstanceRecord): Promise<InstanceRecord> {
    const now = this.cloud.clock.now();
    const image = this.cloud.catalogue.imagesIn(scope.region).find((i) => i.imageId === r.imageId);
    const host = r.hostId ? this.cloud.hypervisor.host(r.hostId) : undefined;
    const next: InstanceRecord = {
      ...r,
      state: 'running',
      stateSince: now,
      stateTransitionReason: '',
      checksPassAt: now + DELAYS.statusChecks,
      consoleLog: bootLog(r, image, host?.family.hypervisor ?? 'nitro', now),
    };
    delete next.stateReason;
    await this.cloud.store.write((tx) => this.rt.resources.update(tx, r.instanceId, next));
    return next;
  }

  /** stopping → stopped, shutting-down → terminated: give back the host, the address, the disks. */
  private async halt(
    scope: Scope,
    r: InstanceRecord,
    state: 'stopped' | 'terminated',
  ): Promise<InstanceRecord> {
    const now = this.cloud.clock.now();
    const e = ec2Scope(this.rt, scope);
    return this.cloud.store.write((tx) => {
      const next: InstanceRecord = {
        ...r,
        state,
        stateSince: now,
        stateReason: r.stateReason ?? {
          code: 'Client.UserInitiatedShutdown',
          message: 'Client.UserInitiatedShutdown: User initiated shutdown',
        },
      };
      releaseInstanceResources(e, tx, next, state);
      this.rt.resources.update(tx, r.instanceId, next);
      return next;
    });
  }

  private async purge(scope: Scope, id: string): Promise<void> {
    const current = this.rt.resources.get<InstanceRecord>(scope, 'instance', id);
    if (!current || current.state !== 'terminated') return;
    await this.cloud.store.write((tx) => this.rt.resources.delete(tx, id));
    this.publish(scope, 'ec2.instance.state', { instanceId: id, state: 'gone' });
  }

  /** The host of these instances failed: their system status check fails from now on. */
  private async hostsFailed(hostIds: string[]): Promise<void> {
    const now = this.cloud.clock.now();
    for (const { scope, current } of this.placedOn(hostIds)) {
      if (current.state !== 'running' && current.state !== 'pending') continue;
      const next: InstanceRecord = { ...current, hostFailedAt: now };
      await this.cloud.store.write((tx) => this.rt.resources.update(tx, current.instanceId, next));
      this.publish(scope, 'ec2.instance.status', {
        instanceId: current.instanceId,
        systemStatus: 'impaired',
      });
      if (next.state === 'running') this.instanceChanged(scope, next);
    }
  }

  /** Hosts came back before their instances were stopped: the instances recover. */
  private async hostsRestored(hostIds: string[]): Promise<void> {
    for (const { scope, current } of this.placedOn(hostIds)) {
      if (current.hostFailedAt === undefined) continue;
      const { hostFailedAt: _gone, ...next } = current;
      await this.cloud.store.write((tx) => this.rt.resources.update(tx, current.instanceId, next));
      this.publish(scope, 'ec2.instance.status', { instanceId: current.instanceId, systemStatus: 'ok' });
      this.instanceChanged(scope, next);
    }
  }

  private placedOn(hostIds: string[]): Array<{ scope: Scope; current: InstanceRecord }> {
    const found: Array<{ scope: Scope; current: InstanceRecord }> = [];
    for (const placement of this.cloud.hypervisor.placementsOn(hostIds)) {
      const host = this.cloud.hypervisor.host(placement.hostId);
      if (!host) continue;
      const scope = { account: placement.account, region: host.region };
      const current = this.rt.resources.get<InstanceRecord>(scope, 'instance', placement.vmId);
      if (current) found.push({ scope, current });
    }
    return found;
  }

  /** An impaired instance on a failed host is stopped, as an instance retirement would. */
  private async retire(scope: Scope, r: InstanceRecord): Promise<InstanceRecord> {
    const now = this.cloud.clock.now();
    const { hostFailedAt: _gone, ...rest } = r;
    const next: InstanceRecord = {
      ...rest,
      state: 'stopping',
      stateSince: now,
      stateTransitionReason: `Server.InternalError (${new Date(now).toISOString().replace('T', ' ').slice(0, 19)} GMT)`,
      stateReason: {
        code: 'Server.InternalError',
        message: "Server.InternalError: The instance's host failed",
      },
    };
    await this.cloud.store.write((tx) => this.rt.resources.update(tx, r.instanceId, next));
    return next;
  }

  // ---- helpers ------------------------------------------------------------------------------

  private async updateVolume(
    scope: Scope,
    id: string,
    expected: string,
    change: (v: VolumeRecord) => VolumeRecord,
  ): Promise<void> {
    const res = this.rt.resources;
    const current = res.get<VolumeRecord>(scope, 'volume', id);
    const now = current?.attachment?.state ?? current?.state;
    if (!current || now !== expected) return;
    const next = { ...change(current), changedAt: this.cloud.clock.now() };
    await this.cloud.store.write((tx) => res.update(tx, id, next, next.attachment ? {} : { parent: null }));
    this.publish(scope, 'ec2.volume.state', { volumeId: id, state: next.state });
  }

  private at(key: string, when: number, run: () => Promise<void>): void {
    this.cancel(key);
    const id = this.cloud.clock.setTimeout(
      () => {
        this.timers.delete(key);
        this.track(run());
      },
      Math.max(0, when - this.cloud.clock.now()),
    );
    this.timers.set(key, id);
  }

  private cancel(key: string): void {
    const id = this.timers.get(key);
    if (id !== undefined) this.cloud.clock.clearTimeout(id);
    this.timers.delete(key);
  }

  private publish(scope: Scope, topic: string, data: unknown): void {
    this.cloud.events.publish({
      topic,
      account: scope.account,
      region: scope.region,
      at: this.cloud.clock.now(),
      data,
    });
  }

  private report(e: unknown): void {
    // A failed transition (a closed workspace at shutdown) must not take the process down.
    this.cloud.events.publish({ topic: 'ec2.lifecycle.error', at: this.cloud.clock.now(), data: String(e) });
  }
}
