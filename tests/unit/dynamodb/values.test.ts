import { describe, expect, it } from 'vitest';
import {
  addNumbers,
  compareNumbers,
  normalizeNumber,
  parseNumber,
  subtractNumbers,
} from '../../../electron/core/services/dynamodb/numbers';
import {
  compareScalars,
  equalValues,
  valueSize,
} from '../../../electron/core/services/dynamodb/compare-values';
import {
  validateAttributeValue,
  validateItem,
  validateItemKeys,
  validateKey,
} from '../../../electron/core/services/dynamodb/validate-values';
import {
  attributeValueSize,
  itemSize,
  numberSize,
  readUnits,
  writeUnits,
} from '../../../electron/core/services/dynamodb/item-size';
import type { AttributeValue } from '../../../electron/core/services/dynamodb/attribute-value';

function failure(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (e) {
    const err = e as { code: string; message: string };
    return { code: err.code, message: err.message };
  }
  throw new Error('expected an error');
}

const OVERFLOW = 'Number overflow. Attempting to store a number with magnitude larger than supported range';
const UNDERFLOW =
  'Number underflow. Attempting to store a number with magnitude smaller than supported range';
const PRECISION = 'Attempting to store more than 38 significant digits in a Number';
const bytes = (...b: number[]) => new Uint8Array(b);

describe('numbers', () => {
  it.each([
    ['01.50', '1.5'],
    ['1e2', '100'],
    ['1E+2', '100'],
    ['-0', '0'],
    ['-0.000e7', '0'],
    ['0e999999', '0'],
    ['.5', '0.5'],
    ['5.', '5'],
    ['+7', '7'],
    ['-1.2300e-3', '-0.00123'],
    ['123.456e1', '1234.56'],
    ['1e-130', '0.' + '0'.repeat(129) + '1'],
    ['1E125', '1' + '0'.repeat(125)],
    [
      '9.9999999999999999999999999999999999999E+125',
      '99999999999999999999999999999999999999' + '0'.repeat(88),
    ],
    ['12345678901234567890123456789012345678', '12345678901234567890123456789012345678'],
    ['1234567890123456789012345678901234567800000', '1234567890123456789012345678901234567800000'],
  ])('normalizes %s to %s', (input, expected) => {
    expect(normalizeNumber(input)).toBe(expected);
  });

  it('parses into sign, digits and exponent', () => {
    expect(parseNumber('-0.0120')).toEqual({ sign: -1, digits: '12', exp: -2 });
    expect(parseNumber('0')).toEqual({ sign: 0, digits: '', exp: 0 });
  });

  it.each([
    ['', 'The parameter cannot be converted to a numeric value'],
    ['abc', 'The parameter cannot be converted to a numeric value: abc'],
    [' 1', 'The parameter cannot be converted to a numeric value:  1'],
    ['1e', 'The parameter cannot be converted to a numeric value: 1e'],
    ['.', 'The parameter cannot be converted to a numeric value: .'],
    ['Infinity', 'The parameter cannot be converted to a numeric value: Infinity'],
    ['0x10', 'The parameter cannot be converted to a numeric value: 0x10'],
    ['1e126', OVERFLOW],
    ['-1e126', OVERFLOW],
    ['1e99999999999999999999999', OVERFLOW],
    ['1e-131', UNDERFLOW],
    ['0.9e-130', UNDERFLOW],
    ['1.00000000000000000000000000000000000001', PRECISION],
  ])('rejects %j', (input, message) => {
    expect(failure(() => parseNumber(input))).toEqual({ code: 'ValidationException', message });
  });

  it('compares numerically', () => {
    const sorted = [
      '-1e10',
      '-100',
      '-1.5',
      '-1.25',
      '-1',
      '-0.001',
      '0',
      '1e-130',
      '0.5',
      '1',
      '1.05',
      '1.5',
      '10',
      '1e125',
    ];
    for (let i = 0; i < sorted.length; i++) {
      for (let j = 0; j < sorted.length; j++) {
        expect(Math.sign(compareNumbers(sorted[i]!, sorted[j]!))).toBe(Math.sign(i - j));
      }
    }
    expect(compareNumbers('1.0', '1')).toBe(0);
    expect(compareNumbers('-0', '0')).toBe(0);
  });

  it('adds and subtracts exactly', () => {
    expect(addNumbers('0.1', '0.2')).toBe('0.3');
    expect(addNumbers('99999999999999999999999999999999999999', '1')).toBe(
      '100000000000000000000000000000000000000',
    );
    expect(subtractNumbers('1', '1')).toBe('0');
    expect(subtractNumbers('-5', '-5')).toBe('0');
    expect(subtractNumbers('1', '1.5')).toBe('-0.5');
    expect(addNumbers('-1e125', '1e125')).toBe('0');
    expect(addNumbers('1e-130', '1e-130')).toBe('0.' + '0'.repeat(129) + '2');
    expect(addNumbers('12345678901234567890', '0.12345678901234567')).toBe(
      '12345678901234567890.12345678901234567',
    );
  });

  it('rejects results DynamoDB cannot store', () => {
    expect(failure(() => addNumbers('9.9999999999999999999999999999999999999E+125', '1E+88')).message).toBe(
      OVERFLOW,
    );
    expect(failure(() => subtractNumbers('-9E+125', '1E+125')).message).toBe(OVERFLOW);
    expect(failure(() => addNumbers('1E+30', '1E-10')).message).toBe(PRECISION);
    expect(failure(() => subtractNumbers('1.5e-130', '1.4e-130')).message).toBe(UNDERFLOW);
  });
});

