/**
 * Request bodies of operations whose input payload is a streaming blob (S3 PutObject,
 * UploadPart) are not read into memory: the operation gets a Readable. This module builds it —
 * `aws-chunked` framing removed (SigV4 streaming uploads and the SDKs' checksum trailers).
 *
 * A plain hex `x-amz-content-sha256` travels with the body (WireBody.payloadSha256) and the
 * operation checks it as it reads the bytes, failing with XAmzContentSHA256Mismatch before
 * anything is recorded: S3 hashes every body with SHA-256 anyway (its content address in the
 * blob store), so checking it here too would hash each byte twice.
 *
 * The stream carries what came besides the bytes (`WIRE_BODY`, see s3/checksums.ts): the
 * trailer names `x-amz-trailer` declared and the trailer fields the decoder read after the last
 * chunk, so the operation can verify a trailing checksum once it has read the body.
 *
 * A small body (at most SMALL_UPLOAD bytes, decoded, as declared) is read whole instead (`wholeRequestBody`): a stream pipeline, its Transform and their teardown
 * cost more than the rest of a 1 KiB PutObject's handling.
 */
import { createHash, createHmac, type Hash } from 'node:crypto';
import { pipeline, Readable, Transform, type TransformCallback } from 'node:stream';
import { AwsError } from '../core/kernel/errors';
import { checksumErrors, markWireBody } from '../core/services/s3/checksums';
import type { GatewayRequest } from './http';

/** Is the body framed as aws-chunked? */
export function isAwsChunked(req: GatewayRequest): boolean {
  const sha = req.headers['x-amz-content-sha256'] ?? '';
  const encoding = (req.headers['content-encoding'] ?? '').toLowerCase();
  return sha.startsWith('STREAMING-') || encoding.split(',').some((e) => e.trim() === 'aws-chunked');
}

/** The body as the operation should see it: decoded and, where declared, hash-checked. */
export function requestBodyStream(source: Readable, req: GatewayRequest): Readable {
  const stages: Array<Readable | Transform> = [source];
  const sha = req.headers['x-amz-content-sha256'];
  const decoder = isAwsChunked(req) ? new AwsChunkedDecoder(signedRequest(req)) : undefined;
  if (decoder) stages.push(decoder);
  // pipeline() forwards an error of any stage to the last one, which the operation reads.
  const body =
    stages.length === 1
      ? source
      : (pipeline(stages as [Readable, ...Transform[]], () => undefined) as unknown as Readable);
  if (decoder) decoders.set(body, decoder);
  return markWireBody(body, {
    declaredTrailers: declaredTrailers(req),
    trailers: () => decoder?.trailers ?? {},
    checksumHeaders: checksumHeaders(req),
    ...payloadSha256(sha),
  });
}

/** A signed hex `x-amz-content-sha256`, for the operation to check against the bytes. */
function payloadSha256(sha: string | undefined): { payloadSha256?: string } {
  return sha && /^[0-9a-f]{64}$/i.test(sha) ? { payloadSha256: sha.toLowerCase() } : {};
}

/** Uploads this small (decoded, for aws-chunked ones) are read whole: see wholeRequestBody. */
export const SMALL_UPLOAD = 64 * 1024;

/**
 * The most bytes to read of an upload read whole, or undefined: it is streamed. A plain body
 * needs a declared Content-Length; an aws-chunked one its `x-amz-decoded-content-length` (the
 * SDKs send it with Transfer-Encoding: chunked), and its framing may add up to ~90 bytes per
 * chunk (a signed 1-byte chunk) and a few trailer lines.
 */
export function wholeBodyLimit(req: GatewayRequest): number | undefined {
  if (isAwsChunked(req)) {
    const decoded = Number(req.headers['x-amz-decoded-content-length'] ?? NaN);
    return Number.isInteger(decoded) && decoded >= 0 && decoded <= SMALL_UPLOAD
      ? decoded * 100 + SMALL_UPLOAD
      : undefined;
  }
  const length = req.headers['content-length'];
  if (length === undefined || req.headers['transfer-encoding'] !== undefined) return undefined;
  const n = Number(length);
  return Number.isInteger(n) && n >= 0 && n <= SMALL_UPLOAD ? SMALL_UPLOAD : undefined;
}

/**
 * A small upload's bytes, read whole, marked with the wire details a stream would carry; an
 * aws-chunked one decoded in one call (the SDKs and the AWS CLI frame even a 1 KiB PutObject so,
 * to send its checksum as a trailer). Chunk signatures are verified when the gateway arms them,
 * before the operation runs. Framing that does not decode goes the streaming way, so its error
 * comes when and as a stream's would.
 */
