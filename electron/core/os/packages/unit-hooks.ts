/**
 * What packages' maintainer scripts do with their services, through systemctl as the real
 * scriptlets do: rpm's %preun and dpkg's prerm stop and disable a package's units before its
 * files go; Debian's postinst enables and starts them on install (Amazon Linux does not).
 */
import type { CommandContext } from 'just-bash';
import type { PackageSpec } from './catalogue';

const UNIT_DIR = '/usr/lib/systemd/system/';

export function unitsOf(p: PackageSpec): string[] {
  return (p.files ?? []).filter((f) => f.path.startsWith(UNIT_DIR)).map((f) => f.path.slice(UNIT_DIR.length));
}

async function systemctl(ctx: CommandContext, line: string): Promise<string> {
  if (!ctx.exec) return '';
  const r = await ctx.exec(line, {
    cwd: '/',
    env: { USER: 'root', HOME: '/root', PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
  });
  return r.stdout + r.stderr;
}

export async function stopUnitsOf(ctx: CommandContext, packages: PackageSpec[]): Promise<string> {
  let out = '';
  for (const unit of packages.flatMap(unitsOf))
    out += await systemctl(ctx, `systemctl disable --now ${unit}`);
  return out;
}

export async function autostart(ctx: CommandContext, p: PackageSpec): Promise<string> {
  let out = '';
  for (const unit of p.autostart ?? []) out += await systemctl(ctx, `systemctl enable --now ${unit}`);
  return out;
}
