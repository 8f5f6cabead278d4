/**
 * The dedicated ListBucketResult writer (rest-xml-listing.ts) against the model-driven XmlWriter
 * it stands in for: the same document, byte for byte — for hand-made values that reach every
 * member (escaping, owners, restore status, checksum algorithms, odd types, null items) and for
 * what the S3 service itself answers (CommonPrefixes, continuation tokens, StartAfter,
 * EncodingType=url, FetchOwner, ListObjects markers), also as the gateway's codec encodes it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cloud } from '../../../electron/core/cloud';
import { Gateway } from '../../../electron/gateway/gateway';
import type { GatewayRequest } from '../../../electron/gateway/http';
import { ModelRegistry } from '../../../electron/gateway/model';
import { writeListObjects, writeListObjectsV2 } from '../../../electron/gateway/protocols/rest-xml-listing';
import { isoTimestamp } from '../../../electron/gateway/protocols/values';
import { XmlWriter } from '../../../electron/gateway/protocols/xml-writer';
import { RESOURCES } from '../../support/temp';

const model = new ModelRegistry(RESOURCES).get('s3-2006-03-01');
const NS = ' xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';

/** What the generic writer makes of `value` as operation `op`'s output document. */
function generic(op: 'ListObjectsV2' | 'ListObjects', value: Record<string, unknown>): string {
  const shape = model.operation(op)!.output!;
  return new XmlWriter(model)
    .raw('<?xml version="1.0" encoding="UTF-8"?>\n')
    .value('ListBucketResult', shape, value, NS)
    .toString();
}

const dedicated = (op: 'ListObjectsV2' | 'ListObjects', value: Record<string, unknown>) =>
  (op === 'ListObjectsV2' ? writeListObjectsV2 : writeListObjects)('ListBucketResult', value, NS);

const awkward = `a&b<c>d"e'f\rg ü 🙂 /x%2F`;

describe('ListBucketResult: the dedicated writer equals the generic one', () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['empty', { IsTruncated: false, Name: 'b', Prefix: '', MaxKeys: 1000, KeyCount: 0 }],
    ['nothing at all', {}],
    [
      'every member, with characters to escape',
      {
        IsTruncated: true,
        Contents: [
          {
            Key: awkward,
            LastModified: new Date(Date.UTC(2026, 10, 23, 4, 5, 6, 789)),
            ETag: '"0123456789abcdef0123456789abcdef"',
            ChecksumAlgorithm: ['CRC32', 'SHA256'],
            Size: 1024,
            StorageClass: 'STANDARD',
            Owner: { DisplayName: 'me & you', ID: '<id>' },
            RestoreStatus: { IsRestoreInProgress: false, RestoreExpiryDate: new Date(0) },
          },
          { Key: 'k2', Size: 0, Owner: {}, RestoreStatus: { IsRestoreInProgress: true } },
          null,
          { Key: 'odd types', Size: '17', LastModified: 1700000000, ChecksumAlgorithm: 'CRC32' },
        ],
        Name: 'bucket',
        Prefix: awkward,
        Delimiter: '&',
        MaxKeys: 7,
        CommonPrefixes: [{ Prefix: `${awkward}/` }, {}, null],
        EncodingType: 'url',
        KeyCount: 5,
        ContinuationToken: 'MS9h',
        NextContinuationToken: 'MS9i',
        StartAfter: awkward,
        RequestCharged: 'requester',
        NotInTheModel: 'ignored',
        Marker: 'only in ListObjects',
        NextMarker: 'only in ListObjects',
      },
    ],
    ['Contents not a list', { Contents: 'x', CommonPrefixes: 5, IsTruncated: 0 }],
  ];
  for (const op of ['ListObjectsV2', 'ListObjects'] as const) {
    for (const [name, value] of cases) {
      it(`${op}: ${name}`, () => {
        expect(dedicated(op, value)).toBe(generic(op, value));
      });
    }
  }

  it('a change in the document is noticed (the comparison can fail)', () => {
    const value = { IsTruncated: false, Contents: [{ Key: 'a&b', Size: 1 }] };
    expect(dedicated('ListObjectsV2', value)).toContain('<Key>a&amp;b</Key>');
    expect(dedicated('ListObjectsV2', value)).not.toBe(generic('ListObjects', { ...value, Marker: '' }));
  });
});

