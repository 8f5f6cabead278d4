/**
 * DynamoDB numbers: exact decimals of at most 38 significant digits whose magnitude lies
 * between 1E-130 and 9.9999999999999999999999999999999999999E+125. They travel as text and
 * are never turned into JS floats, which would silently lose digits.
 */
import { AwsError } from '../../kernel/errors';

/**
 * A parsed number: value = sign × 0.d1d2d3… × 10^(exp + 1), i.e. `exp` is the power of ten
 * of the first significant digit ("123" has exp 2, "0.05" has exp -2). `digits` has no
 * leading or trailing zeros; zero is sign 0 with empty digits.
 */
export interface Decimal {
  sign: -1 | 0 | 1;
  digits: string;
  exp: number;
}

export const MAX_SIGNIFICANT_DIGITS = 38;
export const MAX_EXPONENT = 125;
export const MIN_EXPONENT = -130;

export const NUMBER_OVERFLOW_MESSAGE =
  'Number overflow. Attempting to store a number with magnitude larger than supported range';
export const NUMBER_UNDERFLOW_MESSAGE =
  'Number underflow. Attempting to store a number with magnitude smaller than supported range';
export const NUMBER_PRECISION_MESSAGE = 'Attempting to store more than 38 significant digits in a Number';

// The grammar AWS accepts (Java BigDecimal-like): optional sign, digits with an optional
// point, optional exponent. No spaces, no Infinity/NaN, no hex.
const NUMBER_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

const ZERO: Decimal = { sign: 0, digits: '', exp: 0 };

function invalid(message: string): AwsError {
  return new AwsError('ValidationException', message);
}

/** Parses without range checks; null when the text is not a number at all. */
function parseLoose(text: string): Decimal | null {
  const m = NUMBER_TEXT.exec(text);
  if (!m) return null;
  const [, signText = '', intPart = '', fracPart = '', expText] = m;
  if (intPart === '' && fracPart === '') return null;
  const all = intPart + fracPart;
  const first = all.search(/[1-9]/);
  if (first < 0) return ZERO;
  const digits = all.slice(first).replace(/0+$/, '');
  // An absurd exponent ("1e999999999999999999999") parses to a huge float or Infinity;
  // either way it is far outside the range and only the comparison below matters.
  const written = expText === undefined ? 0 : Number(expText);
  const exp = written + intPart.length - 1 - first;
  return { sign: signText === '-' ? -1 : 1, digits, exp };
}

/** Throws AWS's message when a value is outside what DynamoDB can store. */
export function checkRange(d: Decimal): Decimal {
  if (d.sign === 0) return d;
  if (d.exp > MAX_EXPONENT) throw invalid(NUMBER_OVERFLOW_MESSAGE);
  if (d.exp < MIN_EXPONENT) throw invalid(NUMBER_UNDERFLOW_MESSAGE);
  if (d.digits.length > MAX_SIGNIFICANT_DIGITS) throw invalid(NUMBER_PRECISION_MESSAGE);
  return d;
}

export function parseNumber(text: string): Decimal {
  if (text === '') throw invalid('The parameter cannot be converted to a numeric value');
  const d = parseLoose(text);
  if (!d) throw invalid(`The parameter cannot be converted to a numeric value: ${text}`);
  return checkRange(d);
}

/** Plain (never scientific) notation, the way DynamoDB hands numbers back. */
export function formatDecimal(d: Decimal): string {
  if (d.sign === 0) return '0';
  const sign = d.sign < 0 ? '-' : '';
  const n = d.digits.length;
  if (d.exp >= n - 1) return sign + d.digits + '0'.repeat(d.exp - n + 1);
  if (d.exp >= 0) return `${sign}${d.digits.slice(0, d.exp + 1)}.${d.digits.slice(d.exp + 1)}`;
  return `${sign}0.${'0'.repeat(-d.exp - 1)}${d.digits}`;
}

export function normalizeNumber(text: string): string {
  return formatDecimal(parseNumber(text));
}

/** Compares parsed decimals: sign, then magnitude by exponent, then digits. */
export function compareDecimals(a: Decimal, b: Decimal): number {
  if (a.sign !== b.sign) return a.sign - b.sign;
  if (a.sign === 0) return 0;
  let magnitude: number;
  if (a.exp !== b.exp) magnitude = a.exp - b.exp;
  // Digit strings have no trailing zeros, so a proper prefix is the smaller magnitude.
  else magnitude = a.digits === b.digits ? 0 : a.digits < b.digits ? -1 : 1;
  return magnitude === 0 ? 0 : Math.sign(magnitude) * a.sign;
}

export function compareNumbers(a: string, b: string): number {
  return compareDecimals(parseNumber(a), parseNumber(b));
}

// Exact arithmetic goes through BigInt: a decimal is an integer coefficient times a power
// of ten (`scale` is the power of the last digit).
function toScaled(d: Decimal): { coefficient: bigint; scale: number } {
  if (d.sign === 0) return { coefficient: 0n, scale: 0 };
  const coefficient = BigInt(d.digits) * (d.sign < 0 ? -1n : 1n);
  return { coefficient, scale: d.exp - d.digits.length + 1 };
}

function fromScaled(coefficient: bigint, scale: number): Decimal {
  if (coefficient === 0n) return ZERO;
  const negative = coefficient < 0n;
  const text = (negative ? -coefficient : coefficient).toString();
  const digits = text.replace(/0+$/, '');
  return { sign: negative ? -1 : 1, digits, exp: scale + text.length - 1 };
}

export function addDecimals(a: Decimal, b: Decimal): Decimal {
  const x = toScaled(a);
  const y = toScaled(b);
  const scale = Math.min(x.scale, y.scale);
  const sum = x.coefficient * 10n ** BigInt(x.scale - scale) + y.coefficient * 10n ** BigInt(y.scale - scale);
  return fromScaled(sum, scale);
}

function negate(d: Decimal): Decimal {
  return { ...d, sign: -d.sign as Decimal['sign'] };
}

/** a + b, exactly; a result DynamoDB cannot store gets the same message as stored input. */
export function addNumbers(a: string, b: string): string {
  return formatDecimal(checkRange(addDecimals(parseNumber(a), parseNumber(b))));
}

export function subtractNumbers(a: string, b: string): string {
  return formatDecimal(checkRange(addDecimals(parseNumber(a), negate(parseNumber(b)))));
}
