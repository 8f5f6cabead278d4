/**
 * The operating systems of the cloud's machines. Follows EC2's instance states: an instance
 * that turns running is loaded and booted (cloud-init runs on its first boot), one that stops
 * shuts down and leaves memory, one that is terminated loses its root volume. Machines load
 * lazily: after a restart of the app a running instance's OS comes back the first time a
 * terminal, an SSH login or a network request reaches it, with the services it was running.
 *
 * Each account also has a "workstation": the CloudShell-style machine of the console, with
 * the `aws` command configured and `ssh` to reach instances.
 */
import type { Cloud } from '../cloud';
import type { CloudEvent } from '../kernel/events';
import type { Scope } from '../services/ec2/resources';
import type { InstanceRecord } from '../services/ec2/records';
import { privateDnsName, publicDnsName } from '../services/ec2/instance-store';
import type { Ec2Runtime } from '../services/ec2/runtime';
import { MachineFiles, fsMigrations } from './fs/fs-store';
import type { Machine } from './machine';
import type { MachineIdentity } from './types';
import { instanceByIp } from '../network/dns/ec2-names';

/**
 * The shell and everything built on it load on first use: a cloud whose instances nobody logs
 * into starts without them.
 */
async function loadOs() {
  const [{ MachineFs }, { imageFiles }, { Machine }, { osModules }] = await Promise.all([
    import('./fs/machine-fs'),
    import('./image/image-files'),
    import('./machine'),
    import('./modules'),
  ]);
  return { MachineFs, imageFiles, Machine, osModules };
}

export { fsMigrations as osMigrations };

/** Where the machines' large files name their blobs (see Cloud's start-up collection). */
export const OS_BLOB_COLUMNS = ['os_files.blob'];

/** What one machine may store: beyond it, writes fail with "No space left on device". */
export const MACHINE_DISK_QUOTA = 128 * 1024 * 1024;
/** A workspace setting that overrides the quota (bytes), for labs about full disks. */
export const DISK_QUOTA_SETTING = 'os.diskQuotaBytes';

/** Marks that cloud-init's first boot ran for this instance (as cloud-init's own directory does). */
const INSTANCE_MARK = (id: string) => `/var/lib/cloud/instances/${id}`;

export type SessionsClosedListener = (machine: Machine, reason: string) => void;

export class OsRuntime {
  private readonly machines = new Map<string, Promise<Machine>>();
  private readonly booting = new Set<Promise<unknown>>();
  private readonly closedListeners = new Set<SessionsClosedListener>();
  private sessionSeq = 0;
  private readonly unsubscribe: () => void;

  constructor(readonly cloud: Cloud) {
    this.unsubscribe = cloud.events.subscribe((event) => this.onEvent(event));
  }

  nextSessionId(): number {
    return ++this.sessionSeq;
  }

  /** Hear when a machine's sessions end because it went down (terminals print a notice). */
  onSessionsClosed(listener: SessionsClosedListener): () => void {
    this.closedListeners.add(listener);
    return () => this.closedListeners.delete(listener);
  }

  notifySessionsClosed(machine: Machine, reason: string): void {
    for (const l of this.closedListeners) l(machine, reason);
  }

  private get ec2(): Ec2Runtime {
    return this.cloud.runtime<Ec2Runtime>('ec2');
  }

  /** The instance record behind a machine ID, wherever it lives. */
  findInstance(instanceId: string): { scope: Scope; record: InstanceRecord } | undefined {
    return this.ec2.resources.find<InstanceRecord>('instance', instanceId);
  }

  /** Instances by address (private or public), for the network and the SSH gateway. */
  findInstanceByIp(ip: string, scope?: Partial<Scope>): { scope: Scope; record: InstanceRecord } | undefined {
    return instanceByIp(this.cloud, ip, scope);
  }

  /** Loaded machines (for `top` across the hypervisor, benchmarks). */
  loaded(): string[] {
    return [...this.machines.keys()];
  }

  /**
   * The OS of a running instance, loading it if needed. Undefined when the instance does not
   * exist or is not running.
   */
  instance(instanceId: string): Promise<Machine | undefined> {
    return this.ensure(instanceId, true);
  }

  /** Load and boot; `resumed` when the instance was already running (the app restarted). */
  private async ensure(instanceId: string, resumed: boolean): Promise<Machine | undefined> {
    const found = this.findInstance(instanceId);
    if (!found || found.record.state !== 'running') return undefined;
    const existing = this.machines.get(instanceId);
    if (existing) return existing;
    const loading = this.load(found.scope, found.record).then(async (m) => {
      const firstBoot = !(await m.fs.exists(INSTANCE_MARK(instanceId)));
      await this.bootMachine(m, firstBoot, resumed && !firstBoot);
      return m;
    });
    this.machines.set(instanceId, loading);
    loading.catch(() => this.machines.delete(instanceId));
    return loading;
  }

