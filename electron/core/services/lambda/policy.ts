/**
 * The function's resource-based policy: AddPermission, RemovePermission, GetPolicy, and the
 * check other services' deliveries make (`policyAllows`: may S3 invoke this function for this
 * bucket? may anyone call this function URL?).
 */
import type * as L from '@aws-sdk/client-lambda';
import type { Empty } from '../../../contract/aws-api';
import type { Tx } from '../../kernel/store';
import type { OperationContext } from '../../service';
import { functionArn, LATEST, parseFunctionName, type FunctionRef } from './arns';
import {
  functionNotFound,
  preconditionFailed,
  resourceConflict,
  resourceNotFound,
  Violations,
} from './errors';
import { findFunction, findVersion } from './records';

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Principal: '*' | { Service: string } | { AWS: string };
  Action: string;
  Resource: string;
  Condition?: Record<string, Record<string, string>>;
}

interface PolicyDocument {
  statements: PolicyStatement[];
  revisionId: string;
}

const SID = /^([a-zA-Z0-9-_.]+)$/;
const ACTION = /^(lambda:[*]|lambda:[a-zA-Z]+|[*])$/;
const PRINCIPAL = /^[^\s]+$/;

/** Policies are kept per qualifier: '' is the unqualified function (and $LATEST). */
function readPolicies(row: { policy: string | null }): Record<string, PolicyDocument> {
  return row.policy ? (JSON.parse(row.policy) as Record<string, PolicyDocument>) : {};
}

function principalOf(principal: string): PolicyStatement['Principal'] {
  if (principal === '*') return '*';
  if (/^\d{12}$/.test(principal)) return { AWS: `arn:aws:iam::${principal}:root` };
  if (principal.startsWith('arn:')) return { AWS: principal };
  return { Service: principal };
}

function qualifierKey(ref: FunctionRef): string {
  return ref.qualifier && ref.qualifier !== LATEST ? ref.qualifier : '';
}

export async function addPermission(
  ctx: OperationContext,
  input: L.AddPermissionRequest,
): Promise<L.AddPermissionResponse> {
  const ref = parseFunctionName(ctx, input.FunctionName, input.Qualifier);
  const v = new Violations();
  if (input.StatementId === undefined) v.add(undefined, 'statementId', 'Member must not be null');
  if (input.Action === undefined) v.add(undefined, 'action', 'Member must not be null');
  if (input.Principal === undefined) v.add(undefined, 'principal', 'Member must not be null');
  v.length(input.StatementId, 'statementId', 1, 100).pattern(
    input.StatementId,
    'statementId',
    SID,
    '([a-zA-Z0-9-_.]+)',
  );
  v.pattern(input.Action, 'action', ACTION, '(lambda:[*]|lambda:[a-zA-Z]+|[*])');
  v.pattern(input.Principal, 'principal', PRINCIPAL, '[^\\s]+');
  v.check();
  const statement = await ctx.cloud.store.write((tx) => {
    const fn = findFunction(tx, ref.account, ref.region, ref.name);
    if (!fn) throw functionNotFound(functionArn(ref.region, ref.account, ref.name));
    if (ref.qualifier && ref.qualifier !== LATEST) checkQualifier(tx, ref);
    const policies = readPolicies(fn);
    const key = qualifierKey(ref);
    const doc = policies[key] ?? { statements: [], revisionId: '' };
    if (input.RevisionId !== undefined && input.RevisionId !== doc.revisionId)
      throw preconditionFailed(
        'The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id',
      );
    if (doc.statements.some((s) => s.Sid === input.StatementId))
      throw resourceConflict(
        'The statement id (sid) provided already exists. Please choose a new statement id, or remove the existing statement.',
      );
    const condition: Record<string, Record<string, string>> = {};
    if (input.SourceAccount) (condition.StringEquals ??= {})['AWS:SourceAccount'] = input.SourceAccount;
    if (input.PrincipalOrgID) (condition.StringEquals ??= {})['aws:PrincipalOrgID'] = input.PrincipalOrgID;
    if (input.EventSourceToken)
      (condition.StringEquals ??= {})['lambda:EventSourceToken'] = input.EventSourceToken;
    if (input.FunctionUrlAuthType)
      (condition.StringEquals ??= {})['lambda:FunctionUrlAuthType'] = input.FunctionUrlAuthType;
    if (input.SourceArn) (condition.ArnLike ??= {})['AWS:SourceArn'] = input.SourceArn;
    const s: PolicyStatement = {
      Sid: input.StatementId!,
      Effect: 'Allow',
      Principal: principalOf(input.Principal!),
      Action: input.Action!,
      Resource: functionArn(ref.region, ref.account, ref.name, key || undefined),
      ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
    };
    policies[key] = {
      statements: [...doc.statements, s],
      revisionId: ctx.cloud.ids.uuid(tx, 'lambda-revision'),
    };
    tx.run('UPDATE lambda_functions SET policy = ? WHERE account_id = ? AND region = ? AND name = ?', [
      JSON.stringify(policies),
      ref.account,
      ref.region,
      ref.name,
    ]);
    return s;
  });
  return { Statement: JSON.stringify(statement) };
}

