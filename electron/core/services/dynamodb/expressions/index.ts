/** DynamoDB's expression language: parsing with AWS's messages, evaluation and application. */
export type {
  Comparator,
  Condition,
  KeyCondition,
  KeyOperator,
  Operand,
  PathStep,
  ProjectionPath,
  UpdateAction,
  UpdatePlan,
  UpdateValue,
} from './ast';
export { expressionContext, ExpressionContext, type ExpressionAttributes } from './context';
export { evaluate } from './condition';
export { project } from './projection';
export { applyUpdate, type UpdateResult } from './update';
export type { KeySchemaNames } from './key-condition';
export { isReservedWord } from './reserved-words';
export { pathString } from './paths';
export { MAX_EXPRESSION_BYTES } from './errors';
export { checkExpressionParameters } from './parameters';
export {
  applyLegacyUpdate,
  ATTRIBUTE_ACTIONS,
  checkLegacyMembers,
  COMPARISON_OPERATORS,
  CONDITIONAL_OPERATORS,
  legacyCondition,
  legacyFilter,
  legacyKeyConditions,
  legacyProjection,
  legacyUpdate,
  type ExpectedAttributeValue,
  type LegacyAttributeUpdate,
  type LegacyComparisonOperator,
  type LegacyCondition,
} from './legacy';
