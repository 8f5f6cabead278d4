/**
 * The API model's member constraints as AWS's JSON services report them: every broken one
 * collected (AWS stops listing at ten), then one error "N validation errors detected: Value 'x'
 * at 'path' failed to satisfy constraint: …". Services differ only in the error code it comes
 * as (DynamoDB and Lambda: ValidationException; CloudWatch Logs: InvalidParameterException).
 */
import type { AwsError } from './errors';

export class ModelConstraints {
  private readonly errors: string[] = [];

  constructor(private readonly toError: (message: string) => AwsError) {}

  /** Record one broken constraint (`rule` as AWS words it). */
  fail(path: string, value: unknown, rule: string): void {
    if (this.errors.length >= 10) return;
    const shown = value === null || value === undefined ? 'null' : `'${formatValue(value)}'`;
    this.errors.push(`Value ${shown} at '${path}' failed to satisfy constraint: ${rule}`);
  }

  notNull(path: string, value: unknown): this {
    if (value === undefined || value === null) this.fail(path, value, 'Member must not be null');
    return this;
  }

  length(path: string, value: string | unknown[] | undefined, min?: number, max?: number): this {
    if (value === undefined) return this;
    if (min !== undefined && value.length < min)
      this.fail(path, value, `Member must have length greater than or equal to ${min}`);
    else if (max !== undefined && value.length > max)
      this.fail(path, value, `Member must have length less than or equal to ${max}`);
    return this;
  }

  /** `pattern` as the model writes it (shown in the message); anchored unless it is already. */
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
    if (value !== undefined && value < min) return this.atLeast(path, value, min);
    return this.atMost(path, value, max);
  }

  /** Throws the collected errors as one error, if any. */
  check(): void {
    const n = this.errors.length;
    if (n === 0) return;
    throw this.toError(`${n} validation error${n > 1 ? 's' : ''} detected: ${this.errors.join('; ')}`);
  }
}

function formatValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}
