/**
 * Request bodies of operations whose input payload is a streaming blob (S3 PutObject,
 * UploadPart) are not read into memory: the operation gets a Readable. This module builds it —
 * `aws-chunked` framing removed (SigV4 streaming uploads and the SDKs' checksum trailers), and a
 * plain hex `x-amz-content-sha256` checked against the bytes as they pass (the stream fails
 * with XAmzContentSHA256Mismatch at its end, before anything is recorded).
 */
import { createHash } from 'node:crypto';
import { pipeline, Transform, type Readable, type TransformCallback } from 'node:stream';
import { AwsError } from '../core/kernel/errors';
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
  if (isAwsChunked(req)) stages.push(new AwsChunkedDecoder());
  const sha = req.headers['x-amz-content-sha256'];
  if (sha && /^[0-9a-f]{64}$/i.test(sha)) stages.push(new Sha256Check(sha.toLowerCase()));
  if (stages.length === 1) return source;
  // pipeline() forwards an error of any stage to the last one, which the operation reads.
  return pipeline(stages as [Readable, ...Transform[]], () => undefined) as unknown as Readable;
}

class Sha256Check extends Transform {
  private readonly hash = createHash('sha256');
  constructor(private readonly expected: string) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    done(null, chunk);
  }
  override _flush(done: TransformCallback): void {
    const actual = this.hash.digest('hex');
    if (actual === this.expected) return done();
    done(
      new AwsError(
        'XAmzContentSHA256Mismatch',
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
        { fields: { ClientComputedContentSHA256: this.expected, S3ComputedContentSHA256: actual } },
      ),
    );
  }
}

const MAX_LINE = 4096;

/**
 * Decodes `aws-chunked`: `hex-size[;chunk-signature=…]\r\n<bytes>\r\n` … `0[;…]\r\n`, then
 * optional trailer lines (`x-amz-checksum-crc32:…`) and an empty line. Chunk signatures are
 * not verified (the seed request's signature is).
 */
export class AwsChunkedDecoder extends Transform {
  private state: 'size' | 'data' | 'data-end' | 'trailer' | 'done' = 'size';
  private line = Buffer.alloc(0);
  private remaining = 0;
  readonly trailers: Record<string, string> = {};

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    let offset = 0;
    try {
      while (offset < chunk.length) {
        if (this.state === 'data') {
          const take = Math.min(this.remaining, chunk.length - offset);
          this.push(chunk.subarray(offset, offset + take));
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
      done();
    } catch (e) {
      done(e as Error);
    }
  }

  private onLine(text: string): void {
    switch (this.state) {
      case 'size': {
        const m = /^([0-9a-fA-F]+)(;.*)?$/.exec(text);
        if (!m) throw incomplete();
        this.remaining = parseInt(m[1]!, 16);
        this.state = this.remaining === 0 ? 'trailer' : 'data';
        return;
      }
      case 'data-end':
        if (text !== '') throw incomplete();
        this.state = 'size';
        return;
      case 'trailer': {
        if (text === '') {
          this.state = 'done';
          return;
        }
        const colon = text.indexOf(':');
        if (colon > 0)
          this.trailers[text.slice(0, colon).trim().toLowerCase()] = text.slice(colon + 1).trim();
        return;
      }
      default:
        return;
    }
  }

  override _flush(done: TransformCallback): void {
    // A body may end right after the last trailer line, without the closing empty line.
    if (this.state === 'done' || (this.state === 'trailer' && this.line.length === 0)) return done();
    done(incomplete());
  }
}

function incomplete(): AwsError {
  return new AwsError('IncompleteBody', 'The request body terminated unexpectedly');
}
