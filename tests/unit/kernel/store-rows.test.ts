/**
 * Rows S3 reads with `SELECT *` (its buckets, objects and versions) through Store.get, which
 * reads each statement's column names once: a schema change — a column added, renamed, or a
 * change rolled back — must show in the next row, as getAsObject() would have.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cloud } from '../../../electron/core/cloud';
import { s3Caller } from '../../support/s3';
import { RESOURCES } from '../../support/temp';

let cloud: Cloud;
beforeAll(async () => {
  cloud = await Cloud.open({ dataDir: null, resourcesDir: RESOURCES });
  await s3Caller(() => cloud)('CreateBucket', { Bucket: 'rows' });
});
afterAll(() => cloud.close());

const row = () =>
  cloud.store.get<Record<string, unknown>>('SELECT * FROM s3_buckets WHERE name = ?', ['rows'])!;
const all = () =>
  cloud.store.all<Record<string, unknown>>('SELECT * FROM s3_buckets WHERE name = ?', ['rows'])[0]!;

describe('Store.get of SELECT * across schema changes', () => {
  it('is the same object getAsObject made, and follows added, renamed and rolled-back columns', async () => {
    const before = row();
    expect(before).toEqual(all());
    expect(before.name).toBe('rows');
    expect(Object.keys(before)).not.toContain('extra');

    await cloud.store.write((tx) => tx.run("ALTER TABLE s3_buckets ADD COLUMN extra TEXT DEFAULT 'x'"));
    expect(row()).toEqual({ ...before, extra: 'x' });

    // Same width, another name: only dropping the names on a schema change notices this.
    await cloud.store.write((tx) => tx.run('ALTER TABLE s3_buckets RENAME COLUMN extra TO renamed'));
    expect(row()).toEqual({ ...before, renamed: 'x' });

    // A rename read inside its transaction, then rolled back.
    await expect(
      cloud.store.write((tx) => {
        tx.run('ALTER TABLE s3_buckets RENAME COLUMN renamed TO again');
        expect(row()).toEqual({ ...before, again: 'x' });
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(row()).toEqual({ ...before, renamed: 'x' });
    expect(row()).toEqual(all());
  });
});
