/**
 * What starting a service does, decided by its ExecStart as on a real system: the web servers
 * read their configuration, bind their ports (failing with "Address already in use" when
 * another program has one) and serve files; MariaDB and Docker run their daemons; python's
 * http.server serves its directory; anything else (a shell script, a program) is run by the
 * machine's shell in the background as the unit's main process.
 */
import type { Machine } from '../machine';
import { parseHttpServerArgs, startHttpServer } from '../packages/python-http-server';
import { staticSite, type ServerStyle } from './static-site';
import { value, values, type UnitFile } from './unit-files';
import { apacheConfig, nginxConfig, type WebConfig } from './web-config';

export interface Started {
  ok: true;
  mainPid: number;
  /** Log lines of the start, as the daemon writes them to the journal. */
  log: string[];
  /** Runs in the background (a script); settles when the main process exits. */
  exited?: Promise<{ code: number; output: string }>;
  abort?: AbortController;
  /** Type=oneshot with RemainAfterExit=yes: active (exited) without processes. */
  remain?: boolean;
}

export interface Failed {
  ok: false;
  /** The process that failed and how: `status=1/FAILURE`, `status=203/EXEC`. */
  pid: number;
  status: string;
  log: string[];
  /** The control process (ExecStartPre vs ExecStart), as status shows. */
  command: string;
}

