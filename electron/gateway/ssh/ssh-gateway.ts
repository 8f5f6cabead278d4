/**
 * The SSH gateway: real SSH into the simulated instances, for the learner's own terminal.
 *
 *   ssh -i lab-key.pem -p 4522 ec2-user@i-0123456789abcdef0@127.0.0.1
 *
 * The login name is `<user>@<target>`: the target is an instance ID, or an instance's public
 * or private address or DNS name, in the default account (any Region). The connection is
 * treated as coming from the learner's computer on the internet: the instance needs a public
 * address and a security group that lets tcp/22 in from it. Authentication is by public key
 * only, with the key in the user's authorized_keys (the launch key pair's, put there by
 * cloud-init), and the client must prove it holds the private key (the signature is checked).
 * What a real connection would show as a timeout or a bare refusal is explained in a
 * pre-authentication banner, which OpenSSH prints.
 *
 * Sessions: a shell with a pty runs the terminal line discipline (TerminalSession); exec runs
 * one command with stdout and stderr apart and sends its exit status; a shell without a pty
 * reads its script from stdin. When the instance goes down the session prints the broadcast
 * and the connection drops ("Connection to … closed by remote host.").
 */
import type { Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import ssh2, {
  type AuthContext,
  type ClientInfo,
  type Connection,
  type PublicKeyAuthContext,
  type ServerChannel,
  type Session,
} from 'ssh2';
import type { Cloud } from '../../core/cloud';
import { LEARNER_IP } from '../../contract/learner';
import { reach } from '../../core/network/reachability';
import type { Machine } from '../../core/os/machine';
import { decideLogin, launchKey, type LoginDecision } from '../../core/os/ssh-client/authorization';
import { TerminalSession } from '../../core/os/terminal/terminal-session';
import { createKey } from '../../core/services/ec2/key-material';

/** Where the gateway keeps its host key, so clients see the same key across restarts. */
export const HOST_KEY_SETTING = 'ssh.gatewayHostKey';
/** How long exec waits for stdin to start before running the command without it. */
const STDIN_IDLE_MS = 100;

export interface SshGatewayOptions {
  cloud: Cloud;
  host: string;
  port: number;
  log?: (message: string) => void;
}

interface Target {
  machine: Machine;
  instanceId: string;
  /** The address the learner reaches it at (its public IPv4 address). */
  address: string;
}

interface Login {
  target: Target;
  user: string;
  decision: LoginDecision;
}

export class SshGateway {
  private readonly server: InstanceType<typeof ssh2.Server>;
  private readonly clients = new Set<Connection>();

  private constructor(
    private readonly options: SshGatewayOptions,
    hostKey: string,
  ) {
    this.server = new ssh2.Server({ hostKeys: [hostKey], ident: 'OpenSSH_8.7' }, (client, info) =>
      this.connection(client, info),
    );
    this.server.on('error', (e: Error) => options.log?.(`ssh gateway: ${e.message}`));
  }

  /** The gateway for sockets an SshListener accepted (the listener owns the port). */
  static async create(options: SshGatewayOptions): Promise<SshGateway> {
    return new SshGateway(options, await gatewayHostKey(options.cloud));
  }

  /** Take a connection the listener accepted (paused until then). */
  inject(socket: Socket): void {
    // Resume first: ssh2 takes over the stream's flow when it attaches, and a socket resumed
    // after that never delivers the data that waited (the handshake stalls).
    socket.resume();
    this.server.injectSocket(socket);
  }

  async close(): Promise<void> {
    for (const c of this.clients) c.end();
    this.clients.clear();
  }

  // ---- connections -------------------------------------------------------------------------------

  private connection(client: Connection, _info: ClientInfo): void {
    this.clients.add(client);
    let login: Login | null = null;
    let bannerSent = false;
    const banner = (text: string) => {
      if (bannerSent) return;
      bannerSent = true;
      sendBanner(client, text);
    };
    client.on('error', () => undefined);
    client.on('close', () => this.clients.delete(client));
    client.on('authentication', (ctx) => {
      this.authenticate(ctx, banner).then(
        (ok) => {
          if (ok) {
            login = ok;
            ctx.accept();
          }
        },
        (e: unknown) => {
          this.options.log?.(`ssh gateway: authentication failed: ${(e as Error).stack ?? String(e)}`);
          ctx.reject(['publickey']);
        },
      );
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        if (login) this.session(client, login, accept());
      });
    });
  }

  /** Decide one authentication request: a Login once the key is proven, null when refused or queried. */
  private async authenticate(ctx: AuthContext, banner: (text: string) => void): Promise<Login | null> {
    const refuse = (text?: string): null => {
      if (text) banner(text.endsWith('\n') ? text : `${text}\n`);
      ctx.reject(['publickey']);
      return null;
    };
    const at = ctx.username.indexOf('@');
    if (at <= 0 || at === ctx.username.length - 1)
      return refuse(
        `Cloud Lab SSH gateway: log in as USER@INSTANCE, for example\n  ssh -i key.pem -p ${this.options.port} ec2-user@i-0123456789abcdef0@127.0.0.1\n(INSTANCE: an instance ID or its public IP address or DNS name.)`,
      );
    const user = ctx.username.slice(0, at);
    const target = await this.resolve(ctx.username.slice(at + 1));
    if (typeof target === 'string') return refuse(target);
    if (!launchKey(target.machine) && !(await hasAuthorizedKeys(target.machine, user)))
      return refuse(
        `${target.instanceId} was launched without a key pair, so no key can log in over SSH. Connect from the console instead (EC2 Instance Connect), or launch an instance with a key pair.`,
      );
    if (ctx.method !== 'publickey') return refuse();
    const pk = ctx as PublicKeyAuthContext;
    const decision = await decideLogin(target.machine, user, pk.key.data);
    if (!decision.ok && !decision.authenticated) {
      if (!(await target.machine.users.find(user)))
        return refuse(
          `There is no user "${user}" on ${target.instanceId}. Its AMI's default user is "${target.machine.defaultUser}".`,
        );
      return refuse();
    }
    if (!pk.signature || !pk.blob) {
      // The client asks whether this key would do; it signs with it next.
      ctx.accept();
      return null;
    }
    const parsed = ssh2.utils.parseKey(pk.key.data);
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    if (!key || key instanceof Error || key.verify(pk.blob, pk.signature, pk.hashAlgo) !== true)
      return refuse();
    return { target, user, decision };
  }

  /** The instance a login name points at, or why it cannot be reached. */
  private async resolve(name: string): Promise<Target | string> {
    const cloud = this.options.cloud;
    const account = cloud.accounts.consolePrincipal().accountId;
    let found = /^i-[0-9a-f]+$/.test(name) ? cloud.os.findInstance(name) : undefined;
    if (found && found.scope.account !== account) found = undefined;
    if (!found) {
      const ip = addressOf(name);
      if (ip) found = cloud.os.findInstanceByIp(ip, { account });
    }
    if (!found || found.record.state === 'terminated')
      return `Cloud Lab SSH gateway: there is no instance "${name}" in account ${account}. Use an instance ID (i-…) or an instance's public IP address or DNS name.`;
    const r = found.record;
    if (r.state !== 'running')
      return `Cloud Lab SSH gateway: instance ${r.instanceId} is ${r.state}. Start it and connect again once it is running.`;
    const address = r.publicIpAddress;
    if (!address)
      return `Cloud Lab SSH gateway: instance ${r.instanceId} has no public IPv4 address, so it cannot be reached from your computer. Connect through an instance that can reach it (a bastion host), or from the console.`;
    const verdict = reach(
      cloud,
      { kind: 'internet', ip: LEARNER_IP },
      { account: found.scope.account, region: found.scope.region, ip: address },
      'tcp',
      22,
    );
    if (!verdict.reachable)
      return `ssh: connect to host ${address} (${r.instanceId}) port 22: Connection timed out\n${verdict.reason} (Your computer connects from ${LEARNER_IP}.)`;
    const machine = await cloud.os.instance(r.instanceId);
    if (!machine) return `Cloud Lab SSH gateway: instance ${r.instanceId} is not running.`;
    return { machine, instanceId: r.instanceId, address };
  }

  // ---- sessions ----------------------------------------------------------------------------------

  private session(client: Connection, login: Login, session: Session): void {
    let pty: { cols: number; rows: number; term: string } | null = null;
    let resize: ((cols: number, rows: number) => void) | null = null;
    session.on('pty', (accept, _reject, info) => {
      pty = { cols: info.cols || 80, rows: info.rows || 24, term: info.term || 'xterm' };
      accept?.();
    });
    session.on('window-change', (accept, _reject, info) => {
      if (pty) pty = { ...pty, cols: info.cols, rows: info.rows };
      resize?.(info.cols, info.rows);
      accept?.();
    });
    session.on('env', (accept) => accept?.());
    session.on('subsystem', (_accept, reject) => reject());
    session.on('shell', (accept) => {
      const channel = accept();
      if (!login.decision.ok) return refused(channel, login.decision, pty !== null);
      if (!pty) {
        void this.script(channel, login);
        return;
      }
      resize = this.interactive(client, channel, login, pty);
    });
    session.on('exec', (accept, _reject, info) => {
      const channel = accept();
      if (!login.decision.ok) return refused(channel, login.decision, false);
      void this.exec(channel, login, info.command);
    });
  }

  /**
   * A login shell on the channel's pty, through the terminal line discipline. Returns what a
   * window change calls (the shell opens asynchronously; a size that comes first is kept).
   */
  private interactive(
    client: Connection,
    channel: ServerChannel,
    login: Login,
    pty: { cols: number; rows: number; term: string },
  ): (cols: number, rows: number) => void {
    let size: [number, number] = [pty.cols, pty.rows];
    const { machine } = login.target;
    const decoder = new StringDecoder('utf8');
    let terminal: TerminalSession | null = null;
    let shellClosed = false;
    let unwatch = (): void => undefined;
    const pendingInput: string[] = [];
    const finish = () => {
      unwatch();
      terminal?.close();
    };
    channel.on('data', (chunk: Buffer) => {
      const text = decoder.write(chunk);
      if (terminal) terminal.write(text);
      else pendingInput.push(text);
    });
    channel.on('close', finish);
    channel.on('error', () => undefined);
    void machine
      .openShell(login.user, { TERM: pty.term, ...sshEnv(machine) })
      .then(async (shell) => {
        const motd = (await machine.fs.readText('/etc/motd').catch(() => null)) ?? '';
        terminal = new TerminalSession(shell, { cols: size[0], rows: size[1], motd, from: LEARNER_IP });
        terminal.onData((data) => channel.write(data));
        terminal.onExit((code) => {
          unwatch();
          if (!shellClosed) machine.closeShell(shell);
          shellClosed = true;
          channel.exit(code);
          channel.end();
        });
        const off = machine.os.onSessionsClosed((down, reason) => {
          if (down !== machine) return;
          terminal?.hangup(reason);
          shellClosed = true;
          // The connection drops, as it does when the instance powers off.
          setTimeout(() => client.end(), 20);
        });
        unwatch = () => {
          off();
          if (!shellClosed) machine.closeShell(shell);
          shellClosed = true;
        };
        await terminal.start();
        for (const text of pendingInput.splice(0)) terminal.write(text);
      })
      .catch((e: unknown) => {
        channel.stderr.write(`${(e as Error).message}\r\n`);
        channel.exit(1);
        channel.end();
      });
    return (cols, rows) => {
      size = [cols, rows];
      terminal?.resize(cols, rows);
    };
  }

  /** `ssh -T host` (no pty): the script comes on stdin, then runs like `bash -s`. */
  private async script(channel: ServerChannel, login: Login): Promise<void> {
    const input = await readAll(channel, Infinity);
    await this.exec(channel, login, input, '');
  }

  /** `ssh host command`: one command, stdout and stderr apart, and its exit status. */
  private async exec(channel: ServerChannel, login: Login, command: string, stdin?: string): Promise<void> {
    const { machine } = login.target;
    const abort = new AbortController();
    channel.on('close', () => abort.abort());
    channel.on('error', () => undefined);
    const input = stdin ?? (await readAll(channel, STDIN_IDLE_MS));
    try {
      const r = await machine.exec(command, {
        user: login.user,
        env: sshEnv(machine),
        stdin: input,
        signal: abort.signal,
      });
      if (r.stdout) channel.write(r.stdout);
      if (r.stderr) channel.stderr.write(r.stderr);
      channel.exit(r.exitCode);
    } catch (e) {
      channel.stderr.write(`bash: ${(e as Error).message}\n`);
      channel.exit(1);
    }
    channel.end();
  }
}

