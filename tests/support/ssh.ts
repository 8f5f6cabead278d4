/**
 * The learner's side of SSH in API tests: the system OpenSSH client (as a person types it,
 * without host-key prompts) against a `cloudlab serve` SSH gateway, and waiting for an EC2
 * instance state and finding the Amazon Linux 2023 AMI through the SDK.
 */
import * as EC2 from '@aws-sdk/client-ec2';
import { spawn } from 'node:child_process';

export interface SshResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The SSH gateway's port, from the ready line of `cloudlab serve`. */
export function sshPortOf(stdout: string): number {
  const m = /SSH gateway ssh:\/\/127\.0\.0\.1:(\d+)/.exec(stdout);
  if (!m) throw new Error(`no SSH gateway in the ready line: ${stdout}`);
  return Number(m[1]);
}

/** Run the system ssh client against the gateway on `port`; resolves with its output and status. */
export function systemSsh(port: number, args: string[]): Promise<SshResult> {
  return new Promise((resolve) => {
    const child = spawn(
      'ssh',
      [
        '-p',
        String(port),
        '-o',
        'StrictHostKeyChecking=no',
        '-o',
        'UserKnownHostsFile=/dev/null',
        '-o',
        'BatchMode=yes',
        '-o',
        'IdentitiesOnly=yes',
        '-o',
        'LogLevel=INFO',
        '-F',
        '/dev/null',
        ...args,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Poll DescribeInstances until the instance is in `name`. */
export async function waitState(ec2: EC2.EC2Client, id: string, name: string): Promise<EC2.Instance> {
  for (let i = 0; i < 400; i++) {
    const r = await ec2.send(new EC2.DescribeInstancesCommand({ InstanceIds: [id] }));
    const instance = r.Reservations![0]!.Instances![0]!;
    if (instance.State?.Name === name) return instance;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${id} never became ${name}`);
}

/** The image ID of the Region's Amazon Linux 2023 x86_64 AMI. */
export async function al2023Ami(ec2: EC2.EC2Client): Promise<string> {
  const images = await ec2.send(
    new EC2.DescribeImagesCommand({
      Owners: ['amazon'],
      Filters: [
        { Name: 'name', Values: ['al2023-ami-*'] },
        { Name: 'architecture', Values: ['x86_64'] },
      ],
    }),
  );
  return images.Images![0]!.ImageId!;
}
