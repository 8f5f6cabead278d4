/**
 * Amazon Route 53 with the real AWS CLI v2 against `cloudlab serve`: create-hosted-zone,
 * change-resource-record-sets with a --change-batch file, list-resource-record-sets (with the CLI's
 * own paging and --query), `aws route53 wait resource-record-sets-changed`, get-hosted-zone,
 * list-hosted-zones-by-name, and the errors the CLI prints for Route 53's refusals.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliLab } from '../support/aws-cli';

const { run } = cliLab();

/** The CLI's exit status for an error the service returned (254 in CLI v2; 255 in older CLIs). */
const SERVICE_ERROR = [254, 255];

type Json = Record<string, unknown>;
const ok = (...args: string[]): Json => {
  const r = run(...args);
  if (r.status !== 0) throw new Error(`aws ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return r.stdout.trim() ? (r.json() as Json) : {};
};

const dir = mkdtempSync(join(tmpdir(), 'r53-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function batchFile(name: string, batch: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(batch));
  return `file://${path}`;
}

let zoneId = '';

describe('aws route53', () => {
  it('create-hosted-zone answers the zone, its change, four name servers and the Location', () => {
    const out = ok(
      'route53',
      'create-hosted-zone',
      '--name',
      'cli.example',
      '--caller-reference',
      'cli-1',
      '--hosted-zone-config',
      'Comment=from the CLI',
    ) as {
      HostedZone: { Id: string; Name: string; Config: Json; ResourceRecordSetCount: number };
      ChangeInfo: { Status: string };
      DelegationSet: { NameServers: string[] };
      Location: string;
    };
    zoneId = out.HostedZone.Id;
    expect(zoneId).toMatch(/^\/hostedzone\/Z[0-9A-Z]{20}$/);
    expect(out.HostedZone).toMatchObject({
      Name: 'cli.example.',
      Config: { Comment: 'from the CLI', PrivateZone: false },
      ResourceRecordSetCount: 2,
    });
    expect(out.ChangeInfo.Status).toBe('PENDING');
    expect(out.DelegationSet.NameServers).toHaveLength(4);
    expect(out.Location).toBe(`https://route53.amazonaws.com/2013-04-01${zoneId}`);

    const again = run(
      'route53',
      'create-hosted-zone',
      '--name',
      'cli.example',
      '--caller-reference',
      'cli-1',
    );
    expect(SERVICE_ERROR).toContain(again.status);
    expect(again.stderr).toContain(
      'An error occurred (HostedZoneAlreadyExists) when calling the CreateHostedZone operation: A hosted zone has already been created with the specified caller reference.',
    );
  });

  it('change-resource-record-sets --change-batch file://, then wait resource-record-sets-changed', () => {
    const file = batchFile('create.json', {
      Comment: 'web records',
      Changes: [
        {
          Action: 'CREATE',
          ResourceRecordSet: {
            Name: 'www.cli.example',
            Type: 'A',
            TTL: 60,
            ResourceRecords: [{ Value: '192.0.2.10' }, { Value: '192.0.2.11' }],
          },
        },
        {
          Action: 'CREATE',
          ResourceRecordSet: {
            Name: 'cli.example',
            Type: 'MX',
            TTL: 300,
            ResourceRecords: [{ Value: '10 mail.cli.example.' }],
          },
        },
        {
          Action: 'CREATE',
          ResourceRecordSet: {
            Name: '*.cli.example',
            Type: 'TXT',
            TTL: 300,
            ResourceRecords: [{ Value: '"hello"' }],
          },
        },
      ],
    });
    const out = ok(
      'route53',
      'change-resource-record-sets',
      '--hosted-zone-id',
      zoneId,
      '--change-batch',
      file,
    ) as {
      ChangeInfo: { Id: string; Status: string; Comment: string };
    };
    expect(out.ChangeInfo).toMatchObject({ Status: 'PENDING', Comment: 'web records' });
    const waited = run('route53', 'wait', 'resource-record-sets-changed', '--id', out.ChangeInfo.Id);
    expect(waited.status, waited.stderr).toBe(0);
    const change = ok('route53', 'get-change', '--id', out.ChangeInfo.Id) as {
      ChangeInfo: { Status: string };
    };
    expect(change.ChangeInfo.Status).toBe('INSYNC');
  });

  it('list-resource-record-sets lists in Route 53 order, pages and queries', () => {
    const all = ok('route53', 'list-resource-record-sets', '--hosted-zone-id', zoneId) as {
      ResourceRecordSets: Array<{ Name: string; Type: string }>;
    };
    expect(all.ResourceRecordSets.map((r) => `${r.Name} ${r.Type}`)).toEqual([
      'cli.example. MX',
      'cli.example. NS',
      'cli.example. SOA',
      '\\052.cli.example. TXT',
      'www.cli.example. A',
    ]);
    // The CLI pages through with StartRecordName/StartRecordType itself.
    const paged = ok(
      'route53',
      'list-resource-record-sets',
      '--hosted-zone-id',
      zoneId,
      '--page-size',
      '2',
    ) as {
      ResourceRecordSets: unknown[];
    };
    expect(paged.ResourceRecordSets).toEqual(all.ResourceRecordSets);
    const values = run(
      'route53',
      'list-resource-record-sets',
      '--hosted-zone-id',
      zoneId,
      '--query',
      "ResourceRecordSets[?Type=='A'].ResourceRecords[].Value",
      '--output',
      'text',
    );
    expect(values.stdout.trim().split(/\s+/)).toEqual(['192.0.2.10', '192.0.2.11']);
  });

  it('prints InvalidChangeBatch with Route 53 messages', () => {
    const file = batchFile('dup.json', {
      Changes: [
        {
          Action: 'CREATE',
          ResourceRecordSet: {
            Name: 'www.cli.example',
            Type: 'A',
            TTL: 60,
            ResourceRecords: [{ Value: '192.0.2.10' }],
          },
        },
      ],
    });
    const r = run(
      'route53',
      'change-resource-record-sets',
      '--hosted-zone-id',
      zoneId,
      '--change-batch',
      file,
    );
    expect(SERVICE_ERROR).toContain(r.status);
    expect(r.stderr).toContain(
      "An error occurred (InvalidChangeBatch) when calling the ChangeResourceRecordSets operation: [Tried to create resource record set [name='www.cli.example.', type='A'] but it already exists]",
    );
  });

  it('get-hosted-zone and list-hosted-zones-by-name', () => {
    const got = ok('route53', 'get-hosted-zone', '--id', zoneId) as {
      HostedZone: { Id: string; ResourceRecordSetCount: number };
      DelegationSet: { NameServers: string[] };
    };
    expect(got.HostedZone).toMatchObject({ Id: zoneId, ResourceRecordSetCount: 5 });
    expect(got.DelegationSet.NameServers).toHaveLength(4);
    const byName = ok('route53', 'list-hosted-zones-by-name', '--dns-name', 'cli.example') as {
      HostedZones: Array<{ Id: string }>;
    };
    expect(byName.HostedZones[0]!.Id).toBe(zoneId);
  });

  it('delete-hosted-zone refuses a zone with records, and names a missing zone', () => {
    const notEmpty = run('route53', 'delete-hosted-zone', '--id', zoneId);
    expect(SERVICE_ERROR).toContain(notEmpty.status);
    expect(notEmpty.stderr).toContain(
      'An error occurred (HostedZoneNotEmpty) when calling the DeleteHostedZone operation: The hosted zone contains resource records that are not SOA or NS records.',
    );
    const missing = run('route53', 'delete-hosted-zone', '--id', 'Z0000000000000000000X');
    expect(SERVICE_ERROR).toContain(missing.status);
    expect(missing.stderr).toContain(
      'An error occurred (NoSuchHostedZone) when calling the DeleteHostedZone operation: No hosted zone found with ID: Z0000000000000000000X',
    );
    const emptied = batchFile('empty.json', {
      Changes: [
        {
          Action: 'DELETE',
          ResourceRecordSet: {
            Name: 'www.cli.example.',
            Type: 'A',
            TTL: 60,
            ResourceRecords: [{ Value: '192.0.2.10' }, { Value: '192.0.2.11' }],
          },
        },
        {
          Action: 'DELETE',
          ResourceRecordSet: {
            Name: 'cli.example.',
            Type: 'MX',
            TTL: 300,
            ResourceRecords: [{ Value: '10 mail.cli.example.' }],
          },
        },
        {
          Action: 'DELETE',
          ResourceRecordSet: {
            Name: '\\052.cli.example.',
            Type: 'TXT',
            TTL: 300,
            ResourceRecords: [{ Value: '"hello"' }],
          },
        },
      ],
    });
    ok('route53', 'change-resource-record-sets', '--hosted-zone-id', zoneId, '--change-batch', emptied);
    const deleted = ok('route53', 'delete-hosted-zone', '--id', zoneId) as { ChangeInfo: { Status: string } };
    expect(deleted.ChangeInfo.Status).toBe('PENDING');
  });
});
