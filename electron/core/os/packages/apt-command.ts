/**
 * apt and apt-get on Ubuntu and Debian over the simulated repository: update, install,
 * remove/purge, upgrade, list, show. Output follows apt 2.7 on Ubuntu 24.04; services a
 * package ships are enabled and started by its maintainer script, as on Debian.
 */
import { defineCommand, type CommandContext, type CustomCommand, type ExecResult } from 'just-bash';
import { fail, ok, stdinText } from '../commands/command-kit';
import type { Machine } from '../machine';
import type { PackageSpec } from './catalogue';
import { closure, flavourOf, installFiles, orphans, readDb, removeFiles, repoOf } from './package-db';
import { autostart, stopUnitsOf } from './unit-hooks';

const LISTS_STAMP = '/var/lib/apt/lists/.cloudlab-updated';
const READING =
  'Reading package lists... Done\nBuilding dependency tree... Done\nReading state information... Done\n';

const LOCK_FRONTEND =
  'E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)\nE: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), are you root?\n';
const LOCK_LISTS =
  'E: Could not open lock file /var/lib/apt/lists/lock - open (13: Permission denied)\nE: Unable to lock directory /var/lib/apt/lists/\n';

function mirrors(m: Machine): { archive: string; security: string; suite: string } {
  const f = flavourOf(m);
  if (f.os === 'ubuntu') {
    const suite = f.osVersion.startsWith('24') ? 'noble' : 'jammy';
    return {
      archive: `http://${m.identity.region}.ec2.archive.ubuntu.com/ubuntu`,
      security: 'http://security.ubuntu.com/ubuntu',
      suite,
    };
  }
  return {
    archive: 'https://cdn-aws.deb.debian.org/debian',
    security: 'https://cdn-aws.deb.debian.org/debian-security',
    suite: 'bookworm',
  };
}

function kB(kib: number): string {
  return kib >= 1000 ? `${(kib / 1000).toFixed(1)} MB` : `${Math.max(1, Math.round(kib))} kB`;
}
const debSize = (p: PackageSpec) => Math.max(8, Math.round(p.sizeKiB / 3));
const debArch = (m: Machine, p: PackageSpec) => (p.noarch ? 'all' : flavourOf(m).arch);

/** apt wraps package lists at 80 columns with two spaces of indent. */
function wrap(names: string[]): string {
  let out = '';
  let line = ' ';
  for (const n of names) {
    if (line.length + n.length + 1 > 79) {
      out += `${line}\n`;
      line = ' ';
    }
    line += ` ${n}`;
  }
  return `${out}${line}\n`;
}

async function update(m: Machine, ctx: CommandContext, tool: string): Promise<ExecResult> {
  const { archive, security, suite } = mirrors(m);
  let out =
    `Hit:1 ${archive} ${suite} InRelease\nGet:2 ${archive} ${suite}-updates InRelease [126 kB]\n` +
    `Get:3 ${archive} ${suite}-backports InRelease [126 kB]\nGet:4 ${security} ${suite}-security InRelease [126 kB]\n` +
    `Get:5 ${archive} ${suite}-updates/main amd64 Packages [712 kB]\nFetched 1090 kB in 1s (1347 kB/s)\n`;
  await ctx.sleep?.(2000);
  await m.fs.writeText(LISTS_STAMP, `${m.cloud.clock.now()}\n`);
  out += 'Reading package lists... Done\n';
  if (tool === 'apt')
    out +=
      'Building dependency tree... Done\nReading state information... Done\nAll packages are up to date.\n';
  return ok(out);
}

