/**
 * The simulated repositories: which packages exist on each distribution family, named and
 * versioned as Amazon Linux 2023 (rpm, dnf) and Ubuntu 24.04 (deb, apt) name them, with the
 * files each installs. Binaries are small scripts that hand over to the program's simulation
 * (see programs.ts); configuration files and web pages are the distributions' own texts.
 */
import * as files from './package-files';

export type Family = 'rpm' | 'deb';

/** Where a distribution differs inside one family (Amazon Linux 2 vs 2023, Ubuntu vs Debian). */
export interface Flavour {
  family: Family;
  os: string;
  osVersion: string;
  /** x86_64 / aarch64 (rpm) or amd64 / arm64 (deb). */
  arch: string;
  /** The CloudShell-style workstation, which ships developer tools. */
  workstation: boolean;
}

export interface PackageFile {
  path: string;
  content: string;
  mode?: number;
  /** An executable that runs this simulated program (`httpd`, `git`). */
  program?: string;
}

export interface PackageSpec {
  name: string;
  /** `[epoch:]version-release` as the package manager prints it. */
  version: string;
  /** noarch / all packages carry no machine code. */
  noarch?: boolean;
  summary: string;
  url: string;
  license: string;
  /** Installed size in KiB. */
  sizeKiB: number;
  requires?: string[];
  files?: PackageFile[];
  /** Present on the AMI before anyone installs anything. */
  preinstalled?: boolean;
  /** Units a Debian package's maintainer script enables and starts on install. */
  autostart?: string[];
  /** System users the package creates (name, uid, home). */
  users?: Array<{ name: string; uid: number; home: string; comment: string }>;
  groups?: Array<{ name: string; gid: number }>;
}

const bin = (path: string, program: string, pkg: string, version: string): PackageFile => ({
  path,
  program,
  mode: 0o755,
  content: `#!/bin/sh\n# ${pkg} ${version} (simulated by Cloud Lab)\nexec __cloudlab_program ${program} "$@"\n`,
});

const lib = (name: string, version: string, summary: string, sizeKiB: number, requires: string[] = []) => ({
  name,
  version,
  summary,
  url: 'https://aws.amazon.com/linux/',
  license: 'ASL 2.0',
  sizeKiB,
  requires,
});

