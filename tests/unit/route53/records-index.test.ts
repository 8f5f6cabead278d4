/**
 * The resolver reads record sets from an in-memory index of each zone. It must never answer
 * what the store does not hold: after UPSERT, DELETE, a deleted zone, and a transaction that
 * wrote a record set and then rolled back.
 */
import { expect, it } from 'vitest';
import { indexedSetsAt, putRecord } from '../../../electron/core/services/route53/records-store';
import { resolverLab } from './resolver-lab';

it('answers what the store holds after every kind of write', async () => {
  const lab = await resolverLab();
  const z = await lab.zone('index.example');
  await lab.records(z, lab.a('www.index.example', '192.0.2.1'));
  expect(await lab.values('www.index.example')).toEqual(['192.0.2.1']);
  expect((await lab.ask('deep.sub.index.example')).code).toBe('NXDOMAIN');

  // UPSERT, and a name below another: the empty non-terminal now exists.
  await lab.records(z, lab.a('www.index.example', '192.0.2.2'), lab.a('deep.sub.index.example', '192.0.2.3'));
  expect(await lab.values('www.index.example')).toEqual(['192.0.2.2']);
  expect(await lab.ask('sub.index.example')).toMatchObject({ code: 'NOERROR', answers: [] });

  // A write that rolls back leaves no trace in the answers.
  await expect(
    lab.cloud.store.write((tx) => {
      putRecord(tx, z, {
        Name: 'ghost.index.example.',
        Type: 'A',
        TTL: 60,
        ResourceRecords: [{ Value: '192.0.2.9' }],
      });
      // Read through the index inside the transaction: it now holds the uncommitted set.
      expect(indexedSetsAt(lab.cloud.store, z, 'ghost.index.example.')).toHaveLength(1);
      throw new Error('no');
    }),
  ).rejects.toThrow('no');
  expect((await lab.ask('ghost.index.example')).code).toBe('NXDOMAIN');

  // DELETE, then the whole zone.
  await lab.r53('ChangeResourceRecordSets', {
    HostedZoneId: z,
    ChangeBatch: {
      Changes: [
        { Action: 'DELETE', ResourceRecordSet: lab.a('www.index.example', '192.0.2.2') },
        { Action: 'DELETE', ResourceRecordSet: lab.a('deep.sub.index.example', '192.0.2.3') },
      ],
    },
  });
  expect((await lab.ask('www.index.example')).code).toBe('NXDOMAIN');
  expect((await lab.ask('sub.index.example')).code).toBe('NXDOMAIN');
  await lab.r53('DeleteHostedZone', { Id: z });
  expect((await lab.ask('index.example', 'SOA')).code).toBe('REFUSED');
});
