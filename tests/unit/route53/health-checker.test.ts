/**
 * The health checker on the simulated clock: an instance serving HTTP is healthy from all
 * sixteen checkers; stopping it, closing its security group, a failed host, a wrong status
 * code or a missing search string turn the check unhealthy within FailureThreshold rounds; the
 * 18% rule; calculated and inverted checks; observations kept and trimmed.
 */
import type * as R53 from '@aws-sdk/client-route-53';
import { describe, expect, it } from 'vitest';
import type { CloudEvent } from '../../../electron/core/kernel/events';
import { isAwsError } from '../../../electron/core/kernel/errors';
import {
  CHECKER_LOCATIONS,
  endpointHealthy,
  isHealthy,
} from '../../../electron/core/services/route53/health-status';
import { KEPT_ROUNDS, type Route53Runtime } from '../../../electron/core/services/route53/runtime';
import { workspaceDir } from '../ec2/lab';
import { osLab } from '../os/lab';
import { addresses, permission } from '../os/net-helpers';
import { serviceCaller } from '../../support/internal-call';

type Lab = Awaited<ReturnType<typeof osLab>>;

async function setup(dataDir?: string) {
  const lab = await osLab(dataDir ? { dataDir } : {});
  const r53 = serviceCaller(() => lab.cloud, 'route53');
  const runtime = lab.cloud.runtime<Route53Runtime>('route53');
  const events: CloudEvent[] = [];
  lab.cloud.events.subscribe((e) => {
    if (e.topic === 'route53.health.changed') events.push(e);
  });
  /** Let simulated seconds pass and the rounds they triggered finish. */
  const pass = async (seconds: number) => {
    await lab.elapse(seconds * 1000);
    await runtime.settled();
    await lab.cloud.os.settled();
  };
  return { lab, r53, runtime, events, pass };
}

async function webServer(lab: Lab, body = '<h1>web</h1>', status = 200): Promise<{ id: string; ip: string }> {
  const id = await lab.launch();
  const a = await addresses(lab, id);
  await lab
    .call('AuthorizeSecurityGroupIngress', { GroupId: a.groupId, IpPermissions: [permission('tcp', 80)] })
    .catch(() => undefined); // the default group is shared: the rule may be there already
  const m = (await lab.cloud.os.instance(id))!;
  m.listen({
    protocol: 'tcp',
    port: 80,
    address: '0.0.0.0',
    program: 'httpd',
    pid: 1,
    http: () => ({ status, headers: { 'content-type': 'text/html' }, body }),
  });
  return { id, ip: a.publicIp };
}

async function create(
  r53: Awaited<ReturnType<typeof setup>>['r53'],
  config: Partial<R53.HealthCheckConfig>,
  ref = `ref-${Math.random()}`,
): Promise<string> {
  const out = await r53<R53.CreateHealthCheckResponse>('CreateHealthCheck', {
    CallerReference: ref,
    HealthCheckConfig: { Type: 'HTTP', ...config },
  });
  return out.HealthCheck!.Id!;
}

const status = async (r53: Awaited<ReturnType<typeof setup>>['r53'], id: string) =>
  (await r53<R53.GetHealthCheckStatusResponse>('GetHealthCheckStatus', { HealthCheckId: id }))
    .HealthCheckObservations!;

