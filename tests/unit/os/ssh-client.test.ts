import { describe, expect, it } from 'vitest';
import { TerminalSession } from '../../../electron/core/os/terminal/terminal-session';
import { osLab } from './lab';

/** An instance with a key pair and SSH open to the world, and the workstation with the key. */
async function sshLab(options: { openSsh?: boolean } = {}) {
  const lab = await osLab();
  const key = await lab.call<{ KeyMaterial: string }>('CreateKeyPair', { KeyName: 'lab' });
  const other = await lab.call<{ KeyMaterial: string }>('CreateKeyPair', {
    KeyName: 'other',
    KeyType: 'ed25519',
  });
  const sg = (
    await lab.call<{ GroupId: string }>('CreateSecurityGroup', { GroupName: 'ssh', Description: 'ssh' })
  ).GroupId;
  if (options.openSsh !== false)
    await lab.call('AuthorizeSecurityGroupIngress', {
      GroupId: sg,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    });
  const id = await lab.launch({ KeyName: 'lab', SecurityGroupIds: [sg] });
  const found = lab.cloud.os.findInstance(id)!;
  const ip = found.record.publicIpAddress!;
  const ws = await lab.cloud.os.workstation(lab.cloud.accounts.consolePrincipal().accountId, 'us-east-1');
  const home = `/home/${ws.defaultUser}`;
  await ws.fs.writeText(`${home}/key.pem`, key.KeyMaterial, 0o644);
  await ws.fs.writeText(`${home}/other.pem`, other.KeyMaterial, 0o400);
  const shell = await ws.openShell();
  // The workstation's first boot (its packages, cloud-init) finishes before the test goes on.
  await lab.cloud.os.settled();
  return { ...lab, id, ip, sg, ws, shell, home, privateIp: found.record.privateIpAddress };
}

/** Let simulated time pass until the command ends (a connection that times out). */
async function whileTimePasses<T>(
  t: { elapse: (ms: number) => Promise<void> },
  pending: Promise<T>,
): Promise<T> {
  let done = false;
  void pending.finally(() => (done = true));
  for (let i = 0; i < 100 && !done; i++) {
    await t.elapse(5_000);
    await new Promise((r) => setTimeout(r, 5));
  }
  return pending;
}

