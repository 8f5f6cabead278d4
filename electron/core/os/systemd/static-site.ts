/**
 * Serving files from a document root, as Apache httpd, nginx and Python's http.server do for
 * static sites: index files, directory redirects and listings, MIME types, the servers' own
 * 404/403 pages and headers, and an access log line per request in the combined format.
 */
import type { MachineFs } from '../fs/machine-fs';
import type { HttpHandler, SimRequest, SimResponse } from '../types';

export type ServerStyle = 'apache' | 'nginx' | 'python';

export interface SiteOptions {
  fs: MachineFs;
  root: string;
  index: string[];
  /** The Server header: `Apache/2.4.62 (Amazon Linux)`, `nginx/1.26.2`. */
  server: string;
  style: ServerStyle;
  /** List directories without an index (Apache's Options Indexes, python always). */
  autoindex: boolean;
  /** Apache's welcome page: a 403 with this body when `/` has no index (welcome.conf). */
  welcome?: string;
  /** A custom 404 page inside the root (nginx's error_page 404 /404.html). */
  notFoundPage?: string;
  port: number;
  now: () => number;
  /** Append one access-log line (already formatted, with newline). */
  log: (line: string) => Promise<void>;
}

const TYPES: Record<string, string> = {
  html: 'text/html',
  htm: 'text/html',
  css: 'text/css',
  js: 'application/javascript',
  mjs: 'application/javascript',
  json: 'application/json',
  txt: 'text/plain',
  md: 'text/markdown',
  xml: 'text/xml',
  csv: 'text/csv',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  ico: 'image/x-icon',
  webp: 'image/webp',
  pdf: 'application/pdf',
  zip: 'application/zip',
  gz: 'application/x-gzip',
  wasm: 'application/wasm',
  woff: 'font/woff',
  woff2: 'font/woff2',
  mp4: 'video/mp4',
  mp3: 'audio/mpeg',
};

function contentType(path: string, style: ServerStyle): string {
  const ext = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  const t = path.includes('.') ? TYPES[ext] : undefined;
  if (!t)
    return style === 'nginx'
      ? 'application/octet-stream'
      : style === 'python'
        ? 'application/octet-stream'
        : 'text/plain';
  if (style === 'apache' && (t.startsWith('text/') || t === 'application/javascript'))
    return `${t}; charset=UTF-8`;
  if (style === 'python' && t === 'text/html') return 'text/html';
  return t;
}

const STATUS: Record<number, string> = {
  200: 'OK',
  301: 'Moved Permanently',
  304: 'Not Modified',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Not Allowed',
  501: 'Unsupported method',
};

function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function errorBody(o: SiteOptions, status: number, _path: string, host: string): string {
  if (o.style === 'nginx') {
    const text = status === 405 ? 'Not Allowed' : (STATUS[status] ?? 'Error');
    return `<html>\r\n<head><title>${status} ${text}</title></head>\r\n<body>\r\n<center><h1>${status} ${text}</h1></center>\r\n<hr><center>${o.server}</center>\r\n</body>\r\n</html>\r\n`;
  }
  if (o.style === 'python') {
    const text = status === 404 ? 'File not found' : (STATUS[status] ?? 'Error');
    return `<!DOCTYPE HTML>\n<html lang="en">\n    <head>\n        <meta charset="utf-8">\n        <title>Error response</title>\n    </head>\n    <body>\n        <h1>Error response</h1>\n        <p>Error code: ${status}</p>\n        <p>Message: ${text}.</p>\n        <p>Error code explanation: ${status} - ${status === 404 ? 'Nothing matches the given URI' : 'Request forbidden'}.</p>\n    </body>\n</html>\n`;
  }
  const message =
    status === 404
      ? 'The requested URL was not found on this server.'
      : "You don't have permission to access this resource.";
  // Debian's Apache signs its error pages; Amazon Linux's (ServerSignature Off) does not.
  const signature = /\((Ubuntu|Debian)\)/.test(o.server)
    ? `<hr>\n<address>${o.server} Server at ${escapeHtml(host)} Port ${o.port}</address>\n`
    : '';
  return `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>${status} ${STATUS[status]}</title>\n</head><body>\n<h1>${STATUS[status]}</h1>\n<p>${message}</p>\n${signature}</body></html>\n`;
}

async function listing(o: SiteOptions, dir: string, urlPath: string): Promise<string> {
  const names = (await o.fs.readdir(dir)).filter((n) => !n.startsWith('.') || o.style === 'python').sort();
  const rows: string[] = [];
  for (const n of names) {
    const st = await o.fs.stat(`${dir}/${n}`).catch(() => null);
    rows.push(st?.isDirectory ? `${n}/` : n);
  }
  const title = escapeHtml(decodeURIComponent(urlPath));
  if (o.style === 'python') {
    const items = rows.map((r) => `<li><a href="${encodeURI(r)}">${escapeHtml(r)}</a></li>`).join('\n');
    return `<!DOCTYPE HTML>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Directory listing for ${title}</title>\n</head>\n<body>\n<h1>Directory listing for ${title}</h1>\n<hr>\n<ul>\n${items}\n</ul>\n<hr>\n</body>\n</html>\n`;
  }
  const items = rows.map((r) => `<li><a href="${encodeURI(r)}"> ${escapeHtml(r)}</a></li>`).join('\n');
  return `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<html>\n <head>\n  <title>Index of ${title}</title>\n </head>\n <body>\n<h1>Index of ${title}</h1>\n<ul><li><a href="../"> Parent Directory</a></li>\n${items}\n</ul>\n</body></html>\n`;
}

