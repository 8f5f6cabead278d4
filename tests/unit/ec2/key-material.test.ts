// EC2 key material, proved with the real tools: every created key is written to disk and read
// back by ssh-keygen and openssl, and every fingerprint is checked with the commands the EC2 user
// guide gives for verifying one ("Verify the fingerprint of your key pair").
import { execFileSync } from 'node:child_process';
import { createHash, createHmac, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAwsError } from '../../../electron/core/kernel/errors';
import {
  type CreatedKey,
  createKey,
  importKey,
  samePublicKey,
} from '../../../electron/core/services/ec2/key-material';
import { tempDir } from '../../support/temp';

const INVALID = {
  code: 'InvalidKey.Format',
  message: 'Key is not in valid OpenSSH public key format',
  status: 400,
};

let dir: string;
let cleanup: () => void;
let counter = 0;

/** Runs an installed tool; a missing one fails the test with a message, never skips it. */
function run(cmd: string, args: string[], input?: Buffer | string): Buffer {
  try {
    return execFileSync(cmd, args, { input, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: Buffer };
    if (err.code === 'ENOENT')
      throw new Error(`'${cmd}' is not installed; these tests need it to prove key material`);
    throw new Error(`${cmd} ${args.join(' ')} failed: ${err.stderr?.toString() ?? err.message}`);
  }
}

const text = (cmd: string, args: string[], input?: Buffer | string) =>
  run(cmd, args, input).toString().trim();

/** `openssl <digest> -c`: "MD5(stdin)= aa:bb:…" → "aa:bb:…". */
function opensslDigest(digest: 'sha1' | 'md5', input: Buffer): string {
  const out = text('openssl', [digest, '-c'], input);
  return out.slice(out.indexOf('= ') + 2);
}

/** A private key file as a user would save it: mode 0600, or ssh-keygen refuses to read it. */
function saveKey(content: string, name = `key${++counter}`): string {
  const path = join(dir, name);
  writeFileSync(path, content, { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}

interface Generated {
  path: string;
  /** The .pub line ssh-keygen wrote, with its comment. */
  line: string;
}

function keygen(type: string, bits?: number): Generated {
  const path = join(dir, `gen${++counter}`);
  const size = bits ? ['-b', String(bits)] : [];
  run('ssh-keygen', ['-q', '-t', type, ...size, '-N', '', '-C', 'me@host', '-f', path]);
  return { path, line: readFileSync(`${path}.pub`, 'utf8').trim() };
}

/** The OpenSSH line without its comment. */
const bare = (line: string) => line.split(/\s+/).slice(0, 2).join(' ');
const blobOf = (line: string) => Buffer.from(line.split(/\s+/)[1] ?? '', 'base64');

function refusal(action: () => unknown) {
  try {
    action();
  } catch (e) {
    if (!isAwsError(e)) throw e;
    return { code: e.code, message: e.message, status: e.status };
  }
  throw new Error('expected InvalidKey.Format, but the key was accepted');
}

// ssh-keygen keys shared by the import tests (RSA 4096 takes a moment to generate).
let rsa2048: Generated;
let rsa4096: Generated;
let ed25519: Generated;

beforeAll(() => {
  ({ dir, cleanup } = tempDir('cloudlab-keys-'));
  rsa2048 = keygen('rsa', 2048);
  rsa4096 = keygen('rsa', 4096);
  ed25519 = keygen('ed25519');
}, 120_000);
afterAll(() => cleanup());

describe('createKey rsa / pem', () => {
  let key: CreatedKey;
  let path: string;
  beforeAll(() => {
    key = createKey('rsa', 'pem', 'my-key');
    path = saveKey(key.keyMaterial);
  });

  it('is an unencrypted 2048-bit PKCS#1 PEM key, laid out as AWS returns it', () => {
    expect(key.keyType).toBe('rsa');
    const lines = key.keyMaterial.split('\n');
    expect(lines[0]).toBe('-----BEGIN RSA PRIVATE KEY-----');
    expect(lines.at(-1)).toBe('-----END RSA PRIVATE KEY-----');
    expect(lines.slice(1, -2).every((l) => l.length === 64)).toBe(true);
    expect(text('openssl', ['rsa', '-in', path, '-noout', '-text'])).toMatch(/Private-Key: \(2048 bit/);
  });

  it('ssh-keygen derives the same public key', () => {
    expect(key.publicKey).toMatch(/^ssh-rsa AAAA[A-Za-z0-9+/=]+$/);
    expect(bare(text('ssh-keygen', ['-y', '-f', path]))).toBe(key.publicKey);
  });

  it('fingerprint = SHA-1 of the DER PKCS#8 key (the guide: openssl pkcs8 … | openssl sha1 -c)', () => {
    const der = run('openssl', [
      'pkcs8',
      '-in',
      path,
      '-inform',
      'PEM',
      '-outform',
      'DER',
      '-topk8',
      '-nocrypt',
    ]);
    expect(key.fingerprint).toBe(opensslDigest('sha1', der));
    expect(key.fingerprint).toMatch(/^([0-9a-f]{2}:){19}[0-9a-f]{2}$/);
  });

  it('its public key, imported, has the imported MD5 fingerprint (openssl rsa -pubout | md5)', () => {
    const spki = run('openssl', ['rsa', '-in', path, '-pubout', '-outform', 'DER']);
    const imported = importKey(key.publicKey);
    expect(imported).toEqual({
      keyType: 'rsa',
      publicKey: key.publicKey,
      fingerprint: opensslDigest('md5', spki),
    });
    expect(imported.fingerprint).not.toBe(key.fingerprint);
  });

  it('the stored line holds the blob ssh-keygen fingerprints (its -E md5 hashes the wire blob)', () => {
    const md5 = createHash('md5')
      .update(blobOf(key.publicKey))
      .digest('hex')
      .replace(/(..)(?!$)/g, '$1:');
    expect(text('ssh-keygen', ['-l', '-E', 'md5', '-f', path])).toContain(`MD5:${md5}`);
  });
});

describe('createKey ed25519 / pem', () => {
  let key: CreatedKey;
  let path: string;
  beforeAll(() => {
    key = createKey('ed25519', 'pem', 'my-ed-key');
    path = saveKey(key.keyMaterial);
  });

  it('is an OpenSSH private key file, as AWS returns for ED25519', () => {
    expect(key.keyType).toBe('ed25519');
    expect(key.keyMaterial.startsWith('-----BEGIN OPENSSH PRIVATE KEY-----\n')).toBe(true);
    expect(key.keyMaterial.endsWith('\n-----END OPENSSH PRIVATE KEY-----\n')).toBe(true);
    expect(
      key.keyMaterial
        .split('\n')
        .slice(1, -3)
        .every((l) => l.length === 70),
    ).toBe(true);
  });

  it('ssh-keygen reads it (check ints, padding) and derives the public key, with the name', () => {
    const derived = text('ssh-keygen', ['-y', '-f', path]);
    expect(bare(derived)).toBe(key.publicKey);
    expect(derived).toBe(`${key.publicKey} my-ed-key`);
    expect(key.publicKey).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]+$/);
  });

  it('fingerprint = base64 SHA-256 of the public key blob, with the padding ssh-keygen drops', () => {
    const listed = text('ssh-keygen', ['-l', '-E', 'sha256', '-f', path]);
    const sha = /SHA256:([A-Za-z0-9+/]+)/.exec(listed)?.[1];
    expect(key.fingerprint).toBe(`${sha}=`);
    expect(key.fingerprint).toHaveLength(44);
  });

  it('importing its public key keeps the same fingerprint', () => {
    expect(importKey(`${key.publicKey} comment`)).toEqual({
      keyType: 'ed25519',
      publicKey: key.publicKey,
      fingerprint: key.fingerprint,
    });
  });
});

interface PuttyFile {
  header: Record<string, string>;
  publicBlob: Buffer;
  privateBlob: Buffer;
}

/** Reads a PPK v2 file field by field, as PuTTY does. */
function readPpk(material: string): PuttyFile {
  const lines = material.split('\n');
  const header: Record<string, string> = {};
  const blobs: Buffer[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^([A-Za-z0-9-]+): (.*)$/.exec(lines[i] ?? '');
    if (!m) continue;
    const [, name = '', value = ''] = m;
    header[name] = value;
    if (name.endsWith('-Lines')) {
      blobs.push(Buffer.from(lines.slice(i + 1, i + 1 + Number(value)).join(''), 'base64'));
      i += Number(value);
    }
  }
  const [publicBlob = Buffer.alloc(0), privateBlob = Buffer.alloc(0)] = blobs;
  return { header, publicBlob, privateBlob };
}

function readStrings(blob: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < blob.length;) {
    const length = blob.readUInt32BE(at);
    out.push(blob.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return out;
}

const sshStr = (b: Buffer | string) => {
  const bytes = Buffer.from(b);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(bytes.length);
  return Buffer.concat([len, bytes]);
};

/** PuTTY's check: HMAC-SHA-1, key SHA-1("putty-private-key-file-mac-key"), over the file's own fields. */
function expectedMac(ppk: PuttyFile): string {
  const { header } = ppk;
  const key = createHash('sha1').update('putty-private-key-file-mac-key').digest();
  const data = Buffer.concat([
    sshStr(header['PuTTY-User-Key-File-2'] ?? ''),
    sshStr(header.Encryption ?? ''),
    sshStr(header.Comment ?? ''),
    sshStr(ppk.publicBlob),
    sshStr(ppk.privateBlob),
  ]);
  return createHmac('sha1', key).update(data).digest('hex');
}

const big = (b: Buffer) => BigInt(`0x${b.toString('hex') || '0'}`);
const b64url = (n: bigint) => {
  const hex = n.toString(16);
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex').toString('base64url');
};

describe('createKey / ppk (puttygen is not installed here: the file is checked field by field)', () => {
  it('rsa: a PuTTY-User-Key-File-2 whose MAC verifies and whose private half matches the key', () => {
    const key = createKey('rsa', 'ppk', 'putty-key');
    const ppk = readPpk(key.keyMaterial);
    expect(key.keyMaterial.split('\n').slice(0, 3)).toEqual([
      'PuTTY-User-Key-File-2: ssh-rsa',
      'Encryption: none',
      'Comment: putty-key',
    ]);
    expect(key.keyMaterial).toMatch(/\nPrivate-MAC: [0-9a-f]{40}\n$/);
    expect(ppk.header['Private-MAC']).toBe(expectedMac(ppk));
    expect(ppk.publicBlob.equals(blobOf(key.publicKey))).toBe(true);

    // Rebuild the private key from the PPK's d, p, q, iqmp and let ssh-keygen derive its public key.
    const [, e = Buffer.alloc(0), n = Buffer.alloc(0)] = readStrings(ppk.publicBlob);
    const [d, p, q, iqmp] = readStrings(ppk.privateBlob).map(big) as [bigint, bigint, bigint, bigint];
    expect(p * q).toBe(big(n));
    expect((iqmp * q) % p).toBe(1n);
    const rebuilt = createPrivateKey({
      key: {
        kty: 'RSA',
        n: b64url(big(n)),
        e: b64url(big(e)),
        d: b64url(d),
        p: b64url(p),
        q: b64url(q),
        dp: b64url(d % (p - 1n)),
        dq: b64url(d % (q - 1n)),
        qi: b64url(iqmp),
      },
      format: 'jwk',
    });
    const pem = rebuilt.export({ type: 'pkcs1', format: 'pem' }).toString();
    expect(bare(text('ssh-keygen', ['-y', '-f', saveKey(pem)]))).toBe(key.publicKey);
    const pkcs8 = rebuilt.export({ type: 'pkcs8', format: 'der' });
    expect(key.fingerprint).toBe(opensslDigest('sha1', pkcs8));
  });

  it('ed25519: a PuTTY-User-Key-File-2 whose MAC verifies and whose seed signs for the public key', () => {
    const key = createKey('ed25519', 'ppk', 'putty-ed');
    const ppk = readPpk(key.keyMaterial);
    expect(ppk.header['PuTTY-User-Key-File-2']).toBe('ssh-ed25519');
    expect(ppk.header.Encryption).toBe('none');
    expect(ppk.header.Comment).toBe('putty-ed');
    expect(ppk.header['Private-MAC']).toBe(expectedMac(ppk));
    expect(ppk.publicBlob.equals(blobOf(key.publicKey))).toBe(true);

    const [seed = Buffer.alloc(0)] = readStrings(ppk.privateBlob);
    expect(seed).toHaveLength(32);
    const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
    const privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
    const [, pub = Buffer.alloc(0)] = readStrings(ppk.publicBlob);
    const publicKey = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: pub.toString('base64url') },
      format: 'jwk',
    });
    const message = Buffer.from('cloud lab');
    expect(verify(null, message, publicKey, sign(null, message, privateKey))).toBe(true);
    expect(key.fingerprint).toBe(createHash('sha256').update(ppk.publicBlob).digest('base64'));
  });

  it('every call makes a new key', () => {
    expect(createKey('ed25519', 'pem', 'a').publicKey).not.toBe(createKey('ed25519', 'pem', 'a').publicKey);
  });
});

