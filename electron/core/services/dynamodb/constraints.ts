/**
 * The model's member constraints as DynamoDB reports them: every broken one collected, then
 * "N validation errors detected: Value 'x' at 'path' failed to satisfy constraint: …" (AWS
 * stops listing at ten).
 */
import { validation } from './errors';

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

  length(path: string, value: string | unknown[] | undefined, min?: number, max?: number): this {
    if (value === undefined) return this;
    if (min !== undefined && value.length < min)
      this.fail(path, value, `Member must have length greater than or equal to ${min}`);
    else if (max !== undefined && value.length > max)
      this.fail(path, value, `Member must have length less than or equal to ${max}`);
    return this;
  }

  pattern(path: string, value: string | undefined, pattern: string): this {
    if (value !== undefined && !new RegExp(`^${pattern}$`).test(value))
      this.fail(path, value, `Member must satisfy regular expression pattern: ${pattern}`);
    return this;
  }

  oneOf(path: string, value: string | undefined, allowed: readonly string[]): this {
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

  /** Throws the collected errors as one ValidationException, if any. */
  check(): void {
    const n = this.errors.length;
    if (n === 0) return;
    throw validation(`${n} validation error${n > 1 ? 's' : ''} detected: ${this.errors.join('; ')}`);
  }
}

function formatValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

export const TABLE_NAME_PATTERN = '[a-zA-Z0-9_.-]+';

/** TableName's own check comes first and alone, as AWS does. */
export function checkTableName(name: string | undefined, member = 'TableName'): void {
  if (name === undefined) return;
  if (name.length < 3 || name.length > 255)
    throw validation(`${member} must be at least 3 characters long and at most 255 characters long`);
}
