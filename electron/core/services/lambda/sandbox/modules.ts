/** The AWS SDK for function code: `<root>/tasks/node_modules` links to the app's node_modules. */
import { existsSync, lstatSync, mkdirSync, readlinkSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

let cached: string | undefined;

/** The (real) node_modules directory the app resolves `@aws-sdk/client-s3` from. */
export function runtimeModulesDir(): string {
  if (cached) return cached;
  const pkg = createRequire(import.meta.url).resolve('@aws-sdk/client-s3/package.json');
  // .../node_modules/@aws-sdk/client-s3/package.json → .../node_modules
  cached = realpathSync(dirname(dirname(dirname(pkg))));
  return cached;
}

/** Creates `<tasksRoot>/node_modules` → the app's node_modules (a junction on Windows). Idempotent. */
export function linkRuntimeModules(tasksRoot: string): string {
  const target = runtimeModulesDir();
  const link = join(tasksRoot, 'node_modules');
  mkdirSync(tasksRoot, { recursive: true });
  try {
    const st = lstatSync(link);
    if (st.isSymbolicLink() && resolve(tasksRoot, readlinkSync(link)) === target) return link;
    if (st.isSymbolicLink()) rmSync(link, { force: true });
    else return link; // a real directory put there on purpose: leave it
  } catch {
    // no link yet
  }
  symlinkSync(target, link, process.platform === 'win32' ? 'junction' : 'dir');
  return link;
}

/** Directories function code may read for modules: the link beside its package and the target. */
export function moduleReadDirs(codeDir: string): string[] {
  const dirs = [runtimeModulesDir()];
  const link = join(dirname(codeDir), 'node_modules');
  if (existsSync(link)) dirs.push(link);
  return dirs;
}