describe('importKey: what ImportKeyPair accepts', () => {
  /** The guide's command for an RSA key made by OpenSSH 7.8 or later and imported. */
  const awsRsaImportFingerprint = (g: Generated) =>
    opensslDigest(
      'md5',
      run(
        'openssl',
        ['rsa', '-RSAPublicKey_in', '-outform', 'DER'],
        run('ssh-keygen', ['-e', '-f', g.path, '-m', 'PEM']),
      ),
    );

  it('OpenSSH RSA 2048 and 4096 lines, with or without a comment, as text or bytes', () => {
    for (const g of [rsa2048, rsa4096]) {
      const expected = { keyType: 'rsa', publicKey: bare(g.line), fingerprint: awsRsaImportFingerprint(g) };
      expect(importKey(g.line)).toEqual(expected);
      expect(importKey(bare(g.line))).toEqual(expected);
      expect(importKey(Buffer.from(`${g.line}\n`))).toEqual(expected);
      expect(importKey(new TextEncoder().encode(g.line))).toEqual(expected);
    }
  });

  it('an OpenSSH ED25519 line: fingerprint is ssh-keygen -l plus the padding', () => {
    const sha = /SHA256:([A-Za-z0-9+/]+)/.exec(text('ssh-keygen', ['-l', '-f', ed25519.path]))?.[1];
    const expected = { keyType: 'ed25519', publicKey: bare(ed25519.line), fingerprint: `${sha}=` };
    expect(importKey(ed25519.line)).toEqual(expected);
    expect(importKey(Buffer.from(bare(ed25519.line)))).toEqual(expected);
  });

  it('the RFC 4716 SSH2 form of an RSA key (ssh-keygen -e)', () => {
    for (const g of [rsa2048, rsa4096]) {
      const ssh2 = text('ssh-keygen', ['-e', '-f', `${g.path}.pub`]);
      expect(ssh2.startsWith('---- BEGIN SSH2 PUBLIC KEY ----')).toBe(true);
      expect(importKey(ssh2)).toEqual(importKey(g.line));
      expect(importKey(Buffer.from(ssh2.replace(/\n/g, '\r\n')))).toEqual(importKey(g.line));
    }
  });

  it('PEM and base64 DER forms of an RSA key (ssh-keygen -e -m PKCS8 / PEM)', () => {
    for (const g of [rsa2048, rsa4096]) {
      const pkcs8 = text('ssh-keygen', ['-e', '-m', 'PKCS8', '-f', `${g.path}.pub`]);
      const pkcs1 = text('ssh-keygen', ['-e', '-m', 'PEM', '-f', `${g.path}.pub`]);
      expect(pkcs8.startsWith('-----BEGIN PUBLIC KEY-----')).toBe(true);
      expect(pkcs1.startsWith('-----BEGIN RSA PUBLIC KEY-----')).toBe(true);
      const expected = importKey(g.line);
      expect(importKey(pkcs8)).toEqual(expected);
      expect(importKey(pkcs1)).toEqual(expected);
      const derBase64 = pkcs8.split('\n').slice(1, -1).join('');
      expect(importKey(derBase64)).toEqual(expected);
      expect(importKey(pkcs8.split('\n').slice(1, -1).join('\n'))).toEqual(expected);
      // MD5 of the DER public key, as the guide's "openssl rsa -pubout -outform DER | openssl md5 -c".
      const spki = run('openssl', ['pkey', '-pubin', '-outform', 'DER'], pkcs8);
      expect(expected.fingerprint).toBe(opensslDigest('md5', spki));
    }
  });

  it('RSA 1024, the smallest documented length', () => {
    const g = keygen('rsa', 1024);
    expect(importKey(g.line).fingerprint).toBe(awsRsaImportFingerprint(g));
  });
});

