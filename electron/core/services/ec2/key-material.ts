/**
 * Key material for EC2 key pairs: the private keys CreateKeyPair hands out, the public keys
 * ImportKeyPair takes in, and the fingerprints DescribeKeyPairs shows for both.
 *
 * What AWS does, and this module copies (EC2 User Guide "Verify the fingerprint of your key pair",
 * "Create a key pair … import the public key", API reference CreateKeyPair / KeyPairInfo):
 *  - CreateKeyPair makes 2048-bit RSA or ED25519 keys. KeyFormat pem gives an RSA key as PKCS#1 PEM
 *    ("BEGIN RSA PRIVATE KEY") and an ED25519 key in OpenSSH's own format; ppk gives a PuTTY file.
 *  - Fingerprints: a created RSA key is the SHA-1 of its DER PKCS#8 private key, an imported RSA key
 *    the MD5 of its DER SubjectPublicKeyInfo, both as colon-separated hex; ED25519 (either way) is
 *    the base64 SHA-256 of the SSH public key blob, with the '=' padding ssh-keygen leaves off.
 *  - ImportKeyPair takes OpenSSH public key lines, and for RSA only also base64 DER and RFC 4716
 *    files, of 1024, 2048 or 4096 bits; everything else is InvalidKey.Format.
 *
 * Only plain Node crypto is used; the wire formats (RFC 4253 blobs, openssh-key-v1, PPK v2) are
 * written out here and in ssh-wire.ts, since Node has no SSH support.
 */
import { Buffer } from 'node:buffer';
import {
  type JsonWebKey,
  type KeyObject,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
} from 'node:crypto';
import { AwsError } from '../../kernel/errors';
import {
  SSH_ED25519,
  SSH_RSA,
  ed25519PublicBlob,
  jwkBytes,
  rsaPublicBlob,
  sshMpint,
  sshString,
  uint32,
} from './ssh-wire';

export type KeyType = 'rsa' | 'ed25519';
export type KeyFormat = 'pem' | 'ppk';

export interface CreatedKey {
  keyType: KeyType;
  /** KeyMaterial exactly as AWS CreateKeyPair returns it for this type and format. */
  keyMaterial: string;
  /** The public key in OpenSSH one-line form: "ssh-rsa AAAA..." / "ssh-ed25519 AAAA..." (no comment). */
  publicKey: string;
  /** KeyFingerprint as AWS reports it for a key AWS created. */
  fingerprint: string;
}

export interface ImportedKey {
  keyType: KeyType;
  /** OpenSSH one-line form, normalised (no comment). */
  publicKey: string;
  /** KeyFingerprint as AWS reports it for an imported key. */
  fingerprint: string;
}

/** RSA sizes ImportKeyPair accepts: the user guide's "Supported lengths: 1024, 2048, and 4096". */
export const IMPORTABLE_RSA_BITS: readonly number[] = [1024, 2048, 4096];

/** CreateKeyPair: "Creates an ED25519 or 2048-bit RSA key pair". */
const CREATED_RSA_BITS = 2048;

// ---------------------------------------------------------------------------------------------
// CreateKeyPair

export function createKey(type: KeyType, format: KeyFormat, name: string): CreatedKey {
  return type === 'rsa' ? createRsa(format, name) : createEd25519(format, name);
}

function createRsa(format: KeyFormat, name: string): CreatedKey {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: CREATED_RSA_BITS,
    publicExponent: 0x10001,
  });
  const jwk = privateKey.export({ format: 'jwk' });
  const blob = rsaPublicBlob(jwk);
  const keyMaterial =
    format === 'ppk'
      ? puttyKeyFile(SSH_RSA, name, blob, rsaPuttyPrivateBlob(jwk))
      : pemWithoutFinalNewline(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString());
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  return {
    keyType: 'rsa',
    keyMaterial,
    publicKey: openSshLine(SSH_RSA, blob),
    fingerprint: colonHex(createHash('sha1').update(pkcs8).digest()),
  };
}