describe('the Route 53 health checker', () => {
  it('sees a web server healthy from sixteen checkers and unhealthy once it stops', async () => {
    const { lab, r53, events, pass } = await setup();
    const web = await webServer(lab);
    // An Elastic IP keeps the address across stop and start, as AWS recommends for health checks.
    const eip = await lab.call<{ AllocationId: string; PublicIp: string }>('AllocateAddress', {
      Domain: 'vpc',
    });
    await lab.call('AssociateAddress', { AllocationId: eip.AllocationId, InstanceId: web.id });
    web.ip = eip.PublicIp;
    const id = await create(r53, { IPAddress: web.ip, RequestInterval: 10, FailureThreshold: 3 });
    expect(isHealthy(lab.cloud, id)).toBe(true);
    await pass(1);
    const first = await status(r53, id);
    expect(first).toHaveLength(16);
    expect(new Set(first.map((o) => o.Region)).size).toBe(8);
    expect(first.map((o) => o.IPAddress)).toEqual(CHECKER_LOCATIONS.map((c) => c.ip));
    expect(first.every((o) => o.StatusReport!.Status === 'Success: HTTP Status Code 200, OK')).toBe(true);

    await lab.call('StopInstances', { InstanceIds: [web.id] });
    // Within FailureThreshold × RequestInterval = 30 simulated seconds.
    await pass(30);
    expect(isHealthy(lab.cloud, id)).toBe(false);
    const after = await status(r53, id);
    expect(after[0]!.StatusReport!.Status).toMatch(/^Failure: Connection timed out\./);
    expect(events.map((e) => e.data)).toEqual([{ healthCheckId: id, healthy: false }]);

    await lab.call('StartInstances', { InstanceIds: [web.id] });
    await lab.running();
    const m = (await lab.cloud.os.instance(web.id))!;
    m.listen({
      protocol: 'tcp',
      port: 80,
      address: '0.0.0.0',
      program: 'httpd',
      pid: 1,
      http: () => ({ status: 200, headers: {}, body: 'ok' }),
    });
    await pass(30);
    expect(isHealthy(lab.cloud, id)).toBe(true);
    expect(events.map((e) => (e.data as { healthy: boolean }).healthy)).toEqual([false, true]);
  });

  it('needs FailureThreshold consecutive failures before a checker changes its mind', async () => {
    const { lab, r53, pass } = await setup();
    const web = await webServer(lab);
    const id = await create(r53, { IPAddress: web.ip, RequestInterval: 30, FailureThreshold: 5 });
    await pass(1);
    await lab.call('StopInstances', { InstanceIds: [web.id] });
    await pass(90); // 3 or 4 failed rounds
    expect(isHealthy(lab.cloud, id)).toBe(true);
    await pass(60);
    expect(isHealthy(lab.cloud, id)).toBe(false);
  });

  it('fails when the security group does not admit the checkers, and on a failed host', async () => {
    const { lab, r53, pass } = await setup();
    const web = await webServer(lab);
    const a = await addresses(lab, web.id);
    const id = await create(r53, { IPAddress: web.ip, RequestInterval: 10, FailureThreshold: 1 });
    await pass(1);
    expect(isHealthy(lab.cloud, id)).toBe(true);
    await lab.call('RevokeSecurityGroupIngress', {
      GroupId: a.groupId,
      IpPermissions: [permission('tcp', 80)],
    });
    await pass(10);
    expect(isHealthy(lab.cloud, id)).toBe(false);
    // Only the us-east-1 ranges let in: 2 of 16 checkers (12.5%) is not more than 18%.
    await lab.call('AuthorizeSecurityGroupIngress', {
      GroupId: a.groupId,
      IpPermissions: [
        {
          IpProtocol: 'tcp',
          FromPort: 80,
          ToPort: 80,
          IpRanges: [{ CidrIp: '54.243.31.192/26' }, { CidrIp: '107.23.255.0/26' }],
        },
      ],
    });
    await pass(10);
    expect((await status(r53, id)).filter((o) => o.StatusReport!.Status!.startsWith('Success'))).toHaveLength(
      2,
    );
    expect(isHealthy(lab.cloud, id)).toBe(false);
    // Add us-west-1: 4 of 16 (25%) is healthy.
    await lab.call('AuthorizeSecurityGroupIngress', {
      GroupId: a.groupId,
      IpPermissions: [
        {
          IpProtocol: 'tcp',
          FromPort: 80,
          ToPort: 80,
          IpRanges: [{ CidrIp: '54.241.32.64/26' }, { CidrIp: '54.183.255.128/26' }],
        },
      ],
    });
    await pass(10);
    expect(isHealthy(lab.cloud, id)).toBe(true);

    const zone = (await lab.instance(web.id)).Placement!.AvailabilityZone!;
    await lab.handlers['lab.hosts.fail']({ zone });
    await pass(10);
    expect(isHealthy(lab.cloud, id)).toBe(false);
  });

  it('reads status codes, search strings, refusals and TCP connections', async () => {
    const { lab, r53, pass } = await setup();
    const web = await webServer(lab, 'x'.repeat(6000) + 'late', 200);
    const down = await webServer(lab, 'oops', 503);
    const { groupId } = await addresses(lab, down.id);
    await lab.call('AuthorizeSecurityGroupIngress', {
      GroupId: groupId,
      IpPermissions: [permission('tcp', 8080)],
    });
    const ids = {
      match: await create(r53, {
        Type: 'HTTP_STR_MATCH',
        IPAddress: web.ip,
        SearchString: 'xxx',
        FailureThreshold: 1,
      }),
      late: await create(r53, {
        Type: 'HTTP_STR_MATCH',
        IPAddress: web.ip,
        SearchString: 'late',
        FailureThreshold: 1,
      }),
      status: await create(r53, { IPAddress: down.ip, FailureThreshold: 1 }),
      refused: await create(r53, { IPAddress: web.ip, Port: 8080, FailureThreshold: 1 }),
      tcp: await create(r53, { Type: 'TCP', IPAddress: web.ip, Port: 80, FailureThreshold: 1 }),
      https: await create(r53, { Type: 'HTTPS', IPAddress: web.ip, FailureThreshold: 1 }),
    };
    await pass(1);
    const first = async (id: string) => (await status(r53, id))[0]!.StatusReport!.Status;
    expect(await first(ids.match)).toBe('Success: HTTP Status Code 200, OK');
    expect(await first(ids.late)).toBe('Failure: The response body did not contain the search string.');
    expect(await first(ids.status)).toBe('Failure: HTTP Status Code 503, Service Unavailable');
    expect(await first(ids.refused)).toMatch(/^Failure: Connection refused/);
    expect(await first(ids.tcp)).toBe('Success: TCP connection established.');
    expect(await first(ids.https)).toMatch(/^Failure: Connection timed out/);
    expect(isHealthy(lab.cloud, ids.match)).toBe(true);
    expect(isHealthy(lab.cloud, ids.late)).toBe(false);
    expect(isHealthy(lab.cloud, ids.status)).toBe(false);
    expect(isHealthy(lab.cloud, ids.tcp)).toBe(true);
  });

  it('resolves a domain name and names the address it checked', async () => {
    const { lab, r53, pass } = await setup();
    const web = await webServer(lab);
    const name = (await lab.instance(web.id)).PublicDnsName!;
    const id = await create(r53, { FullyQualifiedDomainName: name, FailureThreshold: 1 });
    await pass(1);
    expect((await status(r53, id))[0]!.StatusReport!.Status).toBe(
      `Success: HTTP Status Code 200, OK. Resolved IP: ${web.ip}`,
    );
  });

  it('combines children in calculated checks, inverts, and treats disabled and unknown checks as healthy', async () => {
    const { lab, r53, pass } = await setup();
    const web = await webServer(lab);
    const up = await create(r53, { IPAddress: web.ip, FailureThreshold: 1 });
    const down = await create(r53, { IPAddress: web.ip, Port: 81, FailureThreshold: 1 });
    const inverted = await create(r53, { IPAddress: web.ip, Port: 81, FailureThreshold: 1, Inverted: true });
    const disabled = await create(r53, { IPAddress: web.ip, Port: 81, FailureThreshold: 1, Disabled: true });
    const one = await create(r53, { Type: 'CALCULATED', ChildHealthChecks: [up, down], HealthThreshold: 1 });
    const two = await create(r53, { Type: 'CALCULATED', ChildHealthChecks: [up, down], HealthThreshold: 2 });
    await pass(1);
    expect([up, down, inverted, disabled, one, two].map((id) => isHealthy(lab.cloud, id))).toEqual([
      true,
      false,
      true,
      true,
      true,
      false,
    ]);
    expect(isHealthy(lab.cloud, '00000000-0000-4000-8000-000000000000')).toBe(true);
    const e = await r53('GetHealthCheckStatus', { HealthCheckId: one }).catch((x: unknown) => x);
    expect(isAwsError(e) && e.code).toBe('InvalidInput');
  });

  it('keeps a short history of observations and restores the checkers after a restart', async () => {
    const dataDir = workspaceDir();
    const { lab, r53, pass } = await setup(dataDir);
    const web = await webServer(lab);
    const id = await create(r53, { IPAddress: web.ip, RequestInterval: 10, FailureThreshold: 1 });
    await pass(10 * (KEPT_ROUNDS + 5));
    const rows = lab.cloud.store.get<{ n: number }>(
      'SELECT COUNT(*) AS n FROM r53_health_observations WHERE health_check_id = ?',
      [id],
    )!.n;
    expect(rows).toBeLessThanOrEqual(16 * (KEPT_ROUNDS + 1));
    expect(rows).toBeGreaterThanOrEqual(16 * KEPT_ROUNDS);

    await lab.call('StopInstances', { InstanceIds: [web.id] });
    await pass(10);
    expect(isHealthy(lab.cloud, id)).toBe(false);
    await lab.close();
    const again = await setup(dataDir);
    expect(isHealthy(again.lab.cloud, id)).toBe(false);
    expect(await status(again.r53, id)).toHaveLength(16);
  });

  it('follows the 18% rule', () => {
    const views = (healthy: number, total = 16) => Array.from({ length: total }, (_, k) => k < healthy);
    expect(endpointHealthy(views(2))).toBe(false);
    expect(endpointHealthy(views(3))).toBe(true);
    expect(endpointHealthy(views(0, 0))).toBe(true);
  });
});
