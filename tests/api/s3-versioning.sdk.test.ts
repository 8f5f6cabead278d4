/**
 * S3 versioning, object tags, storage classes, UploadPartCopy and ListMultipartUploads with a
 * delimiter, through the AWS SDK for JavaScript v3 (and @aws-sdk/lib-storage) against
 * `cloudlab serve`.
 */
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  RestoreObjectCommand,
  DeleteObjectTaggingCommand,
  DeletePublicAccessBlockCommand,
  GetObjectAclCommand,
  PutBucketOwnershipControlsCommand,
  PutObjectAclCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { failure } from '../support/failure';
import { s3Client } from '../support/s3';
import { serveLab } from '../support/serve';

const served = serveLab();
const s3 = () => s3Client(served().endpoint);

const text = async (body: unknown) =>
  Buffer.from(
    await (body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
  ).toString();

describe('versioning', () => {
  const Bucket = 'versioned-bucket';
  beforeAll(async () => {
    await s3().send(new CreateBucketCommand({ Bucket }));
  });

  it('a new bucket has no versioning status; Enabled is kept and returned', async () => {
    expect((await s3().send(new GetBucketVersioningCommand({ Bucket }))).Status).toBeUndefined();
    const before = await s3().send(new PutObjectCommand({ Bucket, Key: 'old.txt', Body: 'before' }));
    expect(before.VersionId).toBeUndefined();
    await s3().send(
      new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }),
    );
    expect((await s3().send(new GetBucketVersioningCommand({ Bucket }))).Status).toBe('Enabled');
    const bad = await failure(
      s3().send(
        new PutBucketVersioningCommand({
          Bucket,
          VersioningConfiguration: { Status: 'On' as 'Enabled' },
        }),
      ),
    );
    expect(bad.name).toBe('MalformedXML');
  });

  it('every put makes a version; GET by version id reads old bodies', async () => {
    const v1 = await s3().send(new PutObjectCommand({ Bucket, Key: 'doc.txt', Body: 'one' }));
    const v2 = await s3().send(new PutObjectCommand({ Bucket, Key: 'doc.txt', Body: 'two' }));
    expect(v1.VersionId).toMatch(/^[A-Za-z0-9._]{32}$/);
    expect(v2.VersionId).not.toBe(v1.VersionId);
    const now = await s3().send(new GetObjectCommand({ Bucket, Key: 'doc.txt' }));
    expect(await text(now.Body)).toBe('two');
    expect(now.VersionId).toBe(v2.VersionId);
    const old = await s3().send(new GetObjectCommand({ Bucket, Key: 'doc.txt', VersionId: v1.VersionId }));
    expect(await text(old.Body)).toBe('one');
    const head = await s3().send(new HeadObjectCommand({ Bucket, Key: 'doc.txt', VersionId: v1.VersionId }));
    expect(head.ContentLength).toBe(3);
    // The object written before versioning is the null version.
    expect((await s3().send(new HeadObjectCommand({ Bucket, Key: 'old.txt' }))).VersionId).toBe('null');

    const missing = await failure(
      s3().send(new GetObjectCommand({ Bucket, Key: 'doc.txt', VersionId: 'A'.repeat(32) })),
    );
    expect(missing.name).toBe('NoSuchVersion');
    const invalid = await failure(
      s3().send(new GetObjectCommand({ Bucket, Key: 'doc.txt', VersionId: 'nope' })),
    );
    expect(invalid.name).toBe('InvalidArgument');
    expect(invalid.message).toBe('Invalid version id specified');
  });

  it('a delete makes a delete marker: the key is gone from listings, its versions are not', async () => {
    const del = await s3().send(new DeleteObjectCommand({ Bucket, Key: 'doc.txt' }));
    expect(del.DeleteMarker).toBe(true);
    expect(del.VersionId).toMatch(/^[A-Za-z0-9._]{32}$/);
    const gone = (await s3()
      .send(new GetObjectCommand({ Bucket, Key: 'doc.txt' }))
      .catch((e: unknown) => e)) as { name: string; $response?: { headers: Record<string, string> } };
    expect(gone.name).toBe('NoSuchKey');
    expect(gone.$response?.headers['x-amz-delete-marker']).toBe('true');
    expect(gone.$response?.headers['x-amz-version-id']).toBe(del.VersionId);
    const listed = await s3().send(new ListObjectsV2Command({ Bucket }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual(['old.txt']);

    const versions = await s3().send(new ListObjectVersionsCommand({ Bucket, Prefix: 'doc' }));
    expect(versions.Versions?.map((v) => [v.Key, v.IsLatest, v.Size])).toEqual([
      ['doc.txt', false, 3],
      ['doc.txt', false, 3],
    ]);
    expect(versions.DeleteMarkers?.map((m) => [m.Key, m.VersionId, m.IsLatest])).toEqual([
      ['doc.txt', del.VersionId, true],
    ]);
    const byMarker = await failure(
      s3().send(new GetObjectCommand({ Bucket, Key: 'doc.txt', VersionId: del.VersionId })),
    );
    expect(byMarker.name).toBe('MethodNotAllowed');
    expect(byMarker.status).toBe(405);

    // Deleting the delete marker brings the newest version back.
    const undo = await s3().send(
      new DeleteObjectCommand({ Bucket, Key: 'doc.txt', VersionId: del.VersionId }),
    );
    expect(undo.DeleteMarker).toBe(true);
    expect(await text((await s3().send(new GetObjectCommand({ Bucket, Key: 'doc.txt' }))).Body)).toBe('two');
  });

  it('deleting the current version by id makes the previous one current', async () => {
    const versions = await s3().send(new ListObjectVersionsCommand({ Bucket, Prefix: 'doc.txt' }));
    const latest = versions.Versions!.find((v) => v.IsLatest)!;
    await s3().send(new DeleteObjectCommand({ Bucket, Key: 'doc.txt', VersionId: latest.VersionId }));
    expect(await text((await s3().send(new GetObjectCommand({ Bucket, Key: 'doc.txt' }))).Body)).toBe('one');
  });

  it('pages through versions with key and version-id markers', async () => {
    for (let i = 0; i < 3; i++) await s3().send(new PutObjectCommand({ Bucket, Key: 'paged', Body: `${i}` }));
    const seen: string[] = [];
    let KeyMarker: string | undefined;
    let VersionIdMarker: string | undefined;
    for (;;) {
      const page = await s3().send(
        new ListObjectVersionsCommand({ Bucket, Prefix: 'paged', MaxKeys: 2, KeyMarker, VersionIdMarker }),
      );
      seen.push(...(page.Versions ?? []).map((v) => v.VersionId!));
      if (!page.IsTruncated) break;
      KeyMarker = page.NextKeyMarker;
      VersionIdMarker = page.NextVersionIdMarker;
    }
    expect(seen).toHaveLength(3);
    expect(new Set(seen).size).toBe(3);
  });

  it('suspended: puts overwrite the null version, older versions stay', async () => {
    await s3().send(
      new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Suspended' } }),
    );
    const a = await s3().send(new PutObjectCommand({ Bucket, Key: 'paged', Body: 'null-1' }));
    const b = await s3().send(new PutObjectCommand({ Bucket, Key: 'paged', Body: 'null-2' }));
    expect(a.VersionId).toBe('null');
    expect(b.VersionId).toBe('null');
    const versions = await s3().send(new ListObjectVersionsCommand({ Bucket, Prefix: 'paged' }));
    expect(versions.Versions?.map((v) => v.VersionId).filter((v) => v === 'null')).toHaveLength(1);
    expect(versions.Versions).toHaveLength(4);
    expect(await text((await s3().send(new GetObjectCommand({ Bucket, Key: 'paged' }))).Body)).toBe('null-2');
  });

  it('DeleteObjects deletes versions and makes markers; a non-empty versioned bucket stays', async () => {
    await s3().send(
      new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }),
    );
    const out = await s3().send(
      new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: 'old.txt' }, { Key: 'doc.txt' }] } }),
    );
    expect(out.Deleted?.every((d) => d.DeleteMarker && d.DeleteMarkerVersionId)).toBe(true);
    expect((await s3().send(new ListObjectsV2Command({ Bucket }))).KeyCount).toBe(1);
    const notEmpty = await failure(s3().send(new DeleteBucketCommand({ Bucket })));
    expect(notEmpty.name).toBe('BucketNotEmpty');

    // Deleting every version and marker empties it.
    const all = await s3().send(new ListObjectVersionsCommand({ Bucket }));
    const objects = [...(all.Versions ?? []), ...(all.DeleteMarkers ?? [])].map((v) => ({
      Key: v.Key!,
      VersionId: v.VersionId!,
    }));
    const cleared = await s3().send(
      new DeleteObjectsCommand({ Bucket, Delete: { Objects: objects, Quiet: true } }),
    );
    expect(cleared.Errors).toBeUndefined();
    await s3().send(new DeleteBucketCommand({ Bucket }));
  });

  it('CopyObject copies a given version', async () => {
    const B = 'copy-versions';
    await s3().send(new CreateBucketCommand({ Bucket: B }));
    await s3().send(
      new PutBucketVersioningCommand({ Bucket: B, VersioningConfiguration: { Status: 'Enabled' } }),
    );
    const v1 = await s3().send(new PutObjectCommand({ Bucket: B, Key: 'src', Body: 'first' }));
    await s3().send(new PutObjectCommand({ Bucket: B, Key: 'src', Body: 'second' }));
    const copy = await s3().send(
      new CopyObjectCommand({ Bucket: B, Key: 'dst', CopySource: `${B}/src?versionId=${v1.VersionId}` }),
    );
    expect(copy.CopySourceVersionId).toBe(v1.VersionId);
    expect(copy.VersionId).toMatch(/^[A-Za-z0-9._]{32}$/);
    expect(await text((await s3().send(new GetObjectCommand({ Bucket: B, Key: 'dst' }))).Body)).toBe('first');
  });
});