function createEd25519(format: KeyFormat, name: string): CreatedKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  const seed = jwkBytes(jwk, 'd');
  const pub = jwkBytes(jwk, 'x');
  const blob = ed25519PublicBlob(pub);
  const keyMaterial =
    format === 'ppk'
      ? // PuTTY keeps the 32-byte secret as a plain string (PuTTY's eddsa_private_blob).
        puttyKeyFile(SSH_ED25519, name, blob, sshString(seed))
      : // OpenSSH stores the secret as seed || public key, 64 bytes.
        openSshPrivateKey(
          blob,
          [sshString(SSH_ED25519), sshString(pub), sshString(Buffer.concat([seed, pub]))],
          name,
        );
  return {
    keyType: 'ed25519',
    keyMaterial,
    publicKey: openSshLine(SSH_ED25519, blob),
    fingerprint: ed25519Fingerprint(blob),
  };
}

/** AWS's RSA KeyMaterial ends at the END line, with no newline after it (OpenSSL reads it so). */
function pemWithoutFinalNewline(pem: string): string {
  return pem.replace(/\r?\n$/, '');
}

/**
 * OpenSSH's native private key file ("openssh-key-v1", PROTOCOL.key), unencrypted: cipher and
 * kdf "none", one key. The private section starts with the same random check int twice (OpenSSH
 * compares them to detect a wrong passphrase) and is padded 1, 2, 3 … to the 8-byte block size.
 */
function openSshPrivateKey(publicBlob: Buffer, privateFields: Buffer[], comment: string): string {
  const check = randomBytes(4);
  const unpadded = Buffer.concat([check, check, ...privateFields, sshString(comment)]);
  const padding = Buffer.from(Array.from({ length: (8 - (unpadded.length % 8)) % 8 }, (_, i) => i + 1));
  const body = Buffer.concat([
    Buffer.from('openssh-key-v1\0', 'latin1'),
    sshString('none'),
    sshString('none'),
    sshString(Buffer.alloc(0)),
    uint32(1),
    sshString(publicBlob),
    sshString(Buffer.concat([unpadded, padding])),
  ]);
  // Laid out as ssh-keygen writes it: base64 at 70 columns, and a newline after the END line,
  // without which OpenSSH refuses the file ("error in libcrypto").
  return [
    '-----BEGIN OPENSSH PRIVATE KEY-----',
    ...wrap(body.toString('base64'), 70),
    '-----END OPENSSH PRIVATE KEY-----',
    '',
  ].join('\n');
}

/**
 * A PuTTY private key file, version 2, unencrypted. Even without encryption the file carries a
 * MAC, HMAC-SHA-1 keyed with SHA-1("putty-private-key-file-mac-key") over the length-prefixed
 * algorithm, encryption, comment, public blob and private blob; PuTTY refuses a file whose MAC
 * does not match. Base64 lines are 64 columns, as PuTTYgen writes them.
 */
function puttyKeyFile(algorithm: string, comment: string, publicBlob: Buffer, privateBlob: Buffer): string {
  const macKey = createHash('sha1').update('putty-private-key-file-mac-key').digest();
  const macInput = Buffer.concat([
    sshString(algorithm),
    sshString('none'),
    sshString(comment),
    sshString(publicBlob),
    sshString(privateBlob),
  ]);
  const mac = createHmac('sha1', macKey).update(macInput).digest('hex');
  const publicLines = wrap(publicBlob.toString('base64'), 64);
  const privateLines = wrap(privateBlob.toString('base64'), 64);
  return [
    `PuTTY-User-Key-File-2: ${algorithm}`,
    'Encryption: none',
    `Comment: ${comment}`,
    `Public-Lines: ${publicLines.length}`,
    ...publicLines,
    `Private-Lines: ${privateLines.length}`,
    ...privateLines,
    `Private-MAC: ${mac}`,
    '',
  ].join('\n');
}

/** PPK's RSA private blob: d, p, q and iqmp (q⁻¹ mod p, which is JWK's "qi"), as mpints. */
function rsaPuttyPrivateBlob(jwk: JsonWebKey): Buffer {
  return Buffer.concat(['d', 'p', 'q', 'qi'].map((field) => sshMpint(jwkBytes(jwk, field))));
}

// ---------------------------------------------------------------------------------------------
// ImportKeyPair

/**
 * Reads a public key in any form ImportKeyPair accepts and returns it normalised, with the
 * fingerprint AWS gives an imported key. Anything else is AWS's InvalidKey.Format.
 */
