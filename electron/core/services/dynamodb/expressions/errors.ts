/** The ValidationExceptions the expression language raises, worded as DynamoDB words them. */
import { AwsError } from '../../../kernel/errors';

export type ExpressionKind =
  | 'ConditionExpression'
  | 'FilterExpression'
  | 'KeyConditionExpression'
  | 'ProjectionExpression'
  | 'UpdateExpression';

export function validationError(message: string): AwsError {
  return new AwsError('ValidationException', message);
}

/** Parse-time problems carry the parameter's name: "Invalid UpdateExpression: …". */
export function invalidExpression(kind: ExpressionKind, message: string): AwsError {
  return validationError(`Invalid ${kind}: ${message}`);
}

/** Four kilobytes of raw expression text (before placeholder substitution) is DynamoDB's cap. */
export const MAX_EXPRESSION_BYTES = 4096;

/** The checks every expression goes through before it is tokenized. */
export function checkExpressionText(kind: ExpressionKind, text: string): void {
  if (text.trim() === '') throw invalidExpression(kind, 'The expression can not be empty;');
  const size = Buffer.byteLength(text, 'utf8');
  if (size > MAX_EXPRESSION_BYTES) {
    // Only conditions and filters append the size: a quirk captured from the real service.
    const suffix =
      kind === 'ConditionExpression' || kind === 'FilterExpression' ? ` expression size: ${size}` : '';
    throw invalidExpression(kind, `Expression size has exceeded the maximum allowed size;${suffix}`);
  }
}
