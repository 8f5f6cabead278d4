/**
 * The OS modules every machine runs, in boot order. Each brings its commands and its boot and
 * shutdown behaviour (see OsModule in types.ts).
 */
import { coreModule } from './commands/core-module';
import { sshClientModule } from './ssh-client/ssh-command';
import { packagesModule } from './packages/packages-module';
import { systemdModule } from './systemd/systemd-module';
import { cloudInitModule } from './cloud-init/cloud-init-module';
import { netModule } from './net/net-module';
import { resourcesModule } from './resources/resources-module';
import { awsCliModule } from './aws-cli/aws-module';
import type { OsModule } from './types';

export const osModules: readonly OsModule[] = [
  coreModule,
  sshClientModule,
  packagesModule,
  systemdModule,
  netModule,
  resourcesModule,
  awsCliModule,
  cloudInitModule,
];
