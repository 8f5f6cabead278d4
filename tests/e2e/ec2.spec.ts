// The EC2 console as a person uses it: launch through the wizard with a new key pair, watch the
// instance boot, find it on its host, fail its Availability Zone, recover, stop it.
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { shoot, startLight } from './support';

startLight();

const REGION = 'eu-west-2'; // a Region no other spec touches: the workspace is shared

async function clockSpeed(page: Page, speed: number) {
  const res = await page.request.post('./api/lab.clock', { data: { speed } });
  expect(res.ok()).toBe(true);
}

test.afterEach(async ({ page }) => {
  await clockSpeed(page, 1);
});

test('launch, find on its host, survive a zone failure, stop', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto(`./#/ec2/launch?region=${REGION}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Launch an instance' })).toBeVisible();
  await page.getByLabel('Name', { exact: true }).fill('e2e-web');
  await page.getByRole('radio', { name: 'Ubuntu' }).click();
  await expect(page.getByLabel('Amazon Machine Image (AMI)')).toContainText('Ubuntu');

  // A new key pair: its private key arrives once, as a .pem download.
  await page.getByRole('button', { name: 'Create new key pair' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create key pair' });
  await dialog.getByLabel('Key pair name').fill('e2e-key');
  const downloading = page.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Create key pair' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('e2e-key.pem');
  const pem = readFileSync(await download.path(), 'utf8');
  expect(pem).toMatch(
    /^-----BEGIN RSA PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+\n-----END RSA PRIVATE KEY-----\n?$/,
  );
  await expect(page.getByLabel('Key pair name')).toHaveValue('e2e-key');
  await expect(page.getByText('Log in as ubuntu with this key.')).toBeVisible();

  await page.getByLabel('Allow HTTP traffic from the internet').check();
  await shoot(page, 'ec2-launch-light');
  await page.getByRole('button', { name: 'Launch instance' }).click();
  const success = page.getByRole('status').filter({ hasText: 'Successfully initiated launch of instance' });
  await expect(success).toBeVisible();
  const instanceId = (await success.getByRole('link').textContent())!.trim();
  expect(instanceId).toMatch(/^i-[0-9a-f]{17}$/);

  // Boot takes seconds of simulated time, status checks a little longer: run the clock fast.
  await clockSpeed(page, 20);
  await page.getByRole('link', { name: 'View all instances' }).click();
  const row = page
    .getByRole('table', { name: 'Instances' })
    .getByRole('row', { name: new RegExp(instanceId) });
  await expect(row).toContainText('e2e-web');
  await expect(row).toContainText('Running');
  await expect(row).toContainText('2/2 checks passed');
  await expect(row).toContainText('t3.micro');
  await shoot(page, 'ec2-instances-light');

  // The security group the wizard made lets SSH and HTTP in.
  await row.getByRole('link', { name: instanceId }).click();
  await page.getByRole('tab', { name: 'Security' }).click();
  const rules = page.getByRole('table', { name: 'Security group rules' });
  await expect(
    rules.getByRole('row', { name: /Inbound launch-wizard-\d+ TCP 22 0\.0\.0\.0\/0/ }),
  ).toBeVisible();
  await expect(
    rules.getByRole('row', { name: /Inbound launch-wizard-\d+ TCP 80 0\.0\.0\.0\/0/ }),
  ).toBeVisible();
  await page.getByRole('tab', { name: 'System log' }).click();
  await expect(page.getByLabel('Console output')).toContainText('Ubuntu');

  // Find it on its host in the hypervisor view.
  await page.getByRole('link', { name: /^h-0[0-9a-f]{16}$/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Hypervisor and hosts' })).toBeVisible();
  const host = page.getByRole('article').filter({ has: page.getByRole('link', { name: 'e2e-web' }) });
  await expect(host).toContainText('t3 · Nitro');
  const zone = page.getByRole('region').filter({ has: host });
  const zoneName = (await zone.getByRole('heading', { level: 2 }).textContent())!.trim();
  expect(zoneName).toMatch(new RegExp(`^${REGION}[a-c]$`));

  // Fail its zone: the instance fails its system check and, seconds later, is stopped.
  await clockSpeed(page, 1);
  await zone.getByRole('button', { name: 'Fail zone' }).click();
  await page
    .getByRole('dialog', { name: `Fail ${zoneName}` })
    .getByRole('button', { name: `Fail ${zoneName}` })
    .click();
  await expect(zone).toContainText('Impaired');
  await expect(host).toContainText('Failed');
  await shoot(page, 'ec2-hypervisor-failed-light');
  await page.goto(`./#/ec2/instances/${instanceId}?region=${REGION}&tab=status`);
  await expect(page.getByRole('region', { name: 'System status checks' })).toContainText('Check failed');
  await clockSpeed(page, 20);
  await expect(page.getByText('Stopped', { exact: true })).toBeVisible({ timeout: 20_000 });
  await page.getByRole('tab', { name: 'Details' }).click();
  await expect(page.getByText("Server.InternalError: The instance's host failed")).toBeVisible();

  // The dashboard shows the outage as AWS would.
  await page.goto(`./#/ec2?region=${REGION}`);
  const health = page.getByRole('table', { name: 'Zone status' });
  await expect(health.getByRole('row', { name: new RegExp(`${zoneName} .*impaired`) })).toBeVisible();

  // Restore the zone, start the instance again, then stop it from the console.
  await page.goto(`./#/ec2/hypervisor?region=${REGION}`);
  await page.getByRole('region', { name: zoneName }).getByRole('button', { name: 'Restore zone' }).click();
  await expect(page.getByRole('region', { name: zoneName })).toContainText('Operating normally');
  await page.goto(`./#/ec2/instances?region=${REGION}`);
  await row.getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Instance state', expanded: false }).click();
  await page.getByRole('menuitem', { name: 'Start instance' }).click();
  await expect(row).toContainText('Running');
  await page.getByRole('button', { name: 'Instance state', expanded: false }).click();
  await page.getByRole('menuitem', { name: 'Stop instance' }).click();
  await expect(row).toContainText('Stopped');
});
