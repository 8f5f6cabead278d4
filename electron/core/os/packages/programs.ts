/**
 * The programs packages install. Each installed binary is a two-line script that runs
 * `__cloudlab_program <name> "$@"`, so a program exists exactly when its file does (PATH
 * lookup, `which`, `rm /usr/bin/git` all behave) and this command supplies its behaviour:
 * versions, config tests, and the hand-over to systemctl that apachectl and `nginx -s` do.
 * What cannot be simulated (running JavaScript, Python programs, SQL) says so plainly.
 */
import { defineCommand, type CommandContext, type CustomCommand, type ExecResult } from 'just-bash';
import { kernelArch } from '../../infra/kernels';
import { fail, ok } from '../commands/command-kit';
import type { Machine } from '../machine';
import { flavourOf, repoOf } from './package-db';
import { pythonHttpServer } from './python-http-server';

export const PROGRAM_COMMAND = '__cloudlab_program';

const notSimulated = (name: string, what: string): ExecResult =>
  fail(`${name}: ${what} is not simulated in Cloud Lab\n`, 1);

function versionOf(m: Machine, pkg: string): string {
  return (repoOf(m).get(pkg)?.version ?? '0').replace(/^\d+:/, '').replace(/[-~+].*$/, '');
}

async function systemctl(ctx: CommandContext, line: string): Promise<ExecResult> {
  if (!ctx.exec) return fail('systemctl: not available\n');
  return ctx.exec(line, { cwd: ctx.cwd });
}

function unitRunning(m: Machine, unit: string): boolean {
  return [...m.processes.values()].some((p) => p.unit === unit);
}

type Program = (m: Machine, args: string[], ctx: CommandContext) => Promise<ExecResult> | ExecResult;

const apacheServer = (m: Machine) => {
  const deb = m.debianLike;
  const v = versionOf(m, deb ? 'apache2' : 'httpd');
  const os = flavourOf(m).os === 'ubuntu' ? 'Ubuntu' : deb ? 'Debian' : 'Amazon Linux';
  return {
    text: `Server version: Apache/${v} (${os})\nServer built:   2024-07-17T18:57:38\n`,
    unit: deb ? 'apache2.service' : 'httpd.service',
  };
};

const apache: Program = async (m, args, ctx) => {
  const { text, unit } = apacheServer(m);
  if (args.includes('-v') || args.includes('-V')) return ok(text);
  if (args.includes('-t') || args[0] === 'configtest') return ok('', 'Syntax OK\n');
  const k = args.indexOf('-k');
  const action = k >= 0 ? args[k + 1] : args[0];
  const map: Record<string, string> = {
    start: 'start',
    stop: 'stop',
    restart: 'restart',
    graceful: 'reload',
    'graceful-stop': 'stop',
    status: 'status',
  };
  // apachectl on systemd distributions hands these to systemctl, as here.
  if (action && map[action]) return systemctl(ctx, `systemctl ${map[action]} ${unit}`);
  if (action === 'fullstatus') return notSimulated('apachectl', 'fullstatus');
  return fail(
    `Usage: ${deb(m) ? 'apache2ctl' : 'httpd'} [-D name] [-d directory] [-f file] [-C "directive"] [-c "directive"] [-k start|restart|graceful|graceful-stop|stop] [-v] [-V] [-h] [-l] [-L] [-t] [-T] [-S] [-X]\n`,
  );
};
const deb = (m: Machine) => m.debianLike;

