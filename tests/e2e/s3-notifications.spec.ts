// S3 event notifications from the console: create one on the bucket's Properties tab that sends
// uploads under uploads/ ending in .txt to a Lambda function (the console lets S3 invoke the
// function first), see an upload invoke it, edit the notification, then delete it.
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateFunctionCommand,
  GetFunctionConfigurationCommand,
  GetPolicyCommand,
  LambdaClient,
} from '@aws-sdk/client-lambda';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { startLight } from './support';

startLight();
test.describe.configure({ mode: 'serial' });

const PORT = Number(process.env.CLOUDLAB_E2E_PORT ?? 4599);
const ENDPOINT = `http://127.0.0.1:${PORT}`;
const FN = 's3-notify-e2e';
const FN_ARN = `arn:aws:lambda:us-east-1:123456789012:function:${FN}`;
const BUCKET = 'cloudlab-e2e-notify';
const NAME = 'uploads-to-lambda';
const SHOTS = '/tmp/shots';

const CODE = `export const handler = async (event) => {
  for (const r of event.Records ?? []) console.log('Uploaded object', r.s3.object.key, 'by', r.eventName);
  return 'ok';
};
`;

const config = {
  endpoint: ENDPOINT,
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  maxAttempts: 1,
};
const s3 = new S3Client({ ...config, forcePathStyle: true });
const lambda = new LambdaClient(config);
const logs = new CloudWatchLogsClient(config);

/** A picture to look at (not compared): the whole page, or what a dialog covers. */
async function shot(page: Page, name: string, fullPage = true) {
  if (fullPage) await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage });
}

async function flashed(page: Page, text: string) {
  await expect(page.getByRole('status').filter({ hasText: text }).first()).toBeVisible();
}

async function openProperties(page: Page) {
  await page.goto(`./#/s3/buckets/${BUCKET}?tab=properties`);
  await expect(page.getByRole('heading', { level: 1, name: BUCKET })).toBeVisible();
}

/** The function's log lines so far. */
async function logLines(): Promise<string> {
  try {
    const out = await logs.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${FN}` }));
    return (out.events ?? []).map((e) => e.message ?? '').join('');
  } catch {
    return ''; // no log group before the first invocation
  }
}

test.beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  const { strToU8, zipSync } = await import('fflate');
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: FN,
      Runtime: 'nodejs22.x',
      Role: 'arn:aws:iam::123456789012:role/lambda-role',
      Handler: 'index.handler',
      Code: { ZipFile: zipSync({ 'index.mjs': strToU8(CODE) }) },
    }),
  );
  await expect
    .poll(async () => (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: FN }))).State)
    .toBe('Active');
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});

test('create an event notification to a Lambda function; an upload invokes it', async ({ page }) => {
  await openProperties(page);
  const panel = page.getByRole('region', { name: /Event notifications/ });
  await expect(panel.getByRole('table', { name: 'Event notifications' })).toContainText(
    'No event notifications.',
  );
  await panel.getByRole('link', { name: 'Create event notification' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Create event notification' })).toBeVisible();

  // Nothing chosen yet: Save says what is missing.
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Event name is required.')).toBeVisible();
  await expect(page.getByText('Choose at least one event type.')).toBeVisible();

  await page.getByLabel('Event name').fill(NAME);
  await page.getByLabel('Prefix - optional').fill('uploads/');
  await page.getByLabel('Suffix - optional').fill('.txt');
  await page.getByRole('checkbox', { name: /^All object create events/ }).check();
  await expect(page.getByRole('checkbox', { name: /^Put s3:ObjectCreated:Put/ })).toBeChecked();
  // Other specs' functions may be listed too: choose ours.
  await page.getByLabel('Lambda function', { exact: true }).selectOption(FN_ARN);
  await expect(page.getByLabel('Lambda function', { exact: true })).toHaveValue(FN_ARN);
  await expect(page.getByText('Event name is required.')).toBeHidden();
  await shot(page, 's3-notification-create');
  await page.getByRole('button', { name: 'Save changes' }).click();

  await flashed(page, `Successfully created event notification "${NAME}".`);
  const table = page.getByRole('table', { name: 'Event notifications' });
  const row = table.getByRole('row', { name: new RegExp(NAME) });
  await expect(row).toContainText('All object create events');
  await expect(row).toContainText('prefix: uploads/, suffix: .txt');
  await expect(row).toContainText('Lambda function');
  await expect(row.getByRole('link', { name: FN })).toBeVisible();
  await shot(page, 's3-notifications-list');

  // The console gave S3 the right to invoke the function for this bucket.
  const policy = await lambda.send(new GetPolicyCommand({ FunctionName: FN }));
  expect(policy.Policy).toContain('s3.amazonaws.com');
  expect(policy.Policy).toContain(`arn:aws:s3:::${BUCKET}`);

  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'uploads/hello.txt', Body: 'hello' }));
  await expect
    .poll(logLines, { timeout: 25_000, intervals: [500, 1000, 2000] })
    .toContain('Uploaded object uploads/hello.txt by ObjectCreated:Put');
});

test('an API error shows on the form, and what was typed stays', async ({ page }) => {
  await page.goto(`./#/s3/buckets/${BUCKET}/notifications/create`);
  await page.getByLabel('Event name').fill('overlapping');
  await page.getByLabel('Prefix - optional').fill('uploads/');
  await page.getByRole('checkbox', { name: /^Put s3:ObjectCreated:Put/ }).check();
  // A typed ARN is checked before anything is sent.
  await page.getByRole('radio', { name: 'Enter Lambda function ARN' }).check();
  await page.getByLabel('Lambda function ARN', { exact: true }).fill('my-function');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText(/^Enter a Lambda function ARN such as/)).toBeVisible();
  await page.getByLabel('Lambda function ARN', { exact: true }).fill(FN_ARN);
  await expect(page.getByText(/^Enter a Lambda function ARN such as/)).toBeHidden();
  await expect(page.getByText('Function s3-notify-e2e')).toBeVisible();
  await page.getByRole('button', { name: 'Save changes' }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'Failed to create event notification' });
  await expect(alert).toContainText('InvalidArgument: Configurations overlap.');
  await expect(page.getByLabel('Event name')).toHaveValue('overlapping');
  await expect(page.getByLabel('Prefix - optional')).toHaveValue('uploads/');
  await expect(page.getByRole('checkbox', { name: /^Put s3:ObjectCreated:Put/ })).toBeChecked();
  await shot(page, 's3-notification-error');
  await page.getByRole('link', { name: 'Cancel' }).click();
  await expect(page.getByRole('table', { name: 'Event notifications' }).getByRole('row')).toHaveCount(2);
});

