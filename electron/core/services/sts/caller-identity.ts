import type { GetCallerIdentityRequest, GetCallerIdentityResponse } from '@aws-sdk/client-sts';
import type { OperationContext } from '../../service';

/** The identity whose credentials signed the request (the console acts as the account's root). */
export function getCallerIdentity(
  ctx: OperationContext,
  _input: GetCallerIdentityRequest,
): GetCallerIdentityResponse {
  return { UserId: ctx.principal.userId, Account: ctx.principal.accountId, Arn: ctx.principal.arn };
}