const nginx: Program = async (m, args, ctx) => {
  const v = versionOf(m, 'nginx');
  const suffix = flavourOf(m).os === 'ubuntu' ? ' (Ubuntu)' : '';
  if (args.includes('-v')) return ok('', `nginx version: nginx/${v}${suffix}\n`);
  if (args.includes('-V'))
    return ok(
      '',
      `nginx version: nginx/${v}${suffix}\nbuilt with OpenSSL 3.0.8 7 Feb 2023\nTLS SNI support enabled\nconfigure arguments: --prefix=/usr/share/nginx --sbin-path=/usr/sbin/nginx --conf-path=/etc/nginx/nginx.conf\n`,
    );
  if (args.includes('-t')) {
    if ((ctx.env.get('USER') ?? 'root') !== 'root')
      return fail(
        `nginx: [alert] could not open error log file: open() "/var/log/nginx/error.log" failed (13: Permission denied)\nnginx: the configuration file /etc/nginx/nginx.conf syntax is ok\nnginx: [emerg] open() "/run/nginx.pid" failed (13: Permission denied)\nnginx: configuration file /etc/nginx/nginx.conf test failed\n`,
      );
    return ok(
      '',
      'nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\nnginx: configuration file /etc/nginx/nginx.conf test is successful\n',
    );
  }
  const s = args.indexOf('-s');
  if (s >= 0) {
    const signal = args[s + 1];
    if (!unitRunning(m, 'nginx.service'))
      return fail('nginx: [error] invalid PID number "" in "/run/nginx.pid"\n');
    if (signal === 'reload') return systemctl(ctx, 'systemctl reload nginx.service');
    if (signal === 'stop' || signal === 'quit') return systemctl(ctx, 'systemctl stop nginx.service');
    return fail(`nginx: invalid option: "-s ${signal ?? ''}"\n`);
  }
  if (args.length === 0) return systemctl(ctx, 'systemctl start nginx.service');
  return fail(`nginx: invalid option: "${args[0]}"\n`);
};

const node: Program = (m, args) => {
  const v = versionOf(m, 'nodejs');
  if (args[0] === '-v' || args[0] === '--version') return ok(`v${v}\n`);
  return notSimulated('node', 'running JavaScript');
};

const npm: Program = (m, args) => {
  const v = m.debianLike ? '9.2.0' : '10.8.2';
  if (args[0] === '-v' || args[0] === '--version') return ok(`${v}\n`);
  if (['install', 'i', 'ci', 'update'].includes(args[0] ?? ''))
    return fail(
      `npm error code EAI_AGAIN\nnpm error syscall getaddrinfo\nnpm error errno EAI_AGAIN\nnpm error request to https://registry.npmjs.org/ failed, reason: getaddrinfo EAI_AGAIN registry.npmjs.org\n`,
    );
  return notSimulated('npm', `npm ${args[0] ?? ''}`.trim());
};

const python: Program = async (m, args, ctx) => {
  const v = versionOf(m, 'python3');
  if (args[0] === '--version' || args[0] === '-V') return ok(`Python ${v}\n`);
  if (args[0] === '-m' && args[1] === 'http.server') return pythonHttpServer(m, args.slice(2), ctx);
  if (args.length === 0) return notSimulated('python3', 'the interactive interpreter');
  return notSimulated('python3', 'running Python programs');
};

const git: Program = async (m, args, ctx) => {
  const v = versionOf(m, 'git');
  const sub = args[0];
  if (sub === '--version' || sub === 'version') return ok(`git version ${v}\n`);
  if (sub === 'clone') {
    const url = args.find((a, i) => i > 0 && !a.startsWith('-')) ?? '';
    const host = /^[a-z]+:\/\/([^/]+)/.exec(url)?.[1] ?? /^[^@]+@([^:]+):/.exec(url)?.[1] ?? url;
    return fail(
      `Cloning into '${url
        .replace(/\.git$/, '')
        .split('/')
        .pop()}'...\nfatal: unable to access '${url}/': Could not resolve host: ${host}\n`,
      128,
    );
  }
  if (sub === 'init') {
    const dir = ctx.fs.resolvePath(ctx.cwd, args[1] ?? '.');
    for (const d of ['objects', 'refs/heads', 'refs/tags', 'hooks', 'info'])
      await ctx.fs.mkdir(`${dir}/.git/${d}`, { recursive: true });
    await ctx.fs.writeFile(`${dir}/.git/HEAD`, 'ref: refs/heads/master\n');
    await ctx.fs.writeFile(
      `${dir}/.git/config`,
      '[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n\tlogallrefupdates = true\n',
    );
    await ctx.fs.writeFile(
      `${dir}/.git/description`,
      "Unnamed repository; edit this file 'description' to name the repository.\n",
    );
    return ok(
      `Initialized empty Git repository in ${dir}/.git/\n`,
      "hint: Using 'master' as the name for the initial branch. This default branch name\nhint: is subject to change.\n",
    );
  }
  if (!sub)
    return fail(
      'usage: git [-v | --version] [-h | --help] [-C <path>] [-c <name>=<value>]\n           <command> [<args>]\n',
      1,
    );
  return notSimulated('git', `git ${sub}`);
};

