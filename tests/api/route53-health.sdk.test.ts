/**
 * Route 53 health checks through the AWS SDK for JavaScript v3 against `cloudlab serve`:
 * CreateHealthCheck (defaults, Location, CallerReference idempotency and
 * HealthCheckAlreadyExists, also for a deleted check's reference, InvalidInput), GetHealthCheck,
 * UpdateHealthCheck (HealthCheckVersion, ResetElements), DeleteHealthCheck, ListHealthChecks'
 * pages, GetHealthCheckCount and GetHealthCheckStatus's observations from the sixteen
 * checkers, with AWS's error codes, HTTP statuses and messages.
 */
import {
  CreateHealthCheckCommand,
  DeleteHealthCheckCommand,
  GetHealthCheckCommand,
  GetHealthCheckCountCommand,
  GetHealthCheckStatusCommand,
  ListHealthChecksCommand,
  paginateListHealthChecks,
  Route53Client,
  UpdateHealthCheckCommand,
  type HealthCheckConfig,
} from '@aws-sdk/client-route-53';
import { beforeAll, describe, expect, it } from 'vitest';
import { failure } from '../support/failure';
import { credentials, labCall, serveLab } from '../support/serve';

const served = serveLab();
let r53: Route53Client;
let seq = 0;
const ref = () => `hc-${Date.now()}-${++seq}`;

