/** Tags on EC2 resources: CreateTags, DeleteTags, DescribeTags, TagSpecifications and tag filters. */
import type * as EC2 from '@aws-sdk/client-ec2';
import { AwsError } from '../../kernel/errors';
import type { Tx } from '../../kernel/store';
import type { OperationContext } from '../../service';
import { checkDryRun } from './dry-run';
import { errors } from './errors';
import { applyFilters, type FilterAccessors } from './filters';
import { paginate } from './pagination';
import type { Kind, Tag } from './resources';
import { ec2, type Ec2Context } from './runtime';

export const RESOURCE_TYPES: Record<Kind, string> = {
  vpc: 'vpc',
  subnet: 'subnet',
  igw: 'internet-gateway',
  rtb: 'route-table',
  sg: 'security-group',
  key: 'key-pair',
  instance: 'instance',
  volume: 'volume',
  snapshot: 'snapshot',
  eip: 'elastic-ip',
  pg: 'placement-group',
};

const NOT_FOUND: Record<string, [string, string]> = {
  i: ['InvalidInstanceID.NotFound', "The instance ID '%' does not exist"],
  vpc: ['InvalidVpcID.NotFound', "The vpc ID '%' does not exist"],
  subnet: ['InvalidSubnetID.NotFound', "The subnet ID '%' does not exist"],
  sg: ['InvalidGroup.NotFound', "The security group '%' does not exist"],
  vol: ['InvalidVolume.NotFound', "The volume '%' does not exist."],
  snap: ['InvalidSnapshot.NotFound', "The snapshot '%' does not exist."],
  igw: ['InvalidInternetGatewayID.NotFound', "The internetGateway ID '%' does not exist"],
  rtb: ['InvalidRouteTableID.NotFound', "The routeTable ID '%' does not exist"],
  key: ['InvalidKeyPair.NotFound', "The key pair '%' does not exist"],
  eipalloc: ['InvalidAllocationID.NotFound', "The allocation ID '%' does not exist"],
  pg: ['InvalidPlacementGroup.Unknown', "The Placement Group '%' is unknown."],
};

/** Add tags to a shape only when there are any, as EC2 leaves tagSet out otherwise. */
export function withTags<T extends object>(shape: T, tags: Tag[] | undefined): T & { Tags?: Tag[] } {
  return tags && tags.length > 0 ? { ...shape, Tags: tags } : shape;
}

export function tagFilters<
  T extends { Tags?: Array<{ Key?: string; Value?: string }> },
>(): FilterAccessors<T> {
  return {
    'tag-key': (item) => item.Tags?.map((t) => t.Key),
    'tag-value': (item) => item.Tags?.map((t) => t.Value),
    'tag:*': (item, key) => item.Tags?.filter((t) => t.Key === key).map((t) => t.Value),
  };
}

export function validateTags(tags: Array<{ Key?: string; Value?: string }>): Tag[] {
  if (tags.length > 50) throw errors.invalidValue('The maximum number of tags for a resource is 50.');
  return tags.map((t) => {
    const key = t.Key ?? '';
    const value = t.Value ?? '';
    if (!key) throw errors.invalidValue('Tag keys must not be empty');
    if (key.length > 128) throw errors.invalidValue(`Tag key exceeds the maximum length of 128 characters`);
    if (value.length > 256)
      throw errors.invalidValue(`Tag value exceeds the maximum length of 256 characters`);
    if (key.toLowerCase().startsWith('aws:')) {
      throw errors.invalidValue("Tag keys starting with 'aws:' are reserved for internal use");
    }
    return { Key: key, Value: value };
  });
}

/** Apply the TagSpecifications meant for `resourceType` to a resource being created. */
export function applyTagSpecifications(
  e: Ec2Context,
  tx: Tx,
  specs: EC2.TagSpecification[] | undefined,
  resourceType: string,
  id: string,
): void {
  for (const spec of specs ?? []) {
    if (spec.ResourceType === resourceType) e.res.setTags(tx, id, validateTags(spec.Tags ?? []));
  }
}

/** Refuse TagSpecifications for resource types the call cannot create. */
export function checkTagSpecifications(specs: EC2.TagSpecification[] | undefined, allowed: string[]): void {
  for (const spec of specs ?? []) {
    if (!spec.ResourceType) throw errors.missing('TagSpecification.ResourceType');
    if (!allowed.includes(spec.ResourceType)) {
      throw errors.invalidValue(
        `'${spec.ResourceType}' is not a valid taggable resource type for this operation.`,
      );
    }
    validateTags(spec.Tags ?? []);
  }
}

function resolve(e: Ec2Context, id: string): Kind {
  const kind = e.res.kindOf(e.scope, id);
  if (kind) return kind;
  const prefix = id.includes('-') ? id.slice(0, id.indexOf('-')) : '';
  const known = NOT_FOUND[prefix];
  if (known) throw new AwsError(known[0], known[1].replace('%', id));
  throw errors.invalidValue(`Invalid id: "${id}"`);
}

export async function createTags(
  ctx: OperationContext,
  input: EC2.CreateTagsRequest,
): Promise<Record<string, never>> {
  const e = ec2(ctx);
  if (!input.Resources?.length) throw errors.missing('ResourceId');
  const tags = validateTags(input.Tags ?? []);
  for (const id of input.Resources) resolve(e, id);
  checkDryRun(input);
  await ctx.cloud.store.write((tx) => {
    for (const id of input.Resources!) e.res.setTags(tx, id, tags);
  });
  return {};
}

export async function deleteTags(
  ctx: OperationContext,
  input: EC2.DeleteTagsRequest,
): Promise<Record<string, never>> {
  const e = ec2(ctx);
  if (!input.Resources?.length) throw errors.missing('ResourceId');
  for (const id of input.Resources) resolve(e, id);
  checkDryRun(input);
  await ctx.cloud.store.write((tx) => {
    for (const id of input.Resources!) {
      e.res.deleteTags(
        tx,
        id,
        input.Tags?.map((t) => ({ Key: t.Key ?? '', ...(t.Value !== undefined ? { Value: t.Value } : {}) })),
      );
    }
  });
  return {};
}

export function describeTags(ctx: OperationContext, input: EC2.DescribeTagsRequest): EC2.DescribeTagsResult {
  const e = ec2(ctx);
  checkDryRun(input);
  const all: EC2.TagDescription[] = e.res.allTags(e.scope).map((t) => ({
    Key: t.key,
    ResourceId: t.resourceId,
    ResourceType: RESOURCE_TYPES[t.kind] as EC2.ResourceType,
    Value: t.value,
  }));
  const filtered = applyFilters(all, input.Filters, {
    key: (t) => t.Key,
    value: (t) => t.Value,
    'resource-id': (t) => t.ResourceId,
    'resource-type': (t) => t.ResourceType,
  });
  const page = paginate(filtered, input);
  return { Tags: page.items, NextToken: page.nextToken };
}
