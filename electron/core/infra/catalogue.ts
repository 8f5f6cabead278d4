/**
 * The global infrastructure catalogue: regions with their Availability Zones (and a few Local
 * Zones), CloudFront edge locations for the map, instance types and the AMI catalogue. It is
 * read-only data shipped in `resources/catalogue/`, loaded once at start-up.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type ZoneType = 'availability-zone' | 'local-zone' | 'wavelength-zone';

export interface ZoneInfo {
  name: string;
  id: string;
  type: ZoneType;
  /** Zone group for Local and Wavelength Zones, e.g. us-east-1-bos-1. */
  group?: string;
  /** Name of the parent Availability Zone of a Local or Wavelength Zone. */
  parent?: string;
  city?: string;
}

export interface RegionInfo {
  code: string;
  name: string;
  /** The heading the console's region menu puts it under. */
  group: string;
  city: string;
  country: string;
  latitude: number;
  longitude: number;
  optIn: boolean;
  launched: string;
  zones: ZoneInfo[];
}

export interface EdgeLocation {
  code: string;
  city: string;
  country: string;
  latitude: number;
  longitude: number;
}

export interface InstanceTypeInfo {
  type: string;
  family: string;
  vcpus: number;
  cores: number;
  threadsPerCore: number;
  memoryMiB: number;
  architectures: string[];
  processor: string;
  manufacturer: string;
  clockGhz: number;
  networkPerformance: string;
  maxEnis: number;
  ipv4PerEni: number;
  ipv6PerEni: number;
  hypervisor: 'nitro' | 'xen' | null;
  burstable: boolean;
  baselineCpuPercent?: number;
  freeTier: boolean;
  ebsOptimizedByDefault: boolean;
  bareMetal: boolean;
  currentGeneration: boolean;
  onDemandUsdPerHour: number;
}

export interface ImageInfo {
  key: string;
  name: string;
  description: string;
  platformDetails: string;
  os: string;
  osVersion: string;
  osPrettyName: string;
  architecture: string;
  ownerId: string;
  ownerAlias: string | null;
  defaultUser: string;
  rootDeviceName: string;
  rootVolumeGiB: number;
  volumeType: string;
  virtualizationType: string;
  enaSupport: boolean;
  bootMode: string | null;
  imdsSupport?: string | null;
  creationDate: string;
  packageManager: string;
  ssmParameter?: string;
  freeTierEligible: boolean;
}

/** A catalogue image as it exists in one Region: AMI IDs differ from Region to Region. */
export interface RegionalImage extends ImageInfo {
  imageId: string;
  region: string;
}

function readJson<T>(dir: string, file: string): T {
  return JSON.parse(readFileSync(join(dir, 'catalogue', file), 'utf8')) as T;
}

export class Catalogue {
  private readonly byCode: Map<string, RegionInfo>;
  private readonly zoneByName = new Map<string, { region: RegionInfo; zone: ZoneInfo }>();
  private _edges: EdgeLocation[] | null = null;
  private _types: InstanceTypeInfo[] | null = null;
  private _images: ImageInfo[] | null = null;

  private constructor(
    readonly regions: RegionInfo[],
    private readonly resourcesDir: string,
  ) {
    this.byCode = new Map(regions.map((r) => [r.code, r]));
    for (const region of regions)
      for (const zone of region.zones) this.zoneByName.set(zone.name, { region, zone });
  }

  static load(resourcesDir: string): Catalogue {
    const { regions } = readJson<{ regions: RegionInfo[] }>(resourcesDir, 'regions.json');
    return new Catalogue(regions, resourcesDir);
  }

  region(code: string): RegionInfo | undefined {
    return this.byCode.get(code);
  }

  zone(name: string): { region: RegionInfo; zone: ZoneInfo } | undefined {
    return this.zoneByName.get(name);
  }

  /** The Availability Zones proper (not Local or Wavelength Zones) of a region. */
  availabilityZones(code: string): ZoneInfo[] {
    return this.region(code)?.zones.filter((z) => z.type === 'availability-zone') ?? [];
  }

  get edgeLocations(): EdgeLocation[] {
    this._edges ??= readJson<{ locations: EdgeLocation[] }>(
      this.resourcesDir,
      'edge-locations.json',
    ).locations;
    return this._edges;
  }

  get instanceTypes(): InstanceTypeInfo[] {
    this._types ??= readJson<{ instanceTypes: InstanceTypeInfo[] }>(
      this.resourcesDir,
      'instance-types.json',
    ).instanceTypes;
    return this._types;
  }

  get images(): ImageInfo[] {
    this._images ??= readJson<{ images: ImageInfo[] }>(this.resourcesDir, 'amis.json').images;
    return this._images;
  }

  /**
   * The AMI catalogue of one Region. Each image gets an ID derived from its name and the
   * Region, so IDs differ between Regions (as on AWS) and never change between runs.
   */
  imagesIn(region: string): RegionalImage[] {
    if (!this.byCode.has(region)) return [];
    return this.images.map((image) => ({
      ...image,
      region,
      imageId: `ami-0${createHash('sha256').update(`${region}/${image.name}`).digest('hex').slice(0, 16)}`,
    }));
  }
}
