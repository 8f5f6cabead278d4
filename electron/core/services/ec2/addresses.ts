/**
 * Elastic IP addresses: a public IPv4 address the account keeps until it releases it. While
 * associated with an instance it replaces the instance's public address — and, unlike that
 * one, it survives a stop and start.
 */
import type * as EC2 from '@aws-sdk/client-ec2';
import { AwsError } from '../../kernel/errors';
import type { OperationContext } from '../../service';
import { checkDryRun } from './dry-run';
import { checkId, errors } from './errors';
import { applyFilters } from './filters';
import { allocatePublicIp, getInstance } from './instance-store';
import { ensureDefaultNetwork } from './network';
import type { AddressRecord, InstanceRecord, SubnetRecord } from './records';
import { ec2, type Ec2Context } from './runtime';
import { applyTagSpecifications, checkTagSpecifications, tagFilters, withTags } from './tags';

function getAddress(e: Ec2Context, allocationId: string): AddressRecord {
  checkId(allocationId, 'eipalloc', 'InvalidAllocationID.Malformed');
  const a = e.res.get<AddressRecord>(e.scope, 'eip', allocationId);
  if (!a) throw errors.allocationNotFound(allocationId);
  return a;
}

function shape(e: Ec2Context, a: AddressRecord): EC2.Address {
  return {
    AllocationId: a.allocationId,
    PublicIp: a.publicIp,
    Domain: 'vpc',
    PublicIpv4Pool: 'amazon',
    NetworkBorderGroup: e.scope.region,
    ...(a.associationId
      ? {
          AssociationId: a.associationId,
          InstanceId: a.instanceId,
          NetworkInterfaceId: a.networkInterfaceId,
          NetworkInterfaceOwnerId: e.scope.account,
          PrivateIpAddress: a.privateIpAddress,
        }
      : {}),
  };
}

export async function allocateAddress(
  ctx: OperationContext,
  input: EC2.AllocateAddressRequest,
): Promise<EC2.AllocateAddressResult> {
  const e = ec2(ctx);
  await ensureDefaultNetwork(e);
  if (input.Domain && input.Domain !== 'vpc') {
    throw errors.invalidValue(
      `Value (${input.Domain}) for parameter domain is invalid. EC2-Classic is retired; only 'vpc' is supported.`,
    );
  }
  if (e.res.list(e.scope, 'eip').length >= 5) {
    throw new AwsError('AddressLimitExceeded', 'The maximum number of addresses has been reached.');
  }
  checkTagSpecifications(input.TagSpecifications, ['elastic-ip']);
  checkDryRun(input);
  const address = await ctx.cloud.store.write((tx) => {
    const allocationId = ctx.cloud.ids.resource(tx, 'eipalloc');
    const a: AddressRecord = { allocationId, publicIp: allocatePublicIp(e, tx, allocationId) };
    e.res.insert(tx, e.scope, 'eip', allocationId, a);
    applyTagSpecifications(e, tx, input.TagSpecifications, 'elastic-ip', allocationId);
    return a;
  });
  return withTags(
    {
      PublicIp: address.publicIp,
      AllocationId: address.allocationId,
      PublicIpv4Pool: 'amazon',
      NetworkBorderGroup: e.scope.region,
      Domain: 'vpc',
    },
    e.res.tags(address.allocationId),
  );
}

export async function associateAddress(
  ctx: OperationContext,
  input: EC2.AssociateAddressRequest,
): Promise<EC2.AssociateAddressResult> {
  const e = ec2(ctx);
  await ensureDefaultNetwork(e);
  if (!input.AllocationId) throw errors.missing('AllocationId');
  const address = getAddress(e, input.AllocationId);
  if (!input.InstanceId) throw errors.missing('InstanceId');
  const instance = getInstance(e, input.InstanceId);
  if (instance.state !== 'running' && instance.state !== 'stopped' && instance.state !== 'pending') {
    throw errors.incorrectState(
      `The instance '${instance.instanceId}' is not in a valid state for this operation.`,
    );
  }
  if (
    address.associationId &&
    address.instanceId !== instance.instanceId &&
    input.AllowReassociation === false
  ) {
    throw new AwsError(
      'Resource.AlreadyAssociated',
      `resource ${address.allocationId} is already associated with associate-id ${address.associationId}`,
    );
  }
  checkDryRun(input);
  const associationId = await ctx.cloud.store.write((tx) => {
    // Take the address away from where it was.
    if (address.instanceId && address.instanceId !== instance.instanceId) {
      const previous = e.res.get<InstanceRecord>(e.scope, 'instance', address.instanceId);
      if (previous) {
        const { elasticIp: _eip, publicIpAddress: _ip, ...rest } = previous;
        e.res.update(tx, previous.instanceId, rest);
      }
    }
    // The instance's own public address goes back to the pool; the Elastic IP takes its place.
    if (instance.publicIpAddress && !instance.elasticIp)
      e.res.releasePublicIp(tx, e.scope, instance.publicIpAddress);
    if (instance.elasticIp && instance.elasticIp !== address.publicIp) {
      const other = e.res.list<AddressRecord>(e.scope, 'eip').find((a) => a.publicIp === instance.elasticIp);
      if (other)
        e.res.update(tx, other.allocationId, { allocationId: other.allocationId, publicIp: other.publicIp });
    }
    e.res.update(tx, instance.instanceId, {
      ...instance,
      elasticIp: address.publicIp,
      publicIpAddress: address.publicIp,
    });
    const id = ctx.cloud.ids.resource(tx, 'eipassoc');
    e.res.update(tx, address.allocationId, {
      ...address,
      associationId: id,
      instanceId: instance.instanceId,
      networkInterfaceId: instance.networkInterfaceId,
      privateIpAddress: instance.privateIpAddress,
    });
    return id;
  });
  return { AssociationId: associationId };
}