describe('object tags and storage classes', () => {
  const Bucket = 'tagged-bucket';
  beforeAll(async () => {
    await s3().send(new CreateBucketCommand({ Bucket }));
  });

  it('x-amz-tagging on PutObject, the tagging subresource, and the tag count on GET', async () => {
    await s3().send(
      new PutObjectCommand({ Bucket, Key: 't', Body: 'x', Tagging: 'team=blue&cost%20centre=42' }),
    );
    const tags = await s3().send(new GetObjectTaggingCommand({ Bucket, Key: 't' }));
    expect(tags.TagSet).toEqual([
      { Key: 'team', Value: 'blue' },
      { Key: 'cost centre', Value: '42' },
    ]);
    expect((await s3().send(new GetObjectCommand({ Bucket, Key: 't' }))).TagCount).toBe(2);
    await s3().send(
      new PutObjectTaggingCommand({ Bucket, Key: 't', Tagging: { TagSet: [{ Key: 'env', Value: 'lab' }] } }),
    );
    expect((await s3().send(new GetObjectTaggingCommand({ Bucket, Key: 't' }))).TagSet).toEqual([
      { Key: 'env', Value: 'lab' },
    ]);
    await s3().send(new DeleteObjectTaggingCommand({ Bucket, Key: 't' }));
    expect((await s3().send(new GetObjectTaggingCommand({ Bucket, Key: 't' }))).TagSet).toEqual([]);

    const tooMany = await failure(
      s3().send(
        new PutObjectTaggingCommand({
          Bucket,
          Key: 't',
          Tagging: { TagSet: Array.from({ length: 11 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })) },
        }),
      ),
    );
    expect(tooMany.name).toBe('InvalidTag');
    expect(tooMany.message).toBe('Object tags cannot be greater than 10');
  });

  it('storage classes are kept and listed; GLACIER objects need a restore to be read', async () => {
    await s3().send(new PutObjectCommand({ Bucket, Key: 'ia', Body: 'x', StorageClass: 'STANDARD_IA' }));
    await s3().send(new PutObjectCommand({ Bucket, Key: 'cold', Body: 'x', StorageClass: 'GLACIER' }));
    expect((await s3().send(new HeadObjectCommand({ Bucket, Key: 'ia' }))).StorageClass).toBe('STANDARD_IA');
    const listed = await s3().send(new ListObjectsV2Command({ Bucket }));
    expect(Object.fromEntries(listed.Contents!.map((o) => [o.Key, o.StorageClass]))).toEqual({
      cold: 'GLACIER',
      ia: 'STANDARD_IA',
      t: 'STANDARD',
    });
    const cold = await failure(s3().send(new GetObjectCommand({ Bucket, Key: 'cold' })));
    expect(cold.name).toBe('InvalidObjectState');
    expect(cold.status).toBe(403);
    const bad = await failure(
      s3().send(new PutObjectCommand({ Bucket, Key: 'x', Body: 'x', StorageClass: 'COLD' as 'GLACIER' })),
    );
    expect(bad.name).toBe('InvalidStorageClass');
  });

  it('RestoreObject starts a restore (202), shown by HeadObject; a second one is RestoreAlreadyInProgress', async () => {
    const started = await s3().send(
      new RestoreObjectCommand({
        Bucket,
        Key: 'cold',
        RestoreRequest: { Days: 1, GlacierJobParameters: { Tier: 'Bulk' } },
      }),
    );
    expect(started.$metadata.httpStatusCode).toBe(202);
    expect((await s3().send(new HeadObjectCommand({ Bucket, Key: 'cold' }))).Restore).toBe(
      'ongoing-request="true"',
    );
    const again = await failure(
      s3().send(new RestoreObjectCommand({ Bucket, Key: 'cold', RestoreRequest: { Days: 1 } })),
    );
    expect(again).toMatchObject({ name: 'RestoreAlreadyInProgress', status: 409 });
  });
});

