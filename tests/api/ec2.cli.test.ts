/**
 * The classic "launch a web server" steps with the real AWS CLI v2 against `cloudlab serve`,
 * including the CLI's own waiters, file:// user data, --query, tables, and error exits.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliLab } from '../support/aws-cli';
import { tempDir } from '../support/temp';

const { run, text } = cliLab();
const files = tempDir('cloudlab-cli-');
afterAll(() => files.cleanup());

describe('aws ec2: launch a web server', () => {
  let instanceId: string;
  let groupId: string;

  it('creates a key pair and saves it as a .pem', () => {
    const pem = text('ec2', 'create-key-pair', '--key-name', 'web-key', '--query', 'KeyMaterial');
    expect(pem).toMatch(/^-----BEGIN RSA PRIVATE KEY-----[\s\S]+-----END RSA PRIVATE KEY-----$/);
    writeFileSync(join(files.dir, 'web-key.pem'), `${pem}\n`);
    chmodSync(join(files.dir, 'web-key.pem'), 0o400);
    expect(
      text('ec2', 'describe-key-pairs', '--key-names', 'web-key', '--query', 'KeyPairs[0].KeyType'),
    ).toBe('rsa');
  });

  it('opens SSH and HTTP in a security group', () => {
    groupId = text(
      'ec2',
      'create-security-group',
      '--group-name',
      'web-sg',
      '--description',
      'Web server',
      '--query',
      'GroupId',
    );
    expect(groupId).toMatch(/^sg-0[0-9a-f]{16}$/);
    expect(
      run(
        'ec2',
        'authorize-security-group-ingress',
        '--group-id',
        groupId,
        '--protocol',
        'tcp',
        '--port',
        '22',
        '--cidr',
        '0.0.0.0/0',
      ).status,
    ).toBe(0);
    expect(
      run(
        'ec2',
        'authorize-security-group-ingress',
        '--group-id',
        groupId,
        '--protocol',
        'tcp',
        '--port',
        '80',
        '--cidr',
        '0.0.0.0/0',
      ).status,
    ).toBe(0);
    const again = run(
      'ec2',
      'authorize-security-group-ingress',
      '--group-id',
      groupId,
      '--protocol',
      'tcp',
      '--port',
      '80',
      '--cidr',
      '0.0.0.0/0',
    );
    expect(again.status).toBe(254);
    expect(again.stderr).toContain('An error occurred (InvalidPermission.Duplicate)');
    const ports = run(
      'ec2',
      'describe-security-groups',
      '--group-ids',
      groupId,
      '--query',
      'SecurityGroups[0].IpPermissions[].FromPort',
    ).json();
    expect(ports).toEqual([22, 80]);
  });

  it('launches Amazon Linux 2023 with user data from a file and waits for it', () => {
    const ami = text(
      'ec2',
      'describe-images',
      '--owners',
      'amazon',
      '--filters',
      'Name=name,Values=al2023-ami-2023*-x86_64',
      '--query',
      'Images[0].ImageId',
    );
    expect(ami).toMatch(/^ami-0[0-9a-f]{16}$/);
    writeFileSync(
      join(files.dir, 'user-data.sh'),
      '#!/bin/bash\ndnf install -y httpd\nsystemctl enable --now httpd\n',
    );
    instanceId = text(
      'ec2',
      'run-instances',
      '--image-id',
      ami,
      '--instance-type',
      't2.micro',
      '--key-name',
      'web-key',
      '--security-group-ids',
      groupId,
      '--user-data',
      `file://${join(files.dir, 'user-data.sh')}`,
      '--tag-specifications',
      'ResourceType=instance,Tags=[{Key=Name,Value=web-server}]',
      '--query',
      'Instances[0].InstanceId',
    );
    expect(instanceId).toMatch(/^i-0[0-9a-f]{16}$/);
    expect(run('ec2', 'wait', 'instance-running', '--instance-ids', instanceId).status).toBe(0);
    const [stateName, publicIp, dns] = text(
      'ec2',
      'describe-instances',
      '--filters',
      'Name=tag:Name,Values=web-server',
      '--query',
      'Reservations[0].Instances[0].[State.Name,PublicIpAddress,PublicDnsName]',
    ).split('\t');
    expect(stateName).toBe('running');
    expect(dns).toBe(`ec2-${publicIp!.replace(/\./g, '-')}.compute-1.amazonaws.com`);
    const userData = text(
      'ec2',
      'describe-instance-attribute',
      '--instance-id',
      instanceId,
      '--attribute',
      'userData',
      '--query',
      'UserData.Value',
    );
    expect(Buffer.from(userData, 'base64').toString()).toContain('systemctl enable --now httpd');
  });

  it('shows status checks, the console output and the root volume', () => {
    expect(run('ec2', 'wait', 'instance-status-ok', '--instance-ids', instanceId).status).toBe(0);
    const console = run('ec2', 'get-console-output', '--instance-id', instanceId, '--output', 'text');
    expect(console.stdout).toContain('login:');
    const table = run(
      'ec2',
      'describe-volumes',
      '--filters',
      `Name=attachment.instance-id,Values=${instanceId}`,
      '--output',
      'table',
    );
    expect(table.stdout).toContain('/dev/xvda');
  });

  it('stops, resizes and starts it, and terminates it', () => {
    expect(run('ec2', 'stop-instances', '--instance-ids', instanceId).status).toBe(0);
    expect(run('ec2', 'wait', 'instance-stopped', '--instance-ids', instanceId).status).toBe(0);
    expect(
      run(
        'ec2',
        'modify-instance-attribute',
        '--instance-id',
        instanceId,
        '--instance-type',
        'Value=t2.small',
      ).status,
    ).toBe(0);
    expect(run('ec2', 'start-instances', '--instance-ids', instanceId).status).toBe(0);
    expect(run('ec2', 'wait', 'instance-running', '--instance-ids', instanceId).status).toBe(0);
    expect(
      text(
        'ec2',
        'describe-instances',
        '--instance-ids',
        instanceId,
        '--query',
        'Reservations[0].Instances[0].InstanceType',
      ),
    ).toBe('t2.small');
    expect(run('ec2', 'terminate-instances', '--instance-ids', instanceId).status).toBe(0);
    expect(run('ec2', 'wait', 'instance-terminated', '--instance-ids', instanceId).status).toBe(0);
  });

  it('answers mistakes with AWS error codes', () => {
    const cases: Array<[string[], string]> = [
      [['ec2', 'describe-instances', '--instance-ids', 'i-0123456789abcdef0'], 'InvalidInstanceID.NotFound'],
      [['ec2', 'describe-instances', '--instance-ids', 'web'], 'InvalidInstanceID.Malformed'],
      [
        ['ec2', 'run-instances', '--image-id', 'ami-0123456789abcdef0', '--instance-type', 't3.micro'],
        'InvalidAMIID.NotFound',
      ],
      [['ec2', 'start-instances', '--instance-ids', instanceId], 'IncorrectInstanceState'],
      [['ec2', 'delete-key-pair', '--key-pair-id', 'key-0123456789abcdef0'], 'InvalidKeyPair.NotFound'],
      [
        ['ec2', 'create-security-group', '--group-name', 'web-sg', '--description', 'dup'],
        'InvalidGroup.Duplicate',
      ],
    ];
    for (const [args, code] of cases) {
      const r = run(...args);
      expect(r.status, args.join(' ')).toBe(254);
      expect(r.stderr).toContain(`An error occurred (${code})`);
    }
  });
});