function rpmPackages(f: Flavour): PackageSpec[] {
  const dist = f.osVersion === '2023' ? 'amzn2023' : 'amzn2';
  const v = (version: string, rel = '1') => `${version}-${rel}.${dist}`;
  const httpdV = v('2.4.62', '1');
  const nginxV = `1:${v('1.26.2', '1')}.0.1`;
  const nodeV = `1:${v('18.20.5', '1')}.0.1`;
  const mariadbV = `3:${v('10.5.25', '1')}.0.1`;
  const pyV = v('3.9.20', '1') + '.0.1';
  const gitV = v('2.47.1', '1') + '.0.1';
  const dockerV = v('25.0.6', '1') + '.0.2';
  const mariadbName = f.osVersion === '2023' ? 'mariadb105' : 'mariadb';
  return [
    {
      name: 'httpd',
      version: httpdV,
      summary: 'Apache HTTP Server',
      url: 'https://httpd.apache.org/',
      license: 'ASL 2.0',
      sizeKiB: 66,
      requires: ['httpd-core', 'httpd-filesystem', 'httpd-tools', 'apr', 'apr-util', 'mod_http2', 'mod_lua'],
      files: [
        bin('/usr/sbin/httpd', 'httpd', 'httpd', httpdV),
        bin('/usr/sbin/apachectl', 'apachectl', 'httpd', httpdV),
        { path: '/etc/httpd/conf/httpd.conf', content: files.httpdConf() },
        { path: '/etc/httpd/conf.d/welcome.conf', content: files.httpdWelcomeConf },
        { path: '/usr/share/httpd/noindex/index.html', content: files.httpdTestPage },
        { path: '/etc/sysconfig/httpd', content: '# Configuration for the httpd service.\n' },
        { path: '/usr/lib/systemd/system/httpd.service', content: files.httpdUnit },
        { path: '/var/log/httpd/.keep', content: '' },
        { path: '/var/www/cgi-bin/.keep', content: '' },
        { path: '/var/www/html/.keep', content: '' },
      ],
      users: [{ name: 'apache', uid: 48, home: '/usr/share/httpd', comment: 'Apache' }],
    },
    lib('httpd-core', httpdV, 'httpd minimal core', 4655, ['apr', 'apr-util']),
    lib('httpd-filesystem', httpdV, 'The basic directory layout for the Apache HTTP Server', 14),
    lib('httpd-tools', httpdV, 'Tools for use with the Apache HTTP Server', 203),
    lib('apr', v('1.7.5', '1'), 'Apache Portable Runtime library', 289),
    lib('apr-util', v('1.6.3', '1') + '.0.1', 'Apache Portable Runtime Utility library', 214),
    lib('mod_http2', v('2.0.27', '1'), 'module implementing HTTP/2 for Apache 2', 432),
    lib('mod_lua', httpdV, 'Lua language module for the Apache HTTP Server', 144),
    {
      name: 'nginx',
      version: nginxV,
      summary: 'A high performance web server and reverse proxy server',
      url: 'https://nginx.org',
      license: 'BSD',
      sizeKiB: 28,
      requires: ['nginx-core', 'nginx-filesystem', 'nginx-mimetypes', 'gperftools-libs', 'libunwind'],
      files: [
        bin('/usr/sbin/nginx', 'nginx', 'nginx', nginxV),
        { path: '/etc/nginx/nginx.conf', content: files.nginxConfAl },
        { path: '/etc/nginx/conf.d/.keep', content: '' },
        { path: '/etc/nginx/default.d/.keep', content: '' },
        { path: '/usr/share/nginx/html/index.html', content: files.nginxWelcome },
        { path: '/usr/share/nginx/html/404.html', content: files.nginxErrorPage(404, 'Not Found') },
        { path: '/usr/share/nginx/html/50x.html', content: files.nginx50x },
        { path: '/usr/lib/systemd/system/nginx.service', content: files.nginxUnit('/usr/sbin/nginx') },
        { path: '/var/log/nginx/.keep', content: '' },
      ],
      users: [{ name: 'nginx', uid: 991, home: '/var/lib/nginx', comment: 'Nginx web server' }],
    },
    lib('nginx-core', nginxV, 'nginx minimal core', 1931),
    lib('nginx-filesystem', nginxV, 'The basic directory layout for the Nginx server', 0),
    lib('nginx-mimetypes', v('2.1.49', '3') + '.0.1', 'MIME type mappings for nginx', 85),
    lib('gperftools-libs', v('2.9.1', '1') + '.0.3', 'Libraries provided by gperftools', 1010),
    lib('libunwind', v('1.4.0', '5') + '.0.2', 'An unwinding library', 176),
    {
      name: 'nodejs',
      version: nodeV,
      summary: 'JavaScript runtime',
      url: 'https://nodejs.org/',
      license: 'MIT',
      sizeKiB: 1024,
      requires: ['nodejs-libs', 'nodejs-npm'],
      files: [bin('/usr/bin/node', 'node', 'nodejs', nodeV)],
      preinstalled: f.workstation,
    },
    lib('nodejs-libs', nodeV, 'Node.js and v8 libraries', 54_000),
    {
      ...lib('nodejs-npm', `1:10.8.2-1.${v('18.20.5', '1')}.0.1`, 'Node.js Package Manager', 8500),
      files: [
        bin('/usr/bin/npm', 'npm', 'nodejs-npm', '10.8.2'),
        bin('/usr/bin/npx', 'npx', 'nodejs-npm', '10.8.2'),
      ],
      preinstalled: f.workstation,
    },
    {
      name: 'python3',
      version: pyV,
      summary: 'Python 3.9 interpreter',
      url: 'https://www.python.org/',
      license: 'Python',
      sizeKiB: 32,
      requires: ['python3-libs'],
      files: [bin('/usr/bin/python3', 'python3', 'python3', pyV)],
      preinstalled: true,
    },
    { ...lib('python3-libs', pyV, 'Python runtime libraries', 32_000), preinstalled: true },
    {
      name: 'git',
      version: gitV,
      summary: 'Fast Version Control System',
      url: 'https://git-scm.com/',
      license: 'GPLv2',
      sizeKiB: 85,
      requires: ['git-core', 'git-core-doc', 'perl-Git'],
      files: [bin('/usr/bin/git', 'git', 'git', gitV)],
      preinstalled: f.workstation,
    },
    {
      ...lib('git-core', gitV, 'Core package of git with minimal functionality', 22_000),
      preinstalled: f.workstation,
    },
    { ...lib('git-core-doc', gitV, 'Documentation files for git-core', 17_000), preinstalled: f.workstation },
    { ...lib('perl-Git', gitV, 'Perl interface to Git', 64), preinstalled: f.workstation },
    {
      name: `${mariadbName}-server`,
      version: mariadbV,
      summary: 'The MariaDB server and related files',
      url: 'http://mariadb.org',
      license: 'GPLv2 and LGPLv2',
      sizeKiB: 53_000,
      requires: [mariadbName, `${mariadbName}-common`, `${mariadbName}-errmsg`, 'mariadb-connector-c'],
      files: [
        bin('/usr/libexec/mariadbd', 'mariadbd', `${mariadbName}-server`, mariadbV),
        {
          path: '/etc/my.cnf.d/mariadb-server.cnf',
          content: files.mariadbServerCnf('/var/lib/mysql/mysql.sock'),
        },
        {
          path: '/usr/lib/systemd/system/mariadb.service',
          content: files.mariadbUnit('/usr/libexec/mariadbd'),
        },
        { path: '/var/lib/mysql/.keep', content: '' },
        { path: '/var/log/mariadb/.keep', content: '' },
      ],
      users: [{ name: 'mysql', uid: 27, home: '/var/lib/mysql', comment: 'MySQL Server' }],
    },
    {
      ...lib(mariadbName, mariadbV, 'A very fast and robust SQL database server', 18_000, [
        `${mariadbName}-common`,
        'mariadb-connector-c',
      ]),
      files: [
        bin('/usr/bin/mysql', 'mysql', mariadbName, mariadbV),
        bin('/usr/bin/mariadb', 'mysql', mariadbName, mariadbV),
      ],
    },
    lib(`${mariadbName}-common`, mariadbV, 'The shared files required by server and client', 240),
    lib(`${mariadbName}-errmsg`, mariadbV, 'The error messages files required by server and embedded', 2300),
    lib('mariadb-connector-c', v('3.3.10', '1'), 'The MariaDB Native Client library (C driver)', 530),
    {
      name: 'docker',
      version: dockerV,
      summary: 'Automates deployment of containerized applications',
      url: 'https://github.com/docker/docker',
      license: 'ASL 2.0 and MIT and BSD and MPLv2.0 and WTFPL',
      sizeKiB: 105_000,
      requires: ['containerd', 'runc', 'iptables-libs', 'libcgroup', 'pigz'],
      files: [
        bin('/usr/bin/docker', 'docker', 'docker', dockerV),
        bin('/usr/bin/dockerd', 'dockerd', 'docker', dockerV),
        { path: '/usr/lib/systemd/system/docker.service', content: files.dockerUnit('/usr/bin/dockerd') },
        { path: '/etc/sysconfig/docker', content: 'OPTIONS="--default-ulimit nofile=32768:65536"\n' },
      ],
      groups: [{ name: 'docker', gid: 992 }],
    },
    lib('containerd', v('1.7.23', '1'), 'An industry-standard container runtime', 111_000),
    lib('runc', v('1.1.14', '1'), 'A CLI tool for spawning and running containers per OCI spec', 10_000),
    lib('iptables-libs', v('1.8.8', '3') + '.0.2', 'iptables libraries', 1100),
    lib('libcgroup', v('3.0', '1') + '.0.1', 'Library to control and monitor control groups', 150),
    lib('pigz', v('2.5', '1') + '.0.3', 'Parallel implementation of gzip', 140),
    ...common(f, {
      htop: v('3.2.1', '86') + '.0.3',
      jq: v('1.7.1', '49') + '.0.2',
      tree: v('1.8.0', '6') + '.0.2',
      stress: v('1.0.4', '29') + '.0.2',
    }),
  ];
}