describe('isoTimestamp', () => {
  it('equals toISOString: edges of months, leap days, centuries, the epoch and 9999', () => {
    const instants = [
      0,
      1,
      999,
      Date.UTC(2000, 1, 29, 23, 59, 59, 999),
      Date.UTC(2100, 1, 28, 12),
      Date.UTC(2100, 2, 1),
      Date.UTC(2400, 1, 29),
      Date.UTC(1999, 11, 31, 23, 59, 59, 999),
      Date.UTC(9999, 11, 31, 23, 59, 59, 999),
      // Outside the fast range: toISOString itself.
      Date.UTC(10000, 0, 1),
      -1,
      Date.UTC(1969, 6, 20, 20, 17),
    ];
    // And a spread of instants, deterministic (a linear congruence over 1970–9999).
    let x = 12345;
    for (let i = 0; i < 20000; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      instants.push(Math.floor((x / 2147483648) * Date.UTC(10000, 0, 1)));
    }
    for (const ms of instants) expect(isoTimestamp(ms)).toBe(new Date(ms).toISOString());
  });
});

describe('ListBucketResult of the S3 service, through the codec', () => {
  let cloud: Cloud;
  let gateway: Gateway;
  let keys: string[] = [];
  beforeAll(async () => {
    cloud = await Cloud.open({ dataDir: null, resourcesDir: RESOURCES });
    gateway = new Gateway({ cloud, resourcesDir: RESOURCES });
    await call('CreateBucket', { Bucket: 'listing' });
    keys = [
      'plain',
      'a&b',
      'x<y>z',
      `q"u'o\rte`,
      'dir/one',
      'dir/two',
      'ü/🙂',
      'sp ace',
      'p%2F',
      'back\\slash\ttab',
      'ctl\u0001\u001f',
      'zz-last',
    ];
    for (const Key of keys) await call('PutObject', { Bucket: 'listing', Key, Body: Key });
  });
  afterAll(() => cloud.close());

  const call = (operation: string, input: unknown) =>
    cloud.invoke({
      service: 's3',
      operation,
      input,
      region: 'us-east-1',
      principal: cloud.accounts.consolePrincipal(),
      source: 'internal',
    }) as Promise<Record<string, unknown>>;

  const inputs: Array<[string, Record<string, unknown>]> = [
    ['everything', {}],
    ['a delimiter (CommonPrefixes)', { Delimiter: '/' }],
    ['url encoding', { Delimiter: '/', EncodingType: 'url', StartAfter: 'a&b' }],
    ['pages', { MaxKeys: 2, FetchOwner: true }],
    ['a prefix that needs escaping', { Prefix: 'x<' }],
  ];

  for (const [name, extra] of inputs) {
    it(`ListObjectsV2, ${name}`, async () => {
      let token: string | undefined;
      let pages = 0;
      const seen: string[] = [];
      do {
        const out = await call('ListObjectsV2', {
          Bucket: 'listing',
          ...extra,
          ...(token ? { ContinuationToken: token } : {}),
        });
        expect(encoded('ListObjectsV2', out)).toBe(generic('ListObjectsV2', out));
        for (const c of (out.Contents ?? []) as Array<{ Key: string }>) seen.push(c.Key);
        token = out.NextContinuationToken as string | undefined;
        pages++;
      } while (token && pages < 10);
      // Every key, in byte order (UTF-8, as S3 lists them), read back exactly.
      if (!extra.Delimiter && !extra.Prefix && !extra.StartAfter) {
        const sorted = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
        expect(seen).toEqual(sorted);
      }
    });

    it(`ListObjects, ${name}`, async () => {
      const { StartAfter: _s, FetchOwner: _f, ...v1 } = extra;
      const out = await call('ListObjects', { Bucket: 'listing', ...v1, Marker: 'a' });
      expect(encoded('ListObjects', out)).toBe(generic('ListObjects', out));
    });
  }

  /** The body the gateway's S3 codec sends for this output. */
  function encoded(op: string, output: Record<string, unknown>): string {
    const codec = gateway.codec(cloud.services.get('s3')!);
    const req = { method: 'GET' } as GatewayRequest;
    const res = codec.encode(req, codec.model.operation(op)!, output, 'REQ');
    expect(res.headers['content-type']).toBe('application/xml');
    return res.body as string;
  }
});
