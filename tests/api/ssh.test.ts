/**
 * The SSH gateway of `cloudlab serve`: an instance launched with the AWS SDK (a key pair, a
 * security group open on 22) is logged in to with the ssh2 client (a pty shell, exec, window
 * changes) and with the system's OpenSSH client, and the refusals read as a person sees them.
 */
import * as EC2 from '@aws-sdk/client-ec2';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ssh2, { type ClientChannel } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentials, labCall, serve, type Served } from '../support/serve';
import {
  al2023Ami,
  sshPortOf,
  systemSsh as runSystemSsh,
  waitState as waitInstanceState,
} from '../support/ssh';
import { tempDir } from '../support/temp';

const workspace = tempDir('cloudlab-ssh-');
let lab: Served;
let ec2: EC2.EC2Client;
let sshPort: number;
let instanceId: string;
let publicIp: string;
let keyPem: string;
let otherPem: string;
const keyFile = join(workspace.dir, 'lab-key.pem');
const otherFile = join(workspace.dir, 'other.pem');

function waitState(id: string, name: string) {
  return waitInstanceState(ec2, id, name);
}

async function launch(keyName?: string): Promise<EC2.Instance> {
  const groups = await ec2.send(new EC2.DescribeSecurityGroupsCommand({ GroupNames: ['ssh-in'] }));
  const out = await ec2.send(
    new EC2.RunInstancesCommand({
      ImageId: await al2023Ami(ec2),
      InstanceType: 't3.micro',
      MinCount: 1,
      MaxCount: 1,
      ...(keyName ? { KeyName: keyName } : {}),
      SecurityGroupIds: [groups.SecurityGroups![0]!.GroupId!],
    }),
  );
  const running = await waitState(out.Instances![0]!.InstanceId!, 'running');
  // Give the OS a moment of simulated time to finish its first boot (cloud-init's keys).
  await new Promise((r) => setTimeout(r, 300));
  return running;
}

beforeAll(async () => {
  lab = await serve(['--ssh-port', '0'], { dataDir: join(workspace.dir, 'data') });
  sshPort = sshPortOf(lab.stdout());
  ec2 = new EC2.EC2Client({ endpoint: lab.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  await labCall(lab.endpoint, 'lab.clock', { speed: 200 });
  keyPem = (await ec2.send(new EC2.CreateKeyPairCommand({ KeyName: 'lab-key' }))).KeyMaterial!;
  otherPem = (await ec2.send(new EC2.CreateKeyPairCommand({ KeyName: 'other', KeyType: 'ed25519' })))
    .KeyMaterial!;
  writeFileSync(keyFile, keyPem, { mode: 0o600 });
  writeFileSync(otherFile, otherPem, { mode: 0o600 });
  chmodSync(keyFile, 0o600);
  chmodSync(otherFile, 0o600);
  const sg = await ec2.send(new EC2.CreateSecurityGroupCommand({ GroupName: 'ssh-in', Description: 'SSH' }));
  await ec2.send(
    new EC2.AuthorizeSecurityGroupIngressCommand({
      GroupId: sg.GroupId!,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    }),
  );
  const instance = await launch('lab-key');
  instanceId = instance.InstanceId!;
  publicIp = instance.PublicIpAddress!;
});

afterAll(async () => {
  await lab?.stop();
  workspace.cleanup();
});

/** Connect with the ssh2 client; resolves once authenticated. */
function connect(username: string, privateKey = keyPem): Promise<InstanceType<typeof ssh2.Client>> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    client.on('ready', () => resolve(client));
    client.on('error', reject);
    client.connect({ host: '127.0.0.1', port: sshPort, username, privateKey, readyTimeout: 10_000 });
  });
}

function reader(stream: ClientChannel) {
  let out = '';
  stream.on('data', (d: Buffer) => (out += d.toString()));
  return {
    async until(re: RegExp): Promise<string> {
      for (let i = 0; i < 1000 && !re.test(out); i++) await new Promise((r) => setTimeout(r, 10));
      if (!re.test(out)) throw new Error(`no ${re} in ${JSON.stringify(out)}`);
      const got = out;
      out = '';
      return got;
    },
  };
}

/** Run the system ssh client against this lab's gateway. */
function systemSsh(args: string[]) {
  return runSystemSsh(sshPort, args);
}