function words(line: string): string[] {
  return (line.replace(/^[-@+!:]+/, '').match(/"[^"]*"|'[^']*'|\S+/g) ?? []).map((w) =>
    w.replace(/^["']|["']$/g, ''),
  );
}

function portsBusy(m: Machine, ports: number[]): number | undefined {
  return ports.find((p) => m.ports.has(`tcp/${p}`));
}

async function webServer(m: Machine, unit: UnitFile, kind: 'apache' | 'nginx'): Promise<Started | Failed> {
  const cfg: WebConfig = kind === 'apache' ? await apacheConfig(m) : await nginxConfig(m);
  const deb = m.debianLike;
  const busy = portsBusy(m, cfg.ports);
  const exec = value(unit, 'Service', 'ExecStart') ?? '';
  if (busy !== undefined) {
    const pid = m.spawn({ user: 'root', command: exec, cpu: 0, rssKiB: 0 }).pid;
    m.kill(pid);
    const log =
      kind === 'apache'
        ? [
            `(98)Address already in use: AH00072: make_sock: could not bind to address [::]:${busy}`,
            `(98)Address already in use: AH00072: make_sock: could not bind to address 0.0.0.0:${busy}`,
            'no listening sockets available, shutting down',
            'AH00015: Unable to open logs',
          ]
        : [
            `nginx: [emerg] bind() to 0.0.0.0:${busy} failed (98: Address already in use)`,
            `nginx: [emerg] bind() to [::]:${busy} failed (98: Address already in use)`,
            'nginx: [emerg] still could not bind()',
          ];
    return { ok: false, pid, status: '1/FAILURE', log, command: exec.split(' ')[0] ?? exec };
  }
  const cpus = m.identity.instanceType?.vcpus ?? 1;
  const unitName = unit.name;
  const binary = kind === 'nginx' ? '/usr/sbin/nginx' : deb ? '/usr/sbin/apache2' : '/usr/sbin/httpd';
  const mainCmd =
    kind === 'nginx'
      ? `nginx: master process ${binary}`
      : deb
        ? `${binary} -k start`
        : `${binary} -DFOREGROUND`;
  const main = m.spawn({
    user: 'root',
    command: mainCmd,
    cpu: 0,
    rssKiB: kind === 'nginx' ? 2_400 : 11_000,
    unit: unitName,
  });
  const workerUser = kind === 'nginx' ? (deb ? 'www-data' : 'nginx') : deb ? 'www-data' : 'apache';
  const workers = kind === 'nginx' ? cpus : deb ? 2 : 4;
  for (let i = 0; i < workers; i++)
    m.spawn({
      user: workerUser,
      command: kind === 'nginx' ? 'nginx: worker process' : mainCmd,
      cpu: 0,
      rssKiB: kind === 'nginx' ? 4_800 : 8_600,
      unit: unitName,
    });
  const version = await serverVersion(m, kind);
  const style: ServerStyle = kind;
  for (const port of cfg.ports) {
    m.listen({
      protocol: 'tcp',
      port,
      address: '0.0.0.0',
      program: kind === 'nginx' ? 'nginx' : deb ? 'apache2' : 'httpd',
      pid: main.pid,
      unit: unitName,
      http: staticSite({
        fs: m.fs,
        root: cfg.root,
        index: cfg.index,
        server: version,
        style,
        autoindex: cfg.autoindex,
        ...(cfg.welcome !== undefined ? { welcome: cfg.welcome } : {}),
        ...(cfg.notFoundPage ? { notFoundPage: cfg.notFoundPage } : {}),
        port,
        now: () => m.cloud.clock.now(),
        log: (line) => m.fs.appendText(cfg.accessLog, line),
      }),
    });
  }
  await m.fs.mkdir(cfg.accessLog.slice(0, cfg.accessLog.lastIndexOf('/')), { recursive: true });
  const log =
    kind === 'apache' && !deb
      ? [`Server configured, listening on: ${cfg.ports.map((p) => `port ${p}`).join(', ')}`]
      : [];
  if (kind === 'apache' && deb)
    log.push(
      `AH00558: apache2: Could not reliably determine the server's fully qualified domain name, using 127.0.1.1. Set the 'ServerName' directive globally to suppress this message`,
    );
  return { ok: true, mainPid: main.pid, log };
}

async function serverVersion(m: Machine, kind: 'apache' | 'nginx'): Promise<string> {
  const text = (await m.fs.readText('/var/lib/cloudlab/packages.json')) ?? '{}';
  const pkg = kind === 'nginx' ? 'nginx' : m.debianLike ? 'apache2' : 'httpd';
  let version = '';
  try {
    version =
      (JSON.parse(text) as { installed?: Record<string, { version: string }> }).installed?.[pkg]?.version ??
      '';
  } catch {
    version = '';
  }
  const v = version.replace(/^\d+:/, '').replace(/[-~+].*$/, '') || (kind === 'nginx' ? '1.26.2' : '2.4.62');
  const os = m.identity.image.os === 'ubuntu' ? 'Ubuntu' : m.debianLike ? 'Debian' : 'Amazon Linux';
  if (kind === 'nginx') return m.debianLike ? `nginx/${v} (${os})` : `nginx/${v}`;
  return `Apache/${v} (${os})`;
}

function simpleDaemon(
  m: Machine,
  unit: UnitFile,
  command: string,
  user: string,
  rssKiB: number,
  port?: { port: number; address: string; program: string },
): Started {
  const p = m.spawn({ user, command, cpu: 0, rssKiB, unit: unit.name });
  if (port)
    m.listen({
      protocol: 'tcp',
      port: port.port,
      address: port.address,
      program: port.program,
      pid: p.pid,
      unit: unit.name,
    });
  return { ok: true, mainPid: p.pid, log: [] };
}

/** Start what a unit's ExecStart names. */
export async function startDaemon(m: Machine, unit: UnitFile): Promise<Started | Failed> {
  const exec = value(unit, 'Service', 'ExecStart');
  if (!exec)
    return {
      ok: false,
      pid: 0,
      status: '203/EXEC',
      log: [`${unit.name}: Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing.`],
      command: '',
    };
  const argv = words(exec.replace(/\$\{?[A-Z_]+\}?/g, '').trim());
  const program = argv[0] ?? '';
  const base = program.slice(program.lastIndexOf('/') + 1);
  if (!program.startsWith('/') || !(await m.fs.exists(program))) {
    const pid = m.spawn({ user: 'root', command: exec, cpu: 0, rssKiB: 0 }).pid;
    m.kill(pid);
    return {
      ok: false,
      pid,
      status: '203/EXEC',
      log: [
        `${unit.name}: Failed to locate executable ${program}: No such file or directory`,
        `${unit.name}: Failed at step EXEC spawning ${program}: No such file or directory`,
      ],
      command: program,
    };
  }
  const user = value(unit, 'Service', 'User') ?? 'root';
  if (base === 'httpd' || base === 'apachectl' || base === 'apache2ctl') return webServer(m, unit, 'apache');
  if (base === 'nginx') return webServer(m, unit, 'nginx');
  if (base === 'mariadbd' || base === 'mysqld') {
    if (m.ports.has('tcp/3306'))
      return {
        ok: false,
        pid: 0,
        status: '1/FAILURE',
        log: [
          "[ERROR] Can't start server: Bind on TCP/IP port. Got error: 98: Address already in use",
          '[ERROR] Aborting',
        ],
        command: program,
      };
    const s = simpleDaemon(m, unit, `${program} --basedir=/usr`, 'mysql', 92_000, {
      port: 3306,
      address: '127.0.0.1',
      program: 'mariadbd',
    });
    s.log.push(
      `${program} (server ${m.debianLike ? '10.11.8' : '10.5.25'}-MariaDB) starting as process ${s.mainPid} ...`,
    );
    return s;
  }
  if (base === 'dockerd') {
    await m.fs.writeText('/run/docker.sock', '');
    const s = simpleDaemon(
      m,
      unit,
      `${program} -H fd:// --containerd=/run/containerd/containerd.sock`,
      'root',
      78_000,
    );
    m.spawn({ user: 'root', command: '/usr/bin/containerd', cpu: 0, rssKiB: 42_000, unit: unit.name });
    s.log.push('API listen on /run/docker.sock');
    return s;
  }
  if ((base === 'python3' || base.startsWith('python3.')) && argv[1] === '-m' && argv[2] === 'http.server') {
    const parsed = parseHttpServerArgs(argv.slice(3));
    if (typeof parsed === 'string')
      return {
        ok: false,
        pid: 0,
        status: '2/INVALIDARGUMENT',
        log: parsed.trim().split('\n'),
        command: program,
      };
    const cwd = value(unit, 'Service', 'WorkingDirectory') ?? '/';
    const started = startHttpServer(m, parsed, cwd, user, unit.name);
    if ('error' in started)
      return {
        ok: false,
        pid: 0,
        status: '1/FAILURE',
        log: started.error.trim().split('\n'),
        command: program,
      };
    return { ok: true, mainPid: started.pid, log: [] };
  }
  return runScript(m, unit, exec, user);
}

/** Anything else runs in the machine's shell; the unit lives as long as it does. */
function runScript(m: Machine, unit: UnitFile, exec: string, user: string): Started {
  const oneshot = value(unit, 'Service', 'Type') === 'oneshot';
  const env: Record<string, string> = {};
  for (const e of values(unit, 'Service', 'Environment'))
    for (const pair of e.match(/"[^"]*"|\S+/g) ?? []) {
      const [k, ...v] = pair.replace(/^"|"$/g, '').split('=');
      if (k) env[k] = v.join('=');
    }
  const abort = new AbortController();
  const p = m.spawn({ user, command: exec.replace(/^[-@+!:]+/, ''), cpu: 0, rssKiB: 3_200, unit: unit.name });
  const cwd = value(unit, 'Service', 'WorkingDirectory');
  const exited = m
    .exec(exec.replace(/^[-@+!:]+/, ''), { user, env, signal: abort.signal, ...(cwd ? { cwd } : {}) })
    .then((r) => ({ code: abort.signal.aborted ? 143 : r.exitCode, output: r.stdout + r.stderr }))
    .catch((e: unknown) => ({ code: 1, output: String(e) }));
  return {
    ok: true,
    mainPid: p.pid,
    log: [],
    exited,
    abort,
    remain: oneshot && value(unit, 'Service', 'RemainAfterExit') === 'yes',
  };
}
