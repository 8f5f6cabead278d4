/**
 * Route 53's errors with AWS's codes, HTTP statuses and messages. InvalidChangeBatch lists every
 * problem of a batch in one message, `[first, second]`, as Route 53 does.
 */
import { AwsError } from '../../kernel/errors';

export function noSuchHostedZone(id: string): AwsError {
  return new AwsError('NoSuchHostedZone', `No hosted zone found with ID: ${id}`, { status: 404 });
}

export function noSuchChange(id: string): AwsError {
  return new AwsError('NoSuchChange', `A change with the specified change ID does not exist: ${id}`, {
    status: 404,
  });
}

export function noSuchHealthCheck(id: string): AwsError {
  return new AwsError('NoSuchHealthCheck', `A health check with id ${id} does not exist.`, { status: 404 });
}

export function hostedZoneAlreadyExists(): AwsError {
  return new AwsError(
    'HostedZoneAlreadyExists',
    'A hosted zone has already been created with the specified caller reference.',
    { status: 409 },
  );
}

export function hostedZoneNotEmpty(): AwsError {
  return new AwsError(
    'HostedZoneNotEmpty',
    'The hosted zone contains resource records that are not SOA or NS records.',
    { status: 400 },
  );
}

export function invalidInput(message: string): AwsError {
  return new AwsError('InvalidInput', message, { status: 400 });
}

export function invalidPaginationToken(): AwsError {
  return new AwsError('InvalidPaginationToken', 'The value of NextToken is not valid.', { status: 400 });
}

export function invalidDomainName(message: string): AwsError {
  return new AwsError('InvalidDomainName', message, { status: 400 });
}

export function invalidVpcId(): AwsError {
  return new AwsError('InvalidVPCId', 'Invalid or missing VPC Id.', { status: 400 });
}

export function publicZoneVpcAssociation(zoneId: string, vpcId: string): AwsError {
  return new AwsError(
    'PublicZoneVPCAssociation',
    `Attempting to associate public zone: ${zoneId} with vpc: ${vpcId}`,
    { status: 400 },
  );
}

export function lastVpcAssociation(): AwsError {
  return new AwsError(
    'LastVPCAssociation',
    "The VPC that you're trying to disassociate from the private hosted zone is the last VPC that is associated with the hosted zone. Amazon Route 53 doesn't support disassociating the last VPC from a hosted zone.",
    { status: 400 },
  );
}

export function vpcAssociationNotFound(zoneId: string, vpcId: string): AwsError {
  return new AwsError(
    'VPCAssociationNotFound',
    `The specified VPC ${vpcId} is not associated with the hosted zone ${zoneId}.`,
    { status: 404 },
  );
}

export function conflictingDomainExists(vpcId: string, name: string): AwsError {
  return new AwsError(
    'ConflictingDomainExists',
    `The VPC ${vpcId} is already associated with another private hosted zone named ${name}.`,
    { status: 400 },
  );
}

/** One InvalidChangeBatch for all of a batch's problems, in the order they were found. */
export function invalidChangeBatch(messages: string[]): AwsError {
  return new AwsError('InvalidChangeBatch', `[${messages.join(', ')}]`, { status: 400 });
}