describe('SSH gateway', () => {
  it('prints the SSH gateway in the ready line and in the lab info', async () => {
    expect(lab.stdout()).toMatch(/ready .*AWS endpoint http:\/\/\S+ .*SSH gateway ssh:\/\/127\.0\.0\.1:\d+/);
    const info = (await labCall(lab.endpoint, 'lab.info', null)) as {
      listeners: { sshPort: number; pending: string[] };
    };
    expect(info.listeners.sshPort).toBe(sshPort);
    expect(info.listeners.pending.join()).not.toMatch(/SSH/);
  });

  it('logs in with a pty shell, runs a line, follows window changes', async () => {
    const client = await connect(`ec2-user@${instanceId}`);
    const stream = await new Promise<ClientChannel>((resolve, reject) =>
      client.shell({ term: 'xterm-256color', cols: 100, rows: 30 }, (err, s) =>
        err ? reject(err) : resolve(s),
      ),
    );
    const r = reader(stream);
    const banner = await r.until(/\[ec2-user@ip-[\d-]+ ~\]\$ $/);
    expect(banner).toContain('Amazon Linux 2023');
    stream.write('echo hi\r');
    expect(await r.until(/hi\r\n.*\$ $/)).toMatch(/^echo hi\r\nhi\r\n/);
    stream.setWindow(40, 132, 0, 0);
    await new Promise((res) => setTimeout(res, 50));
    stream.write('echo $COLUMNS x $LINES; echo $SSH_CLIENT\r');
    expect(await r.until(/x 40\r\n.*\r\n.*\$ $/)).toMatch(/132 x 40\r\n203\.0\.113\.10 /);
    const exit = new Promise<number>((res) => stream.on('exit', (code: number) => res(code)));
    stream.write('exit 4\r');
    expect(await exit).toBe(4);
    client.end();
  });

  it('runs exec requests with stdout, stderr and the exit status apart', async () => {
    const client = await connect(`ec2-user@${publicIp}`);
    const run = (command: string) =>
      new Promise<{ stdout: string; stderr: string; code: number }>((resolve, reject) =>
        client.exec(command, (err, stream) => {
          if (err) return reject(err);
          let stdout = '';
          let stderr = '';
          let code = -1;
          stream.on('data', (d: Buffer) => (stdout += d.toString()));
          stream.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
          stream.on('exit', (c: number) => (code = c));
          stream.on('close', () => resolve({ stdout, stderr, code }));
        }),
      );
    const uname = await run('uname -a');
    expect(uname.stdout).toMatch(/^Linux ip-[\d-]+ 6\.1\.\d+.*amzn2023\.x86_64 .*GNU\/Linux\n$/);
    expect(uname.code).toBe(0);
    const mixed = await run('echo out; echo err >&2; exit 3');
    expect(mixed).toEqual({ stdout: 'out\n', stderr: 'err\n', code: 3 });
    client.end();
  });

  it('works with the OpenSSH client', async () => {
    const r = await systemSsh([
      '-i',
      keyFile,
      `ec2-user@${instanceId}@127.0.0.1`,
      'cat /etc/os-release; whoami',
    ]);
    expect(r.stdout).toContain('NAME="Amazon Linux"');
    expect(r.stdout).toMatch(/ec2-user\n$/);
    expect(r.code).toBe(0);
  });

  it('refuses a wrong key, root, an unknown instance and a stopped one, saying why', async () => {
    const wrong = await systemSsh(['-i', otherFile, `ec2-user@${instanceId}@127.0.0.1`, 'true']);
    expect(wrong.code).toBe(255);
    expect(wrong.stderr).toContain(`ec2-user@${instanceId}@127.0.0.1: Permission denied (publickey).`);

    const root = await systemSsh(['-i', keyFile, `root@${instanceId}@127.0.0.1`, 'whoami']);
    expect(root.stdout).toBe('Please login as the user "ec2-user" rather than the user "root".\n\n');
    expect(root.code).toBe(142);

    const unknown = await systemSsh(['-i', keyFile, 'ec2-user@i-0000000000000dead@127.0.0.1', 'true']);
    expect(unknown.code).toBe(255);
    expect(unknown.stderr).toContain('there is no instance "i-0000000000000dead"');
    expect(unknown.stderr).toContain('Permission denied (publickey).');

    await expect(connect(`ec2-user@${instanceId}`, otherPem)).rejects.toThrow(
      /authentication methods failed/,
    );

    const keyless = await launch();
    const noKey = await systemSsh(['-i', keyFile, `ec2-user@${keyless.InstanceId}@127.0.0.1`, 'true']);
    expect(noKey.stderr).toContain('was launched without a key pair');

    await ec2.send(new EC2.StopInstancesCommand({ InstanceIds: [keyless.InstanceId!] }));
    await waitState(keyless.InstanceId!, 'stopped');
    const stopped = await systemSsh(['-i', keyFile, `ec2-user@${keyless.InstanceId}@127.0.0.1`, 'true']);
    expect(stopped.code).toBe(255);
    expect(stopped.stderr).toContain(`instance ${keyless.InstanceId} is stopped`);
  });

  it('drops the session when the instance stops', async () => {
    const client = await connect(`ec2-user@${instanceId}`);
    const stream = await new Promise<ClientChannel>((resolve, reject) =>
      client.shell({ cols: 80, rows: 24 }, (err, s) => (err ? reject(err) : resolve(s))),
    );
    const r = reader(stream);
    await r.until(/\$ $/);
    const closed = new Promise<void>((res) => client.on('close', () => res()));
    await ec2.send(new EC2.StopInstancesCommand({ InstanceIds: [instanceId] }));
    expect(await r.until(/going down/)).toContain('The system is going down for poweroff NOW!');
    await closed;
  });
});
