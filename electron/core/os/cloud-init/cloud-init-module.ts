/**
 * cloud-init's final stage on an instance's first boot: it runs the user data (a shell script
 * or #cloud-config), writes what it printed to /var/log/cloud-init-output.log and to the
 * serial console (GetConsoleOutput), logs to /var/log/cloud-init.log, and marks completion
 * in /var/lib/cloud/instance/boot-finished. The instance is already running meanwhile: boot
 * starts the work and returns; `cloudInitDone(machine)` resolves when it ends.
 */
import { defineCommand, type CustomCommand } from 'just-bash';
import type { InstanceRecord } from '../../services/ec2/records';
import type { Ec2Runtime } from '../../services/ec2/runtime';
import { fail, ok } from '../commands/command-kit';
import type { Machine } from '../machine';
import type { OsModule } from '../types';
import { cloudConfigSteps, parseCloudConfig, type Step } from './cloud-config';
import { decodeUserData, shellInterpreter } from './user-data';

const OUTPUT_LOG = '/var/log/cloud-init-output.log';
const LOG = '/var/log/cloud-init.log';
const FINISHED = '/var/lib/cloud/instance/boot-finished';
const RESULT = '/var/lib/cloud/data/result.json';
/** The pid cloud-init's final stage has on the console (as in the boot log). */
const FINAL_PID = 1511;

type Status = 'running' | 'done' | 'error' | 'disabled';

interface CloudInitState {
  status: Status;
  done: Promise<void>;
}

function state(m: Machine): CloudInitState {
  return m.moduleState<CloudInitState>('cloud-init', () => ({ status: 'done', done: Promise.resolve() }));
}

/** Resolves when this machine's cloud-init run (user data) has finished. */
export function cloudInitDone(m: Machine): Promise<void> {
  return state(m).done;
}

function version(m: Machine): string {
  return m.identity.image.os === 'ubuntu' ? '24.3.1-0ubuntu0~24.04.2' : m.debianLike ? '22.4.2' : '22.2.2';
}

function rfc2822(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000');
}

/** Seconds since the kernel started, as cloud-init prints them (the boot takes ~6 s). */
function uptime(m: Machine): string {
  return ((m.cloud.clock.now() - m.bootedAt) / 1000 + 6.2).toFixed(2);
}

function logTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '').replace('.', ',');
}

async function log(m: Machine, module: string, level: string, msg: string): Promise<void> {
  await m.fs.appendText(LOG, `${logTime(m.cloud.clock.now())} - ${module}[${level}]: ${msg}\n`);
}

/** Add lines to the instance's console output, before cloud-init's "finished" line. */
async function toConsole(m: Machine, lines: string[], finished: string | null): Promise<void> {
  const ec2 = m.cloud.runtime<Ec2Runtime>('ec2');
  const id = m.identity.id;
  await m.cloud.store.write((tx) => {
    const found = m.os.findInstance(id);
    if (!found || found.record.state === 'terminated') return;
    const current = found.record.consoleLog;
    const at = current.findIndex((l) => /Cloud-init v\. .* finished at /.test(l));
    const head = at >= 0 ? current.slice(0, at) : current;
    const tail = at >= 0 ? current.slice(at + 1) : [];
    const old = at >= 0 ? [current[at]!] : [];
    const next: InstanceRecord = {
      ...found.record,
      consoleLog: [
        ...head,
        ...lines.map((l) => `cloud-init[${FINAL_PID}]: ${l}`),
        ...(finished ? [`cloud-init[${FINAL_PID}]: ${finished}`] : old),
        ...tail,
      ],
    };
    ec2.resources.update(tx, id, next);
  });
}