export function wholeRequestBody(bytes: Buffer, req: GatewayRequest): Buffer | Readable {
  const sha = req.headers['x-amz-content-sha256'];
  if (!isAwsChunked(req))
    return markWireBody(bytes, {
      declaredTrailers: declaredTrailers(req),
      trailers: () => ({}),
      checksumHeaders: checksumHeaders(req),
      ...payloadSha256(sha),
    });
  const parser = new ChunkedParser(signedRequest(req));
  const parts: Buffer[] = [];
  try {
    parser.feed(bytes, (part) => parts.push(part));
  } catch {
    return requestBodyStream(Readable.from([bytes]), req);
  }
  if (!parser.complete) return requestBodyStream(Readable.from([bytes]), req);
  const decoded = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  decoders.set(decoded, parser);
  return markWireBody(decoded, {
    declaredTrailers: declaredTrailers(req),
    trailers: () => parser.trailers,
    checksumHeaders: checksumHeaders(req),
    ...payloadSha256(sha),
  });
}

/**
 * Are the chunks signed (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]`) and held to it? Chunk
 * signatures chain from an Authorization header's signature; the gateway arms the decoder once
 * that verified (a request without one is never armed, so is not held to them).
 */
function signedRequest(req: GatewayRequest): boolean {
  const sha = req.headers['x-amz-content-sha256'];
  return (
    (sha === 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' || sha === 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER') &&
    (req.headers['authorization'] ?? '').startsWith('AWS4-HMAC-SHA256')
  );
}

/** A body's chunk decoder, for the gateway to arm: a stream's, or a whole body's parser (throws). */
const decoders = new WeakMap<object, { arm(signing: ChunkSigning): void }>();

/**
 * Once the request's own (seed) signature has verified, its chunks' signatures can be: the
 * gateway hands over the signing key and scope. Chunks decoded before then are checked now.
 */
export function armChunkSignatures(body: object, signing: ChunkSigning): void {
  decoders.get(body)?.arm(signing);
}

/** What chunk signatures are computed from (see sigv4.ts chunkSigning). */
export interface ChunkSigning {
  key: Buffer;
  amzDate: string;
  scope: string;
  /** The request's signature: the first chunk's "previous signature". */
  seed: string;
}

const EMPTY_SHA256 = createHash('sha256').digest('hex');

function badChunkSignature(): AwsError {
  return new AwsError(
    'SignatureDoesNotMatch',
    'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    { status: 403 },
  );
}

/** `x-amz-checksum-<algorithm>` and `x-amz-sdk-checksum-algorithm` as sent. */
function checksumHeaders(req: GatewayRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (name === 'x-amz-sdk-checksum-algorithm') out[name] = value;
    else if (
      name.startsWith('x-amz-checksum-') &&
      name !== 'x-amz-checksum-mode' &&
      name !== 'x-amz-checksum-type'
    )
      out[name] = value;
  }
  return out;
}

/** The names `x-amz-trailer` announces, lower-cased. */
export function declaredTrailers(req: GatewayRequest): string[] {
  return (req.headers['x-amz-trailer'] ?? '')
    .split(',')
    .map((n) => n.trim().toLowerCase())
    .filter((n) => n !== '');
}

const MAX_LINE = 4096;

/**
 * Decodes `aws-chunked`: `hex-size[;chunk-signature=…]\r\n<bytes>\r\n` … `0[;…]\r\n`, then
 * optional trailer lines (`x-amz-checksum-crc32:…`) and an empty line. With signed chunks, each
 * chunk's signature chains from the previous one (the first from the request's), over the SHA-256
 * of its bytes; the trailer has its own (`x-amz-trailer-signature`). Plain code, fed a piece at a
 * time: the stream below wraps it, and a small upload read whole is decoded in one call.
 */
export class ChunkedParser {
  private state: 'size' | 'data' | 'data-end' | 'trailer' | 'done' = 'size';
  private line = Buffer.alloc(0);
  private remaining = 0;
  readonly trailers: Record<string, string> = {};
  private chunkHash: Hash | undefined;
  private chunkSignature = '';
  /** Signatures waiting for arm(), in order: [what was signed, signature, SHA-256 of it]. */
  private readonly unchecked: Array<[kind: 'PAYLOAD' | 'TRAILER', signature: string, hash: string]> = [];
  private signing: ChunkSigning | undefined;
  private previous = '';
  private trailerText = '';

  constructor(readonly signed = false) {}

  /** Has the request's own signature been verified (chunk signatures can then be)? */
  get armed(): boolean {
    return this.signing !== undefined;
  }

  /** Verify the signatures seen so far, and every later one as it comes; throws on a bad one. */
  arm(signing: ChunkSigning): void {
    this.signing = signing;
    this.previous = signing.seed;
    this.check();
  }

