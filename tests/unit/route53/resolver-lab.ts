/**
 * A lab for resolver tests: an EC2 lab plus Route 53 calls as the console's principal, and
 * helpers to create zones and record sets and to ask the one resolver.
 */
import type * as R53 from '@aws-sdk/client-route-53';
import { resolveDns } from '../../../electron/core/network/dns/resolver';
import type { DnsClient, DnsQuestion } from '../../../electron/core/network/dns/types';
import { ec2Lab } from '../ec2/lab';
import { serviceCaller } from '../../support/internal-call';

export const INTERNET: DnsClient = { kind: 'internet', ip: '198.51.100.7', region: 'us-east-1' };

export async function resolverLab() {
  const lab = await ec2Lab({ seed: 'resolver' });
  const { cloud } = lab;
  const r53 = serviceCaller(() => cloud, 'route53');
  let refs = 0;

  /** A hosted zone (public, or private to a VPC); answers its bare ID. */
  async function zone(name: string, vpc?: { VPCRegion: string; VPCId: string }): Promise<string> {
    const out = await r53<R53.CreateHostedZoneResponse>('CreateHostedZone', {
      Name: name,
      CallerReference: `ref-${++refs}`,
      ...(vpc ? { VPC: vpc, HostedZoneConfig: { PrivateZone: true } } : {}),
    });
    return out.HostedZone!.Id!.replace('/hostedzone/', '');
  }

  /** UPSERT record sets into a zone. */
  async function records(zoneId: string, ...sets: R53.ResourceRecordSet[]): Promise<void> {
    await r53('ChangeResourceRecordSets', {
      HostedZoneId: zoneId,
      ChangeBatch: { Changes: sets.map((s) => ({ Action: 'UPSERT', ResourceRecordSet: s })) },
    });
  }

  const a = (Name: string, ...values: string[]): R53.ResourceRecordSet => ({
    Name,
    Type: 'A',
    TTL: 300,
    ResourceRecords: values.map((Value) => ({ Value })),
  });

  const ask = (name: string, type: DnsQuestion['type'] = 'A', client: DnsClient = INTERNET) =>
    resolveDns(cloud, { name, type }, client);

  /** The values of the answer section. */
  const values = async (name: string, type: DnsQuestion['type'] = 'A', client: DnsClient = INTERNET) =>
    (await ask(name, type, client)).answers.map((r) => r.value);

  async function vpc(cidr = '10.20.0.0/16', region = 'us-east-1'): Promise<string> {
    const out = await lab.call<{ Vpc: { VpcId: string } }>('CreateVpc', { CidrBlock: cidr }, region);
    return out.Vpc.VpcId;
  }

  const inVpc = (vpcId: string, region = 'us-east-1', ip = '10.20.0.10'): DnsClient => ({
    kind: 'vpc',
    account: cloud.accounts.consolePrincipal().accountId,
    region,
    vpcId,
    ip,
  });

  return { ...lab, r53, zone, records, a, ask, values, vpc, inVpc };
}
