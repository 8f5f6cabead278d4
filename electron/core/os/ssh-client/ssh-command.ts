/**
 * The `ssh` client on every machine (the workstation, instances): `ssh -i key.pem user@HOST
 * [command]`, behaving as OpenSSH 8.7 does on Amazon Linux 2023. The host is an instance's
 * public or private address or DNS name; the connection obeys the VPC (security groups, routes:
 * see network/reachability.ts) and times out as a filtered port does; the host key is checked
 * against ~/.ssh/known_hosts; the private key must be protected (chmod 400) and match a key in
 * the target user's authorized_keys.
 *
 * With a command, it runs on the target and its output and status come back. Without one, a
 * terminal switches to a login shell on the target (see terminal/nested-login.ts) until `exit`.
 */
import { defineCommand, type CommandContext, type CustomCommand, type ExecResult } from 'just-bash';
import type { Machine } from '../machine';
import type { ShellSession } from '../shell/shell-session';
import { sessionOfTty, TTY_VAR } from '../shell/tty';
import { hasTerminal, requestNestedLogin } from '../terminal/nested-login';
import type { OsModule } from '../types';
import { reach, type Source } from '../../network/reachability';
import { stdinText } from '../commands/command-kit';
import { networkOf, WORKSTATION_PUBLIC_IP } from '../net/network';
import { decideLogin } from './authorization';
import { hostKey, publicKeyOfPrivate, type HostKey } from './ssh-keys';

/** How long a connection to a filtered port waits before "Connection timed out" (Linux: ~2 min). */
const CONNECT_TIMEOUT_MS = 127_000;

const VERSION = 'OpenSSH_8.7p1, OpenSSL 3.0.8 7 Feb 2023';

const USAGE = `usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy] [-B bind_interface]
           [-b bind_address] [-c cipher_spec] [-D [bind_address:]port]
           [-E log_file] [-e escape_char] [-F configfile] [-I pkcs11]
           [-i identity_file] [-J [user@]host[:port]] [-L address]
           [-l login_name] [-m mac_spec] [-O ctl_cmd] [-o option] [-p port]
           [-Q query_option] [-R address] [-S ctl_path] [-W host:port]
           [-w local_tun[:remote_tun]] destination [command]
`;

const WITH_ARGUMENT = new Set([...'BbcDEeFIiJLlmOopQRSWw']);
const FLAGS = new Set([...'46AaCfGgKkMNnqsTtVvXxYy']);
const DEFAULT_IDENTITIES = ['id_rsa', 'id_ecdsa', 'id_ecdsa_sk', 'id_ed25519', 'id_ed25519_sk', 'id_dsa'];

interface Invocation {
  identities: string[];
  port: number;
  login: string | null;
  options: Map<string, string>;
  flags: Set<string>;
  destination: string;
  command: string[];
}

function parse(args: string[]): Invocation | string {
  const inv: Invocation = {
    identities: [],
    port: 22,
    login: null,
    options: new Map(),
    flags: new Set(),
    destination: '',
    command: [],
  };
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    for (let k = 1; k < a.length; k++) {
      const f = a[k]!;
      if (WITH_ARGUMENT.has(f)) {
        const value = k + 1 < a.length ? a.slice(k + 1) : args[++i];
        if (value === undefined) return `option requires an argument -- ${f}\n${USAGE}`;
        if (f === 'i') inv.identities.push(value);
        else if (f === 'p') {
          const n = Number(value);
          if (!/^\d+$/.test(value) || n < 1 || n > 65535) return `Bad port '${value}'\n`;
          inv.port = n;
        } else if (f === 'l') inv.login = value;
        else if (f === 'o') {
          const m = /^\s*(\w+)\s*[= ]\s*(.*)$/.exec(value);
          if (!m) return `no argument after keyword "${value}"\n`;
          const key = m[1]!.toLowerCase();
          if (!inv.options.has(key)) inv.options.set(key, m[2]!.trim());
        }
        break;
      }
      if (!FLAGS.has(f)) return `unknown option -- ${f}\n${USAGE}`;
      inv.flags.add(f);
    }
  }
  if (inv.flags.has('V')) return VERSION;
  inv.destination = args[i] ?? '';
  inv.command = args.slice(i + 1);
  if (!inv.destination) return USAGE;
  return inv;
}

