/**
 * Moving object bytes through the console's transport: downloads in ranges (GetObject answers
 * bodies over 8 MiB as a stream, which the console transport cannot carry, so the console asks
 * for 4 MiB ranges and reports progress after each), and the part size uploads use.
 */
import { aws } from '../../../lib/api';
import { downloadBytes } from '../../../lib/download';
import { baseName } from '../s3';

/** Files up to this size go as one PutObject; larger ones as a multipart upload of these parts. */
export const PART_SIZE = 5 * 1024 * 1024;
const RANGE = 4 * 1024 * 1024;

export interface ObjectRef {
  bucket: string;
  key: string;
  versionId?: string;
  region: string;
}

/** The object's bytes, in order; `onprogress(loaded, total)` after each range. */
export async function fetchObject(
  ref: ObjectRef,
  onprogress?: (loaded: number, total: number) => void,
): Promise<{ parts: Uint8Array[]; contentType: string; size: number }> {
  const { bucket, key, versionId, region } = ref;
  const head = await aws('s3', 'HeadObject', region, { Bucket: bucket, Key: key, VersionId: versionId });
  const size = head.ContentLength ?? 0;
  const contentType = head.ContentType ?? 'application/octet-stream';
  const parts: Uint8Array[] = [];
  let loaded = 0;
  onprogress?.(0, size);
  while (loaded < size || (size === 0 && parts.length === 0)) {
    if (size === 0) {
      parts.push(new Uint8Array(0));
      break;
    }
    const end = Math.min(size, loaded + RANGE) - 1;
    const out = await aws('s3', 'GetObject', region, {
      Bucket: bucket,
      Key: key,
      VersionId: versionId,
      Range: `bytes=${loaded}-${end}`,
      IfMatch: head.ETag,
    });
    if (!(out.Body instanceof Uint8Array)) throw new Error('The object body did not arrive as bytes.');
    parts.push(out.Body);
    loaded += out.Body.length;
    if (out.Body.length === 0) break;
    onprogress?.(loaded, size);
  }
  return { parts, contentType, size };
}

/** Download an object and save it under its file name. */
export async function downloadObject(
  ref: ObjectRef,
  onprogress?: (loaded: number, total: number) => void,
): Promise<void> {
  const { parts, contentType } = await fetchObject(ref, onprogress);
  downloadBytes(baseName(ref.key), parts, contentType);
}
