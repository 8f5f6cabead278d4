// Terminals in the console as a person uses them: connect to a running instance with EC2
// Instance Connect, type commands, open a second session, close one, open CloudShell; and a
// terminal that logs in again after the server restarts.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLight } from './support';

startLight();
test.use({ viewport: { width: 1400, height: 900 } });

const REGION = 'ca-central-1'; // a Region no other spec touches: the workspace is shared
const SHOTS = 'docs/screenshots';

async function api<T>(page: Page, channel: string, args: unknown): Promise<T> {
  const res = await page.request.post(`./api/${channel}`, { data: args });
  const body = (await res.json()) as { ok: boolean; result: T; error?: { message: string } };
  expect(body.ok, body.error?.message).toBe(true);
  return body.result;
}

const ec2 = <T>(page: Page, operation: string, input: unknown) =>
  api<T>(page, 'aws.call', { service: 'ec2', operation, region: REGION, input });

/** Type a command line into the terminal that has the keyboard. */
async function run(page: Page, line: string): Promise<void> {
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}

/** What the terminal shows, one line per row (xterm draws rows as elements, spaces as nbsp). */
async function screenText(terminal: Locator): Promise<string> {
  const text = await terminal.locator('.xterm-rows').innerText();
  return text.replace(/\u00a0/g, ' ').replace(/ +$/gm, '');
}

/** Wait until the terminal shows text matching `pattern`. */
async function shows(terminal: Locator, pattern: RegExp | string, timeout = 10_000): Promise<void> {
  await expect.poll(() => screenText(terminal), { timeout }).toMatch(pattern);
}

test('connect to an instance, run commands, several tabs, CloudShell', async ({ page }) => {
  test.setTimeout(120_000);
  // An Amazon Linux instance launched through the AWS API, as a script would.
  const images = await ec2<{ Images: Array<{ ImageId: string; Name: string; Architecture: string }> }>(
    page,
    'DescribeImages',
    { Owners: ['amazon'] },
  );
  const image = images.Images.find((i) => i.Name.startsWith('al2023-') && i.Architecture === 'x86_64');
  expect(image).toBeTruthy();
  const launched = await ec2<{ Instances: Array<{ InstanceId: string }> }>(page, 'RunInstances', {
    ImageId: image!.ImageId,
    InstanceType: 't3.micro',
    MinCount: 1,
    MaxCount: 1,
    TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'term-web' }] }],
  });
  const instanceId = launched.Instances[0]!.InstanceId;
  await api(page, 'lab.clock', { speed: 20 });

  await page.goto(`./#/ec2/instances?region=${REGION}`);
  const row = page
    .getByRole('table', { name: 'Instances' })
    .getByRole('row', { name: new RegExp(instanceId) });
  await expect(row).toContainText('Running', { timeout: 20_000 });
  await api(page, 'lab.clock', { speed: 1 });
  const connectButton = page.getByRole('button', { name: 'Connect', exact: true });
  await expect(connectButton).toBeDisabled(); // nothing selected yet
  await row.getByRole('checkbox').check();
  await expect(connectButton).toBeEnabled();
  await connectButton.click();

  // The Connect to instance page: EC2 Instance Connect with the AMI's user, and the SSH command.
  await expect(page.getByRole('heading', { level: 1, name: 'Connect to instance' })).toBeVisible();
  await expect(page.getByLabel('Username')).toHaveValue('ec2-user');
  await page.getByRole('tab', { name: 'SSH client' }).click();
  const info = await api<{ listeners: { sshPort: number | null } }>(page, 'lab.info', null);
  if (info.listeners.sshPort) await expect(page.getByText(`ec2-user@${instanceId}@127.0.0.1`)).toBeVisible();
  await page.getByRole('tab', { name: 'EC2 Instance Connect' }).click();
  await page.getByRole('button', { name: 'Connect', exact: true }).click();

  const dock = page.getByRole('complementary', { name: 'Terminals' });
  const title = `${instanceId} (term-web)`;
  await expect(dock.getByRole('tab', { name: title })).toHaveAttribute('aria-selected', 'true');
  const first = page.getByRole('region', { name: `Terminal ${title}` });
  await shows(first, /\[ec2-user@ip-[\d-]+ ~\]\$/);
  await run(page, 'echo hello-from-terminal');
  await shows(first, /^hello-from-terminal$/m);
  await run(page, 'uname -n');
  await shows(first, /^ip-\d+-\d+-\d+-\d+$/m);
  await run(page, 'cat /etc/os-release');
  await shows(first, 'Amazon Linux');
  await page.screenshot({ path: `${SHOTS}/terminal-connect.png` });

  // A second session to the same instance, in its own tab; closing the first keeps it.
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  const tabs = dock.getByRole('tab', { name: title });
  await expect(tabs).toHaveCount(2);
  await expect(tabs.nth(1)).toHaveAttribute('aria-selected', 'true');
  const second = page.getByRole('region', { name: `Terminal ${title}` });
  await expect(second).toHaveCount(1); // only the tab in front is shown
  await shows(second, /\$$/m);
  await run(page, 'echo second-session');
  await shows(second, /^second-session$/m);
  await dock
    .getByRole('button', { name: `Close ${title}` })
    .first()
    .click();
  await expect(tabs).toHaveCount(1);
  await shows(second, 'second-session');

  // CloudShell from the top bar: the account's workstation in this Region.
  await page.goto(`./#/ec2?region=${REGION}`);
  await page.getByRole('button', { name: 'CloudShell', exact: true }).click();
  const shellTitle = `CloudShell (${REGION})`;
  await expect(dock.getByRole('tab', { name: shellTitle })).toHaveAttribute('aria-selected', 'true');
  const cloudShell = page.getByRole('region', { name: `Terminal ${shellTitle}` });
  await shows(cloudShell, /cloudshell-user@/);
  await run(page, 'whoami');
  await shows(cloudShell, /^cloudshell-user$/m);
  await run(page, 'echo $AWS_REGION');
  await shows(cloudShell, new RegExp(`^${REGION}$`, 'm'));
  // The aws command is configured for the account.
  await run(page, 'aws sts get-caller-identity');
  await shows(cloudShell, '"Account": "123456789012"');
  await run(
    page,
    "aws ec2 describe-instances --query 'Reservations[].Instances[].[InstanceId,InstanceType,State.Name]' --output table",
  );
  await shows(cloudShell, /\|\s+i-[0-9a-f]+\s+\|\s+t\S+\s+\|\s+running\s+\|/);
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: `${SHOTS}/terminal-cloudshell.png` });

  // Closing the tab ends the session: the tab strip empties and the dock goes away.
  await dock.getByRole('button', { name: `Close ${shellTitle}` }).click();
  await dock.getByRole('button', { name: `Close ${title}` }).click();
  await expect(dock).toHaveCount(0);
});