function debPackages(f: Flavour): PackageSpec[] {
  const ubuntu = f.os === 'ubuntu';
  const apacheV = ubuntu ? '2.4.58-1ubuntu8.5' : '2.4.62-1~deb12u2';
  const nginxV = ubuntu ? '1.24.0-2ubuntu7.1' : '1.22.1-9+deb12u1';
  const nodeV = ubuntu ? '18.19.1+dfsg-6ubuntu5' : '18.19.0+dfsg-6~deb12u2';
  const mariadbV = ubuntu ? '1:10.11.8-0ubuntu0.24.04.1' : '1:10.11.6-0+deb12u1';
  const pyV = ubuntu ? '3.12.3-0ubuntu2' : '3.11.2-1+b1';
  const gitV = ubuntu ? '1:2.43.0-1ubuntu7.1' : '1:2.39.5-0+deb12u1';
  const dockerV = ubuntu ? '24.0.7-0ubuntu4.1' : '20.10.24+dfsg1-1+b3';
  const dist = ubuntu ? 'Ubuntu' : 'Debian';
  return [
    {
      name: 'apache2',
      version: apacheV,
      summary: 'Apache HTTP Server',
      url: 'https://httpd.apache.org/',
      license: 'Apache-2.0',
      sizeKiB: 465,
      requires: ['apache2-bin', 'apache2-data', 'apache2-utils', 'libapr1t64', 'libaprutil1t64', 'ssl-cert'],
      files: [
        bin('/usr/sbin/apache2', 'apache2', 'apache2', apacheV),
        bin('/usr/sbin/apache2ctl', 'apachectl', 'apache2', apacheV),
        bin('/usr/sbin/apachectl', 'apachectl', 'apache2', apacheV),
        { path: '/etc/apache2/apache2.conf', content: files.apache2Conf },
        {
          path: '/etc/apache2/ports.conf',
          content: 'Listen 80\n\n<IfModule ssl_module>\n\tListen 443\n</IfModule>\n',
        },
        { path: '/etc/apache2/sites-available/000-default.conf', content: files.apache2Site },
        { path: '/etc/apache2/sites-enabled/000-default.conf', content: files.apache2Site },
        { path: '/var/www/html/index.html', content: files.apache2DefaultPage(dist) },
        { path: '/usr/lib/systemd/system/apache2.service', content: files.apache2Unit },
        { path: '/var/log/apache2/.keep', content: '' },
      ],
      autostart: ['apache2.service'],
    },
    lib('apache2-bin', apacheV, 'Apache HTTP Server (modules and other binary files)', 6000),
    lib('apache2-data', apacheV, 'Apache HTTP Server (common files)', 842),
    lib('apache2-utils', apacheV, 'Apache HTTP Server (utility programs for web servers)', 480),
    lib('libapr1t64', '1.7.2-3.1ubuntu0.1', 'Apache Portable Runtime Library', 323),
    lib('libaprutil1t64', '1.6.3-1.1ubuntu7', 'Apache Portable Runtime Utility Library', 314),
    lib('ssl-cert', '1.1.2ubuntu1', 'simple debconf wrapper for OpenSSL', 89),
    {
      name: 'nginx',
      version: nginxV,
      summary: 'small, powerful, scalable web/proxy server',
      url: 'https://nginx.org',
      license: 'BSD-2-clause',
      sizeKiB: 1432,
      requires: ['nginx-common'],
      files: [
        bin('/usr/sbin/nginx', 'nginx', 'nginx', nginxV),
        { path: '/etc/nginx/nginx.conf', content: files.nginxConfDebian },
        { path: '/etc/nginx/sites-available/default', content: files.nginxSiteDebian },
        { path: '/etc/nginx/sites-enabled/default', content: files.nginxSiteDebian },
        { path: '/etc/nginx/conf.d/.keep', content: '' },
        { path: '/var/www/html/index.nginx-debian.html', content: files.nginxWelcome },
        { path: '/usr/lib/systemd/system/nginx.service', content: files.nginxUnit('/usr/sbin/nginx') },
        { path: '/var/log/nginx/.keep', content: '' },
      ],
      autostart: ['nginx.service'],
    },
    lib('nginx-common', nginxV, 'small, powerful, scalable web/proxy server - common files', 139),
    {
      name: 'nodejs',
      version: nodeV,
      summary: 'evented I/O for V8 javascript - runtime executable',
      url: 'https://nodejs.org/',
      license: 'MIT',
      sizeKiB: 708,
      requires: ['libnode109'],
      files: [bin('/usr/bin/node', 'node', 'nodejs', nodeV), bin('/usr/bin/nodejs', 'node', 'nodejs', nodeV)],
    },
    lib('libnode109', nodeV, 'evented I/O for V8 javascript - runtime library', 61_000),
    {
      ...lib('npm', '9.2.0~ds1-2', 'package manager for Node.js', 2600, ['nodejs']),
      files: [bin('/usr/bin/npm', 'npm', 'npm', '9.2.0'), bin('/usr/bin/npx', 'npx', 'npm', '9.2.0')],
    },
    {
      name: 'python3',
      version: pyV,
      summary: 'interactive high-level object-oriented language (default python3 version)',
      url: 'https://www.python.org/',
      license: 'PSF-2.0',
      sizeKiB: 92,
      files: [bin('/usr/bin/python3', 'python3', 'python3', pyV)],
      preinstalled: true,
    },
    {
      name: 'git',
      version: gitV,
      summary: 'fast, scalable, distributed revision control system',
      url: 'https://git-scm.com/',
      license: 'GPL-2.0',
      sizeKiB: 49_000,
      files: [bin('/usr/bin/git', 'git', 'git', gitV)],
      preinstalled: ubuntu,
    },
    {
      name: 'mariadb-server',
      version: mariadbV,
      summary: 'MariaDB database server binaries',
      url: 'https://mariadb.org/',
      license: 'GPL-2.0',
      sizeKiB: 19_000,
      requires: ['mariadb-client', 'mariadb-common', 'mariadb-server-core', 'galera-4'],
      files: [
        bin('/usr/sbin/mariadbd', 'mariadbd', 'mariadb-server', mariadbV),
        {
          path: '/etc/mysql/mariadb.conf.d/50-server.cnf',
          content: files.mariadbServerCnf('/run/mysqld/mysqld.sock'),
        },
        { path: '/usr/lib/systemd/system/mariadb.service', content: files.mariadbUnit('/usr/sbin/mariadbd') },
        { path: '/var/lib/mysql/.keep', content: '' },
      ],
      autostart: ['mariadb.service'],
      users: [{ name: 'mysql', uid: 110, home: '/nonexistent', comment: 'MySQL Server' }],
    },
    {
      ...lib('mariadb-client', mariadbV, 'MariaDB database client binaries', 900, ['mariadb-common']),
      files: [
        bin('/usr/bin/mysql', 'mysql', 'mariadb-client', mariadbV),
        bin('/usr/bin/mariadb', 'mysql', 'mariadb-client', mariadbV),
      ],
    },
    lib('mariadb-common', mariadbV, 'MariaDB common configuration files', 37),
    lib('mariadb-server-core', mariadbV, 'MariaDB database core server files', 28_000),
    lib('galera-4', '26.4.16-2build4', 'Replication framework for transactional applications', 4600),
    {
      name: 'docker.io',
      version: dockerV,
      summary: 'Linux container runtime',
      url: 'https://mobyproject.org',
      license: 'Apache-2.0',
      sizeKiB: 105_000,
      requires: ['containerd', 'runc', 'iptables', 'pigz'],
      files: [
        bin('/usr/bin/docker', 'docker', 'docker.io', dockerV),
        bin('/usr/sbin/dockerd', 'dockerd', 'docker.io', dockerV),
        { path: '/usr/lib/systemd/system/docker.service', content: files.dockerUnit('/usr/sbin/dockerd') },
      ],
      autostart: ['docker.service'],
      groups: [{ name: 'docker', gid: 112 }],
    },
    lib('containerd', '1.7.12-0ubuntu4.1', 'daemon to control runC', 158_000),
    lib('runc', '1.1.12-0ubuntu3.1', 'Open Container Project - runtime', 11_000),
    lib('iptables', '1.8.10-3ubuntu2', 'administration tools for packet filtering and NAT', 2800),
    lib('pigz', '2.8-1', 'Parallel Implementation of GZip', 210),
    ...common(f, {
      htop: ubuntu ? '3.3.0-4build1' : '3.2.2-2',
      jq: ubuntu ? '1.7.1-3build1' : '1.6-2.1',
      tree: ubuntu ? '2.1.1-2ubuntu3' : '2.1.0-1',
      stress: '1.0.7-1',
    }),
  ];
}

