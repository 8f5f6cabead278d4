/** Lambda test helpers: an SDK client for a served lab, zips made in memory, functions waited for. */
import {
  CreateFunctionCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  type CreateFunctionRequest,
  type FunctionConfiguration,
} from '@aws-sdk/client-lambda';
import { strToU8, zipSync } from 'fflate';
import { credentials } from './serve';

export const ROLE = 'arn:aws:iam::123456789012:role/lambda-role';

export function lambdaClient(endpoint: string): LambdaClient {
  return new LambdaClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
}

/** A deployment package: file name → source text. */
export function zip(files: Record<string, string>): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(files).map(([name, text]) => [name, strToU8(text)])));
}

/** Polls until the function is Active and its last update finished (as the SDK's waiters do). */
export async function waitReady(client: LambdaClient, FunctionName: string): Promise<FunctionConfiguration> {
  for (let i = 0; i < 200; i++) {
    const c = await client.send(new GetFunctionConfigurationCommand({ FunctionName }));
    if (c.State === 'Active' && c.LastUpdateStatus === 'Successful') return c;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`function ${FunctionName} did not become Active`);
}

export async function createFunction(
  client: LambdaClient,
  name: string,
  files: Record<string, string>,
  over: Partial<CreateFunctionRequest> = {},
): Promise<FunctionConfiguration> {
  await client.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs20.x',
      Role: ROLE,
      Handler: 'index.handler',
      Code: { ZipFile: zip(files) },
      ...over,
    }),
  );
  return waitReady(client, name);
}

/** The payload of an Invoke answer as JSON. */
export function payloadOf(out: { Payload?: Uint8Array }): unknown {
  return JSON.parse(Buffer.from(out.Payload ?? new Uint8Array()).toString('utf8'));
}

/**
 * In-process: a function S3 may invoke (CreateFunction, then AddPermission for
 * s3.amazonaws.com), as S3 checks before it accepts a notification configuration naming it.
 */
export async function functionForS3(
  cloud: {
    invoke(request: Record<string, unknown>): Promise<unknown>;
    accounts: { consolePrincipal(): unknown };
  },
  name: string,
): Promise<string> {
  const call = (operation: string, input: unknown) =>
    cloud.invoke({
      service: 'lambda',
      operation,
      input,
      region: 'us-east-1',
      principal: cloud.accounts.consolePrincipal(),
      source: 'internal',
    });
  const fn = (await call('CreateFunction', {
    FunctionName: name,
    Runtime: 'nodejs20.x',
    Role: ROLE,
    Handler: 'index.handler',
    Code: { ZipFile: zip({ 'index.mjs': 'export const handler = async () => null;' }) },
  })) as FunctionConfiguration;
  await call('AddPermission', {
    FunctionName: name,
    StatementId: 's3',
    Action: 'lambda:InvokeFunction',
    Principal: 's3.amazonaws.com',
  });
  return fn.FunctionArn!;
}
