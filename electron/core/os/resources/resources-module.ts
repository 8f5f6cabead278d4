/**
 * The machine's resources as the OS shows them: CPU, memory, disk, processes and load, sized
 * by the instance type, with CPU utilisation reported to the hypervisor's metrics.
 */
import type { OsModule } from '../types';
import { writeProcFiles } from './proc-files';
import { ps } from './ps';
import { stress } from './stress';
import { df, free, lscpu, nproc, uptime } from './system-info';
import { htop, top } from './top';
import { reportCpu } from './usage';

export const resourcesModule: OsModule = {
  name: 'resources',
  commands: [nproc, free, df, uptime, lscpu, ps, top, htop, stress],
  async boot(m) {
    await writeProcFiles(m);
    reportCpu(m);
  },
  shutdown(m) {
    reportCpu(m, true);
  },
};
