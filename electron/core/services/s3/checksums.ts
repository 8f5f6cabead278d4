/**
 * S3's flexible checksums (CRC32, CRC32C, CRC64NVME, SHA1, SHA256): streaming hashers, the
 * request rules S3 applies to `x-amz-checksum-*` headers, `x-amz-sdk-checksum-algorithm` and
 * aws-chunked trailers (`x-amz-trailer`), and the multipart combinations — COMPOSITE
 * (`base64(hash(concat(part digests)))-N`) and FULL_OBJECT (CRCs combined from the parts' CRCs).
 *
 * Values are as AWS shows them: the base64 of the big-endian digest.
 */
import type * as S3 from '@aws-sdk/client-s3';
import { createHash, type Hash } from 'node:crypto';
import * as zlib from 'node:zlib';
import { AwsError } from '../../kernel/errors';

export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256';
export type ChecksumType = 'FULL_OBJECT' | 'COMPOSITE';
/** Base64 values by algorithm, as the `Checksum*` members of the SDK's shapes carry them. */
export type Checksums = Partial<Record<ChecksumAlgorithm, string>>;

/** In S3's order (error messages list them so). */
export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = [
  'CRC32',
  'CRC32C',
  'CRC64NVME',
  'SHA1',
  'SHA256',
];

/** Digest length in bytes. */
export const DIGEST_BYTES: Readonly<Record<ChecksumAlgorithm, number>> = {
  CRC32: 4,
  CRC32C: 4,
  CRC64NVME: 8,
  SHA1: 20,
  SHA256: 32,
};

/** The algorithm S3 computes for an object uploaded without any checksum. */
export const DEFAULT_CHECKSUM_ALGORITHM: ChecksumAlgorithm = 'CRC64NVME';

export function isChecksumAlgorithm(value: unknown): value is ChecksumAlgorithm {
  return typeof value === 'string' && (CHECKSUM_ALGORITHMS as readonly string[]).includes(value);
}

/** `x-amz-checksum-crc32` etc. */
export function checksumHeaderName(algorithm: ChecksumAlgorithm): string {
  return `x-amz-checksum-${algorithm.toLowerCase()}`;
}

/** The SDK member holding an algorithm's value: `ChecksumCRC32` etc. */
export function checksumMember(algorithm: ChecksumAlgorithm): `Checksum${ChecksumAlgorithm}` {
  return `Checksum${algorithm}`;
}

/** Which algorithm a `x-amz-checksum-…` name stands for (case-insensitive). */
export function algorithmOfHeader(name: string): ChecksumAlgorithm | undefined {
  const lower = name.trim().toLowerCase();
  return CHECKSUM_ALGORITHMS.find((a) => checksumHeaderName(a) === lower);
}

// ---------------------------------------------------------------------------------------------
// CRC tables (reflected, slicing-by-8: eight 256-entry tables, eight bytes per step)

/** CRC-32C (Castagnoli), reflected polynomial 0x82F63B78. */
const CRC32C_POLY = 0x82f63b78;
/** CRC-32 (ISO-HDLC, zlib's), reflected polynomial 0xEDB88320. */
const CRC32_POLY = 0xedb88320;
/** CRC-64/NVME, reflected polynomial 0x9A6C9329AC4BC9B5 (normal 0xAD93D23594C93659). */
const CRC64NVME_POLY = 0x9a6c9329ac4bc9b5n;

/** Table k at [k * 256 + n]: the CRC of byte n followed by k zero bytes. */
function slicing32(poly: number): Uint32Array {
  const t = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t[n] = c >>> 0;
  }
  for (let k = 1; k < 8; k++)
    for (let n = 0; n < 256; n++) {
      const prev = t[(k - 1) * 256 + n]!;
      t[k * 256 + n] = ((prev >>> 8) ^ t[prev & 0xff]!) >>> 0;
    }
  return t;
}