describe('object ACLs', () => {
  it('are off by default (BucketOwnerEnforced); with ObjectWriter a public-read object is readable anonymously', async () => {
    const Bucket = 'acl-objects';
    await s3().send(new CreateBucketCommand({ Bucket }));
    const off = await failure(
      s3().send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'x', ACL: 'public-read' })),
    );
    expect(off.name).toBe('AccessControlListNotSupported');
    await s3().send(
      new PutBucketOwnershipControlsCommand({
        Bucket,
        OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] },
      }),
    );
    const blocked = await failure(
      s3().send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'x', ACL: 'public-read' })),
    );
    expect(blocked.name).toBe('AccessDenied');
    await s3().send(new DeletePublicAccessBlockCommand({ Bucket }));
    await s3().send(new PutObjectCommand({ Bucket, Key: 'open.txt', Body: 'hello', ACL: 'public-read' }));
    await s3().send(new PutObjectCommand({ Bucket, Key: 'closed.txt', Body: 'secret' }));
    const acl = await s3().send(new GetObjectAclCommand({ Bucket, Key: 'open.txt' }));
    expect(
      acl.Grants?.map((g) => [g.Grantee?.Type, g.Grantee?.URI ?? g.Grantee?.ID?.length, g.Permission]),
    ).toEqual([
      ['CanonicalUser', 64, 'FULL_CONTROL'],
      ['Group', 'http://acs.amazonaws.com/groups/global/AllUsers', 'READ'],
    ]);
    const open = await fetch(`${served().endpoint}/${Bucket}/open.txt`);
    expect(open.status).toBe(200);
    expect(await open.text()).toBe('hello');
    expect((await fetch(`${served().endpoint}/${Bucket}/closed.txt`)).status).toBe(403);
    await s3().send(new PutObjectAclCommand({ Bucket, Key: 'open.txt', ACL: 'private' }));
    expect((await fetch(`${served().endpoint}/${Bucket}/open.txt`)).status).toBe(403);
  });
});

