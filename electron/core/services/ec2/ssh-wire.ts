/**
 * The SSH wire encodings (RFC 4251 / RFC 4253) that key files and public key blobs are made of,
 * shared by EC2's key pairs and the SSH client and gateway: 32-bit lengths, strings, mpints and
 * the public key blobs of RSA and ED25519 keys.
 */
import { Buffer } from 'node:buffer';
import type { JsonWebKey } from 'node:crypto';

export const SSH_RSA = 'ssh-rsa';
export const SSH_ED25519 = 'ssh-ed25519';

export function uint32(n: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(n);
  return out;
}

/** RFC 4251 string: a 32-bit big-endian length, then the bytes. */
export function sshString(value: Buffer | string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return Buffer.concat([uint32(bytes.length), bytes]);
}

/** RFC 4251 mpint of a non-negative big-endian number: minimal, with a 0 byte if the top bit is set. */
export function sshMpint(magnitude: Buffer): Buffer {
  let start = 0;
  while (start < magnitude.length && magnitude[start] === 0) start += 1;
  const trimmed = magnitude.subarray(start);
  const signed =
    trimmed.length > 0 && (trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
  return sshString(signed);
}

/** A base64url field of a JWK, as bytes. */
export function jwkBytes(jwk: JsonWebKey, field: string): Buffer {
  const value = jwk[field];
  if (typeof value !== 'string') throw new Error(`JWK has no "${field}"`);
  return Buffer.from(value, 'base64url');
}

/** The RFC 4253 blob of an RSA public key (`ssh-rsa`, e, n). */
export function rsaPublicBlob(jwk: JsonWebKey): Buffer {
  return Buffer.concat([sshString(SSH_RSA), sshMpint(jwkBytes(jwk, 'e')), sshMpint(jwkBytes(jwk, 'n'))]);
}

/** The blob of an ED25519 public key (`ssh-ed25519`, the 32 key bytes). */
export function ed25519PublicBlob(pub: Buffer): Buffer {
  return Buffer.concat([sshString(SSH_ED25519), sshString(pub)]);
}
