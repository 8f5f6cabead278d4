/**
 * Route 53 names resolve inside the lab, as a learner sees it over SSH: a public zone and an A
 * record made with the SDK answer `dig`, `dig +short`, `nslookup` and `curl http://name/` from
 * an instance; a private zone answers only inside the VPC it is associated with.
 */
import * as EC2 from '@aws-sdk/client-ec2';
import * as R53 from '@aws-sdk/client-route-53';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentials, labCall, serve, type Served } from '../support/serve';
import { sshPortOf, systemSsh, waitState } from '../support/ssh';
import { tempDir } from '../support/temp';

const workspace = tempDir('cloudlab-r53-resolve-');
const keyFile = join(workspace.dir, 'key.pem');
let lab: Served;
let ec2: EC2.EC2Client;
let r53: R53.Route53Client;
let web: EC2.Instance;
let client: EC2.Instance;
let other: EC2.Instance;

const run = (instance: EC2.Instance, command: string) =>
  systemSsh(sshPortOf(lab.stdout()), ['-i', keyFile, `ec2-user@${instance.InstanceId}@127.0.0.1`, command]);

async function upsert(zoneId: string, ...sets: R53.ResourceRecordSet[]) {
  await r53.send(
    new R53.ChangeResourceRecordSetsCommand({
      HostedZoneId: zoneId,
      ChangeBatch: { Changes: sets.map((ResourceRecordSet) => ({ Action: 'UPSERT', ResourceRecordSet })) },
    }),
  );
}

beforeAll(async () => {
  lab = await serve([], { dataDir: join(workspace.dir, 'data') });
  ec2 = new EC2.EC2Client({ endpoint: lab.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  r53 = new R53.Route53Client({ endpoint: lab.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  await labCall(lab.endpoint, 'lab.clock', { speed: 200 });
  const key = await ec2.send(new EC2.CreateKeyPairCommand({ KeyName: 'dns' }));
  writeFileSync(keyFile, key.KeyMaterial!, { mode: 0o400 });
  const groupId = (
    await ec2.send(new EC2.CreateSecurityGroupCommand({ GroupName: 'dns', Description: 'ssh and web' }))
  ).GroupId!;
  await ec2.send(
    new EC2.AuthorizeSecurityGroupIngressCommand({
      GroupId: groupId,
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        { IpProtocol: 'tcp', FromPort: 8000, ToPort: 8000, IpRanges: [{ CidrIp: '172.31.0.0/16' }] },
      ],
    }),
  );
  const launch = async (input: Partial<EC2.RunInstancesRequest> = {}) => {
    const out = await ec2.send(
      new EC2.RunInstancesCommand({
        ImageId: 'resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
        InstanceType: 't3.micro',
        MinCount: 1,
        MaxCount: 1,
        KeyName: 'dns',
        SecurityGroupIds: [groupId],
        ...input,
      }),
    );
    return waitState(ec2, out.Instances![0]!.InstanceId!, 'running');
  };
  web = await launch();
  client = await launch();

  // A second VPC with a public subnet, for the private zone's outside view.
  const vpc = (await ec2.send(new EC2.CreateVpcCommand({ CidrBlock: '10.60.0.0/16' }))).Vpc!.VpcId!;
  const subnet = (await ec2.send(new EC2.CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.60.1.0/24' })))
    .Subnet!.SubnetId!;
  const igw = (await ec2.send(new EC2.CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
  await ec2.send(new EC2.AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpc }));
  const table = (
    await ec2.send(new EC2.DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc] }] }))
  ).RouteTables![0]!.RouteTableId!;
  await ec2.send(
    new EC2.CreateRouteCommand({ RouteTableId: table, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw }),
  );
  const sg = (
    await ec2.send(new EC2.CreateSecurityGroupCommand({ GroupName: 'ssh', Description: 'ssh', VpcId: vpc }))
  ).GroupId!;
  await ec2.send(
    new EC2.AuthorizeSecurityGroupIngressCommand({
      GroupId: sg,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    }),
  );
  other = await launch({
    SecurityGroupIds: undefined,
    NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnet, Groups: [sg], AssociatePublicIpAddress: true }],
  });
}, 120_000);

