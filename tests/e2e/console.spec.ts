import { expect, test, type Page } from '@playwright/test';
import { shoot, startLight } from './support';

startLight();

async function chooseRegion(page: Page, name: string, code: string) {
  await page.getByRole('button', { name: /^Region:/ }).click();
  await page.getByRole('menuitemradio', { name: `${name} ${code}` }).click();
  await expect(page.getByRole('button', { name: `Region: ${name}` })).toBeVisible();
}

test('home loads with every service and the lab details', async ({ page }) => {
  await page.goto('./');
  await expect(page.getByRole('heading', { level: 1, name: 'Console Home' })).toBeVisible();
  for (const service of [
    'Amazon EC2',
    'Amazon S3',
    'Amazon DynamoDB',
    'AWS Lambda',
    'Amazon Route 53',
    'AWS Global Infrastructure',
  ]) {
    await expect(page.getByRole('link', { name: new RegExp(service) })).toBeVisible();
  }
  await expect(page.getByText('Deterministic (seed 7)')).toBeVisible();
  await expect(page.getByText('1234-5678-9012').first()).toBeVisible();
  await page.getByRole('button', { name: 'Services' }).click();
  await expect(
    page.getByRole('navigation', { name: 'All services' }).getByRole('link', { name: /DynamoDB/ }),
  ).toBeVisible();
  await page.keyboard.press('Escape');
  await shoot(page, 'home-light');
});

test('switching Region updates the top bar, the URL and the page', async ({ page }) => {
  await page.goto('./');
  await expect(page.getByRole('button', { name: 'Region: US East (N. Virginia)' })).toBeVisible();
  await chooseRegion(page, 'Europe (Frankfurt)', 'eu-central-1');
  await expect(page).toHaveURL(/region=eu-central-1/);
  await expect(page.getByText('Europe (Frankfurt) · eu-central-1')).toBeVisible();
  // Opt-in Regions that are not enabled cannot be chosen.
  await page.getByRole('button', { name: /^Region:/ }).click();
  await expect(page.getByRole('menuitemradio', { name: 'Africa (Cape Town) af-south-1' })).toHaveAttribute(
    'aria-disabled',
    'true',
  );
});

test('the Global Infrastructure page shows the Availability Zones of the selected Region', async ({
  page,
}) => {
  await page.goto('./#/infrastructure');
  await expect(page.getByRole('heading', { level: 1, name: 'Global Infrastructure' })).toBeVisible();
  await chooseRegion(page, 'Asia Pacific (Tokyo)', 'ap-northeast-1');
  const zones = page.getByRole('table', { name: 'Availability Zones' });
  await expect(zones.getByRole('row')).toHaveCount(4); // header + 3 zones
  for (const [name, id] of [
    ['ap-northeast-1a', 'apne1-az4'],
    ['ap-northeast-1c', 'apne1-az1'],
    ['ap-northeast-1d', 'apne1-az2'],
  ]) {
    await expect(zones.getByRole('row', { name: new RegExp(`${name} ${id}`) })).toBeVisible();
  }
  // Picking a Region on the map switches the console to it.
  await page.getByRole('button', { name: 'US West (Oregon) (us-west-2)' }).click();
  await expect(page.getByRole('button', { name: 'Region: US West (Oregon)' })).toBeVisible();
  // Oregon: four Availability Zones, plus its Local Zones (this page asks for all zones).
  await expect(zones.getByRole('row', { name: /us-west-2d usw2-az4 Availability Zone/ })).toBeVisible();
  await expect(zones.getByRole('row', { name: /us-west-2-lax-1a usw2-lax1-az1 Local Zone/ })).toBeVisible();
  await expect(zones.getByRole('row', { name: /Availability Zone/ })).toHaveCount(4);
  await shoot(page, 'infrastructure-light');
});

