/**
 * dnf (and yum, which is dnf on Amazon Linux 2023; Amazon Linux 2 has only yum) over the
 * simulated repository: install, remove, list, info, search, check-update, update. Output
 * follows dnf 4 as Amazon Linux 2023 prints it. Installing takes simulated time (downloads).
 */
import { defineCommand, type CommandContext, type CustomCommand, type ExecResult } from 'just-bash';
import { fail, ok, stdinText } from '../commands/command-kit';
import type { Machine } from '../machine';
import type { PackageSpec } from './catalogue';
import {
  closure,
  flavourOf,
  installFiles,
  orphans,
  readDb,
  removeFiles,
  repoOf,
  type PackageDb,
} from './package-db';
import { stopUnitsOf } from './unit-hooks';

const ROOT_ONLY =
  'Error: This command has to be run with superuser privileges (under the root user on most systems).\n';
const CACHE_STAMP = '/var/cache/dnf/last_makecache';
const RULE = '='.repeat(80);

/** dnf's sizes: `48 k`, `1.2 M`. */
function size(kib: number): string {
  if (kib < 1024) return `${Math.max(1, Math.round(kib))} k`;
  const mib = kib / 1024;
  return `${mib < 10 ? mib.toFixed(1) : Math.round(mib)} M`;
}

const downloadKiB = (p: PackageSpec) => Math.max(8, Math.round(p.sizeKiB / 3));

function repoName(m: Machine): string {
  return flavourOf(m).osVersion === '2023' ? 'amazonlinux' : 'amzn2-core';
}

function nevra(p: PackageSpec, arch: string): string {
  return `${p.name}-${p.version}.${arch}`;
}

function when(now: number): string {
  const d = new Date(now);
  const day = d.toLocaleDateString('en-US', { weekday: 'short', timeZone: 'UTC' });
  const mon = d.toLocaleDateString('en-US', { month: 'short', timeZone: 'UTC' });
  const time = d.toISOString().slice(11, 19);
  return `${day} ${mon} ${String(d.getUTCDate()).padStart(2, '0')} ${time} ${d.getUTCFullYear()}`;
}

/** The metadata line dnf prints first; downloads the repository metadata when it is old. */
async function metadata(m: Machine, ctx: CommandContext, root: boolean): Promise<string> {
  const now = m.cloud.clock.now();
  const stamp = Number((await m.fs.readText(CACHE_STAMP))?.trim() ?? 0);
  let out = '';
  let at = stamp;
  if (!stamp || now - stamp > 48 * 3_600_000) {
    const label =
      flavourOf(m).osVersion === '2023' ? 'Amazon Linux 2023 repository' : 'Amazon Linux 2 core repository';
    out += `${label.padEnd(49)} 38 MB/s |  31 MB     00:00\n`;
    await ctx.sleep?.(1500);
    at = m.cloud.clock.now();
    if (root) await m.fs.writeText(CACHE_STAMP, `${at}\n`);
  }
  const ago = Math.max(0, Math.round((m.cloud.clock.now() - at) / 1000));
  const hms = `${Math.floor(ago / 3600)}:${String(Math.floor((ago % 3600) / 60)).padStart(2, '0')}:${String(ago % 60).padStart(2, '0')}`;
  return `${out}Last metadata expiration check: ${hms} ago on ${when(at)}.\n`;
}

function table(
  m: Machine,
  sections: Array<[string, PackageSpec[]]>,
  arch: string,
  db: PackageDb | null,
): string {
  const rows = sections.flatMap(([, ps]) => ps);
  const w = Math.max(16, ...rows.map((p) => p.name.length + 1));
  const vw = Math.max(20, ...rows.map((p) => p.version.length + 1));
  let out = `${RULE}\n ${'Package'.padEnd(w)} ${'Arch'.padEnd(8)} ${'Version'.padEnd(vw)} ${'Repository'.padEnd(13)} Size\n${RULE}\n`;
  for (const [title, ps] of sections) {
    if (ps.length === 0) continue;
    out += `${title}:\n`;
    for (const p of ps) {
      const repo = db
        ? db.installed[p.name]?.reason === 'image'
          ? '@System'
          : `@${repoName(m)}`
        : repoName(m);
      const kib = db ? p.sizeKiB : downloadKiB(p);
      out += ` ${p.name.padEnd(w)} ${arch.padEnd(8)} ${p.version.padEnd(vw)} ${repo.padEnd(13)} ${size(kib).padStart(5)}\n`;
    }
  }
  return out;
}

