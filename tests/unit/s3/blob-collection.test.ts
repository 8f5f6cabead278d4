/**
 * Bodies nothing refers to any more (an overwritten object, a deleted one, an aborted upload's
 * parts) are deleted from the blob directory when the workspace next opens; referenced ones stay.
 */
import { readdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Cloud } from '../../../electron/core/cloud';
import { s3Caller } from '../../support/s3';
import { RESOURCES, tempDir } from '../../support/temp';

const data = tempDir('cloudlab-gc-');
afterAll(() => data.cleanup());

function blobFiles(): string[] {
  const dir = join(data.dir, 'blobs');
  return readdirSync(dir)
    .filter((d) => /^[0-9a-f]{2}$/.test(d))
    .flatMap((d) => readdirSync(join(dir, d)).map((f) => d + f));
}

async function open() {
  return Cloud.open({ dataDir: data.dir, resourcesDir: RESOURCES });
}

/** A body larger than the ones kept as rows, so it gets a file. */
const big = (text: string) => text.padEnd(20_000, '.');

const rows = (cloud: Cloud) => cloud.store.get<{ n: number }>('SELECT count(*) AS n FROM s3_bodies')!.n;

describe('blob collection', () => {
  it('removes unreferenced bodies (files and small rows) at start-up and keeps the rest', async () => {
    let cloud = await open();
    const call = s3Caller(() => cloud);
    await call('CreateBucket', { Bucket: 'gc-bucket' });
    await call('PutObject', { Bucket: 'gc-bucket', Key: 'a', Body: big('first body') });
    await call('PutObject', { Bucket: 'gc-bucket', Key: 'a', Body: big('second body') });
    await call('PutObject', { Bucket: 'gc-bucket', Key: 'b', Body: big('deleted later') });
    await call('DeleteObject', { Bucket: 'gc-bucket', Key: 'b' });
    await call('PutObject', { Bucket: 'gc-bucket', Key: 'small', Body: 'small one' });
    await call('PutObject', { Bucket: 'gc-bucket', Key: 'small', Body: 'small two' });
    expect(blobFiles()).toHaveLength(3);
    expect(rows(cloud)).toBe(2);
    await cloud.close();
    // Collection only takes files older than the start-up (a body being written meanwhile
    // stays); on a loaded machine the reopening can come within the file clock's tick.
    const past = new Date(Date.now() - 60_000);
    for (const f of blobFiles()) utimesSync(join(data.dir, 'blobs', f.slice(0, 2), f.slice(2)), past, past);

    cloud = await open();
    expect(await cloud.blobCollection).toBe(2);
    expect(blobFiles()).toHaveLength(1);
    expect(rows(cloud)).toBe(1);
    const got = await call<{ Body: Uint8Array }>('GetObject', { Bucket: 'gc-bucket', Key: 'a' });
    expect(Buffer.from(got.Body).toString()).toBe(big('second body'));
    const small = await call<{ Body: Uint8Array }>('GetObject', { Bucket: 'gc-bucket', Key: 'small' });
    expect(Buffer.from(small.Body).toString()).toBe('small two');
    await cloud.close();
  });
});

describe('small bodies', () => {
  it('come back from the journal alone (a crash before any checkpoint)', async () => {
    const crashed = tempDir('cloudlab-small-');
    try {
      const first = await Cloud.open({ dataDir: crashed.dir, resourcesDir: RESOURCES });
      const call = s3Caller(() => first);
      await call('CreateBucket', { Bucket: 'small-bodies' });
      await call('PutObject', { Bucket: 'small-bodies', Key: 'note.txt', Body: 'kept in the journal' });
      // Opened again without closing the first: only the journal has the body.
      const second = await Cloud.open({ dataDir: crashed.dir, resourcesDir: RESOURCES });
      const got = await s3Caller(() => second)<{ Body: Uint8Array }>('GetObject', {
        Bucket: 'small-bodies',
        Key: 'note.txt',
      });
      expect(Buffer.from(got.Body).toString()).toBe('kept in the journal');
      await second.close();
      await first.close();
    } finally {
      crashed.cleanup();
    }
  });
});