async function run(m: Machine, userData: string | undefined): Promise<void> {
  const s = state(m);
  const ver = version(m);
  const output = async (text: string) => {
    if (!text) return;
    await m.fs.appendText(OUTPUT_LOG, text.endsWith('\n') ? text : `${text}\n`);
    await toConsole(m, text.replace(/\n$/, '').split('\n'), null);
  };
  const start = `Cloud-init v. ${ver} running 'modules:final' at ${rfc2822(m.cloud.clock.now())}. Up ${uptime(m)} seconds.`;
  await m.fs.appendText(
    OUTPUT_LOG,
    `Cloud-init v. ${ver} running 'init' at ${rfc2822(m.bootedAt)}. Up 6.20 seconds.\nCloud-init v. ${ver} running 'modules:config' at ${rfc2822(m.bootedAt)}. Up 7.94 seconds.\n${start}\n`,
  );
  await log(m, 'util.py', 'DEBUG', `Cloud-init v. ${ver} running 'modules:final'`);
  const data = decodeUserData(userData);
  let steps: Step[] = [];
  const errors: string[] = [];
  if (data.kind === 'script') {
    await m.fs.writeText('/var/lib/cloud/instance/user-data.txt', data.text, 0o600);
    await m.fs.writeText('/var/lib/cloud/instance/scripts/part-001', data.text, 0o700);
    if (!shellInterpreter(data.interpreter)) {
      steps = [
        {
          module: 'cc_scripts_user',
          run: async (out) => {
            await out(
              `/var/lib/cloud/instance/scripts/part-001: ${data.interpreter}: the interpreter is not available in Cloud Lab (only shell scripts run)\n`,
            );
            await out(
              `${logTime(m.cloud.clock.now())} - util.py[WARNING]: Failed running /var/lib/cloud/instance/scripts/part-001 [126]\n`,
            );
            return false;
          },
        },
      ];
    } else {
      steps = [
        {
          module: 'cc_scripts_user',
          run: async (out) => {
            // The shebang line is a comment to the shell; the script runs as root from /.
            const r = await m.exec(data.text, { user: 'root', cwd: '/' });
            await out(r.stdout + r.stderr);
            if (r.exitCode !== 0) {
              const t = logTime(m.cloud.clock.now());
              await out(
                `${t} - util.py[WARNING]: Failed running /var/lib/cloud/instance/scripts/part-001 [${r.exitCode}]\n${t} - cc_scripts_user.py[WARNING]: Failed to run module scripts-user (scripts in /var/lib/cloud/instance/scripts)\n`,
              );
              return false;
            }
            return true;
          },
        },
      ];
    }
  } else if (data.kind === 'cloud-config') {
    await m.fs.writeText('/var/lib/cloud/instance/user-data.txt', data.text, 0o600);
    const parsed = parseCloudConfig(data.text);
    if ('error' in parsed) {
      await output(
        `${logTime(m.cloud.clock.now())} - util.py[WARNING]: Failed loading yaml blob. ${parsed.error}\n`,
      );
      errors.push(`Failed loading yaml blob: ${parsed.error}`);
    } else {
      const plan = cloudConfigSteps(m, parsed.config);
      steps = plan.steps;
      for (const key of plan.ignored)
        await log(
          m,
          'modules.py',
          'WARNING',
          `Skipping modules for '${key}': not supported by this cloud-init`,
        );
    }
  } else if (data.kind === 'unsupported') {
    await log(
      m,
      'util.py',
      'WARNING',
      `Unhandled non-multipart (${data.what}) userdata: '${data.text.slice(0, 20)}...'`,
    );
    await output(
      `${logTime(m.cloud.clock.now())} - __init__.py[WARNING]: Unhandled non-multipart (text/x-not-multipart) userdata: '${data.text.split('\n', 1)[0]!.slice(0, 40)}...'\n`,
    );
  }
  for (const step of steps) {
    await log(
      m,
      'modules.py',
      'DEBUG',
      `Running module ${step.module.replace(/^cc_/, '').replace(/_/g, '-')}`,
    );
    const good = await step.run(output).catch(async (e: unknown) => {
      await output(`${step.module}.py[WARNING]: ${String(e)}\n`);
      return false;
    });
    if (!good) errors.push(`${step.module} failed`);
  }
  const end = m.cloud.clock.now();
  const finished = `Cloud-init v. ${ver} finished at ${rfc2822(end)}. Datasource DataSourceEc2.  Up ${uptime(m)} seconds`;
  await m.fs.appendText(OUTPUT_LOG, `${finished}\n`);
  await toConsole(m, [], finished);
  await log(
    m,
    'util.py',
    'DEBUG',
    `cloud-init mode 'modules' took ${((end - m.bootedAt) / 1000).toFixed(3)} seconds`,
  );
  await m.fs.writeText(
    RESULT,
    `${JSON.stringify({ v1: { datasource: 'DataSourceEc2', errors } }, null, 1)}\n`,
  );
  await m.fs.writeText(FINISHED, `${uptime(m)} ${uptime(m)}\n`);
  s.status = errors.length ? 'error' : 'done';
  await m.settle();
}

const statusCommand = (m: Machine): CustomCommand =>
  defineCommand('cloud-init', async (args, ctx) => {
    if (args[0] === '--version' || args[0] === '-v') return ok(`/usr/bin/cloud-init ${version(m)}\n`);
    if (args[0] !== 'status')
      return fail(
        `usage: /usr/bin/cloud-init [-h] [--version] [--debug] [--force]\n                           {init,modules,single,query,features,analyze,devel,collect-logs,clean,status,schema} ...\n`,
        2,
      );
    const s = state(m);
    let dots = '';
    if (args.includes('--wait') || args.includes('-w')) {
      while (s.status === 'running') {
        if (ctx.signal?.aborted) return fail('', 130);
        dots += '.';
        await Promise.race([s.done, new Promise<void>((r) => m.cloud.clock.setTimeout(() => r(), 250))]);
      }
      if (dots) dots += '\n';
    }
    let status = s.status;
    if (status === 'done' && m.identity.kind === 'instance' && !(await m.fs.exists(FINISHED)))
      status = 'running';
    const long = args.includes('--long') || args.includes('-l');
    const text = long
      ? `status: ${status}\nextended_status: ${status}\nboot_status_code: enabled-by-generator\ndetail:\nDataSourceEc2\n`
      : `status: ${status}\n`;
    return { stdout: dots + text, stderr: '', exitCode: status === 'error' ? 1 : 0 };
  });

export const cloudInitModule: OsModule = {
  name: 'cloud-init',
  commands: [statusCommand],
  boot(m, { firstBoot }) {
    const s = state(m);
    if (!firstBoot || m.identity.kind !== 'instance') {
      // Later boots run only the per-boot modules; user data ran once.
      s.status = 'done';
      return;
    }
    const userData = m.os.findInstance(m.identity.id)?.record.userData;
    s.status = 'running';
    s.done = run(m, userData).catch(async (e: unknown) => {
      s.status = 'error';
      await log(m, 'util.py', 'ERROR', String(e)).catch(() => undefined);
    });
  },
};
