/**
 * The base of every machine: who you are (`id`, `whoami`, `sudo`, `su`), what it is (`uname`),
 * your history, and the identity files cloud-init's init stage writes at first boot (hostname,
 * /etc/hosts, the key pair's public key in authorized_keys).
 */
import { defineCommand, type CustomCommand } from 'just-bash';
import { kernelArch, kernelRelease } from '../../infra/kernels';
import type { KeyPairRecord } from '../../services/ec2/records';
import type { Ec2Runtime } from '../../services/ec2/runtime';
import type { Machine } from '../machine';
import { SWITCH_USER_VAR } from '../shell/shell-session';
import type { OsModule } from '../types';
import { fail, ok, quoteArgs, stdinText } from './command-kit';
import { ls } from './ls-long';
import { powerCommands } from './power';

const uname = (m: Machine): CustomCommand =>
  defineCommand('uname', async (args) => {
    const arch = kernelArch(m.identity.image.architecture);
    const release = kernelRelease(m.identity.image);
    const version =
      m.identity.image.os === 'ubuntu'
        ? '#17-Ubuntu SMP Thu Oct 10 2024'
        : '#1 SMP PREEMPT_DYNAMIC Tue Nov 26 2024';
    const fields = {
      s: 'Linux',
      n: m.identity.hostname,
      r: release,
      v: version,
      m: arch,
      p: arch,
      i: arch,
      o: 'GNU/Linux',
    };
    const flags = args.join('').replace(/-/g, '');
    if (args.includes('--help')) return ok('Usage: uname [OPTION]...\n');
    if (flags.includes('a')) return ok(`${Object.values(fields).join(' ')}\n`);
    const picked = [...(flags || 's')].map((f) => fields[f as keyof typeof fields]).filter(Boolean);
    if (picked.length === 0)
      return fail(`uname: invalid option -- '${flags}'\nTry 'uname --help' for more information.\n`);
    return ok(`${picked.join(' ')}\n`);
  });

/** date: the machine's clock is the simulated one (what `uptime`, logs and file times use). */
const date = (m: Machine): CustomCommand =>
  defineCommand('date', async (args, ctx) => {
    // -r FILE: the file's modification time (just-bash's date has no -r).
    const ref = args.findIndex((a) => a === '-r' || a === '--reference');
    if (ref >= 0) {
      const file = args[ref + 1] ?? '';
      const path = ctx.fs.resolvePath(ctx.cwd, file);
      if (!(await ctx.fs.exists(path))) return fail(`date: ${file}: No such file or directory\n`);
      const seconds = Math.floor((await ctx.fs.stat(path)).mtime.getTime() / 1000);
      const rest = args.filter((_, i) => i !== ref && i !== ref + 1);
      return ctx.origCommand!(['-d', `@${seconds}`, ...rest]);
    }
    const chosen = args.some((a) => /^(-[ds]|--date|--set|--file|-f)/.test(a));
    if (chosen) return ctx.origCommand!(args);
    return ctx.origCommand!(['-d', `@${Math.floor(m.cloud.clock.now() / 1000)}`, ...args]);
  });

const whoami = (): CustomCommand =>
  defineCommand('whoami', async (_args, ctx) => ok(`${ctx.env.get('USER') ?? 'root'}\n`));

const id = (m: Machine): CustomCommand =>
  defineCommand('id', async (args, ctx) => {
    const name = args.find((a) => !a.startsWith('-')) ?? ctx.env.get('USER') ?? 'root';
    const user = await m.users.find(name);
    if (!user) return fail(`id: '${name}': no such user\n`);
    const groups = await m.users.groupsOf(user);
    if (args.includes('-u')) return ok(`${args.includes('-n') ? user.name : user.uid}\n`);
    if (args.includes('-g'))
      return ok(`${args.includes('-n') ? (groups[0]?.name ?? user.name) : user.gid}\n`);
    if (args.includes('-G'))
      return ok(`${groups.map((g) => (args.includes('-n') ? g.name : g.gid)).join(' ')}\n`);
    const primary = groups[0] ?? { name: user.name, gid: user.gid };
    return ok(
      `uid=${user.uid}(${user.name}) gid=${primary.gid}(${primary.name}) groups=${groups.map((g) => `${g.gid}(${g.name})`).join(',')}\n`,
    );
  });