/** AWS's forced command for root: the message, then the connection closes with 142. */
function refused(channel: ServerChannel, decision: LoginDecision, pty: boolean): void {
  if (decision.ok || !decision.authenticated) return;
  channel.write(pty ? decision.message.replace(/\n/g, '\r\n') : decision.message);
  channel.exit(decision.exitCode);
  channel.end();
}

/** What the client sends on stdin: until EOF, or until it stays quiet for `idleMs`. */
function readAll(channel: ServerChannel, idleMs: number): Promise<string> {
  return new Promise((resolve) => {
    const decoder = new StringDecoder('utf8');
    let text = '';
    let timer: ReturnType<typeof setTimeout> | null = null;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      channel.off('data', onData);
      resolve(text + decoder.end());
    };
    const arm = () => {
      if (timer) clearTimeout(timer);
      if (Number.isFinite(idleMs)) timer = setTimeout(finish, idleMs);
    };
    const onData = (chunk: Buffer) => {
      text += decoder.write(chunk);
      arm();
    };
    channel.on('data', onData);
    channel.once('end', finish);
    channel.once('close', finish);
    arm();
  });
}

function sshEnv(machine: Machine): Record<string, string> {
  return {
    SSH_CLIENT: `${LEARNER_IP} 52214 22`,
    SSH_CONNECTION: `${LEARNER_IP} 52214 ${machine.identity.privateIp} 22`,
  };
}

