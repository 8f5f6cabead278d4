/**
 * What a web server reads from its configuration when it starts: the ports it listens on,
 * its document root, index files and error pages. Apache's httpd.conf/conf.d (Amazon Linux)
 * or apache2.conf/ports.conf/sites-enabled (Debian), and nginx.conf with its includes.
 */
import type { Machine } from '../machine';

export interface WebConfig {
  ports: number[];
  root: string;
  index: string[];
  notFoundPage?: string;
  welcome?: string;
  autoindex: boolean;
  accessLog: string;
}

async function readAll(
  m: Machine,
  paths: string[],
  dirs: string[],
  filter: (n: string) => boolean,
): Promise<string> {
  let text = '';
  for (const p of paths) text += `${(await m.fs.readText(p)) ?? ''}\n`;
  for (const d of dirs) {
    const names = await m.fs.readdir(d).catch(() => [] as string[]);
    for (const n of names.sort()) if (filter(n)) text += `${(await m.fs.readText(`${d}/${n}`)) ?? ''}\n`;
  }
  return text.replace(/^\s*#.*$/gm, '');
}

function ports(text: string, re: RegExp, fallback: number): number[] {
  const out = new Set<number>();
  for (const match of text.matchAll(re)) {
    const port = Number(/(\d+)\s*$/.exec(match[1]!.replace(/\s+(default_server|ssl|http2).*$/, ''))?.[1]);
    if (port) out.add(port);
  }
  // HTTPS listeners need certificates this lab does not issue; they are left out.
  out.delete(443);
  return out.size ? [...out] : [fallback];
}

export async function apacheConfig(m: Machine): Promise<WebConfig> {
  if (m.debianLike) {
    const text = await readAll(
      m,
      ['/etc/apache2/apache2.conf', '/etc/apache2/ports.conf'],
      ['/etc/apache2/sites-enabled', '/etc/apache2/conf-enabled'],
      (n) => n.endsWith('.conf'),
    );
    return {
      ports: ports(text, /^\s*Listen\s+(\S+)/gim, 80),
      root: /^\s*DocumentRoot\s+"?([^"\s]+)"?/im.exec(text)?.[1] ?? '/var/www/html',
      index: ['index.html', 'index.cgi', 'index.pl', 'index.php', 'index.xhtml', 'index.htm'],
      autoindex: true,
      accessLog: '/var/log/apache2/access.log',
    };
  }
  const text = await readAll(m, ['/etc/httpd/conf/httpd.conf'], ['/etc/httpd/conf.d'], (n) =>
    n.endsWith('.conf'),
  );
  const welcome = /ErrorDocument\s+403\s+\/\.noindex\.html/.test(text)
    ? ((await m.fs.readText('/usr/share/httpd/noindex/index.html')) ?? undefined)
    : undefined;
  const index = /^\s*DirectoryIndex\s+(.+)$/im.exec(text)?.[1]?.trim().split(/\s+/) ?? ['index.html'];
  return {
    ports: ports(text, /^\s*Listen\s+(\S+)/gim, 80),
    root: /^\s*DocumentRoot\s+"?([^"\s]+)"?/im.exec(text)?.[1] ?? '/var/www/html',
    index,
    ...(welcome !== undefined ? { welcome } : {}),
    autoindex: true,
    accessLog: '/var/log/httpd/access_log',
  };
}

export async function nginxConfig(m: Machine): Promise<WebConfig> {
  const text = await readAll(
    m,
    ['/etc/nginx/nginx.conf'],
    ['/etc/nginx/conf.d', '/etc/nginx/sites-enabled'],
    (n) => !n.startsWith('.') && (n.endsWith('.conf') || !n.includes('.')),
  );
  const root = /^\s*root\s+([^;\s]+)\s*;/im.exec(text)?.[1] ?? '/usr/share/nginx/html';
  const index = /^\s*index\s+([^;]+);/im.exec(text)?.[1]?.trim().split(/\s+/) ?? ['index.html'];
  const notFound = /^\s*error_page\s+404\s+([^;\s]+)\s*;/im.exec(text)?.[1];
  return {
    ports: ports(text, /^\s*listen\s+([^;[]+);/gim, 80),
    root,
    index,
    ...(notFound ? { notFoundPage: notFound } : {}),
    autoindex: /^\s*autoindex\s+on\s*;/im.test(text),
    accessLog: '/var/log/nginx/access.log',
  };
}
