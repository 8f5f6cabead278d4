/**
 * The low-level package queries: `rpm -q`/`rpm -qa` on Amazon Linux, `dpkg -l`/`dpkg -s` on
 * Ubuntu and Debian, reading the same package database dnf and apt keep.
 */
import { defineCommand, type CustomCommand } from 'just-bash';
import { fail, ok } from '../commands/command-kit';
import type { Machine } from '../machine';
import { flavourOf, readDb, repoOf } from './package-db';

export const rpmCommand = (m: Machine): CustomCommand =>
  defineCommand('rpm', async (args) => {
    if (m.debianLike) return fail('bash: rpm: command not found\n', 127);
    const flags = args.filter((a) => a.startsWith('-')).join('');
    if (!flags.includes('q')) return fail('rpm: no operation specified\n');
    const repo = repoOf(m);
    const db = await readDb(m);
    const arch = flavourOf(m).arch;
    const full = (name: string) => `${name}-${repo.get(name)!.version.replace(/^\d+:/, '')}.${arch}\n`;
    if (flags.includes('a'))
      return ok(
        Object.keys(db.installed)
          .filter((n) => repo.has(n))
          .sort()
          .map(full)
          .join(''),
      );
    let out = '';
    let missing = 0;
    for (const name of args.filter((a) => !a.startsWith('-'))) {
      if (name in db.installed && repo.has(name)) out += full(name);
      else {
        out += `package ${name} is not installed\n`;
        missing++;
      }
    }
    return missing ? fail('', 1, out) : ok(out);
  });

export const dpkgCommand = (m: Machine): CustomCommand =>
  defineCommand('dpkg', async (args) => {
    if (!m.debianLike) return fail('bash: dpkg: command not found\n', 127);
    const repo = repoOf(m);
    const db = await readDb(m);
    const arch = flavourOf(m).arch;
    const names = args.filter((a) => !a.startsWith('-'));
    if (args[0] === '-l' || args[0] === '--list') {
      const wanted = names.length ? names : Object.keys(db.installed).sort();
      let out =
        'Desired=Unknown/Install/Remove/Purge/Hold\n| Status=Not/Inst/Conf-files/Unpacked/halF-conf/Half-inst/trig-aWait/Trig-pend\n|/ Err?=(none)/Reinst-required (Status,Err: uppercase=bad)\n||/ Name                Version                    Architecture Description\n+++-===================-==========================-============-=================================\n';
      let missing = 0;
      for (const n of wanted) {
        const p = repo.get(n);
        if (!p || !(n in db.installed)) {
          if (names.length) missing++;
          continue;
        }
        out += `ii  ${n.padEnd(19)} ${p.version.padEnd(26)} ${arch.padEnd(12)} ${p.summary}\n`;
      }
      if (missing)
        return fail(
          `dpkg-query: no packages found matching ${names.filter((n) => !(n in db.installed)).join(' ')}\n`,
          1,
          out,
        );
      return ok(out);
    }
    if (args[0] === '-s' || args[0] === '--status') {
      const n = names[0] ?? '';
      const p = repo.get(n);
      if (!p || !(n in db.installed))
        return fail(`dpkg-query: package '${n}' is not installed and no information is available\n`, 1);
      return ok(
        `Package: ${n}\nStatus: install ok installed\nPriority: optional\nInstalled-Size: ${p.sizeKiB}\nArchitecture: ${arch}\nVersion: ${p.version}\nDescription: ${p.summary}\nHomepage: ${p.url}\n`,
      );
    }
    return fail(
      "dpkg: error: need an action option\n\nType dpkg --help for help about installing and deinstalling packages [*];\nUse 'apt' or 'aptitude' for user-friendly package management;\n",
      2,
    );
  });
