/**
 * Function names as Lambda accepts them: a name, a partial ARN (`123456789012:function:NAME`)
 * or a full ARN, each optionally with a `:QUALIFIER` (version or alias).
 */
import type { OperationContext } from '../../service';
import { functionNotFound, invalidParameter, Violations } from './errors';

export const LATEST = '$LATEST';

/** The pattern of FunctionName members in the API model (shown in validation errors). */
export const FUNCTION_NAME_SOURCE =
  '(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?';
const FUNCTION_NAME = new RegExp(`^${FUNCTION_NAME_SOURCE}$`);
const FULL =
  /^(?:arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):function:|(\d{12}):function:)?([a-zA-Z0-9-_.]+)(?::(\$LATEST|[a-zA-Z0-9-_]+))?$/;

export interface FunctionRef {
  account: string;
  region: string;
  name: string;
  /** From the ARN's `:QUALIFIER` or the Qualifier parameter. */
  qualifier?: string;
}

export function functionArn(region: string, account: string, name: string, qualifier?: string): string {
  return `arn:aws:lambda:${region}:${account}:function:${name}${qualifier ? `:${qualifier}` : ''}`;
}

/**
 * Resolve a FunctionName member in the caller's account and Region. A Qualifier parameter
 * must agree with one in the ARN.
 */
export function parseFunctionName(
  ctx: OperationContext,
  value: string | undefined,
  qualifier?: string,
  member = 'functionName',
): FunctionRef {
  const v = new Violations();
  if (value === undefined) v.add(value, member, 'Member must not be null');
  else v.length(value, member, 1, 170).pattern(value, member, FUNCTION_NAME, FUNCTION_NAME_SOURCE);
  v.check();
  const m = FULL.exec(value!);
  if (!m)
    throw invalidParameter(
      `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${FUNCTION_NAME_SOURCE}`,
    );
  const region = m[1] ?? ctx.region.code;
  const account = m[2] ?? m[3] ?? ctx.principal.accountId;
  const name = m[4]!;
  if (name.length > 64)
    throw invalidParameter(
      `1 validation error detected: Value '${name}' at '${member}' failed to satisfy constraint: Member must have length less than or equal to 64`,
    );
  const fromArn = m[5];
  if (fromArn && qualifier && fromArn !== qualifier)
    throw invalidParameter(
      'The derived qualifier from the function name does not match the specified qualifier.',
    );
  if (region !== ctx.region.code || account !== ctx.principal.accountId)
    throw functionNotFound(functionArn(region, account, name));
  return { account, region, name, qualifier: fromArn ?? qualifier };
}
