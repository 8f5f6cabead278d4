/**
 * systemctl, service and journalctl as systemd 252 (Amazon Linux 2023) and 255 (Ubuntu 24.04)
 * print them. Changing units needs root; a normal user gets polkit's refusal, since AMIs set
 * no passwords.
 */
import { defineCommand, type CustomCommand, type ExecResult } from 'just-bash';
import { fail, ok } from '../commands/command-kit';
import type { Machine } from '../machine';
import { entries, format } from './journal';
import { describe, manager, resetFailed, startUnit, stopUnit, type UnitState } from './service-manager';
import {
  allUnits,
  disable,
  enable,
  enablement,
  findUnit,
  unitName,
  value,
  values,
  type UnitFile,
} from './unit-files';

function ago(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s ago`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min}min ${s % 60}s ago`;
  const h = Math.floor(min / 60);
  if (h < 24) return `${h}h ${min % 60}min ago`;
  return `${Math.floor(h / 24)} day${h >= 48 ? 's' : ''} ${h % 24}h ago`;
}

function stamp(ms: number): string {
  const d = new Date(ms);
  const day = d.toLocaleDateString('en-US', { weekday: 'short', timeZone: 'UTC' });
  return `${day} ${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 19)} UTC`;
}

function denied(m: Machine, user: string, verb: string, unit: string): ExecResult {
  const who = user === m.defaultUser ? `${m.debianLike ? 'Ubuntu' : 'EC2 Default User'} (${user})` : user;
  return fail(
    `==== AUTHENTICATING FOR org.freedesktop.systemd1.manage-units ====\nAuthentication is required to ${verb} '${unit}'.\nAuthenticating as: ${who}\nPassword: \npolkit-agent-helper-1: pam_authenticate failed: Authentication failure\n==== AUTHENTICATION FAILED ====\nFailed to ${verb} ${unit}: Access denied\nSee system logs and 'systemctl status ${unit}' for details.\n`,
  );
}

async function status(m: Machine, u: UnitFile, lines: number): Promise<ExecResult> {
  const s = manager(m).units.get(u.name);
  const now = m.cloud.clock.now();
  const en = await enablement(m, u);
  const preset = m.debianLike ? 'enabled' : 'disabled';
  const dot = !s ? '○' : s.state === 'failed' ? '×' : '●';
  let out = `${dot} ${describe(u)}\n     Loaded: loaded (${u.path}; ${en}; preset: ${preset})\n`;
  out += `     Active: ${activeLine(s, now)}\n`;
  for (const doc of values(u, 'Unit', 'Documentation')
    .flatMap((d) => d.split(/\s+/))
    .slice(0, 1))
    out += `       Docs: ${doc}\n`;
  if (s?.state === 'failed' && s.failure)
    out += `    Process: ${s.failure.pid} ExecStart=${value(u, 'Service', 'ExecStart') ?? ''} (code=exited, status=${s.failure.status})\n   Main PID: ${s.failure.pid} (code=exited, status=${s.failure.status})\n`;
  if (s && s.state === 'active') {
    const procs = [...m.processes.values()].filter((p) => p.unit === u.name);
    const main = m.processes.get(s.mainPid);
    out += `   Main PID: ${s.mainPid} (${(main?.command.split(' ')[0] ?? u.name).replace(/:$/, '').split('/').pop()})\n`;
    out += `      Tasks: ${procs.length} (limit: ${Math.round((m.identity.instanceType?.memoryMiB ?? 1024) * 1.1)})\n`;
    const mem = procs.reduce((a, p) => a + p.rssKiB, 0) / 1024;
    out += `     Memory: ${mem.toFixed(1)}M\n        CPU: ${Math.max(12, Math.round(procs.length * 23))}ms\n`;
    out += `     CGroup: /system.slice/${u.name}\n`;
    procs.forEach(
      (p, i) => (out += `             ${i === procs.length - 1 ? '└─' : '├─'}${p.pid} "${p.command}"\n`),
    );
  }
  const log = (await entries(m, u.name)).slice(-lines);
  if (log.length) out += `\n${log.map((e) => format(m, e)).join('')}`;
  return { stdout: out, stderr: '', exitCode: !s ? 3 : s.state === 'failed' ? 3 : 0 };
}

function activeLine(s: UnitState | undefined, now: number): string {
  if (!s) return 'inactive (dead)';
  if (s.state === 'failed')
    return `failed (Result: exit-code) since ${stamp(s.since)}; ${ago(now - s.since)}`;
  if (s.state === 'exited') return `active (exited) since ${stamp(s.since)}; ${ago(now - s.since)}`;
  return `active (running) since ${stamp(s.since)}; ${ago(now - s.since)}`;
}