afterAll(async () => {
  await lab?.stop();
  workspace.cleanup();
});

describe('Route 53 names inside the lab', () => {
  it('a public zone answers dig, nslookup and curl from an instance', async () => {
    const zone = await r53.send(
      new R53.CreateHostedZoneCommand({ Name: 'example.com', CallerReference: 'pub-1' }),
    );
    const zoneId = zone.HostedZone!.Id!;
    await upsert(
      zoneId,
      { Name: 'www.example.com', Type: 'A', TTL: 300, ResourceRecords: [{ Value: web.PrivateIpAddress! }] },
      { Name: 'site.example.com', Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: 'www.example.com' }] },
    );
    // A small web server as a systemd unit (it outlives the SSH session).
    const unit =
      '[Unit]\\nDescription=Site\\n[Service]\\nWorkingDirectory=/tmp\\nExecStart=/usr/bin/python3 -m http.server 8000\\n';
    const serving = await run(
      web,
      `printf '${unit}' | sudo tee /etc/systemd/system/site.service >/dev/null && sudo systemctl daemon-reload && sudo systemctl start site && systemctl is-active site`,
    );
    expect(serving.stdout).toBe('active\n');

    const dig = await run(client, 'dig www.example.com');
    expect(dig.stdout).toContain('status: NOERROR');
    expect(dig.stdout).toContain(`www.example.com.\t300\tIN\tA\t${web.PrivateIpAddress}`);
    expect((await run(client, 'dig +short www.example.com')).stdout).toBe(`${web.PrivateIpAddress}\n`);
    expect((await run(client, 'dig +short site.example.com')).stdout).toBe(
      `www.example.com.\n${web.PrivateIpAddress}\n`,
    );
    const ns = await run(client, 'nslookup www.example.com');
    expect(ns.stdout).toContain(`Name:\twww.example.com\nAddress: ${web.PrivateIpAddress}\n`);
    expect((await run(client, 'dig nothing.example.com')).stdout).toContain('status: NXDOMAIN');

    const page = await run(client, "curl -s -o /dev/null -w '%{http_code}' http://site.example.com:8000/");
    expect(page.stdout).toBe('200');

    const answer = await r53.send(
      new R53.TestDNSAnswerCommand({ HostedZoneId: zoneId, RecordName: 'www.example.com', RecordType: 'A' }),
    );
    expect(answer).toMatchObject({
      RecordName: 'www.example.com',
      RecordType: 'A',
      RecordData: [web.PrivateIpAddress],
      ResponseCode: 'NOERROR',
      Protocol: 'UDP',
    });
    expect(answer.Nameserver).toMatch(/^ns-\d+\.awsdns-\d+\./);
  }, 60_000);

  it('a private zone resolves only inside its VPC', async () => {
    await r53.send(
      new R53.CreateHostedZoneCommand({
        Name: 'corp.internal',
        CallerReference: 'priv-1',
        VPC: { VPCRegion: 'us-east-1', VPCId: client.VpcId! },
        HostedZoneConfig: { PrivateZone: true },
      }),
    );
    const zones = await r53.send(new R53.ListHostedZonesByNameCommand({ DNSName: 'corp.internal' }));
    const zoneId = zones.HostedZones![0]!.Id!;
    await upsert(zoneId, {
      Name: 'db.corp.internal',
      Type: 'A',
      TTL: 60,
      ResourceRecords: [{ Value: web.PrivateIpAddress! }],
    });
    expect((await run(client, 'dig +short db.corp.internal')).stdout).toBe(`${web.PrivateIpAddress}\n`);
    expect((await run(other, 'dig db.corp.internal')).stdout).toContain('status: NXDOMAIN');
    const outside = await run(other, 'curl -sS http://db.corp.internal/');
    expect(outside.stderr).toContain('curl: (6) Could not resolve host: db.corp.internal\n');
  }, 60_000);
});
