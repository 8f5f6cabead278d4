/**
 * curl over the simulated network: the options people use with it (-s -S -v -i -I -o -O -L
 * -X -H -d -f -m --connect-timeout -w) and curl 8's own error lines and exit codes.
 */
import { defineCommand, type CustomCommand } from 'just-bash';
import type { Machine } from '../machine';
import type { SimResponse } from '../types';
import { fail } from '../commands/command-kit';
import { expandShort, resolvePath } from './cli-kit';
import { isNetError, networkOf, parseUrl, pause, type NetError } from './network';
import { reasonPhrase } from '../../network/http-status';

const VERSION = '8.5.0';

interface CurlOptions {
  silent: boolean;
  showError: boolean;
  verbose: boolean;
  include: boolean;
  head: boolean;
  output?: string;
  remoteName: boolean;
  follow: boolean;
  method?: string;
  headers: string[];
  data: string[];
  failOnError: boolean;
  connectTimeoutMs?: number;
  maxTimeMs?: number;
  writeOut?: string;
  userAgent: string;
  urls: string[];
}

const VALUE_FLAGS: Record<string, keyof CurlOptions | 'data'> = {
  '-o': 'output',
  '--output': 'output',
  '-X': 'method',
  '--request': 'method',
  '-H': 'headers',
  '--header': 'headers',
  '-d': 'data',
  '--data': 'data',
  '--data-raw': 'data',
  '--data-binary': 'data',
  '--data-ascii': 'data',
  '-m': 'maxTimeMs',
  '--max-time': 'maxTimeMs',
  '--connect-timeout': 'connectTimeoutMs',
  '-w': 'writeOut',
  '--write-out': 'writeOut',
  '-A': 'userAgent',
  '--user-agent': 'userAgent',
};
const SWITCHES: Record<string, keyof CurlOptions> = {
  '-s': 'silent',
  '--silent': 'silent',
  '-S': 'showError',
  '--show-error': 'showError',
  '-v': 'verbose',
  '--verbose': 'verbose',
  '-i': 'include',
  '--include': 'include',
  '-I': 'head',
  '--head': 'head',
  '-O': 'remoteName',
  '--remote-name': 'remoteName',
  '-L': 'follow',
  '--location': 'follow',
  '-f': 'failOnError',
  '--fail': 'failOnError',
};
/** Accepted and without effect here (TLS checks, HTTP versions, compression). */
const IGNORED = new Set([
  '-k',
  '--insecure',
  '--http1.1',
  '--http2',
  '--compressed',
  '-#',
  '--no-progress-meter',
  '-4',
  '--ipv4',
]);

type Parsed = { ok: true; options: CurlOptions } | { ok: false; message: string; code: number };

