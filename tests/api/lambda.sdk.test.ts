/**
 * AWS Lambda through the AWS SDK for JavaScript v3 against `cloudlab serve`: functions made from
 * zips, invoked synchronously, asynchronously and as dry runs, with their logs, errors, timeouts
 * and hostile code; versions, aliases, resource policies, concurrency, tags, paging; a function
 * using the AWS SDK inside; and a function surviving a kill -9 of the lab.
 */
import {
  CloudWatchLogsClient,
  DescribeLogStreamsCommand,
  GetLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { CreateTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  AddPermissionCommand,
  CreateAliasCommand,
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetAccountSettingsCommand,
  GetFunctionCommand,
  GetPolicyCommand,
  InvokeCommand,
  ListAliasesCommand,
  ListFunctionsCommand,
  ListTagsCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  RemovePermissionCommand,
  TagResourceCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  DeleteFunctionConcurrencyCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient, waitActive } from '../support/dynamodb';
import { createFunction, lambdaClient, payloadOf, ROLE, waitReady, zip } from '../support/lambda';
import { credentials, labCall, serve, type Served } from '../support/serve';

let lab: Served;
let client: LambdaClient;
beforeAll(async () => {
  lab = await serve();
  client = lambdaClient(lab.endpoint);
});
afterAll(async () => {
  await lab?.stop();
  lab?.cleanup();
});

const HELLO = {
  'index.mjs': `let calls = 0;
export const handler = async (event, context) => {
  calls += 1;
  console.log('hello', JSON.stringify(event));
  return { calls, name: context.functionName, memory: context.memoryLimitInMB, requestId: context.awsRequestId,
           remaining: context.getRemainingTimeInMillis(), env: process.env.GREETING ?? null };
};`,
};

async function invoke(FunctionName: string, event: unknown = {}, extra: Record<string, unknown> = {}) {
  return client.send(
    new InvokeCommand({ FunctionName, Payload: Buffer.from(JSON.stringify(event)), ...extra }),
  );
}

async function rejection(
  p: Promise<unknown>,
): Promise<{ name: string; message: string; status?: number; Reason?: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as {
      name: string;
      message: string;
      $metadata?: { httpStatusCode?: number };
      Reason?: string;
    };
    return {
      name: err.name,
      message: err.message,
      status: err.$metadata?.httpStatusCode,
      Reason: err.Reason,
    };
  }
  throw new Error('expected the call to fail');
}