describe('compare-values', () => {
  it('compares scalars of one type', () => {
    expect(compareScalars({ S: 'a' }, { S: 'b' })).toBe(-1);
    expect(compareScalars({ S: 'ab' }, { S: 'a' })).toBe(1);
    // U+FF61 is below U+1F600 in UTF-8 but above its surrogates in UTF-16.
    expect(compareScalars({ S: '\uff61' }, { S: '\u{1f600}' })).toBe(-1);
    expect(compareScalars({ N: '10' }, { N: '9' })).toBe(1);
    expect(compareScalars({ N: '1.0' }, { N: '1' })).toBe(0);
    expect(compareScalars({ B: bytes(0x80) }, { B: bytes(0x7f, 0xff) })).toBe(1);
    expect(compareScalars({ S: '1' }, { N: '1' })).toBeUndefined();
    expect(compareScalars({ BOOL: true }, { BOOL: false })).toBeUndefined();
  });

  it('compares deeply, sets unordered, numbers numerically', () => {
    expect(equalValues({ NS: ['1', '2.0'] }, { NS: ['2', '1.00'] })).toBe(true);
    expect(equalValues({ SS: ['a', 'b'] }, { SS: ['b', 'a'] })).toBe(true);
    expect(equalValues({ SS: ['a', 'b'] }, { SS: ['a'] })).toBe(false);
    expect(equalValues({ BS: [bytes(1), bytes(2)] }, { BS: [bytes(2), bytes(1)] })).toBe(true);
    expect(equalValues({ L: [{ S: 'a' }, { N: '1' }] }, { L: [{ N: '1' }, { S: 'a' }] })).toBe(false);
    expect(
      equalValues({ M: { a: { N: '1' }, b: { NULL: true } } }, { M: { b: { NULL: true }, a: { N: '1.0' } } }),
    ).toBe(true);
    expect(equalValues({ M: { a: { N: '1' } } }, { M: { a: { N: '1' }, b: { N: '1' } } })).toBe(false);
    expect(equalValues({ S: '1' }, { N: '1' })).toBe(false);
    expect(equalValues({ B: bytes(1, 2) }, { B: bytes(1, 2) })).toBe(true);
  });

  it('sizes values for size()', () => {
    expect(valueSize({ S: 'héllo' })).toBe(5);
    expect(valueSize({ B: bytes(1, 2, 3) })).toBe(3);
    expect(valueSize({ SS: ['a', 'b'] })).toBe(2);
    expect(valueSize({ L: [] })).toBe(0);
    expect(valueSize({ M: { a: { N: '1' } } })).toBe(1);
    expect(valueSize({ N: '12' })).toBeUndefined();
    expect(valueSize({ BOOL: true })).toBeUndefined();
  });
});