export function importKey(material: Uint8Array | string): ImportedKey {
  // latin1 keeps every byte one character, so non-ASCII input cannot sneak past the check below.
  const text = (typeof material === 'string' ? material : Buffer.from(material).toString('latin1')).trim();
  if (text === '' || !/^[\x20-\x7e\t\r\n]*$/.test(text)) throw invalidKey();
  const { key, rsaOnly } = parseAnyPublicKey(text);
  if (key.asymmetricKeyType === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (!IMPORTABLE_RSA_BITS.includes(bits)) throw invalidKey();
    const blob = rsaPublicBlob(key.export({ format: 'jwk' }));
    const spki = key.export({ type: 'spki', format: 'der' });
    return {
      keyType: 'rsa',
      publicKey: openSshLine(SSH_RSA, blob),
      fingerprint: colonHex(createHash('md5').update(spki).digest()),
    };
  }
  // The user guide lists the DER and RFC 4716 forms as "(RSA only)".
  if (key.asymmetricKeyType === 'ed25519' && !rsaOnly) {
    const blob = ed25519PublicBlob(jwkBytes(key.export({ format: 'jwk' }), 'x'));
    return {
      keyType: 'ed25519',
      publicKey: openSshLine(SSH_ED25519, blob),
      fingerprint: ed25519Fingerprint(blob),
    };
  }
  throw invalidKey();
}

/** The error real ImportKeyPair returns for every key it cannot use, whatever the reason. */
function invalidKey(): AwsError {
  return new AwsError('InvalidKey.Format', 'Key is not in valid OpenSSH public key format');
}

interface ParsedKey {
  key: KeyObject;
  /** True for the forms AWS accepts for RSA keys only. */
  rsaOnly: boolean;
}

function parseAnyPublicKey(text: string): ParsedKey {
  if (text.startsWith('---- BEGIN SSH2 PUBLIC KEY ----')) {
    return { key: keyFromWireBlob(rfc4716Blob(text)), rsaOnly: true };
  }
  if (text.startsWith('-----BEGIN ')) return { key: pemPublicKey(text), rsaOnly: true };
  const first = text.split(/\s/, 1)[0];
  if (first === SSH_RSA || first === SSH_ED25519) return { key: openSshLineKey(text), rsaOnly: false };
  return { key: derPublicKey(text), rsaOnly: true };
}

/** "ssh-rsa AAAA… [comment]" on one line; the blob must name the same algorithm as the line. */
function openSshLineKey(text: string): KeyObject {
  if (/[\r\n]/.test(text)) throw invalidKey();
  const [type, encoded] = text.split(/[ \t]+/);
  const blob = strictBase64(encoded ?? '');
  if (!blob) throw invalidKey();
  const reader = new SshReader(blob);
  if (reader.string().toString('latin1') !== type) throw invalidKey();
  return keyFromWireBlob(blob);
}

/**
 * RFC 4716 "SSH2 public key" file: BEGIN line, headers ("Tag: value", continued by a trailing
 * backslash), the base64 blob over several lines, END line.
 */
function rfc4716Blob(text: string): Buffer {
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  if (lines.at(-1) !== '---- END SSH2 PUBLIC KEY ----') throw invalidKey();
  let i = 1;
  while (i < lines.length - 1 && (lines[i] ?? '').includes(':')) {
    while ((lines[i] ?? '').endsWith('\\')) i += 1;
    i += 1;
  }
  const blob = strictBase64(lines.slice(i, -1).join(''));
  if (!blob) throw invalidKey();
  return blob;
}

/**
 * PEM public keys: SubjectPublicKeyInfo ("PUBLIC KEY") or PKCS#1 ("RSA PUBLIC KEY"). Only those
 * labels: Node would happily derive a public key from a private key or read a certificate.
 */
function pemPublicKey(text: string): KeyObject {
  const match =
    /^-----BEGIN (RSA )?PUBLIC KEY-----\r?\n[A-Za-z0-9+/=\s]+\r?\n-----END (RSA )?PUBLIC KEY-----$/.exec(
      text,
    );
  if (!match || match[1] !== match[2]) throw invalidKey();
  return attempt(() => createPublicKey({ key: text, format: 'pem' }));
}