test('an opt-in Region can be enabled from the map', async ({ page }) => {
  await page.goto('./#/infrastructure');
  await page.getByRole('button', { name: 'Middle East (Bahrain) (me-south-1), not enabled' }).click();
  await expect(page.getByRole('heading', { name: 'Middle East (Bahrain)', exact: true })).toBeVisible();
  await expect(page.getByText('Not enabled (opt-in required)')).toBeVisible();
  await page.getByRole('button', { name: 'Enable Region' }).click();
  await expect(page.getByText('Middle East (Bahrain) is enabled')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Region: Middle East (Bahrain)' })).toBeVisible();
  await expect(
    page.getByRole('table', { name: 'Availability Zones' }).getByRole('row', { name: /me-south-1a/ }),
  ).toBeVisible();
});

test('search finds services and Regions', async ({ page }) => {
  await page.goto('./');
  await page.keyboard.press('Alt+s');
  await expect(page.getByRole('combobox', { name: /Search/ })).toBeFocused();
  await page.keyboard.type('dynamo');
  await expect(page.getByRole('option', { name: /Amazon DynamoDB/ })).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: /^Tables/ })).toBeVisible();
  await page.getByRole('combobox', { name: /Search/ }).fill('lambda');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: /^Functions/ })).toBeVisible();
  await page.getByRole('combobox', { name: /Search/ }).fill('route 53');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Route 53 Dashboard' })).toBeVisible();
  await page.getByRole('combobox', { name: /Search/ }).fill('ireland');
  await page.getByRole('option', { name: /Europe \(Ireland\)/ }).click();
  await expect(page.getByRole('button', { name: 'Region: Europe (Ireland)' })).toBeVisible();
});

test('the EC2 page shows zone health from DescribeAvailabilityZones', async ({ page }) => {
  await page.goto('./#/ec2?region=sa-east-1');
  await expect(page.getByRole('heading', { level: 1, name: 'Amazon EC2' })).toBeVisible();
  const health = page.getByRole('table', { name: 'Zone status' });
  await expect(health.getByRole('row', { name: /sa-east-1a .*Zone is operating normally/ })).toBeVisible();
  await shoot(page, 'ec2-light');
});

test('security credentials show the access key, secret on request', async ({ page }) => {
  await page.goto('./');
  await page.getByRole('button', { name: 'Account' }).click();
  await page.getByRole('menuitem', { name: 'Security credentials' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Security credentials' })).toBeVisible();
  const keys = page.getByRole('table', { name: 'Access keys' });
  await expect(keys.getByRole('row', { name: /test/ })).toContainText('••••');
  await keys.getByRole('button', { name: 'Show' }).click();
  await expect(keys.getByRole('row', { name: /test/ })).not.toContainText('••••');
  await expect(page.getByText('endpoint_url = http://127.0.0.1:')).toBeVisible();
  await shoot(page, 'credentials-light');
});

test('settings: dark theme and the simulated clock', async ({ page }) => {
  await page.goto('./#/settings');
  await page.getByRole('radio', { name: 'Dark' }).check();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByRole('link', { name: 'Clock paused' })).toBeVisible();
  const before = await page
    .getByText(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/)
    .first()
    .textContent();
  await page.getByRole('button', { name: 'Advance 1 day' }).click();
  await expect(page.getByText(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/).first()).not.toHaveText(before!);
  await page.getByRole('button', { name: 'Resume' }).click();
  await page.getByRole('group', { name: 'Clock speed' }).getByRole('button', { name: '10×' }).click();
  await expect(page.getByRole('link', { name: 'Clock ×10' })).toBeVisible();
  await page.getByRole('group', { name: 'Clock speed' }).getByRole('button', { name: '1×' }).click();
  await expect(page.getByText('Ports are set with')).toHaveCount(0);
  await expect(page.getByText('npx cloudlab serve --port 4566')).toBeVisible();
  await expect(page.getByLabel('Lambda concurrent executions')).toHaveValue('100');
  await page.getByLabel('Lambda concurrent executions').fill('40');
  await page.getByRole('button', { name: 'Save' }).last().click();
  await expect(page.getByText('Capacity saved')).toBeVisible();
  await shoot(page, 'settings-dark');
  await page.goto('./#/infrastructure');
  await expect(page.getByRole('table', { name: 'Availability Zones' })).toBeVisible();
  await shoot(page, 'infrastructure-dark');
  await page.goto('./');
  await shoot(page, 'home-dark');
});
