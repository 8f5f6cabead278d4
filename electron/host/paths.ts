/**
 * Where things are: the package's resources and built console, and the default workspace —
 * the same directory the desktop app uses, so `cloudlab serve` and the app share a lab.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: this file sits two levels down both as source (electron/host) and bundled (out/cli). */
export function packageRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
}

export function defaultResourcesDir(): string {
  return join(packageRoot(), 'resources');
}

export function defaultRendererDir(): string {
  return join(packageRoot(), 'out', 'renderer');
}

export function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string })
      .version;
  } catch {
    return '0.0.0';
  }
}

export const APP_NAME = 'Cloud Lab';

/** Electron's userData directory for this app, computed without Electron. */
export function userDataDir(platform: NodeJS.Platform = process.platform, env = process.env): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_NAME);
}

export function defaultWorkspaceDir(): string {
  return join(userDataDir(), 'workspace');
}