async function install(m: Machine, ctx: CommandContext, names: string[], yes: boolean): Promise<ExecResult> {
  const repo = repoOf(m);
  const db = await readDb(m);
  let out = READING;
  const missing = names.find((n) => !repo.has(n));
  if (missing) return fail(`E: Unable to locate package ${missing}\n`, 100, out);
  for (const n of names)
    if (n in db.installed) out += `${n} is already the newest version (${repo.get(n)!.version}).\n`;
  const plan = closure(repo, names, db);
  if (plan.length === 0) return ok(`${out}0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n`);
  const extra = plan.filter((p) => !names.includes(p.name));
  if (extra.length)
    out += `The following additional packages will be installed:\n${wrap(extra.map((p) => p.name))}`;
  out += `The following NEW packages will be installed:\n${wrap(plan.map((p) => p.name).sort())}`;
  out += `0 upgraded, ${plan.length} newly installed, 0 to remove and 0 not upgraded.\n`;
  const download = plan.reduce((s, p) => s + debSize(p), 0);
  out += `Need to get ${kB(download)} of archives.\nAfter this operation, ${kB(plan.reduce((s, p) => s + p.sizeKiB, 0))} of additional disk space will be used.\n`;
  if (!yes) {
    const answer = stdinText(ctx.stdin).trim().toLowerCase();
    out += 'Do you want to continue? [Y/n] ';
    if (answer !== 'y' && answer !== 'yes') return fail('', 1, `${out}Abort.\n`);
  }
  const { archive, suite } = mirrors(m);
  plan.forEach((p, i) => {
    out += `Get:${i + 1} ${archive} ${suite}-updates/main ${debArch(m, p)} ${p.name} ${debArch(m, p)} ${p.version} [${kB(debSize(p))}]\n`;
  });
  await ctx.sleep?.(Math.min(20_000, 1000 + download / 10));
  out += `Fetched ${kB(download)} in 1s (${kB(download)}/s)\n`;
  let files = 70_591;
  for (const p of plan) {
    out += `Selecting previously unselected package ${p.name}.\n(Reading database ... ${files} files and directories currently installed.)\n`;
    out += `Preparing to unpack .../${p.name}_${p.version.replace(/^\d+:/, '')}_${debArch(m, p)}.deb ...\nUnpacking ${p.name} (${p.version}) ...\n`;
    files += (p.files?.length ?? 0) + 3;
  }
  await installFiles(m, plan, (p) => (names.includes(p.name) ? 'user' : 'dependency'));
  for (const p of plan) {
    out += `Setting up ${p.name} (${p.version}) ...\n`;
    out += await autostart(ctx, p);
  }
  out += 'Processing triggers for man-db (2.12.0-4build2) ...\n';
  if (plan.some((p) => p.autostart?.length))
    out += `Scanning processes...\nScanning linux images...\n\nRunning kernel seems to be up-to-date.\n\nNo services need to be restarted.\n\nNo containers need to be restarted.\n\nNo user sessions are running outdated binaries.\n\nNo VM guests are running outdated hypervisor (qemu) binaries on this host.\n`;
  return ok(out);
}

async function remove(
  m: Machine,
  ctx: CommandContext,
  names: string[],
  yes: boolean,
  purge: boolean,
): Promise<ExecResult> {
  const repo = repoOf(m);
  const db = await readDb(m);
  let out = READING;
  const missing = names.find((n) => !repo.has(n));
  if (missing) return fail(`E: Unable to locate package ${missing}\n`, 100, out);
  const present = names.filter((n) => n in db.installed);
  for (const n of names.filter((x) => !present.includes(x)))
    out += `Package '${n}' is not installed, so not removed\n`;
  if (!present.length) return ok(`${out}0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n`);
  const unused = orphans(repo, present, db);
  if (unused.length)
    out += `The following packages were automatically installed and are no longer required:\n${wrap(unused.map((p) => p.name))}Use 'sudo apt autoremove' to remove them.\n`;
  const going = present.map((n) => repo.get(n)!);
  out += `The following packages will be REMOVED:\n${wrap(going.map((p) => `${p.name}${purge ? '*' : ''}`))}`;
  out += `0 upgraded, 0 newly installed, ${going.length} to remove and 0 not upgraded.\n`;
  out += `After this operation, ${kB(going.reduce((s, p) => s + p.sizeKiB, 0))} disk space will be freed.\n`;
  if (!yes && stdinText(ctx.stdin).trim().toLowerCase() !== 'y')
    return fail('', 1, `${out}Do you want to continue? [Y/n] Abort.\n`);
  out += '(Reading database ... 70591 files and directories currently installed.)\n';
  out += await stopUnitsOf(ctx, going);
  for (const p of going) out += `Removing ${p.name} (${p.version}) ...\n`;
  await removeFiles(m, going);
  if (purge)
    for (const p of going) {
      out += `Purging configuration files for ${p.name} (${p.version}) ...\n`;
      for (const f of p.files ?? []) if (f.path.startsWith('/etc/')) await m.fs.rm(f.path, { force: true });
    }
  out += 'Processing triggers for man-db (2.12.0-4build2) ...\n';
  return ok(out);
}

