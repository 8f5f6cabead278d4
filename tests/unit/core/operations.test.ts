import type { DescribeAvailabilityZonesResult, DescribeRegionsResult } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWire, encodeWire } from '../../../electron/contract/json-wire';
import { Cloud } from '../../../electron/core/cloud';
import { isAwsError } from '../../../electron/core/kernel/errors';
import { createConsoleHandlers, dispatchConsole } from '../../../electron/host/console-api';
import { RESOURCES } from '../../support/temp';

let cloud: Cloud;
beforeAll(async () => {
  cloud = await Cloud.open({ dataDir: null, resourcesDir: RESOURCES });
});
afterAll(() => cloud.close());

const call = <T>(service: string, operation: string, input: unknown, region = 'us-east-1') =>
  cloud.invoke({
    service,
    operation,
    input,
    region,
    principal: cloud.accounts.consolePrincipal(),
    source: 'internal',
  }) as Promise<T>;

async function error(p: Promise<unknown>) {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  if (!isAwsError(e)) throw new Error(`expected an AWS error, got ${String(e)}`);
  return { code: e.code, message: e.message, status: e.status };
}

describe('STS', () => {
  it('GetCallerIdentity names the account root', async () => {
    expect(await call('sts', 'GetCallerIdentity', {})).toEqual({
      UserId: '123456789012',
      Account: '123456789012',
      Arn: 'arn:aws:iam::123456789012:root',
    });
  });
});

describe('EC2 DescribeRegions', () => {
  it('lists only usable Regions unless AllRegions is set', async () => {
    const usable = await call<DescribeRegionsResult>('ec2', 'DescribeRegions', {});
    const all = await call<DescribeRegionsResult>('ec2', 'DescribeRegions', { AllRegions: true });
    expect(usable.Regions!.every((r) => r.OptInStatus === 'opt-in-not-required')).toBe(true);
    expect(all.Regions!.length).toBe(cloud.catalogue.regions.length);
    expect(all.Regions!.find((r) => r.RegionName === 'af-south-1')).toEqual({
      Endpoint: 'ec2.af-south-1.amazonaws.com',
      RegionName: 'af-south-1',
      OptInStatus: 'not-opted-in',
    });
  });

  it('filters with wildcards and names', async () => {
    const eu = await call<DescribeRegionsResult>('ec2', 'DescribeRegions', {
      Filters: [{ Name: 'region-name', Values: ['eu-west-*'] }],
    });
    expect(eu.Regions!.map((r) => r.RegionName)).toEqual(['eu-west-1', 'eu-west-2', 'eu-west-3']);
    const named = await call<DescribeRegionsResult>('ec2', 'DescribeRegions', {
      RegionNames: ['me-south-1'],
    });
    expect(named.Regions).toEqual([
      { Endpoint: 'ec2.me-south-1.amazonaws.com', RegionName: 'me-south-1', OptInStatus: 'not-opted-in' },
    ]);
    expect(await error(call('ec2', 'DescribeRegions', { RegionNames: ['xx-nowhere-1'] }))).toMatchObject({
      code: 'InvalidParameterValue',
    });
    expect(
      await error(call('ec2', 'DescribeRegions', { Filters: [{ Name: 'colour', Values: ['blue'] }] })),
    ).toMatchObject({ code: 'InvalidParameterValue', message: "The filter 'colour' is invalid" });
  });

  it('reflects Regions the account opts in to', async () => {
    await cloud.accounts.setOptInRegion('123456789012', 'il-central-1', true);
    const usable = await call<DescribeRegionsResult>('ec2', 'DescribeRegions', {});
    expect(usable.Regions!.find((r) => r.RegionName === 'il-central-1')?.OptInStatus).toBe('opted-in');
    await cloud.accounts.setOptInRegion('123456789012', 'il-central-1', false);
  });

  it('answers DryRun with DryRunOperation', async () => {
    expect(await error(call('ec2', 'DescribeRegions', { DryRun: true }))).toEqual({
      code: 'DryRunOperation',
      message: 'Request would have succeeded, but DryRun flag is set.',
      status: 412,
    });
  });
});

