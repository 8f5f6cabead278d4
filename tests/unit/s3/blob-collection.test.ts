/**
 * Bodies nothing refers to any more (an overwritten object, a deleted one, an aborted upload's
 * parts) are deleted from the blob directory when the workspace next opens; referenced ones stay.
 */
import { readdirSync } from 'node:fs';
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

describe('blob collection', () => {
  it('removes unreferenced bodies at start-up and keeps the rest', async () => {
    let cloud = await open();
    const call = s3Caller(() => cloud);
    await call('CreateBucket', { Bucket: 'gc-bucket' });
    await call('PutObject', { Bucket: 'gc-bucket', Key: 'a', Body: 'first body' });
    await call('PutObject', { Bucket: 'gc-bucket', Key: 'a', Body: 'second body' });
    await call('PutObject', { Bucket: 'gc-bucket', Key: 'b', Body: 'deleted later' });
    await call('DeleteObject', { Bucket: 'gc-bucket', Key: 'b' });
    expect(blobFiles()).toHaveLength(3);
    await cloud.close();

    cloud = await open();
    expect(await cloud.blobCollection).toBe(2);
    expect(blobFiles()).toHaveLength(1);
    const got = await call<{ Body: Uint8Array }>('GetObject', { Bucket: 'gc-bucket', Key: 'a' });
    expect(Buffer.from(got.Body).toString()).toBe('second body');
    await cloud.close();
  });
});