/** `10/Oct/2024:13:55:36 +0000` (Apache, nginx) or `10/Oct/2024 13:55:36` (python). */
function logTime(ms: number, style: ServerStyle): string {
  const d = new Date(ms);
  const mon = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const date = `${String(d.getUTCDate()).padStart(2, '0')}/${mon}/${d.getUTCFullYear()}`;
  const time = d.toISOString().slice(11, 19);
  return style === 'python' ? `${date} ${time}` : `${date}:${time} +0000`;
}

export function staticSite(o: SiteOptions): HttpHandler {
  return async (req: SimRequest): Promise<SimResponse> => {
    const res = await serve(o, req);
    const bytes = typeof res.body === 'string' ? Buffer.byteLength(res.body) : res.body.byteLength;
    const sent = req.method === 'HEAD' ? 0 : bytes;
    const line = `${req.method} ${req.path} HTTP/1.1`;
    if (o.style === 'python') {
      await o.log(
        `${req.remoteIp} - - [${logTime(o.now(), 'python')}] "${line}" ${res.status} ${res.status === 200 ? '-' : ''}\n`.replace(
          ' \n',
          '\n',
        ),
      );
    } else {
      const size = o.style === 'apache' && sent === 0 ? '-' : String(sent);
      const referer = req.headers['referer'] ?? '-';
      const agent = req.headers['user-agent'] ?? '-';
      await o.log(
        `${req.remoteIp} - - [${logTime(o.now(), o.style)}] "${line}" ${res.status} ${size} "${referer}" "${agent}"\n`,
      );
    }
    if (req.method === 'HEAD') return { ...res, body: '' };
    return res;
  };
}

async function serve(o: SiteOptions, req: SimRequest): Promise<SimResponse> {
  const base = (
    status: number,
    type: string,
    body: string | Uint8Array,
    extra: Record<string, string> = {},
  ) => {
    const length = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    const headers: Record<string, string> =
      o.style === 'python'
        ? {
            server: o.server,
            date: httpDate(o.now()),
            'content-type': type,
            'content-length': String(length),
            ...extra,
          }
        : {
            date: httpDate(o.now()),
            server: o.server,
            ...extra,
            'content-length': String(length),
            'content-type': type,
          };
    return { status, statusText: STATUS[status] ?? '', headers, body };
  };
  const host = req.host || 'localhost';
  const error = async (status: number): Promise<SimResponse> => {
    if (status === 404 && o.notFoundPage) {
      const page = await o.fs.readFile(`${o.root}${o.notFoundPage}`).catch(() => null);
      if (page !== null) return base(404, 'text/html', page);
    }
    const type =
      o.style === 'apache'
        ? 'text/html; charset=iso-8859-1'
        : o.style === 'python'
          ? 'text/html;charset=utf-8'
          : 'text/html';
    return base(status, type, errorBody(o, status, req.path, host));
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    if (o.style === 'python') return error(501);
    if (o.style === 'nginx') return error(405);
  }
  const rawPath = req.path.split('?')[0] ?? '/';
  let urlPath: string;
  try {
    urlPath = decodeURIComponent(rawPath);
  } catch {
    return error(404);
  }
  // Normalise away `..` so a request cannot leave the document root.
  const parts: string[] = [];
  for (const seg of urlPath.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  const target = `${o.root.replace(/\/$/, '')}/${parts.join('/')}`.replace(/\/$/, '') || '/';
  if (parts.some((p) => p.startsWith('.ht')) && o.style === 'apache') return error(403);
  const st = await o.fs.stat(target).catch(() => null);
  if (!st) return error(404);
  if (st.isDirectory) {
    if (!rawPath.endsWith('/')) {
      const location = o.style === 'nginx' ? `http://${host}${rawPath}/` : `${rawPath}/`;
      const body =
        o.style === 'nginx'
          ? errorBody(o, 301, rawPath, host)
          : `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>301 Moved Permanently</title>\n</head><body>\n<h1>Moved Permanently</h1>\n<p>The document has moved <a href="${escapeHtml(location)}">here</a>.</p>\n</body></html>\n`;
      return base(301, o.style === 'apache' ? 'text/html; charset=iso-8859-1' : 'text/html', body, {
        location,
      });
    }
    for (const name of o.index) {
      const file = `${target}/${name}`;
      const fst = await o.fs.stat(file).catch(() => null);
      if (fst && !fst.isDirectory) return fileResponse(o, file, fst.mtime, base);
    }
    if (parts.length === 0 && o.welcome !== undefined)
      return base(403, 'text/html; charset=UTF-8', o.welcome);
    if (o.autoindex)
      return base(
        200,
        o.style === 'python' ? 'text/html; charset=utf-8' : 'text/html;charset=UTF-8',
        await listing(o, target, urlPath),
      );
    return error(403);
  }
  return fileResponse(o, target, st.mtime, base);
}

async function fileResponse(
  o: SiteOptions,
  file: string,
  mtime: Date,
  base: (s: number, t: string, b: string | Uint8Array, e?: Record<string, string>) => SimResponse,
): Promise<SimResponse> {
  const data = await o.fs.readFileBuffer(file);
  const modified = httpDate(mtime.getTime());
  const extra: Record<string, string> = { 'last-modified': modified };
  if (o.style !== 'python') {
    extra.etag = `"${data.byteLength.toString(16)}-${Math.floor(mtime.getTime() / 1000).toString(16)}"`;
    extra['accept-ranges'] = 'bytes';
  }
  return base(200, contentType(file, o.style), data, extra);
}
