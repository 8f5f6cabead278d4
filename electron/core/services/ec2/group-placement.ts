/**
 * What a placement group's strategy means on the hypervisor. EC2 decides which hosts an
 * instance of the group may or should share; the hypervisor honours that when it places it:
 *
 * - cluster: one Availability Zone (where the group's running instances are), on as few hosts
 *   as possible — the hosts already holding the group first;
 * - spread: every running instance on its own host, at most seven per Availability Zone
 *   (the lab has no racks, so the host and rack spread levels both mean a distinct host);
 * - partition: every instance in a partition (1..PartitionCount); partitions never share a
 *   host, instances of one partition keep together.
 *
 * RunInstances and StartInstances both come here, so a restarted instance obeys the same rules.
 */
import type * as EC2 from '@aws-sdk/client-ec2';
import type { PlacementRequest } from '../../infra/hypervisor';
import { errors } from './errors';
import { findPlacementGroup, getPlacementGroupById, groupMembers } from './placement-groups';
import type { InstanceRecord, PlacementGroupRecord } from './records';
import type { Ec2Scope } from './runtime';

/** AWS: a (rack) spread placement group runs at most seven instances per Availability Zone. */
export const SPREAD_LIMIT_PER_ZONE = 7;

export interface LaunchGroup {
  group: PlacementGroupRecord;
  /** The partition RunInstances asked for; without one, EC2 balances the partitions. */
  partitionNumber?: number;
}

/** The group a RunInstances Placement names (by name or ID), checked as EC2 checks it. */
export function launchGroup(e: Ec2Scope, placement: EC2.Placement | undefined): LaunchGroup | undefined {
  const name = placement?.GroupName || undefined;
  const id = placement?.GroupId || undefined;
  const partition = placement?.PartitionNumber;
  if (!name && !id) {
    if (partition !== undefined) {
      throw errors.invalidValue('A partition number can only be specified with a partition placement group.');
    }
    return undefined;
  }
  const byName = name ? findPlacementGroup(e, name) : undefined;
  if (name && !byName) throw errors.placementGroupUnknown(name);
  const byId = id ? getPlacementGroupById(e, id) : undefined;
  if (id && !byId) throw errors.placementGroupUnknown(id);
  if (byName && byId && byName.groupId !== byId.groupId) {
    throw errors.combination(
      `The placement group name '${name}' and the placement group ID '${id}' name different groups.`,
    );
  }
  const group = (byName ?? byId)!;
  if (partition !== undefined) {
    if (group.strategy !== 'partition') {
      throw errors.invalidValue('A partition number can only be specified with a partition placement group.');
    }
    const count = group.partitionCount!;
    if (!Number.isInteger(partition) || partition < 1 || partition > count) {
      throw errors.invalidValue(
        `Value ( ${partition} ) for parameter partitionNumber is invalid. Expecting a value between 1 and ${count}.`,
      );
    }
  }
  return { group, ...(partition !== undefined ? { partitionNumber: partition } : {}) };
}

function placedIn(members: InstanceRecord[], zone: string): InstanceRecord[] {
  return members.filter((i) => i.hostId && i.availabilityZone === zone);
}

function hostsOf(members: InstanceRecord[]): Set<string> {
  return new Set(members.map((i) => i.hostId!));
}

/** The zone a cluster group is bound to: where its running (placed) instances are, if any. */
export function clusterZone(e: Ec2Scope, group: PlacementGroupRecord): string | undefined {
  if (group.strategy !== 'cluster') return undefined;
  return groupMembers(e, group).find((i) => i.hostId)?.availabilityZone;
}

/** A cluster group lives in one zone: launching or starting elsewhere is refused. */
export function checkGroupZone(e: Ec2Scope, group: PlacementGroupRecord, zone: string): void {
  const bound = clusterZone(e, group);
  if (bound && bound !== zone) throw errors.placementGroupInOtherZone(group.groupName, bound);
}

/** Partitions are filled evenly: the emptiest in this zone, ties to the lowest number. */
function emptiestPartition(group: PlacementGroupRecord, inZone: InstanceRecord[]): number {
  const counts = Array.from(
    { length: group.partitionCount! },
    (_, i) => inZone.filter((m) => m.partitionNumber === i + 1).length,
  );
  return counts.indexOf(Math.min(...counts)) + 1;
}

export interface GroupSlot {
  /** What the hypervisor must honour for this instance. */
  constraints: Pick<PlacementRequest, 'avoidHosts' | 'preferHosts' | 'pack' | 'noRoom'>;
  /** Partition groups: the partition the instance runs in. */
  partitionNumber?: number;
}

/**
 * Where the next instance of `group` may go in `zone`. Call it inside the write that places
 * the instance, so instances placed earlier in the same call count.
 */
export function groupSlot(
  e: Ec2Scope,
  group: PlacementGroupRecord,
  zone: string,
  partitionNumber?: number,
): GroupSlot {
  checkGroupZone(e, group, zone);
  const name = group.groupName;
  const members = groupMembers(e, group);
  const placed = placedIn(members, zone);
  switch (group.strategy) {
    case 'cluster':
      return {
        constraints: { preferHosts: hostsOf(placed), pack: true, noRoom: () => errors.clusterCapacity(name) },
      };
    case 'spread':
      if (placed.length >= SPREAD_LIMIT_PER_ZONE) throw errors.spreadLimit(name, zone, SPREAD_LIMIT_PER_ZONE);
      return {
        constraints: { avoidHosts: hostsOf(placed), noRoom: () => errors.groupCapacity(name, zone) },
      };
    case 'partition': {
      const partition =
        partitionNumber ??
        emptiestPartition(
          group,
          members.filter((m) => m.availabilityZone === zone),
        );
      return {
        partitionNumber: partition,
        constraints: {
          avoidHosts: hostsOf(placed.filter((m) => m.partitionNumber !== partition)),
          preferHosts: hostsOf(placed.filter((m) => m.partitionNumber === partition)),
          pack: true,
          noRoom: () => errors.groupCapacity(name, zone),
        },
      };
    }
  }
}