describe('functions', () => {
  it('CreateFunction answers Pending with Lambda defaults, then the function turns Active', async () => {
    const out = await client.send(
      new CreateFunctionCommand({
        FunctionName: 'hello',
        Runtime: 'nodejs20.x',
        Role: ROLE,
        Handler: 'index.handler',
        Code: { ZipFile: zip(HELLO) },
        Tags: { team: 'lab' },
      }),
    );
    expect(out).toMatchObject({
      FunctionName: 'hello',
      FunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:hello',
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Timeout: 3,
      MemorySize: 128,
      Version: '$LATEST',
      State: 'Pending',
      StateReasonCode: 'Creating',
      PackageType: 'Zip',
      Architectures: ['x86_64'],
      EphemeralStorage: { Size: 512 },
      LoggingConfig: { LogFormat: 'Text', LogGroup: '/aws/lambda/hello' },
    });
    expect(out.LastModified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    const ready = await waitReady(client, 'hello');
    expect(ready.State).toBe('Active');
  });

  it('refuses a second function of the same name, unknown runtimes, bad limits and broken zips', async () => {
    expect(
      await rejection(
        client.send(
          new CreateFunctionCommand({
            FunctionName: 'hello',
            Runtime: 'nodejs20.x',
            Role: ROLE,
            Handler: 'index.handler',
            Code: { ZipFile: zip(HELLO) },
          }),
        ),
      ),
    ).toMatchObject({
      name: 'ResourceConflictException',
      status: 409,
      message: 'Function already exist: hello',
    });
    expect(
      await rejection(
        client.send(
          new CreateFunctionCommand({
            FunctionName: 'old',
            Runtime: 'nodejs16.x',
            Role: ROLE,
            Handler: 'index.handler',
            Code: { ZipFile: zip(HELLO) },
          }),
        ),
      ),
    ).toMatchObject({ name: 'InvalidParameterValueException', status: 400 });
    expect(
      await rejection(
        client.send(
          new CreateFunctionCommand({
            FunctionName: 'tiny',
            Runtime: 'nodejs20.x',
            Role: ROLE,
            Handler: 'index.handler',
            MemorySize: 64,
            Code: { ZipFile: zip(HELLO) },
          }),
        ),
      ),
    ).toMatchObject({
      name: 'ValidationException',
      message:
        "1 validation error detected: Value '64' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128",
    });
    expect(
      await rejection(
        client.send(
          new CreateFunctionCommand({
            FunctionName: 'broken',
            Runtime: 'nodejs20.x',
            Role: ROLE,
            Handler: 'index.handler',
            Code: { ZipFile: Buffer.from('not a zip') },
          }),
        ),
      ),
    ).toMatchObject({
      name: 'InvalidParameterValueException',
      message: 'Could not unzip uploaded file. Please check your file, then try to upload again.',
    });
  });

  it('GetFunction gives the configuration, tags and a Code.Location that downloads the package', async () => {
    const out = await client.send(new GetFunctionCommand({ FunctionName: 'hello' }));
    expect(out.Configuration?.FunctionName).toBe('hello');
    expect(out.Tags).toEqual({ team: 'lab' });
    expect(out.Code?.RepositoryType).toBe('S3');
    const res = await fetch(out.Code!.Location!);
    expect(res.status).toBe(200);
    const body = Buffer.from(await res.arrayBuffer());
    expect(createHash('sha256').update(body).digest('base64')).toBe(out.Configuration?.CodeSha256);
    const forged = await fetch(out.Code!.Location!.replace(/signature=[0-9a-f]/, 'signature=z'));
    expect(forged.status).toBe(403);
  });

  it('an unknown function is ResourceNotFoundException with its ARN', async () => {
    expect(await rejection(client.send(new GetFunctionCommand({ FunctionName: 'nope' })))).toMatchObject({
      name: 'ResourceNotFoundException',
      status: 404,
      message: 'Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope',
    });
  });
});

describe('Invoke', () => {
  it('runs the handler with the event and a Lambda context; warm invocations reuse the environment', async () => {
    const first = await invoke('hello', { a: 1 });
    expect(first.StatusCode).toBe(200);
    expect(first.FunctionError).toBeUndefined();
    expect(first.ExecutedVersion).toBe('$LATEST');
    const p1 = payloadOf(first) as Record<string, unknown>;
    expect(p1).toMatchObject({ calls: 1, name: 'hello', memory: '128', env: null });
    expect(p1.requestId).toBe(first.$metadata.requestId);
    expect(p1.remaining as number).toBeGreaterThan(2000);
    expect(p1.remaining as number).toBeLessThanOrEqual(3000);
    const second = payloadOf(await invoke('hello', { a: 2 })) as Record<string, unknown>;
    expect(second.calls).toBe(2);
  });

  it('LogType Tail returns the log: START, the console line with the request id, END and REPORT', async () => {
    const out = await invoke('hello', { tail: true }, { LogType: 'Tail' });
    const log = Buffer.from(out.LogResult!, 'base64').toString();
    const id = out.$metadata.requestId!;
    expect(log).toContain(`START RequestId: ${id} Version: $LATEST`);
    expect(log).toMatch(new RegExp(`\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\t${id}\\tINFO\\thello {"tail":true}`));
    expect(log).toContain(`END RequestId: ${id}`);
    expect(log).toMatch(
      new RegExp(
        `REPORT RequestId: ${id}\\tDuration: [\\d.]+ ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: \\d+ MB`,
      ),
    );
  });

  it('an error in the handler is FunctionError Unhandled with errorType, errorMessage and trace', async () => {
    await createFunction(client, 'thrower', {
      'index.js': `exports.handler = async () => { const e = new TypeError('bad input'); throw e; };`,
    });
    const out = await invoke('thrower');
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBe('Unhandled');
    const p = payloadOf(out) as { errorType: string; errorMessage: string; trace: string[] };
    expect(p.errorType).toBe('TypeError');
    expect(p.errorMessage).toBe('bad input');
    expect(p.trace[0]).toBe('TypeError: bad input');
    expect(p.trace.join('\n')).toContain('/var/task/index.js');
  });

  it('callback handlers (CommonJS) answer through the callback', async () => {
    await createFunction(client, 'callback', {
      'index.js': `exports.handler = (event, context, callback) => { setTimeout(() => callback(null, { doubled: event.n * 2 }), 5); };`,
    });
    expect(payloadOf(await invoke('callback', { n: 21 }))).toEqual({ doubled: 42 });
  });

  it('a handler that runs past its timeout is stopped: "Task timed out after 1.00 seconds"', async () => {
    await createFunction(
      client,
      'spinner',
      { 'index.mjs': 'export const handler = async () => { for (;;) {} };' },
      { Timeout: 1 },
    );
    const out = await invoke('spinner', {}, { LogType: 'Tail' });
    expect(out.FunctionError).toBe('Unhandled');
    expect(JSON.stringify(payloadOf(out))).toContain('Task timed out after 1.00 seconds');
    expect(Buffer.from(out.LogResult!, 'base64').toString()).toContain('Task timed out after 1.00 seconds');
  });

  it('hostile code fails its own invocation only: host files, child processes, process.exit', async () => {
    await createFunction(client, 'hostile', {
      'index.mjs': `import { readFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
export const handler = async (event) => {
  if (event.do === 'read') return readFileSync('/etc/passwd', 'utf8');
  if (event.do === 'spawn') return execSync('id').toString();
  if (event.do === 'exit') process.exit(3);
  if (event.do === 'tmp') { const fs = await import('node:fs'); fs.writeFileSync('/tmp/x.txt', 'kept'); return fs.readFileSync('/tmp/x.txt', 'utf8'); }
  return 'fine';
};`,
    });
    for (const what of ['read', 'spawn']) {
      const out = await invoke('hostile', { do: what });
      expect(out.FunctionError, what).toBe('Unhandled');
      expect(JSON.stringify(payloadOf(out)), what).toMatch(
        /ERR_ACCESS_DENIED|Access to this API has been restricted/,
      );
    }
    const exit = await invoke('hostile', { do: 'exit' });
    expect(exit.FunctionError).toBe('Unhandled');
    expect(payloadOf(exit)).toMatchObject({ errorType: 'Runtime.ExitError' });
    expect(payloadOf(await invoke('hostile', { do: 'tmp' }))).toBe('kept');
    expect(payloadOf(await invoke('hostile', { do: 'nothing' }))).toBe('fine');
  });

  it('Event answers 202 and runs later; DryRun answers 204 and runs nothing; bad JSON is refused', async () => {
    const event = await invoke('hello', { async: true }, { InvocationType: 'Event' });
    expect(event.StatusCode).toBe(202);
    const dry = await invoke('hello', {}, { InvocationType: 'DryRun' });
    expect(dry.StatusCode).toBe(204);
    expect(
      await rejection(
        client.send(new InvokeCommand({ FunctionName: 'hello', Payload: Buffer.from('{nope') })),
      ),
    ).toMatchObject({ name: 'InvalidRequestContentException', status: 400 });
  });

  it('writes every invocation to CloudWatch Logs under /aws/lambda/NAME', async () => {
    const logs = new CloudWatchLogsClient({
      endpoint: lab.endpoint,
      region: 'us-east-1',
      credentials,
      maxAttempts: 1,
    });
    const streams = await logs.send(
      new DescribeLogStreamsCommand({
        logGroupName: '/aws/lambda/hello',
        orderBy: 'LastEventTime',
        descending: true,
      }),
    );
    expect(streams.logStreams?.[0]?.logStreamName).toMatch(/^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/);
    const events = await logs.send(
      new GetLogEventsCommand({
        logGroupName: '/aws/lambda/hello',
        logStreamName: streams.logStreams![0]!.logStreamName!,
        startFromHead: true,
      }),
    );
    const text = (events.events ?? []).map((e) => e.message).join('\n');
    expect(text).toContain('INIT_START');
    expect(text).toContain('REPORT RequestId:');
  });
});

describe('configuration and code updates', () => {
  it('UpdateFunctionConfiguration sets environment variables; the next invocation starts a new environment', async () => {
    await client.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: 'hello',
        Environment: { Variables: { GREETING: 'hi' } },
      }),
    );
    await waitReady(client, 'hello');
    expect(payloadOf(await invoke('hello'))).toMatchObject({ env: 'hi', calls: 1 });
    expect(
      await rejection(
        client.send(
          new UpdateFunctionConfigurationCommand({
            FunctionName: 'hello',
            Environment: { Variables: { AWS_REGION: 'x' } },
          }),
        ),
      ),
    ).toMatchObject({ name: 'InvalidParameterValueException' });
  });

  it('UpdateFunctionCode deploys new code', async () => {
    await client.send(
      new UpdateFunctionCodeCommand({
        FunctionName: 'callback',
        ZipFile: zip({ 'index.mjs': 'export const handler = async () => "v2";' }),
      }),
    );
    await waitReady(client, 'callback');
    expect(payloadOf(await invoke('callback'))).toBe('v2');
  });
});