test('a stopped instance cannot be connected to', async ({ page }) => {
  const described = await ec2<{
    Reservations: Array<{ Instances: Array<{ InstanceId: string; State: { Name: string } }> }>;
  }>(page, 'DescribeInstances', { Filters: [{ Name: 'tag:Name', Values: ['term-web'] }] });
  const instance = described.Reservations.flatMap((r) => r.Instances).find((i) => i.State.Name === 'running');
  test.skip(!instance, 'needs the instance of the first test');
  await ec2(page, 'StopInstances', { InstanceIds: [instance!.InstanceId] });
  await api(page, 'lab.clock', { speed: 20 });
  await page.goto(`./#/ec2/instances/${instance!.InstanceId}?region=${REGION}`);
  await expect(page.getByText('Stopped', { exact: true })).toBeVisible({ timeout: 20_000 });
  await api(page, 'lab.clock', { speed: 1 });
  const connect = page.getByRole('button', { name: 'Connect', exact: true });
  await expect(connect).toBeDisabled();
  await expect(connect).toHaveAttribute('title', /Start it before connecting/);
  await page.goto(`./#/ec2/instances/${instance!.InstanceId}/connect?region=${REGION}`);
  await expect(page.getByRole('alert')).toContainText('The instance is not running');
});

// The web console's own server, restarted under the terminal: the terminal says the
// connection dropped and logs in again once the server is back.
test('a terminal logs in again after the server restarts', async ({ browser }) => {
  test.setTimeout(90_000);
  const data = mkdtempSync(join(tmpdir(), 'cloudlab-e2e-restart-'));
  mkdirSync(data, { recursive: true });
  let server = await startServer(data, 0);
  try {
    const page = await browser.newPage({ baseURL: server.url });
    await page.addInitScript(() => localStorage.setItem('cloudlab.theme', 'light'));
    await page.goto(`./#/?region=${REGION}`);
    await page.getByRole('button', { name: 'CloudShell', exact: true }).click();
    const terminal = page.getByRole('region', { name: `Terminal CloudShell (${REGION})` });
    await shows(terminal, /cloudshell-user@/);
    await run(page, 'echo before-restart');
    await shows(terminal, /^before-restart$/m);

    await stopServer(server.process);
    await shows(terminal, '[connection lost — reconnecting…]');
    server = await startServer(data, server.port);
    // A new login: a second prompt after the notice, and the keyboard works again.
    await shows(terminal, /reconnecting…\][^]*cloudshell-user@/, 20_000);
    await terminal.click();
    await run(page, 'echo after-restart');
    await shows(terminal, /^after-restart$/m);
    await page.close();
  } finally {
    await stopServer(server.process);
  }
});

interface Server {
  process: ChildProcess;
  port: number;
  url: string;
}

function startServer(data: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        'bin/cloudlab.mjs',
        'serve',
        '--port',
        String(port),
        '--ssh-port',
        '0',
        '--dns-port',
        '0',
        '--data',
        data,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    const timer = setTimeout(() => reject(new Error(`cloudlab serve did not start: ${out}`)), 30_000);
    const read = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /ready · AWS endpoint http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ process: child, port: Number(m[1]), url: `http://127.0.0.1:${m[1]}/_cloudlab/` });
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (code) => reject(new Error(`cloudlab serve exited (${code}): ${out}`)));
  });
}

function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
