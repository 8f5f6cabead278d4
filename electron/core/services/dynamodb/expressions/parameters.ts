/**
 * Request-level rules about mixing expression parameters (ConditionExpression …) with the
 * legacy ones (Expected, AttributesToGet …), checked before any expression is parsed.
 */
import { validationError } from './errors';

/**
 * `expression` and `legacy` list the parameter names the operation accepts, in AWS's order
 * (e.g. Query: ProjectionExpression, FilterExpression, KeyConditionExpression /
 * AttributesToGet, QueryFilter, ConditionalOperator, KeyConditions).
 */
export function checkExpressionParameters(request: object, expression: string[], legacy: string[]): void {
  const members = request as Record<string, unknown>;
  const present = (p: string) => members[p] !== undefined && members[p] !== null;
  const used = expression.filter(present);
  if (used.length) {
    // KeyConditions may accompany a FilterExpression as long as no KeyConditionExpression is given.
    const keyConditionsAllowed = present('KeyConditions') && !present('KeyConditionExpression');
    const legacyUsed = legacy.filter((p) => present(p) && !(p === 'KeyConditions' && keyConditionsAllowed));
    if (legacyUsed.length) {
      throw validationError(
        `Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {${legacyUsed.join(', ')}} Expression parameters: {${used.join(', ')}}`,
      );
    }
  }
  if (present('ExpressionAttributeNames') && !used.length) {
    throw validationError('ExpressionAttributeNames can only be specified when using expressions');
  }
  const valueExpressions = expression.filter((p) => p !== 'ProjectionExpression');
  if (valueExpressions.length && present('ExpressionAttributeValues') && !valueExpressions.some(present)) {
    throw validationError(
      `ExpressionAttributeValues can only be specified when using expressions: ${valueExpressions.join(' and ')} ${valueExpressions.length > 1 ? 'are' : 'is'} null`,
    );
  }
}
