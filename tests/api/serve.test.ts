/**
 * `cloudlab serve` as a process: the ready line, health, the web console and its WebSocket,
 * clean stops on SIGINT/SIGTERM, persistence across restarts and kill -9, deterministic mode,
 * damaged workspaces and busy ports.
 */
import { EC2Client, DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import { writeFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { decodeWire, encodeWire } from '../../electron/contract/json-wire';
import { DETERMINISTIC_EPOCH } from '../../electron/core/kernel/clock';
import { credentials, runCli, serve } from '../support/serve';
import { tempDir } from '../support/temp';

/** Call a console channel over the web console's WebSocket. */
async function consoleCall(
  endpoint: string,
  channel: string,
  args: unknown,
): Promise<{ ok: boolean; result?: unknown; error?: { code: string } }> {
  const ws = new WebSocket(`${endpoint.replace('http', 'ws')}/_cloudlab/ws`);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  type Message = {
    id?: number;
    event?: string;
    envelope: { ok: boolean; result?: unknown; error?: { code: string } };
  };
  // Pushed cloud events may arrive before the answer; wait for the message with our id.
  const answer = new Promise<Message>((resolve) =>
    ws.on('message', (d) => {
      const m = decodeWire(String(d)) as Message;
      if (m.id === 1) resolve(m);
    }),
  );
  ws.send(encodeWire({ id: 1, channel, args }));
  const message = await answer;
  ws.close();
  return message.envelope;
}

describe('cloudlab serve', () => {
  it('prints one ready line with the URLs, serves health, the console and its socket, and stops cleanly', async () => {
    const lab = await serve();
    try {
      expect(lab.stdout()).toMatch(
        /^Cloud Lab \S+ ready · AWS endpoint http:\/\/127\.0\.0\.1:\d+ · console http:\/\/127\.0\.0\.1:\d+\/_cloudlab\/ · SSH gateway ssh:\/\/127\.0\.0\.1:\d+ · DNS udp\/tcp 127\.0\.0\.1:\d+ · workspace \S+\n$/,
      );
      const health = await fetch(`${lab.endpoint}/_cloudlab/health`);
      expect(health.status).toBe(200);
      const body = (await health.json()) as { status: string; services: Record<string, string> };
      expect(body.status).toBe('ok');
      expect(body.services).toMatchObject({
        ec2: 'running',
        sts: 'running',
        s3: 'running',
        dynamodb: 'running',
        lambda: 'running',
        logs: 'running',
        route53: 'running',
      });

      const page = await fetch(`${lab.endpoint}/_cloudlab/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(await page.text()).toContain('<div id="app">');
      const browser = await fetch(`${lab.endpoint}/`, {
        headers: { accept: 'text/html' },
        redirect: 'manual',
      });
      expect(browser.status).toBe(302);
      expect(browser.headers.get('location')).toBe('/_cloudlab/');

      const info = await consoleCall(lab.endpoint, 'aws.call', {
        service: 'ec2',
        operation: 'DescribeAvailabilityZones',
        region: 'eu-west-1',
      });
      expect(info.ok).toBe(true);
      expect((info.result as { AvailabilityZones: unknown[] }).AvailabilityZones).toHaveLength(3);
      const bad = await consoleCall(lab.endpoint, 'aws.call', {
        service: 'ec2',
        operation: 'DescribeAvailabilityZones',
        region: 'eu-west-1',
        input: { ZoneIds: ['nope'] },
      });
      expect(bad).toMatchObject({ ok: false, error: { code: 'InvalidParameterValue' } });
    } finally {
      expect(await lab.stop('SIGTERM')).toEqual({ code: 0, signal: null });
      lab.cleanup();
    }
    const again = await serve();
    expect(await again.stop('SIGINT')).toEqual({ code: 0, signal: null });
    again.cleanup();
  });

  it('refuses a WebSocket from another origin', async () => {
    const lab = await serve();
    try {
      const ws = new WebSocket(`${lab.endpoint.replace('http', 'ws')}/_cloudlab/ws`, {
        headers: { origin: 'http://evil.example' },
      });
      const outcome = await new Promise<string>((resolve) => {
        ws.once('open', () => resolve('open'));
        ws.once('error', () => resolve('refused'));
      });
      expect(outcome).toBe('refused');
    } finally {
      await lab.stop();
      lab.cleanup();
    }
  });

  it('keeps the workspace across a clean restart and across kill -9', async () => {
    const t = tempDir();
    try {
      let lab = await serve([], { dataDir: t.dir });
      expect(
        await consoleCall(lab.endpoint, 'lab.region-opt-in', { region: 'af-south-1', enabled: true }),
      ).toEqual({ ok: true, result: null });
      await lab.stop('SIGTERM');
      lab = await serve([], { dataDir: t.dir });
      const ec2 = () =>
        new EC2Client({ endpoint: lab.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
      const regions = async () =>
        Object.fromEntries(
          ((await ec2().send(new DescribeRegionsCommand({ AllRegions: true }))).Regions ?? []).map((r) => [
            r.RegionName,
            r.OptInStatus,
          ]),
        );
      expect((await regions())['af-south-1']).toBe('opted-in');
      // An acknowledged change survives kill -9 (the journal, not a clean shutdown).
      expect(
        (await consoleCall(lab.endpoint, 'lab.region-opt-in', { region: 'ap-east-1', enabled: true })).ok,
      ).toBe(true);
      expect(await lab.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
      lab = await serve([], { dataDir: t.dir });
      expect((await regions())['ap-east-1']).toBe('opted-in');
      await lab.stop();
    } finally {
      t.cleanup();
    }
  });

  it('runs a new workspace deterministically with --seed, and refuses another seed for it', async () => {
    const t = tempDir();
    try {
      const lab = await serve(['--seed', '42'], { dataDir: t.dir });
      expect(lab.stdout()).toContain('deterministic (seed 42)');
      const clock = await consoleCall(lab.endpoint, 'lab.clock', null);
      const now = (clock.result as { now: number; deterministic: boolean }).now;
      expect((clock.result as { deterministic: boolean }).deterministic).toBe(true);
      expect(now - DETERMINISTIC_EPOCH).toBeGreaterThanOrEqual(0);
      expect(now - DETERMINISTIC_EPOCH).toBeLessThan(60_000);
      await lab.stop();
      const other = runCli(['serve', '--port', '0', '--data', t.dir, '--seed', '7']);
      expect(other.status).toBe(1);
      expect(other.stderr).toContain('created with --seed 42, not 7');
    } finally {
      t.cleanup();
    }
  });

  it('refuses a damaged workspace with a clear message, and moves it aside with --recover', async () => {
    const t = tempDir();
    try {
      writeFileSync(join(t.dir, 'cloudlab.db'), 'garbage '.repeat(1000));
      const refused = runCli(['serve', '--port', '0', '--data', t.dir]);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain(`The workspace database ${join(t.dir, 'cloudlab.db')} is damaged`);
      expect(refused.stderr).toContain('--recover');
      const lab = await serve(['--recover'], { dataDir: t.dir });
      expect(lab.stderr()).toMatch(/moved to .*damaged-/);
      expect(readdirSync(t.dir).some((n) => n.startsWith('damaged-'))).toBe(true);
      await lab.stop();
    } finally {
      t.cleanup();
    }
  });

  it('says clearly when the port is taken or a flag is wrong', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    const t = tempDir();
    try {
      const r = runCli(['serve', '--port', String(port), '--data', t.dir]);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`port ${port} on 127.0.0.1 is already in use`);
      expect(runCli(['serve', '--port', 'eighty']).stderr).toContain('--port must be a port number');
      expect(runCli(['serve', '--frobnicate']).status).toBe(1);
      expect(runCli(['--help']).stdout).toContain('Usage: cloudlab serve');
    } finally {
      blocker.close();
      t.cleanup();
    }
  });
});
