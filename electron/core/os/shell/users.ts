/**
 * The machine's users, read from /etc/passwd as login, sudo and `id` need them.
 */
import type { MachineFs } from '../fs/machine-fs';

export interface ShellUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

export class Users {
  constructor(private readonly fs: MachineFs) {}

  async all(): Promise<ShellUser[]> {
    const text = (await this.fs.readText('/etc/passwd')) ?? '';
    return text
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [name = '', , uid = '0', gid = '0', , home = '/', shell = '/bin/sh'] = line.split(':');
        return { name, uid: Number(uid), gid: Number(gid), home, shell };
      });
  }

  async find(name: string): Promise<ShellUser | undefined> {
    return (await this.all()).find((u) => u.name === name);
  }

  async byUid(uid: number): Promise<ShellUser | undefined> {
    return (await this.all()).find((u) => u.uid === uid);
  }

  /** Group names a user belongs to (primary first), from /etc/group. */
  async groupsOf(user: ShellUser): Promise<Array<{ name: string; gid: number }>> {
    const text = (await this.fs.readText('/etc/group')) ?? '';
    const groups = text
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [name = '', , gid = '0', members = ''] = line.split(':');
        return { name, gid: Number(gid), members: members.split(',').filter(Boolean) };
      });
    const primary = groups.filter((g) => g.gid === user.gid);
    const extra = groups.filter((g) => g.gid !== user.gid && g.members.includes(user.name));
    return [...primary, ...extra].map(({ name, gid }) => ({ name, gid }));
  }
}
