/**
 * DNS failover, as a learner builds it with the AWS SDK: two instances in two Availability
 * Zones whose user data installs and starts httpd with a page naming the instance, Elastic IPs,
 * a security group open on port 80, a health check on the primary's address, and a public
 * hosted zone with PRIMARY (health-checked) and SECONDARY failover records. Stopping the primary
 * turns the check unhealthy and TestDNSAnswer moves to the secondary; starting it again brings
 * the answer back; failing the primary's Availability Zone moves it again.
 */
import * as EC2 from '@aws-sdk/client-ec2';
import * as R53 from '@aws-sdk/client-route-53';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentials, labCall, serve, type Served } from '../support/serve';
import { waitState } from '../support/ssh';

const USER_DATA = `#!/bin/bash
dnf install -y httpd
echo "<h1>$(hostname -f)</h1>" > /var/www/html/index.html
systemctl enable --now httpd
`;

let lab: Served;
let ec2: EC2.EC2Client;
let r53: R53.Route53Client;
const site = {
  primary: { id: '', ip: '', zone: 'us-east-1a' },
  secondary: { id: '', ip: '', zone: 'us-east-1b' },
};
let healthCheckId = '';
let zoneId = '';

async function until<T>(
  what: string,
  probe: () => Promise<T>,
  done: (v: T) => boolean,
  ms = 30_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (done(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const answer = async () =>
  (
    await r53.send(
      new R53.TestDNSAnswerCommand({
        HostedZoneId: zoneId,
        RecordName: 'www.failover.example',
        RecordType: 'A',
      }),
    )
  ).RecordData ?? [];

const successes = async () =>
  (
    await r53.send(new R53.GetHealthCheckStatusCommand({ HealthCheckId: healthCheckId }))
  ).HealthCheckObservations!.filter((o) => o.StatusReport?.Status?.startsWith('Success')).length;

beforeAll(async () => {
  lab = await serve([]);
  ec2 = new EC2.EC2Client({ endpoint: lab.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  r53 = new R53.Route53Client({ endpoint: lab.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  await labCall(lab.endpoint, 'lab.clock', { speed: 100 });
  const groupId = (
    await ec2.send(new EC2.CreateSecurityGroupCommand({ GroupName: 'web', Description: 'web servers' }))
  ).GroupId!;
  await ec2.send(
    new EC2.AuthorizeSecurityGroupIngressCommand({
      GroupId: groupId,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    }),
  );
  for (const s of [site.primary, site.secondary]) {
    const out = await ec2.send(
      new EC2.RunInstancesCommand({
        ImageId: 'resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
        InstanceType: 't3.micro',
        MinCount: 1,
        MaxCount: 1,
        SecurityGroupIds: [groupId],
        Placement: { AvailabilityZone: s.zone },
        UserData: Buffer.from(USER_DATA).toString('base64'),
      }),
    );
    s.id = out.Instances![0]!.InstanceId!;
    await waitState(ec2, s.id, 'running');
    const eip = await ec2.send(new EC2.AllocateAddressCommand({ Domain: 'vpc' }));
    await ec2.send(new EC2.AssociateAddressCommand({ AllocationId: eip.AllocationId, InstanceId: s.id }));
    s.ip = eip.PublicIp!;
  }
  healthCheckId = (
    await r53.send(
      new R53.CreateHealthCheckCommand({
        CallerReference: 'primary-web',
        HealthCheckConfig: {
          Type: 'HTTP',
          IPAddress: site.primary.ip,
          Port: 80,
          ResourcePath: '/',
          RequestInterval: 10,
          FailureThreshold: 3,
        },
      }),
    )
  ).HealthCheck!.Id!;
  zoneId = (
    await r53.send(
      new R53.CreateHostedZoneCommand({ Name: 'failover.example', CallerReference: 'failover-zone' }),
    )
  ).HostedZone!.Id!;
  await r53.send(
    new R53.ChangeResourceRecordSetsCommand({
      HostedZoneId: zoneId,
      ChangeBatch: {
        Changes: [
          {
            Action: 'CREATE',
            ResourceRecordSet: {
              Name: 'www.failover.example',
              Type: 'A',
              SetIdentifier: 'primary',
              Failover: 'PRIMARY',
              TTL: 60,
              HealthCheckId: healthCheckId,
              ResourceRecords: [{ Value: site.primary.ip }],
            },
          },
          {
            Action: 'CREATE',
            ResourceRecordSet: {
              Name: 'www.failover.example',
              Type: 'A',
              SetIdentifier: 'secondary',
              Failover: 'SECONDARY',
              TTL: 60,
              ResourceRecords: [{ Value: site.secondary.ip }],
            },
          },
        ],
      },
    }),
  );
}, 120_000);

afterAll(async () => {
  await lab?.stop();
  lab?.cleanup();
});

describe('Route 53 DNS failover', () => {
  it('answers with the primary while its web server is healthy', async () => {
    await until('all checkers to see the primary', successes, (n) => n === 16);
    expect(await answer()).toEqual([site.primary.ip]);
  });

  it('moves to the secondary when the primary stops, and back when it starts', async () => {
    await ec2.send(new EC2.StopInstancesCommand({ InstanceIds: [site.primary.id] }));
    await until('the checkers to fail', successes, (n) => n === 0);
    expect(await until('the answer to move', answer, (a) => a[0] === site.secondary.ip)).toEqual([
      site.secondary.ip,
    ]);
    const status = await r53.send(new R53.GetHealthCheckStatusCommand({ HealthCheckId: healthCheckId }));
    expect(status.HealthCheckObservations![0]!.StatusReport!.Status).toMatch(
      /^Failure: Connection timed out\./,
    );

    await ec2.send(new EC2.StartInstancesCommand({ InstanceIds: [site.primary.id] }));
    await waitState(ec2, site.primary.id, 'running');
    await until('the checkers to recover', successes, (n) => n === 16);
    expect(await until('the answer to return', answer, (a) => a[0] === site.primary.ip)).toEqual([
      site.primary.ip,
    ]);
  }, 90_000);

  it("moves to the secondary when the primary's Availability Zone fails", async () => {
    await labCall(lab.endpoint, 'lab.hosts.fail', { zone: site.primary.zone });
    expect(await until('the answer to move', answer, (a) => a[0] === site.secondary.ip)).toEqual([
      site.secondary.ip,
    ]);
    await labCall(lab.endpoint, 'lab.hosts.restore', { zone: site.primary.zone });
  }, 90_000);
});
