/**
 * Deployment packages: a zip uploaded inline (ZipFile) or named in S3, checked as Lambda
 * checks it, kept once per content (`lambda_code`), and unpacked on first use into the
 * function's task directory (`tasks/<sha256>/`, shown to the function as /var/task).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, normalize, sep } from 'node:path';
import { unzipSync } from 'fflate';
import type { Cloud } from '../../cloud';
import { isAwsError } from '../../kernel/errors';
import type { Tx } from '../../kernel/store';
import type { OperationContext } from '../../service';
import { invalidParameter, requestTooLarge } from './errors';

/** Lambda's quotas for a deployment package. */
export const MAX_ZIPPED_BYTES = 50 * 1024 * 1024;
export const MAX_UNZIPPED_BYTES = 262_144_000;

export interface CodeSource {
  ZipFile?: Uint8Array;
  S3Bucket?: string;
  S3Key?: string;
  S3ObjectVersion?: string;
}

export interface AcceptedCode {
  /** Hex SHA-256: the key in lambda_code and the task directory's name. */
  sha: string;
  /** Base64 SHA-256, as CodeSha256 shows it. */
  sha256: string;
  size: number;
  zip: Uint8Array;
  source?: { S3Bucket: string; S3Key: string; S3ObjectVersion?: string };
}

/** Read and check a package; nothing is stored yet. */
export async function acceptCode(
  ctx: OperationContext,
  code: CodeSource | undefined,
  operation: string,
): Promise<AcceptedCode> {
  let zip: Uint8Array;
  let source: AcceptedCode['source'];
  if (code?.ZipFile && code.ZipFile.length > 0) {
    zip = code.ZipFile;
  } else if (code?.S3Bucket || code?.S3Key) {
    if (!code.S3Bucket || !code.S3Key)
      throw invalidParameter('Please provide both S3Bucket and S3Key for the function code.');
    zip = await readS3Object(ctx, code.S3Bucket, code.S3Key, code.S3ObjectVersion);
    source = {
      S3Bucket: code.S3Bucket,
      S3Key: code.S3Key,
      ...(code.S3ObjectVersion ? { S3ObjectVersion: code.S3ObjectVersion } : {}),
    };
  } else {
    throw invalidParameter('Please provide a source for function code.');
  }
  if (zip.length > MAX_ZIPPED_BYTES)
    throw requestTooLarge(`Request must be smaller than 70167211 bytes for the ${operation} operation`);
  let unzippedSize = 0;
  try {
    // Only sizes are needed here: fflate's filter sees every entry's original size first.
    unzipSync(zip, {
      filter: (f) => {
        unzippedSize += f.originalSize;
        return false;
      },
    });
  } catch {
    throw invalidParameter(
      'Could not unzip uploaded file. Please check your file, then try to upload again.',
    );
  }
  if (unzippedSize > MAX_UNZIPPED_BYTES)
    throw invalidParameter(`Unzipped size must be smaller than ${MAX_UNZIPPED_BYTES} bytes`);
  const digest = createHash('sha256').update(zip).digest();
  return { sha: digest.toString('hex'), sha256: digest.toString('base64'), size: zip.length, zip, source };
}

async function readS3Object(
  ctx: OperationContext,
  bucket: string,
  key: string,
  versionId?: string,
): Promise<Uint8Array> {
  try {
    const out = (await ctx.cloud.invoke({
      service: 's3',
      operation: 'GetObject',
      input: { Bucket: bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) },
      region: ctx.region.code,
      principal: ctx.principal,
      source: 'internal',
    })) as { Body?: AsyncIterable<Uint8Array> | Uint8Array };
    const body = out.Body;
    if (!body) return new Uint8Array();
    if (body instanceof Uint8Array) return body;
    const chunks: Uint8Array[] = [];
    for await (const chunk of body) chunks.push(chunk);
    return new Uint8Array(Buffer.concat(chunks));
  } catch (e) {
    if (isAwsError(e))
      throw invalidParameter(
        `Error occurred while GetObject. S3 Error Code: ${e.code}. S3 Error Message: ${e.message}`,
      );
    throw e;
  }
}

/** Keep the package's bytes (blob directory, or inline for an in-memory cloud) before the row naming it. */
export async function storeCode(cloud: Cloud, code: AcceptedCode): Promise<(tx: Tx) => void> {
  const blobs = cloud.store.blobs;
  let blob: string | null = null;
  if (blobs) blob = (await blobs.put(code.zip)).hash;
  return (tx) =>
    tx.run('INSERT OR IGNORE INTO lambda_code (sha, size, blob, data) VALUES (?, ?, ?, ?)', [
      code.sha,
      code.size,
      blob,
      blob ? null : code.zip,
    ]);
}

/** The package's bytes. */
export async function readCode(cloud: Cloud, sha: string): Promise<Uint8Array> {
  const row = cloud.store.get<{ blob: string | null; data: Uint8Array | null }>(
    'SELECT blob, data FROM lambda_code WHERE sha = ?',
    [sha],
  );
  if (!row) throw new Error(`deployment package ${sha} is missing`);
  if (row.data) return row.data;
  return cloud.store.blobs!.read(row.blob!);
}

/** Packages no version refers to any more. */
export function dropUnusedCode(tx: Tx): void {
  tx.run('DELETE FROM lambda_code WHERE sha NOT IN (SELECT code_sha FROM lambda_versions)');
}

/**
 * Unpack a package into `<tasksRoot>/<sha>` once (atomically: a temporary directory renamed
 * into place), refusing entries that would land outside it.
 */
export async function extractCode(cloud: Cloud, tasksRoot: string, sha: string): Promise<string> {
  const dir = join(tasksRoot, sha);
  if (existsSync(dir)) return dir;
  const zip = await readCode(cloud, sha);
  const files = unzipSync(zip);
  const staging = `${dir}.${process.pid}.${Date.now()}.tmp`;
  mkdirSync(staging, { recursive: true });
  try {
    for (const [name, data] of Object.entries(files)) {
      const rel = normalize(name.replace(/\\/g, '/'));
      if (rel.startsWith('..') || rel.startsWith(sep) || /^[a-zA-Z]:/.test(rel)) continue;
      const target = join(staging, rel);
      if (name.endsWith('/')) {
        mkdirSync(target, { recursive: true });
        continue;
      }
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, data);
    }
    try {
      renameSync(staging, dir);
    } catch (e) {
      // Another invocation unpacked the same package first.
      if (!existsSync(dir)) throw e;
      rmSync(staging, { recursive: true, force: true });
    }
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  return dir;
}