async function list(m: Machine, args: string[]): Promise<ExecResult> {
  const repo = repoOf(m);
  const db = await readDb(m);
  const { suite } = mirrors(m);
  const installedOnly = args.includes('--installed');
  const patterns = args.filter((a) => !a.startsWith('-'));
  const re = patterns.map(
    (p) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`),
  );
  let out = 'Listing... Done\n';
  for (const p of [...repo.values()].sort((a, b) => (`${a.name}/` < `${b.name}/` ? -1 : 1))) {
    if (re.length && !re.some((r) => r.test(p.name))) continue;
    const entry = db.installed[p.name];
    if (installedOnly && !entry) continue;
    const state = entry ? (entry.reason === 'user' ? ' [installed]' : ' [installed,automatic]') : '';
    out += `${p.name}/${suite}-updates${entry ? ',now' : ''} ${p.version} ${debArch(m, p)}${state}\n`;
  }
  return ok(out);
}

async function show(m: Machine, names: string[]): Promise<ExecResult> {
  const repo = repoOf(m);
  const { suite } = mirrors(m);
  let out = '';
  for (const n of names) {
    const p = repo.get(n);
    if (!p) return fail(`N: Unable to locate package ${n}\nE: No packages found\n`, 100, out);
    out += `Package: ${p.name}\nVersion: ${p.version}\nPriority: optional\nSection: ${suite === 'bookworm' ? 'web' : 'universe/web'}\n`;
    out += `Maintainer: ${flavourOf(m).os === 'ubuntu' ? 'Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>' : 'Debian Maintainers'}\n`;
    out += `Installed-Size: ${p.sizeKiB} kB\n${p.requires?.length ? `Depends: ${p.requires.join(', ')}\n` : ''}Homepage: ${p.url}\n`;
    out += `Download-Size: ${kB(debSize(p))}\nAPT-Sources: ${mirrors(m).archive} ${suite}-updates/main ${flavourOf(m).arch} Packages\nDescription: ${p.summary}\n\n`;
  }
  return ok(out);
}

export function aptCommand(name: 'apt' | 'apt-get') {
  return (m: Machine): CustomCommand =>
    defineCommand(name, async (args, ctx) => {
      if (!m.debianLike) return fail(`bash: ${name}: command not found\n`, 127);
      const root = (ctx.env.get('USER') ?? 'root') === 'root';
      const yes = args.some((a) => a === '-y' || a === '--yes' || a === '--assume-yes' || a === '-qy');
      const words = args.filter((a) => !a.startsWith('-'));
      const verb = words.shift();
      if (!verb) return fail(`${name} 2.7.14 (amd64)\nUsage: ${name} [options] command\n`, 1);
      const mutating = [
        'install',
        'remove',
        'purge',
        'upgrade',
        'full-upgrade',
        'dist-upgrade',
        'autoremove',
      ];
      if (verb === 'update' && !root) return fail(LOCK_LISTS, 100, 'Reading package lists... Done\n');
      if (mutating.includes(verb) && !root) return fail(LOCK_FRONTEND, 100);
      switch (verb) {
        case 'update':
          return update(m, ctx, name);
        case 'install':
        case 'reinstall':
          return install(m, ctx, words, yes);
        case 'remove':
        case 'purge':
          return remove(m, ctx, words, yes, verb === 'purge');
        case 'upgrade':
        case 'full-upgrade':
        case 'dist-upgrade':
          return ok(
            `${READING}Calculating upgrade... Done\n0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n`,
          );
        case 'autoremove':
          return ok(`${READING}0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n`);
        case 'list':
          if (name !== 'apt') return fail(`E: Invalid operation list\n`, 100);
          return list(m, args.slice(1));
        case 'show':
          return show(m, words);
        case 'search': {
          const t = (words[0] ?? '').toLowerCase();
          let out = 'Sorting... Done\nFull Text Search... Done\n';
          for (const p of repoOf(m).values())
            if (p.name.includes(t) || p.summary.toLowerCase().includes(t))
              out += `${p.name}/${mirrors(m).suite}-updates ${p.version} ${debArch(m, p)}\n  ${p.summary}\n\n`;
          return ok(out);
        }
        default:
          return fail(`E: Invalid operation ${verb}\n`, 100);
      }
    });
}