function columns(names: string[]): string {
  return names.map((n) => `  ${n}\n`).join('');
}

async function confirm(ctx: CommandContext, assumeYes: boolean): Promise<string | null> {
  if (assumeYes) return null;
  const answer = stdinText(ctx.stdin).trim().toLowerCase();
  if (answer === 'y' || answer === 'yes') return 'Is this ok [y/N]: ';
  return 'Is this ok [y/N]: Operation aborted.\n';
}

async function install(m: Machine, ctx: CommandContext, names: string[], yes: boolean): Promise<ExecResult> {
  const repo = repoOf(m);
  const arch = flavourOf(m).arch;
  const db = await readDb(m);
  let out = await metadata(m, ctx, true);
  const missing = names.filter((n) => !repo.has(n));
  if (missing.length) {
    return fail(
      `Error: Unable to find a match: ${missing.join(' ')}\n`,
      1,
      out + missing.map((n) => `No match for argument: ${n}\n`).join(''),
    );
  }
  for (const n of names)
    if (n in db.installed) out += `Package ${nevra(repo.get(n)!, arch)} is already installed.\n`;
  const plan = closure(repo, names, db);
  if (plan.length === 0) return ok(`${out}Dependencies resolved.\nNothing to do.\nComplete!\n`);
  const asked = plan.filter((p) => names.includes(p.name));
  const deps = plan.filter((p) => !names.includes(p.name));
  out += 'Dependencies resolved.\n';
  out += table(
    m,
    [
      ['Installing', asked],
      ['Installing dependencies', deps],
    ],
    arch,
    null,
  );
  const total = plan.reduce((s, p) => s + downloadKiB(p), 0);
  const installed = plan.reduce((s, p) => s + p.sizeKiB, 0);
  out += `\nTransaction Summary\n${RULE}\nInstall  ${plan.length} Package${plan.length > 1 ? 's' : ''}\n\n`;
  out += `Total download size: ${size(total)}\nInstalled size: ${size(installed)}\n`;
  const refused = await confirm(ctx, yes);
  if (refused?.includes('aborted')) return fail('', 1, out + refused);
  if (refused) out += refused;
  out += 'Downloading Packages:\n';
  plan.forEach((p, i) => {
    const file = `(${i + 1}/${plan.length}): ${nevra(p, arch)}.rpm`;
    out += `${file.padEnd(48).slice(0, 48)} ${'12 MB/s'.padStart(9)} | ${size(downloadKiB(p)).replace(' ', ' ').padStart(6)}B     00:00\n`;
  });
  // Downloading and unpacking take a moment of simulated time, as on a real instance.
  await ctx.sleep?.(Math.min(20_000, 1000 + total / 10));
  out += `${'-'.repeat(80)}\n${'Total'.padEnd(48)} ${'15 MB/s'.padStart(9)} | ${size(total).padStart(6)}B     00:00\n`;
  out +=
    'Running transaction check\nTransaction check succeeded.\nRunning transaction test\nTransaction test succeeded.\nRunning transaction\n';
  out += `  Preparing        :${''.padStart(60)}1/1 \n`;
  const n = plan.length;
  const line = (verb: string, p: PackageSpec, i: number) =>
    `  ${verb.padEnd(17)}: ${nevra(p, arch).padEnd(56)}${`${i + 1}/${n}`.padStart(6)} \n`;
  plan.forEach((p, i) => {
    if (p.users?.length || p.groups?.length) out += line('Running scriptlet', p, i);
    out += line('Installing', p, i);
  });
  await installFiles(m, plan, (p) => (names.includes(p.name) ? 'user' : 'dependency'));
  plan.forEach((p, i) => (out += line('Verifying', p, i)));
  out += `\nInstalled:\n${columns(plan.map((p) => nevra(p, arch)))}\nComplete!\n`;
  return ok(out);
}

