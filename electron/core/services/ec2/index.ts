/**
 * Amazon EC2: global infrastructure, instances on the hypervisor's hosts, key pairs, VPC
 * networking, security groups, EBS and Elastic IPs.
 */
import { defineService, SIGNATURE_MISMATCH_MESSAGE } from '../../service';
import * as addresses from './addresses';
import { describeAvailabilityZones } from './availability-zones';
import { describeImages } from './images';
import * as instances from './instance-ops';
import { describeInstanceTypes } from './instance-types';
import * as keyPairs from './key-pairs';
import * as network from './network';
import * as placementGroups from './placement-groups';
import { describeRegions } from './regions';
import { resourceMigrations } from './resources';
import { Ec2Runtime } from './runtime';
import * as groups from './security-groups';
import * as tags from './tags';
import * as volumes from './volumes';

export const ec2 = defineService({
  name: 'ec2',
  title: 'Amazon EC2',
  model: 'ec2-2016-11-15',
  signingName: 'ec2',
  endpointPrefix: 'ec2',
  migrations: resourceMigrations,
  runtime: (cloud) => new Ec2Runtime(cloud),
  operations: {
    DescribeRegions: describeRegions,
    DescribeAvailabilityZones: describeAvailabilityZones,
    RunInstances: instances.runInstances,
    DescribeInstances: instances.describeInstances,
    StartInstances: instances.startInstances,
    StopInstances: instances.stopInstances,
    RebootInstances: instances.rebootInstances,
    TerminateInstances: instances.terminateInstances,
    DescribeInstanceStatus: instances.describeInstanceStatus,
    GetConsoleOutput: instances.getConsoleOutput,
    ModifyInstanceAttribute: instances.modifyInstanceAttribute,
    DescribeInstanceAttribute: instances.describeInstanceAttribute,
    DescribeInstanceTypes: describeInstanceTypes,
    DescribeImages: describeImages,
    CreateKeyPair: keyPairs.createKeyPair,
    ImportKeyPair: keyPairs.importKeyPair,
    DescribeKeyPairs: keyPairs.describeKeyPairs,
    DeleteKeyPair: keyPairs.deleteKeyPair,
    CreateVpc: network.createVpc,
    DescribeVpcs: network.describeVpcs,
    DeleteVpc: network.deleteVpc,
    CreateSubnet: network.createSubnet,
    DescribeSubnets: network.describeSubnets,
    ModifySubnetAttribute: network.modifySubnetAttribute,
    DeleteSubnet: network.deleteSubnet,
    CreateInternetGateway: network.createInternetGateway,
    AttachInternetGateway: network.attachInternetGateway,
    DetachInternetGateway: network.detachInternetGateway,
    DeleteInternetGateway: network.deleteInternetGateway,
    DescribeInternetGateways: network.describeInternetGateways,
    CreateRouteTable: network.createRouteTable,
    DescribeRouteTables: network.describeRouteTables,
    CreateRoute: network.createRoute,
    DeleteRoute: network.deleteRoute,
    AssociateRouteTable: network.associateRouteTable,
    DisassociateRouteTable: network.disassociateRouteTable,
    DeleteRouteTable: network.deleteRouteTable,
    AllocateAddress: addresses.allocateAddress,
    AssociateAddress: addresses.associateAddress,
    DisassociateAddress: addresses.disassociateAddress,
    ReleaseAddress: addresses.releaseAddress,
    DescribeAddresses: addresses.describeAddresses,
    CreateSecurityGroup: groups.createSecurityGroup,
    DeleteSecurityGroup: groups.deleteSecurityGroup,
    DescribeSecurityGroups: groups.describeSecurityGroups,
    DescribeSecurityGroupRules: groups.describeSecurityGroupRules,
    AuthorizeSecurityGroupIngress: groups.authorizeSecurityGroupIngress,
    AuthorizeSecurityGroupEgress: groups.authorizeSecurityGroupEgress,
    RevokeSecurityGroupIngress: groups.revokeSecurityGroupIngress,
    RevokeSecurityGroupEgress: groups.revokeSecurityGroupEgress,
    CreateVolume: volumes.createVolume,
    DescribeVolumes: volumes.describeVolumes,
    AttachVolume: volumes.attachVolume,
    DetachVolume: volumes.detachVolume,
    DeleteVolume: volumes.deleteVolume,
    CreateSnapshot: volumes.createSnapshot,
    DescribeSnapshots: volumes.describeSnapshots,
    DeleteSnapshot: volumes.deleteSnapshot,
    CreatePlacementGroup: placementGroups.createPlacementGroup,
    DescribePlacementGroups: placementGroups.describePlacementGroups,
    DeletePlacementGroup: placementGroups.deletePlacementGroup,
    CreateTags: tags.createTags,
    DeleteTags: tags.deleteTags,
    DescribeTags: tags.describeTags,
  },
  auth: {
    unknownKey: ['AuthFailure', 401, 'AWS was not able to validate the provided access credentials'],
    badSignature: ['SignatureDoesNotMatch', 403, SIGNATURE_MISMATCH_MESSAGE],
    missing: [
      'MissingAuthenticationToken',
      403,
      'The request must contain either a valid (registered) AWS access key ID or X.509 certificate.',
    ],
    expired: ['RequestExpired', 400, 'Request has expired.'],
  },
});
