/**
 * `aws configure`: the interactive prompts (answered from stdin), `set`, `get` and `list`,
 * writing ~/.aws/credentials and ~/.aws/config as the CLI lays them out.
 */
import type { ExecResult, ResolvedCommandContext } from 'just-bash';
import type { Machine } from '../machine';
import { stdinText } from '../commands/command-kit';
import type { AwsConfig, Ini } from './credentials';
import { EXIT, usageError } from './errors';

const CREDENTIAL_KEYS = new Set(['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token']);

function renderIni(ini: Ini): string {
  return Object.entries(ini)
    .map(
      ([name, values]) =>
        `[${name}]\n${Object.entries(values)
          .map(([k, v]) => `${k} = ${v}\n`)
          .join('')}`,
    )
    .join('');
}

async function save(m: Machine, home: string, config: AwsConfig, key: string, value: string): Promise<void> {
  const credentials = CREDENTIAL_KEYS.has(key);
  const file = credentials ? config.credentialsFile : config.configFile;
  const section = credentials || config.profile === 'default' ? config.profile : `profile ${config.profile}`;
  (file[section] ??= {})[key] = value;
  await m.fs.writeText(`${home}/.aws/${credentials ? 'credentials' : 'config'}`, renderIni(file), 0o600);
}

const mask = (v: string | undefined) => (v ? `****************${v.slice(-4)}` : 'None');

export async function configure(
  m: Machine,
  ctx: ResolvedCommandContext,
  config: AwsConfig,
  args: string[],
): Promise<ExecResult> {
  const home = ctx.env.get('HOME') ?? '/root';
  const [sub, key, value] = args;
  if (sub === 'set') {
    if (!key || value === undefined)
      return {
        stdout: '',
        stderr: usageError('the following arguments are required: varname, value'),
        exitCode: EXIT.usage,
      };
    await save(m, home, config, key.replace(/^default\./, ''), value);
    return { stdout: '', stderr: '', exitCode: 0 };
  }
  if (sub === 'get') {
    const v = key ? config.get(key.replace(/^default\./, '')) : undefined;
    return v === undefined
      ? { stdout: '', stderr: '', exitCode: 1 }
      : { stdout: `${v}\n`, stderr: '', exitCode: 0 };
  }
  if (sub === 'list') {
    const creds = config.fileCredentials();
    const row = (name: string, v: string, type: string, location: string) =>
      `${name.padStart(10)} ${v.padStart(24)} ${type.padStart(16)}    ${location}\n`;
    return {
      stdout:
        row('Name', 'Value', 'Type', 'Location') +
        row('----', '-----', '----', '--------') +
        row(
          'profile',
          config.explicitProfile ? config.profile : '<not set>',
          config.explicitProfile ? 'manual' : 'None',
          config.explicitProfile ? '--profile' : 'None',
        ) +
        row('access_key', mask(creds?.accessKeyId), creds ? 'shared-credentials-file' : 'None', '') +
        row('secret_key', mask(creds?.secretAccessKey), creds ? 'shared-credentials-file' : 'None', '') +
        row(
          'region',
          config.get('region') ?? '<not set>',
          config.get('region') ? 'config-file' : 'None',
          config.get('region') ? '~/.aws/config' : 'None',
        ),
      stderr: '',
      exitCode: 0,
    };
  }
  if (sub)
    return {
      stdout: '',
      stderr: usageError(
        `argument subcommand: Invalid choice, valid choices are:\n\nlist | get | set | import | list-profiles | sso | sso-session | export-credentials`,
      ),
      exitCode: EXIT.usage,
    };
  // Interactive: one answer per line of stdin; an empty answer keeps the current value.
  const answers = stdinText(ctx.stdin).split('\n');
  const prompts: Array<[string, string, (v?: string) => string]> = [
    ['aws_access_key_id', 'AWS Access Key ID', mask],
    ['aws_secret_access_key', 'AWS Secret Access Key', mask],
    ['region', 'Default region name', (v) => v ?? 'None'],
    ['output', 'Default output format', (v) => v ?? 'None'],
  ];
  let stdout = '';
  for (const [i, [k, label, show]] of prompts.entries()) {
    const current = k.startsWith('aws_')
      ? k === 'aws_access_key_id'
        ? config.fileCredentials()?.accessKeyId
        : config.fileCredentials()?.secretAccessKey
      : config.get(k);
    stdout += `${label} [${show(current)}]: `;
    const answer = answers[i]?.trim();
    if (answer) await save(m, home, config, k, answer);
  }
  return { stdout: `${stdout}\n`, stderr: '', exitCode: 0 };
}