  /** The account's workstation (CloudShell-style), loaded on first use. */
  workstation(account: string, region: string): Promise<Machine> {
    const id = `workstation-${account}`;
    let m = this.machines.get(id);
    if (!m) {
      const image =
        this.cloud.catalogue.images.find((i) => i.key === 'al2023-x86_64') ?? this.cloud.catalogue.images[0]!;
      const zone = this.cloud.catalogue.availabilityZones(region)[0];
      const identity: MachineIdentity = {
        id,
        kind: 'workstation',
        account,
        region,
        availabilityZone: zone?.name ?? `${region}a`,
        hostname: 'cloudshell',
        privateDnsName: 'cloudshell',
        privateIp: '10.130.84.49',
        publicIp: null,
        publicDnsName: null,
        macAddress: '02:42:0a:82:54:31',
        image: { ...image, key: 'cloudshell', defaultUser: 'cloudshell-user' },
        imageId: 'cloudshell',
        instanceType: null,
        vpcId: null,
        subnetId: null,
        hostId: null,
      };
      m = this.open(identity).then(async (machine) => {
        await this.bootMachine(machine, !(await machine.fs.exists(INSTANCE_MARK(id))), false);
        return machine;
      });
      this.machines.set(id, m);
      m.catch(() => this.machines.delete(id));
    }
    return m;
  }

  private async load(scope: Scope, r: InstanceRecord): Promise<Machine> {
    const image = this.cloud.catalogue.imagesIn(scope.region).find((i) => i.imageId === r.imageId);
    if (!image) throw new Error(`the AMI ${r.imageId} of ${r.instanceId} is not in the catalogue`);
    const publicIp = r.publicIpAddress ?? null;
    const identity: MachineIdentity = {
      id: r.instanceId,
      kind: 'instance',
      account: scope.account,
      region: scope.region,
      availabilityZone: r.availabilityZone,
      hostname: `ip-${r.privateIpAddress.replace(/\./g, '-')}`,
      privateDnsName: privateDnsName(scope.region, r.privateIpAddress),
      privateIp: r.privateIpAddress,
      publicIp,
      publicDnsName: publicIp ? publicDnsName(scope.region, publicIp) : null,
      macAddress: r.macAddress,
      image,
      imageId: r.imageId,
      instanceType: this.cloud.catalogue.instanceTypes.find((t) => t.type === r.instanceType) ?? null,
      vpcId: r.vpcId,
      subnetId: r.subnetId,
      hostId: r.hostId,
      runningSince: r.stateSince,
    };
    return this.open(identity);
  }

  private async open(identity: MachineIdentity): Promise<Machine> {
    const { MachineFs, imageFiles, Machine, osModules } = await loadOs();
    const files = new MachineFiles(this.cloud.store, identity.id);
    const fs = new MachineFs({
      image: imageFiles(identity.image),
      rows: files.load(),
      maxTotalBytes: this.cloud.settings.get<number>(DISK_QUOTA_SETTING) ?? MACHINE_DISK_QUOTA,
      persist: files,
      now: () => this.cloud.clock.now(),
      readBlob: (hash) => files.readBlob(hash),
    });
    return new Machine(this, identity, fs, osModules);
  }

  private async bootMachine(m: Machine, firstBoot: boolean, resumed: boolean): Promise<void> {
    const run = m.boot({ firstBoot, resumed }).then(async () => {
      if (firstBoot) await m.fs.mkdir(INSTANCE_MARK(m.identity.id), { recursive: true });
      await m.settle();
    });
    this.track(run);
    // Boot work (user data) goes on in the background; the machine is usable meanwhile.
  }

  private track(p: Promise<unknown>): void {
    const tracked = p.catch((e: unknown) =>
      this.cloud.events.publish({ topic: 'os.error', at: this.cloud.clock.now(), data: String(e) }),
    );
    this.booting.add(tracked);
    void tracked.finally(() => this.booting.delete(tracked));
  }

  private onEvent(event: CloudEvent): void {
    if (event.topic === 'ec2.instance.reboot') {
      const { instanceId } = event.data as { instanceId: string };
      if (this.machines.has(instanceId))
        this.track(
          this.unload(instanceId, 'The system is going down for reboot NOW!').then(() =>
            this.ensure(instanceId, false),
          ),
        );
      return;
    }
    if (event.topic !== 'ec2.instance.state') return;
    const { instanceId, state } = event.data as { instanceId: string; state: string };
    if (state === 'running') {
      // A fresh boot: drop any stale copy (a reboot) and boot from the stored disk — now if the
      // machine has work to do at boot (user data, its own files such as enabled services),
      // else when something first reaches it: 5,000 untouched instances cost no memory.
      this.track(
        this.unload(instanceId, 'The system is going down for reboot NOW!').then(() =>
          this.bootsWithWork(instanceId) ? this.ensure(instanceId, false) : undefined,
        ),
      );
    } else if (state === 'stopping' || state === 'shutting-down' || state === 'stopped') {
      this.track(this.unload(instanceId, 'The system is going down for poweroff NOW!'));
    } else if (state === 'terminated' || state === 'gone') {
      this.track(
        this.unload(instanceId, 'The system is going down for poweroff NOW!').then(() =>
          MachineFiles.drop(this.cloud.store, instanceId),
        ),
      );
    }
  }

  private bootsWithWork(instanceId: string): boolean {
    const found = this.findInstance(instanceId);
    if (found?.record.userData) return true;
    return !!this.cloud.store.get('SELECT 1 AS one FROM os_files WHERE machine = ? LIMIT 1', [instanceId]);
  }

  private async unload(id: string, reason: string): Promise<void> {
    const m = this.machines.get(id);
    if (!m) return;
    this.machines.delete(id);
    const machine = await m.catch(() => null);
    await machine?.shutdown(reason);
  }

  /** Wait for boot work in flight (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.booting.size) await Promise.all([...this.booting]);
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await this.settled();
    for (const m of this.machines.values()) {
      const machine = await m.catch(() => null);
      if (!machine) continue;
      for (const s of machine.sessions.values()) s.close();
      await machine.settle().catch(() => undefined);
    }
    this.machines.clear();
  }
}