describe('validateAttributeValue', () => {
  const invalid = (raw: unknown) => failure(() => validateAttributeValue(raw));

  it('normalizes numbers and number sets', () => {
    expect(validateAttributeValue({ N: '01.50' })).toEqual({ N: '1.5' });
    expect(validateAttributeValue({ NS: ['1e2', '2'] })).toEqual({ NS: ['100', '2'] });
    expect(
      validateAttributeValue({ M: { a: { L: [{ N: '-0' }, { NULL: true }] }, b: { BS: [bytes(1)] } } }),
    ).toEqual({ M: { a: { L: [{ N: '0' }, { NULL: true }] }, b: { BS: [bytes(1)] } } });
    // Null members are absent, as after AWS's deserializer.
    expect(validateAttributeValue({ S: 'x', N: null })).toEqual({ S: 'x' });
  });

  it.each<[unknown, string]>([
    [{}, 'Supplied AttributeValue is empty, must contain exactly one of the supported datatypes'],
    [
      { S: 'a', N: '1' },
      'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes',
    ],
    [{ S: 'a', N: 'x' }, 'The parameter cannot be converted to a numeric value: x'],
    [
      { NULL: false },
      'One or more parameter values were invalid: Null attribute value types must have the value of true',
    ],
    [{ SS: [] }, 'One or more parameter values were invalid: An string set  may not be empty'],
    [{ NS: [] }, 'One or more parameter values were invalid: An number set  may not be empty'],
    [{ BS: [] }, 'One or more parameter values were invalid: Binary sets should not be empty'],
    [
      { SS: ['a', 'b', 'a'] },
      'One or more parameter values were invalid: Input collection [a, b, a] contains duplicates.',
    ],
    [{ NS: ['1', '1.0'] }, 'Input collection contains duplicates'],
    [
      { BS: [bytes(1), bytes(1)] },
      'One or more parameter values were invalid: Input collection [AQ==, AQ==]of type BS contains duplicates.',
    ],
    [{ NS: ['1', '1e200'] }, OVERFLOW],
    [{ N: '' }, 'The parameter cannot be converted to a numeric value'],
    [
      { L: [{ S: 'a' }, {}] },
      'Supplied AttributeValue is empty, must contain exactly one of the supported datatypes',
    ],
    [{ M: { a: { SS: [] } } }, 'One or more parameter values were invalid: An string set  may not be empty'],
  ])('rejects %j', (raw, message) => {
    expect(invalid(raw)).toEqual({ code: 'ValidationException', message });
  });

  it('reports wrong JSON types as serialization errors', () => {
    expect(invalid({ S: 5 })).toEqual({
      code: 'SerializationException',
      message: 'NUMBER_VALUE cannot be converted to String',
    });
    expect(invalid('x').code).toBe('SerializationException');
    expect(invalid({ L: 'x' }).code).toBe('SerializationException');
  });

  it('validates whole items', () => {
    expect(validateItem({ id: { S: 'a' }, n: { N: '1.0' } })).toEqual({ id: { S: 'a' }, n: { N: '1' } });
    expect(failure(() => validateItem({ a: { S: 'x' }, b: {} })).message).toMatch(
      /Supplied AttributeValue is empty/,
    );
  });
});

