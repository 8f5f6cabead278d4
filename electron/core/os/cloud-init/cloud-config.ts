/**
 * The #cloud-config modules this cloud-init runs, in cloud-init's order: bootcmd and
 * write_files early, then package_update / package_upgrade / packages, runcmd (as the
 * scripts-user step), and deferred write_files last. Package work goes through the machine's
 * own dnf or apt, so its output lands in the log as on a real instance.
 */
import { gunzipSync } from 'node:zlib';
import { parse } from 'yaml';
import { quoteArgs } from '../commands/command-kit';
import type { Machine } from '../machine';

export interface Step {
  /** cloud-init's module name, for the log (`cc_write_files`). */
  module: string;
  run: (out: (text: string) => Promise<void>) => Promise<boolean>;
}

interface WriteFile {
  path?: string;
  content?: string;
  encoding?: string;
  permissions?: string | number;
  owner?: string;
  append?: boolean;
  defer?: boolean;
}

const HANDLED = new Set([
  'bootcmd',
  'write_files',
  'package_update',
  'package_upgrade',
  'package_reboot_if_required',
  'packages',
  'runcmd',
  'repo_update',
  'repo_upgrade',
]);

export function parseCloudConfig(text: string): { config: Record<string, unknown> } | { error: string } {
  try {
    const config = parse(text) as unknown;
    if (config === null || config === undefined) return { config: {} };
    if (typeof config !== 'object' || Array.isArray(config))
      return { error: 'cloud-config is not a mapping' };
    return { config: config as Record<string, unknown> };
  } catch (e) {
    return { error: (e as Error).message.split('\n')[0] ?? 'invalid YAML' };
  }
}

/** A runcmd/bootcmd entry: a string is shell text, a list is argv (quoted, as cloud-init does). */
function commandLine(entry: unknown): string | null {
  if (typeof entry === 'string') return entry;
  if (Array.isArray(entry)) return quoteArgs(entry.map(String));
  return null;
}

async function writeFile(m: Machine, f: WriteFile, out: (t: string) => Promise<void>): Promise<boolean> {
  if (!f.path) {
    await out('cc_write_files.py[WARNING]: No path provided to write for entry\n');
    return false;
  }
  let content: Buffer | string = f.content ?? '';
  const enc = (f.encoding ?? '').toLowerCase();
  if (['b64', 'base64'].includes(enc)) content = Buffer.from(String(content), 'base64');
  else if (['gz+b64', 'gzip+base64', 'gz+base64', 'gzip+b64'].includes(enc))
    content = gunzipSync(Buffer.from(String(content), 'base64'));
  const mode =
    f.permissions === undefined
      ? 0o644
      : typeof f.permissions === 'number'
        ? f.permissions
        : parseInt(f.permissions, 8);
  const dir = f.path.slice(0, f.path.lastIndexOf('/')) || '/';
  await m.fs.mkdir(dir, { recursive: true });
  if (f.append) await m.fs.appendFile(f.path, content);
  else await m.fs.writeFile(f.path, content);
  await m.fs.chmod(f.path, Number.isNaN(mode) ? 0o644 : mode);
  if (f.owner) {
    const user = f.owner.split(':')[0] ?? '';
    if (!(await m.users.find(user)))
      await out(`util.py[WARNING]: Failed to chown ${f.path}: unknown user ${user}\n`);
  }
  return true;
}

/** The steps a cloud-config asks for, and warnings for what it asks that is not handled. */
export function cloudConfigSteps(
  m: Machine,
  config: Record<string, unknown>,
): { steps: Step[]; ignored: string[] } {
  const steps: Step[] = [];
  const run = (script: string) => m.exec(script, { user: 'root', cwd: '/' });
  const shell = async (module: string, script: string, out: (t: string) => Promise<void>) => {
    const r = await run(script);
    await out(r.stdout + r.stderr);
    if (r.exitCode !== 0) await out(`${module}[WARNING]: command failed with exit status ${r.exitCode}\n`);
    return r.exitCode === 0;
  };
  const files = Array.isArray(config.write_files) ? (config.write_files as WriteFile[]) : [];
  const bootcmd = Array.isArray(config.bootcmd)
    ? config.bootcmd.map(commandLine).filter((c): c is string => !!c)
    : [];
  if (bootcmd.length)
    steps.push({ module: 'cc_bootcmd', run: (out) => shell('cc_bootcmd.py', bootcmd.join('\n'), out) });
  const early = files.filter((f) => !f.defer);
  if (early.length)
    steps.push({
      module: 'cc_write_files',
      run: async (out) => {
        let okAll = true;
        for (const f of early) okAll = (await writeFile(m, f, out)) && okAll;
        return okAll;
      },
    });
  const apt = m.debianLike;
  const packages = Array.isArray(config.packages) ? config.packages : [];
  const names = packages.map((p) => (Array.isArray(p) ? String(p[0]) : String(p))).filter(Boolean);
  const update = config.package_update === true || config.repo_update === true || (apt && names.length > 0);
  const upgrade = config.package_upgrade === true || config.repo_upgrade === true;
  if (update || upgrade || names.length)
    steps.push({
      module: 'cc_package_update_upgrade_install',
      run: async (out) => {
        let good = true;
        if (update)
          good =
            (await shell(
              'cc_package_update_upgrade_install.py',
              apt ? 'apt-get update' : 'dnf makecache',
              out,
            )) && good;
        if (upgrade)
          good =
            (await shell(
              'cc_package_update_upgrade_install.py',
              apt ? 'apt-get upgrade -y' : 'dnf upgrade -y',
              out,
            )) && good;
        if (names.length)
          good =
            (await shell(
              'cc_package_update_upgrade_install.py',
              `${apt ? 'apt-get install -y' : 'dnf install -y'} ${quoteArgs(names)}`,
              out,
            )) && good;
        return good;
      },
    });
  const runcmd = Array.isArray(config.runcmd)
    ? config.runcmd.map(commandLine).filter((c): c is string => !!c)
    : [];
  if (runcmd.length)
    steps.push({
      module: 'cc_scripts_user',
      run: async (out) => {
        // cloud-init writes runcmd to a script and runs it in the scripts-user step.
        const path = '/var/lib/cloud/instance/scripts/runcmd';
        await m.fs.writeText(path, `#!/bin/sh\n${runcmd.join('\n')}\n`, 0o700);
        const r = await run(runcmd.join('\n'));
        await out(r.stdout + r.stderr);
        if (r.exitCode !== 0) {
          await out(
            `${new Date(m.cloud.clock.now()).toISOString().replace('T', ' ').replace('Z', '')} - cc_scripts_user.py[WARNING]: Failed to run module scripts-user (scripts in /var/lib/cloud/instance/scripts)\n`,
          );
          return false;
        }
        return true;
      },
    });
  const late = files.filter((f) => f.defer);
  if (late.length)
    steps.push({
      module: 'cc_write_files_deferred',
      run: async (out) => {
        let okAll = true;
        for (const f of late) okAll = (await writeFile(m, f, out)) && okAll;
        return okAll;
      },
    });
  return { steps, ignored: Object.keys(config).filter((k) => !HANDLED.has(k)) };
}
