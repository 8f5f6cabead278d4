/** Lambda's errors, with the codes, statuses and texts the service answers with. */
import { AwsError } from '../../kernel/errors';

export function resourceNotFound(message: string): AwsError {
  return new AwsError('ResourceNotFoundException', message, { status: 404, fields: { Type: 'User' } });
}

export function functionNotFound(arn: string): AwsError {
  return resourceNotFound(`Function not found: ${arn}`);
}

export function resourceConflict(message: string): AwsError {
  return new AwsError('ResourceConflictException', message, { status: 409, fields: { Type: 'User' } });
}

export function invalidParameter(message: string): AwsError {
  return new AwsError('InvalidParameterValueException', message, { status: 400, fields: { Type: 'User' } });
}

export function invalidRequestContent(message: string): AwsError {
  return new AwsError('InvalidRequestContentException', message, { status: 400, fields: { Type: 'User' } });
}

export function preconditionFailed(message: string): AwsError {
  return new AwsError('PreconditionFailedException', message, { status: 412, fields: { Type: 'User' } });
}

export function tooManyRequests(message: string, reason: string): AwsError {
  return new AwsError('TooManyRequestsException', message, {
    status: 429,
    fields: { Type: 'User', Reason: reason },
  });
}

export function requestTooLarge(message: string): AwsError {
  return new AwsError('RequestEntityTooLargeException', message, { status: 413, fields: { Type: 'User' } });
}

/** Model constraint violations: "1 validation error detected: Value … at '…' failed to satisfy constraint: …". */
export class Violations {
  private readonly found: string[] = [];

  add(value: unknown, member: string, constraint: string): this {
    const shown = value === undefined || value === null ? 'null' : String(value);
    this.found.push(`Value '${shown}' at '${member}' failed to satisfy constraint: ${constraint}`);
    return this;
  }

  pattern(value: string | undefined, member: string, pattern: RegExp, source: string): this {
    if (value !== undefined && !pattern.test(value))
      this.add(value, member, `Member must satisfy regular expression pattern: ${source}`);
    return this;
  }

  length(value: string | undefined, member: string, min: number, max: number): this {
    if (value === undefined) return this;
    if (value.length < min)
      this.add(value, member, `Member must have length greater than or equal to ${min}`);
    else if (value.length > max)
      this.add(value, member, `Member must have length less than or equal to ${max}`);
    return this;
  }

  range(value: number | undefined, member: string, min: number, max: number): this {
    if (value === undefined) return this;
    if (value < min) this.add(value, member, `Member must have value greater than or equal to ${min}`);
    else if (value > max) this.add(value, member, `Member must have value less than or equal to ${max}`);
    return this;
  }

  oneOf(value: string | undefined, member: string, allowed: readonly string[]): this {
    if (value !== undefined && !allowed.includes(value))
      this.add(value, member, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
    return this;
  }

  check(): void {
    if (this.found.length === 0) return;
    const n = this.found.length;
    throw new AwsError(
      'ValidationException',
      `${n} validation error${n === 1 ? '' : 's'} detected: ${this.found.join('; ')}`,
      { status: 400 },
    );
  }
}