describe('key validation', () => {
  const schema = [
    { name: 'pk', type: 'S' as const },
    { name: 'sk', type: 'N' as const },
  ];
  const keyError = (raw: Record<string, unknown>) => failure(() => validateKey(raw, schema)).message;
  const MISMATCH = 'The provided key element does not match the schema';

  it('accepts and normalizes a matching key', () => {
    expect(validateKey({ pk: { S: 'a' }, sk: { N: '01' } }, schema)).toEqual({
      pk: { S: 'a' },
      sk: { N: '1' },
    });
  });

  it('rejects keys that do not match the schema', () => {
    expect(keyError({ pk: { S: 'a' } })).toBe(MISMATCH);
    expect(keyError({ pk: { S: 'a' }, sk: { N: '1' }, x: { S: 'b' } })).toBe(MISMATCH);
    expect(keyError({ pk: { S: 'a' }, other: { N: '1' } })).toBe(MISMATCH);
    expect(keyError({ pk: { N: '1' }, sk: { N: '1' } })).toBe(MISMATCH);
    expect(keyError({ pk: { S: '' }, sk: { N: '1' } })).toBe(
      'One or more parameter values were invalid: The AttributeValue for a key attribute cannot contain an empty string value. Key: pk',
    );
    expect(keyError({ pk: { S: 'é'.repeat(1025) }, sk: { N: '1' } })).toBe(
      'One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes',
    );
    expect(() => validateKey({ pk: { S: 'x'.repeat(2048) }, sk: { N: '1' } }, schema)).not.toThrow();
  });

  it('checks binary and sort key limits', () => {
    const binary = [
      { name: 'h', type: 'B' as const },
      { name: 'r', type: 'B' as const },
    ];
    expect(failure(() => validateKey({ h: { B: bytes() }, r: { B: bytes(1) } }, binary)).message).toBe(
      'One or more parameter values were invalid: The AttributeValue for a key attribute cannot contain an empty binary value. Key: h',
    );
    expect(
      failure(() => validateKey({ h: { B: bytes(1) }, r: { B: new Uint8Array(1025) } }, binary)).message,
    ).toBe(
      'One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes',
    );
  });

  it('checks the key attributes of a whole item', () => {
    const check = (item: Record<string, AttributeValue>) =>
      failure(() => validateItemKeys(item, schema)).message;
    expect(check({ sk: { N: '1' } })).toBe(
      'One or more parameter values were invalid: Missing the key pk in the item',
    );
    expect(check({ pk: { N: '1' }, sk: { N: '1' } })).toBe(
      'One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N',
    );
    expect(check({ pk: { S: '' }, sk: { N: '1' } })).toBe(
      'One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk',
    );
    expect(() =>
      validateItemKeys({ pk: { S: 'a' }, sk: { N: '1' }, extra: { BOOL: true } }, schema),
    ).not.toThrow();
  });
});

describe('item size', () => {
  it.each([
    ['0', 1],
    ['1', 2],
    ['15', 2],
    ['1.5', 3],
    ['-1', 3],
    ['100', 2],
    ['1000', 2],
    ['123', 3],
    ['0.05', 2],
    ['1.234', 4],
    ['12345678901234567890123456789012345678', 20],
  ])('sizes number %s as %i bytes', (n, size) => {
    expect(numberSize(n)).toBe(size);
  });

  it('counts names and values in UTF-8 bytes', () => {
    expect(attributeValueSize({ S: 'héllo' })).toBe(6);
    expect(attributeValueSize({ B: bytes(1, 2, 3) })).toBe(3);
    expect(attributeValueSize({ BOOL: false })).toBe(1);
    expect(attributeValueSize({ NULL: true })).toBe(1);
    expect(attributeValueSize({ SS: ['ab', 'c'] })).toBe(3);
    expect(attributeValueSize({ L: [] })).toBe(3);
    expect(attributeValueSize({ L: [{ S: 'ab' }, { N: '1' }] })).toBe(3 + 3 + 3);
    expect(attributeValueSize({ M: { ab: { S: 'cd' } } })).toBe(3 + 1 + 2 + 2);
    // The developer guide's example: "Id" (2) + "Name" (4) + number and string values.
    expect(itemSize({ Id: { N: '101' }, Name: { S: 'Bicycle' } })).toBe(2 + 3 + 4 + 7);
  });

  it('computes capacity units', () => {
    expect(readUnits(0, true)).toBe(1);
    expect(readUnits(4096, true)).toBe(1);
    expect(readUnits(4097, true)).toBe(2);
    expect(readUnits(4097, false)).toBe(1);
    expect(readUnits(100, false)).toBe(0.5);
    expect(writeUnits(0)).toBe(1);
    expect(writeUnits(1024)).toBe(1);
    expect(writeUnits(1025)).toBe(2);
  });
});
