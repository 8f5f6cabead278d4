/**
 * wget over the simulated network: -q, -O FILE, -O- (stdout), -t tries, -T timeout, with
 * GNU Wget's progress lines and its exit codes (4 network failure, 8 server error).
 */
import { defineCommand, type CustomCommand } from 'just-bash';
import type { Machine } from '../machine';
import { fail } from '../commands/command-kit';
import { expandShort, resolvePath, stamp } from './cli-kit';
import { isNetError, networkOf, parseUrl, pause } from './network';
import { isIpv4 } from './resolver';
import { reasonOf } from './curl';

export const wget = (m: Machine): CustomCommand =>
  defineCommand('wget', async (argv, ctx) => {
    const args = expandShort(argv, 'OtTo');
    let quiet = false;
    let output: string | undefined;
    let tries = 20;
    let timeoutMs: number | undefined;
    const urls: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '-q' || a === '--quiet') quiet = true;
      else if (a === '-O') output = args[++i];
      else if (a.startsWith('--output-document=')) output = a.slice(18);
      else if (a === '-t') tries = Math.max(1, Number(args[++i]) || 20);
      else if (a.startsWith('--tries=')) tries = Math.max(1, Number(a.slice(8)) || 20);
      else if (a === '-T') timeoutMs = Number(args[++i]) * 1000;
      else if (a.startsWith('--timeout=')) timeoutMs = Number(a.slice(10)) * 1000;
      else if (a.startsWith('-')) continue;
      else urls.push(a);
    }
    if (urls.length === 0)
      return fail(
        "wget: missing URL\nUsage: wget [OPTION]... [URL]...\n\nTry `wget --help' for more options.\n",
        1,
      );
    const net = networkOf(m.os);
    let stdout = '';
    let log = '';
    let exitCode = 0;
    for (const raw of urls) {
      const target = parseUrl(raw);
      if (!target) {
        log += `${raw}: Invalid URL ${raw}: Unsupported scheme\n`;
        exitCode = 1;
        continue;
      }
      const url = `${target.scheme}://${target.hostHeader}${target.path}`;
      const time = () => stamp(m.cloud.clock.date());
      log += `--${time()}--  ${url}\n`;
      const literal = isIpv4(target.host);
      let conn = await net.connect(m, target.host, target.port, timeoutMs);
      if (isNetError(conn) && conn.kind === 'resolve') {
        log += `Resolving ${target.host} (${target.host})... failed: Name or service not known.\nwget: unable to resolve host address ‘${target.host}’\n`;
        exitCode = 4;
        continue;
      }
      const ip = isNetError(conn) ? conn.ip! : conn.ip;
      if (!literal) log += `Resolving ${target.host} (${target.host})... ${ip}\n`;
      const connecting = literal
        ? `Connecting to ${ip}:${target.port}... `
        : `Connecting to ${target.host} (${target.host})|${ip}|:${target.port}... `;
      for (let attempt = 1; isNetError(conn); attempt++) {
        if (conn.kind === 'refused') {
          log += `${connecting}failed: Connection refused.\n`;
          break;
        }
        if (conn.kind === 'unreachable') {
          log += `${connecting}failed: No route to host.\n`;
          break;
        }
        await pause(m, timeoutMs ?? conn.elapsedMs, ctx.signal);
        log += `${connecting}failed: Connection timed out.\n`;
        if (attempt >= tries || ctx.signal?.aborted) {
          log += 'Giving up.\n\n';
          break;
        }
        log += `Retrying.\n\n--${time()}--  (try:${String(attempt + 1).padStart(2)})  ${url}\n`;
        conn = await net.connect(m, target.host, target.port, timeoutMs);
      }
      if (isNetError(conn)) {
        exitCode = 4;
        continue;
      }
      log += `${connecting}connected.\n`;
      const res = await net.send(conn, {
        method: 'GET',
        path: target.path,
        headers: { host: target.hostHeader, 'user-agent': 'Wget/1.21.3', accept: '*/*' },
        body: new Uint8Array(),
        host: target.hostHeader,
      });
      if (isNetError(res)) {
        log += `HTTP request sent, awaiting response... No data received.\nRetrying.\n\n`;
        exitCode = 4;
        continue;
      }
      log += `HTTP request sent, awaiting response... ${res.status} ${reasonOf(res)}\n`;
      if (res.status >= 400) {
        log += `${time()} ERROR ${res.status}: ${reasonOf(res)}.\n\n`;
        exitCode = 8;
        continue;
      }
      const body = typeof res.body === 'string' ? res.body : new TextDecoder().decode(res.body);
      const size = new TextEncoder().encode(body).length;
      const type = (
        Object.entries(res.headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? 'text/plain'
      ).split(';')[0];
      log += `Length: ${size} [${type}]\n`;
      if (output === '-') {
        log += 'Saving to: ‘STDOUT’\n\n';
        stdout += body;
      } else {
        let name =
          output ??
          (decodeURIComponent(
            target.path
              .replace(/[?#].*$/, '')
              .split('/')
              .pop() ?? '',
          ) ||
            'index.html');
        if (output === undefined) {
          const base = name;
          for (let n = 1; await ctx.fs.exists(resolvePath(ctx.cwd, name)); n++) name = `${base}.${n}`;
        }
        await ctx.fs.writeFile(resolvePath(ctx.cwd, name), body);
        log += `Saving to: ‘${name}’\n\n`;
        log += `${name.padEnd(19).slice(0, 19)} 100%[===================>] ${String(size).padStart(7)}  --.-KB/s    in 0s      \n\n`;
        log += `${time()} (${(size / 1024 / 0.001).toFixed(1)} KB/s) - ‘${name}’ saved [${size}/${size}]\n\n`;
      }
    }
    return { stdout, stderr: quiet ? '' : log, exitCode };
  });
