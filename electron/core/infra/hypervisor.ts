/**
 * The physical side of EC2. Every Availability Zone has a fleet of hosts; an instance family
 * runs on hosts built for it (an m5 host is what an m5.metal is: 96 vCPUs, 384 GiB), Nitro
 * hosts offload networking and storage to Nitro cards, t2 still runs on Xen. The hypervisor
 * places a VM on a host with room — spreading load across hosts — reserves its vCPUs and
 * memory, and releases them when the VM stops or ends. Hosts (or whole zones) can be failed
 * and restored to teach multi-AZ design: a failed host impairs the system status of its VMs.
 *
 * The fleet is derived from the catalogue (the same every run); what changes — placements and
 * failures — lives in the store.
 */
import { createHash } from 'node:crypto';
import { AwsError } from '../kernel/errors';
import type { EventBus } from '../kernel/events';
import type { SimClock } from '../kernel/clock';
import type { Migration, Store, Tx } from '../kernel/store';
import type { Settings } from '../kernel/settings';
import type { Catalogue, InstanceTypeInfo } from './catalogue';

export interface HostFamily {
  id: string;
  /** Instance families this host type runs. */
  instanceFamilies: string[];
  vcpus: number;
  memoryMiB: number;
  processor: string;
  architecture: 'x86_64' | 'arm64';
  hypervisor: 'nitro' | 'xen';
}

/**
 * Hosts per family in each Availability Zone, unless the lab chooses a bigger data centre: two
 * is small enough that a beginner meets InsufficientInstanceCapacity, big enough to spread.
 */
export const DEFAULT_HOSTS_PER_FAMILY = 2;
export const MAX_HOSTS_PER_FAMILY = 64;
const HOSTS_SETTING = 'infra.hostsPerFamily';

export const HOST_FAMILIES: HostFamily[] = [
  {
    id: 'm5',
    instanceFamilies: ['m5'],
    vcpus: 96,
    memoryMiB: 393216,
    processor: 'Intel Xeon Platinum 8175M',
    architecture: 'x86_64',
    hypervisor: 'nitro',
  },
  {
    id: 'm6i',
    instanceFamilies: ['m6i'],
    vcpus: 128,
    memoryMiB: 524288,
    processor: 'Intel Xeon Platinum 8375C',
    architecture: 'x86_64',
    hypervisor: 'nitro',
  },
  {
    id: 'c5',
    instanceFamilies: ['c5'],
    vcpus: 96,
    memoryMiB: 196608,
    processor: 'Intel Xeon Platinum 8275L',
    architecture: 'x86_64',
    hypervisor: 'nitro',
  },
  {
    id: 'c6i',
    instanceFamilies: ['c6i'],
    vcpus: 128,
    memoryMiB: 262144,
    processor: 'Intel Xeon Platinum 8375C',
    architecture: 'x86_64',
    hypervisor: 'nitro',
  },
  {
    id: 'r5',
    instanceFamilies: ['r5'],
    vcpus: 96,
    memoryMiB: 786432,
    processor: 'Intel Xeon Platinum 8175M',
    architecture: 'x86_64',
    hypervisor: 'nitro',
  },
  {
    id: 'r6i',
    instanceFamilies: ['r6i'],
    vcpus: 128,
    memoryMiB: 1048576,
    processor: 'Intel Xeon Platinum 8375C',
    architecture: 'x86_64',
    hypervisor: 'nitro',
  },
  {
    id: 't3',
    instanceFamilies: ['t3'],
    vcpus: 96,
    memoryMiB: 393216,
    processor: 'Intel Xeon Platinum 8259CL',
    architecture: 'x86_64',
    hypervisor: 'nitro',
  },
  {
    id: 't3a',
    instanceFamilies: ['t3a'],
    vcpus: 96,
    memoryMiB: 393216,
    processor: 'AMD EPYC 7571',
    architecture: 'x86_64',
    hypervisor: 'nitro',
  },
  {
    id: 't4g',
    instanceFamilies: ['t4g'],
    vcpus: 64,
    memoryMiB: 262144,
    processor: 'AWS Graviton2',
    architecture: 'arm64',
    hypervisor: 'nitro',
  },
  {
    id: 'm7g',
    instanceFamilies: ['m7g'],
    vcpus: 64,
    memoryMiB: 262144,
    processor: 'AWS Graviton3',
    architecture: 'arm64',
    hypervisor: 'nitro',
  },
  {
    id: 't2',
    instanceFamilies: ['t2'],
    vcpus: 64,
    memoryMiB: 262144,
    processor: 'Intel Xeon E5-2686 v4',
    architecture: 'x86_64',
    hypervisor: 'xen',
  },
];