const mysql: Program = (m, args) => {
  const v = versionOf(
    m,
    m.debianLike ? 'mariadb-client' : flavourOf(m).osVersion === '2023' ? 'mariadb105' : 'mariadb',
  );
  if (args.includes('--version') || args.includes('-V'))
    return ok(
      `mysql  Ver 15.1 Distrib ${v}-MariaDB, for Linux (${kernelArch(m.identity.image.architecture)}) using  EditLine wrapper\n`,
    );
  if (!unitRunning(m, 'mariadb.service')) {
    const sock = m.debianLike ? '/run/mysqld/mysqld.sock' : '/var/lib/mysql/mysql.sock';
    return fail(`ERROR 2002 (HY000): Can't connect to local server through socket '${sock}' (2)\n`);
  }
  return notSimulated('mysql', 'running SQL');
};

const docker: Program = async (m, args, ctx) => {
  const v = versionOf(m, m.debianLike ? 'docker.io' : 'docker');
  if (args[0] === '--version' || args[0] === '-v') return ok(`Docker version ${v}, build 3e9e4b5\n`);
  const user = ctx.env.get('USER') ?? 'root';
  const sock = 'unix:///var/run/docker.sock';
  if (!unitRunning(m, 'docker.service'))
    return fail(`Cannot connect to the Docker daemon at ${sock}. Is the docker daemon running?\n`);
  if (user !== 'root') {
    const u = await m.users.find(user);
    const groups = u ? await m.users.groupsOf(u) : [];
    if (!groups.some((g) => g.name === 'docker'))
      return fail(
        `permission denied while trying to connect to the Docker daemon socket at ${sock}: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.44/containers/json": dial unix /var/run/docker.sock: connect: permission denied\n`,
      );
  }
  switch (args[0]) {
    case 'ps':
      return ok('CONTAINER ID   IMAGE     COMMAND   CREATED   STATUS    PORTS     NAMES\n');
    case 'images':
      return ok('REPOSITORY   TAG       IMAGE ID   CREATED   SIZE\n');
    case 'pull':
    case 'run': {
      const image = args.slice(1).find((a) => !a.startsWith('-')) ?? '';
      const head =
        args[0] === 'run'
          ? `Unable to find image '${image.includes(':') ? image : `${image}:latest`}' locally\n`
          : '';
      return fail(
        `${head}docker: Error response from daemon: Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 172.31.0.2:53: no such host.\n`,
        125,
      );
    }
    default:
      return notSimulated('docker', `docker ${args[0] ?? ''}`.trim());
  }
};

/** The daemons themselves: their versions; running them is systemd's job. */
const daemonDirect =
  (name: string, version: (m: Machine) => string): Program =>
  (m, args) =>
    args.includes('--version') || args.includes('-V') || args.includes('-v')
      ? ok(`${version(m)}\n`)
      : notSimulated(name, 'running the daemon outside its systemd unit');

const PROGRAMS: Record<string, Program> = {
  httpd: apache,
  apache2: apache,
  apachectl: apache,
  nginx,
  node,
  npm,
  npx: (m, args) =>
    args[0] === '--version' ? npm(m, args, {} as CommandContext) : notSimulated('npx', 'running packages'),
  python3: python,
  git,
  mysql,
  docker,
  dockerd: daemonDirect(
    'dockerd',
    (m) => `Docker version ${versionOf(m, m.debianLike ? 'docker.io' : 'docker')}, build 3e9e4b5`,
  ),
  mariadbd: daemonDirect(
    'mariadbd',
    (m) =>
      `mariadbd  Ver ${versionOf(m, m.debianLike ? 'mariadb-server' : flavourOf(m).osVersion === '2023' ? 'mariadb105-server' : 'mariadb-server')}-MariaDB for Linux on ${kernelArch(m.identity.image.architecture)} (MariaDB Server)`,
  ),
};

/** The dispatcher the package binaries call. */
export const programCommand = (m: Machine): CustomCommand =>
  defineCommand(PROGRAM_COMMAND, async (args, ctx) => {
    const [name = '', ...rest] = args;
    const program = PROGRAMS[name];
    // htop, stress and the like come from other OS modules; until one registers them, say so.
    if (!program) return notSimulated(name, name);
    return program(m, rest, ctx as CommandContext);
  });
