/**
 * The model's member constraints as DynamoDB reports them: every broken one collected, then
 * "N validation errors detected: Value 'x' at 'path' failed to satisfy constraint: …" (AWS
 * stops listing at ten).
 */
import { ModelConstraints } from '../../kernel/constraints';
import { validation } from './errors';

export class Constraints extends ModelConstraints {
  constructor() {
    super(validation);
  }
}

export const TABLE_NAME_PATTERN = '[a-zA-Z0-9_.-]+';

/** TableName's own check comes first and alone, as AWS does. */
export function checkTableName(name: string | undefined, member = 'TableName'): void {
  if (name === undefined) return;
  if (name.length < 3 || name.length > 255)
    throw validation(`${member} must be at least 3 characters long and at most 255 characters long`);
}
