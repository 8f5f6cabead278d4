/** Lambda's errors, with the codes, statuses and texts the service answers with. */
import { ModelConstraints } from '../../kernel/constraints';
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

/**
 * Model constraint violations, in Lambda's words ("1 validation error detected: Value … at '…'
 * failed to satisfy constraint: …", a ValidationException). Patterns are given compiled, with
 * the model's text to show, because some of Lambda's model patterns are not valid as Unicode
 * regular expressions.
 */
export class Violations {
  private readonly c = new ModelConstraints(
    (message) => new AwsError('ValidationException', message, { status: 400 }),
  );

  add(value: unknown, member: string, constraint: string): this {
    this.c.fail(member, value, constraint);
    return this;
  }

  pattern(value: string | undefined, member: string, pattern: RegExp, source: string): this {
    if (value !== undefined && !pattern.test(value))
      this.c.fail(member, value, `Member must satisfy regular expression pattern: ${source}`);
    return this;
  }

  length(value: string | undefined, member: string, min: number, max: number): this {
    this.c.length(member, value, min, max);
    return this;
  }

  range(value: number | undefined, member: string, min: number, max: number): this {
    this.c.range(member, value, min, max);
    return this;
  }

  oneOf(value: string | undefined, member: string, allowed: readonly string[]): this {
    this.c.oneOf(member, value, allowed);
    return this;
  }

  check(): void {
    this.c.check();
  }
}
