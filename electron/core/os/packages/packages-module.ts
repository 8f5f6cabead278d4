/**
 * The package-management OS module: dnf/yum or apt/apt-get (whichever the distribution has),
 * rpm/dpkg queries, and the programs packages install. At boot it makes the file system agree
 * with the package database (see reconcile in package-db.ts).
 */
import type { OsModule } from '../types';
import { aptCommand } from './apt-command';
import { dnfCommand, yumCommand } from './dnf-command';
import { flavourOf, reconcile } from './package-db';
import { programCommand } from './programs';
import { dpkgCommand, rpmCommand } from './rpm-dpkg';

export { isInstalled, commandProvidedBy } from './package-db';

const RPM_TOOLS = ['dnf', 'yum', 'rpm'];
const DEB_TOOLS = ['apt', 'apt-get', 'dpkg'];

export const packagesModule: OsModule = {
  name: 'packages',
  commands: [
    dnfCommand,
    yumCommand,
    aptCommand('apt'),
    aptCommand('apt-get'),
    rpmCommand,
    dpkgCommand,
    programCommand,
  ],
  async boot(m) {
    const f = flavourOf(m);
    const foreign = f.family === 'deb' ? RPM_TOOLS : f.osVersion === '2' ? [...DEB_TOOLS, 'dnf'] : DEB_TOOLS;
    await reconcile(m, foreign);
  },
};