export interface Host {
  hostId: string;
  region: string;
  availabilityZone: string;
  zoneId: string;
  family: HostFamily;
  /** 1-based number of this host within its family and zone. */
  index: number;
}

export type HostState = 'available' | 'failed';

export interface Placement {
  vmId: string;
  hostId: string;
  account: string;
  instanceType: string;
  vcpus: number;
  memoryMiB: number;
}

export interface HostUsage {
  host: Host;
  state: HostState;
  reason: string | null;
  usedVcpus: number;
  usedMemoryMiB: number;
  placements: Placement[];
}

/** How full a host is, without the list of what runs on it. */
export interface HostLoad {
  host: Host;
  state: HostState;
  usedVcpus: number;
  usedMemoryMiB: number;
}

export interface PlacementRequest {
  vmId: string;
  account: string;
  availabilityZone: string;
  type: InstanceTypeInfo;
  /** Hosts this VM must not share (spread placement groups, other partitions). */
  avoidHosts?: ReadonlySet<string>;
  /** Hosts this VM should share if it can (cluster placement groups, its own partition). */
  preferHosts?: ReadonlySet<string>;
  /**
   * Among the preferred hosts, fill the busiest one that fits instead of the emptiest, so a
   * group stays on as few hosts as possible.
   */
  pack?: boolean;
  /** The error to answer when no host fits, for callers whose rules AWS words differently. */
  noRoom?: () => AwsError;
}

export const hypervisorMigrations: Migration[] = [
  {
    id: 'infra/001-hypervisor',
    up: (tx) => {
      tx.run(`CREATE TABLE infra_placements (
        vm_id TEXT PRIMARY KEY,
        host_id TEXT NOT NULL,
        account TEXT NOT NULL,
        instance_type TEXT NOT NULL,
        vcpus INTEGER NOT NULL,
        memory_mib INTEGER NOT NULL)`);
      tx.run('CREATE INDEX infra_placements_host ON infra_placements (host_id)');
      tx.run(`CREATE TABLE infra_host_failures (
        host_id TEXT PRIMARY KEY,
        reason TEXT NOT NULL,
        since INTEGER NOT NULL)`);
    },
  },
];

interface PlacementRow {
  vm_id: string;
  host_id: string;
  account: string;
  instance_type: string;
  vcpus: number;
  memory_mib: number;
}

function placementOf(r: PlacementRow): Placement {
  return {
    vmId: r.vm_id,
    hostId: r.host_id,
    account: r.account,
    instanceType: r.instance_type,
    vcpus: r.vcpus,
    memoryMiB: r.memory_mib,
  };
}

export class Hypervisor {
  private readonly zoneHosts = new Map<string, Host[]>();
  private hostIndex: Map<string, Host> | null = null;

  constructor(
    private readonly store: Store,
    private readonly catalogue: Catalogue,
    private readonly clock: SimClock,
    private readonly events: EventBus,
    private readonly settings: Settings,
  ) {}

  /** How many hosts of each family every Availability Zone has. */
  get hostsPerFamily(): number {
    return this.settings.get<number>(HOSTS_SETTING) ?? DEFAULT_HOSTS_PER_FAMILY;
  }

  /**
   * Grow or shrink the fleet. Hosts are added or removed at the end of each family, so a
   * shrink that would take away a host with VMs on it is refused.
   */
  async setHostsPerFamily(count: number): Promise<void> {
    if (!Number.isInteger(count) || count < 1 || count > MAX_HOSTS_PER_FAMILY) {
      throw new AwsError(
        'ValidationException',
        `Hosts per family must be a whole number from 1 to ${MAX_HOSTS_PER_FAMILY}.`,
      );
    }
    const busy = Math.max(
      0,
      ...this.store
        .all<{ host_id: string }>('SELECT DISTINCT host_id FROM infra_placements')
        .map((r) => this.host(r.host_id)?.index ?? 0),
    );
    if (busy > count) {
      throw new AwsError(
        'ValidationException',
        `Instances still run on host number ${busy} of their family; stop them or keep at least ${busy} hosts per family.`,
      );
    }
    await this.settings.set(HOSTS_SETTING, count);
    this.zoneHosts.clear();
    this.hostIndex = null;
    this.events.publish({
      topic: 'infra.hosts.resized',
      at: this.clock.now(),
      data: { hostsPerFamily: count },
    });
  }

  familyOf(instanceType: string): HostFamily | undefined {
    const family = instanceType.split('.')[0]!;
    return HOST_FAMILIES.find((f) => f.instanceFamilies.includes(family));
  }

