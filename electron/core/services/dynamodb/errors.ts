/** DynamoDB's errors with AWS's codes and texts. */
import { AwsError } from '../../kernel/errors';

export function validation(message: string): AwsError {
  return new AwsError('ValidationException', message);
}

/** "One or more parameter values were invalid: …", the prefix of most semantic checks. */
export function invalidParameter(detail: string): AwsError {
  return validation(`One or more parameter values were invalid: ${detail}`);
}

export function resourceNotFound(message = 'Requested resource not found'): AwsError {
  return new AwsError('ResourceNotFoundException', message);
}

export function tableNotFound(name: string): AwsError {
  return resourceNotFound(`Requested resource not found: Table: ${name} not found`);
}

export function resourceInUse(message: string): AwsError {
  return new AwsError('ResourceInUseException', message);
}

export function conditionalCheckFailed(item?: Record<string, unknown>): AwsError {
  const error = new AwsError('ConditionalCheckFailedException', 'The conditional request failed');
  if (item) error.extra = { Item: item };
  return error;
}

export function limitExceeded(message: string): AwsError {
  return new AwsError('LimitExceededException', message);
}
