/**
 * EBS: volumes (created in one Availability Zone, attached to an instance there), the root
 * volume every instance boots from, and snapshots. State changes (creating → available,
 * attaching → attached …) complete on the simulated clock via the lifecycle scheduler.
 */
import type * as EC2 from '@aws-sdk/client-ec2';
import { AwsError } from '../../kernel/errors';
import type { Tx } from '../../kernel/store';
import type { OperationContext } from '../../service';
import { checkDryRun } from './dry-run';
import { checkId, errors } from './errors';
import { applyFilters } from './filters';
import { getInstance } from './instance-store';
import { ensureDefaultNetwork } from './network';
import { paginate } from './pagination';
import type { SnapshotRecord, VolumeRecord } from './records';
import { ec2, type Ec2Context } from './runtime';
import { applyTagSpecifications, checkTagSpecifications, tagFilters, withTags } from './tags';

const SIZE_LIMITS: Record<string, [number, number]> = {
  gp2: [1, 16384],
  gp3: [1, 16384],
  io1: [4, 16384],
  io2: [4, 65536],
  st1: [125, 16384],
  sc1: [125, 16384],
  standard: [1, 1024],
};

export interface VolumeSpec {
  size: number;
  volumeType: string;
  iops?: number;
  throughput?: number;
  availabilityZone: string;
  snapshotId?: string;
  encrypted?: boolean;
}

export function validateVolumeSpec(spec: VolumeSpec): void {
  const limits = SIZE_LIMITS[spec.volumeType];
  if (!limits) throw errors.invalidValue(`Value (${spec.volumeType}) for parameter volumeType is invalid.`);
  if (!Number.isInteger(spec.size) || spec.size < limits[0] || spec.size > limits[1]) {
    throw errors.invalidValue(
      `Volume of ${spec.size}GiB is invalid for ${spec.volumeType} volumes: the size must be between ${limits[0]} and ${limits[1]} GiB.`,
    );
  }
  if ((spec.volumeType === 'io1' || spec.volumeType === 'io2') && !spec.iops) throw errors.missing('Iops');
}

/** Record a new volume in the caller's transaction. */
export function insertVolume(
  e: Ec2Context,
  tx: Tx,
  spec: VolumeSpec,
  attachment?: VolumeRecord['attachment'],
): VolumeRecord {
  const now = e.ctx.cloud.clock.now();
  const gp2Iops = Math.min(16000, Math.max(100, spec.size * 3));
  const volume: VolumeRecord = {
    volumeId: e.ctx.cloud.ids.resource(tx, 'vol'),
    size: spec.size,
    volumeType: spec.volumeType,
    ...(spec.volumeType === 'gp3' ? { iops: spec.iops ?? 3000, throughput: spec.throughput ?? 125 } : {}),
    ...(spec.volumeType === 'gp2' ? { iops: gp2Iops } : {}),
    ...(spec.volumeType === 'io1' || spec.volumeType === 'io2' ? { iops: spec.iops } : {}),
    availabilityZone: spec.availabilityZone,
    state: attachment ? 'in-use' : 'creating',
    changedAt: now,
    ...(spec.snapshotId ? { snapshotId: spec.snapshotId } : {}),
    encrypted: spec.encrypted ?? false,
    createTime: now,
    ...(attachment ? { attachment } : {}),
  };
  e.res.insert(tx, e.scope, 'volume', volume.volumeId, volume, { parent: attachment?.instanceId });
  return volume;
}

export function getVolume(e: Ec2Context, id: string): VolumeRecord {
  checkId(id, 'vol', 'InvalidVolume.Malformed');
  const volume = e.res.get<VolumeRecord>(e.scope, 'volume', id);
  if (!volume) throw errors.volumeNotFound(id);
  return volume;
}

