/**
 * Failover as an instance sees it: two web servers in two Availability Zones, a health check on
 * the primary, PRIMARY/SECONDARY records in a public zone; `dig` and `curl` in a third
 * instance's shell follow the answer to the secondary when the primary stops, and a health
 * check by domain name follows the zone's answer.
 */
import type * as R53 from '@aws-sdk/client-route-53';
import { expect, it } from 'vitest';
import type { Route53Runtime } from '../../../electron/core/services/route53/runtime';
import { osLab } from '../os/lab';
import { addresses, permission } from '../os/net-helpers';
import { serviceCaller } from '../../support/internal-call';

it('moves dig and curl to the secondary when the primary stops', async () => {
  const lab = await osLab();
  const r53 = serviceCaller(() => lab.cloud, 'route53');
  const pass = async (seconds: number) => {
    await lab.elapse(seconds * 1000);
    await lab.cloud.runtime<Route53Runtime>('route53').settled();
  };
  const web = async (zone: string, name: string) => {
    const id = await lab.launch({ Placement: { AvailabilityZone: zone } });
    const a = await addresses(lab, id);
    await lab
      .call('AuthorizeSecurityGroupIngress', { GroupId: a.groupId, IpPermissions: [permission('tcp', 80)] })
      .catch(() => undefined);
    (await lab.cloud.os.instance(id))!.listen({
      protocol: 'tcp',
      port: 80,
      address: '0.0.0.0',
      program: 'httpd',
      pid: 1,
      http: () => ({ status: 200, headers: {}, body: name }),
    });
    return { id, ip: a.publicIp };
  };
  const primary = await web('us-east-1a', 'primary');
  const secondary = await web('us-east-1b', 'secondary');
  const client = await lab.launch();

  const check = await r53<R53.CreateHealthCheckResponse>('CreateHealthCheck', {
    CallerReference: 'primary',
    HealthCheckConfig: { Type: 'HTTP', IPAddress: primary.ip, RequestInterval: 10, FailureThreshold: 2 },
  });
  const zone = await r53<R53.CreateHostedZoneResponse>('CreateHostedZone', {
    Name: 'shop.example',
    CallerReference: 'zone',
  });
  const set = (id: string, role: 'PRIMARY' | 'SECONDARY', ip: string, healthCheckId?: string) => ({
    Action: 'CREATE',
    ResourceRecordSet: {
      Name: 'www.shop.example',
      Type: 'A',
      SetIdentifier: id,
      Failover: role,
      TTL: 60,
      ...(healthCheckId ? { HealthCheckId: healthCheckId } : {}),
      ResourceRecords: [{ Value: ip }],
    },
  });
  await r53('ChangeResourceRecordSets', {
    HostedZoneId: zone.HostedZone!.Id,
    ChangeBatch: {
      Changes: [
        set('one', 'PRIMARY', primary.ip, check.HealthCheck!.Id),
        set('two', 'SECONDARY', secondary.ip),
      ],
    },
  });
  // A check by name follows the zone's answer.
  const byName = await r53<R53.CreateHealthCheckResponse>('CreateHealthCheck', {
    CallerReference: 'by-name',
    HealthCheckConfig: { Type: 'HTTP', FullyQualifiedDomainName: 'www.shop.example', FailureThreshold: 1 },
  });
  await pass(1);
  const sh = await lab.shell(client);
  expect((await sh.run('dig +short www.shop.example')).stdout.trim()).toBe(primary.ip);
  expect((await sh.run('curl -s http://www.shop.example/')).stdout).toBe('primary');

  await lab.call('StopInstances', { InstanceIds: [primary.id] });
  await pass(20);
  expect((await sh.run('dig +short www.shop.example')).stdout.trim()).toBe(secondary.ip);
  expect((await sh.run('curl -s http://www.shop.example/')).stdout).toBe('secondary');
  await pass(30);
  const status = await r53<R53.GetHealthCheckStatusResponse>('GetHealthCheckStatus', {
    HealthCheckId: byName.HealthCheck!.Id,
  });
  expect(status.HealthCheckObservations![0]!.StatusReport!.Status).toBe(
    `Success: HTTP Status Code 200, OK. Resolved IP: ${secondary.ip}`,
  );
});
