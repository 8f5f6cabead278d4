import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toTable, toYaml } from '../../../electron/core/os/aws-cli/output';

// Each <name>.json is what the real AWS CLI (2.9.19) printed with `--output json`; <name>.txt is
// its `--output table` for the same call piped (80 columns), <name>.w<N>.txt the same drawn in a
// terminal N columns wide (`--color off`), <name>.yaml its `--output yaml`. uni and ystress
// were fed straight to the CLI's own TableFormatter / YAMLDumper.
const dir = join(__dirname, 'fixtures', 'aws-table');
const fixture = (file: string) => readFileSync(join(dir, file), 'utf8');
const data = (name: string) => JSON.parse(fixture(`${name}.json`)) as unknown;

describe('aws --output table matches the real CLI', () => {
  const cases: Array<[string, string, string, number]> = [
    ['a dict with headers (sts get-caller-identity)', 'sts', 'GetCallerIdentity', 80],
    ['a list of dicts with a header row (describe-regions)', 'regions', 'DescribeRegions', 80],
    ['single-row sections go vertical when too wide for 80 columns', 'azs2', 'DescribeAvailabilityZones', 80],
    ['still vertical at 100 columns', 'azs2', 'DescribeAvailabilityZones', 100],
    ['horizontal in a 200-column terminal', 'azs2', 'DescribeAvailabilityZones', 200],
    ['nested sections, vertical at 80 (describe-key-pairs)', 'keys', 'DescribeKeyPairs', 80],
    ['nested sections, horizontal at 200', 'keys', 'DescribeKeyPairs', 200],
    ['deeply nested structures (describe-instance-types)', 'itype', 'DescribeInstanceTypes', 80],
    ['a list of lists: one row each, no header', 'lol', 'DescribeInstances', 80],
    ['a list of scalars', 'scalars', 'DescribeRegions', 80],
    ['a query building a dict of dicts and lists', 'nested', 'DescribeInstances', 80],
    ['a dict of two scalars: header and row', 'onekey', 'DescribeInstances', 80],
    ['None, True and floats as Python prints them', 'nulls', 'DescribeInstances', 80],
    ['a scalar answer: the title alone', 'acct', 'GetCallerIdentity', 80],
    ['an empty answer: nothing', 'emptyq', 'DescribeInstances', 80],
    ['wide and ambiguous-width characters, single-key nesting, empty lists', 'uni', 'Uni', 80],
  ];
  it.each(cases)('%s', (_, name, title, width) => {
    const expected = fixture(width === 80 ? `${name}.txt` : `${name}.w${width}.txt`);
    expect(toTable(data(name), title, width)).toBe(expected);
  });

  it('defaults to 80 columns', () => {
    expect(toTable(data('azs2'), 'DescribeAvailabilityZones')).toBe(fixture('azs2.txt'));
  });

  it('rejects rows of different lengths in one section, with the CLI message', () => {
    expect(() => toTable(data('mixed'), 'DescribeInstances')).toThrow(
      'Row should have 1 elements, instead it has 2',
    );
  });
});

describe('aws --output yaml matches the real CLI', () => {
  it.each(['nested', 'itype', 'uni', 'ystress', 'emptyq', 'acct'])('%s', (name) => {
    expect(toYaml(data(name))).toBe(fixture(`${name}.yaml`));
  });

  it('prints nothing for an empty dict', () => {
    expect(toYaml({})).toBe('');
  });
});