export function volumeShape(v: VolumeRecord): EC2.Volume {
  return {
    Attachments: v.attachment
      ? [
          {
            AttachTime: new Date(v.attachment.attachTime),
            Device: v.attachment.device,
            InstanceId: v.attachment.instanceId,
            State: v.attachment.state,
            VolumeId: v.volumeId,
            DeleteOnTermination: v.attachment.deleteOnTermination,
          },
        ]
      : [],
    AvailabilityZone: v.availabilityZone,
    CreateTime: new Date(v.createTime),
    Encrypted: v.encrypted,
    Size: v.size,
    SnapshotId: v.snapshotId ?? '',
    State: v.state,
    VolumeId: v.volumeId,
    ...(v.iops !== undefined ? { Iops: v.iops } : {}),
    VolumeType: v.volumeType as EC2.VolumeType,
    ...(v.throughput !== undefined ? { Throughput: v.throughput } : {}),
    MultiAttachEnabled: false,
  };
}

export async function createVolume(
  ctx: OperationContext,
  input: EC2.CreateVolumeRequest,
): Promise<EC2.Volume> {
  const e = ec2(ctx);
  await ensureDefaultNetwork(e);
  if (!input.AvailabilityZone && !input.AvailabilityZoneId) throw errors.missing('AvailabilityZone');
  const zone = ctx.region.zones.find(
    (z) => z.name === input.AvailabilityZone || z.id === input.AvailabilityZoneId,
  );
  if (!zone)
    throw errors.invalidValue(
      `Invalid availability zone: [${input.AvailabilityZone ?? input.AvailabilityZoneId}]`,
    );
  let size = input.Size;
  if (input.SnapshotId) {
    const snapshot = getSnapshot(e, input.SnapshotId);
    size ??= snapshot.volumeSize;
    if (size < snapshot.volumeSize) {
      throw errors.invalidValue(
        `Volume of size ${size}GB is smaller than snapshot '${snapshot.snapshotId}', expect size >= ${snapshot.volumeSize}GB`,
      );
    }
  }
  if (size === undefined) throw errors.missing('Size');
  const spec: VolumeSpec = {
    size,
    volumeType: input.VolumeType ?? 'gp2',
    iops: input.Iops,
    throughput: input.Throughput,
    availabilityZone: zone.name,
    snapshotId: input.SnapshotId,
    encrypted: input.Encrypted,
  };
  validateVolumeSpec(spec);
  checkTagSpecifications(input.TagSpecifications, ['volume']);
  checkDryRun(input);
  const volume = await ctx.cloud.store.write((tx) => {
    const v = insertVolume(e, tx, spec);
    applyTagSpecifications(e, tx, input.TagSpecifications, 'volume', v.volumeId);
    return v;
  });
  e.rt.lifecycle.volumeChanged(e.scope, volume);
  return withTags(volumeShape(volume), e.res.tags(volume.volumeId));
}

export async function describeVolumes(
  ctx: OperationContext,
  input: EC2.DescribeVolumesRequest,
): Promise<EC2.DescribeVolumesResult> {
  const e = ec2(ctx);
  await ensureDefaultNetwork(e);
  for (const id of input.VolumeIds ?? []) getVolume(e, id);
  checkDryRun(input);
  const tags = e.res.tagsOf(e.scope, 'volume');
  const all = e.res
    .list<VolumeRecord>(e.scope, 'volume')
    .filter((v) => !input.VolumeIds?.length || input.VolumeIds.includes(v.volumeId))
    .map((v) => withTags(volumeShape(v), tags.get(v.volumeId)));
  const filtered = applyFilters(all, input.Filters, {
    'attachment.attach-time': (v) => v.Attachments?.map((a) => a.AttachTime?.toISOString()),
    'attachment.delete-on-termination': (v) => v.Attachments?.map((a) => a.DeleteOnTermination),
    'attachment.device': (v) => v.Attachments?.map((a) => a.Device),
    'attachment.instance-id': (v) => v.Attachments?.map((a) => a.InstanceId),
    'attachment.status': (v) => v.Attachments?.map((a) => a.State),
    'availability-zone': (v) => v.AvailabilityZone,
    'create-time': (v) => v.CreateTime?.toISOString(),
    encrypted: (v) => v.Encrypted,
    size: (v) => v.Size,
    'snapshot-id': (v) => v.SnapshotId,
    status: (v) => v.State,
    'volume-id': (v) => v.VolumeId,
    'volume-type': (v) => v.VolumeType,
    ...tagFilters<EC2.Volume>(),
  });
  const page = paginate(filtered, input, { min: 5, max: 500 });
  return { Volumes: page.items, NextToken: page.nextToken };
}

