/**
 * Command-line flags that put a function's process under Node's permission model: read access
 * only to the runtime, the code, the shared SDK modules and /tmp; write access only to /tmp; no
 * child processes, workers or native addons.
 */
import { realpathSync } from 'node:fs';

export interface PermissionScope {
  readDirs: string[];
  writeDirs: string[];
  memoryMB: number;
}

/** The flag that enables the permission model on this Node (`--permission` from Node 22). */
export function permissionFlag(flags: ReadonlySet<string> = process.allowedNodeEnvironmentFlags): string {
  return flags.has('--permission') ? '--permission' : '--experimental-permission';
}

/** A directory and its real path (symlinks, macOS /var → /private/var), without duplicates. */
export function withRealPaths(dirs: readonly string[]): string[] {
  const out = new Set<string>();
  for (const dir of dirs) {
    out.add(dir);
    try {
      out.add(realpathSync(dir));
    } catch {
      // not there yet: the path as given is all we can allow
    }
  }
  return [...out];
}

function grants(flag: string, dirs: readonly string[], experimental: boolean): string[] {
  // One flag per path (commas are not separators on newer Node). Node 20 matches a directory's
  // contents only through a trailing wildcard (and aborts if given both `dir` and `dir/*`).
  const sep = process.platform === 'win32' ? '\\' : '/';
  return withRealPaths(dirs).map((d) =>
    experimental ? `${flag}=${d.endsWith(sep) ? d : d + sep}*` : `${flag}=${d}`,
  );
}

export function runtimeFlags(scope: PermissionScope): string[] {
  // V8's old space gets ~90% of the function's memory, as Lambda's Node bootstrap does.
  const oldSpace = Math.max(16, Math.floor(scope.memoryMB * 0.9));
  const flag = permissionFlag();
  const experimental = flag === '--experimental-permission';
  return [
    flag,
    ...grants('--allow-fs-read', scope.readDirs, experimental),
    ...grants('--allow-fs-write', scope.writeDirs, experimental),
    '--no-addons',
    '--no-warnings',
    `--max-old-space-size=${oldSpace}`,
  ];
}
