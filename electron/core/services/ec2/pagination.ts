/** EC2's MaxResults/NextToken paging over an ordered list. Tokens are opaque to clients. */
import { errors } from './errors';

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

export function paginate<T>(
  items: T[],
  input: { MaxResults?: number; NextToken?: string },
  limits: { min: number; max: number; parameter?: string } = { min: 5, max: 1000 },
): Page<T> {
  let start = 0;
  if (input.NextToken) {
    const decoded = Buffer.from(input.NextToken, 'base64url').toString('utf8');
    const m = /^o:(\d+)$/.exec(decoded);
    if (!m) throw errors.invalidValue(`Invalid value '${input.NextToken}' for nextToken`);
    start = Number(m[1]);
  }
  if (input.MaxResults === undefined) return { items: items.slice(start) };
  const max = input.MaxResults;
  if (max < limits.min || max > limits.max) {
    throw errors.invalidValue(
      `Value ( ${max} ) for parameter ${limits.parameter ?? 'maxResults'} is invalid. Expecting a value between ${limits.min} and ${limits.max}.`,
    );
  }
  const page = items.slice(start, start + max);
  const next = start + max < items.length ? Buffer.from(`o:${start + max}`).toString('base64url') : undefined;
  return next ? { items: page, nextToken: next } : { items: page };
}