/** "Base64 encoded DER format": the DER of a SubjectPublicKeyInfo, or of a PKCS#1 RSAPublicKey. */
function derPublicKey(text: string): KeyObject {
  const der = strictBase64(text.replace(/\s+/g, ''));
  if (!der) throw invalidKey();
  try {
    return createPublicKey({ key: der, format: 'der', type: 'spki' });
  } catch {
    // PKCS#1 parsing also accepts a private key and derives its public half: refuse those.
    if (succeeds(() => createPrivateKey({ key: der, format: 'der', type: 'pkcs1' }))) throw invalidKey();
    return attempt(() => createPublicKey({ key: der, format: 'der', type: 'pkcs1' }));
  }
}

/** An SSH public key blob (RFC 4253 §6.6, RFC 8709 for Ed25519) as a Node key. */
function keyFromWireBlob(blob: Buffer): KeyObject {
  const reader = new SshReader(blob);
  const type = reader.string().toString('latin1');
  if (type === SSH_RSA) {
    const e = reader.mpint();
    const n = reader.mpint();
    reader.end();
    return attempt(() =>
      createPublicKey({
        key: { kty: 'RSA', n: n.toString('base64url'), e: e.toString('base64url') },
        format: 'jwk',
      }),
    );
  }
  if (type === SSH_ED25519) {
    const pub = reader.string();
    reader.end();
    if (pub.length !== 32) throw invalidKey();
    return attempt(() =>
      createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: pub.toString('base64url') }, format: 'jwk' }),
    );
  }
  throw invalidKey();
}

// ---------------------------------------------------------------------------------------------
// SSH authentication

/**
 * True when an OpenSSH public key (as stored) equals the key a client authenticates with (its SSH
 * wire blob). Compares bytes: the stored line's base64 part is exactly that blob.
 */
export function samePublicKey(storedOpenSsh: string, wireBlob: Uint8Array): boolean {
  const encoded = storedOpenSsh.trim().split(/\s+/)[1];
  const stored = strictBase64(encoded ?? '');
  return stored !== null && stored.equals(Buffer.from(wireBlob));
}

// ---------------------------------------------------------------------------------------------
// Encodings

function openSshLine(type: string, blob: Buffer): string {
  return `${type} ${blob.toString('base64')}`;
}

/** AWS's ED25519 fingerprint: plain base64 of SHA-256, padding kept, no "SHA256:" prefix. */
function ed25519Fingerprint(blob: Buffer): string {
  return createHash('sha256').update(blob).digest('base64');
}

function colonHex(digest: Buffer): string {
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join(':');
}

/** Base64 as it must be, or null: Buffer.from(…, 'base64') would silently skip junk. */
function strictBase64(text: string): Buffer | null {
  if (text === '' || !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text))
    return null;
  return Buffer.from(text, 'base64');
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += width) lines.push(text.slice(i, i + width));
  return lines;
}

/** Runs a parse whose failure means the client's key is unusable. */
function attempt<T>(parse: () => T): T {
  try {
    return parse();
  } catch {
    throw invalidKey();
  }
}

function succeeds(parse: () => unknown): boolean {
  try {
    parse();
    return true;
  } catch {
    return false;
  }
}

/** Reads RFC 4251 fields from a blob; any overrun or leftover means a malformed key. */
class SshReader {
  private offset = 0;

  constructor(private readonly data: Buffer) {}

  string(): Buffer {
    if (this.offset + 4 > this.data.length) throw invalidKey();
    const length = this.data.readUInt32BE(this.offset);
    const start = this.offset + 4;
    if (start + length > this.data.length) throw invalidKey();
    this.offset = start + length;
    return this.data.subarray(start, this.offset);
  }

  /** A positive mpint's magnitude; negative or zero values are no valid key part. */
  mpint(): Buffer {
    const raw = this.string();
    if (raw.length === 0 || (raw[0] ?? 0) & 0x80) throw invalidKey();
    let start = 0;
    while (start < raw.length && raw[start] === 0) start += 1;
    if (start === raw.length) throw invalidKey();
    return raw.subarray(start);
  }

  end(): void {
    if (this.offset !== this.data.length) throw invalidKey();
  }
}