/** Small tools both families package under the same name. */
function common(f: Flavour, versions: Record<'htop' | 'jq' | 'tree' | 'stress', string>): PackageSpec[] {
  const deb = f.family === 'deb';
  return [
    {
      name: 'htop',
      version: versions.htop,
      summary: 'Interactive process viewer',
      url: 'https://htop.dev/',
      license: 'GPL-2.0',
      sizeKiB: 430,
      files: [bin('/usr/bin/htop', 'htop', 'htop', versions.htop)],
      // Ubuntu server images ship htop; Amazon Linux does not.
      preinstalled: deb && f.os === 'ubuntu',
    },
    {
      name: 'jq',
      version: versions.jq,
      summary: 'Command-line JSON processor',
      url: 'https://jqlang.github.io/jq/',
      license: 'MIT',
      sizeKiB: 120,
      files: [bin('/usr/bin/jq', 'jq', 'jq', versions.jq)],
      // Amazon Linux 2023 and CloudShell ship jq; the Ubuntu and Debian images do not.
      preinstalled: !deb && (f.osVersion === '2023' || f.workstation),
    },
    {
      name: 'tree',
      version: versions.tree,
      summary: 'File system tree viewer',
      url: 'https://oldmanprogrammer.net/source.php?dir=projects/tree',
      license: 'GPL-2.0',
      sizeKiB: 110,
      files: [bin('/usr/bin/tree', 'tree', 'tree', versions.tree)],
      preinstalled: f.workstation,
    },
    {
      name: 'stress',
      version: versions.stress,
      summary: 'A tool to put given subsystems under a specified load',
      url: 'https://github.com/resurrecting-open-source-projects/stress',
      license: 'GPL-2.0',
      sizeKiB: 60,
      files: [bin('/usr/bin/stress', 'stress', 'stress', versions.stress)],
    },
  ];
}

const cache = new Map<string, Map<string, PackageSpec>>();

/** The repository a machine's package manager sees, by package name. */
export function repository(f: Flavour): Map<string, PackageSpec> {
  const key = `${f.family}/${f.os}/${f.osVersion}/${f.workstation}`;
  let repo = cache.get(key);
  if (!repo) {
    const list = f.family === 'rpm' ? rpmPackages(f) : debPackages(f);
    repo = new Map(list.map((p) => [p.name, p]));
    cache.set(key, repo);
  }
  return repo;
}
