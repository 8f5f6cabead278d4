/**
 * EC2's `Filters` parameter: [{ Name, Values }]. A resource matches when, for every filter,
 * one of the values matches one of the resource's values for that name. Values may use the
 * wildcards `*` (any run of characters) and `?` (one character), as the EC2 API allows.
 * Names a Describe call does not support are refused, as EC2 refuses them.
 */
import type { Filter } from '@aws-sdk/client-ec2';
import { AwsError } from '../../kernel/errors';

export type FilterValue = string | number | boolean | undefined | null;
/**
 * Accessors by filter name. A name ending in ":*" serves every name with that prefix and gets
 * the rest as its argument: "tag:*" answers "tag:Name", "tag:team" …
 */
export type FilterAccessors<T> = Record<string, (item: T, arg: string) => FilterValue | FilterValue[]>;

function accessorFor<T>(
  accessors: FilterAccessors<T>,
  name: string,
): ((item: T) => FilterValue | FilterValue[]) | undefined {
  const exact = accessors[name];
  if (exact) return (item) => exact(item, '');
  const colon = name.indexOf(':');
  if (colon > 0) {
    const wildcard = accessors[`${name.slice(0, colon)}:*`];
    if (wildcard) return (item) => wildcard(item, name.slice(colon + 1));
  }
  return undefined;
}

export function applyFilters<T>(
  items: T[],
  filters: Filter[] | undefined,
  accessors: FilterAccessors<T>,
): T[] {
  if (!filters || filters.length === 0) return items;
  const compiled = filters.map((f) => {
    const name = f.Name ?? '';
    const accessor = accessorFor(accessors, name);
    if (!accessor) throw new AwsError('InvalidParameterValue', `The filter '${name}' is invalid`);
    const values = f.Values ?? [];
    if (values.length === 0) {
      throw new AwsError('InvalidParameterValue', `The filter '${name}' needs at least one value`);
    }
    return { accessor, patterns: values.map(wildcard) };
  });
  return items.filter((item) =>
    compiled.every(({ accessor, patterns }) => {
      const raw = accessor(item);
      const actual = (Array.isArray(raw) ? raw : [raw])
        .filter((v) => v !== undefined && v !== null)
        .map(String);
      return actual.some((v) => patterns.some((p) => p.test(v)));
    }),
  );
}

function wildcard(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 's');
}