function parse(argv: string[]): Parsed {
  const args = expandShort(argv, 'oXHdmwAeuTrx');
  const o: CurlOptions = {
    silent: false,
    showError: false,
    verbose: false,
    include: false,
    head: false,
    remoteName: false,
    follow: false,
    headers: [],
    data: [],
    failOnError: false,
    userAgent: `curl/${VERSION}`,
    urls: [],
  };
  for (let i = 0; i < args.length; i++) {
    let a = args[i]!;
    let inline: string | undefined;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    if (eq > 0) {
      inline = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    if (IGNORED.has(a)) continue;
    const sw = SWITCHES[a];
    if (sw) {
      (o[sw] as boolean) = true;
      continue;
    }
    const key = VALUE_FLAGS[a];
    if (key) {
      const value = inline ?? args[++i];
      if (value === undefined)
        return {
          ok: false,
          code: 2,
          message: `curl: option ${a}: requires parameter\ncurl: try 'curl --help' or 'curl --manual' for more information\n`,
        };
      if (key === 'headers') o.headers.push(value);
      else if (key === 'data') o.data.push(value);
      else if (key === 'maxTimeMs' || key === 'connectTimeoutMs') {
        const n = Number(value);
        if (!Number.isFinite(n) || n < 0)
          return {
            ok: false,
            code: 2,
            message: `curl: option ${a}: expected a proper numerical parameter\ncurl: try 'curl --help' or 'curl --manual' for more information\n`,
          };
        o[key] = Math.round(n * 1000);
      } else (o[key] as string) = value;
      continue;
    }
    if (a === '--url') {
      o.urls.push(inline ?? args[++i] ?? '');
      continue;
    }
    if (a.startsWith('-') && a !== '-') {
      return {
        ok: false,
        code: 2,
        message: `curl: option ${a}: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n`,
      };
    }
    o.urls.push(a);
  }
  return { ok: true, options: o };
}

export const reasonOf = (r: SimResponse) => reasonPhrase(r.status, r.statusText);

function bodyText(r: SimResponse): string {
  return typeof r.body === 'string' ? r.body : new TextDecoder().decode(r.body);
}

function headerBlock(r: SimResponse, bodyLength: number): string[] {
  const headers = { ...r.headers };
  if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-length'))
    headers['content-length'] = String(bodyLength);
  return [
    `HTTP/1.1 ${r.status} ${reasonOf(r)}`.trimEnd(),
    ...Object.entries(headers).map(
      ([k, v]) => `${k.replace(/(^|-)([a-z])/g, (_m, d, c: string) => d + c.toUpperCase())}: ${v}`,
    ),
  ];
}

/** curl's message and exit code for a failed connection. */
function netFailure(
  e: NetError,
  o: CurlOptions,
  port: number,
): { code: number; message: string; waitMs: number } {
  const host = e.host;
  if (e.kind === 'resolve') return { code: 6, message: e.message, waitMs: 0 };
  if (e.kind === 'refused') {
    if (e.message === 'Empty reply from server') return { code: 52, message: e.message, waitMs: 0 };
    if (e.message.includes('reset')) return { code: 56, message: `Recv failure: ${e.message}`, waitMs: 0 };
    return {
      code: 7,
      message: `Failed to connect to ${host} port ${port} after ${Math.round(e.elapsedMs)} ms: ${e.message}`,
      waitMs: 0,
    };
  }
  if (e.kind === 'unreachable')
    return {
      code: 7,
      message: `Failed to connect to ${host} port ${port} after ${e.elapsedMs} ms: ${e.message}`,
      waitMs: e.elapsedMs,
    };
  const limit =
    o.maxTimeMs !== undefined && (o.connectTimeoutMs === undefined || o.maxTimeMs <= o.connectTimeoutMs)
      ? o.maxTimeMs
      : undefined;
  if (limit !== undefined)
    return { code: 28, message: `Connection timed out after ${limit + 1} milliseconds`, waitMs: limit };
  if (o.connectTimeoutMs !== undefined)
    return {
      code: 28,
      message: `Failed to connect to ${host} port ${port} after ${o.connectTimeoutMs + 1} ms: Timeout was reached`,
      waitMs: o.connectTimeoutMs,
    };
  return {
    code: 28,
    message: `Failed to connect to ${host} port ${port} after ${e.elapsedMs} ms: ${e.message}`,
    waitMs: e.elapsedMs,
  };
}

function writeOut(format: string, vars: Record<string, string>): string {
  return format
    .replace(/%\{(\w+)\}/g, (_m, name: string) => vars[name] ?? '')
    .replace(/\\n/g, '\n')
    .replace(/\\t/g, '\t')
    .replace(/\\r/g, '\r');
}

function progressMeter(bytes: number): string {
  const n = String(bytes).padStart(5);
  return (
    '  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n' +
    '                                 Dload  Upload   Total   Spent    Left  Speed\n' +
    `100 ${n}  100 ${n}    0     0  ${String(bytes * 400).padStart(5)}      0 --:--:-- --:--:-- --:--:-- ${String(bytes * 400).padStart(5)}\n`
  );
}

export const curl = (m: Machine): CustomCommand =>
  defineCommand('curl', async (argv, ctx) => {
    if (argv.includes('--version') || argv.includes('-V'))
      return {
        stdout: `curl ${VERSION} (x86_64-amazon-linux-gnu) libcurl/${VERSION} OpenSSL/3.0.8 zlib/1.2.11 nghttp2/1.59.0\nProtocols: file ftp ftps http https\n`,
        stderr: '',
        exitCode: 0,
      };
    const parsed = parse(argv);
    if (!parsed.ok) return fail(parsed.message, parsed.code);
    const o = parsed.options;
    if (o.urls.length === 0)
      return fail(
        "curl: no URL specified\ncurl: try 'curl --help' or 'curl --manual' for more information\n",
        2,
      );
    const net = networkOf(m.os);
    let stdout = '';
    let stderr = '';
    const say = (line: string) => {
      if (!o.silent || o.showError) stderr += `curl: ${line}\n`;
    };
    let exitCode = 0;
    for (const rawUrl of o.urls) {
      let url = rawUrl;
      let method = o.method ?? (o.head ? 'HEAD' : o.data.length ? 'POST' : 'GET');
      let redirects = 0;
      for (;;) {
        const target = parseUrl(url);
        if (!target) {
          const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1];
          if (scheme) say(`(1) Protocol "${scheme}" not supported`);
          else say('(3) URL rejected: Malformed input to a URL function');
          exitCode = scheme ? 1 : 3;
          break;
        }
        const conn = await net.connect(m, target.host, target.port, o.connectTimeoutMs ?? o.maxTimeMs);
        if (o.verbose && !isNetError(conn)) {
          stderr += `*   Trying ${conn.ip}:${conn.port}...\n* Connected to ${target.host} (${conn.ip}) port ${conn.port}\n`;
        } else if (o.verbose && conn.ip) stderr += `*   Trying ${conn.ip}:${target.port}...\n`;
        if (isNetError(conn)) {
          const f = netFailure(conn, o, target.port);
          if (f.waitMs) await pause(m, f.waitMs, ctx.signal);
          if (o.verbose)
            stderr += `* ${f.message.replace(/^Failed to connect.*: /, '')}\n* Closing connection\n`;
          say(`(${f.code}) ${f.message}`);
          exitCode = f.code;
          if (o.writeOut) stdout += writeOut(o.writeOut, { http_code: '000', response_code: '0' });
          break;
        }
        const headers: Record<string, string> = {
          Host: target.hostHeader,
          'User-Agent': o.userAgent,
          Accept: '*/*',
        };
        let body = o.data.join('&');
        if (body.startsWith('@')) {
          const file = resolvePath(ctx.cwd, body.slice(1));
          body = (await ctx.fs.exists(file)) ? await ctx.fs.readFile(file) : '';
        }
        if (o.data.length && method !== 'GET' && method !== 'HEAD') {
          headers['Content-Length'] = String(new TextEncoder().encode(body).length);
          headers['Content-Type'] = 'application/x-www-form-urlencoded';
        }
        for (const h of o.headers) {
          const i = h.indexOf(':');
          if (i > 0) headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
        }
        if (o.verbose) {
          stderr += `> ${method} ${target.path} HTTP/1.1\n`;
          for (const [k, v] of Object.entries(headers)) stderr += `> ${k}: ${v}\n`;
          stderr += '> \n';
        }
        const lowered = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
        const res = await net.send(conn, {
          method,
          path: target.path,
          headers: lowered,
          body: new TextEncoder().encode(o.data.length ? body : ''),
          host: target.hostHeader,
        });
        if (isNetError(res)) {
          const f = netFailure(res, o, target.port);
          say(`(${f.code}) ${f.message}`);
          exitCode = f.code;
          break;
        }
        const text = method === 'HEAD' ? '' : bodyText(res);
        const block = headerBlock(res, new TextEncoder().encode(bodyText(res)).length);
        if (o.verbose) {
          stderr += block.map((l) => `< ${l}\n`).join('') + '< \n';
          if (text) stderr += `{ [${new TextEncoder().encode(text).length} bytes data]\n`;
          stderr += `* Connection #0 to host ${target.host} left intact\n`;
        }
        const location = Object.entries(res.headers).find(([k]) => k.toLowerCase() === 'location')?.[1];
        if (o.follow && location && res.status >= 300 && res.status < 400 && redirects < 50) {
          if (o.include || o.head) stdout += `${block.join('\r\n')}\r\n\r\n`;
          url = new URL(location, `${target.scheme}://${target.hostHeader}${target.path}`).toString();
          if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST'))
            method = 'GET';
          redirects++;
          continue;
        }
        if (o.failOnError && res.status >= 400) {
          say(`(22) The requested URL returned error: ${res.status}`);
          exitCode = 22;
          break;
        }
        let out = '';
        if (o.include || o.head) out += `${block.join('\r\n')}\r\n\r\n`;
        out += text;
        const file =
          o.output ??
          (o.remoteName
            ? target.path
                .replace(/[?#].*$/, '')
                .split('/')
                .pop()
            : undefined);
        if (o.remoteName && !o.output && !file) {
          say('(23) Remote file name has no length!');
          exitCode = 23;
          break;
        }
        if (file !== undefined && file !== '-') {
          await ctx.fs.writeFile(resolvePath(ctx.cwd, file), out);
          if (!o.silent && !o.verbose) stderr += progressMeter(out.length);
        } else stdout += out;
        if (o.writeOut)
          stdout += writeOut(o.writeOut, {
            http_code: String(res.status).padStart(3, '0'),
            response_code: String(res.status),
            remote_ip: conn.ip,
            remote_port: String(conn.port),
            url_effective: url,
            size_download: String(text.length),
            content_type:
              Object.entries(res.headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '',
            time_connect: (conn.rttMs / 1000).toFixed(6),
            time_total: ((conn.rttMs * 2) / 1000).toFixed(6),
            num_redirects: String(redirects),
          });
        break;
      }
    }
    return { stdout, stderr, exitCode };
  });
