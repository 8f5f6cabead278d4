import { describe, expect, it } from 'vitest';
import { Catalogue } from '../../../electron/core/infra/catalogue';
import { RESOURCES } from '../../support/temp';

const catalogue = Catalogue.load(RESOURCES);

describe('infrastructure catalogue', () => {
  it('lists every current commercial Region with its display name and location', () => {
    expect(catalogue.regions.length).toBeGreaterThanOrEqual(30);
    expect(new Set(catalogue.regions.map((r) => r.code)).size).toBe(catalogue.regions.length);
    expect(catalogue.region('us-east-1')).toMatchObject({ name: 'US East (N. Virginia)', optIn: false });
    expect(catalogue.region('eu-west-1')?.name).toBe('Europe (Ireland)');
    expect(catalogue.region('af-south-1')?.optIn).toBe(true);
    for (const r of catalogue.regions) {
      expect(r.code).toMatch(/^[a-z]{2}-[a-z]+-\d$/);
      expect(Math.abs(r.latitude)).toBeLessThanOrEqual(90);
      expect(Math.abs(r.longitude)).toBeLessThanOrEqual(180);
      expect(r.name.length).toBeGreaterThan(3);
    }
  });

  it('has the real number of Availability Zones and real zone IDs', () => {
    const count = (code: string) => catalogue.availabilityZones(code).length;
    expect(count('us-east-1')).toBe(6);
    expect(count('us-west-2')).toBe(4);
    expect(count('us-west-1')).toBe(2);
    expect(count('ap-northeast-2')).toBe(4);
    expect(count('eu-central-1')).toBe(3);
    expect(
      catalogue
        .availabilityZones('ap-northeast-1')
        .map((z) => z.id)
        .sort(),
    ).toEqual(['apne1-az1', 'apne1-az2', 'apne1-az4']);
    const allIds = catalogue.regions.flatMap((r) => r.zones.map((z) => z.id));
    expect(new Set(allIds).size).toBe(allIds.length);
    for (const region of catalogue.regions) {
      expect(catalogue.availabilityZones(region.code).length).toBeGreaterThanOrEqual(2);
      for (const zone of region.zones) {
        expect(zone.name.startsWith(region.code)).toBe(true);
        if (zone.type === 'availability-zone') {
          expect(zone.name).toMatch(new RegExp(`^${region.code}[a-z]$`));
          expect(zone.id).toMatch(/^[a-z]+\d-az\d$/);
        } else {
          expect(zone.parent && catalogue.zone(zone.parent)?.region.code).toBe(region.code);
        }
      }
    }
  });

  it('has edge locations for the map', () => {
    expect(catalogue.edgeLocations.length).toBeGreaterThanOrEqual(50);
  });

  it('describes the required instance families with AWS values', () => {
    const families = new Set(catalogue.instanceTypes.map((t) => t.family));
    for (const f of ['t2', 't3', 't3a', 't4g', 'm5', 'm6i', 'm7g', 'c5', 'c6i', 'r5', 'r6i'])
      expect(families).toContain(f);
    const byType = new Map(catalogue.instanceTypes.map((t) => [t.type, t]));
    expect(byType.get('t2.micro')).toMatchObject({
      vcpus: 1,
      memoryMiB: 1024,
      hypervisor: 'xen',
      freeTier: true,
    });
    expect(byType.get('t3.micro')).toMatchObject({
      vcpus: 2,
      memoryMiB: 1024,
      networkPerformance: 'Up to 5 Gigabit',
    });
    expect(byType.get('m5.large')).toMatchObject({ vcpus: 2, memoryMiB: 8192, hypervisor: 'nitro' });
    expect(byType.get('c5.large')).toMatchObject({ vcpus: 2, memoryMiB: 4096 });
    expect(byType.get('r5.large')).toMatchObject({ vcpus: 2, memoryMiB: 16384 });
    expect(byType.get('t4g.small')?.architectures).toEqual(['arm64']);
    expect(byType.get('m7g.large')?.threadsPerCore).toBe(1);
  });

  it('has the AMI catalogue for each operating system and architecture', () => {
    const images = catalogue.images;
    for (const key of ['al2023', 'al2', 'ubuntu-22.04', 'ubuntu-24.04', 'debian-12']) {
      for (const arch of ['x86_64', 'arm64'])
        expect(images.find((i) => i.key === `${key}-${arch}`)).toBeDefined();
    }
    expect(images.find((i) => i.key === 'ubuntu-24.04-x86_64')).toMatchObject({
      defaultUser: 'ubuntu',
      ownerId: '099720109477',
    });
    expect(images.find((i) => i.key === 'debian-12-arm64')?.defaultUser).toBe('admin');
    expect(images.find((i) => i.key === 'al2023-x86_64')?.defaultUser).toBe('ec2-user');
  });

  it('gives each image its own AMI ID in every Region, the same on every run', () => {
    const virginia = catalogue.imagesIn('us-east-1');
    const ireland = catalogue.imagesIn('eu-west-1');
    expect(virginia).toHaveLength(catalogue.images.length);
    for (const image of virginia) expect(image.imageId).toMatch(/^ami-0[0-9a-f]{16}$/);
    expect(virginia[0]!.imageId).not.toBe(ireland[0]!.imageId);
    expect(catalogue.imagesIn('us-east-1')[0]!.imageId).toBe(virginia[0]!.imageId);
    const all = catalogue.regions.flatMap((r) => catalogue.imagesIn(r.code).map((i) => i.imageId));
    expect(new Set(all).size).toBe(all.length);
    expect(catalogue.imagesIn('xx-nowhere-1')).toEqual([]);
  });
});
