/**
 * Placement groups: CreatePlacementGroup, DescribePlacementGroups, DeletePlacementGroup.
 * A group only records a strategy; where its instances land is decided at launch and start
 * (group-placement.ts turns the strategy into what the hypervisor honours).
 */
import type * as EC2 from '@aws-sdk/client-ec2';
import type { OperationContext } from '../../service';
import { checkDryRun } from './dry-run';
import { errors } from './errors';
import { applyFilters } from './filters';
import type { InstanceRecord, PlacementGroupRecord, PlacementStrategy } from './records';
import type { Tag } from './resources';
import { ec2, type Ec2Context, type Ec2Scope } from './runtime';
import { applyTagSpecifications, checkTagSpecifications, tagFilters, withTags } from './tags';

const STRATEGIES: readonly PlacementStrategy[] = ['cluster', 'spread', 'partition'];
const SPREAD_LEVELS = ['host', 'rack'] as const;
/** AWS: a partition placement group has at most seven partitions per Availability Zone. */
export const MAX_PARTITIONS = 7;
/** AWS creates two partitions when CreatePlacementGroup names none. */
const DEFAULT_PARTITIONS = 2;

export function findPlacementGroup(e: Ec2Scope, name: string): PlacementGroupRecord | undefined {
  return e.res.list<PlacementGroupRecord>(e.scope, 'pg', { name })[0];
}

export function getPlacementGroupById(e: Ec2Scope, id: string): PlacementGroupRecord | undefined {
  return e.res.get<PlacementGroupRecord>(e.scope, 'pg', id);
}

/** Instances that belong to a group until they are terminated (stopped ones still count). */
export function groupMembers(e: Ec2Scope, group: PlacementGroupRecord): InstanceRecord[] {
  return e.res
    .list<InstanceRecord>(e.scope, 'instance')
    .filter((i) => i.placementGroupId === group.groupId && i.state !== 'terminated');
}

function groupArn(e: Ec2Context, name: string): string {
  return `arn:aws:ec2:${e.scope.region}:${e.scope.account}:placement-group/${name}`;
}

function shape(e: Ec2Context, g: PlacementGroupRecord, tags: Tag[] | undefined): EC2.PlacementGroup {
  return withTags(
    {
      GroupName: g.groupName,
      State: 'available',
      Strategy: g.strategy,
      ...(g.partitionCount !== undefined ? { PartitionCount: g.partitionCount } : {}),
      GroupId: g.groupId,
      GroupArn: groupArn(e, g.groupName),
      ...(g.spreadLevel ? { SpreadLevel: g.spreadLevel } : {}),
    },
    tags,
  );
}

function checkName(e: Ec2Context, name: string | undefined): string {
  if (!name) throw errors.missing('GroupName');
  if (name.length > 255 || !/^[\x20-\x7e]+$/.test(name)) {
    throw errors.invalidValue(
      `Value (${name}) for parameter groupName is invalid. Placement group names must be ASCII and at most 255 characters.`,
    );
  }
  if (findPlacementGroup(e, name)) throw errors.placementGroupDuplicate(name);
  return name;
}

function checkStrategy(strategy: string | undefined): PlacementStrategy {
  if (!strategy) throw errors.missing('Strategy');
  if (!(STRATEGIES as readonly string[]).includes(strategy)) {
    throw errors.invalidValue(
      `Value (${strategy}) for parameter strategy is invalid. Valid values: ${STRATEGIES.join(', ')}.`,
    );
  }
  return strategy as PlacementStrategy;
}

function checkPartitionCount(strategy: PlacementStrategy, count: number | undefined): number | undefined {
  if (strategy !== 'partition') {
    if (count !== undefined) {
      throw errors.combination('The parameter partitionCount can only be used with the partition strategy.');
    }
    return undefined;
  }
  const n = count ?? DEFAULT_PARTITIONS;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PARTITIONS) {
    throw errors.invalidValue(
      `Value ( ${n} ) for parameter partitionCount is invalid. Expecting a value between 1 and ${MAX_PARTITIONS}.`,
    );
  }
  return n;
}

