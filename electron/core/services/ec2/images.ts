/** DescribeImages: the AMI catalogue of the Region (Amazon Linux, Ubuntu, Debian). */
import type * as EC2 from '@aws-sdk/client-ec2';
import { createHash } from 'node:crypto';
import type { RegionalImage } from '../../infra/catalogue';
import type { OperationContext } from '../../service';
import { checkDryRun } from './dry-run';
import { checkId, errors } from './errors';
import { AwsError } from '../../kernel/errors';
import { applyFilters } from './filters';
import { paginate } from './pagination';

/** The EBS snapshot behind an AMI's root volume: what DescribeImages and its volumes name. */
export function imageSnapshotId(imageId: string): string {
  return `snap-0${createHash('sha256').update(`snapshot/${imageId}`).digest('hex').slice(0, 16)}`;
}

export function imageShape(image: RegionalImage): EC2.Image {
  const snapshotId = imageSnapshotId(image.imageId);
  return {
    Architecture: image.architecture as EC2.ArchitectureValues,
    CreationDate: image.creationDate,
    ImageId: image.imageId,
    ImageLocation: `${image.ownerAlias ?? image.ownerId}/${image.name}`,
    ImageType: 'machine',
    Public: true,
    OwnerId: image.ownerId,
    ...(image.ownerAlias === 'amazon' ? { ImageOwnerAlias: 'amazon' } : {}),
    PlatformDetails: image.platformDetails,
    UsageOperation: 'RunInstances',
    State: 'available',
    BlockDeviceMappings: [
      {
        DeviceName: image.rootDeviceName,
        Ebs: {
          DeleteOnTermination: true,
          SnapshotId: snapshotId,
          VolumeSize: image.rootVolumeGiB,
          VolumeType: image.volumeType as EC2.VolumeType,
          Encrypted: false,
        },
      },
    ],
    Description: image.description,
    EnaSupport: image.enaSupport,
    Hypervisor: 'xen',
    Name: image.name,
    RootDeviceName: image.rootDeviceName,
    RootDeviceType: 'ebs',
    SriovNetSupport: 'simple',
    VirtualizationType: 'hvm',
    ...(image.bootMode ? { BootMode: image.bootMode as EC2.BootModeValues } : {}),
    ...(image.imdsSupport ? { ImdsSupport: image.imdsSupport as EC2.ImdsSupportValues } : {}),
    DeprecationTime: new Date(Date.parse(image.creationDate) + 2 * 365 * 86_400_000)
      .toISOString()
      .replace(/\.\d+Z$/, '.000Z'),
  };
}

/**
 * The image RunInstances launches. Like AWS, it also takes `resolve:ssm:<parameter>`: the public
 * "latest AMI" parameters of the catalogue's images resolve to that image's ID in the Region.
 */
export function findImage(ctx: OperationContext, imageId: string): RegionalImage {
  const images = ctx.cloud.catalogue.imagesIn(ctx.region.code);
  if (imageId.startsWith(SSM_PREFIX)) return resolveSsmImage(images, imageId.slice(SSM_PREFIX.length));
  const image = images.find((i) => i.imageId === imageId);
  if (image) return image;
  checkId(imageId, 'ami', 'InvalidAMIID.Malformed');
  throw errors.amiNotFound([imageId]);
}

const SSM_PREFIX = 'resolve:ssm:';

function resolveSsmImage(images: RegionalImage[], reference: string): RegionalImage {
  // A reference may pin a version (":3") or a label; every catalogue parameter has one version.
  const name = reference.replace(/:[^/:]+$/, '');
  // "kernel-default" names the same Amazon Linux 2023 image as its current kernel's parameter.
  const wanted = (i: RegionalImage) =>
    i.ssmParameter === name || i.ssmParameter === name.replace('-kernel-default-', '-kernel-6.1-');
  const image = images.find(wanted);
  if (!image) {
    throw new AwsError(
      'InvalidParameterValue',
      `Invalid SSM parameter: ${name}. Cloud Lab resolves the public AMI parameters of its image catalogue, such as /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64.`,
    );
  }
  return image;
}

export function describeImages(
  ctx: OperationContext,
  input: EC2.DescribeImagesRequest,
): EC2.DescribeImagesResult {
  const images = ctx.cloud.catalogue.imagesIn(ctx.region.code);
  if (input.ImageIds?.length) {
    for (const id of input.ImageIds) checkId(id, 'ami', 'InvalidAMIID.Malformed');
    const missing = input.ImageIds.filter((id) => !images.some((i) => i.imageId === id));
    if (missing.length > 0) throw errors.amiNotFound(missing);
  }
  checkDryRun(input);
  const owners = input.Owners ?? [];
  const all = images
    .filter((i) => !input.ImageIds?.length || input.ImageIds.includes(i.imageId))
    // Every catalogue image is public and owned by its publisher; none are the account's own.
    .filter((i) => owners.length === 0 || owners.some((o) => o === i.ownerId || o === i.ownerAlias))
    .map(imageShape);
  const filtered = applyFilters(all, input.Filters, {
    architecture: (i) => i.Architecture,
    'block-device-mapping.device-name': (i) => i.BlockDeviceMappings?.map((b) => b.DeviceName),
    'block-device-mapping.volume-size': (i) => i.BlockDeviceMappings?.map((b) => b.Ebs?.VolumeSize),
    'block-device-mapping.volume-type': (i) => i.BlockDeviceMappings?.map((b) => b.Ebs?.VolumeType),
    'creation-date': (i) => i.CreationDate,
    description: (i) => i.Description,
    'ena-support': (i) => i.EnaSupport,
    hypervisor: (i) => i.Hypervisor,
    'image-id': (i) => i.ImageId,
    'image-type': (i) => i.ImageType,
    'is-public': (i) => i.Public,
    name: (i) => i.Name,
    'owner-alias': (i) => i.ImageOwnerAlias,
    'owner-id': (i) => i.OwnerId,
    'platform-details': (i) => i.PlatformDetails,
    'root-device-name': (i) => i.RootDeviceName,
    'root-device-type': (i) => i.RootDeviceType,
    state: (i) => i.State,
    'virtualization-type': (i) => i.VirtualizationType,
  });
  const page = paginate(filtered, input);
  return { Images: page.items, NextToken: page.nextToken };
}