export async function attachVolume(
  ctx: OperationContext,
  input: EC2.AttachVolumeRequest,
): Promise<EC2.VolumeAttachment> {
  const e = ec2(ctx);
  await ensureDefaultNetwork(e);
  const volume = getVolume(e, input.VolumeId ?? '');
  const instance = getInstance(e, input.InstanceId ?? '');
  if (!input.Device) throw errors.missing('Device');
  if (volume.attachment || volume.state === 'in-use') {
    throw new AwsError('VolumeInUse', `${volume.volumeId} is already attached to an instance`);
  }
  if (volume.state !== 'available')
    throw new AwsError('IncorrectState', `${volume.volumeId} is not 'available'.`);
  if (volume.availabilityZone !== instance.availabilityZone) {
    throw new AwsError(
      'InvalidVolume.ZoneMismatch',
      `The volume '${volume.volumeId}' is not in the same availability zone as instance '${instance.instanceId}'`,
    );
  }
  if (instance.state !== 'running' && instance.state !== 'stopped') {
    throw errors.incorrectState(`Instance '${instance.instanceId}' is not 'running'.`);
  }
  const taken = e.res
    .list<VolumeRecord>(e.scope, 'volume', { parent: instance.instanceId })
    .some((v) => v.attachment?.device === input.Device);
  if (taken) throw errors.invalidValue(`Attachment point ${input.Device} is already in use`);
  checkDryRun(input);
  const now = ctx.cloud.clock.now();
  const updated = await ctx.cloud.store.write((tx) => {
    const v: VolumeRecord = {
      ...volume,
      state: 'in-use',
      changedAt: now,
      attachment: {
        instanceId: instance.instanceId,
        device: input.Device!,
        state: 'attaching',
        attachTime: now,
        deleteOnTermination: false,
      },
    };
    e.res.update(tx, v.volumeId, v, { parent: instance.instanceId });
    return v;
  });
  e.rt.lifecycle.volumeChanged(e.scope, updated);
  return volumeShape(updated).Attachments![0]!;
}

export async function detachVolume(
  ctx: OperationContext,
  input: EC2.DetachVolumeRequest,
): Promise<EC2.VolumeAttachment> {
  const e = ec2(ctx);
  await ensureDefaultNetwork(e);
  const volume = getVolume(e, input.VolumeId ?? '');
  const attachment = volume.attachment;
  if (!attachment || (input.InstanceId && attachment.instanceId !== input.InstanceId)) {
    throw new AwsError('IncorrectState', `Volume '${volume.volumeId}' is in the '${volume.state}' state.`);
  }
  const instance = getInstance(e, attachment.instanceId);
  if (instance.rootDeviceName === attachment.device && instance.state !== 'stopped') {
    throw new AwsError(
      'OperationNotPermitted',
      `The volume '${volume.volumeId}' is the root device of instance '${instance.instanceId}' and cannot be detached.`,
    );
  }
  checkDryRun(input);
  const updated = await ctx.cloud.store.write((tx) => {
    const v: VolumeRecord = {
      ...volume,
      changedAt: ctx.cloud.clock.now(),
      attachment: { ...attachment, state: 'detaching' },
    };
    e.res.update(tx, v.volumeId, v);
    return v;
  });
  e.rt.lifecycle.volumeChanged(e.scope, updated);
  return volumeShape(updated).Attachments![0]!;
}

export async function deleteVolume(
  ctx: OperationContext,
  input: EC2.DeleteVolumeRequest,
): Promise<Record<string, never>> {
  const e = ec2(ctx);
  await ensureDefaultNetwork(e);
  const volume = getVolume(e, input.VolumeId ?? '');
  if (volume.attachment) {
    throw new AwsError(
      'VolumeInUse',
      `Volume ${volume.volumeId} is currently attached to ${volume.attachment.instanceId}`,
    );
  }
  checkDryRun(input);
  await ctx.cloud.store.write((tx) => e.res.delete(tx, volume.volumeId));
  return {};
}

// ---- snapshots ------------------------------------------------------------------------------

