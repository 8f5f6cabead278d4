/**
 * The high-level `aws s3` commands: ls, mb, rb, cp, rm, mapped to S3 operations
 * (ListBuckets, ListObjectsV2, CreateBucket, DeleteBucket, PutObject, GetObject, DeleteObject)
 * and reported as the CLI's transfer lines ("upload: ./a.txt to s3://b/a.txt").
 */
import { posix } from 'node:path';
import { isAwsError } from '../../kernel/errors';
import type { ExecResult } from 'just-bash';
import { serviceError, usageError, EXIT } from './errors';

export type Invoke = (operation: string, input: Record<string, unknown>) => Promise<Record<string, unknown>>;

export interface S3Io {
  cwd: string;
  region: string;
  read(path: string): Promise<Uint8Array | null>;
  write(path: string, data: Uint8Array): Promise<void>;
}

function s3Url(text: string): { bucket: string; key: string } | null {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(text);
  return m ? { bucket: m[1]!, key: m[2]! } : null;
}

const when = (d: unknown) => {
  const t = d instanceof Date ? d : new Date(String(d));
  return t.toISOString().slice(0, 19).replace('T', ' ');
};

const done = (stdout: string, stderr = '', exitCode = 0): ExecResult => ({ stdout, stderr, exitCode });

export async function runS3(args: string[], invoke: Invoke, io: S3Io): Promise<ExecResult> {
  const [command, ...rest] = args;
  const words = rest.filter((a) => !a.startsWith('--'));
  const failed = (what: string, op: string, e: unknown): ExecResult => {
    if (!isAwsError(e)) throw e;
    return done('', `${what} ${serviceError(e.code, op, e.message)}\n`, 1);
  };
  switch (command) {
    case 'ls': {
      const target = words[0] ? s3Url(words[0]) : null;
      if (!target) {
        const out = await invoke('ListBuckets', {});
        const buckets = (out.Buckets as Array<{ Name: string; CreationDate: unknown }>) ?? [];
        return done(buckets.map((b) => `${when(b.CreationDate)} ${b.Name}\n`).join(''));
      }
      const out = await invoke('ListObjectsV2', {
        Bucket: target.bucket,
        Prefix: target.key,
        Delimiter: '/',
      });
      const prefixes = ((out.CommonPrefixes as Array<{ Prefix: string }>) ?? []).map(
        (p) => `${'PRE'.padStart(30)} ${p.Prefix.slice(target.key.lastIndexOf('/') + 1)}\n`,
      );
      const objects = (
        (out.Contents as Array<{ Key: string; Size: number; LastModified: unknown }>) ?? []
      ).map(
        (o) =>
          `${when(o.LastModified)} ${String(o.Size).padStart(10)} ${o.Key.slice(target.key.lastIndexOf('/') + 1)}\n`,
      );
      return done([...prefixes, ...objects].join(''));
    }
    case 'mb':
    case 'rb': {
      const target = words[0] ? s3Url(words[0]) : null;
      if (!target) return done('', usageError('the following arguments are required: path'), EXIT.usage);
      const verb = command === 'mb' ? 'make_bucket' : 'remove_bucket';
      try {
        if (command === 'mb')
          await invoke('CreateBucket', {
            Bucket: target.bucket,
            ...(io.region !== 'us-east-1'
              ? { CreateBucketConfiguration: { LocationConstraint: io.region } }
              : {}),
          });
        else await invoke('DeleteBucket', { Bucket: target.bucket });
        return done(`${verb}: ${target.bucket}\n`);
      } catch (e) {
        return failed(
          `${verb} failed: s3://${target.bucket}`,
          command === 'mb' ? 'CreateBucket' : 'DeleteBucket',
          e,
        );
      }
    }
    case 'cp': {
      const [src, dst] = words;
      if (!src || !dst)
        return done('', usageError('the following arguments are required: paths'), EXIT.usage);
      const from = s3Url(src);
      const to = s3Url(dst);
      if (!from && to) {
        const local = posix.resolve(io.cwd, src);
        const data = await io.read(local);
        if (!data) return done('', `\nThe user-provided path ${src} does not exist.\n`, EXIT.other);
        const key = !to.key || to.key.endsWith('/') ? `${to.key}${posix.basename(src)}` : to.key;
        const shown = `${src.startsWith('/') || src.startsWith('.') ? src : `./${src}`} to s3://${to.bucket}/${key}`;
        try {
          await invoke('PutObject', { Bucket: to.bucket, Key: key, Body: data });
          return done(`upload: ${shown}\n`);
        } catch (e) {
          return failed(`upload failed: ${shown}`, 'PutObject', e);
        }
      }
      if (from && !to) {
        const local = posix.resolve(
          io.cwd,
          dst.endsWith('/') || dst === '.' ? `${dst}/${posix.basename(from.key)}` : dst,
        );
        const shown = `s3://${from.bucket}/${from.key} to ${dst.startsWith('/') || dst.startsWith('.') ? dst : `./${dst}`}`;
        try {
          const out = await invoke('GetObject', { Bucket: from.bucket, Key: from.key });
          await io.write(local, await bodyBytes(out.Body));
          return done(`download: ${shown}\n`);
        } catch (e) {
          return failed(`download failed: ${shown}`, 'GetObject', e);
        }
      }
      if (from && to) {
        const shown = `s3://${from.bucket}/${from.key} to s3://${to.bucket}/${to.key}`;
        try {
          await invoke('CopyObject', {
            Bucket: to.bucket,
            Key: to.key || from.key,
            CopySource: `${from.bucket}/${from.key}`,
          });
          return done(`copy: ${shown}\n`);
        } catch (e) {
          return failed(`copy failed: ${shown}`, 'CopyObject', e);
        }
      }
      return done('', `\nError: Invalid argument type\n`, EXIT.other);
    }
    case 'rm': {
      const target = words[0] ? s3Url(words[0]) : null;
      if (!target) return done('', usageError('the following arguments are required: paths'), EXIT.usage);
      try {
        await invoke('DeleteObject', { Bucket: target.bucket, Key: target.key });
        return done(`delete: s3://${target.bucket}/${target.key}\n`);
      } catch (e) {
        return failed(`delete failed: s3://${target.bucket}/${target.key}`, 'DeleteObject', e);
      }
    }
    default:
      return done(
        '',
        usageError(
          `argument subcommand: Invalid choice, valid choices are:\n\nls                                       | website                                 \ncp                                       | mv                                      \nrm                                       | sync                                    \nmb                                       | rb                                      \npresign                                 \n`,
        ),
        EXIT.usage,
      );
  }
}

/** An object's body as bytes: S3 hands large bodies over as a stream. */
async function bodyBytes(body: unknown): Promise<Uint8Array> {
  if (body instanceof Uint8Array) return body;
  if (body && typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    const chunks: Uint8Array[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array | string>)
      chunks.push(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk);
    return new Uint8Array(Buffer.concat(chunks));
  }
  return new TextEncoder().encode(String(body ?? ''));
}