  /** The hosts of an Availability Zone (the same fleet every run). */
  hostsIn(availabilityZone: string): Host[] {
    let hosts = this.zoneHosts.get(availabilityZone);
    if (!hosts) {
      const found = this.catalogue.zone(availabilityZone);
      hosts = [];
      if (found && found.zone.type === 'availability-zone') {
        for (const family of HOST_FAMILIES) {
          for (let index = 1; index <= this.hostsPerFamily; index++) {
            const digest = createHash('sha256')
              .update(`host/${found.zone.id}/${family.id}/${index}`)
              .digest('hex');
            hosts.push({
              hostId: `h-0${digest.slice(0, 16)}`,
              region: found.region.code,
              availabilityZone,
              zoneId: found.zone.id,
              family,
              index,
            });
          }
        }
      }
      this.zoneHosts.set(availabilityZone, hosts);
    }
    return hosts;
  }

  host(hostId: string): Host | undefined {
    if (!this.hostIndex) {
      this.hostIndex = new Map();
      for (const region of this.catalogue.regions) {
        for (const zone of region.zones)
          for (const h of this.hostsIn(zone.name)) this.hostIndex.set(h.hostId, h);
      }
    }
    return this.hostIndex.get(hostId);
  }

  private failures(): Map<string, { reason: string; since: number }> {
    return new Map(
      this.store
        .all<{ host_id: string; reason: string; since: number }>(
          'SELECT host_id, reason, since FROM infra_host_failures',
        )
        .map((r) => [r.host_id, { reason: r.reason, since: r.since }]),
    );
  }

  /** Every failed host, for callers that check many VMs at once. */
  failedHostIds(): Set<string> {
    return new Set(this.failures().keys());
  }

  hostState(hostId: string): HostState {
    return this.store.get('SELECT 1 AS x FROM infra_host_failures WHERE host_id = ?', [hostId])
      ? 'failed'
      : 'available';
  }

  /** How many of a zone's hosts are down: an AZ is impaired only when all of them are. */
  zoneHealth(availabilityZone: string): { hosts: number; failed: number } {
    const hosts = this.hostsIn(availabilityZone);
    const failures = this.failures();
    return { hosts: hosts.length, failed: hosts.filter((h) => failures.has(h.hostId)).length };
  }

  /** Every host of a zone with what runs on it. */
  usage(availabilityZone: string): HostUsage[] {
    const hosts = this.hostsIn(availabilityZone);
    const failures = this.failures();
    const byHost = new Map<string, Placement[]>();
    if (hosts.length > 0) {
      const rows = this.store.all<PlacementRow>(
        `SELECT * FROM infra_placements WHERE host_id IN (${hosts.map(() => '?').join(',')}) ORDER BY rowid`,
        hosts.map((h) => h.hostId),
      );
      for (const r of rows) {
        let list = byHost.get(r.host_id);
        if (!list) byHost.set(r.host_id, (list = []));
        list.push(placementOf(r));
      }
    }
    return hosts.map((host) => {
      const placements = byHost.get(host.hostId) ?? [];
      const failure = failures.get(host.hostId);
      return {
        host,
        state: failure ? 'failed' : 'available',
        reason: failure?.reason ?? null,
        usedVcpus: placements.reduce((n, p) => n + p.vcpus, 0),
        usedMemoryMiB: placements.reduce((n, p) => n + p.memoryMiB, 0),
        placements,
      };
    });
  }

  /**
   * What placing a VM needs: how full each host of one family in the zone is. Summed in SQL, so
   * a launch stays cheap with thousands of VMs (the full `usage` is for the data-centre view).
   */
  private load(availabilityZone: string, family: HostFamily | undefined): HostLoad[] {
    if (!family) return [];
    const hosts = this.hostsIn(availabilityZone).filter((h) => h.family.id === family.id);
    if (hosts.length === 0) return [];
    const failures = this.failures();
    const sums = new Map(
      this.store
        .all<{ host_id: string; v: number; m: number }>(
          `SELECT host_id, SUM(vcpus) AS v, SUM(memory_mib) AS m FROM infra_placements
           WHERE host_id IN (${hosts.map(() => '?').join(',')}) GROUP BY host_id`,
          hosts.map((h) => h.hostId),
        )
        .map((r) => [r.host_id, r]),
    );
    return hosts.map((host) => ({
      host,
      state: failures.has(host.hostId) ? 'failed' : 'available',
      usedVcpus: sums.get(host.hostId)?.v ?? 0,
      usedMemoryMiB: sums.get(host.hostId)?.m ?? 0,
    }));
  }

  placementOf(vmId: string): Placement | undefined {
    const r = this.store.get<PlacementRow>('SELECT * FROM infra_placements WHERE vm_id = ?', [vmId]);
    return r ? placementOf(r) : undefined;
  }