describe('the AWS SDK inside a function', () => {
  it('a function writes to DynamoDB with @aws-sdk/client-dynamodb and its role credentials', async () => {
    const ddb = dynamoClient(lab.endpoint);
    await ddb.send(
      new CreateTableCommand({
        TableName: 'Visits',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    );
    await waitActive(ddb, 'Visits');
    await createFunction(
      client,
      'writer',
      {
        'index.mjs': `import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
const ddb = new DynamoDBClient({});
export const handler = async (event) => {
  await ddb.send(new PutItemCommand({ TableName: 'Visits', Item: { id: { S: event.id }, by: { S: 'lambda' } } }));
  const me = await new STSClient({}).send(new GetCallerIdentityCommand({}));
  return me.Arn;
};`,
      },
      { Timeout: 10 },
    );
    const out = await invoke('writer', { id: 'v-1' });
    expect(out.FunctionError, JSON.stringify(payloadOf(out))).toBeUndefined();
    expect(payloadOf(out)).toBe('arn:aws:sts::123456789012:assumed-role/lambda-role/writer');
    const item = await ddb.send(new GetItemCommand({ TableName: 'Visits', Key: { id: { S: 'v-1' } } }));
    expect(item.Item?.by?.S).toBe('lambda');
  });
});

describe('versions, aliases, policies, concurrency, tags, paging', () => {
  it('PublishVersion snapshots $LATEST; an alias runs its version', async () => {
    const v1 = await client.send(
      new PublishVersionCommand({ FunctionName: 'callback', Description: 'first' }),
    );
    expect(v1.Version).toBe('1');
    expect(v1.FunctionArn).toBe('arn:aws:lambda:us-east-1:123456789012:function:callback:1');
    const again = await client.send(new PublishVersionCommand({ FunctionName: 'callback' }));
    expect(again.Version).toBe('1');
    await client.send(
      new CreateAliasCommand({ FunctionName: 'callback', Name: 'live', FunctionVersion: '1' }),
    );
    await client.send(
      new UpdateFunctionCodeCommand({
        FunctionName: 'callback',
        ZipFile: zip({ 'index.mjs': 'export const handler = async () => "v3";' }),
      }),
    );
    await waitReady(client, 'callback');
    const live = await invoke('callback:live');
    expect(live.ExecutedVersion).toBe('1');
    expect(payloadOf(live)).toBe('v2');
    expect(payloadOf(await invoke('callback'))).toBe('v3');
    const versions = await client.send(new ListVersionsByFunctionCommand({ FunctionName: 'callback' }));
    expect(versions.Versions?.map((v) => v.Version)).toEqual(['$LATEST', '1']);
    const aliases = await client.send(new ListAliasesCommand({ FunctionName: 'callback' }));
    expect(aliases.Aliases?.map((a) => a.Name)).toEqual(['live']);
  });

  it('AddPermission / GetPolicy / RemovePermission manage the resource policy', async () => {
    const added = await client.send(
      new AddPermissionCommand({
        FunctionName: 'hello',
        StatementId: 's3-invoke',
        Action: 'lambda:InvokeFunction',
        Principal: 's3.amazonaws.com',
        SourceArn: 'arn:aws:s3:::my-bucket',
        SourceAccount: '123456789012',
      }),
    );
    expect(JSON.parse(added.Statement!)).toEqual({
      Sid: 's3-invoke',
      Effect: 'Allow',
      Principal: { Service: 's3.amazonaws.com' },
      Action: 'lambda:InvokeFunction',
      Resource: 'arn:aws:lambda:us-east-1:123456789012:function:hello',
      Condition: {
        StringEquals: { 'AWS:SourceAccount': '123456789012' },
        ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::my-bucket' },
      },
    });
    expect(
      await rejection(
        client.send(
          new AddPermissionCommand({
            FunctionName: 'hello',
            StatementId: 's3-invoke',
            Action: 'lambda:InvokeFunction',
            Principal: 's3.amazonaws.com',
          }),
        ),
      ),
    ).toMatchObject({ name: 'ResourceConflictException', status: 409 });
    const policy = JSON.parse((await client.send(new GetPolicyCommand({ FunctionName: 'hello' }))).Policy!);
    expect(policy.Statement).toHaveLength(1);
    await client.send(new RemovePermissionCommand({ FunctionName: 'hello', StatementId: 's3-invoke' }));
    expect(await rejection(client.send(new GetPolicyCommand({ FunctionName: 'hello' })))).toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'The resource you requested does not exist.',
    });
  });

  it('reserved concurrency 0 throttles every invocation with TooManyRequestsException', async () => {
    await client.send(
      new PutFunctionConcurrencyCommand({ FunctionName: 'thrower', ReservedConcurrentExecutions: 0 }),
    );
    expect(await rejection(invoke('thrower'))).toMatchObject({
      name: 'TooManyRequestsException',
      status: 429,
      message: 'Rate Exceeded.',
      Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
    });
    const settings = await client.send(new GetAccountSettingsCommand({}));
    expect(settings.AccountLimit?.UnreservedConcurrentExecutions).toBe(
      settings.AccountLimit!.ConcurrentExecutions,
    );
    await client.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'thrower' }));
    expect((await invoke('thrower')).FunctionError).toBe('Unhandled');
  });

  it('the account quota is set in Settings → Capacity (lab.capacity) and shown by GetAccountSettings', async () => {
    await expect(labCall(lab.endpoint, 'lab.capacity', { lambdaConcurrency: 5 })).rejects.toThrow(
      /whole number from 10/,
    );
    const capacity = (await labCall(lab.endpoint, 'lab.capacity', { lambdaConcurrency: 250 })) as {
      lambdaConcurrency: number;
    };
    expect(capacity.lambdaConcurrency).toBe(250);
    const settings = await client.send(new GetAccountSettingsCommand({}));
    expect(settings.AccountLimit).toMatchObject({
      ConcurrentExecutions: 250,
      UnreservedConcurrentExecutions: 250,
    });
  });

  it('tags by ARN, and ListFunctions pages with MaxItems and Marker', async () => {
    const arn = 'arn:aws:lambda:us-east-1:123456789012:function:writer';
    await client.send(new TagResourceCommand({ Resource: arn, Tags: { env: 'dev' } }));
    expect((await client.send(new ListTagsCommand({ Resource: arn }))).Tags).toEqual({ env: 'dev' });
    const names: string[] = [];
    let Marker: string | undefined;
    do {
      const page = await client.send(new ListFunctionsCommand({ MaxItems: 2, Marker }));
      expect(page.Functions!.length).toBeLessThanOrEqual(2);
      names.push(...page.Functions!.map((f) => f.FunctionName!));
      Marker = page.NextMarker;
    } while (Marker);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(
      expect.arrayContaining(['callback', 'hello', 'hostile', 'spinner', 'thrower', 'writer']),
    );
  });

  it('DeleteFunction removes it', async () => {
    await client.send(new DeleteFunctionCommand({ FunctionName: 'spinner' }));
    expect(await rejection(client.send(new GetFunctionCommand({ FunctionName: 'spinner' })))).toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });
});

describe('durability', () => {
  it('a function created before kill -9 is there and runs after the restart', async () => {
    const dataDir = lab.dataDir;
    await lab.stop('SIGKILL');
    lab = await serve([], { dataDir });
    client = lambdaClient(lab.endpoint);
    expect(payloadOf(await invoke('callback'))).toBe('v3');
    expect((await invoke('callback:live')).ExecutedVersion).toBe('1');
  });
});
