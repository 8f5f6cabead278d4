/**
 * Who may log in to an instance with which key, as sshd on an EC2 AMI decides: the key must be
 * in the user's ~/.ssh/authorized_keys (cloud-init puts the launch key pair's public key in the
 * default user's at first boot). Root has the key too, but AWS AMIs force a command on it that
 * says to log in as the default user instead. Used by the `ssh` command and the SSH gateway.
 */
import { Buffer } from 'node:buffer';
import { samePublicKey } from '../../services/ec2/key-material';
import type { KeyPairRecord } from '../../services/ec2/records';
import type { Ec2Runtime } from '../../services/ec2/runtime';
import type { Machine } from '../machine';
import { blobOfLine } from './ssh-keys';

export type LoginDecision =
  | { ok: true }
  /** Authenticated as root: AWS's forced command prints this and closes with status 142. */
  | { ok: false; message: string; exitCode: number; authenticated: true }
  | { ok: false; authenticated: false };

export const ROOT_REFUSAL_STATUS = 142;

export function rootRefusal(defaultUser: string): string {
  return `Please login as the user "${defaultUser}" rather than the user "root".\n\n`;
}

/** The public key of the key pair an instance was launched with (null: none, or deleted). */
export function launchKey(machine: Machine): { keyName: string; publicKey: string } | null {
  const found = machine.os.findInstance(machine.identity.id);
  const keyName = found?.record.keyName;
  if (!found || !keyName) return null;
  const ec2 = machine.cloud.runtime<Ec2Runtime>('ec2');
  const key = ec2.resources.list<KeyPairRecord>(found.scope, 'key', { name: keyName })[0];
  return key ? { keyName, publicKey: key.publicKey } : null;
}

async function authorizedKeys(machine: Machine, home: string): Promise<Uint8Array[] | null> {
  const text = await machine.fs.readText(`${home}/.ssh/authorized_keys`).catch(() => null);
  if (text === null) return null;
  return text
    .split('\n')
    .filter((l) => l.trim() && !l.trim().startsWith('#'))
    .map(blobOfLine)
    .filter((b): b is NonNullable<typeof b> => b !== null);
}

/** Does `blob` open a session for `userName` on `machine`? */
export async function decideLogin(
  machine: Machine,
  userName: string,
  blob: Uint8Array,
): Promise<LoginDecision> {
  const user = await machine.users.find(userName);
  if (!user) return { ok: false, authenticated: false };
  const defaultUser = machine.defaultUser;
  const keyOf = async (home: string, name: string): Promise<boolean> => {
    const keys = await authorizedKeys(machine, home);
    if (keys) return keys.some((k) => Buffer.from(k).equals(Buffer.from(blob)));
    // No authorized_keys yet (first boot still running): the launch key pair stands in for it.
    const launch = name === defaultUser ? launchKey(machine) : null;
    return !!launch && samePublicKey(launch.publicKey, blob);
  };
  if (user.uid === 0 && userName !== defaultUser) {
    const defaultHome = (await machine.users.find(defaultUser))?.home ?? `/home/${defaultUser}`;
    if (await keyOf(defaultHome, defaultUser))
      return {
        ok: false,
        authenticated: true,
        message: rootRefusal(defaultUser),
        exitCode: ROOT_REFUSAL_STATUS,
      };
    return { ok: false, authenticated: false };
  }
  return (await keyOf(user.home, userName)) ? { ok: true } : { ok: false, authenticated: false };
}
