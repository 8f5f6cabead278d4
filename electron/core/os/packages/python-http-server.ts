/**
 * `python3 -m http.server [port] [--bind ADDR] [--directory DIR]`: serves a directory until
 * it is interrupted, in the foreground as in real life (Ctrl-C ends it with Python's
 * "Keyboard interrupt received, exiting."). For a server that outlives the shell, write a
 * systemd unit whose ExecStart runs it; systemd starts that the same way.
 */
import type { CommandContext, ExecResult } from 'just-bash';
import { fail, ok } from '../commands/command-kit';
import type { Machine } from '../machine';
import { staticSite } from '../systemd/static-site';
import { liveWriter } from '../terminal/live-output';

export interface HttpServerArgs {
  port: number;
  bind: string;
  directory: string | null;
}

export function parseHttpServerArgs(args: string[]): HttpServerArgs | string {
  const out: HttpServerArgs = { port: 8000, bind: '0.0.0.0', directory: null };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--bind' || a === '-b') out.bind = args[++i] ?? '0.0.0.0';
    else if (a === '--directory' || a === '-d') out.directory = args[++i] ?? null;
    else if (/^\d+$/.test(a)) out.port = Number(a);
    else if (a.startsWith('-'))
      return `usage: server.py [-h] [--cgi] [-b ADDRESS] [-d DIRECTORY] [-p VERSION] [port]\nserver.py: error: unrecognized arguments: ${a}\n`;
    else
      return `usage: server.py [-h] [--cgi] [-b ADDRESS] [-d DIRECTORY] [-p VERSION] [port]\nserver.py: error: argument port: invalid int value: '${a}'\n`;
  }
  return out;
}

/** Bind the port and serve; resolves with what a stop would print, or an error result. */
export function startHttpServer(
  m: Machine,
  a: HttpServerArgs,
  cwd: string,
  user: string,
  unit?: string,
  /** Where request lines go while it runs in a terminal (else a log file, read at the end). */
  onLog?: (line: string) => void,
): { pid: number } | { error: string } {
  if (m.ports.has(`tcp/${a.port}`)) {
    return {
      error: `Traceback (most recent call last):\n  File "/usr/lib64/python3.9/http/server.py", line 1296, in <module>\n    test(\nOSError: [Errno 98] Address already in use\n`,
    };
  }
  if (a.port < 1024 && user !== 'root')
    return {
      error: `Traceback (most recent call last):\n  File "/usr/lib64/python3.9/socketserver.py", line 466, in server_bind\nPermissionError: [Errno 13] Permission denied\n`,
    };
  const dir = m.fs.resolvePath(cwd, a.directory ?? '.');
  const version = m.debianLike ? '3.12.3' : '3.9.20';
  const proc = m.spawn({
    user,
    command: `python3 -m http.server ${a.port}`,
    cpu: 0,
    rssKiB: 19_800,
    ...(unit ? { unit } : {}),
  });
  const logFile = unit || onLog ? null : `/tmp/.http.server-${proc.pid}.log`;
  m.listen({
    protocol: 'tcp',
    port: a.port,
    address: a.bind,
    program: 'python3',
    pid: proc.pid,
    ...(unit ? { unit } : {}),
    http: staticSite({
      fs: m.fs,
      root: dir,
      index: ['index.html', 'index.htm'],
      server: `SimpleHTTP/0.6 Python/${version}`,
      style: 'python',
      autoindex: true,
      port: a.port,
      now: () => m.cloud.clock.now(),
      log: async (line) => {
        if (onLog) onLog(line);
        else if (logFile) await m.fs.appendText(logFile, line);
      },
    }),
  });
  return { pid: proc.pid };
}

export async function pythonHttpServer(m: Machine, args: string[], ctx: CommandContext): Promise<ExecResult> {
  const parsed = parseHttpServerArgs(args);
  if (typeof parsed === 'string') return fail(parsed, 2);
  const user = ctx.env.get('USER') ?? 'root';
  // In a terminal the banner and each request show as they happen, as Python prints them.
  const live = liveWriter(m, ctx.env);
  const started = startHttpServer(m, parsed, ctx.cwd, user, undefined, live ?? undefined);
  if ('error' in started) return fail(started.error, 1);
  const banner = `Serving HTTP on ${parsed.bind} port ${parsed.port} (http://${parsed.bind}:${parsed.port}/) ...\n`;
  live?.(banner);
  // In the foreground until Ctrl-C (or until the process is killed, which `kill` does).
  await new Promise<void>((resolve) => {
    const check = () => {
      if (ctx.signal?.aborted || !m.processes.has(started.pid)) return resolve();
      m.cloud.clock.setTimeout(check, 1000);
    };
    ctx.signal?.addEventListener('abort', () => resolve(), { once: true });
    check();
  });
  m.kill(started.pid);
  if (live) {
    live('\nKeyboard interrupt received, exiting.\n');
    return ok('');
  }
  const logFile = `/tmp/.http.server-${started.pid}.log`;
  const log = (await m.fs.readText(logFile)) ?? '';
  await m.fs.rm(logFile, { force: true });
  return ok(banner, `${log}\nKeyboard interrupt received, exiting.\n`);
}
