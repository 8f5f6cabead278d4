/**
 * Route 53 names: the canonical form (lower case, trailing dot, octal escapes such as `\052`),
 * FATAL problems for bad labels, reversed-label sort names, zone membership and ID prefixes.
 */
import { describe, expect, it } from 'vitest';
import {
  bareChangeId,
  bareZoneId,
  canonicalName,
  decodeName,
  inZone,
  normaliseName,
  sortName,
} from '../../../electron/core/services/route53/names';

describe('canonical names', () => {
  it('lower-cases and adds the trailing dot', () => {
    expect(normaliseName('WWW.Example.COM')).toBe('www.example.com.');
    expect(normaliseName('example.com.')).toBe('example.com.');
  });

  it('escapes characters other than a-z, 0-9, - and _ as three octal digits', () => {
    expect(normaliseName('*.example.com')).toBe('\\052.example.com.');
    expect(normaliseName('\\052.example.com')).toBe('\\052.example.com.');
    expect(normaliseName('_sip._tcp.example.com')).toBe('_sip._tcp.example.com.');
    expect(normaliseName('a@b.example.com')).toBe('a\\100b.example.com.');
    expect(decodeName('\\052.example.com.')).toBe('*.example.com.');
  });

  it('reports empty and over-long labels with Route 53 problem codes', () => {
    expect(canonicalName('a..example.com')).toEqual({
      problem: { code: 'DomainLabelEmpty', text: 'Domain label is empty' },
    });
    expect(canonicalName(`${'a'.repeat(64)}.com`)).toMatchObject({ problem: { code: 'DomainLabelTooLong' } });
    expect(canonicalName(`${'a'.repeat(63)}.com`)).toEqual({ name: `${'a'.repeat(63)}.com.` });
    const long = Array.from({ length: 5 }, () => 'a'.repeat(60)).join('.');
    expect(canonicalName(long)).toMatchObject({ problem: { code: 'DomainNameTooLong' } });
    expect(() => normaliseName('a..b')).toThrow(
      "[FATAL problem: DomainLabelEmpty (Domain label is empty) encountered with 'a..b']",
    );
  });
});

describe('order and membership', () => {
  it('sorts by reversed labels', () => {
    expect(sortName('www.example.com.')).toBe('com.example.www.');
    const names = ['www.example.com.', 'example.com.', 'a.example.com.', 'example.org.', 'b.a.example.com.'];
    expect(names.sort((a, b) => (sortName(a) < sortName(b) ? -1 : 1))).toEqual([
      'example.com.',
      'a.example.com.',
      'b.a.example.com.',
      'www.example.com.',
      'example.org.',
    ]);
  });

  it('knows which names belong to a zone', () => {
    expect(inZone('example.com.', 'example.com.')).toBe(true);
    expect(inZone('www.example.com.', 'example.com.')).toBe(true);
    expect(inZone('wwwexample.com.', 'example.com.')).toBe(false);
    expect(inZone('example.org.', 'example.com.')).toBe(false);
  });

  it('accepts IDs with or without their prefixes', () => {
    expect(bareZoneId('/hostedzone/Z123')).toBe('Z123');
    expect(bareZoneId('Z123')).toBe('Z123');
    expect(bareChangeId('/change/C9')).toBe('C9');
  });
});