function checkSpreadLevel(
  strategy: PlacementStrategy,
  level: string | undefined,
): 'host' | 'rack' | undefined {
  if (strategy !== 'spread') {
    if (level !== undefined) {
      throw errors.combination('The parameter spreadLevel can only be used with the spread strategy.');
    }
    return undefined;
  }
  if (level === undefined) return 'rack';
  if (!(SPREAD_LEVELS as readonly string[]).includes(level)) {
    throw errors.invalidValue(
      `Value (${level}) for parameter spreadLevel is invalid. Valid values: ${SPREAD_LEVELS.join(', ')}.`,
    );
  }
  return level as 'host' | 'rack';
}

export async function createPlacementGroup(
  ctx: OperationContext,
  input: EC2.CreatePlacementGroupRequest,
): Promise<EC2.CreatePlacementGroupResult> {
  const e = ec2(ctx);
  const name = checkName(e, input.GroupName);
  const strategy = checkStrategy(input.Strategy);
  const partitionCount = checkPartitionCount(strategy, input.PartitionCount);
  const spreadLevel = checkSpreadLevel(strategy, input.SpreadLevel);
  checkTagSpecifications(input.TagSpecifications, ['placement-group']);
  checkDryRun(input);
  const record = await ctx.cloud.store.write((tx) => {
    const r: PlacementGroupRecord = {
      groupId: ctx.cloud.ids.resource(tx, 'pg'),
      groupName: name,
      strategy,
      ...(partitionCount !== undefined ? { partitionCount } : {}),
      ...(spreadLevel ? { spreadLevel } : {}),
      createTime: ctx.cloud.clock.now(),
    };
    e.res.insert(tx, e.scope, 'pg', r.groupId, r, { name });
    applyTagSpecifications(e, tx, input.TagSpecifications, 'placement-group', r.groupId);
    return r;
  });
  return { PlacementGroup: shape(e, record, e.res.tags(record.groupId)) };
}

export function describePlacementGroups(
  ctx: OperationContext,
  input: EC2.DescribePlacementGroupsRequest,
): EC2.DescribePlacementGroupsResult {
  const e = ec2(ctx);
  const all = e.res.list<PlacementGroupRecord>(e.scope, 'pg');
  for (const name of input.GroupNames ?? []) {
    if (!all.some((g) => g.groupName === name)) throw errors.placementGroupUnknown(name);
  }
  for (const id of input.GroupIds ?? []) {
    if (!all.some((g) => g.groupId === id)) throw errors.placementGroupUnknown(id);
  }
  checkDryRun(input);
  const tags = e.res.tagsOf(e.scope, 'pg');
  const selected = all
    .filter((g) => !input.GroupNames?.length || input.GroupNames.includes(g.groupName))
    .filter((g) => !input.GroupIds?.length || input.GroupIds.includes(g.groupId))
    .map((g) => shape(e, g, tags.get(g.groupId)));
  return {
    PlacementGroups: applyFilters(selected, input.Filters, {
      'group-name': (g) => g.GroupName,
      'group-arn': (g) => g.GroupArn,
      state: (g) => g.State,
      strategy: (g) => g.Strategy,
      'spread-level': (g) => g.SpreadLevel,
      ...tagFilters<EC2.PlacementGroup>(),
    }),
  };
}

export async function deletePlacementGroup(
  ctx: OperationContext,
  input: EC2.DeletePlacementGroupRequest,
): Promise<Record<string, never>> {
  const e = ec2(ctx);
  if (!input.GroupName) throw errors.missing('GroupName');
  const group = findPlacementGroup(e, input.GroupName);
  if (!group) throw errors.placementGroupUnknown(input.GroupName);
  // Stopped instances still belong to the group (they return to it on start); only terminated
  // ones have left it.
  if (groupMembers(e, group).length > 0) throw errors.placementGroupInUse(group.groupName);
  checkDryRun(input);
  await ctx.cloud.store.write((tx) => e.res.delete(tx, group.groupId));
  return {};
}
