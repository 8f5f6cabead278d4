/**
 * Amazon Route 53: hosted zones (public, and private to VPCs), record sets with routing
 * policies, changes that turn INSYNC on the simulated clock, health checks probing through the
 * simulated network, and TestDNSAnswer. Names resolve through the one resolver in
 * electron/core/network/dns, which the instances, the console and the DNS server share.
 */
import { defineService, SIGNATURE_MISMATCH_MESSAGE } from '../../service';
import { getChange } from './changes';
import {
  createHealthCheck,
  deleteHealthCheck,
  getHealthCheck,
  getHealthCheckCount,
  getHealthCheckStatus,
  listHealthChecks,
  updateHealthCheck,
} from './health-checks';
import {
  associateVPCWithHostedZone,
  createHostedZone,
  deleteHostedZone,
  disassociateVPCFromHostedZone,
  getHostedZone,
  getHostedZoneCount,
  listHostedZones,
  listHostedZonesByName,
  listHostedZonesByVPC,
  updateHostedZoneComment,
} from './hosted-zones';
import { changeResourceRecordSets, listResourceRecordSets } from './record-sets';
import { Route53Runtime } from './runtime';
import { route53Migrations } from './schema';
import { changeTagsForResource, listTagsForResource, listTagsForResources } from './tags';
import { testDNSAnswer } from './test-dns-answer';

export const route53 = defineService({
  name: 'route53',
  title: 'Amazon Route 53',
  model: 'route53-2013-04-01',
  signingName: 'route53',
  endpointPrefix: 'route53',
  global: true,
  migrations: route53Migrations,
  runtime: (cloud) => new Route53Runtime(cloud),
  operations: {
    CreateHostedZone: createHostedZone,
    GetHostedZone: getHostedZone,
    ListHostedZones: listHostedZones,
    ListHostedZonesByName: listHostedZonesByName,
    ListHostedZonesByVPC: listHostedZonesByVPC,
    GetHostedZoneCount: getHostedZoneCount,
    UpdateHostedZoneComment: updateHostedZoneComment,
    DeleteHostedZone: deleteHostedZone,
    AssociateVPCWithHostedZone: associateVPCWithHostedZone,
    DisassociateVPCFromHostedZone: disassociateVPCFromHostedZone,
    ChangeResourceRecordSets: changeResourceRecordSets,
    ListResourceRecordSets: listResourceRecordSets,
    GetChange: getChange,
    TestDNSAnswer: testDNSAnswer,
    CreateHealthCheck: createHealthCheck,
    GetHealthCheck: getHealthCheck,
    UpdateHealthCheck: updateHealthCheck,
    DeleteHealthCheck: deleteHealthCheck,
    ListHealthChecks: listHealthChecks,
    GetHealthCheckStatus: getHealthCheckStatus,
    GetHealthCheckCount: getHealthCheckCount,
    ChangeTagsForResource: changeTagsForResource,
    ListTagsForResource: listTagsForResource,
    ListTagsForResources: listTagsForResources,
  },
  auth: {
    unknownKey: ['InvalidClientTokenId', 403, 'The security token included in the request is invalid.'],
    badSignature: ['SignatureDoesNotMatch', 403, SIGNATURE_MISMATCH_MESSAGE],
    missing: ['MissingAuthenticationToken', 403, 'Missing Authentication Token'],
    expired: [
      'SignatureDoesNotMatch',
      403,
      'Signature expired: the request time is more than 15 minutes away from now.',
    ],
  },
});
