// The Route 53 console as a person uses it: create a public hosted zone, add an A record in the
// form, see it in the records table, check Route 53's answer with the Test record tool, see an
// instance resolve it with dig, open it in the console's preview, create a health check and watch its status, and find that a
// zone with records cannot be deleted.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { shoot, startLight } from './support';

startLight();
test.describe.configure({ mode: 'serial' });

const ZONE = 'cloudlab-e2e.com';
const ADDRESS = '203.0.113.10';
const REGION = 'eu-north-1'; // the instance's Region: one no other spec touches

async function api<T>(page: Page, channel: string, args: unknown): Promise<T> {
  const res = await page.request.post(`./api/${channel}`, { data: args });
  const body = (await res.json()) as { ok: boolean; result: T; error?: { message: string } };
  expect(body.ok, body.error?.message).toBe(true);
  return body.result;
}

async function flashed(page: Page, text: string | RegExp) {
  await expect(page.getByRole('status').filter({ hasText: text }).first()).toBeVisible();
}

async function openZone(page: Page) {
  await page.goto('./#/route53/hosted-zones');
  await page.getByRole('table', { name: 'Hosted zones' }).getByRole('link', { name: ZONE }).click();
  await expect(page.getByRole('heading', { level: 1, name: ZONE })).toBeVisible();
}

