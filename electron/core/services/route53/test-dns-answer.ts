/**
 * TestDNSAnswer: what one hosted zone's name servers answer for a name and type, asked through
 * the one resolver as a DNS resolver on the internet would ask (by default one in us-east-1).
 * ResolverIP and EDNS0ClientSubnetIP say where the asker is, for latency and geolocation
 * records: an address of an instance is in that instance's Region, any other in us-east-1.
 * RecordData lists the answer section's values (a CNAME chain's names, then the addresses).
 */
import type * as R53 from '@aws-sdk/client-route-53';
import { resolveWith } from '../../network/dns/resolver';
import { instanceByIp } from '../../network/dns/ec2-names';
import type { DnsClient, RRType } from '../../network/dns/types';
import type { OperationContext } from '../../service';
import { requireZone } from './hosted-zones';

/** The address of the resolver TestDNSAnswer uses when none is given (us-east-1). */
const DEFAULT_RESOLVER_IP = '72.21.198.64';

export async function testDNSAnswer(
  ctx: OperationContext,
  input: R53.TestDNSAnswerRequest,
): Promise<R53.TestDNSAnswerResponse> {
  const zone = requireZone(ctx.cloud.store, ctx, input.HostedZoneId);
  const recordName = input.RecordName ?? '';
  const recordType = (input.RecordType ?? 'A') as RRType;
  const ip = input.EDNS0ClientSubnetIP ?? input.ResolverIP ?? DEFAULT_RESOLVER_IP;
  const region = instanceByIp(ctx.cloud, ip)?.scope.region ?? 'us-east-1';
  const client: DnsClient = { kind: 'internet', ip, region };
  const result = await resolveWith(ctx.cloud, { name: recordName, type: recordType }, client, {
    zoneId: zone.id,
  });
  const servers = JSON.parse(zone.delegation) as string[];
  return {
    Nameserver: servers[0] ?? '',
    RecordName: recordName,
    RecordType: recordType,
    RecordData: result.answers.map((r) => r.value),
    ResponseCode: result.code,
    Protocol: 'UDP',
  };
}