/** The 64-bit tables as two halves (BigInt per byte would be far slower). */
function slicing64(poly: bigint): { hi: Uint32Array; lo: Uint32Array } {
  const hi = new Uint32Array(8 * 256);
  const lo = new Uint32Array(8 * 256);
  const polyHi = Number(poly >> 32n) >>> 0;
  const polyLo = Number(poly & 0xffffffffn) >>> 0;
  for (let n = 0; n < 256; n++) {
    let h = 0;
    let l = n;
    for (let k = 0; k < 8; k++) {
      const bit = l & 1;
      l = ((l >>> 1) | ((h & 1) << 31)) >>> 0;
      h = h >>> 1;
      if (bit) {
        h = (h ^ polyHi) >>> 0;
        l = (l ^ polyLo) >>> 0;
      }
    }
    hi[n] = h;
    lo[n] = l;
  }
  for (let k = 1; k < 8; k++)
    for (let n = 0; n < 256; n++) {
      const ph = hi[(k - 1) * 256 + n]!;
      const pl = lo[(k - 1) * 256 + n]!;
      const idx = pl & 0xff;
      lo[k * 256 + n] = (((pl >>> 8) | (ph << 24)) ^ lo[idx]!) >>> 0;
      hi[k * 256 + n] = ((ph >>> 8) ^ hi[idx]!) >>> 0;
    }
  return { hi, lo };
}

let crc32cTables: Uint32Array | undefined;
let crc32Tables: Uint32Array | undefined;
let crc64Tables: { hi: Uint32Array; lo: Uint32Array } | undefined;

/** Update a reflected 32-bit CRC register (pre-inverted) with bytes. */
function update32(t: Uint32Array, crc: number, b: Uint8Array): number {
  let c = crc;
  let i = 0;
  const end8 = b.length - (b.length % 8);
  for (; i < end8; i += 8) {
    c ^= b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
    c =
      t[1792 + (c & 0xff)]! ^
      t[1536 + ((c >>> 8) & 0xff)]! ^
      t[1280 + ((c >>> 16) & 0xff)]! ^
      t[1024 + (c >>> 24)]! ^
      t[768 + b[i + 4]!]! ^
      t[512 + b[i + 5]!]! ^
      t[256 + b[i + 6]!]! ^
      t[b[i + 7]!]!;
  }
  for (; i < b.length; i++) c = t[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return c >>> 0;
}

/** A streaming checksum: feed chunks, then take the raw big-endian digest once. */
export interface ChecksumHasher {
  readonly algorithm: ChecksumAlgorithm;
  update(chunk: Uint8Array): void;
  /** The raw digest (big-endian); the hasher is spent afterwards. */
  digest(): Buffer;
}

class Crc32Hasher implements ChecksumHasher {
  readonly algorithm = 'CRC32' as const;
  private crc = 0;
  /** zlib.crc32 is in Node ≥ 20.15 / 22.2; the tables serve older ones. */
  constructor(private readonly native = typeof (zlib as { crc32?: unknown }).crc32 === 'function') {}
  update(chunk: Uint8Array): void {
    if (this.native) {
      this.crc = zlib.crc32(chunk, this.crc);
      return;
    }
    this.crc = ~update32((crc32Tables ??= slicing32(CRC32_POLY)), ~this.crc >>> 0, chunk) >>> 0;
  }
  digest(): Buffer {
    const out = Buffer.alloc(4);
    out.writeUInt32BE(this.crc >>> 0);
    return out;
  }
}

class Crc32cHasher implements ChecksumHasher {
  readonly algorithm = 'CRC32C' as const;
  private c = 0xffffffff;
  update(chunk: Uint8Array): void {
    this.c = update32((crc32cTables ??= slicing32(CRC32C_POLY)), this.c, chunk);
  }
  digest(): Buffer {
    const out = Buffer.alloc(4);
    out.writeUInt32BE(~this.c >>> 0);
    return out;
  }
}

class Crc64NvmeHasher implements ChecksumHasher {
  readonly algorithm = 'CRC64NVME' as const;
  // The 64-bit register as two 32-bit halves (BigInt per byte would be far slower).
  private hi = 0xffffffff;
  private lo = 0xffffffff;
  update(b: Uint8Array): void {
    const { hi: th, lo: tl } = (crc64Tables ??= slicing64(CRC64NVME_POLY));
    let hi = this.hi;
    let lo = this.lo;
    let i = 0;
    const end8 = b.length - (b.length % 8);
    for (; i < end8; i += 8) {
      const l = lo ^ (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24));
      const h = hi ^ (b[i + 4]! | (b[i + 5]! << 8) | (b[i + 6]! << 16) | (b[i + 7]! << 24));
      const i0 = 1792 + (l & 0xff);
      const i1 = 1536 + ((l >>> 8) & 0xff);
      const i2 = 1280 + ((l >>> 16) & 0xff);
      const i3 = 1024 + (l >>> 24);
      const i4 = 768 + (h & 0xff);
      const i5 = 512 + ((h >>> 8) & 0xff);
      const i6 = 256 + ((h >>> 16) & 0xff);
      const i7 = h >>> 24;
      lo = (tl[i0]! ^ tl[i1]! ^ tl[i2]! ^ tl[i3]! ^ tl[i4]! ^ tl[i5]! ^ tl[i6]! ^ tl[i7]!) >>> 0;
      hi = (th[i0]! ^ th[i1]! ^ th[i2]! ^ th[i3]! ^ th[i4]! ^ th[i5]! ^ th[i6]! ^ th[i7]!) >>> 0;
    }
    for (; i < b.length; i++) {
      const idx = (lo ^ b[i]!) & 0xff;
      lo = (((lo >>> 8) | (hi << 24)) ^ tl[idx]!) >>> 0;
      hi = ((hi >>> 8) ^ th[idx]!) >>> 0;
    }
    this.hi = hi;
    this.lo = lo;
  }
  digest(): Buffer {
    const out = Buffer.alloc(8);
    out.writeUInt32BE(~this.hi >>> 0, 0);
    out.writeUInt32BE(~this.lo >>> 0, 4);
    return out;
  }
}

