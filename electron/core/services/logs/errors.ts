/**
 * CloudWatch Logs' errors with AWS's codes and texts, and the model's member constraints as the
 * service reports them: "N validation errors detected: Value 'x' at 'path' failed to satisfy
 * constraint: …" as an InvalidParameterException.
 */
import { ModelConstraints } from '../../kernel/constraints';
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

export class Constraints extends ModelConstraints {
  constructor() {
    super(invalidParameter);
  }

  /** Pattern, then length, in the order AWS lists them. */
  name(path: string, value: string | undefined, pattern: string, min: number, max: number): this {
    return this.pattern(path, value, pattern).length(path, value, min, max);
  }
}