export function getSnapshot(e: Ec2Context, id: string): SnapshotRecord {
  checkId(id, 'snap', 'InvalidSnapshotID.Malformed');
  const snapshot = e.res.get<SnapshotRecord>(e.scope, 'snapshot', id);
  if (!snapshot) throw errors.snapshotNotFound(id);
  return snapshot;
}

function snapshotShape(e: Ec2Context, s: SnapshotRecord, now: number): EC2.Snapshot {
  const done = s.state === 'completed';
  const progress = done
    ? 100
    : Math.min(99, Math.floor(((now - s.startTime) / Math.max(1, s.completeAt - s.startTime)) * 100));
  return {
    Description: s.description,
    Encrypted: s.encrypted,
    OwnerId: e.scope.account,
    Progress: `${progress}%`,
    SnapshotId: s.snapshotId,
    StartTime: new Date(s.startTime),
    State: s.state,
    VolumeId: s.volumeId,
    VolumeSize: s.volumeSize,
    StorageTier: 'standard',
  };
}

export async function createSnapshot(
  ctx: OperationContext,
  input: EC2.CreateSnapshotRequest,
): Promise<EC2.Snapshot> {
  const e = ec2(ctx);
  await ensureDefaultNetwork(e);
  const volume = getVolume(e, input.VolumeId ?? '');
  checkTagSpecifications(input.TagSpecifications, ['snapshot']);
  checkDryRun(input);
  const now = ctx.cloud.clock.now();
  const snapshot = await ctx.cloud.store.write((tx) => {
    const s: SnapshotRecord = {
      snapshotId: ctx.cloud.ids.resource(tx, 'snap'),
      volumeId: volume.volumeId,
      volumeSize: volume.size,
      state: 'pending',
      startTime: now,
      // Bigger volumes take longer, as on AWS — seconds here.
      completeAt: now + 3000 + volume.size * 50,
      description: input.Description ?? '',
      encrypted: volume.encrypted,
    };
    e.res.insert(tx, e.scope, 'snapshot', s.snapshotId, s, { parent: volume.volumeId });
    applyTagSpecifications(e, tx, input.TagSpecifications, 'snapshot', s.snapshotId);
    return s;
  });
  e.rt.lifecycle.snapshotStarted(e.scope, snapshot);
  return withTags(snapshotShape(e, snapshot, now), e.res.tags(snapshot.snapshotId));
}

export async function describeSnapshots(
  ctx: OperationContext,
  input: EC2.DescribeSnapshotsRequest,
): Promise<EC2.DescribeSnapshotsResult> {
  const e = ec2(ctx);
  for (const id of input.SnapshotIds ?? []) getSnapshot(e, id);
  checkDryRun(input);
  const now = ctx.cloud.clock.now();
  const tags = e.res.tagsOf(e.scope, 'snapshot');
  const owners = input.OwnerIds ?? [];
  const all = e.res
    .list<SnapshotRecord>(e.scope, 'snapshot')
    .filter((s) => !input.SnapshotIds?.length || input.SnapshotIds.includes(s.snapshotId))
    .filter(() => owners.length === 0 || owners.some((o) => o === 'self' || o === e.scope.account))
    .map((s) => withTags(snapshotShape(e, s, now), tags.get(s.snapshotId)));
  const filtered = applyFilters(all, input.Filters, {
    description: (s) => s.Description,
    encrypted: (s) => s.Encrypted,
    'owner-id': (s) => s.OwnerId,
    progress: (s) => s.Progress,
    'snapshot-id': (s) => s.SnapshotId,
    'start-time': (s) => s.StartTime?.toISOString(),
    status: (s) => s.State,
    'volume-id': (s) => s.VolumeId,
    'volume-size': (s) => s.VolumeSize,
    ...tagFilters<EC2.Snapshot>(),
  });
  const page = paginate(filtered, input, { min: 5, max: 1000 });
  return { Snapshots: page.items, NextToken: page.nextToken };
}

export async function deleteSnapshot(
  ctx: OperationContext,
  input: EC2.DeleteSnapshotRequest,
): Promise<Record<string, never>> {
  const e = ec2(ctx);
  const snapshot = getSnapshot(e, input.SnapshotId ?? '');
  checkDryRun(input);
  await ctx.cloud.store.write((tx) => e.res.delete(tx, snapshot.snapshotId));
  return {};
}