beforeAll(() => {
  r53 = new Route53Client({ endpoint: served().endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
});

const create = (config: Partial<HealthCheckConfig>, reference = ref()) =>
  r53.send(
    new CreateHealthCheckCommand({
      CallerReference: reference,
      HealthCheckConfig: { Type: 'HTTP', IPAddress: '203.0.113.10', ...config },
    }),
  );

describe('Route 53 health checks', () => {
  it('creates a check with Route 53 defaults and a Location', async () => {
    const out = await create({ ResourcePath: '/health' });
    expect(out.$metadata.httpStatusCode).toBe(201);
    const id = out.HealthCheck!.Id!;
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(out.Location).toBe(`https://route53.amazonaws.com/2013-04-01/healthcheck/${id}`);
    expect(out.HealthCheck!.HealthCheckVersion).toBe(1);
    expect(out.HealthCheck!.HealthCheckConfig).toEqual({
      IPAddress: '203.0.113.10',
      Port: 80,
      Type: 'HTTP',
      ResourcePath: '/health',
      RequestInterval: 30,
      FailureThreshold: 3,
      MeasureLatency: false,
      Inverted: false,
      Disabled: false,
      EnableSNI: false,
    });
    const https = await create({
      Type: 'HTTPS',
      IPAddress: undefined,
      FullyQualifiedDomainName: 'example.com',
    });
    expect(https.HealthCheck!.HealthCheckConfig).toMatchObject({ Port: 443, EnableSNI: true });
    const got = await r53.send(new GetHealthCheckCommand({ HealthCheckId: id }));
    expect(got.HealthCheck).toEqual(out.HealthCheck);
  });

  it('is idempotent by CallerReference and refuses a different config or a deleted reference', async () => {
    const reference = ref();
    const a = await create({ Port: 8080 }, reference);
    const b = await create({ Port: 8080 }, reference);
    expect(b.HealthCheck!.Id).toBe(a.HealthCheck!.Id);
    const conflict = {
      name: 'HealthCheckAlreadyExists',
      status: 409,
      message: 'A different health check has already been created with the specified caller reference.',
    };
    expect(await failure(create({ Port: 8081 }, reference))).toMatchObject(conflict);
    await r53.send(new DeleteHealthCheckCommand({ HealthCheckId: a.HealthCheck!.Id }));
    expect(await failure(create({ Port: 8080 }, reference))).toMatchObject(conflict);
  });

  it('answers InvalidInput for configurations Route 53 refuses', async () => {
    const invalid = async (config: Partial<HealthCheckConfig>, message: string | RegExp) => {
      const e = await failure(create(config));
      expect(e).toMatchObject({ name: 'InvalidInput', status: 400 });
      if (typeof message === 'string') expect(e.message).toBe(message);
      else expect(e.message).toMatch(message);
    };
    await invalid(
      { Type: 'TCP', Port: 22, FullyQualifiedDomainName: 'example.com' },
      'TCP health checks that have IP address must not have a fully qualified domain name specified.',
    );
    await invalid(
      { FailureThreshold: 11 },
      "1 validation error detected: Value '11' at 'healthCheckConfig.failureThreshold' failed to satisfy constraint: Member must have value less than or equal to 10",
    );
    await invalid(
      { Port: 0 },
      "1 validation error detected: Value '0' at 'healthCheckConfig.port' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
    await invalid({ RequestInterval: 20 }, /RequestInterval/);
    await invalid({ IPAddress: undefined }, /IP address or a fully qualified domain name/);
    await invalid({ IPAddress: '10.0.0.5' }, /not publicly routable/);
    await invalid({ Type: 'HTTP_STR_MATCH' }, /search string/);
    await invalid({ Regions: ['us-east-1', 'eu-west-1'] }, /at least 3 regions/);
    await invalid(
      { AlarmIdentifier: { Region: 'us-east-1', Name: 'alarm' } },
      'Invalid parameter : Basic health checks must not have an metric region specified.',
    );
    await invalid({ Type: 'PING' as never }, /Member must satisfy enum value set/);
  });

  it('updates with HealthCheckVersion and ResetElements', async () => {
    const id = (await create({ FullyQualifiedDomainName: 'www.example.com', ResourcePath: '/a' }))
      .HealthCheck!.Id!;
    const up = await r53.send(
      new UpdateHealthCheckCommand({
        HealthCheckId: id,
        HealthCheckVersion: 1,
        Port: 8080,
        FailureThreshold: 5,
      }),
    );
    expect(up.HealthCheck!.HealthCheckVersion).toBe(2);
    expect(up.HealthCheck!.HealthCheckConfig).toMatchObject({
      Port: 8080,
      FailureThreshold: 5,
      ResourcePath: '/a',
    });
    expect(
      await failure(
        r53.send(new UpdateHealthCheckCommand({ HealthCheckId: id, HealthCheckVersion: 1, Port: 81 })),
      ),
    ).toMatchObject({ name: 'HealthCheckVersionMismatch', status: 409 });
    const reset = await r53.send(
      new UpdateHealthCheckCommand({
        HealthCheckId: id,
        ResetElements: ['ResourcePath', 'FullyQualifiedDomainName'],
      }),
    );
    expect(reset.HealthCheck!.HealthCheckConfig!.ResourcePath).toBeUndefined();
    expect(reset.HealthCheck!.HealthCheckConfig!.FullyQualifiedDomainName).toBeUndefined();
    expect(reset.HealthCheck!.HealthCheckVersion).toBe(3);
  });

  it('answers NoSuchHealthCheck for unknown and deleted checks', async () => {
    const missing = '11111111-2222-4333-8444-555555555555';
    const expected = {
      name: 'NoSuchHealthCheck',
      status: 404,
      message: `A health check with id ${missing} does not exist.`,
    };
    expect(await failure(r53.send(new GetHealthCheckCommand({ HealthCheckId: missing })))).toMatchObject(
      expected,
    );
    expect(await failure(r53.send(new DeleteHealthCheckCommand({ HealthCheckId: missing })))).toMatchObject(
      expected,
    );
    expect(
      await failure(r53.send(new GetHealthCheckStatusCommand({ HealthCheckId: missing }))),
    ).toMatchObject(expected);
    const id = (await create({})).HealthCheck!.Id!;
    await r53.send(new DeleteHealthCheckCommand({ HealthCheckId: id }));
    expect((await failure(r53.send(new GetHealthCheckCommand({ HealthCheckId: id })))).name).toBe(
      'NoSuchHealthCheck',
    );
  });

  it('lists in pages with Marker and MaxItems and counts', async () => {
    const before = (await r53.send(new GetHealthCheckCountCommand({}))).HealthCheckCount!;
    for (let k = 0; k < 5; k++) await create({ Port: 9000 + k });
    expect((await r53.send(new GetHealthCheckCountCommand({}))).HealthCheckCount).toBe(before + 5);
    const first = await r53.send(new ListHealthChecksCommand({ MaxItems: 2 }));
    expect(first.HealthChecks).toHaveLength(2);
    expect(first.IsTruncated).toBe(true);
    expect(first.MaxItems).toBe(2);
    const second = await r53.send(new ListHealthChecksCommand({ MaxItems: 2, Marker: first.NextMarker }));
    expect(second.HealthChecks![0]!.Id).toBe(first.NextMarker);
    const all = [];
    for await (const page of paginateListHealthChecks({ client: r53, pageSize: 3 }, {}))
      all.push(...page.HealthChecks!);
    expect(all).toHaveLength(before + 5);
    expect(new Set(all.map((h) => h.Id)).size).toBe(all.length);
  });

  it('shows the observations of the sixteen checkers in eight Regions', async () => {
    const id = (await create({ RequestInterval: 10, FailureThreshold: 1 })).HealthCheck!.Id!;
    await labCall(served().endpoint, 'lab.clock', { advanceMs: 11_000 });
    let observations: unknown[] = [];
    for (let tries = 0; tries < 50 && observations.length < 16; tries++) {
      const out = await r53.send(new GetHealthCheckStatusCommand({ HealthCheckId: id }));
      observations = out.HealthCheckObservations!;
      if (observations.length < 16) await new Promise((r) => setTimeout(r, 100));
    }
    const out = await r53.send(new GetHealthCheckStatusCommand({ HealthCheckId: id }));
    const list = out.HealthCheckObservations!;
    expect(list).toHaveLength(16);
    expect([...new Set(list.map((o) => o.Region))].sort()).toEqual([
      'ap-northeast-1',
      'ap-southeast-1',
      'ap-southeast-2',
      'eu-west-1',
      'sa-east-1',
      'us-east-1',
      'us-west-1',
      'us-west-2',
    ]);
    for (const o of list) {
      expect(o.IPAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(o.StatusReport!.CheckedTime).toBeInstanceOf(Date);
      // Nothing answers at 203.0.113.10.
      expect(o.StatusReport!.Status).toMatch(/^Failure: Connection timed out\. /);
    }
    const calculated = await r53.send(
      new CreateHealthCheckCommand({
        CallerReference: ref(),
        HealthCheckConfig: { Type: 'CALCULATED', ChildHealthChecks: [id], HealthThreshold: 1 },
      }),
    );
    expect(calculated.HealthCheck!.HealthCheckConfig).toEqual({
      Type: 'CALCULATED',
      Inverted: false,
      Disabled: false,
      HealthThreshold: 1,
      ChildHealthChecks: [id],
    });
    expect(
      (
        await failure(
          r53.send(new GetHealthCheckStatusCommand({ HealthCheckId: calculated.HealthCheck!.Id })),
        )
      ).name,
    ).toBe('InvalidInput');
  });
});