/** sudo: the default user may do anything without a password (cloud-init's sudoers rule). */
const sudo = (m: Machine): CustomCommand =>
  defineCommand('sudo', async (args, ctx) => {
    const user = ctx.env.get('USER') ?? 'root';
    const allowed = user === 'root' || user === m.defaultUser;
    if (!allowed) {
      return fail(
        `We trust you have received the usual lecture from the local System\nAdministrator.\n\n[sudo] password for ${user}: \nsudo: a password is required\n`,
      );
    }
    let rest = [...args];
    let target = 'root';
    let login = false;
    while (rest[0]?.startsWith('-')) {
      const flag = rest.shift()!;
      if (flag === '-u') target = rest.shift() ?? 'root';
      else if (flag === '-i' || flag === '-s' || flag === '-E' || flag === '-H')
        login ||= flag === '-i' || flag === '-s';
      else if (flag === '--') break;
    }
    if (rest[0] === 'su' && (rest.length === 1 || rest[1] === '-' || rest[1] === '-l')) {
      login = true;
      rest = [];
    }
    if (login || rest.length === 0) {
      if (!login) return fail('usage: sudo -h | -K | -k | -V\nusage: sudo [-u user] command\n');
      await ctx.assignShellVariable?.(SWITCH_USER_VAR, target);
      return ok('');
    }
    const as = await m.users.find(target);
    if (!as)
      return fail(`sudo: unknown user ${target}\nsudo: error initializing audit plugin sudoers_audit\n`);
    if (!ctx.exec) return fail('sudo: cannot run a command here\n');
    // sudoers' secure_path: commands in /usr/sbin (httpd, nginx) are found as with real sudo.
    const env: Record<string, string> = {
      USER: as.name,
      LOGNAME: as.name,
      HOME: as.home,
      SUDO_USER: user,
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    };
    return ctx.exec(quoteArgs(rest), { cwd: ctx.cwd, env, stdin: stdinText(ctx.stdin) });
  });

/** su: only root may switch without a password here (no passwords are set on AMIs). */
const su = (m: Machine): CustomCommand =>
  defineCommand('su', async (args, ctx) => {
    const user = ctx.env.get('USER') ?? 'root';
    const target = args.find((a) => !a.startsWith('-')) ?? 'root';
    if (!(await m.users.find(target)))
      return fail(
        `su: user ${target} does not exist or the user entry does not contain all the required fields\n`,
      );
    if (user !== 'root') return fail('Password: \nsu: Authentication failure\n');
    await ctx.assignShellVariable?.(SWITCH_USER_VAR, target);
    return ok('');
  });

const history = (): CustomCommand =>
  defineCommand('history', async (args, ctx) => {
    const home = ctx.env.get('HOME') ?? '/root';
    const file = `${home}/.bash_history`;
    if (args[0] === '-c') {
      await ctx.fs.writeFile(file, '');
      return ok('');
    }
    const text = (await ctx.fs.exists(file)) ? await ctx.fs.readFile(file) : '';
    const lines = text.split('\n').filter(Boolean);
    const n = args[0] && /^\d+$/.test(args[0]) ? Number(args[0]) : lines.length;
    const start = lines.length - Math.min(n, lines.length);
    return ok(
      lines
        .slice(start)
        .map((l, i) => `${String(start + i + 1).padStart(5)}  ${l}\n`)
        .join(''),
    );
  });

/** Cloud-init's init stage: the instance's name, its hosts entry and its key. */
async function writeIdentity(m: Machine): Promise<void> {
  const { hostname, privateIp, privateDnsName } = m.identity;
  await m.fs.writeText('/etc/hostname', `${m.debianLike ? hostname : privateDnsName}\n`);
  await m.fs.writeText(
    '/etc/hosts',
    `127.0.0.1   localhost localhost.localdomain localhost4 localhost4.localdomain4\n::1         localhost6 localhost6.localdomain6\n${privateIp} ${privateDnsName} ${hostname}\n`,
  );
  if (m.identity.kind !== 'instance') return;
  const found = m.os.findInstance(m.identity.id);
  const keyName = found?.record.keyName;
  if (!found || !keyName) return;
  const ec2 = m.cloud.runtime<Ec2Runtime>('ec2');
  const key = ec2.resources.list<KeyPairRecord>(found.scope, 'key', { name: keyName })[0];
  if (!key) return;
  const home = `/home/${m.defaultUser}`;
  await m.fs.writeText(`${home}/.ssh/authorized_keys`, `${key.publicKey.trim()} ${keyName}\n`, 0o600);
}

export const coreModule: OsModule = {
  name: 'core',
  commands: [uname, date, whoami, id, sudo, su, history, ls, ...powerCommands],
  async boot(m, { firstBoot }) {
    if (firstBoot) await writeIdentity(m);
  },
};
