/**
 * SSH key handling for the `ssh` command and the SSH gateway: the public key (its RFC 4253 wire
 * blob) of a private key file as EC2 hands them out (PKCS#1 RSA PEM, OpenSSH ED25519, also
 * PKCS#8), the host keys instances make at first connection, and fingerprints as ssh prints them.
 */
import { Buffer } from 'node:buffer';
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { createKey } from '../../services/ec2/key-material';
import {
  SSH_ED25519,
  SSH_RSA,
  ed25519PublicBlob,
  jwkBytes,
  rsaPublicBlob,
} from '../../services/ec2/ssh-wire';
import type { Machine } from '../machine';

export interface PublicKey {
  /** `ssh-rsa` or `ssh-ed25519`. */
  type: string;
  /** The wire blob, as an authorized_keys line carries it in base64. */
  blob: Buffer;
}

const OPENSSH_MAGIC = 'openssh-key-v1\0';

/** The public key of a private key file, or null when ssh could not load it ("invalid format"). */
export function publicKeyOfPrivate(text: string): PublicKey | null {
  const openssh = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/.exec(text);
  if (openssh) return fromOpenSsh(Buffer.from(openssh[1]!.replace(/\s+/g, ''), 'base64'));
  if (!/-----BEGIN (RSA |EC )?PRIVATE KEY-----/.test(text)) return null;
  try {
    const jwk = createPublicKey(createPrivateKey(text)).export({ format: 'jwk' });
    if (jwk.kty === 'RSA' && jwk.n && jwk.e) {
      return { type: SSH_RSA, blob: rsaPublicBlob(jwk) };
    }
    if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && jwk.x) {
      return { type: SSH_ED25519, blob: ed25519PublicBlob(jwkBytes(jwk, 'x')) };
    }
  } catch {
    return null;
  }
  return null;
}

/** The public half of an openssh-key-v1 file (stored in clear before the private part). */
function fromOpenSsh(data: Buffer): PublicKey | null {
  if (data.subarray(0, OPENSSH_MAGIC.length).toString('latin1') !== OPENSSH_MAGIC) return null;
  let at = OPENSSH_MAGIC.length;
  const next = (): Buffer | null => {
    if (at + 4 > data.length) return null;
    const len = data.readUInt32BE(at);
    if (at + 4 + len > data.length) return null;
    const out = data.subarray(at + 4, at + 4 + len);
    at += 4 + len;
    return out;
  };
  const cipher = next();
  next(); // kdf name
  next(); // kdf options
  if (!cipher || cipher.toString() !== 'none' || at + 4 > data.length) return null;
  if (data.readUInt32BE(at) !== 1) return null;
  at += 4;
  const blob = next();
  if (!blob || blob.length < 4) return null;
  const typeLen = blob.readUInt32BE(0);
  return { type: blob.subarray(4, 4 + typeLen).toString(), blob: Buffer.from(blob) };
}

/** `SHA256:…` as ssh-keygen -l and the ssh client print it. */
export function fingerprint(blob: Uint8Array): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The blob of an OpenSSH public key line ("ssh-ed25519 AAAA… comment"), with options ahead of it. */
export function blobOfLine(line: string): Buffer | null {
  const words = line.trim().split(/\s+/);
  const i = words.findIndex((w) => /^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp\d+|sk-)/.test(w));
  const encoded = i >= 0 ? words[i + 1] : undefined;
  if (!encoded || !/^[A-Za-z0-9+/]+=*$/.test(encoded)) return null;
  return Buffer.from(encoded, 'base64');
}

export interface HostKey {
  /** The OpenSSH line, `ssh-ed25519 AAAA…`. */
  publicKey: string;
  blob: Buffer;
  fingerprint: string;
}

/**
 * A machine's ED25519 host key: /etc/ssh/ssh_host_ed25519_key(.pub), made the first time a
 * client connects if the image did not make it at boot (as sshd-keygen does).
 */
export async function hostKey(machine: Machine): Promise<HostKey> {
  const pubPath = '/etc/ssh/ssh_host_ed25519_key.pub';
  let line = (await machine.fs.readText(pubPath).catch(() => null))?.trim() ?? '';
  let blob = line ? blobOfLine(line) : null;
  if (!blob) {
    const made = createKey('ed25519', 'pem', 'host');
    line = `${made.publicKey} root@${machine.identity.hostname}`;
    await machine.fs.writeText('/etc/ssh/ssh_host_ed25519_key', `${made.keyMaterial.trimEnd()}\n`, 0o600);
    await machine.fs.writeText(pubPath, `${line}\n`, 0o644);
    await machine.settle();
    blob = blobOfLine(line)!;
  }
  const [type = 'ssh-ed25519', encoded = ''] = line.split(/\s+/);
  return { publicKey: `${type} ${encoded}`, blob, fingerprint: fingerprint(blob) };
}