test('create a public hosted zone: SOA and NS records, four name servers', async ({ page }) => {
  await page.goto('./#/route53');
  await expect(page.getByRole('heading', { level: 1, name: 'Route 53 Dashboard' })).toBeVisible();
  await page
    .getByRole('navigation', { name: 'Route 53' })
    .getByRole('link', { name: 'Hosted zones' })
    .click();
  await expect(page.getByRole('heading', { level: 1, name: /^Hosted zones/ })).toBeVisible();
  await page.getByRole('button', { name: 'Create hosted zone' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Create hosted zone' })).toBeVisible();

  await page.getByRole('button', { name: 'Create hosted zone' }).click();
  await expect(page.getByText('Domain name is required.')).toBeVisible();
  await page.getByLabel('Domain name').fill(ZONE);
  await page.getByLabel(/^Description/).fill('The e2e test zone');
  await page.getByRole('radio', { name: /Private hosted zone/ }).check();
  await expect(page.getByLabel('VPC ID')).toBeVisible();
  // The VPC picker lists the default VPC of every Region, grouped by Region.
  await expect(
    page.getByLabel('VPC ID').locator('optgroup[label="Europe (Ireland) (eu-west-1)"] option'),
  ).toHaveCount(1);
  await shoot(page, 'route53-create-zone-private');
  await page.getByRole('radio', { name: /Public hosted zone/ }).check();
  await page.getByRole('button', { name: 'Add tag' }).click();
  await page.getByLabel('Key').fill('team');
  await page.getByLabel(/^Value/).fill('web');
  await shoot(page, 'route53-create-zone');
  await page.getByRole('button', { name: 'Create hosted zone' }).click();

  await expect(page.getByRole('heading', { level: 1, name: ZONE })).toBeVisible();
  await flashed(page, `${ZONE} was successfully created.`);
  const records = page.getByRole('table', { name: 'Records' });
  await expect(records.getByRole('row', { name: new RegExp(`${ZONE} NS`) })).toBeVisible();
  await expect(records.getByRole('row', { name: new RegExp(`${ZONE} SOA`) })).toBeVisible();
  const servers = page
    .locator('dd')
    .filter({ hasText: /awsdns/ })
    .locator('li');
  await expect(servers).toHaveCount(4);
  await expect(page.getByRole('tab', { name: 'Hosted zone tags (1)' })).toBeVisible();
  await shoot(page, 'route53-zone');

  await page.goto('./#/route53/hosted-zones');
  const row = page.getByRole('table', { name: 'Hosted zones' }).getByRole('row', { name: new RegExp(ZONE) });
  await expect(row).toContainText('Public');
  await expect(row).toContainText('The e2e test zone');
  await expect(row.getByRole('cell', { name: '2', exact: true })).toBeVisible();
  await shoot(page, 'route53-zones');
});

test('create an A record in the form; Route 53 says why a duplicate fails', async ({ page }) => {
  await openZone(page);
  await page.getByRole('link', { name: 'Create record' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Create record' })).toBeVisible();
  await expect(page.getByText(`.${ZONE}`, { exact: true })).toBeVisible();
  await page.getByLabel('Record name').fill('www');
  await page.getByLabel('Record type').selectOption('A');
  await page.getByLabel('Value').fill('not-an-address');
  await page.getByRole('button', { name: 'Create records' }).click();
  await expect(page.getByText(/Enter a valid IPv4 address/)).toBeVisible();
  await page.getByLabel('Value').fill(ADDRESS);
  await page.getByRole('button', { name: '1m' }).click();
  await expect(page.getByLabel('TTL (seconds)')).toHaveValue('60');
  await shoot(page, 'route53-create-record');
  await page.getByRole('button', { name: 'Create records' }).click();

  await flashed(page, `Record www.${ZONE} was successfully created.`);
  const row = page
    .getByRole('table', { name: 'Records' })
    .getByRole('row', { name: new RegExp(`www.${ZONE}`) });
  await expect(row).toContainText('Simple');
  await expect(row).toContainText(ADDRESS);
  await expect(row).toContainText('60');

  // Filter by type: only the A record is left.
  await page.getByLabel('Type', { exact: true }).selectOption('A');
  await expect(page.getByRole('table', { name: 'Records' }).getByRole('row')).toHaveCount(2);
  await page.getByLabel('Type', { exact: true }).selectOption('');
  await shoot(page, 'route53-records');

  // The same record again: Route 53's InvalidChangeBatch, under the form.
  await page.getByRole('link', { name: 'Create record' }).click();
  await page.getByLabel('Record name').fill('www');
  await page.getByLabel('Value').fill(ADDRESS);
  await page.getByRole('button', { name: 'Create records' }).click();
  await expect(page.getByRole('alert')).toContainText('InvalidChangeBatch');
  await expect(page.getByRole('alert')).toContainText('but it already exists');
  await shoot(page, 'route53-create-record-error');
});

test('edit a record (UPSERT) and test it with the Test record tool', async ({ page }) => {
  await openZone(page);
  const table = page.getByRole('table', { name: 'Records' });
  await table
    .getByRole('row', { name: new RegExp(`www.${ZONE}`) })
    .getByRole('checkbox')
    .check();
  await page.getByRole('button', { name: 'Edit record' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Edit record' })).toBeVisible();
  await expect(page.getByLabel('Value')).toHaveValue(ADDRESS);
  await page.getByLabel('TTL (seconds)').fill('300');
  await page.getByRole('button', { name: 'Save' }).click();
  await flashed(page, `Record www.${ZONE} was successfully updated.`);
  await expect(table.getByRole('row', { name: new RegExp(`www.${ZONE}`) })).toContainText('300');

  await page.getByRole('link', { name: 'Test record' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Test record' })).toBeVisible();
  await page.getByLabel('Record name').fill('www');
  await page.getByLabel('Type').selectOption('A');
  await page.getByRole('button', { name: 'Get response' }).click();
  const response = page.getByRole('region', { name: 'Response returned by Route 53' });
  await expect(response).toContainText('NOERROR');
  await expect(response).toContainText(ADDRESS);
  await expect(response).toContainText('UDP');
  await shoot(page, 'route53-test-record');

  // A name with no records: NXDOMAIN.
  await page.getByLabel('Record name').fill('nothing-here');
  await page.getByRole('button', { name: 'Get response' }).click();
  await expect(response).toContainText('NXDOMAIN');
});

test('weighted records and an alias to another record in the zone', async ({ page }) => {
  await openZone(page);
  for (const [id, weight, address] of [
    ['blue', '70', '198.51.100.1'],
    ['green', '30', '198.51.100.2'],
  ] as const) {
    await page.getByRole('link', { name: 'Create record' }).click();
    await page.getByLabel('Record name').fill('api');
    await page.getByLabel('Value').fill(address);
    await page.getByLabel('Routing policy').selectOption('weighted');
    await page.getByRole('button', { name: 'Create records' }).click();
    await expect(page.getByText('Record ID is required for this routing policy.')).toBeVisible();
    await page.getByLabel('Weight').fill(weight);
    await page.getByLabel('Record ID').fill(id);
    if (id === 'blue') await shoot(page, 'route53-create-weighted');
    await page.getByRole('button', { name: 'Create records' }).click();
    await flashed(page, `Record api.${ZONE} was successfully created.`);
  }
  const table = page.getByRole('table', { name: 'Records' });
  await expect(table.getByRole('row', { name: /blue/ })).toContainText('Weighted');
  await expect(table.getByRole('row', { name: /blue/ })).toContainText('70');
  await expect(table.getByRole('row', { name: /green/ })).toContainText('198.51.100.2');

  await page.getByRole('link', { name: 'Create record' }).click();
  await page.getByLabel('Record name').fill('app');
  await page.getByRole('switch', { name: 'Alias' }).check();
  await page.getByLabel('Choose endpoint').selectOption('record');
  await page.getByLabel('Choose record').selectOption(`www.${ZONE}.`);
  await shoot(page, 'route53-create-alias');
  await page.getByRole('button', { name: 'Create records' }).click();
  await flashed(page, `Record app.${ZONE} was successfully created.`);
  const alias = table.getByRole('row', { name: new RegExp(`app.${ZONE}`) });
  await expect(alias).toContainText('Yes');
  await expect(alias).toContainText(`www.${ZONE}`);
  await shoot(page, 'route53-records-policies');

  await page.getByRole('link', { name: 'Test record' }).click();
  await page.getByLabel('Record name').fill('app');
  await page.getByRole('button', { name: 'Get response' }).click();
  const response = page.getByRole('region', { name: 'Response returned by Route 53' });
  await expect(response).toContainText('NOERROR');
  await expect(response).toContainText(ADDRESS);
});

test('create a health check and see its status from each checker', async ({ page }) => {
  await page.goto('./#/route53');
  await expect(page.getByRole('region', { name: 'Hosted zones' })).toContainText('1 public, 0 private');
  await shoot(page, 'route53-dashboard');
  await page.goto('./#/route53/health-checks');
  await expect(page.getByRole('heading', { level: 1, name: /^Health checks/ })).toBeVisible();
  await page.getByRole('button', { name: 'Create health check' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Create health check' })).toBeVisible();
  await page.getByLabel('Name', { exact: true }).fill('web-primary');
  await page.getByRole('textbox', { name: 'IP address' }).fill('192.0.2.44');
  await page.getByLabel('Path').fill('health');
  await page.getByRole('radio', { name: 'Fast (10 seconds)' }).check();
  await page.getByLabel('Failure threshold').fill('2');
  await shoot(page, 'route53-create-health-check');
  await page.getByRole('button', { name: 'Create health check' }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'web-primary' })).toBeVisible();
  await flashed(page, 'Health check web-primary was successfully created.');
  await expect(page.getByText('http://192.0.2.44:80/health').first()).toBeVisible();
  // Let the checkers run a few intervals on the simulated clock.
  for (let i = 0; i < 4; i++) {
    await api(page, 'lab.clock', { advanceMs: 15_000 });
    await page.waitForTimeout(800);
  }
  const checkers = page.getByRole('table', { name: 'Health checkers' });
  await expect(checkers.getByRole('row')).not.toHaveCount(1, { timeout: 15_000 });
  await expect(page.getByRole('region', { name: 'Details' })).toContainText(/Healthy|Unhealthy/);
  await expect(page.getByRole('img', { name: 'Health check status chart' })).toBeVisible();
  await shoot(page, 'route53-health-check');

  await page.goto('./#/route53/health-checks');
  const row = page.getByRole('table', { name: 'Health checks' }).getByRole('row', { name: /web-primary/ });
  await expect(row).toContainText(/Healthy|Unhealthy/);
  await expect(row).toContainText('http://192.0.2.44:80/health');
  await shoot(page, 'route53-health-checks');
});

/** What the terminal shows, one line per row (xterm draws rows as elements, spaces as nbsp). */
async function screenText(terminal: Locator): Promise<string> {
  const text = await terminal.locator('.xterm-rows').innerText();
  return text.replace(/\u00a0/g, ' ').replace(/ +$/gm, '');
}

test('an instance resolves the record with dig and serves a health check', async ({ page }) => {
  test.setTimeout(120_000);
  const ec2 = <T>(operation: string, input: unknown) =>
    api<T>(page, 'aws.call', { service: 'ec2', operation, region: REGION, input });
  const images = await ec2<{ Images: Array<{ ImageId: string; Name: string; Architecture: string }> }>(
    'DescribeImages',
    { Owners: ['amazon'] },
  );
  const image = images.Images.find((i) => i.Name.startsWith('al2023-') && i.Architecture === 'x86_64');
  const launched = await ec2<{ Instances: Array<{ InstanceId: string }> }>('RunInstances', {
    ImageId: image!.ImageId,
    InstanceType: 't3.micro',
    MinCount: 1,
    MaxCount: 1,
    TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'dns-client' }] }],
  });
  const instanceId = launched.Instances[0]!.InstanceId;
  await api(page, 'lab.clock', { speed: 20 });
  await page.goto(`./#/ec2/instances?region=${REGION}`);
  const row = page
    .getByRole('table', { name: 'Instances' })
    .getByRole('row', { name: new RegExp(instanceId) });
  await expect(row).toContainText('Running', { timeout: 20_000 });
  await api(page, 'lab.clock', { speed: 1 });
  await row.getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await page.getByRole('tab', { name: 'EC2 Instance Connect' }).click();
  await page.getByRole('button', { name: 'Connect', exact: true }).click();

  const terminal = page.getByRole('region', { name: `Terminal ${instanceId} (dns-client)` });
  await expect.poll(() => screenText(terminal), { timeout: 10_000 }).toMatch(/\[ec2-user@ip-[\d-]+ ~\]\$/);
  await page.keyboard.type(`dig +short www.${ZONE}`);
  await page.keyboard.press('Enter');
  await expect.poll(() => screenText(terminal), { timeout: 10_000 }).toMatch(new RegExp(`^${ADDRESS}$`, 'm'));
  await page.keyboard.type(`dig www.${ZONE}`);
  await page.keyboard.press('Enter');
  await expect.poll(() => screenText(terminal), { timeout: 10_000 }).toMatch(/status: NOERROR/);
  await page.screenshot({ path: 'test-results/screenshots/route53-dig.png' });

  // The same instance serves HTTP: a health check on it turns Healthy, and Unhealthy once the
  // server stops; the chart shows both.
  const described = await ec2<{
    Reservations: Array<{
      Instances: Array<{ PublicIpAddress: string; SecurityGroups: Array<{ GroupId: string }> }>;
    }>;
  }>('DescribeInstances', { InstanceIds: [instanceId] });
  const instance = described.Reservations[0]!.Instances[0]!;
  await ec2('AuthorizeSecurityGroupIngress', {
    GroupId: instance.SecurityGroups[0]!.GroupId,
    IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8000, ToPort: 8000, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
  });
  await page.keyboard.type('python3 -m http.server 8000');
  await page.keyboard.press('Enter');
  await expect.poll(() => screenText(terminal), { timeout: 10_000 }).toMatch(/Serving HTTP on/);

  // The console's preview opens a name of the zone through the lab's DNS and network: the
  // CNAME, the A record, and the instance's page.
  const r53 = <T>(operation: string, input: unknown) =>
    api<T>(page, 'aws.call', { service: 'route53', operation, region: 'us-east-1', input });
  const zones = await r53<{ HostedZones: Array<{ Id: string; Name: string }> }>('ListHostedZonesByName', {
    DNSName: ZONE,
  });
  const zoneId = zones.HostedZones.find((z) => z.Name === `${ZONE}.`)!.Id;
  const previewRecords = [
    { Name: `origin.${ZONE}`, Type: 'A', TTL: 60, ResourceRecords: [{ Value: instance.PublicIpAddress }] },
    { Name: `site.${ZONE}`, Type: 'CNAME', TTL: 300, ResourceRecords: [{ Value: `origin.${ZONE}` }] },
  ];
  await r53('ChangeResourceRecordSets', {
    HostedZoneId: zoneId,
    ChangeBatch: { Changes: previewRecords.map((r) => ({ Action: 'CREATE', ResourceRecordSet: r })) },
  });
  await page.getByRole('button', { name: 'Minimize terminals' }).click();
  await page.getByRole('link', { name: 'Preview', exact: true }).click();
  await page.getByLabel('Web address').fill(`site.${ZONE}:8000`);
  await page.getByRole('button', { name: 'Go' }).click();
  const dns = page.getByRole('table', { name: `DNS answer for site.${ZONE}` });
  await expect(dns).toContainText(`site.${ZONE}.CNAME300origin.${ZONE}.`);
  await expect(dns).toContainText(`origin.${ZONE}.A60${instance.PublicIpAddress}`);
  await expect(page.getByText(`Connected to ${instance.PublicIpAddress}`)).toBeVisible();
  await expect(page.getByRole('region', { name: 'Response' })).toContainText('200 OK');
  await expect(page.frameLocator('iframe[title="Page preview"]').getByRole('heading')).toContainText(
    'Directory listing for /',
  );
  await shoot(page, 'route53-preview');
  // Port 80 is not open in the security group: the preview says the traffic is dropped.
  await page.getByLabel('Web address').fill(`http://site.${ZONE}/`);
  await page.getByRole('button', { name: 'Go' }).click();
  await expect(page.getByText(/did not answer on port 80: the traffic is dropped/)).toBeVisible();
  await r53('ChangeResourceRecordSets', {
    HostedZoneId: zoneId,
    ChangeBatch: { Changes: previewRecords.map((r) => ({ Action: 'DELETE', ResourceRecordSet: r })) },
  });
  await page.getByRole('button', { name: 'Show terminals' }).click();

  await page.goto('./#/route53/health-checks/create');
  await page.getByLabel('Name', { exact: true }).fill('instance-web');
  await page.getByRole('textbox', { name: 'IP address' }).fill(instance.PublicIpAddress);
  await page.getByLabel('Port').fill('8000');
  await page.getByRole('radio', { name: 'Fast (10 seconds)' }).check();
  await page.getByRole('button', { name: 'Create health check' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'instance-web' })).toBeVisible();
  const details = page.getByRole('region', { name: 'Details' });
  const checkers = page.getByRole('table', { name: 'Health checkers' });
  for (let i = 0; i < 3; i++) {
    await api(page, 'lab.clock', { advanceMs: 10_000 });
    await page.waitForTimeout(1000);
  }
  await expect(details).toContainText('Healthy (16 of 16 checkers report healthy)', { timeout: 15_000 });
  await expect(checkers).toContainText('HTTP Status Code 200, OK');

  // Ctrl-C in the terminal stops the server.
  await terminal.click();
  await page.keyboard.press('Control+c');
  await expect.poll(() => screenText(terminal), { timeout: 10_000 }).toMatch(/Keyboard interrupt received/);
  for (let i = 0; i < 6; i++) {
    await api(page, 'lab.clock', { advanceMs: 10_000 });
    await page.waitForTimeout(1000);
  }
  await expect(details).toContainText('Unhealthy', { timeout: 15_000 });
  await page.getByRole('button', { name: 'Minimize terminals' }).click();
  await shoot(page, 'route53-health-check-history');
  await ec2('TerminateInstances', { InstanceIds: [instanceId] });
});

test('a zone with records cannot be deleted; delete the records, then the zone', async ({ page }) => {
  await page.goto('./#/route53/hosted-zones');
  const row = page.getByRole('table', { name: 'Hosted zones' }).getByRole('row', { name: new RegExp(ZONE) });
  await row.getByRole('radio').check();
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: `Delete ${ZONE}?` });
  await expect(dialog.getByRole('button', { name: 'Delete' })).toBeDisabled();
  await dialog.getByLabel(/To confirm deletion/).fill('delete');
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await expect(dialog.getByRole('alert')).toContainText('HostedZoneNotEmpty');
  await shoot(page, 'route53-delete-zone');
  await dialog.getByRole('button', { name: 'Cancel' }).click();

  // Filter by type A, select them all, delete them in one change batch, then the zone.
  await openZone(page);
  const table = page.getByRole('table', { name: 'Records' });
  await page.getByLabel('Type', { exact: true }).selectOption('A');
  await expect(table.getByRole('row')).toHaveCount(5);
  await table.getByRole('checkbox', { name: 'Select all on this page' }).check();
  await page.getByRole('button', { name: 'Delete record' }).click();
  const confirm = page.getByRole('dialog', { name: /Delete \d* ?records?\?/ });
  await expect(confirm).toContainText(`www.${ZONE}`);
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await expect(table).toContainText('No records.');
  await page.getByLabel('Type', { exact: true }).selectOption('');
  await expect(table.getByRole('row')).toHaveCount(3);
  await page.getByRole('button', { name: 'Delete zone' }).click();
  const zoneDialog = page.getByRole('dialog', { name: `Delete ${ZONE}?` });
  await zoneDialog.getByLabel(/To confirm deletion/).fill('delete');
  await zoneDialog.getByRole('button', { name: 'Delete' }).click();
  await flashed(page, `Hosted zone ${ZONE} was successfully deleted.`);
  await expect(page.getByRole('table', { name: 'Hosted zones' })).not.toContainText(ZONE);
});
