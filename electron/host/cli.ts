/**
 * The `cloudlab` command. `cloudlab serve` runs the cloud headless: the AWS endpoint, the web
 * console, the SSH gateway and the DNS server, then prints one line
 * containing "ready" with the URLs. SIGINT and SIGTERM flush the workspace and exit 0.
 */
import { parseArgs } from 'node:util';
import { WorkspaceError } from '../core/kernel/errors';
import { createCloud, type CloudHost } from './create-cloud';
import { defaultRendererDir, defaultResourcesDir, defaultWorkspaceDir, packageVersion } from './paths';

const USAGE = `Usage: cloudlab serve [options]

Runs Cloud Lab headless: an AWS-compatible endpoint for the AWS CLI and SDKs, and the web
console at /_cloudlab/ on the same port.

Options:
  --host ADDR       address to listen on (default 127.0.0.1; 0.0.0.0 for a classroom)
  --port N          AWS endpoint and web console port (default 4566; 0 picks a free port)
  --ssh-port N      SSH gateway port (default 4522; 0 picks a free port):
                    ssh -i key.pem -p 4522 ec2-user@<instance-id>@127.0.0.1
  --dns-port N      DNS server port, UDP and TCP (default 4553; 0 picks a free port):
                    Route 53 public zones and EC2 public names, answered authoritatively:
                    dig @127.0.0.1 -p 4553 www.example.com
  --data DIR        workspace directory (default: the desktop app's workspace,
                    ${defaultWorkspaceDir()})
  --seed N          deterministic mode for a new workspace: seeded IDs, clock from a fixed start
  --recover         if the workspace is damaged, move the damaged files aside and start fresh
  --fsync           wait for the disk (fdatasync) before acknowledging each write; by default
                    a write is acknowledged once the OS has it (it survives the process being
                    killed) and reaches the disk within 100 ms
  -h, --help        show this help
  -v, --version     print the version

Credentials: access key "test", secret "test", account 123456789012.
Example:  aws --endpoint-url http://127.0.0.1:4566 sts get-caller-identity`;

function fail(message: string): never {
  process.stderr.write(`cloudlab: ${message}\n`);
  process.exit(1);
}

function port(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535)
    fail(`--${name} must be a port number from 0 to 65535, not "${value}".`);
  return n;
}

async function serve(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string' },
        'ssh-port': { type: 'string' },
        'dns-port': { type: 'string' },
        data: { type: 'string' },
        seed: { type: 'string' },
        recover: { type: 'boolean', default: false },
        fsync: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (e) {
    fail(`${(e as Error).message}\n\n${USAGE}`);
  }
  const v = parsed.values;
  if (v.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (v.seed !== undefined && !/^\d{1,15}$/.test(v.seed))
    fail(`--seed must be a whole number, not "${v.seed}".`);
  const dataDir = v.data ?? defaultWorkspaceDir();
  const httpPort = port('port', v.port, 4566);
  const sshPort = port('ssh-port', v['ssh-port'], 4522);
  const dnsPort = port('dns-port', v['dns-port'], 4553);

  let host: CloudHost;
  try {
    host = await createCloud({
      dataDir,
      resourcesDir: defaultResourcesDir(),
      rendererDir: defaultRendererDir(),
      seed: v.seed ?? null,
      recover: v.recover,
      fsync: v.fsync,
      listen: { host: v.host, port: httpPort },
      sshPort,
      dnsPort,
      shell: 'web',
      version: packageVersion(),
      log: (m) => process.stderr.write(`${m}\n`),
    });
  } catch (e) {
    if (e instanceof WorkspaceError) fail(e.message);
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') {
      fail(
        `port ${httpPort} on ${v.host} is already in use (is another Cloud Lab running?). Choose another with --port.`,
      );
    }
    if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND')
      fail(`cannot listen on ${v.host}: ${err.message}`);
    if (err.code === 'EACCES') fail(`not allowed to listen on port ${httpPort}: ${err.message}`);
    throw e;
  }
  for (const note of host.info().notes) process.stderr.write(`cloudlab: ${note}\n`);
  for (const pending of host.info().listeners.pending)
    process.stderr.write(`cloudlab: not started yet: ${pending}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`cloudlab: ${signal}, saving the workspace and stopping\n`);
    host.close().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`cloudlab: failed to save the workspace cleanly: ${(e as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  const mode = host.cloud.ids.deterministic ? ` · deterministic (seed ${host.cloud.workspace.seed})` : '';
  process.stdout.write(
    `Cloud Lab ${packageVersion()} ready · AWS endpoint ${host.endpoint} · console ${host.consoleUrl}${host.sshUrl ? ` · SSH gateway ${host.sshUrl}` : ''}${host.dnsAddress ? ` · DNS udp/tcp ${host.dnsAddress}` : ''} · workspace ${dataDir}${mode}\n`,
  );
}

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return serve(rest);
    case '-v':
    case '--version':
      process.stdout.write(`${packageVersion()}\n`);
      return;
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return;
    default:
      fail(`unknown command "${command}".\n\n${USAGE}`);
  }
}

await main(process.argv.slice(2));
