/**
 * The simulated cloud: the kernel (store, clock, IDs, events, accounts, settings), the
 * infrastructure catalogue and the services, opened on one workspace. Cloud.invoke() is the
 * single door to every operation; the gateway, the Electron IPC bridge and the console's
 * WebSocket are adapters in front of it.
 */
import { Catalogue } from './infra/catalogue';
import { Accounts, accountMigrations, type Principal } from './kernel/accounts';
import { DETERMINISTIC_EPOCH, SimClock, type ClockState } from './kernel/clock';
import { AwsError, isAwsError, notImplemented, WorkspaceError } from './kernel/errors';
import { EventBus } from './kernel/events';
import { Ids, idMigrations } from './kernel/ids';
import { SessionKeys } from './kernel/session-keys';
import { Settings, settingsMigrations } from './kernel/settings';
import type { SyncPolicy } from './kernel/journal';
import { Store, type CheckpointPolicy } from './kernel/store';
import { Hypervisor, hypervisorMigrations } from './infra/hypervisor';
import { OS_BLOB_COLUMNS, OsRuntime, osMigrations } from './os/os-runtime';
import type { CallSource, OperationContext, ServiceDefinition, ServiceRuntime } from './service';
import { services as allServices } from './services';

/** Operations that only read: they publish no change event. */
const READ_ONLY = /^(Describe|Get|List|Head|Search|Query|Scan|BatchGet|Lookup)/;
export interface CloudOptions {
  /** Workspace directory, or null for an in-memory cloud. */
  dataDir: string | null;
  /** Where `catalogue/` and `models/` live. */
  resourcesDir: string;
  /** Deterministic mode: seeded IDs and a clock starting at a fixed instant. */
  seed?: string | null;
  recover?: boolean;
  checkpoint?: Partial<CheckpointPolicy>;
  /** When writes reach the disk itself (see journal.ts); default 'interval'. */
  sync?: SyncPolicy;
  realNow?: () => number;
}

export interface InvokeRequest {
  service: string;
  operation: string;
  input: unknown;
  region: string;
  principal: Principal;
  source: CallSource;
  requestId?: string;
}

export type ServiceStatus = 'running' | 'not-implemented';

export interface CloudHealth {
  status: 'ok';
  services: Record<string, ServiceStatus>;
}

interface WorkspaceInfo {
  createdAt: number;
  seed: string | null;
}

interface PersistedClock {
  /** Simulated minus real milliseconds when saved. */
  offset: number;
  speed: number;
  paused: boolean;
}

export class Cloud {
  readonly services: ReadonlyMap<string, ServiceDefinition>;
  readonly hypervisor: Hypervisor;
  private readonly runtimes = new Map<string, ServiceRuntime>();
  /** The operating systems of instances and workstations (made once the services run). */
  os!: OsRuntime;
  private unsubscribeClock: () => void = () => undefined;
  /**
   * The AWS endpoint's URL while the host listens on one (`http://127.0.0.1:4566`): Lambda
   * functions' SDKs call it, and GetFunction's code download URLs point at it.
   */
  endpoint: string | null = null;
  /** Temporary credentials for assumed roles (instance profiles, Lambda execution roles). */
  readonly sessionKeys: SessionKeys;

  private constructor(
    readonly store: Store,
    readonly clock: SimClock,
    readonly ids: Ids,
    readonly events: EventBus,
    readonly accounts: Accounts,
    readonly settings: Settings,
    readonly catalogue: Catalogue,
    readonly workspace: WorkspaceInfo,
  ) {
    this.services = new Map(allServices.map((s) => [s.name, s]));
    this.hypervisor = new Hypervisor(store, catalogue, clock, events, settings);
    this.sessionKeys = new SessionKeys(ids, accounts);
  }

  static async open(options: CloudOptions): Promise<Cloud> {
    const catalogue = Catalogue.load(options.resourcesDir);
    const store = await Store.open({
      dir: options.dataDir,
      recover: options.recover,
      checkpoint: options.checkpoint,
      ...(options.sync ? { sync: options.sync } : {}),
    });
    try {
      await store.migrate([
        ...accountMigrations,
        ...idMigrations,
        ...settingsMigrations,
        ...hypervisorMigrations,
        ...allServices.flatMap((s) => s.migrations ?? []),
        ...osMigrations,
      ]);
      const settings = new Settings(store);
      const realNow = options.realNow ?? Date.now;
      const seed = options.seed ?? null;
      let workspace = settings.get<WorkspaceInfo>('workspace');
      if (!workspace) {
        workspace = { createdAt: seed !== null ? DETERMINISTIC_EPOCH : realNow(), seed };
        await settings.set('workspace', workspace);
      } else if (options.seed !== undefined && options.seed !== null && workspace.seed !== options.seed) {
        throw new WorkspaceError(
          workspace.seed === null
            ? `This workspace was created without --seed, so it cannot become deterministic. Use a new --data directory for --seed ${options.seed}.`
            : `This workspace was created with --seed ${workspace.seed}, not ${options.seed}. Use a new --data directory.`,
        );
      }
      const saved = settings.get<PersistedClock>('clock');
      const now = realNow();
      const clock = new SimClock(
        saved
          ? { simAnchor: now + saved.offset, realAnchor: now, speed: saved.speed, paused: saved.paused }
          : { simAnchor: workspace.seed !== null ? DETERMINISTIC_EPOCH : now, realAnchor: now },
        realNow,
      );
      const cloud = new Cloud(
        store,
        clock,
        new Ids(workspace.seed),
        new EventBus(),
        new Accounts(store),
        settings,
        catalogue,
        workspace,
      );
      if (!saved && workspace.seed !== null) await cloud.saveClock();
      for (const service of allServices) {
        if (service.runtime) cloud.runtimes.set(service.name, service.runtime(cloud));
      }
      cloud.os = new OsRuntime(cloud);
      cloud.collectBlobs([...allServices.flatMap((s) => s.blobColumns ?? []), ...OS_BLOB_COLUMNS]);
      cloud.unsubscribeClock = clock.onChange((state) => {
        void cloud.saveClock();
        cloud.events.publish({ topic: 'clock.changed', at: clock.now(), data: state });
      });
      return cloud;
    } catch (e) {
      await store.close();
      throw e;
    }
  }

