/**
 * What the console knows about the lab: host info, the region catalogue, which opt-in regions
 * the account enabled (from EC2 DescribeRegions, like any client would ask), the selected
 * region, and whether the connection is up.
 */
import type { ConsoleCatalogue, LabInfo, RegionSummary } from '../../../electron/contract/console-api';
import { aws, lab, onEvent } from './api';
import { router } from './router.svelte';

const REGION_KEY = 'cloudlab.region';

export class Session {
  info = $state<LabInfo | null>(null);
  catalogue = $state<ConsoleCatalogue | null>(null);
  /** Region code → opt-in-not-required | opted-in | not-opted-in. */
  optIn = $state<Record<string, string>>({});
  connected = $state(true);
  loadError = $state<string | null>(null);
  private storedRegion = $state(localStorage.getItem(REGION_KEY) ?? 'us-east-1');

  region = $derived(router.query.region ?? this.storedRegion);
  regionInfo = $derived<RegionSummary | undefined>(
    this.catalogue?.regions.find((r) => r.code === this.region),
  );

  constructor() {
    onEvent('transport.status', ({ connected }) => {
      this.connected = connected;
      if (connected) void this.load();
    });
    onEvent('cloud.event', (e) => {
      if (e.topic === 'account.regions.changed') void this.refreshOptIn();
    });
  }

  async load(): Promise<void> {
    try {
      const [info, catalogue] = await Promise.all([lab('lab.info', null), lab('lab.catalogue', null)]);
      this.info = info;
      this.catalogue = catalogue;
      this.loadError = null;
      await this.refreshOptIn();
    } catch (e) {
      this.loadError = (e as Error).message;
    }
  }

  async refreshOptIn(): Promise<void> {
    const result = await aws('ec2', 'DescribeRegions', 'us-east-1', { AllRegions: true });
    this.optIn = Object.fromEntries((result.Regions ?? []).map((r) => [r.RegionName!, r.OptInStatus!]));
  }

  isEnabled(code: string): boolean {
    const status = this.optIn[code];
    return status === undefined || status !== 'not-opted-in';
  }

  setRegion(code: string): void {
    this.storedRegion = code;
    localStorage.setItem(REGION_KEY, code);
    router.setQuery({ region: code }, ['view']);
  }
}

export const session = new Session();