class NodeHasher implements ChecksumHasher {
  private readonly hash: Hash;
  constructor(readonly algorithm: 'SHA1' | 'SHA256') {
    this.hash = createHash(algorithm === 'SHA1' ? 'sha1' : 'sha256');
  }
  update(chunk: Uint8Array): void {
    this.hash.update(chunk);
  }
  digest(): Buffer {
    return this.hash.digest();
  }
}

/** `portable`: never Node's native CRC32 (tests compare the two). */
export function createChecksumHasher(
  algorithm: ChecksumAlgorithm,
  options: { portable?: boolean } = {},
): ChecksumHasher {
  switch (algorithm) {
    case 'CRC32':
      return new Crc32Hasher(options.portable ? false : undefined);
    case 'CRC32C':
      return new Crc32cHasher();
    case 'CRC64NVME':
      return new Crc64NvmeHasher();
    case 'SHA1':
    case 'SHA256':
      return new NodeHasher(algorithm);
  }
}

/** The base64 checksum of bytes held in memory. */
export function checksumOf(algorithm: ChecksumAlgorithm, data: Uint8Array | string): string {
  const h = createChecksumHasher(algorithm);
  h.update(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  return h.digest().toString('base64');
}

/** Several checksums over one stream of chunks, in a single pass. */
export class ChecksumSet {
  private readonly hashers: ChecksumHasher[];
  constructor(algorithms: Iterable<ChecksumAlgorithm>) {
    this.hashers = [...new Set(algorithms)].map((a) => createChecksumHasher(a));
  }
  update(chunk: Uint8Array): void {
    for (const h of this.hashers) h.update(chunk);
  }
  /** Base64 digests; call once, at the end. */
  digest(): Checksums {
    const out: Checksums = {};
    for (const h of this.hashers) out[h.algorithm] = h.digest().toString('base64');
    return out;
  }
}

/** A base64 value decoded strictly to exactly the algorithm's digest length, or undefined. */
export function decodeChecksum(algorithm: ChecksumAlgorithm, value: string): Buffer | undefined {
  const v = value.trim();
  const bytes = DIGEST_BYTES[algorithm];
  const len = 4 * Math.ceil(bytes / 3);
  if (v.length !== len || !/^[A-Za-z0-9+/]+={0,2}$/.test(v)) return undefined;
  const raw = Buffer.from(v, 'base64');
  if (raw.length !== bytes || raw.toString('base64') !== v) return undefined;
  return raw;
}

// ---------------------------------------------------------------------------------------------
// Errors, as S3 answers them

export const checksumErrors = {
  /** The body's SHA-256 differs from a hex `x-amz-content-sha256`. */
  contentSha256Mismatch: (expected: string, actual: string) =>
    new AwsError(
      'XAmzContentSHA256Mismatch',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
      { fields: { ClientComputedContentSHA256: expected, S3ComputedContentSHA256: actual } },
    ),
  /** The body's checksum differs from the one sent (header or trailer). */
  badDigest: (algorithm: ChecksumAlgorithm) =>
    new AwsError('BadDigest', `The ${algorithm} you specified did not match the calculated checksum.`),
  /** A header value that is not base64 of the algorithm's digest length. */
  invalidHeaderValue: (algorithm: ChecksumAlgorithm) =>
    new AwsError('InvalidRequest', `Value for ${checksumHeaderName(algorithm)} header is invalid.`),
  invalidTrailerValue: (algorithm: ChecksumAlgorithm) =>
    new AwsError('InvalidRequest', `Value for ${checksumHeaderName(algorithm)} trailing header is invalid.`),
  multipleHeaders: () =>
    new AwsError(
      'InvalidRequest',
      'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.',
    ),
  /** A checksum header and a checksum trailer together (S3's message lacks the second sentence). */
  headerAndTrailer: () => new AwsError('InvalidRequest', 'Expecting a single x-amz-checksum- header'),
  /** `x-amz-sdk-checksum-algorithm` names another algorithm than the value sent. */
  sdkAlgorithmMismatch: () =>
    new AwsError('InvalidRequest', 'Value for x-amz-sdk-checksum-algorithm header is invalid.'),
  sdkAlgorithmWithoutValue: () =>
    new AwsError(
      'InvalidRequest',
      'x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.',
    ),
  unsupportedAlgorithm: () =>
    new AwsError(
      'InvalidRequest',
      `Checksum algorithm provided is unsupported. Please try again with any of the valid types: [${CHECKSUM_ALGORITHMS.join(', ')}]`,
    ),
  unsupportedTrailer: () =>
    new AwsError('InvalidRequest', 'The value specified in the x-amz-trailer header is not supported'),
  /** A declared trailer that never came, or trailing data that does not parse. */
  malformedTrailer: () =>
    new AwsError(
      'MalformedTrailerError',
      'The request contained trailing data that was not well-formed or did not conform to our published schema.',
    ),
  /** CreateMultipartUpload: FULL_OBJECT with SHA1/SHA256, COMPOSITE with CRC64NVME. */
  typeNotSupported: (type: ChecksumType, algorithm: ChecksumAlgorithm) =>
    new AwsError(
      'InvalidRequest',
      `The ${type} checksum type cannot be used with the ${algorithm.toLowerCase()} checksum algorithm.`,
    ),
  typeWithoutAlgorithm: () =>
    new AwsError(
      'InvalidRequest',
      'The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.',
    ),
  invalidType: () => new AwsError('InvalidRequest', 'Value for x-amz-checksum-type header is invalid.'),
};

// ---------------------------------------------------------------------------------------------
// What arrived on the wire besides the body: the gateway marks the body stream with this.

/** Symbol under which the gateway attaches {@link WireBody} to a request body stream. */
export const WIRE_BODY: unique symbol = Symbol.for('cloudlab.s3.wire-body');

export interface WireBody {
  /** Lower-cased names from `x-amz-trailer` (e.g. `x-amz-checksum-crc32`), in order. */
  declaredTrailers: string[];
  /**
   * The request's `x-amz-checksum-<algorithm>` and `x-amz-sdk-checksum-algorithm` headers, names
   * lower-cased. Read besides the decoded input because the bundled API model (aws-sdk v2)
   * predates CRC64NVME, so the codec cannot decode `x-amz-checksum-crc64nvme`.
   */
  checksumHeaders?: Readonly<Record<string, string>>;
  /** Trailer fields, names lower-cased; complete once the body stream has ended. */
  trailers(): Readonly<Record<string, string>>;
  /**
   * The hex `x-amz-content-sha256` the body was signed with, not checked yet: the operation
   * checks it as it reads the body (S3 hashes every body with SHA-256 for its content address),
   * before it compares checksums.
   */
  payloadSha256?: string;
}

/** The wire details of a body that came through the gateway, or undefined (in-process callers). */
export function wireBody(source: unknown): WireBody | undefined {
  if (source === null || typeof source !== 'object') return undefined;
  return (source as { [WIRE_BODY]?: WireBody })[WIRE_BODY];
}

/** Mark a body stream with its wire details (the gateway does this). */
export function markWireBody<T extends object>(stream: T, info: WireBody): T {
  Object.defineProperty(stream, WIRE_BODY, { value: info, enumerable: false, configurable: true });
  return stream;
}

// ---------------------------------------------------------------------------------------------
// The request's checksum, as S3 reads it

/** The checksum members of PutObject / UploadPart input (both shapes have them all). */
export type ChecksumInput = Pick<
  S3.PutObjectRequest,
  | 'ChecksumAlgorithm'
  | 'ChecksumCRC32'
  | 'ChecksumCRC32C'
  | 'ChecksumCRC64NVME'
  | 'ChecksumSHA1'
  | 'ChecksumSHA256'
>;

/** How the request said what the body's checksum must be. */
export interface ChecksumPlan {
  /** The algorithm the client asked for or sent; undefined when it named none. */
  algorithm?: ChecksumAlgorithm;
  /** Where the expected value comes from. */
  source: 'header' | 'trailer' | 'none';
  /** The header value (raw digest), when source is 'header'. */
  expected?: Buffer;
}

/**
 * Read the request's checksum declaration and apply S3's rules before any byte is read: one
 * value at most (header or trailer), a well-formed value, an SDK algorithm that agrees with it.
 * `wire` is what the gateway attached to the body; without it (in-process callers) an
 * algorithm without a value just asks S3 to compute it.
 */
export function planChecksum(input: ChecksumInput | undefined, wire: WireBody | undefined): ChecksumPlan {
  const raw = wire?.checksumHeaders ?? {};
  const headers: Array<[ChecksumAlgorithm, string]> = [];
  for (const a of CHECKSUM_ALGORITHMS) {
    const v = input?.[checksumMember(a)] ?? raw[checksumHeaderName(a)];
    if (v !== undefined && v !== null && v !== '') headers.push([a, String(v)]);
  }
  if (headers.length > 1) throw checksumErrors.multipleHeaders();
  let trailer: ChecksumAlgorithm | undefined;
  for (const name of wire?.declaredTrailers ?? []) {
    if (!name.startsWith('x-amz-checksum-')) continue;
    const a = algorithmOfHeader(name);
    if (!a) throw checksumErrors.unsupportedTrailer();
    if (trailer) throw checksumErrors.multipleHeaders();
    trailer = a;
  }
  if (trailer && headers.length > 0) throw checksumErrors.headerAndTrailer();

  const sdk = (input?.ChecksumAlgorithm as string | undefined) ?? raw['x-amz-sdk-checksum-algorithm'];
  let requested: ChecksumAlgorithm | undefined;
  if (sdk !== undefined && sdk !== '') {
    const upper = sdk.toUpperCase();
    if (!isChecksumAlgorithm(upper)) throw checksumErrors.unsupportedAlgorithm();
    requested = upper;
  }

  if (headers.length === 1) {
    const [algorithm, value] = headers[0]!;
    const expected = decodeChecksum(algorithm, value);
    if (!expected) throw checksumErrors.invalidHeaderValue(algorithm);
    if (requested && requested !== algorithm) throw checksumErrors.sdkAlgorithmMismatch();
    return { algorithm, source: 'header', expected };
  }
  if (trailer) {
    if (requested && requested !== trailer) throw checksumErrors.sdkAlgorithmMismatch();
    return { algorithm: trailer, source: 'trailer' };
  }
  if (requested && wire) throw checksumErrors.sdkAlgorithmWithoutValue();
  return requested ? { algorithm: requested, source: 'none' } : { source: 'none' };
}

/**
 * After the body: the checksum computed must equal the one sent. For a trailer, the value is
 * read now (it follows the body). Throws BadDigest, InvalidRequest or MalformedTrailerError.
 */
export function verifyChecksum(plan: ChecksumPlan, computed: Checksums, wire: WireBody | undefined): void {
  if (!plan.algorithm || plan.source === 'none') return;
  let expected = plan.expected;
  if (plan.source === 'trailer') {
    const value = wire?.trailers()[checksumHeaderName(plan.algorithm)];
    if (value === undefined) throw checksumErrors.malformedTrailer();
    expected = decodeChecksum(plan.algorithm, value);
    if (!expected) throw checksumErrors.invalidTrailerValue(plan.algorithm);
  }
  const actual = computed[plan.algorithm];
  if (!expected || actual === undefined || !Buffer.from(actual, 'base64').equals(expected))
    throw checksumErrors.badDigest(plan.algorithm);
}

// ---------------------------------------------------------------------------------------------
// Multipart: which type, and the object's checksum from its parts'

/**
 * The checksum type an upload gets (CreateMultipartUpload), by S3's rules: SHA1/SHA256 are
 * COMPOSITE only, CRC64NVME FULL_OBJECT only, CRC32/CRC32C either (COMPOSITE by default); no
 * algorithm means CRC64NVME FULL_OBJECT.
 */
export function multipartChecksumType(
  algorithm: string | undefined,
  type: string | undefined,
): { algorithm: ChecksumAlgorithm; type: ChecksumType; requested: boolean } {
  if (type !== undefined && type !== 'FULL_OBJECT' && type !== 'COMPOSITE')
    throw checksumErrors.invalidType();
  if (algorithm === undefined || algorithm === '') {
    if (type !== undefined) throw checksumErrors.typeWithoutAlgorithm();
    return { algorithm: DEFAULT_CHECKSUM_ALGORITHM, type: 'FULL_OBJECT', requested: false };
  }
  const a = algorithm.toUpperCase();
  if (!isChecksumAlgorithm(a)) throw checksumErrors.unsupportedAlgorithm();
  const t: ChecksumType = type ?? (a === 'CRC64NVME' ? 'FULL_OBJECT' : 'COMPOSITE');
  if (t === 'FULL_OBJECT' && (a === 'SHA1' || a === 'SHA256')) throw checksumErrors.typeNotSupported(t, a);
  if (t === 'COMPOSITE' && a === 'CRC64NVME') throw checksumErrors.typeNotSupported(t, a);
  return { algorithm: a, type: t, requested: true };
}

/** COMPOSITE: `base64(hash(concat(raw part digests)))-N`, parts in order. */
export function compositeChecksum(algorithm: ChecksumAlgorithm, partChecksums: string[]): string {
  const h = createChecksumHasher(algorithm);
  for (const p of partChecksums) {
    const raw = decodeChecksum(algorithm, p);
    if (!raw) throw new Error(`not a ${algorithm} checksum: ${p}`);
    h.update(raw);
  }
  return `${h.digest().toString('base64')}-${partChecksums.length}`;
}

const CRC_PARAMS: Partial<Record<ChecksumAlgorithm, { width: bigint; poly: bigint }>> = {
  CRC32: { width: 32n, poly: BigInt(CRC32_POLY) },
  CRC32C: { width: 32n, poly: BigInt(CRC32C_POLY) },
  CRC64NVME: { width: 64n, poly: CRC64NVME_POLY },
};

/**
 * crc(A ‖ B) from crc(A), crc(B) and len(B), for a reflected CRC whose init and final XOR are
 * both all ones (CRC32, CRC32C, CRC64NVME) — zlib's crc32_combine, generalised by width.
 */
function crcCombine(algorithm: ChecksumAlgorithm, crc1: bigint, crc2: bigint, len2: bigint): bigint {
  const p = CRC_PARAMS[algorithm];
  if (!p) throw new Error(`${algorithm} is not a CRC`);
  const top = 1n << (p.width - 1n);
  // a·b mod P, polynomials in reflected order (x^0 is the top bit).
  const mult = (a: bigint, b: bigint): bigint => {
    let m = top;
    let r = 0n;
    for (;;) {
      if (a & m) {
        r ^= b;
        if ((a & (m - 1n)) === 0n) break;
      }
      m >>= 1n;
      b = b & 1n ? (b >> 1n) ^ p.poly : b >> 1n;
    }
    return r;
  };
  // x^(8·len2) mod P by repeated squaring: x^(2^k) for k = 3 (one byte), 4, …
  let power = top >> 1n; // x^1
  let k = 0;
  for (; k < 3; k++) power = mult(power, power);
  let shift = top; // x^0
  let n = len2;
  while (n > 0n) {
    if (n & 1n) shift = mult(power, shift);
    power = mult(power, power);
    n >>= 1n;
  }
  return mult(shift, crc1) ^ crc2;
}

/**
 * FULL_OBJECT checksum of the whole object from each part's CRC (base64) and size, in part
 * order — what S3 answers for a multipart upload created with ChecksumType FULL_OBJECT.
 */
export function combineFullObject(
  algorithm: ChecksumAlgorithm,
  parts: Array<{ checksum: string; size: number }>,
): string {
  const bytes = DIGEST_BYTES[algorithm];
  let crc: bigint | undefined;
  for (const part of parts) {
    const raw = decodeChecksum(algorithm, part.checksum);
    if (!raw) throw new Error(`not a ${algorithm} checksum: ${part.checksum}`);
    const value = BigInt(`0x${raw.toString('hex')}`);
    crc = crc === undefined ? value : crcCombine(algorithm, crc, value, BigInt(part.size));
  }
  const out = Buffer.from((crc ?? 0n).toString(16).padStart(bytes * 2, '0'), 'hex');
  return out.toString('base64');
}

/** The `Checksum*` response members for one algorithm's value (plus ChecksumType). */
export function checksumFields(
  algorithm: ChecksumAlgorithm,
  value: string,
  type: ChecksumType,
): Partial<Record<`Checksum${ChecksumAlgorithm}`, string>> & { ChecksumType: ChecksumType } {
  return { [checksumMember(algorithm)]: value, ChecksumType: type } as Partial<
    Record<`Checksum${ChecksumAlgorithm}`, string>
  > & { ChecksumType: ChecksumType };
}