  /**
   * Delete bodies no row refers to (objects overwritten or deleted, parts of aborted uploads),
   * in the background: what is referenced is read now, and only files older than now can go.
   */
  private collectBlobs(columns: string[]): void {
    const blobs = this.store.blobs;
    if (!blobs) return;
    const referenced = new Set<string>();
    for (const column of columns) {
      const [table, name] = column.split('.') as [string, string];
      for (const row of this.store.all<{ h: string | null }>(`SELECT DISTINCT ${name} AS h FROM ${table}`))
        if (row.h) referenced.add(row.h);
    }
    const started = Date.now();
    this.blobCollection = blobs.collect((hash) => referenced.has(hash), started).catch(() => 0);
  }

  /** The start-up collection of unreferenced bodies (tests wait on it). */
  blobCollection: Promise<number> = Promise.resolve(0);

  /** A service's per-cloud state (see ServiceDefinition.runtime). */
  runtime<T extends ServiceRuntime>(service: string): T {
    const runtime = this.runtimes.get(service);
    if (!runtime) throw new Error(`service ${service} has no runtime`);
    return runtime as T;
  }

  /** Run one operation. Every adapter calls this and nothing else. */
  async invoke(request: InvokeRequest): Promise<unknown> {
    const service = this.services.get(request.service);
    if (!service) throw new AwsError('UnknownService', `Cloud Lab has no service named ${request.service}.`);
    const region = this.catalogue.region(request.region);
    if (!region) throw new AwsError('InvalidRegion', `Cloud Lab does not know the region ${request.region}.`);
    const operation = (service.operations as Record<string, unknown>)[request.operation];
    if (typeof operation !== 'function') throw notImplemented(service.title, request.operation);
    const ctx: OperationContext = {
      cloud: this,
      principal: request.principal,
      region,
      requestId: request.requestId ?? this.ids.requestId(),
      source: request.source,
    };
    try {
      const result = await (operation as (ctx: OperationContext, input: unknown) => unknown)(
        ctx,
        request.input ?? {},
      );
      // Any change, from the CLI, an SDK or the console, tells open consoles to look again.
      if (!READ_ONLY.test(request.operation)) {
        this.events.publish({
          topic: `${service.name}.api.${request.operation}`,
          account: request.principal.accountId,
          region: region.code,
          at: this.clock.now(),
        });
      }
      return result;
    } catch (e) {
      if (isAwsError(e)) throw e;
      // A bug in Cloud Lab, not the caller's fault: say so as AWS would, keep the detail.
      const err = new AwsError(
        'InternalFailure',
        `Cloud Lab failed while running ${request.operation}: ${(e as Error).message}`,
        {
          status: 500,
        },
      );
      err.cause = e;
      throw err;
    }
  }

  health(): CloudHealth {
    const services: Record<string, ServiceStatus> = {};
    for (const s of this.services.values()) {
      services[s.name] = Object.keys(s.operations).length > 0 ? 'running' : 'not-implemented';
    }
    return { status: 'ok', services };
  }

  /** Change the simulated clock (console settings, lab scripts). */
  setClock(change: { speed?: number; paused?: boolean; advanceMs?: number }): ClockState {
    if (change.speed !== undefined) this.clock.setSpeed(change.speed);
    if (change.paused === true) this.clock.pause();
    if (change.paused === false) this.clock.resume();
    if (change.advanceMs !== undefined) this.clock.advance(change.advanceMs);
    return this.clock.snapshot();
  }

  private async saveClock(): Promise<void> {
    const s = this.clock.snapshot();
    await this.settings
      .set('clock', {
        offset: s.simAnchor - s.realAnchor,
        speed: s.speed,
        paused: s.paused,
      } satisfies PersistedClock)
      .catch(() => undefined);
  }

  async close(): Promise<void> {
    this.unsubscribeClock();
    // Services first: their background work (health checkers, pollers) may still reach machines.
    for (const runtime of this.runtimes.values()) await runtime.close?.();
    await this.os.close();
    if (this.settings.get('clock')) await this.saveClock();
    this.clock.dispose();
    await this.store.close();
  }
}