async function remove(m: Machine, ctx: CommandContext, names: string[], yes: boolean): Promise<ExecResult> {
  const repo = repoOf(m);
  const arch = flavourOf(m).arch;
  const db = await readDb(m);
  let out = '';
  const present = names.filter((n) => n in db.installed && repo.has(n));
  for (const n of names.filter((x) => !present.includes(x))) out += `No match for argument: ${n}\n`;
  if (present.length === 0) {
    return ok(`${out}No packages marked for removal.\nDependencies resolved.\nNothing to do.\nComplete!\n`);
  }
  const asked = present.map((n) => repo.get(n)!);
  const unused = orphans(repo, present, db);
  out += 'Dependencies resolved.\n';
  out += table(
    m,
    [
      ['Removing', asked],
      ['Removing unused dependencies', unused],
    ],
    arch,
    db,
  );
  const all = [...asked, ...unused];
  out += `\nTransaction Summary\n${RULE}\nRemove  ${all.length} Package${all.length > 1 ? 's' : ''}\n\n`;
  out += `Freed space: ${size(all.reduce((s, p) => s + p.sizeKiB, 0))}\n`;
  const refused = await confirm(ctx, yes);
  if (refused?.includes('aborted')) return fail('', 1, out + refused);
  if (refused) out += refused;
  out +=
    'Running transaction check\nTransaction check succeeded.\nRunning transaction test\nTransaction test succeeded.\nRunning transaction\n';
  out += `  Preparing        :${''.padStart(60)}1/1 \n`;
  // %preun: a package's services stop before its files go.
  out += await stopUnitsOf(ctx, all);
  all.forEach(
    (p, i) =>
      (out += `  ${'Erasing'.padEnd(17)}: ${nevra(p, arch).padEnd(56)}${`${i + 1}/${all.length}`.padStart(6)} \n`),
  );
  await removeFiles(m, all);
  out += `\nRemoved:\n${columns(all.map((p) => nevra(p, arch)))}\nComplete!\n`;
  return ok(out);
}

async function list(m: Machine, args: string[]): Promise<ExecResult> {
  const repo = repoOf(m);
  const arch = flavourOf(m).arch;
  const db = await readDb(m);
  const which = args[0] === 'installed' || args[0] === 'available' ? args.shift()! : 'all';
  const patterns = args.map(
    (a) =>
      new RegExp(
        `^${a
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')
          .replace(/\?/g, '.')}$`,
      ),
  );
  const match = (p: PackageSpec) => patterns.length === 0 || patterns.some((r) => r.test(p.name));
  const row = (p: PackageSpec, from: string) =>
    `${`${p.name}.${arch}`.padEnd(40)} ${p.version.padEnd(30)} ${from}\n`;
  let out = '';
  const inst = [...repo.values()].filter((p) => p.name in db.installed && match(p));
  const avail = [...repo.values()].filter((p) => !(p.name in db.installed) && match(p));
  if (which !== 'available' && inst.length) {
    out += 'Installed Packages\n';
    for (const p of inst.sort((a, b) => a.name.localeCompare(b.name)))
      out += row(p, db.installed[p.name]!.reason === 'image' ? '@System' : `@${repoName(m)}`);
  }
  if (which !== 'installed' && avail.length) {
    out += 'Available Packages\n';
    for (const p of avail.sort((a, b) => a.name.localeCompare(b.name))) out += row(p, repoName(m));
  }
  if (!out) return fail('Error: No matching Packages to list\n');
  return ok(out);
}

async function info(m: Machine, names: string[]): Promise<ExecResult> {
  const repo = repoOf(m);
  const arch = flavourOf(m).arch;
  const db = await readDb(m);
  const found = names.map((n) => repo.get(n)).filter((p): p is PackageSpec => !!p);
  if (found.length === 0) return fail('Error: No matching Packages to list\n');
  let out = '';
  for (const [title, ps] of [
    ['Installed Packages', found.filter((p) => p.name in db.installed)],
    ['Available Packages', found.filter((p) => !(p.name in db.installed))],
  ] as const) {
    if (!ps.length) continue;
    out += `${title}\n`;
    for (const p of ps) {
      const [epochVersion, release = ''] = splitVersion(p.version);
      const inst = p.name in db.installed;
      out += `Name         : ${p.name}\n`;
      if (epochVersion.includes(':')) out += `Epoch        : ${epochVersion.split(':')[0]}\n`;
      out += `Version      : ${epochVersion.replace(/^\d+:/, '')}\nRelease      : ${release}\nArchitecture : ${arch}\n`;
      out += `Size         : ${size(inst ? p.sizeKiB : downloadKiB(p))}\nSource       : ${p.name}-${p.version.replace(/^\d+:/, '')}.src.rpm\n`;
      out += `Repository   : ${inst ? (db.installed[p.name]!.reason === 'image' ? '@System' : `@${repoName(m)}`) : repoName(m)}\n`;
      if (inst) out += `From repo    : ${repoName(m)}\n`;
      out += `Summary      : ${p.summary}\nURL          : ${p.url}\nLicense      : ${p.license}\nDescription  : ${p.summary}.\n\n`;
    }
  }
  return ok(out);
}

