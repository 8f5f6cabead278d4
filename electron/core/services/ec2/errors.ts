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
  incorrectState: (message: string) => new AwsError('IncorrectInstanceState', message),
  invalidValue: (message: string) => new AwsError('InvalidParameterValue', message),
  combination: (message: string) => new AwsError('InvalidParameterCombination', message),
  missing: (parameter: string) =>
    new AwsError('MissingParameter', `The request must contain the parameter ${parameter}`),
  dependency: (message: string) => new AwsError('DependencyViolation', message),
  operationNotPermitted: (message: string) => new AwsError('OperationNotPermitted', message),
};
