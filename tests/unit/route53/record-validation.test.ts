/**
 * Record value syntax as Route 53 checks it (A/AAAA addresses, MX, SRV, TXT character strings,
 * CAA, SOA, host names) and the field rules that answer InvalidInput.
 */
import type { Change } from '@aws-sdk/client-route-53';
import { describe, expect, it } from 'vitest';
import {
  canonicalRecordSet,
  characterStrings,
  checkFields,
  isIPv6,
  policyOf,
  valueProblem,
  valueProblems,
} from '../../../electron/core/services/route53/record-validation';

const REGIONS = ['us-east-1', 'eu-west-1'];

describe('values', () => {
  it('checks IPv4 and IPv6 addresses', () => {
    expect(valueProblem('A', '192.0.2.1')).toBeUndefined();
    for (const bad of ['192.0.2', '256.1.1.1', '01.2.3.4', 'a.b.c.d', ' 1.2.3.4'])
      expect(valueProblem('A', bad)?.code).toBe('ARRDATAIllegalIPv4Address');
    for (const good of ['::1', '2001:db8::1', '2001:0db8:0:0:0:0:0:1', '::ffff:192.0.2.1', '::'])
      expect(isIPv6(good), good).toBe(true);
    for (const bad of ['1:2:3:4:5:6:7:8:9', '2001:db8::g', '1::2::3', '1.2.3.4', ':1'])
      expect(isIPv6(bad), bad).toBe(false);
    expect(valueProblem('AAAA', '192.0.2.1')?.code).toBe('AAAARRDATAIllegalIPv6Address');
  });

  it('checks MX, SRV, CAA and SOA fields', () => {
    expect(valueProblem('MX', '10 mail.example.com')).toBeUndefined();
    expect(valueProblem('MX', 'mail.example.com')).toBeDefined();
    expect(valueProblem('MX', '70000 mail.example.com')).toBeDefined();
    expect(valueProblem('SRV', '1 10 5269 xmpp.example.com.')).toBeUndefined();
    expect(valueProblem('SRV', '1 10 xmpp.example.com.')).toBeDefined();
    expect(valueProblem('CAA', '0 issue "amazon.com"')).toBeUndefined();
    expect(valueProblem('CAA', '0 issue amazon.com')).toBeDefined();
    expect(valueProblem('CAA', '300 issue "amazon.com"')).toBeDefined();
    expect(
      valueProblem('SOA', 'ns-1.awsdns-01.com. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400'),
    ).toBeUndefined();
    expect(valueProblem('SOA', 'ns-1.awsdns-01.com. 1 7200')).toBeDefined();
  });

  it('checks TXT character strings: quoted, at most 255 characters each', () => {
    expect(characterStrings('"v=spf1 -all"')).toBeUndefined();
    expect(characterStrings('"part one" "part two"')).toBeUndefined();
    expect(characterStrings('"with \\"escaped\\" quotes"')).toBeUndefined();
    expect(characterStrings(`"${'x'.repeat(255)}"`)).toBeUndefined();
    expect(characterStrings(`"${'x'.repeat(256)}"`)).toEqual({
      code: 'CharacterStringTooLong',
      text: 'Value is too long',
    });
    expect(characterStrings('v=spf1')).toEqual({
      code: 'InvalidCharacterString',
      text: 'Value should be enclosed in quotation marks',
    });
    expect(
      valueProblems({ Name: 'a.example.com.', Type: 'TXT', TTL: 1, ResourceRecords: [{ Value: 'v=spf1' }] }),
    ).toEqual([
      "Invalid Resource Record: 'FATAL problem: InvalidCharacterString (Value should be enclosed in quotation marks) encountered with 'v=spf1''",
    ]);
  });

  it('allows one value only in a CNAME', () => {
    expect(
      valueProblems({
        Name: 'a.example.com.',
        Type: 'CNAME',
        TTL: 1,
        ResourceRecords: [{ Value: 'b.example.com' }, { Value: 'c.example.com' }],
      }),
    ).toHaveLength(1);
  });
});