async function listUnits(m: Machine, all: boolean): Promise<ExecResult> {
  const units = await allUnits(m);
  const rows: Array<[string, string, string, string, string]> = [];
  for (const u of units) {
    const s = manager(m).units.get(u.name);
    if (!s && !all) continue;
    const active = !s ? 'inactive' : s.state === 'failed' ? 'failed' : 'active';
    const sub = !s ? 'dead' : s.state === 'failed' ? 'failed' : s.state === 'exited' ? 'exited' : 'running';
    rows.push([
      `${s?.state === 'failed' ? '●' : ' '} ${u.name}`,
      'loaded',
      active,
      sub,
      value(u, 'Unit', 'Description') ?? '',
    ]);
  }
  const w = [Math.max(6, ...rows.map((r) => r[0].length)), 6, 8, 7];
  const line = (r: string[]) =>
    `${r[0]!.padEnd(w[0]!)} ${r[1]!.padEnd(w[1]!)} ${r[2]!.padEnd(w[2]!)} ${r[3]!.padEnd(w[3]!)} ${r[4]}\n`;
  let out = line(['  UNIT', 'LOAD', 'ACTIVE', 'SUB', 'DESCRIPTION']);
  for (const r of rows) out += line(r);
  out += `\nLOAD   = Reflects whether the unit definition was properly loaded.\nACTIVE = The high-level unit activation state, i.e. generalization of SUB.\nSUB    = The low-level unit activation state, values depend on unit type.\n\n${rows.length} loaded units listed.${all ? '' : ' Pass --all to see loaded but inactive units, too.'}\nTo show all installed unit files use 'systemctl list-unit-files'.\n`;
  return ok(out);
}

async function listUnitFiles(m: Machine): Promise<ExecResult> {
  const units = await allUnits(m);
  let out = `${'UNIT FILE'.padEnd(32)} ${'STATE'.padEnd(15)} PRESET\n`;
  for (const u of units)
    out += `${u.name.padEnd(32)} ${(await enablement(m, u)).padEnd(15)} ${m.debianLike ? 'enabled' : 'disabled'}\n`;
  out += `\n${units.length} unit files listed.\n`;
  return ok(out);
}

const CHANGING = new Set([
  'start',
  'stop',
  'restart',
  'reload',
  'try-restart',
  'reload-or-restart',
  'enable',
  'disable',
  'daemon-reload',
  'reset-failed',
  'mask',
  'unmask',
]);

export async function systemctl(m: Machine, args: string[], user: string): Promise<ExecResult> {
  const flags = args.filter((a) => a.startsWith('-'));
  const words = args.filter((a) => !a.startsWith('-'));
  const verb = words.shift() ?? 'list-units';
  const now = flags.includes('--now');
  const quiet = flags.includes('-q') || flags.includes('--quiet');
  const root = user === 'root';
  if (CHANGING.has(verb) && !root) {
    if (verb === 'daemon-reload') return fail('Failed to reload daemon: Access denied\n');
    if (verb === 'enable' || verb === 'disable') return fail(`Failed to ${verb} unit: Access denied\n`);
    return denied(m, user, verb, unitName(words[0] ?? ''));
  }
  switch (verb) {
    case 'list-units':
      return listUnits(m, flags.includes('--all') || flags.includes('-a'));
    case 'list-unit-files':
      return listUnitFiles(m);
    case 'daemon-reload':
      // Unit files are read afresh on every operation, so there is no cache to reload.
      return ok('');
  }
  if (words.length === 0) return fail(`Too few arguments.\n`);
  let out = '';
  let err = '';
  let code = 0;
  for (const arg of words) {
    const name = unitName(arg);
    const u = await findUnit(m, arg);
    if (!u) {
      if (verb === 'status')
        return { stdout: out, stderr: `${err}Unit ${name} could not be found.\n`, exitCode: 4 };
      if (verb === 'is-active' || verb === 'is-failed') {
        out += quiet ? '' : 'inactive\n';
        code = 3;
        continue;
      }
      if (verb === 'is-enabled' || verb === 'enable' || verb === 'disable')
        return fail(
          `${err}Failed to ${verb === 'is-enabled' ? 'get unit file state for' : `${verb} unit: Unit file`} ${name}${verb === 'is-enabled' ? ': No such file or directory' : ' does not exist.'}\n`,
          1,
          out,
        );
      return fail(`${err}Failed to ${verb} ${name}: Unit ${name} not found.\n`, 5, out);
    }
    const fails = (_verb: string) => {
      err += `Job for ${u.name} failed because the control process exited with error code.\nSee "systemctl status ${u.name}" and "journalctl -xeu ${u.name}" for details.\n`;
      code = 1;
    };
    switch (verb) {
      case 'start':
        if (!(await startUnit(m, u)).ok) fails('start');
        break;
      case 'stop':
        resetFailed(m, u.name);
        await stopUnit(m, u);
        break;
      case 'restart':
      case 'try-restart':
      case 'reload-or-restart':
        if (verb === 'try-restart' && !manager(m).units.has(u.name)) break;
        await stopUnit(m, u);
        if (!(await startUnit(m, u)).ok) fails('restart');
        break;
      case 'reload': {
        const s = manager(m).units.get(u.name);
        if (!value(u, 'Service', 'ExecReload'))
          return fail(`Failed to reload ${u.name}: Job type reload is not applicable for unit ${u.name}.\n`);
        if (!s || s.state === 'failed')
          return fail(`Failed to reload ${u.name}: Unit ${u.name} is not active.\n`);
        // A reload re-reads the configuration: the daemon starts again with the new one.
        await stopUnit(m, u);
        if (!(await startUnit(m, u, s.since)).ok) fails('reload');
        break;
      }
      case 'enable':
        out += await enable(m, u);
        if (now && !(await startUnit(m, u)).ok) fails('start');
        break;
      case 'disable':
        out += await disable(m, u);
        if (now) await stopUnit(m, u);
        break;
      case 'status': {
        const n = flags.find((f) => /^-n\d+$|^--lines=\d+$/.test(f));
        const r = await status(m, u, n ? Number(n.replace(/\D/g, '')) : 10);
        out += (out ? '\n' : '') + r.stdout;
        code = Math.max(code, r.exitCode);
        break;
      }
      case 'is-active': {
        const s = manager(m).units.get(u.name);
        const state = !s ? 'inactive' : s.state === 'failed' ? 'failed' : 'active';
        if (!quiet) out += `${state}\n`;
        if (state !== 'active') code = 3;
        break;
      }
      case 'is-failed': {
        const failed = manager(m).units.get(u.name)?.state === 'failed';
        if (!quiet) out += failed ? 'failed\n' : manager(m).units.has(u.name) ? 'active\n' : 'inactive\n';
        if (!failed) code = 1;
        break;
      }
      case 'is-enabled': {
        const e = await enablement(m, u);
        if (!quiet) out += `${e}\n`;
        if (e === 'disabled') code = 1;
        break;
      }
      case 'reset-failed':
        resetFailed(m, u.name);
        break;
      case 'cat':
        out += `# ${u.path}\n${(await m.fs.readText(u.path)) ?? ''}`;
        break;
      case 'show':
        out += `Id=${u.name}\nDescription=${value(u, 'Unit', 'Description') ?? ''}\nActiveState=${manager(m).units.get(u.name)?.state ?? 'inactive'}\nUnitFileState=${await enablement(m, u)}\nMainPID=${manager(m).units.get(u.name)?.mainPid ?? 0}\nFragmentPath=${u.path}\n`;
        break;
      default:
        return fail(`Unknown command verb '${verb}'.\n`);
    }
  }
  return { stdout: out, stderr: err, exitCode: code };
}