  /** Did the body end where the framing says it ends? */
  get complete(): boolean {
    // A body may end right after the last trailer line, without the closing empty line.
    return this.state === 'done' || (this.state === 'trailer' && this.line.length === 0);
  }

  /** Decode `chunk`, handing the payload bytes in it to `push`; throws on malformed framing. */
  feed(chunk: Buffer, push: (bytes: Buffer) => void): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.state === 'data') {
        const take = Math.min(this.remaining, chunk.length - offset);
        this.chunkHash?.update(chunk.subarray(offset, offset + take));
        push(chunk.subarray(offset, offset + take));
        offset += take;
        this.remaining -= take;
        if (this.remaining === 0) this.state = 'data-end';
        continue;
      }
      if (this.state === 'done') break;
      const nl = chunk.indexOf(0x0a, offset);
      const end = nl < 0 ? chunk.length : nl + 1;
      this.line = Buffer.concat([this.line, chunk.subarray(offset, end)]);
      offset = end;
      if (this.line.length > MAX_LINE) throw incomplete();
      if (nl < 0) break;
      const text = this.line.toString('latin1').replace(/\r?\n$/, '');
      this.line = Buffer.alloc(0);
      this.onLine(text);
    }
  }

  /** Verify every signature seen so far, in order, once the key is known. */
  private check(): void {
    const s = this.signing;
    if (!s) return;
    for (const [kind, signature, hash] of this.unchecked.splice(0)) {
      const lines = [`AWS4-HMAC-SHA256-${kind}`, s.amzDate, s.scope, this.previous];
      if (kind === 'PAYLOAD') lines.push(EMPTY_SHA256);
      lines.push(hash);
      const expected = createHmac('sha256', s.key).update(lines.join('\n')).digest('hex');
      if (expected !== signature) throw badChunkSignature();
      this.previous = signature;
    }
  }

  private endChunk(): void {
    if (!this.signed) return;
    const hash = (this.chunkHash ?? createHash('sha256')).digest('hex');
    this.unchecked.push(['PAYLOAD', this.chunkSignature, hash]);
    this.chunkHash = undefined;
    this.check();
  }

  private onLine(text: string): void {
    switch (this.state) {
      case 'size': {
        const m = /^([0-9a-fA-F]+)(;.*)?$/.exec(text);
        if (!m) throw incomplete();
        this.remaining = parseInt(m[1]!, 16);
        if (this.signed) {
          const sig = /;chunk-signature=([0-9a-f]{64})$/.exec(m[2] ?? '');
          if (!sig) throw badChunkSignature();
          this.chunkSignature = sig[1]!;
          this.chunkHash = createHash('sha256');
        }
        this.state = this.remaining === 0 ? 'trailer' : 'data';
        if (this.remaining === 0) this.endChunk();
        return;
      }
      case 'data-end':
        if (text !== '') throw incomplete();
        this.state = 'size';
        this.endChunk();
        return;
      case 'trailer': {
        if (text === '') {
          this.state = 'done';
          return;
        }
        const colon = text.indexOf(':');
        if (colon <= 0) throw checksumErrors.malformedTrailer();
        const name = text.slice(0, colon).trim().toLowerCase();
        const value = text.slice(colon + 1).trim();
        if (this.signed && name === 'x-amz-trailer-signature') {
          this.unchecked.push([
            'TRAILER',
            value,
            createHash('sha256').update(this.trailerText).digest('hex'),
          ]);
          this.check();
          return;
        }
        this.trailerText += `${name}:${value}\n`;
        this.trailers[name] = value;
        return;
      }
      default:
        return;
    }
  }
}

/** The parser as a stream stage: what a streamed upload reads through. */
export class AwsChunkedDecoder extends Transform {
  readonly parser: ChunkedParser;
  private waitingFlush: TransformCallback | undefined;

  constructor(signed = false) {
    super();
    this.parser = new ChunkedParser(signed);
  }

  get trailers(): Record<string, string> {
    return this.parser.trailers;
  }

  arm(signing: ChunkSigning): void {
    const flush = this.waitingFlush;
    this.waitingFlush = undefined;
    try {
      this.parser.arm(signing);
    } catch (e) {
      if (flush) flush(e as Error);
      else this.destroy(e as Error);
      return;
    }
    if (flush) this._flush(flush);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.parser.feed(chunk, (bytes) => this.push(bytes));
      done();
    } catch (e) {
      done(e as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    // The body does not end until its signatures are verified: a whole upload can be decoded
    // before the gateway has checked the request's own signature and armed the decoder.
    if (this.parser.signed && !this.parser.armed) {
      this.waitingFlush = done;
      return;
    }
    if (this.parser.complete) return done();
    done(incomplete());
  }
}

function incomplete(): AwsError {
  return new AwsError('IncompleteBody', 'The request body terminated unexpectedly');
}
