/**
 * One request's expressions share ExpressionAttributeNames / ExpressionAttributeValues. The
 * context validates those maps once, hands placeholders to the parsers and remembers which
 * ones were used, because DynamoDB refuses unused entries across all of a request's expressions.
 */
import type { AttributeValue } from '../attribute-value';
import { isAwsError } from '../../../kernel/errors';
import { validateAttributeValue } from '../validate-values';
import type { Condition, KeyCondition, ProjectionPath, UpdatePlan } from './ast';
import { checkCondition } from './condition-check';
import { checkExpressionText, validationError } from './errors';
import { toKeyCondition, type KeySchemaNames } from './key-condition';
import { parseCondition, parseProjection, parseUpdate } from './parser';
import type { Resolver } from './paths';
import { checkProjection } from './projection';
import { checkUpdate } from './update-check';

export interface ExpressionAttributes {
  names?: Record<string, string>;
  /** Raw wire values; validated here with validateAttributeValue. */
  values?: Record<string, unknown>;
}

const NAME_KEY = /^#[0-9a-zA-Z_]+$/;
const VALUE_KEY = /^:[0-9a-zA-Z_]+$/;

export class ExpressionContext {
  private readonly names = new Map<string, string>();
  private readonly values = new Map<string, AttributeValue>();
  private readonly unusedNames = new Set<string>();
  private readonly unusedValues = new Set<string>();
  private readonly resolver: Resolver;

  constructor(attrs: ExpressionAttributes) {
    if (attrs.names) {
      const entries = Object.entries(attrs.names);
      if (entries.length === 0) throw validationError('ExpressionAttributeNames must not be empty');
      for (const [key, name] of entries) {
        if (!NAME_KEY.test(key)) {
          throw validationError(`ExpressionAttributeNames contains invalid key: Syntax error; key: "${key}"`);
        }
        this.names.set(key, name);
        this.unusedNames.add(key);
      }
    }
    if (attrs.values) {
      const entries = Object.entries(attrs.values);
      if (entries.length === 0) throw validationError('ExpressionAttributeValues must not be empty');
      // Every key is checked before any value, as DynamoDB does.
      for (const [key] of entries) {
        if (!VALUE_KEY.test(key)) {
          throw validationError(
            `ExpressionAttributeValues contains invalid key: Syntax error; key: "${key}"`,
          );
        }
      }
      for (const [key, raw] of entries) {
        this.values.set(key, validValue(key, raw));
        this.unusedValues.add(key);
      }
    }
    this.resolver = {
      name: (placeholder) => {
        const name = this.names.get(placeholder);
        // An empty string is no name: DynamoDB reports the placeholder as undefined.
        if (!name) return undefined;
        this.unusedNames.delete(placeholder);
        return name;
      },
      value: (placeholder) => {
        const value = this.values.get(placeholder);
        if (value) this.unusedValues.delete(placeholder);
        return value;
      },
    };
  }

  condition(expr: string, kind: 'ConditionExpression' | 'FilterExpression'): Condition {
    checkExpressionText(kind, expr);
    return checkCondition(parseCondition(expr, kind), kind, this.resolver);
  }

  projection(expr: string): ProjectionPath[] {
    checkExpressionText('ProjectionExpression', expr);
    return checkProjection(parseProjection(expr), this.resolver);
  }

  update(expr: string): UpdatePlan {
    checkExpressionText('UpdateExpression', expr);
    return checkUpdate(parseUpdate(expr), this.resolver);
  }

  keyCondition(expr: string, key: KeySchemaNames): KeyCondition {
    const kind = 'KeyConditionExpression';
    checkExpressionText(kind, expr);
    return toKeyCondition(checkCondition(parseCondition(expr, kind), kind, this.resolver), key);
  }

  /** After all of a request's expressions were parsed: names first, then values. */
  assertAllUsed(): void {
    if (this.unusedNames.size) {
      throw validationError(
        `Value provided in ExpressionAttributeNames unused in expressions: keys: {${[...this.unusedNames].join(', ')}}`,
      );
    }
    if (this.unusedValues.size) {
      throw validationError(
        `Value provided in ExpressionAttributeValues unused in expressions: keys: {${[...this.unusedValues].join(', ')}}`,
      );
    }
  }
}

function validValue(key: string, raw: unknown): AttributeValue {
  try {
    return validateAttributeValue(raw);
  } catch (e) {
    if (!isAwsError(e) || e.code !== 'ValidationException') throw e;
    throw validationError(`ExpressionAttributeValues contains invalid value: ${e.message} for key ${key}`);
  }
}

export function expressionContext(attrs: ExpressionAttributes): ExpressionContext {
  return new ExpressionContext(attrs);
}