/** A USERAUTH_BANNER (RFC 4252 §5.4) sent now: ssh2 only sends its fixed banner at the start. */
function sendBanner(client: Connection, text: string): void {
  try {
    const proto = (client as unknown as { _protocol: ProtocolInternals })._protocol;
    const message = text.replace(/\r?\n/g, '\r\n');
    const length = Buffer.byteLength(message);
    const w = proto._packetRW.write;
    let p = w.allocStart;
    const packet = w.alloc(1 + 4 + length + 4);
    packet[p] = 53; // SSH_MSG_USERAUTH_BANNER
    packet.writeUInt32BE(length, ++p);
    packet.write(message, (p += 4), length, 'utf8');
    packet.writeUInt32BE(0, p + length); // language tag
    const finalized = w.finalize(packet);
    if (proto._kexinit !== undefined) (proto._queue ??= []).push(finalized);
    else proto._cipher.encrypt(finalized);
  } catch {
    // Without the banner the client still sees "Permission denied".
  }
}

interface ProtocolInternals {
  _packetRW: { write: { allocStart: number; alloc(n: number): Buffer; finalize(packet: Buffer): Buffer } };
  _kexinit: unknown;
  _queue?: Buffer[];
  _cipher: { encrypt(packet: Buffer): void };
}

async function hasAuthorizedKeys(machine: Machine, user: string): Promise<boolean> {
  const home = (await machine.users.find(user))?.home;
  if (!home) return false;
  const text = await machine.fs.readText(`${home}/.ssh/authorized_keys`).catch(() => null);
  return !!text?.trim();
}

/** The IPv4 address in an address or an EC2 DNS name. */
function addressOf(name: string): string | null {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return name;
  const m = /^(?:ec2|ip)-(\d+)-(\d+)-(\d+)-(\d+)(?:\.|$)/.exec(name);
  return m ? m.slice(1, 5).join('.') : null;
}

/** The gateway's ED25519 host key, made once per workspace. */
async function gatewayHostKey(cloud: Cloud): Promise<string> {
  const saved = cloud.settings.get<string>(HOST_KEY_SETTING);
  if (saved) return saved;
  const key = `${createKey('ed25519', 'pem', 'cloudlab-ssh-gateway').keyMaterial.trimEnd()}\n`;
  await cloud.settings.set(HOST_KEY_SETTING, key);
  return key;
}
