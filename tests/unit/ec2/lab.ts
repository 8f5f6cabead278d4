/**
 * A lab for EC2 core tests: a Cloud with a paused simulated clock, EC2 calls as the console's
 * principal, AWS errors as values, time that passes on request, and the console's lab channels.
 * Clouds opened here close after each test.
 */
import type * as EC2 from '@aws-sdk/client-ec2';
import { afterEach } from 'vitest';
import { Cloud } from '../../../electron/core/cloud';
import { isAwsError } from '../../../electron/core/kernel/errors';
import type { Ec2Runtime } from '../../../electron/core/services/ec2/runtime';
import { createConsoleHandlers } from '../../../electron/host/console-api';
import { RESOURCES, tempDir } from '../../support/temp';

const opened: Cloud[] = [];
const dirs: Array<() => void> = [];
afterEach(async () => {
  for (const c of opened.splice(0)) await c.close();
  for (const remove of dirs.splice(0)) remove();
});

/** A workspace directory that outlives a Cloud (to reopen it) and goes after the test. */
export function workspaceDir(): string {
  const t = tempDir();
  dirs.push(t.cleanup);
  return t.dir;
}

export async function ec2Lab(options: { seed?: string; dataDir?: string } = {}) {
  const cloud = await Cloud.open({
    dataDir: options.dataDir ?? null,
    resourcesDir: RESOURCES,
    seed: options.seed ?? null,
  });
  opened.push(cloud);
  cloud.clock.pause();
  const call = <T>(operation: string, input: unknown = {}, region = 'us-east-1') =>
    cloud.invoke({
      service: 'ec2',
      operation,
      input,
      region,
      principal: cloud.accounts.consolePrincipal(),
      source: 'internal',
    }) as Promise<T>;
  const fail = async (operation: string, input: unknown = {}, region = 'us-east-1') => {
    const e = await call(operation, input, region).then(
      () => null,
      (err: unknown) => err,
    );
    if (!isAwsError(e)) throw new Error(`${operation} should have failed`);
    return { code: e.code, message: e.message, status: e.status };
  };
  /** Let `ms` of simulated time pass and wait for the transitions it triggered. */
  const elapse = async (ms: number) => {
    for (let step = 0; step < ms; step += 1000) {
      cloud.clock.advance(Math.min(1000, ms - step));
      await cloud.runtime<Ec2Runtime>('ec2').lifecycle.settled();
    }
  };
  const handlers = createConsoleHandlers(cloud, () => ({}) as never, {
    editable: false,
    running: () => ({ enabled: false, host: '', port: 0 }),
  });
  const ami = async (region = 'us-east-1', name = 'al2023-ami-*-x86_64') =>
    (
      await call<EC2.DescribeImagesResult>(
        'DescribeImages',
        { Filters: [{ Name: 'name', Values: [name] }] },
        region,
      )
    ).Images![0]!.ImageId!;
  const instance = async (id: string, region = 'us-east-1') =>
    (await call<EC2.DescribeInstancesResult>('DescribeInstances', { InstanceIds: [id] }, region))
      .Reservations![0]!.Instances![0]!;
  /** Close the workspace now (to reopen it), instead of after the test. */
  const close = async () => {
    opened.splice(opened.indexOf(cloud), 1);
    await cloud.close();
  };
  return { cloud, call, fail, elapse, handlers, ami, instance, close };
}