/** IPv4 address of a host name as the machine's resolver sees it (/etc/hosts, then DNS), or null. */
async function resolve(m: Machine, host: string): Promise<string | null> {
  const answer = await networkOf(m.os).resolver(m).lookup(host);
  return answer?.address ?? null;
}

/** Wait as a client does for an answer that never comes (Ctrl-C stops it). */
async function waitOut(m: Machine, ctx: CommandContext, ms: number): Promise<void> {
  await new Promise<void>((resolveWait) => {
    const id = m.cloud.clock.setTimeout(() => resolveWait(), ms);
    ctx.signal?.addEventListener('abort', () => {
      m.cloud.clock.clearTimeout(id);
      resolveWait();
    });
  });
}

function modeString(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

const UNPROTECTED = (
  path: string,
  mode: number,
) => `@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
@         WARNING: UNPROTECTED PRIVATE KEY FILE!          @
@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
Permissions ${modeString(mode)} for '${path}' are too open.
It is required that your private key files are NOT accessible by others.
This private key will be ignored.
Load key "${path}": bad permissions
`;

const CHANGED = (
  host: string,
  fp: string,
  file: string,
  line: number,
) => `@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @
@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!
Someone could be eavesdropping on you right now (man-in-the-middle attack)!
It is also possible that a host key has just been changed.
The fingerprint for the ED25519 key sent by the remote host is
${fp}.
Please contact your system administrator.
Add correct host key in ${file} to get rid of this message.
Offending ED25519 key in ${file}:${line}
  remove with:
  ssh-keygen -f '${file}' -R '${host}'
`;

function absolute(ctx: CommandContext, path: string): string {
  if (path === '~' || path.startsWith('~/')) path = `${ctx.env.get('HOME') ?? '/'}${path.slice(1)}`;
  return path.startsWith('/') ? path : `${ctx.cwd.replace(/\/$/, '')}/${path}`;
}

/** ~/.ssh/known_hosts: known, unknown, or known with another key (line number). */
async function checkKnownHost(
  ctx: CommandContext,
  file: string,
  name: string,
  key: HostKey,
): Promise<{ state: 'known' | 'unknown' } | { state: 'changed'; line: number }> {
  if (file === '/dev/null') return { state: 'unknown' };
  const text = (await ctx.fs.exists(file)) ? await ctx.fs.readFile(file) : '';
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const [hosts = '', type = '', blob = ''] = lines[i]!.trim().split(/\s+/);
    if (!hosts.split(',').includes(name) || type !== 'ssh-ed25519') continue;
    if (`${type} ${blob}` === key.publicKey) return { state: 'known' };
    return { state: 'changed', line: i + 1 };
  }
  return { state: 'unknown' };
}