describe('fields', () => {
  const change = (rs: Change['ResourceRecordSet']): Change => ({ Action: 'CREATE', ResourceRecordSet: rs });

  it('wants TTL and ResourceRecords, or AliasTarget, not both', () => {
    expect(() =>
      checkFields(
        change({
          Name: 'a.example.com.',
          Type: 'A',
          TTL: 60,
          ResourceRecords: [{ Value: '192.0.2.1' }],
          AliasTarget: { HostedZoneId: 'Z1', DNSName: 'b.example.com', EvaluateTargetHealth: false },
        }),
        1,
        REGIONS,
      ),
    ).toThrow(
      /Expected exactly one of \[AliasTarget, all of \[TTL, and ResourceRecords\], or TrafficPolicyInstanceId\], but found more than one/,
    );
    expect(() => checkFields(change({ Name: 'a.example.com.', Type: 'A' }), 1, REGIONS)).toThrow(
      /but found none/,
    );
  });

  it('checks the TTL range and routing policy fields', () => {
    const base = { Name: 'a.example.com.', Type: 'A' as const, ResourceRecords: [{ Value: '192.0.2.1' }] };
    expect(() => checkFields(change({ ...base, TTL: -1 }), 1, REGIONS)).toThrow(/greater than or equal to 0/);
    expect(() => checkFields(change({ ...base, TTL: 2147483648 }), 1, REGIONS)).toThrow(
      /less than or equal to 2147483647/,
    );
    expect(() => checkFields(change({ ...base, TTL: 60, Weight: 10 }), 1, REGIONS)).toThrow(
      /Missing field 'SetIdentifier'/,
    );
    expect(() => checkFields(change({ ...base, TTL: 60, SetIdentifier: 'x' }), 1, REGIONS)).toThrow(
      /but found none/,
    );
    expect(() =>
      checkFields(
        change({ ...base, TTL: 60, SetIdentifier: 'x', Weight: 1, Region: 'us-east-1' }),
        1,
        REGIONS,
      ),
    ).toThrow(/found more than one/);
    expect(() =>
      checkFields(change({ ...base, TTL: 60, SetIdentifier: 'x', Weight: 256 }), 1, REGIONS),
    ).toThrow(/less than or equal to 255/);
    expect(() =>
      checkFields(
        change({ ...base, TTL: 60, SetIdentifier: 'x', Region: 'mars-1' as 'us-east-1' }),
        1,
        REGIONS,
      ),
    ).toThrow(/enum value set/);
    expect(() =>
      checkFields(
        change({ ...base, TTL: 60, SetIdentifier: 'x', GeoLocation: { ContinentCode: 'XX' } }),
        1,
        REGIONS,
      ),
    ).toThrow(/GeoLocation/);
    expect(() =>
      checkFields(
        change({
          ...base,
          TTL: 60,
          SetIdentifier: 'x',
          GeoLocation: { CountryCode: 'US', SubdivisionCode: 'WA' },
        }),
        1,
        REGIONS,
      ),
    ).not.toThrow();
  });

  it('names the policy and keeps a canonical shape', () => {
    expect(policyOf({ Name: 'a.', Type: 'A', Weight: 1 })).toBe('weighted');
    expect(policyOf({ Name: 'a.', Type: 'A', Failover: 'PRIMARY' })).toBe('failover');
    expect(policyOf({ Name: 'a.', Type: 'A' })).toBe('simple');
    expect(
      canonicalRecordSet(
        {
          Type: 'A',
          Name: 'X',
          AliasTarget: {
            DNSName: 'WWW.Example.com',
            HostedZoneId: '/hostedzone/Z1',
            EvaluateTargetHealth: true,
          },
        },
        'x.example.com.',
      ),
    ).toEqual({
      Name: 'x.example.com.',
      Type: 'A',
      AliasTarget: { HostedZoneId: 'Z1', DNSName: 'www.example.com.', EvaluateTargetHealth: true },
    });
  });
});
