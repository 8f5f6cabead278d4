/** EC2's error codes with the messages EC2 answers with. */
import { AwsError } from '../../kernel/errors';

const ID_PATTERN = /^[a-z]+-[0-9a-f]{8}(?:[0-9a-f]{9})?$/;

/** EC2 IDs are a prefix and 8 or 17 hex digits; anything else is "Malformed", not "NotFound". */
export function checkId(id: string, prefix: string, code: string): void {
  if (!id.startsWith(`${prefix}-`) || !ID_PATTERN.test(id)) throw new AwsError(code, `Invalid id: "${id}"`);
}

function quoteList(ids: string[]): string {
  return ids.join(', ');
}

export const errors = {
  instanceNotFound: (ids: string[]) =>
    new AwsError(
      'InvalidInstanceID.NotFound',
      ids.length === 1
        ? `The instance ID '${ids[0]}' does not exist`
        : `The instance IDs '${quoteList(ids)}' do not exist`,
    ),
  amiNotFound: (ids: string[]) =>
    new AwsError('InvalidAMIID.NotFound', `The image id '[${quoteList(ids)}]' does not exist`),
  keyPairNotFound: (name: string) =>
    new AwsError('InvalidKeyPair.NotFound', `The key pair '${name}' does not exist`),
  keyPairDuplicate: (name: string) =>
    new AwsError('InvalidKeyPair.Duplicate', `The keypair '${name}' already exists.`),
  groupNotFound: (id: string) =>
    new AwsError('InvalidGroup.NotFound', `The security group '${id}' does not exist`),
  groupNameNotFound: (name: string, vpcId: string) =>
    new AwsError('InvalidGroup.NotFound', `The security group '${name}' does not exist in VPC '${vpcId}'`),
  groupDuplicate: (name: string, vpcId: string) =>
    new AwsError('InvalidGroup.Duplicate', `The security group '${name}' already exists for VPC '${vpcId}'`),
  vpcNotFound: (id: string) => new AwsError('InvalidVpcID.NotFound', `The vpc ID '${id}' does not exist`),
  subnetNotFound: (id: string) =>
    new AwsError('InvalidSubnetID.NotFound', `The subnet ID '${id}' does not exist`),
  igwNotFound: (id: string) =>
    new AwsError('InvalidInternetGatewayID.NotFound', `The internetGateway ID '${id}' does not exist`),
  routeTableNotFound: (id: string) =>
    new AwsError('InvalidRouteTableID.NotFound', `The routeTable ID '${id}' does not exist`),
  volumeNotFound: (id: string) =>
    new AwsError('InvalidVolume.NotFound', `The volume '${id}' does not exist.`),
  snapshotNotFound: (id: string) =>
    new AwsError('InvalidSnapshot.NotFound', `The snapshot '${id}' does not exist.`),
  allocationNotFound: (id: string) =>
    new AwsError('InvalidAllocationID.NotFound', `The allocation ID '${id}' does not exist`),
  associationNotFound: (id: string) =>
    new AwsError('InvalidAssociationID.NotFound', `The association ID '${id}' does not exist`),
  placementGroupDuplicate: (name: string) =>
    new AwsError('InvalidPlacementGroup.Duplicate', `The placement group '${name}' already exists.`),
  placementGroupUnknown: (nameOrId: string) =>
    new AwsError('InvalidPlacementGroup.Unknown', `The Placement Group '${nameOrId}' is unknown.`),
  placementGroupInUse: (name: string) =>
    new AwsError(
      'InvalidPlacementGroup.InUse',
      `The placement group '${name}' is in use and may not be deleted.`,
    ),
  placementGroupInOtherZone: (name: string, zone: string) =>
    new AwsError(
      'InvalidPlacementGroup.InUse',
      `The placement group '${name}' is in use in another availability zone: ${zone}`,
    ),
  /** A cluster group's instances no longer fit together; AWS suggests relaunching them as one. */
  clusterCapacity: (name: string) =>
    new AwsError(
      'InsufficientInstanceCapacity',
      `We currently do not have sufficient capacity to launch all of the additional requested instances into Placement Group '${name}'. You may be able to satisfy your full cluster requirement by first terminating all of the existing instances in Placement Group '${name}' then launching the full cluster of required instances into Placement Group '${name}' in a single launch request.`,
      { status: 500 },
    ),
  /** Spread and partition groups: no hardware left that keeps the group's instances apart. */
  groupCapacity: (name: string, zone: string) =>
    new AwsError(
      'InsufficientInstanceCapacity',
      `We currently do not have sufficient capacity to launch all of the additional requested instances into Placement Group '${name}'. There is not enough distinct hardware in ${zone} to keep the group's instances apart; Amazon EC2 makes more distinct hardware available over time, so you can try your request again later.`,
      { status: 500 },
    ),
  spreadLimit: (name: string, zone: string, limit: number) =>
    new AwsError(
      'InsufficientInstanceCapacity',
      `We currently do not have sufficient capacity to launch all of the additional requested instances into Placement Group '${name}'. A spread placement group can have at most ${limit} running instances per Availability Zone, and '${name}' already has ${limit} in ${zone}.`,
      { status: 500 },
    ),
  incorrectState: (message: string) => new AwsError('IncorrectInstanceState', message),
  invalidValue: (message: string) => new AwsError('InvalidParameterValue', message),
  combination: (message: string) => new AwsError('InvalidParameterCombination', message),
  missing: (parameter: string) =>
    new AwsError('MissingParameter', `The request must contain the parameter ${parameter}`),
  dependency: (message: string) => new AwsError('DependencyViolation', message),
  operationNotPermitted: (message: string) => new AwsError('OperationNotPermitted', message),
};