describe('the ssh command', () => {
  it('refuses an unprotected or missing key, then logs in once the key is chmod 400', async () => {
    const t = await sshLab();
    const missing = await t.shell.run(`ssh -i nokey.pem ec2-user@${t.ip} hostname`);
    expect(missing.exitCode).toBe(255);
    expect(missing.stderr).toMatch(
      /^Warning: Identity file nokey\.pem not accessible: No such file or directory\.\n/,
    );
    expect(missing.stderr).toContain(
      `The authenticity of host '${t.ip}' can't be established.\nED25519 key fingerprint is SHA256:`,
    );
    expect(missing.stderr).toContain(
      `Warning: Permanently added '${t.ip}' (ED25519) to the list of known hosts.\n`,
    );
    expect(missing.stderr).toMatch(
      new RegExp(`ec2-user@${t.ip.replace(/\./g, '\\.')}: Permission denied \\(publickey\\)\\.\\n$`),
    );
    expect((await t.shell.run('cat ~/.ssh/known_hosts')).stdout).toMatch(
      new RegExp(`^${t.ip} ssh-ed25519 AAAA`),
    );

    const open = await t.shell.run(`ssh -i key.pem ec2-user@${t.ip} hostname`);
    expect(open.exitCode).toBe(255);
    expect(open.stderr).toBe(
      `@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
@         WARNING: UNPROTECTED PRIVATE KEY FILE!          @
@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
Permissions 0644 for 'key.pem' are too open.
It is required that your private key files are NOT accessible by others.
This private key will be ignored.
Load key "key.pem": bad permissions
ec2-user@${t.ip}: Permission denied (publickey).
`,
    );

    await t.shell.run('chmod 400 key.pem');
    const ok = await t.shell.run(`ssh -i key.pem ec2-user@${t.ip} 'whoami; head -1 /etc/os-release; exit 7'`);
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toBe('ec2-user\nNAME="Amazon Linux"\n');
    expect(ok.exitCode).toBe(7);

    // By its public DNS name too (a new name: a new known_hosts entry).
    const dns = `ec2-${t.ip.replace(/\./g, '-')}.compute-1.amazonaws.com`;
    const byName = await t.shell.run(`ssh -o StrictHostKeyChecking=no -i key.pem ec2-user@${dns} uname -n`);
    expect(byName.stderr).toBe(`Warning: Permanently added '${dns}' (ED25519) to the list of known hosts.\n`);
    expect(byName.stdout).toMatch(/^ip-[\d-]+\n$/);
  });

  it('refuses a key that is not the instance key pair, and root', async () => {
    const t = await sshLab();
    const wrong = await t.shell.run(
      `ssh -o StrictHostKeyChecking=accept-new -i other.pem ec2-user@${t.ip} true`,
    );
    expect(wrong.exitCode).toBe(255);
    expect(wrong.stderr).toMatch(/Permission denied \(publickey\)\.\n$/);
    await t.shell.run('chmod 600 key.pem');
    const root = await t.shell.run(`ssh -i key.pem root@${t.ip} whoami`);
    expect(root.stdout).toBe('Please login as the user "ec2-user" rather than the user "root".\n\n');
    expect(root.exitCode).toBe(142);
    const nobody = await t.shell.run(`ssh -i key.pem ubuntu@${t.ip} whoami`);
    expect(nobody.stderr).toMatch(/ubuntu@[\d.]+: Permission denied \(publickey\)\.\n$/);
    const unknown = await t.shell.run('ssh -i key.pem ec2-user@no-such-host true');
    expect(unknown.stderr).toBe('ssh: Could not resolve hostname no-such-host: Name or service not known\n');
  });

  it('times out when the security group does not allow port 22', async () => {
    const t = await sshLab({ openSsh: false });
    await t.shell.run('chmod 400 key.pem');
    const r = await whileTimePasses(t, t.shell.run(`ssh -i key.pem ec2-user@${t.ip} true`));
    expect(r.exitCode).toBe(255);
    expect(r.stderr).toBe(`ssh: connect to host ${t.ip} port 22: Connection timed out\n`);
    // The private address is not reachable from the workstation at all.
    const priv = await whileTimePasses(
      t,
      t.shell.run(`ssh -o ConnectTimeout=5 -i key.pem ec2-user@${t.privateIp} true`),
    );
    expect(priv.stderr).toBe(`ssh: connect to host ${t.privateIp} port 22: Connection timed out\n`);
  });

  it('logs in interactively from a terminal and comes back on exit', async () => {
    const t = await sshLab();
    await t.shell.run('chmod 400 key.pem');
    const term = new TerminalSession(t.shell, { cols: 100, rows: 30 });
    let out = '';
    const exits: number[] = [];
    term.onData((d) => (out += d));
    term.onExit((c) => exits.push(c));
    await term.start();
    const until = async (re: RegExp) => {
      for (let i = 0; i < 500 && !re.test(out); i++) await new Promise((r) => setTimeout(r, 5));
      if (!re.test(out)) throw new Error(`no ${re} in ${JSON.stringify(out)}`);
      const got = out;
      out = '';
      return got;
    };
    await until(/cloudshell ~\]\$ $/);
    term.write(`ssh -i key.pem ec2-user@${t.ip}\r`);
    const login = await until(/\[ec2-user@ip-[\d-]+ ~\]\$ $/);
    expect(login).toContain('Warning: Permanently added');
    expect(login).toContain('Amazon Linux 2023');
    expect(term.shell.machine.identity.id).toBe(t.id);
    term.write('whoami; cat /etc/hostname\r');
    expect(await until(/~\]\$ $/)).toMatch(/ec2-user\r\nip-[\d-]+\.ec2\.internal\r\n/);
    term.write('exit\r');
    expect(await until(/cloudshell ~\]\$ $/)).toContain(
      `logout\r\nConnection to ${t.ip} closed.\r\n[cloudshell-user@cloudshell ~]$ `,
    );
    expect(exits).toEqual([]);

    // Again, and the instance stops under the session.
    term.write(`ssh -i key.pem ec2-user@${t.ip}\r`);
    const second = await until(/\[ec2-user@ip-[\d-]+ ~\]\$ $/);
    expect(second).toMatch(/Last login: .* from 203\.0\.113\.10\r\n/);
    await t.call('StopInstances', { InstanceIds: [t.id] });
    await t.elapse(20_000);
    const down = await until(/cloudshell ~\]\$ $/);
    expect(down).toContain('The system is going down for poweroff NOW!');
    expect(down).toContain(
      `Connection to ${t.ip} closed by remote host.\r\nConnection to ${t.ip} closed.\r\n`,
    );
    term.write('whoami\r');
    expect(await until(/cloudshell ~\]\$ $/)).toContain('cloudshell-user');
  });

  it('reaches another instance by its private address from an instance in the VPC', async () => {
    const t = await sshLab();
    const key = (await t.ws.fs.readText(`${t.home}/key.pem`))!;
    const sg = t.sg;
    const b = await t.launch({ KeyName: 'lab', SecurityGroupIds: [sg] });
    const bIp = t.cloud.os.findInstance(b)!.record.privateIpAddress;
    const a = await t.shell.machine.os.instance(t.id);
    await a!.fs.writeText('/home/ec2-user/key.pem', key, 0o400);
    const sh = await a!.openShell();
    const r = await sh.run(
      `ssh -o StrictHostKeyChecking=no -i key.pem ${bIp} 'echo $SSH_CLIENT | cut -d" " -f1; uname -n'`,
    );
    expect(r.stderr).toContain('Permanently added');
    expect(r.stdout).toBe(`${t.privateIp}\nip-${bIp.replace(/\./g, '-')}\n`);
  });
});
