/**
 * The systemd OS module: systemctl, service and journalctl, and the boot behaviour of a
 * service manager (enabled units start on a fresh boot; a machine reloaded after an app
 * restart resumes the units it had running).
 */
import type { OsModule } from '../types';
import { bootUnits, shutdownUnits } from './service-manager';
import { journalctlCommand, serviceCommand, systemctlCommand } from './systemctl-command';

export const systemdModule: OsModule = {
  name: 'systemd',
  commands: [systemctlCommand, serviceCommand, journalctlCommand],
  async boot(m, { resumed }) {
    await bootUnits(m, resumed);
  },
  shutdown(m) {
    shutdownUnits(m);
  },
};