describe('multipart extras', () => {
  const Bucket = 'multipart-extras';
  beforeAll(async () => {
    await s3().send(new CreateBucketCommand({ Bucket }));
  });

  it('UploadPartCopy builds an object from ranges of another', async () => {
    const source = Buffer.alloc(6 * 1024 * 1024);
    for (let i = 0; i < source.length; i++) source[i] = i % 251;
    await s3().send(new PutObjectCommand({ Bucket, Key: 'source.bin', Body: source }));
    const { UploadId } = await s3().send(new CreateMultipartUploadCommand({ Bucket, Key: 'joined.bin' }));
    const half = 5 * 1024 * 1024;
    const p1 = await s3().send(
      new UploadPartCopyCommand({
        Bucket,
        Key: 'joined.bin',
        UploadId,
        PartNumber: 1,
        CopySource: `${Bucket}/source.bin`,
        CopySourceRange: `bytes=0-${half - 1}`,
      }),
    );
    const p2 = await s3().send(
      new UploadPartCopyCommand({
        Bucket,
        Key: 'joined.bin',
        UploadId,
        PartNumber: 2,
        CopySource: `${Bucket}/source.bin`,
        CopySourceRange: `bytes=${half}-${source.length - 1}`,
      }),
    );
    expect(p1.CopyPartResult?.ETag).toBe(
      `"${createHash('md5').update(source.subarray(0, half)).digest('hex')}"`,
    );
    const bad = await failure(
      s3().send(
        new UploadPartCopyCommand({
          Bucket,
          Key: 'joined.bin',
          UploadId,
          PartNumber: 3,
          CopySource: `${Bucket}/source.bin`,
          CopySourceRange: `bytes=0-${source.length}`,
        }),
      ),
    );
    expect(bad.name).toBe('InvalidArgument');
    await s3().send(
      new CompleteMultipartUploadCommand({
        Bucket,
        Key: 'joined.bin',
        UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: p1.CopyPartResult!.ETag },
            { PartNumber: 2, ETag: p2.CopyPartResult!.ETag },
          ],
        },
      }),
    );
    const got = await s3().send(new GetObjectCommand({ Bucket, Key: 'joined.bin' }));
    const bytes = Buffer.from(await got.Body!.transformToByteArray());
    expect(bytes.equals(source)).toBe(true);
  });

  it('ListMultipartUploads rolls keys up by a delimiter', async () => {
    for (const Key of ['logs/a', 'logs/b', 'img/c', 'top'])
      await s3().send(new CreateMultipartUploadCommand({ Bucket, Key }));
    const out = await s3().send(new ListMultipartUploadsCommand({ Bucket, Delimiter: '/' }));
    expect(out.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['img/', 'logs/']);
    expect(out.Uploads?.map((u) => u.Key)).toEqual(['top']);
    expect(out.Delimiter).toBe('/');
  });

  it('lib-storage Upload sends a streamed body in parts', async () => {
    const size = 12 * 1024 * 1024;
    const chunk = Buffer.alloc(1024 * 1024, 7);
    const body = Readable.from(
      (function* () {
        for (let sent = 0; sent < size; sent += chunk.length) yield chunk;
      })(),
    );
    const progress: number[] = [];
    const upload = new Upload({
      client: s3(),
      params: { Bucket, Key: 'lib-storage.bin', Body: body },
      partSize: 5 * 1024 * 1024,
    });
    upload.on('httpUploadProgress', (p) => progress.push(p.loaded ?? 0));
    const done = await upload.done();
    expect(done.ETag).toMatch(/-3"$/);
    expect(progress[progress.length - 1]).toBe(size);
    const head = await s3().send(new HeadObjectCommand({ Bucket, Key: 'lib-storage.bin' }));
    expect(head.ContentLength).toBe(size);
  });
});
