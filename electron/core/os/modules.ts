/**
 * The OS modules every machine runs, in boot order. Each brings its commands and its boot and
 * shutdown behaviour (see OsModule in types.ts).
 */
import { coreModule } from './commands/core-module';
import type { OsModule } from './types';

export const osModules: readonly OsModule[] = [coreModule];