describe('EC2 DescribeAvailabilityZones', () => {
  it('lists the Availability Zones of the request Region with zone IDs', async () => {
    const r = await call<DescribeAvailabilityZonesResult>(
      'ec2',
      'DescribeAvailabilityZones',
      {},
      'us-west-2',
    );
    expect(r.AvailabilityZones!.map((z) => z.ZoneName)).toEqual([
      'us-west-2a',
      'us-west-2b',
      'us-west-2c',
      'us-west-2d',
    ]);
    expect(r.AvailabilityZones![0]).toMatchObject({
      State: 'available',
      OptInStatus: 'opt-in-not-required',
      RegionName: 'us-west-2',
      ZoneType: 'availability-zone',
      NetworkBorderGroup: 'us-west-2',
      GroupName: 'us-west-2-zg-1',
    });
    expect(r.AvailabilityZones!.every((z) => /^usw2-az\d$/.test(z.ZoneId!))).toBe(true);
  });

  it('includes Local Zones only with AllAvailabilityZones, with their parent zone', async () => {
    const all = await call<DescribeAvailabilityZonesResult>(
      'ec2',
      'DescribeAvailabilityZones',
      { AllAvailabilityZones: true },
      'us-west-2',
    );
    const lax = all.AvailabilityZones!.find((z) => z.ZoneName === 'us-west-2-lax-1a')!;
    expect(lax).toMatchObject({
      ZoneType: 'local-zone',
      OptInStatus: 'not-opted-in',
      GroupName: 'us-west-2-lax-1',
    });
    expect(lax.ParentZoneName).toMatch(/^us-west-2[a-d]$/);
  });

  it('selects by name, ID and filter, and refuses unknown zones', async () => {
    const byId = await call<DescribeAvailabilityZonesResult>('ec2', 'DescribeAvailabilityZones', {
      ZoneIds: ['use1-az1'],
    });
    expect(byId.AvailabilityZones!.map((z) => z.ZoneName)).toEqual(['us-east-1c']);
    const filtered = await call<DescribeAvailabilityZonesResult>('ec2', 'DescribeAvailabilityZones', {
      Filters: [{ Name: 'zone-name', Values: ['us-east-1a', 'us-east-1b'] }],
    });
    expect(filtered.AvailabilityZones!.map((z) => z.ZoneId)).toEqual(['use1-az4', 'use1-az6']);
    expect(
      await error(call('ec2', 'DescribeAvailabilityZones', { ZoneNames: ['us-east-1z'] })),
    ).toMatchObject({
      code: 'InvalidParameterValue',
      message: 'Invalid availability zone: [us-east-1z]',
    });
  });
});

describe('operations not simulated yet', () => {
  it('answer NotImplemented naming the operation, never a fake success', async () => {
    expect(await error(call('ec2', 'CreateLaunchTemplate', {}))).toEqual({
      code: 'NotImplemented',
      message: 'The CreateLaunchTemplate operation of Amazon EC2 is not implemented in Cloud Lab yet.',
      status: 501,
    });
    expect((await error(call('s3', 'GetBucketAccelerateConfiguration', { Bucket: 'photos' }))).code).toBe(
      'NotImplemented',
    );
  });
});

describe('console handlers', () => {
  const handlers = () =>
    createConsoleHandlers(cloud, () => ({ ...cloud.health(), endpoint: null }) as never, {
      editable: false,
      running: () => ({ enabled: true, host: '127.0.0.1', port: 4566 }),
    });

  it('route aws.call through the same operations and wrap errors', async () => {
    const ok = await dispatchConsole(handlers(), 'aws.call', {
      service: 'sts',
      operation: 'GetCallerIdentity',
      region: 'us-east-1',
    });
    expect(ok).toEqual({ ok: true, result: expect.objectContaining({ Account: '123456789012' }) });
    const bad = await dispatchConsole(handlers(), 'aws.call', {
      service: 'ec2',
      operation: 'DescribeAvailabilityZones',
      region: 'us-east-1',
      input: { ZoneNames: ['nope'] },
    });
    expect(bad).toEqual({
      ok: false,
      error: { code: 'InvalidParameterValue', message: 'Invalid availability zone: [nope]', status: 400 },
    });
    const unknown = await dispatchConsole(handlers(), 'no.such' as 'lab.info', null);
    expect(unknown.ok).toBe(false);
  });

  it('give the catalogue, credentials and clock', async () => {
    const h = handlers();
    const catalogue = await h['lab.catalogue'](null);
    expect(catalogue.regions.find((r) => r.code === 'us-east-1')).toMatchObject({
      availabilityZones: 6,
      group: 'United States',
    });
    const creds = await h['lab.credentials'](null);
    expect(creds.accessKeys).toEqual([{ accessKeyId: 'test', secretAccessKey: 'test', status: 'Active' }]);
    const before = await h['lab.clock'](null);
    const after = await h['lab.clock']({ paused: true, advanceMs: 3_600_000 });
    expect(after.paused).toBe(true);
    expect(after.now - before.now).toBeGreaterThanOrEqual(3_600_000);
    await h['lab.clock']({ paused: false });
    await expect(Promise.resolve().then(() => h['lab.clock']({ speed: -2 }))).rejects.toMatchObject({
      code: 'ValidationException',
    });
  });

  it('refuse to change listeners where they are command-line flags', async () => {
    await expect(
      Promise.resolve().then(() => handlers()['lab.listeners']({ enabled: true, host: '0.0.0.0', port: 1 })),
    ).rejects.toMatchObject({ code: 'ValidationException' });
  });
});

describe('console wire format', () => {
  it('keeps dates and bytes', () => {
    const value = {
      at: new Date('2026-01-05T09:00:00.000Z'),
      data: new Uint8Array([0, 1, 2, 250, 255]),
      s: 'x',
    };
    expect(decodeWire(encodeWire(value))).toEqual(value);
  });
});
