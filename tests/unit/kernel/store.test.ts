import { existsSync, readdirSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkspaceError } from '../../../electron/core/kernel/errors';
import { Store, type Migration } from '../../../electron/core/kernel/store';
import { tempDir } from '../../support/temp';

const table: Migration = {
  id: 'test/001-items',
  up: (tx) => tx.run('CREATE TABLE items (k TEXT PRIMARY KEY, v INTEGER)'),
};
const cleanups: Array<() => void> = [];
function workspace(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}
afterEach(() => cleanups.splice(0).forEach((c) => c()));

async function open(dir: string | null, options: Partial<Parameters<typeof Store.open>[0]> = {}) {
  const store = await Store.open({ dir, ...options });
  await store.migrate([table]);
  return store;
}

describe('Store', () => {
  it('commits a transaction and reads it back', async () => {
    const store = await open(null);
    const result = await store.write((tx) => {
      tx.run('INSERT INTO items (k, v) VALUES (?, ?)', ['a', 1]);
      return tx.changes();
    });
    expect(result).toBe(1);
    expect(store.get('SELECT v FROM items WHERE k = ?', ['a'])).toEqual({ v: 1 });
    await store.close();
  });

  it('rolls back everything when the function throws, and says so to its listeners', async () => {
    const store = await open(null);
    let rollbacks = 0;
    store.onRollback(() => rollbacks++);
    await store.write((tx) => tx.run('INSERT INTO items (k, v) VALUES (?, ?)', ['kept', 0]));
    expect(rollbacks).toBe(0);
    await expect(
      store.write((tx) => {
        tx.run('INSERT INTO items (k, v) VALUES (?, ?)', ['a', 1]);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(rollbacks).toBe(1);
    expect(store.all('SELECT k FROM items')).toEqual([{ k: 'kept' }]);
    await store.close();
  });

  it('refuses asynchronous and nested transactions', async () => {
    const store = await open(null);
    await expect(store.write(async () => 1)).rejects.toThrow(/synchronous/);
    let nestedError: unknown;
    await store.write(() => {
      store.write(() => 1).catch((e: unknown) => (nestedError = e));
    });
    await new Promise((r) => setTimeout(r, 0));
    expect(String(nestedError)).toMatch(/cannot be nested/);
    await store.close();
  });

  it('applies each migration once, in order', async () => {
    const dir = workspace();
    const seen: string[] = [];
    const migrations: Migration[] = [
      { id: 'm/1', up: (tx) => (seen.push('1'), tx.run('CREATE TABLE a (x)')) },
      { id: 'm/2', up: (tx) => (seen.push('2'), tx.run('CREATE TABLE b (x)')) },
    ];
    let store = await Store.open({ dir });
    await store.migrate(migrations);
    await store.close();
    store = await Store.open({ dir });
    await store.migrate(migrations);
    expect(seen).toEqual(['1', '2']);
    await expect(store.migrate([migrations[0]!, migrations[0]!])).rejects.toThrow(/duplicate/);
    await store.close();
  });

  it('keeps acknowledged writes across a restart without a checkpoint (journal replay)', async () => {
    const dir = workspace();
    const store = await open(dir);
    for (let i = 0; i < 10; i++)
      await store.write((tx) => tx.run('INSERT INTO items VALUES (?, ?)', [`k${i}`, i]));
    // Simulate a crash: no close(), no checkpoint. Only the journal holds the rows.
    expect(existsSync(join(dir, 'cloudlab.db'))).toBe(false);
    const reopened = await open(dir);
    expect(reopened.get<{ n: number }>('SELECT count(*) AS n FROM items')!.n).toBe(10);
    await reopened.close();
  });

  it('checkpoints to the database file and drops covered journal files', async () => {
    const dir = workspace();
    const store = await open(dir);
    for (let i = 0; i < 5; i++)
      await store.write((tx) => tx.run('INSERT INTO items VALUES (?, ?)', [`k${i}`, i]));
    await store.checkpoint();
    expect(existsSync(join(dir, 'cloudlab.db'))).toBe(true);
    await store.write((tx) => tx.run('INSERT INTO items VALUES (?, ?)', ['after', 99]));
    const journals = readdirSync(join(dir, 'journal'));
    expect(journals).toHaveLength(1); // only the file written after the checkpoint
    const reopened = await open(dir); // "crash" again: checkpoint + newer journal
    expect(reopened.get<{ n: number }>('SELECT count(*) AS n FROM items')!.n).toBe(6);
    await reopened.close();
  });

  it('checkpoints automatically after enough records', async () => {
    const dir = workspace();
    const store = await open(dir, { checkpoint: { maxRecords: 20 } });
    for (let i = 0; i < 50; i++)
      await store.write((tx) => tx.run('INSERT INTO items VALUES (?, ?)', [`k${i}`, i]));
    await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(join(dir, 'cloudlab.db'))).toBe(true);
    await store.close();
    const reopened = await open(dir);
    expect(reopened.get<{ n: number }>('SELECT count(*) AS n FROM items')!.n).toBe(50);
    await reopened.close();
  });

  it('with --fsync, shares flushes between concurrent writers (group commit)', async () => {
    const dir = workspace();
    const store = await open(dir, { sync: 'always' });
    const before = store.flushes;
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        store.write((tx) => tx.run('INSERT INTO items VALUES (?, ?)', [`k${i}`, i])),
      ),
    );
    const flushes = store.flushes - before;
    expect(flushes).toBeGreaterThan(0);
    expect(flushes).toBeLessThan(200);
    await store.close();
  });

  it('drops a torn final record and says so', async () => {
    const dir = workspace();
    const store = await open(dir);
    await store.write((tx) => tx.run('INSERT INTO items VALUES (?, ?)', ['a', 1]));
    const journal = join(dir, 'journal', readdirSync(join(dir, 'journal')).sort().pop()!);
    appendFileSync(journal, Buffer.from([200, 0, 0, 0, 1, 2, 3])); // a frame header cut short
    const reopened = await open(dir);
    expect(reopened.notes.join(' ')).toMatch(/incomplete final journal record/);
    expect(reopened.get('SELECT v FROM items WHERE k = ?', ['a'])).toEqual({ v: 1 });
    await reopened.close();
  });

  it('reports a damaged journal instead of skipping records, and keeps it aside on --recover', async () => {
    const dir = workspace();
    const store = await open(dir);
    await store.write((tx) => tx.run('INSERT INTO items VALUES (?, ?)', ['a', 1]));
    await store.write((tx) => tx.run('INSERT INTO items VALUES (?, ?)', ['b', 2]));
    const file = join(dir, 'journal', readdirSync(join(dir, 'journal')).sort()[0]!);
    const bytes = readFileSync(file);
    bytes[8 + 8 + 3] = bytes[8 + 8 + 3]! ^ 0xff; // flip a payload byte of an early record: its checksum fails
    writeFileSync(file, bytes);
    const failure = await Store.open({ dir }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(WorkspaceError);
    expect(String((failure as Error).message)).toMatch(/journal file .* is damaged/);
    expect(String((failure as Error).message)).toMatch(/--recover/);
    expect(readFileSync(file)).toEqual(bytes); // nothing changed

    const recovered = await open(dir, { recover: true });
    expect(recovered.notes.join(' ')).toMatch(/moved to .*damaged-/);
    expect(recovered.all('SELECT * FROM items')).toEqual([]);
    const aside = readdirSync(dir).find((n) => n.startsWith('damaged-'))!;
    expect(readdirSync(join(dir, aside, 'journal'))).toHaveLength(1);
    await recovered.close();
  });

  it('reports a damaged database file with a clear message', async () => {
    const dir = workspace();
    writeFileSync(join(dir, 'cloudlab.db'), 'this is not a database, just text '.repeat(200));
    const failure = await Store.open({ dir }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(WorkspaceError);
    expect((failure as Error).message).toMatch(/cloudlab\.db is damaged/);
    expect((failure as WorkspaceError).files[0]).toBe(join(dir, 'cloudlab.db'));
  });

  it('refuses a workspace another live process holds', async () => {
    const dir = workspace();
    writeFileSync(join(dir, 'cloudlab.lock'), String(process.ppid));
    await expect(Store.open({ dir })).rejects.toThrow(/in use by another Cloud Lab process/);
    writeFileSync(join(dir, 'cloudlab.lock'), '999999'); // stale: that process is gone
    const store = await Store.open({ dir });
    await store.close();
    expect(existsSync(join(dir, 'cloudlab.lock'))).toBe(false);
  });

  it('stores binary parameters through the journal', async () => {
    const dir = workspace();
    const store = await Store.open({ dir });
    await store.migrate([{ id: 'b/1', up: (tx) => tx.run('CREATE TABLE b (k TEXT, v BLOB)') }]);
    await store.write((tx) => tx.run('INSERT INTO b VALUES (?, ?)', ['x', new Uint8Array([0, 1, 254, 255])]));
    // A Buffer (a Uint8Array subclass with its own toJSON) and a view into a larger buffer.
    await store.write((tx) => tx.run('INSERT INTO b VALUES (?, ?)', ['y', Buffer.from([9, 8, 7])]));
    const view = new Uint8Array([1, 2, 3, 4, 5]).subarray(1, 3);
    await store.write((tx) => tx.run('INSERT INTO b VALUES (?, ?)', ['z', view]));
    const reopened = await Store.open({ dir }); // replay, no checkpoint
    const rows = reopened.all<{ k: string; v: Uint8Array }>('SELECT k, v FROM b ORDER BY k');
    expect(rows.map((r) => [r.k, [...r.v]])).toEqual([
      ['x', [0, 1, 254, 255]],
      ['y', [9, 8, 7]],
      ['z', [2, 3]],
    ]);
    await reopened.close();
  });
});