describe('importKey: what ImportKeyPair refuses, with its error', () => {
  it('RSA lengths other than 1024, 2048 and 4096', () => {
    expect(refusal(() => importKey(keygen('rsa', 3072).line))).toEqual(INVALID);
  });

  it('ECDSA, in OpenSSH and in PKCS8 form', () => {
    const g = keygen('ecdsa');
    expect(g.line.startsWith('ecdsa-sha2-nistp256 ')).toBe(true);
    expect(refusal(() => importKey(g.line))).toEqual(INVALID);
    expect(
      refusal(() => importKey(text('ssh-keygen', ['-e', '-m', 'PKCS8', '-f', `${g.path}.pub`]))),
    ).toEqual(INVALID);
  });

  it('DSA', () => {
    let line: string;
    try {
      line = keygen('dsa').line;
    } catch {
      // OpenSSH builds without DSA: a DSA key from OpenSSL instead, in the DER form.
      const pem = text('openssl', [
        'genpkey',
        '-genparam',
        '-algorithm',
        'DSA',
        '-pkeyopt',
        'dsa_paramgen_bits:1024',
      ]);
      const priv = run('openssl', ['genpkey', '-paramfile', saveKey(pem)]);
      line = text('openssl', ['pkey', '-pubout'], priv);
    }
    expect(refusal(() => importKey(line))).toEqual(INVALID);
  });

  it('ED25519 in the forms the guide marks "(RSA only)"', () => {
    const ssh2 = text('ssh-keygen', ['-e', '-f', `${ed25519.path}.pub`]);
    expect(refusal(() => importKey(ssh2))).toEqual(INVALID);
  });

  it('private keys, even though a public key could be derived from them', () => {
    const created = createKey('rsa', 'pem', 'secret');
    expect(refusal(() => importKey(created.keyMaterial))).toEqual(INVALID);
    const body = created.keyMaterial.split('\n').slice(1, -1).join('');
    expect(refusal(() => importKey(body))).toEqual(INVALID);
    expect(refusal(() => importKey(readFileSync(rsa2048.path)))).toEqual(INVALID);
  });

  it('garbage, truncated and mislabelled keys', () => {
    const ed = bare(ed25519.line).split(' ')[1];
    const rsa = bare(rsa2048.line).split(' ')[1] ?? '';
    for (const bad of [
      'not a key',
      'ssh-rsa',
      'ssh-rsa !!!!',
      `ssh-rsa ${rsa.slice(0, 40)}`,
      `ssh-rsa ${ed}`,
      `ssh-ed25519 ${rsa}`,
      `${bare(rsa2048.line)}\n${bare(ed25519.line)}`,
      '---- BEGIN SSH2 PUBLIC KEY ----\nAAAA\n',
      '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----',
      `ssh-rsa ${rsa} caf\u00e9`,
      'AAAA',
    ]) {
      expect(
        refusal(() => importKey(bad)),
        bad,
      ).toEqual(INVALID);
    }
  });

  it('empty material', () => {
    expect(refusal(() => importKey(''))).toEqual(INVALID);
    expect(refusal(() => importKey('  \n'))).toEqual(INVALID);
    expect(refusal(() => importKey(new Uint8Array(0)))).toEqual(INVALID);
  });
});

describe('samePublicKey', () => {
  it('matches the wire blob of the same key and no other', () => {
    const stored = importKey(ed25519.line).publicKey;
    expect(samePublicKey(stored, blobOf(ed25519.line))).toBe(true);
    expect(samePublicKey(`${stored} a comment`, blobOf(ed25519.line))).toBe(true);
    expect(samePublicKey(stored, blobOf(rsa2048.line))).toBe(false);
    expect(samePublicKey(stored, new Uint8Array(0))).toBe(false);
  });

  it('matches what ssh-keygen derives from a created private key', () => {
    const key = createKey('rsa', 'pem', 'login');
    const derived = text('ssh-keygen', ['-y', '-f', saveKey(key.keyMaterial)]);
    expect(samePublicKey(key.publicKey, blobOf(derived))).toBe(true);
    expect(samePublicKey(key.publicKey, blobOf(rsa4096.line))).toBe(false);
  });

  it('is false for a stored value that is no key', () => {
    expect(samePublicKey('', blobOf(rsa2048.line))).toBe(false);
    expect(samePublicKey('ssh-rsa !!!', blobOf(rsa2048.line))).toBe(false);
  });
});
