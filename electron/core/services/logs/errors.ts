/**
 * CloudWatch Logs' errors with AWS's codes and texts, and the model's member constraints as the
 * service reports them: "N validation errors detected: Value 'x' at 'path' failed to satisfy
 * constraint: …" as an InvalidParameterException.
 */
import { AwsError } from '../../kernel/errors';

export function invalidParameter(message: string): AwsError {
  return new AwsError('InvalidParameterException', message);
}

export function groupNotFound(): AwsError {
  return new AwsError('ResourceNotFoundException', 'The specified log group does not exist.');
}

export function streamNotFound(): AwsError {
  return new AwsError('ResourceNotFoundException', 'The specified log stream does not exist.');
}

export function groupExists(): AwsError {
  return new AwsError('ResourceAlreadyExistsException', 'The specified log group already exists');
}

export function streamExists(): AwsError {
  return new AwsError('ResourceAlreadyExistsException', 'The specified log stream already exists');
}

export function invalidNextToken(): AwsError {
  return invalidParameter('The specified nextToken is invalid.');
}

export function tooManyTags(arn: string): AwsError {
  const error = new AwsError('TooManyTagsException', 'A resource can have no more than 50 tags.');
  error.extra = { resourceName: arn };
  return error;
}

export const LOG_GROUP_NAME_PATTERN = '[\\.\\-_/#A-Za-z0-9]+';
export const LOG_STREAM_NAME_PATTERN = '[^:*]*';
export const LOG_GROUP_IDENTIFIER_PATTERN = '[\\w#+=/:,.@-]*';
export const ARN_PATTERN = '[\\w+=/:,.@-]*';
export const TAG_KEY_PATTERN = '^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+)$';
export const TAG_VALUE_PATTERN = '^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$';

export class Constraints {
  private readonly errors: string[] = [];

  private fail(path: string, value: unknown, rule: string): void {
    if (this.errors.length >= 10) return;
    const shown = value === null || value === undefined ? 'null' : `'${formatValue(value)}'`;
    this.errors.push(`Value ${shown} at '${path}' failed to satisfy constraint: ${rule}`);
  }

  notNull(path: string, value: unknown): this {
    if (value === undefined || value === null) this.fail(path, value, 'Member must not be null');
    return this;
  }

  /** Pattern, then length, in the order AWS lists them. */
  name(path: string, value: string | undefined, pattern: string, min: number, max: number): this {
    return this.pattern(path, value, pattern).length(path, value, min, max);
  }

  length(path: string, value: string | unknown[] | undefined, min?: number, max?: number): this {
    if (value === undefined) return this;
    if (min !== undefined && value.length < min)
      this.fail(path, value, `Member must have length greater than or equal to ${min}`);
    if (max !== undefined && value.length > max)
      this.fail(path, value, `Member must have length less than or equal to ${max}`);
    return this;
  }

  pattern(path: string, value: string | undefined, pattern: string): this {
    if (value === undefined) return this;
    const body = pattern.startsWith('^') ? pattern : `^(?:${pattern})$`;
    if (!new RegExp(body, 'u').test(value))
      this.fail(path, value, `Member must satisfy regular expression pattern: ${pattern}`);
    return this;
  }

  oneOf(path: string, value: string | number | undefined, allowed: readonly (string | number)[]): this {
    if (value !== undefined && !allowed.includes(value))
      this.fail(path, value, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
    return this;
  }

  atLeast(path: string, value: number | undefined, min: number): this {
    if (value !== undefined && value < min)
      this.fail(path, value, `Member must have value greater than or equal to ${min}`);
    return this;
  }

  atMost(path: string, value: number | undefined, max: number): this {
    if (value !== undefined && value > max)
      this.fail(path, value, `Member must have value less than or equal to ${max}`);
    return this;
  }

  range(path: string, value: number | undefined, min: number, max: number): this {
    return this.atLeast(path, value, min).atMost(path, value, max);
  }

  /** Throws the collected errors as one InvalidParameterException, if any. */
  check(): void {
    const n = this.errors.length;
    if (n === 0) return;
    throw invalidParameter(`${n} validation error${n > 1 ? 's' : ''} detected: ${this.errors.join('; ')}`);
  }
}

function formatValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}
