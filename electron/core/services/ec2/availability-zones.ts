/** DescribeAvailabilityZones: the zones of the request's region, with their zone IDs. */
import type {
  AvailabilityZone,
  DescribeAvailabilityZonesRequest,
  DescribeAvailabilityZonesResult,
} from '@aws-sdk/client-ec2';
import { AwsError } from '../../kernel/errors';
import type { ZoneInfo } from '../../infra/catalogue';
import type { OperationContext } from '../../service';
import { checkDryRun } from './dry-run';
import { applyFilters } from './filters';

export function describeAvailabilityZones(
  ctx: OperationContext,
  input: DescribeAvailabilityZonesRequest,
): DescribeAvailabilityZonesResult {
  const region = ctx.region;
  const zones = region.zones;
  const byName = new Map(zones.map((z) => [z.name, z]));
  const byId = new Map(zones.map((z) => [z.id, z]));
  const unknown = [
    ...(input.ZoneNames ?? []).filter((n) => !byName.has(n)),
    ...(input.ZoneIds ?? []).filter((n) => !byId.has(n)),
  ];
  if (unknown.length > 0) {
    throw new AwsError('InvalidParameterValue', `Invalid availability zone: [${unknown.join(', ')}]`);
  }
  checkDryRun(input);
  const named = input.ZoneNames?.length || input.ZoneIds?.length;
  const wanted = (z: ZoneInfo) =>
    named ? input.ZoneNames?.includes(z.name) || input.ZoneIds?.includes(z.id) : true;
  // Local and Wavelength Zones need opting in; they are listed only when asked for.
  const listed = zones.filter(
    (z) => wanted(z) && (named || input.AllAvailabilityZones || z.type === 'availability-zone'),
  );
  const result: AvailabilityZone[] = listed.map((z) => {
    const parent = z.parent ? byName.get(z.parent) : undefined;
    const isAz = z.type === 'availability-zone';
    // A whole-zone failure (injected from the lab) shows here as AWS shows an outage: the
    // zone is "impaired" with a message. One failed host does not make a zone impaired.
    const health = isAz ? ctx.cloud.hypervisor.zoneHealth(z.name) : { hosts: 0, failed: 0 };
    const impaired = health.hosts > 0 && health.failed === health.hosts;
    return {
      State: impaired ? 'impaired' : 'available',
      OptInStatus: isAz ? 'opt-in-not-required' : 'not-opted-in',
      Messages: impaired ? [{ Message: 'This Availability Zone is impaired: its hosts lost power.' }] : [],
      RegionName: region.code,
      ZoneName: z.name,
      ZoneId: z.id,
      GroupName: isAz ? `${region.code}-zg-1` : (z.group ?? z.name),
      NetworkBorderGroup: isAz ? region.code : (z.group ?? z.name),
      ZoneType: z.type,
      ...(parent ? { ParentZoneName: parent.name, ParentZoneId: parent.id } : {}),
    };
  });
  return {
    AvailabilityZones: applyFilters(result, input.Filters, {
      'group-name': (z) => z.GroupName,
      message: (z) => z.Messages?.map((m) => m.Message),
      'opt-in-status': (z) => z.OptInStatus,
      'parent-zone-id': (z) => z.ParentZoneId,
      'parent-zone-name': (z) => z.ParentZoneName,
      'region-name': (z) => z.RegionName,
      state: (z) => z.State,
      'zone-id': (z) => z.ZoneId,
      'zone-name': (z) => z.ZoneName,
      'zone-type': (z) => z.ZoneType,
    }),
  };
}
