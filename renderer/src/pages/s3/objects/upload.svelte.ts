/**
 * The Upload page's state: the files chosen (with their folder paths), then the upload itself —
 * one PutObject for files up to 5 MiB, a multipart upload of 5 MiB parts for larger ones, with
 * progress counted in bytes the service has acknowledged. Cancel stops after the part in flight
 * and aborts the multipart upload, as the AWS console does.
 */
import type { CompletedPart } from '@aws-sdk/client-s3';
import { aws } from '../../../lib/api';
import { errorText, readBytes } from '../s3';
import { PART_SIZE } from './transfer';

export type UploadStatus = 'pending' | 'uploading' | 'succeeded' | 'failed' | 'cancelled';

export interface UploadItem {
  id: number;
  file: File;
  /** Path under the destination: "photos/cat.jpg" for a file of a chosen folder. */
  path: string;
  loaded: number;
  status: UploadStatus;
  error: string | null;
}

export class UploadState {
  items = $state<UploadItem[]>([]);
  /** Choosing files → uploading → done. */
  phase = $state<'choose' | 'uploading' | 'done'>('choose');
  private cancelled = false;
  private nextId = 1;

  constructor(
    readonly bucket: string,
    readonly prefix: string,
    readonly region: string,
  ) {}

  totalBytes = $derived(this.items.reduce((n, i) => n + i.file.size, 0));
  loadedBytes = $derived(this.items.reduce((n, i) => n + i.loaded, 0));
  succeeded = $derived(this.items.filter((i) => i.status === 'succeeded'));
  failed = $derived(this.items.filter((i) => i.status === 'failed' || i.status === 'cancelled'));

  add(files: Array<{ file: File; path: string }>): void {
    const known = this.items.map((i) => i.path);
    const fresh = files
      .filter((f) => !known.includes(f.path))
      .map((f) => ({ id: this.nextId++, ...f, loaded: 0, status: 'pending' as const, error: null }));
    this.items = [...this.items, ...fresh];
  }

  remove(ids: number[]): void {
    this.items = this.items.filter((i) => !ids.includes(i.id));
  }

  key(item: UploadItem): string {
    return `${this.prefix}${item.path}`;
  }

  cancel(): void {
    this.cancelled = true;
  }

  async start(): Promise<void> {
    this.phase = 'uploading';
    this.cancelled = false;
    for (const item of this.items) {
      if (this.cancelled) {
        this.set(item, { status: 'cancelled', error: 'Upload cancelled' });
        continue;
      }
      this.set(item, { status: 'uploading' });
      try {
        if (item.file.size <= PART_SIZE) await this.putObject(item);
        else await this.multipart(item);
        if (this.find(item).status !== 'cancelled') this.set(item, { status: 'succeeded' });
      } catch (e) {
        if (this.find(item).status !== 'cancelled') this.set(item, { status: 'failed', error: errorText(e) });
      }
    }
    this.phase = 'done';
  }

  private find(item: UploadItem): UploadItem {
    return this.items.find((i) => i.id === item.id) ?? item;
  }

  private set(item: UploadItem, patch: Partial<UploadItem>): void {
    const i = this.items.findIndex((x) => x.id === item.id);
    if (i >= 0) this.items[i] = { ...this.items[i]!, ...patch };
  }

  private contentType(file: File): string {
    return file.type || 'binary/octet-stream';
  }

  private async putObject(item: UploadItem): Promise<void> {
    await aws('s3', 'PutObject', this.region, {
      Bucket: this.bucket,
      Key: this.key(item),
      Body: await readBytes(item.file),
      ContentType: this.contentType(item.file),
    });
    this.set(item, { loaded: item.file.size });
  }

  private async multipart(item: UploadItem): Promise<void> {
    const Bucket = this.bucket;
    const Key = this.key(item);
    const created = await aws('s3', 'CreateMultipartUpload', this.region, {
      Bucket,
      Key,
      ContentType: this.contentType(item.file),
    });
    const UploadId = created.UploadId!;
    const parts: CompletedPart[] = [];
    try {
      for (let offset = 0, n = 1; offset < item.file.size; offset += PART_SIZE, n++) {
        if (this.cancelled) throw new CancelledError();
        const body = await readBytes(item.file.slice(offset, offset + PART_SIZE));
        const out = await aws('s3', 'UploadPart', this.region, {
          Bucket,
          Key,
          UploadId,
          PartNumber: n,
          Body: body,
        });
        parts.push({ PartNumber: n, ETag: out.ETag });
        this.set(item, { loaded: offset + body.length });
      }
      if (this.cancelled) throw new CancelledError();
      await aws('s3', 'CompleteMultipartUpload', this.region, {
        Bucket,
        Key,
        UploadId,
        MultipartUpload: { Parts: parts },
      });
    } catch (e) {
      await aws('s3', 'AbortMultipartUpload', this.region, { Bucket, Key, UploadId }).catch(() => undefined);
      if (e instanceof CancelledError) {
        this.set(item, { status: 'cancelled', error: 'Upload cancelled', loaded: 0 });
        return;
      }
      throw e;
    }
  }
}

class CancelledError extends Error {
  constructor() {
    super('Upload cancelled');
  }
}

/** Files of a drop, folders walked (webkitGetAsEntry), each with its path inside what was dropped. */
export async function filesFromDrop(transfer: DataTransfer): Promise<Array<{ file: File; path: string }>> {
  const entries = [...transfer.items]
    .map((i) => (i.kind === 'file' ? i.webkitGetAsEntry() : null))
    .filter((e): e is FileSystemEntry => e !== null);
  if (entries.length === 0) return [...transfer.files].map((file) => ({ file, path: file.name }));
  const out: Array<{ file: File; path: string }> = [];
  const walk = async (entry: FileSystemEntry, dir: string): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) =>
        (entry as FileSystemFileEntry).file(resolve, reject),
      );
      out.push({ file, path: `${dir}${file.name}` });
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
          reader.readEntries(resolve, reject),
        );
        if (batch.length === 0) break;
        for (const child of batch) await walk(child, `${dir}${entry.name}/`);
      }
    }
  };
  for (const entry of entries) await walk(entry, '');
  return out;
}

/** Files of an <input type=file> (webkitdirectory gives each file its relative path). */
export function filesFromInput(input: HTMLInputElement): Array<{ file: File; path: string }> {
  return [...(input.files ?? [])].map((file) => ({ file, path: file.webkitRelativePath || file.name }));
}