function checkQualifier(tx: Tx, ref: FunctionRef): void {
  const q = ref.qualifier!;
  const exists = /^\d+$/.test(q)
    ? findVersion(tx, ref.account, ref.region, ref.name, q)
    : tx.get('SELECT 1 FROM lambda_aliases WHERE account_id = ? AND region = ? AND name = ? AND alias = ?', [
        ref.account,
        ref.region,
        ref.name,
        q,
      ]);
  if (!exists) throw functionNotFound(functionArn(ref.region, ref.account, ref.name, q));
}

export async function removePermission(
  ctx: OperationContext,
  input: L.RemovePermissionRequest,
): Promise<Empty> {
  const ref = parseFunctionName(ctx, input.FunctionName, input.Qualifier);
  await ctx.cloud.store.write((tx) => {
    const fn = findFunction(tx, ref.account, ref.region, ref.name);
    if (!fn) throw functionNotFound(functionArn(ref.region, ref.account, ref.name));
    const policies = readPolicies(fn);
    const key = qualifierKey(ref);
    const doc = policies[key];
    if (input.RevisionId !== undefined && input.RevisionId !== doc?.revisionId)
      throw preconditionFailed(
        'The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id',
      );
    if (!doc || !doc.statements.some((s) => s.Sid === input.StatementId))
      throw resourceNotFound(`Statement ${input.StatementId} is not found in resource policy.`);
    const statements = doc.statements.filter((s) => s.Sid !== input.StatementId);
    if (statements.length > 0)
      policies[key] = { statements, revisionId: ctx.cloud.ids.uuid(tx, 'lambda-revision') };
    else delete policies[key];
    tx.run('UPDATE lambda_functions SET policy = ? WHERE account_id = ? AND region = ? AND name = ?', [
      Object.keys(policies).length > 0 ? JSON.stringify(policies) : null,
      ref.account,
      ref.region,
      ref.name,
    ]);
  });
  return {};
}

export function getPolicy(ctx: OperationContext, input: L.GetPolicyRequest): L.GetPolicyResponse {
  const ref = parseFunctionName(ctx, input.FunctionName, input.Qualifier);
  const fn = findFunction(ctx.cloud.store, ref.account, ref.region, ref.name);
  if (!fn) throw functionNotFound(functionArn(ref.region, ref.account, ref.name));
  const doc = readPolicies(fn)[qualifierKey(ref)];
  if (!doc) throw resourceNotFound('The resource you requested does not exist.');
  return {
    Policy: JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: doc.statements }),
    RevisionId: doc.revisionId,
  };
}

export interface PolicyRequest {
  /** `s3.amazonaws.com`, or '*' for an anonymous caller (function URLs with AuthType NONE). */
  principal: string;
  action: string;
  sourceArn?: string;
  sourceAccount?: string;
  functionUrlAuthType?: string;
}

/** Does the function's (or the qualifier's) policy allow this request? */
export function policyAllows(db: Pick<Tx, 'get'>, ref: FunctionRef, request: PolicyRequest): boolean {
  const fn = findFunction(db as Tx, ref.account, ref.region, ref.name);
  if (!fn) return false;
  const doc = readPolicies(fn)[qualifierKey(ref)];
  return (doc?.statements ?? []).some((s) => statementAllows(s, request));
}

function statementAllows(s: PolicyStatement, r: PolicyRequest): boolean {
  const actionOk = s.Action === '*' || s.Action === 'lambda:*' || s.Action === r.action;
  if (!actionOk) return false;
  const p = s.Principal;
  const principalOk =
    p === '*' ||
    ('Service' in p ? p.Service === r.principal : r.principal === '*' ? false : p.AWS === r.principal);
  if (!principalOk) return false;
  const eq = s.Condition?.StringEquals ?? {};
  if (eq['AWS:SourceAccount'] !== undefined && eq['AWS:SourceAccount'] !== r.sourceAccount) return false;
  if (
    eq['lambda:FunctionUrlAuthType'] !== undefined &&
    eq['lambda:FunctionUrlAuthType'] !== r.functionUrlAuthType
  )
    return false;
  const arn = s.Condition?.ArnLike?.['AWS:SourceArn'];
  if (arn !== undefined && !(r.sourceArn !== undefined && arnLike(arn, r.sourceArn))) return false;
  return true;
}

/** ArnLike: `*` and `?` wildcards. */
function arnLike(pattern: string, value: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return re.test(value);
}