export async function disassociateAddress(
  ctx: OperationContext,
  input: EC2.DisassociateAddressRequest,
): Promise<Record<string, never>> {
  const e = ec2(ctx);
  await ensureDefaultNetwork(e);
  const address = e.res
    .list<AddressRecord>(e.scope, 'eip')
    .find((a) => a.associationId && a.associationId === input.AssociationId);
  if (!address) throw errors.associationNotFound(input.AssociationId ?? '');
  checkDryRun(input);
  await ctx.cloud.store.write((tx) => {
    const instance = address.instanceId
      ? e.res.get<InstanceRecord>(e.scope, 'instance', address.instanceId)
      : undefined;
    if (instance) {
      const { elasticIp: _eip, publicIpAddress: _ip, ...rest } = instance;
      const subnet = e.res.get<SubnetRecord>(e.scope, 'subnet', instance.subnetId);
      // A running instance in a subnet that maps public addresses gets a fresh one back.
      const fresh =
        instance.state === 'running' && subnet?.mapPublicIpOnLaunch
          ? { publicIpAddress: allocatePublicIp(e, tx, instance.instanceId) }
          : {};
      e.res.update(tx, instance.instanceId, { ...rest, ...fresh });
    }
    e.res.update(tx, address.allocationId, {
      allocationId: address.allocationId,
      publicIp: address.publicIp,
    });
  });
  return {};
}

export async function releaseAddress(
  ctx: OperationContext,
  input: EC2.ReleaseAddressRequest,
): Promise<Record<string, never>> {
  const e = ec2(ctx);
  await ensureDefaultNetwork(e);
  if (!input.AllocationId) throw errors.missing('AllocationId');
  const address = getAddress(e, input.AllocationId);
  if (address.associationId)
    throw new AwsError('InvalidIPAddress.InUse', `Address ${address.publicIp} is in use.`);
  checkDryRun(input);
  await ctx.cloud.store.write((tx) => {
    e.res.releasePublicIp(tx, e.scope, address.publicIp);
    e.res.delete(tx, address.allocationId);
  });
  return {};
}

export async function describeAddresses(
  ctx: OperationContext,
  input: EC2.DescribeAddressesRequest,
): Promise<EC2.DescribeAddressesResult> {
  const e = ec2(ctx);
  await ensureDefaultNetwork(e);
  for (const id of input.AllocationIds ?? []) getAddress(e, id);
  const all = e.res.list<AddressRecord>(e.scope, 'eip');
  for (const ip of input.PublicIps ?? []) {
    if (!all.some((a) => a.publicIp === ip))
      throw new AwsError('InvalidAddress.NotFound', `Address '${ip}' not found.`);
  }
  checkDryRun(input);
  const tags = e.res.tagsOf(e.scope, 'eip');
  const selected = all
    .filter((a) => !input.AllocationIds?.length || input.AllocationIds.includes(a.allocationId))
    .filter((a) => !input.PublicIps?.length || input.PublicIps.includes(a.publicIp))
    .map((a) => withTags(shape(e, a), tags.get(a.allocationId)));
  return {
    Addresses: applyFilters(selected, input.Filters, {
      'allocation-id': (a) => a.AllocationId,
      'association-id': (a) => a.AssociationId,
      domain: (a) => a.Domain,
      'instance-id': (a) => a.InstanceId,
      'network-border-group': (a) => a.NetworkBorderGroup,
      'network-interface-id': (a) => a.NetworkInterfaceId,
      'private-ip-address': (a) => a.PrivateIpAddress,
      'public-ip': (a) => a.PublicIp,
      ...tagFilters<EC2.Address>(),
    }),
  };
}
