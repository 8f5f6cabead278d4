import { describe, expect, it } from 'vitest';
import { Ids, idMigrations } from '../../../electron/core/kernel/ids';
import { Store } from '../../../electron/core/kernel/store';

async function draw(seed: string | null, steps: Array<[string, 'resource' | 'uuid' | 'upper']>) {
  const store = await Store.open({ dir: null });
  await store.migrate(idMigrations);
  const ids = new Ids(seed);
  const out: string[] = [];
  for (const [ns, kind] of steps) {
    out.push(
      await store.write((tx) =>
        kind === 'resource'
          ? ids.resource(tx, ns)
          : kind === 'uuid'
            ? ids.uuid(tx, ns)
            : `Z${ids.upper(tx, ns, 20)}`,
      ),
    );
  }
  await store.close();
  return out;
}

describe('Ids', () => {
  const steps: Array<[string, 'resource' | 'uuid' | 'upper']> = [
    ['i', 'resource'],
    ['vpc', 'resource'],
    ['i', 'resource'],
    ['request', 'uuid'],
    ['zone', 'upper'],
  ];

  it('uses AWS formats', async () => {
    const [instance, vpc, , uuid, zone] = await draw(null, steps);
    expect(instance).toMatch(/^i-0[0-9a-f]{16}$/);
    expect(vpc).toMatch(/^vpc-0[0-9a-f]{16}$/);
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(zone).toMatch(/^Z[0-9A-Z]{20}$/);
  });

  it('gives the same IDs for the same seed and steps, and different ones otherwise', async () => {
    const a = await draw('42', steps);
    const b = await draw('42', steps);
    const c = await draw('43', steps);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a[0]).not.toEqual(a[2]);
    for (const id of a.slice(0, 3)) expect(id).toMatch(/^(i|vpc)-0[0-9a-f]{16}$/);
  });

  it('keeps namespaces independent: other draws in between do not change a namespace', async () => {
    const plain = await draw('7', [
      ['i', 'resource'],
      ['i', 'resource'],
    ]);
    const interleaved = await draw('7', [
      ['i', 'resource'],
      ['sg', 'resource'],
      ['sg', 'resource'],
      ['i', 'resource'],
    ]);
    expect([interleaved[0], interleaved[3]]).toEqual(plain);
  });

  it('is random without a seed', async () => {
    const a = await draw(null, steps);
    const b = await draw(null, steps);
    expect(a[0]).not.toEqual(b[0]);
  });
});