export const sshCommand = (m: Machine): CustomCommand =>
  defineCommand('ssh', async (args, ctx): Promise<ExecResult> => {
    const inv = parse(args);
    if (inv === VERSION) return { stdout: '', stderr: `${VERSION}\n`, exitCode: 0 };
    if (typeof inv === 'string')
      return { stdout: '', stderr: inv.endsWith('\n') ? inv : `${inv}\n`, exitCode: 255 };
    let stderr = '';
    const failWith = (message: string): ExecResult => ({
      stdout: '',
      stderr: stderr + message,
      exitCode: 255,
    });
    // Destination: [user@]host, or ssh://[user@]host[:port].
    let dest = inv.destination;
    let port = inv.port;
    const url = /^ssh:\/\/(?:([^@]+)@)?([^:/]+)(?::(\d+))?\/?$/.exec(dest);
    if (url) {
      dest = url[1] ? `${url[1]}@${url[2]}` : url[2]!;
      if (url[3]) port = Number(url[3]);
    }
    const at = dest.lastIndexOf('@');
    const host = at >= 0 ? dest.slice(at + 1) : dest;
    const user = at >= 0 ? dest.slice(0, at) : (inv.login ?? ctx.env.get('USER') ?? 'root');

    // Identity files named with -i are checked at start-up.
    const identities: Array<{ shown: string; path: string }> = [];
    for (const shown of inv.identities) {
      const path = absolute(ctx, shown);
      if (await ctx.fs.exists(path)) identities.push({ shown, path });
      else stderr += `Warning: Identity file ${shown} not accessible: No such file or directory.\n`;
    }

    const ip = await resolve(m, host);
    if (!ip) return failWith(`ssh: Could not resolve hostname ${host}: Name or service not known\n`);

    // The connection: loopback is this machine; anything else crosses the VPC.
    const self =
      ip === '127.0.0.1' ||
      ip === m.identity.privateIp ||
      (m.identity.publicIp !== null && ip === m.identity.publicIp);
    let target: Machine | undefined;
    let sourceIp: string;
    if (self) {
      if (m.identity.kind !== 'instance')
        return failWith(`ssh: connect to host ${host} port ${port}: Connection refused\n`);
      target = m;
      sourceIp = '127.0.0.1';
    } else {
      const isPrivate = /^(10\.|172\.(1[6-9]|2\d|3[01])\.|192\.168\.)/.test(ip);
      const found =
        m.identity.kind === 'instance' && isPrivate
          ? m.os.findInstanceByIp(ip, { account: m.identity.account, region: m.identity.region })
          : isPrivate
            ? undefined
            : m.os.findInstanceByIp(ip);
      const source: Source =
        m.identity.kind === 'instance'
          ? {
              kind: 'instance',
              account: m.identity.account,
              region: m.identity.region,
              instanceId: m.identity.id,
            }
          : { kind: 'internet', ip: WORKSTATION_PUBLIC_IP };
      const verdict = found
        ? reach(
            m.cloud,
            source,
            { account: found.scope.account, region: found.scope.region, ip },
            'tcp',
            port,
          )
        : null;
      if (!verdict?.reachable) {
        if (verdict?.outcome === 'refused')
          return failWith(`ssh: connect to host ${host} port ${port}: Connection refused\n`);
        const limit = Number(inv.options.get('connecttimeout'));
        await waitOut(m, ctx, Number.isFinite(limit) && limit > 0 ? limit * 1000 : CONNECT_TIMEOUT_MS);
        if (ctx.signal?.aborted) return { stdout: '', stderr, exitCode: 130 };
        return failWith(`ssh: connect to host ${host} port ${port}: Connection timed out\n`);
      }
      target = await m.os.instance(verdict.instanceId);
      if (!target) return failWith(`ssh: connect to host ${host} port ${port}: Connection refused\n`);
      sourceIp = m.identity.kind === 'instance' ? m.identity.privateIp : WORKSTATION_PUBLIC_IP;
      if (m.identity.kind === 'instance' && !isPrivate) sourceIp = m.identity.publicIp ?? sourceIp;
    }
    if (port !== 22 && !target.ports.has(`tcp/${port}`))
      return failWith(`ssh: connect to host ${host} port ${port}: Connection refused\n`);

    // The host key.
    const key = await hostKey(target);
    const home = ctx.env.get('HOME') ?? '/root';
    const knownFile = absolute(ctx, inv.options.get('userknownhostsfile') ?? `${home}/.ssh/known_hosts`);
    const knownName = port === 22 ? host : `[${host}]:${port}`;
    const strict = (inv.options.get('stricthostkeychecking') ?? 'ask').toLowerCase();
    const batch = (inv.options.get('batchmode') ?? 'no').toLowerCase() === 'yes';
    const known = await checkKnownHost(ctx, knownFile, knownName, key);
    if (known.state === 'changed') {
      stderr += CHANGED(knownName, key.fingerprint, knownFile, known.line);
      if (strict !== 'no')
        return failWith(
          `Host key for ${knownName} has changed and you have requested strict checking.\nHost key verification failed.\n`,
        );
      stderr += 'Password authentication is disabled to avoid man-in-the-middle attacks.\n';
    } else if (known.state === 'unknown') {
      if (strict === 'yes')
        return failWith(
          `No ED25519 host key is known for ${knownName} and you have requested strict checking.\nHost key verification failed.\n`,
        );
      if (strict === 'ask' && batch) return failWith('Host key verification failed.\n');
      if (strict === 'ask') {
        const shownHost = host === ip ? host : `${host} (${ip})`;
        stderr += `The authenticity of host '${shownHost}' can't be established.\nED25519 key fingerprint is ${key.fingerprint}.\nThis key is not known by any other names\nAre you sure you want to continue connecting (yes/no/[fingerprint])? yes\n`;
      }
      if (knownFile !== '/dev/null') {
        const dir = knownFile.slice(0, knownFile.lastIndexOf('/')) || '/';
        if (!(await ctx.fs.exists(dir))) {
          await ctx.fs.mkdir(dir, { recursive: true });
          await ctx.fs.chmod(dir, 0o700);
        }
        const existing = (await ctx.fs.exists(knownFile)) ? await ctx.fs.readFile(knownFile) : '';
        const sep = existing && !existing.endsWith('\n') ? '\n' : '';
        await ctx.fs.writeFile(knownFile, `${existing}${sep}${knownName} ${key.publicKey}\n`);
      }
      stderr += `Warning: Permanently added '${knownName}' (ED25519) to the list of known hosts.\n`;
    }

    // Authentication: the -i keys, then the default ones in ~/.ssh.
    for (const name of DEFAULT_IDENTITIES) {
      const path = `${home}/.ssh/${name}`;
      if (await ctx.fs.exists(path)) identities.push({ shown: path, path });
    }
    let decision: Awaited<ReturnType<typeof decideLogin>> | null = null;
    for (const id of identities) {
      const stat = await ctx.fs.stat(id.path);
      if (stat.mode & 0o077) {
        stderr += UNPROTECTED(id.shown, stat.mode);
        continue;
      }
      const text = await ctx.fs.readFile(id.path);
      const pub = publicKeyOfPrivate(text);
      if (!pub) {
        stderr += `Load key "${id.shown}": invalid format\n`;
        continue;
      }
      const d = await decideLogin(target, user, pub.blob);
      if (d.ok || d.authenticated) {
        decision = d;
        break;
      }
    }
    if (!decision) return failWith(`${user}@${host}: Permission denied (publickey).\n`);
    if (!decision.ok) return { stdout: decision.message, stderr, exitCode: decision.exitCode };

    const env = {
      SSH_CLIENT: `${sourceIp} 51022 ${port}`,
      SSH_CONNECTION: `${sourceIp} 51022 ${target.identity.privateIp} ${port}`,
    };
    const remote = inv.command.join(' ');
    if (remote) {
      const r = await target.exec(remote, {
        user,
        env,
        stdin: stdinText(ctx.stdin),
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      return { stdout: r.stdout, stderr: stderr + r.stderr, exitCode: r.exitCode };
    }
    const session = sessionOf(m, ctx);
    if (!hasTerminal(session) || inv.flags.has('T')) {
      const input = stdinText(ctx.stdin);
      stderr += inv.flags.has('T')
        ? ''
        : 'Pseudo-terminal will not be allocated because stdin is not a terminal.\n';
      if (!input) return { stdout: '', stderr, exitCode: 0 };
      const r = await target.exec(input, { user, env, ...(ctx.signal ? { signal: ctx.signal } : {}) });
      return { stdout: r.stdout, stderr: stderr + r.stderr, exitCode: r.exitCode };
    }
    const shell = await target.openShell(user, env);
    const motd = (await target.fs.readText('/etc/motd').catch(() => null)) ?? '';
    requestNestedLogin(session!, { shell, host, motd, from: sourceIp });
    return { stdout: '', stderr, exitCode: 0 };
  });

function sessionOf(m: Machine, ctx: CommandContext): ShellSession | undefined {
  const id = sessionOfTty(ctx.env.get(TTY_VAR));
  return id === null ? undefined : m.sessions.get(id);
}

export const sshClientModule: OsModule = {
  name: 'ssh-client',
  commands: [sshCommand],
};