function splitVersion(v: string): [string, string] {
  const i = v.lastIndexOf('-');
  return i < 0 ? [v, ''] : [v.slice(0, i), v.slice(i + 1)];
}

function search(m: Machine, terms: string[]): ExecResult {
  const arch = flavourOf(m).arch;
  const repo = [...repoOf(m).values()];
  if (terms.length === 0) return fail('Error: Error: Need an item to match\n');
  let out = '';
  for (const term of terms) {
    const t = term.toLowerCase();
    const byName = repo.filter((p) => p.name.toLowerCase().includes(t));
    const bySummary = repo.filter((p) => !byName.includes(p) && p.summary.toLowerCase().includes(t));
    if (byName.length) {
      out += `${` Name Matched: ${term} `.padStart(40 + Math.ceil((term.length + 15) / 2), '=').padEnd(80, '=')}\n`;
      for (const p of byName) out += `${p.name}.${arch} : ${p.summary}\n`;
    }
    if (bySummary.length) {
      out += `${` Summary Matched: ${term} `.padStart(40 + Math.ceil((term.length + 18) / 2), '=').padEnd(80, '=')}\n`;
      for (const p of bySummary) out += `${p.name}.${arch} : ${p.summary}\n`;
    }
  }
  if (!out) return fail('', 1, `No matches found.\n`);
  return ok(out);
}

const USAGE = `usage: dnf [options] COMMAND

List of Main Commands:

check-update              check for available package upgrades
info                      display details about a package or group of packages
install                   install a package or packages on your system
list                      list a package or groups of packages
makecache                 generate the metadata cache
remove                    remove a package or packages from your system
search                    search package details for the given string
upgrade                   upgrade a package or packages on your system
`;

export function packageManager(name: 'dnf' | 'yum', available: (m: Machine) => boolean) {
  return (m: Machine): CustomCommand =>
    defineCommand(name, async (args, ctx) => {
      if (!available(m)) return fail(`bash: ${name}: command not found\n`, 127);
      const root = (ctx.env.get('USER') ?? 'root') === 'root';
      const yes = args.some((a) => a === '-y' || a === '--assumeyes');
      const words = args.filter((a) => !a.startsWith('-'));
      const verb = words.shift();
      if (!verb || args.includes('--help') || args.includes('-h')) return verb ? ok(USAGE) : fail(USAGE, 1);
      const mutating = [
        'install',
        'remove',
        'erase',
        'update',
        'upgrade',
        'makecache',
        'autoremove',
        'reinstall',
      ];
      if (mutating.includes(verb) && !root) return fail(ROOT_ONLY);
      switch (verb) {
        case 'install':
        case 'reinstall':
          if (!words.length)
            return fail('Error: Need to pass a list of pkgs to install\n', 1, await metadata(m, ctx, true));
          return install(m, ctx, words, yes);
        case 'remove':
        case 'erase':
          if (!words.length) return fail('Error: Need to pass a list of pkgs to remove\n');
          return remove(m, ctx, words, yes);
        case 'autoremove':
          return ok('Dependencies resolved.\nNothing to do.\nComplete!\n');
        case 'list':
          return list(m, words);
        case 'info':
          return info(m, words);
        case 'search':
          return search(m, words);
        case 'makecache':
          await m.fs.rm(CACHE_STAMP, { force: true });
          return ok(`${await metadata(m, ctx, true)}Metadata cache created.\n`);
        case 'check-update':
        case 'check-upgrade':
          return ok(await metadata(m, ctx, root));
        case 'update':
        case 'upgrade': {
          const head = await metadata(m, ctx, true);
          const db = await readDb(m);
          const unknown = words.filter((w) => !(w in db.installed));
          if (unknown.length)
            return fail(
              '',
              1,
              `${head}${unknown.map((w) => `Package ${w} available, but not installed.\nNo match for argument: ${w}\n`).join('')}Error: No packages marked for upgrade.\n`,
            );
          return ok(`${head}Dependencies resolved.\nNothing to do.\nComplete!\n`);
        }
        default:
          return fail(
            `No such command: ${verb}. Please use /usr/bin/${name} --help\nIt could be a ${name} plugin command, try: "${name} install 'dnf-command(${verb})'"\n`,
          );
      }
    });
}

/** dnf exists on Amazon Linux 2023 (and the workstation); yum on every Amazon Linux. */
export const dnfCommand = packageManager('dnf', (m) => !m.debianLike && flavourOf(m).osVersion !== '2');
export const yumCommand = packageManager('yum', (m) => !m.debianLike);
