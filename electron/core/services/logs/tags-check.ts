/** The checks tags get wherever they are set (CreateLogGroup, TagResource). */
import { type Constraints, TAG_KEY_PATTERN, TAG_VALUE_PATTERN, tooManyTags } from './errors';
import type { AwsError } from '../../kernel/errors';

export const MAX_TAGS = 50;

export function checkTags(c: Constraints, tags: Record<string, string>, member: string): void {
  const keys = Object.keys(tags);
  c.length(member, keys, 1, MAX_TAGS);
  for (const key of keys) {
    c.pattern(`${member}.key`, key, TAG_KEY_PATTERN).length(`${member}.key`, key, 1, 128);
    const value = tags[key]!;
    c.pattern(`${member}.value`, value, TAG_VALUE_PATTERN).length(`${member}.value`, value, undefined, 256);
  }
}

export function tooManyTagsFor(arn: string): AwsError {
  return tooManyTags(arn);
}
