/**
 * The Objects tab's listing of one folder: ListObjectsV2 with the "/" delimiter (folders from
 * common prefixes), or ListObjectVersions when "Show versions" is on — 1,000 keys a request, more
 * on demand, as the AWS console pages through a bucket.
 */
import { aws } from '../../../lib/api';
import { errorText, timeOf } from '../s3';

export interface ObjectRow {
  /** Unique per row: the key, or key + version. */
  id: string;
  key: string;
  kind: 'folder' | 'object' | 'version' | 'delete-marker';
  size?: number;
  lastModified?: Date;
  storageClass?: string;
  etag?: string;
  versionId?: string;
  isLatest?: boolean;
}

export class ObjectList {
  rows = $state<ObjectRow[]>([]);
  loading = $state(true);
  error = $state<string | null>(null);
  truncated = $state(false);
  private token: { continuation?: string; keyMarker?: string; versionMarker?: string } = {};
  private generation = 0;

  constructor(
    readonly bucket: string,
    readonly region: string,
    readonly prefix: string,
    readonly versions: boolean,
  ) {
    queueMicrotask(() => void this.reload());
  }

  async reload(): Promise<void> {
    this.token = {};
    await this.fetch(true);
  }

  async more(): Promise<void> {
    await this.fetch(false);
  }

  private async fetch(fresh: boolean): Promise<void> {
    const generation = ++this.generation;
    this.loading = true;
    try {
      const rows = this.versions ? await this.fetchVersions() : await this.fetchObjects();
      if (generation !== this.generation) return;
      this.rows = fresh ? rows : [...this.rows, ...rows.filter((r) => !this.rows.some((x) => x.id === r.id))];
      this.error = null;
    } catch (e) {
      if (generation === this.generation) this.error = errorText(e);
    } finally {
      if (generation === this.generation) this.loading = false;
    }
  }

  private async fetchObjects(): Promise<ObjectRow[]> {
    const out = await aws('s3', 'ListObjectsV2', this.region, {
      Bucket: this.bucket,
      Prefix: this.prefix || undefined,
      Delimiter: '/',
      MaxKeys: 1000,
      ContinuationToken: this.token.continuation,
    });
    this.truncated = !!out.IsTruncated;
    this.token = { continuation: out.NextContinuationToken };
    return [
      ...(out.CommonPrefixes ?? []).map((p) => ({ id: p.Prefix!, key: p.Prefix!, kind: 'folder' as const })),
      ...(out.Contents ?? [])
        .filter((o) => o.Key !== this.prefix) // the folder's own zero-byte object
        .map((o) => ({
          id: o.Key!,
          key: o.Key!,
          kind: 'object' as const,
          size: o.Size,
          lastModified: o.LastModified,
          storageClass: o.StorageClass,
          etag: o.ETag,
        })),
    ];
  }

  private async fetchVersions(): Promise<ObjectRow[]> {
    const out = await aws('s3', 'ListObjectVersions', this.region, {
      Bucket: this.bucket,
      Prefix: this.prefix || undefined,
      Delimiter: '/',
      MaxKeys: 1000,
      KeyMarker: this.token.keyMarker,
      VersionIdMarker: this.token.versionMarker,
    });
    this.truncated = !!out.IsTruncated;
    this.token = { keyMarker: out.NextKeyMarker, versionMarker: out.NextVersionIdMarker };
    const versions: ObjectRow[] = [
      ...(out.Versions ?? []).map((v) => ({
        id: `${v.Key}\u0000${v.VersionId}`,
        key: v.Key!,
        kind: 'version' as const,
        size: v.Size,
        lastModified: v.LastModified,
        storageClass: v.StorageClass,
        etag: v.ETag,
        versionId: v.VersionId,
        isLatest: v.IsLatest,
      })),
      ...(out.DeleteMarkers ?? []).map((m) => ({
        id: `${m.Key}\u0000${m.VersionId}`,
        key: m.Key!,
        kind: 'delete-marker' as const,
        lastModified: m.LastModified,
        versionId: m.VersionId,
        isLatest: m.IsLatest,
      })),
    ]
      .filter((v) => v.key !== this.prefix)
      // Each key's versions together, newest first, as the console lists them.
      .sort((a, b) =>
        a.key === b.key ? timeOf(b.lastModified) - timeOf(a.lastModified) : a.key < b.key ? -1 : 1,
      );
    return [
      ...(out.CommonPrefixes ?? []).map((p) => ({ id: p.Prefix!, key: p.Prefix!, kind: 'folder' as const })),
      ...versions,
    ];
  }
}
