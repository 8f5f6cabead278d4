/**
 * The lab, as a learner does it with the AWS SDK and their own `ssh`: user data that
 * installs and starts httpd; the page curled from a second instance; blocked by revoking the
 * security group rule; the metadata service with and without tokens; and a file written
 * before a crash of the app (kill -9) still there after it starts again.
 */
import * as EC2 from '@aws-sdk/client-ec2';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentials, labCall, serve, type Served } from '../support/serve';
import { sshPortOf, systemSsh, waitState } from '../support/ssh';
import { tempDir } from '../support/temp';

const workspace = tempDir('cloudlab-os-');
const dataDir = join(workspace.dir, 'data');
const keyFile = join(workspace.dir, 'web.pem');
let lab: Served;
let ec2: EC2.EC2Client;
let groupId: string;
let web: EC2.Instance;
let client: EC2.Instance;

const USER_DATA = `#!/bin/bash
dnf install -y httpd
echo "<h1>Hello from $(hostname -f)</h1>" > /var/www/html/index.html
systemctl enable --now httpd
`;

async function start(): Promise<void> {
  lab = await serve([], { dataDir });
  ec2 = new EC2.EC2Client({ endpoint: lab.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  await labCall(lab.endpoint, 'lab.clock', { speed: 200 });
}

/** `ssh -i web.pem -p PORT ec2-user@<instance>@127.0.0.1 '<command>'`. */
function sshRun(instance: EC2.Instance, command: string) {
  return systemSsh(sshPortOf(lab.stdout()), [
    '-i',
    keyFile,
    `ec2-user@${instance.InstanceId}@127.0.0.1`,
    command,
  ]);
}

beforeAll(async () => {
  await start();
  const key = await ec2.send(new EC2.CreateKeyPairCommand({ KeyName: 'web' }));
  writeFileSync(keyFile, key.KeyMaterial!, { mode: 0o400 });
  groupId = (
    await ec2.send(new EC2.CreateSecurityGroupCommand({ GroupName: 'web', Description: 'web servers' }))
  ).GroupId!;
  await ec2.send(
    new EC2.AuthorizeSecurityGroupIngressCommand({
      GroupId: groupId,
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '172.31.0.0/16' }] },
      ],
    }),
  );
  const launch = async (input: Partial<EC2.RunInstancesRequest>) => {
    const out = await ec2.send(
      new EC2.RunInstancesCommand({
        ImageId: 'resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
        InstanceType: 't3.micro',
        MinCount: 1,
        MaxCount: 1,
        KeyName: 'web',
        SecurityGroupIds: [groupId],
        ...input,
      }),
    );
    return waitState(ec2, out.Instances![0]!.InstanceId!, 'running');
  };
  web = await launch({ UserData: Buffer.from(USER_DATA).toString('base64') });
  client = await launch({ MetadataOptions: { HttpTokens: 'optional' } });
});

afterAll(async () => {
  await lab?.stop();
  workspace.cleanup();
});

describe('an instance operating system, from the learner side', () => {
  it('runs user data that installs and starts httpd, and shows its output', async () => {
    const status = await sshRun(web, 'cloud-init status --wait; systemctl is-active httpd');
    expect(status.stdout).toMatch(/status: done\n.*active\n$/s);
    const log = await sshRun(web, 'sudo tail -n 3 /var/log/cloud-init-output.log');
    expect(log.stdout).toMatch(/Cloud-init v\. [\d.]+ finished at /);
    const console = await ec2.send(new EC2.GetConsoleOutputCommand({ InstanceId: web.InstanceId! }));
    const text = Buffer.from(console.Output!, 'base64').toString();
    expect(text).toMatch(/Installing:[\s\S]*httpd[\s\S]*Complete!/);
  });

  it('serves the page to a second instance, and stops when the rule is revoked', async () => {
    const page = await sshRun(client, `curl -s http://${web.PrivateIpAddress}/`);
    expect(page.stdout).toBe(`<h1>Hello from ${web.PrivateDnsName}</h1>\n`);
    const byName = await sshRun(
      client,
      `curl -s -o /dev/null -w '%{http_code}' http://${web.PrivateDnsName}/`,
    );
    expect(byName.stdout).toBe('200');

    await ec2.send(
      new EC2.RevokeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '172.31.0.0/16' }] },
        ],
      }),
    );
    const blocked = await sshRun(client, `curl -sS -m 5 http://${web.PrivateIpAddress}/`);
    expect(blocked.stderr).toMatch(/^curl: \(28\) .*timed out/m);
    expect(blocked.code).toBe(28);
  });

  it('answers the metadata service with and without tokens', async () => {
    const imds = 'http://169.254.169.254/latest';
    const v1 = await sshRun(client, `curl -s ${imds}/meta-data/instance-id`);
    expect(v1.stdout).toBe(client.InstanceId);
    const token = `TOKEN=$(curl -s -X PUT ${imds}/api/token -H "X-aws-ec2-metadata-token-ttl-seconds: 60")`;
    const v2 = await sshRun(
      web,
      `${token}; curl -s -H "X-aws-ec2-metadata-token: $TOKEN" ${imds}/meta-data/placement/availability-zone`,
    );
    expect(v2.stdout).toBe(web.Placement!.AvailabilityZone);
    // Amazon Linux 2023 requires tokens: IMDSv1 is refused.
    const refused = await sshRun(web, `curl -s -o /dev/null -w '%{http_code}' ${imds}/meta-data/instance-id`);
    expect(refused.stdout).toBe('401');
  });

  it('keeps a file written before the app was killed', async () => {
    const write = await sshRun(client, 'echo "written at $(date +%s)" > ~/proof.txt && cat ~/proof.txt');
    expect(write.code).toBe(0);
    await lab.stop('SIGKILL');
    await start();
    const read = await sshRun(client, 'cat ~/proof.txt');
    expect(read.stdout).toBe(write.stdout);
    // The web server was running when the app died: it is running again.
    const page = await sshRun(web, 'curl -s localhost | head -c 10');
    expect(page.stdout).toBe('<h1>Hello ');
  });
});