export const systemctlCommand = (m: Machine): CustomCommand =>
  defineCommand('systemctl', async (args, ctx) => systemctl(m, args, ctx.env.get('USER') ?? 'root'));

/** `service httpd start`: the SysV shim, which hands over to systemctl. */
export const serviceCommand = (m: Machine): CustomCommand =>
  defineCommand('service', async (args, ctx) => {
    const [name, action] = args;
    if (!name || name === '--help')
      return fail(
        'Usage: service < option > | --status-all | [ service_name [ command | --full-restart ] ]\n',
      );
    if (name === '--status-all') {
      let out = '';
      for (const u of await allUnits(m))
        out += ` [ ${manager(m).units.get(u.name) ? '+' : '-'} ]  ${u.name.replace(/\.service$/, '')}\n`;
      return ok(out);
    }
    if (!action) return fail(`Usage: /etc/init.d/${name} {start|stop|restart|reload|status}\n`);
    const user = ctx.env.get('USER') ?? 'root';
    const r = await systemctl(m, [action, name], user);
    const note =
      m.debianLike || action === 'status'
        ? ''
        : `Redirecting to /bin/systemctl ${action} ${unitName(name)}\n`;
    return { ...r, stderr: note + r.stderr };
  });

export const journalctlCommand = (m: Machine): CustomCommand =>
  defineCommand('journalctl', async (args) => {
    let unit: string | undefined;
    let lines: number | undefined;
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '-u' || a === '--unit') unit = unitName(args[++i] ?? '');
      else if (a.startsWith('--unit=')) unit = unitName(a.slice(7));
      else if (a.startsWith('-u') && a.length > 2) unit = unitName(a.slice(2));
      else if (a === '-n' || a === '--lines') lines = Number(args[++i] ?? 10);
      else if (a.startsWith('--lines=')) lines = Number(a.slice(8));
      else if (/^-n\d+$/.test(a)) lines = Number(a.slice(2));
      else if (
        a === '-e' ||
        a === '--pager-end' ||
        a === '-xe' ||
        a === '-xeu' ||
        a === '--no-pager' ||
        a === '-x'
      ) {
        if (a === '-xeu') unit = unitName(args[++i] ?? '');
        if (a.includes('e') && lines === undefined) lines = 1000;
      } else if (a === '-f' || a === '--follow') {
        return fail('journalctl: following the journal (-f) is not simulated; use -n to see recent lines\n');
      }
    }
    let list = await entries(m, unit);
    if (lines !== undefined) list = list.slice(-lines);
    if (list.length === 0) return ok('-- No entries --\n');
    return ok(list.map((e) => format(m, e)).join(''));
  });