test('edit the event notification', async ({ page }) => {
  await openProperties(page);
  const table = page.getByRole('table', { name: 'Event notifications' });
  await table.getByRole('checkbox', { name: `Select ${NAME}` }).check();
  await page.getByRole('button', { name: 'Edit', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Edit event notification' })).toBeVisible();
  await expect(page.getByLabel('Event name')).toHaveValue(NAME);
  await expect(page.getByLabel('Prefix - optional')).toHaveValue('uploads/');
  await expect(page.getByRole('checkbox', { name: /^All object create events/ })).toBeChecked();
  await expect(page.getByLabel('Lambda function', { exact: true })).toHaveValue(FN_ARN);
  await page.getByLabel('Suffix - optional').fill('.csv');
  await page.getByRole('checkbox', { name: /^Copy s3:ObjectCreated:Copy/ }).uncheck();
  await expect(page.getByRole('checkbox', { name: /^All object create events/ })).not.toBeChecked();
  await page.getByRole('checkbox', { name: /^All object removal events/ }).check();
  await page.getByRole('button', { name: 'Save changes' }).click();
  await flashed(page, `Successfully edited event notification "${NAME}".`);
  const row = table.getByRole('row', { name: new RegExp(NAME) });
  await expect(row).toContainText('prefix: uploads/, suffix: .csv');
  await expect(row).toContainText('Put, Post, Multipart upload completed, All object removal events');
  await expect(table.getByRole('row')).toHaveCount(2);
});

test('delete the event notification', async ({ page }) => {
  await openProperties(page);
  const table = page.getByRole('table', { name: 'Event notifications' });
  await table.getByRole('checkbox', { name: `Select ${NAME}` }).check();
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete event notification' });
  await expect(dialog).toContainText(NAME);
  await shot(page, 's3-notification-delete', false);
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await flashed(page, `Successfully deleted event notification "${NAME}".`);
  await expect(table).toContainText('No event notifications.');
  await expect(page.getByRole('region', { name: /Event notifications/ })).toContainText(
    'Event notifications (0)',
  );
});