  /**
   * Reserve room for a VM on a host of the right family in the zone, spreading VMs across
   * hosts unless the request keeps it off some hosts or draws it to others (placement groups).
   * Throws EC2's InsufficientInstanceCapacity (or the request's own error) when no host has room.
   */
  place(tx: Tx, request: PlacementRequest): Host {
    const family = this.familyOf(request.type.type);
    const candidates = this.load(request.availabilityZone, family).filter(
      (u) =>
        u.state === 'available' &&
        !request.avoidHosts?.has(u.host.hostId) &&
        u.usedVcpus + request.type.vcpus <= u.host.family.vcpus &&
        u.usedMemoryMiB + request.type.memoryMiB <= u.host.family.memoryMiB,
    );
    if (candidates.length === 0) throw request.noRoom?.() ?? this.insufficientCapacity(request);
    const preferred = candidates.filter((c) => request.preferHosts?.has(c.host.hostId));
    const free = (u: HostLoad) => u.host.family.vcpus - u.usedVcpus;
    // Spread: the host with the most free vCPUs takes the VM (ties: the lowest index). A packed
    // group fills its own busiest host first; a new host it opens is the emptiest, to grow into.
    const chosen =
      preferred.length > 0 && request.pack
        ? preferred.reduce((best, c) => (free(c) < free(best) ? c : best))
        : (preferred.length > 0 ? preferred : candidates).reduce((best, c) =>
            free(c) > free(best) ? c : best,
          );
    tx.run(
      'INSERT OR REPLACE INTO infra_placements (vm_id, host_id, account, instance_type, vcpus, memory_mib) VALUES (?, ?, ?, ?, ?, ?)',
      [
        request.vmId,
        chosen.host.hostId,
        request.account,
        request.type.type,
        request.type.vcpus,
        request.type.memoryMiB,
      ],
    );
    return chosen.host;
  }

  release(tx: Tx, vmId: string): void {
    tx.run('DELETE FROM infra_placements WHERE vm_id = ?', [vmId]);
  }

  private insufficientCapacity(request: PlacementRequest): AwsError {
    const type = request.type.type;
    const zone = request.availabilityZone;
    const region = this.catalogue.zone(zone)?.region.code ?? '';
    const others = this.catalogue
      .availabilityZones(region)
      .map((z) => z.name)
      .filter((name) => name !== zone && this.hasRoom(name, request.type));
    const advice =
      others.length > 0
        ? ` You can currently get ${type} capacity by not specifying an Availability Zone in your request or choosing ${others.join(', ')}.`
        : '';
    return new AwsError(
      'InsufficientInstanceCapacity',
      `We currently do not have sufficient ${type} capacity in the Availability Zone you requested (${zone}). Our system will be working on provisioning additional capacity.${advice}`,
      { status: 500 },
    );
  }

  /** Could a VM of this type be placed in the zone right now? */
  hasRoom(availabilityZone: string, type: InstanceTypeInfo): boolean {
    return this.load(availabilityZone, this.familyOf(type.type)).some(
      (u) =>
        u.state === 'available' &&
        u.usedVcpus + type.vcpus <= u.host.family.vcpus &&
        u.usedMemoryMiB + type.memoryMiB <= u.host.family.memoryMiB,
    );
  }

  /** Fail hosts (a host, or every host of a zone); their VMs lose their system status. */
  async fail(hostIds: string[], reason: string): Promise<void> {
    const now = this.clock.now();
    await this.store.write((tx) => {
      for (const id of hostIds) {
        tx.run('INSERT OR REPLACE INTO infra_host_failures (host_id, reason, since) VALUES (?, ?, ?)', [
          id,
          reason,
          now,
        ]);
      }
    });
    this.events.publish({ topic: 'infra.hosts.failed', at: now, data: { hostIds, reason } });
  }

  async restore(hostIds: string[]): Promise<void> {
    await this.store.write((tx) => {
      for (const id of hostIds) tx.run('DELETE FROM infra_host_failures WHERE host_id = ?', [id]);
    });
    this.events.publish({ topic: 'infra.hosts.restored', at: this.clock.now(), data: { hostIds } });
  }

  /** Placements on the given hosts (to find the VMs a failure touches). */
  placementsOn(hostIds: string[]): Placement[] {
    if (hostIds.length === 0) return [];
    return this.store
      .all<PlacementRow>(
        `SELECT * FROM infra_placements WHERE host_id IN (${hostIds.map(() => '?').join(',')})`,
        hostIds,
      )
      .map(placementOf);
  }
}
