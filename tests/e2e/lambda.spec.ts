// The Lambda console as a person uses it: create a function from the hello-world template, edit
// its code in the editor and deploy, save a test event and run it (the result, the logs and the
// REPORT line), then add an S3 trigger, upload an object and see the invocation in Monitor.
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { expect, test, type Page } from '@playwright/test';
import { shoot, startLight } from './support';

startLight();
test.describe.configure({ mode: 'serial' });

const FN = 'hello-lab';
const BUCKET = 'lambda-e2e-uploads';
const PORT = Number(process.env.CLOUDLAB_E2E_PORT ?? 4599);

const CODE = `export const handler = async (event) => {
  console.log('Received event:', JSON.stringify(event));
  const key = event.Records?.[0]?.s3?.object?.key;
  if (key) console.log('Uploaded object', key);
  return { statusCode: 200, body: JSON.stringify({ greeting: 'Hello from Cloud Lab', key1: event.key1 }) };
};
`;

async function flashed(page: Page, text: string) {
  await expect(page.getByRole('status').filter({ hasText: text }).first()).toBeVisible();
}

async function openFunction(page: Page, tab?: string, config?: string) {
  const query = [tab ? `tab=${tab}` : '', config ? `config=${config}` : ''].filter(Boolean).join('&');
  await page.goto(`./#/lambda/functions/${FN}${query ? `?${query}` : ''}`);
  await expect(page.getByRole('heading', { level: 1, name: FN })).toBeVisible();
}

test('create a function from the hello-world template', async ({ page }) => {
  await page.goto('./#/lambda');
  await expect(page.getByRole('heading', { level: 1, name: /Functions/ })).toBeVisible();
  await shoot(page, 'lambda-functions-empty');
  await page.getByRole('button', { name: 'Create function' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Create function' })).toBeVisible();
  const name = page.getByLabel('Function name');
  await name.fill('bad name');
  await expect(page.getByText(/Function name can contain only letters/)).toBeVisible();
  await name.fill(FN);
  await expect(page.getByLabel('Runtime')).toHaveValue('nodejs22.x');
  await shoot(page, 'lambda-create-function');
  await page.getByRole('button', { name: 'Create function' }).click();

  await expect(page.getByRole('heading', { level: 1, name: FN })).toBeVisible();
  await flashed(page, `Successfully created the function ${FN}.`);
  const overview = page.getByRole('region', { name: 'Function overview' });
  await expect(overview).toContainText(`arn:aws:lambda:us-east-1:123456789012:function:${FN}`);
  // The template, unzipped from Code.Location into the editor.
  await expect(page.getByRole('button', { name: 'Open index.mjs' })).toBeVisible();
  await expect(page.locator('.cm-content')).toContainText('Hello from Lambda!');
  await shoot(page, 'lambda-function-code');

  await page.goto('./#/lambda/functions');
  const row = page.getByRole('table', { name: 'Functions' }).getByRole('row', { name: new RegExp(FN) });
  await expect(row).toContainText('Node.js 22.x');
  await expect(row).toContainText('Zip');
  await shoot(page, 'lambda-functions');
});

test('edit the code in the editor and deploy', async ({ page }) => {
  await openFunction(page);
  const editor = page.locator('.cm-content');
  await expect(editor).toContainText('Hello from Lambda!');
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(CODE);
  await expect(editor).toContainText('Hello from Cloud Lab');
  await expect(page.getByText('Changes not deployed')).toBeVisible();
  await shoot(page, 'lambda-code-unsaved');
  const deploy = page.getByRole('button', { name: 'Deploy' });
  await deploy.click();
  await flashed(page, `Successfully updated the function ${FN}.`);
  await expect(page.getByText('Changes not deployed')).toBeHidden();
  await expect(deploy).toBeDisabled();

  // A new file joins the package.
  await page.getByRole('button', { name: 'New file' }).click();
  await page.getByLabel('File name').fill('lib/util.mjs');
  await page.getByRole('dialog', { name: 'New file' }).getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('button', { name: 'Open lib/util.mjs' })).toBeVisible();
  await page.locator('.cm-content').click();
  await page.keyboard.insertText('export const twice = (n) => n * 2;\n');
  await expect(deploy).toBeEnabled();
  await deploy.click();
  await flashed(page, `Successfully updated the function ${FN}.`);

  // After a reload, the package has both files and the new code.
  await page.reload();
  await expect(page.getByRole('button', { name: 'Open lib/util.mjs' })).toBeVisible();
  await expect(page.locator('.cm-content')).toContainText('Hello from Cloud Lab');
  await shoot(page, 'lambda-code-deployed');
});

test('save a test event and test: result, logs and the REPORT line', async ({ page }) => {
  await openFunction(page, 'test');
  await page.getByLabel('Event name').fill('my-event');
  await page.getByLabel('Template - optional').selectOption('s3-put');
  await expect(page.locator('.cm-content')).toContainText('ObjectCreated:Put');
  await page.getByLabel('Template - optional').selectOption('hello-world');
  await expect(page.locator('.cm-content')).toContainText('value1');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await flashed(page, 'The test event my-event was successfully saved.');
  await expect(page.getByLabel('Saved event', { exact: true })).toHaveValue('my-event');

  await page.getByRole('button', { name: 'Test', exact: true }).click();
  const result = page.getByRole('region', { name: 'Execution result' });
  await expect(result).toContainText('Executing function: succeeded');
  await expect(result.getByLabel('Response')).toContainText('Hello from Cloud Lab');
  await expect(result.getByLabel('Response')).toContainText('value1');
  await expect(result.getByLabel('Log output')).toContainText('REPORT RequestId');
  await expect(result.getByLabel('Log output')).toContainText('Received event:');
  await expect(result).toContainText('Billed duration');
  await expect(result).toContainText(/\d+ ms/);
  await shoot(page, 'lambda-test-result');

  // The saved event is still there after a reload.
  await page.reload();
  await page.getByRole('radio', { name: /Edit saved event \(1\)/ }).check();
  await expect(page.getByLabel('Saved event', { exact: true })).toHaveValue('my-event');
});

test('configuration: general settings and environment variables', async ({ page }) => {
  await openFunction(page, 'configuration');
  const general = page.getByRole('region', { name: 'General configuration' });
  await expect(general).toContainText('128 MB');
  await general.getByRole('button', { name: 'Edit' }).click();
  await page.getByLabel('Memory').fill('256');
  await page.getByLabel('Timeout seconds').fill('10');
  await page.getByLabel('Description - optional').fill('Says hello');
  await page
    .getByRole('dialog', { name: 'Edit basic settings' })
    .getByRole('button', { name: 'Save' })
    .click();
  await expect(general).toContainText('256 MB');
  await expect(general).toContainText('10 sec');
  await shoot(page, 'lambda-config-general');

  await page.getByRole('link', { name: 'Environment variables' }).click();
  const env = page.getByRole('region', { name: 'Environment variables' });
  await env.getByRole('button', { name: 'Edit' }).click();
  await page.getByRole('button', { name: 'Add environment variable' }).click();
  await page.getByLabel('Key 1').fill('GREETING');
  await page.getByLabel('Value 1').fill('hi');
  await page
    .getByRole('dialog', { name: 'Edit environment variables' })
    .getByRole('button', { name: 'Save' })
    .click();
  await expect(page.getByRole('table', { name: 'Environment variables' })).toContainText('GREETING');
});

test('add an S3 trigger; an upload invokes the function and shows in Monitor', async ({ page }) => {
  const s3 = new S3Client({
    endpoint: `http://127.0.0.1:${PORT}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    forcePathStyle: true,
    maxAttempts: 1,
  });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));

  await openFunction(page, 'configuration', 'triggers');
  await page.getByRole('button', { name: 'Add trigger' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add trigger' });
  await expect(dialog.getByLabel('Bucket', { exact: true })).toHaveValue(BUCKET);
  await dialog.getByLabel('Prefix - optional').fill('uploads/');
  await dialog.getByRole('checkbox', { name: /I acknowledge/ }).check();
  await shoot(page, 'lambda-add-trigger');
  await dialog.getByRole('button', { name: 'Add' }).click();
  await flashed(page, `The trigger ${BUCKET} was successfully added`);
  const triggers = page.getByRole('table', { name: 'Triggers' });
  await expect(triggers).toContainText(BUCKET);
  await expect(triggers).toContainText('prefix: uploads/');
  await shoot(page, 'lambda-config-triggers');

  await page.getByRole('link', { name: 'Permissions' }).click();
  await expect(page.getByRole('table', { name: 'Resource-based policy statements' })).toContainText(
    's3.amazonaws.com',
  );
  await shoot(page, 'lambda-config-permissions');

  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'uploads/photo.txt', Body: 'hello' }));

  await openFunction(page, 'monitor');
  await expect(page.getByRole('figure', { name: 'Invocations' })).toBeVisible();
  const streams = page.getByRole('table', { name: 'Log streams' });
  const newest = streams.getByRole('button', { name: /^Open log stream / }).first();
  await expect(newest).toBeVisible();
  // S3 invokes asynchronously: open the newest stream until it holds the upload's invocation.
  await expect
    .poll(
      async () => {
        await newest.click();
        return (await page.getByRole('log').textContent()) ?? '';
      },
      { timeout: 25_000, intervals: [1000, 2000, 3000] },
    )
    .toContain('Uploaded object uploads/photo.txt');
  await expect(page.getByRole('log')).toContainText('REPORT RequestId');
  await shoot(page, 'lambda-monitor');
});

async function awsCall(page: Page, service: string, operation: string, input: unknown) {
  const res = await page.request.post('./api/aws.call', {
    data: { service, operation, region: 'us-east-1', input },
  });
  expect(res.ok(), await res.text()).toBe(true);
  return ((await res.json()) as { result: unknown }).result;
}

test('add a DynamoDB stream trigger; a new item invokes the function', async ({ page }) => {
  await awsCall(page, 'dynamodb', 'CreateTable', {
    TableName: 'LambdaOrders',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  });
  await openFunction(page, 'configuration', 'triggers');
  await page.getByRole('button', { name: 'Add trigger' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add trigger' });
  await dialog.getByLabel('Trigger configuration').selectOption('dynamodb');
  await expect(dialog.getByLabel('DynamoDB table')).toHaveValue('LambdaOrders');
  await dialog.getByLabel('Starting position').selectOption('TRIM_HORIZON');
  await dialog.getByLabel('Batch size').fill('10');
  await dialog.getByRole('button', { name: 'Add' }).click();
  await flashed(page, 'The trigger LambdaOrders was successfully added');
  const triggers = page.getByRole('table', { name: 'Triggers' });
  await expect(triggers.getByRole('row', { name: /LambdaOrders/ })).toContainText('Batch size: 10');
  await expect(triggers.getByRole('row', { name: /LambdaOrders/ })).toContainText('Enabled');
  await shoot(page, 'lambda-config-triggers-ddb');

  await awsCall(page, 'dynamodb', 'PutItem', { TableName: 'LambdaOrders', Item: { id: { S: 'order-42' } } });
  await openFunction(page, 'monitor');
  const streams = page.getByRole('table', { name: 'Log streams' });
  const newest = streams.getByRole('button', { name: /^Open log stream / }).first();
  await expect(newest).toBeVisible();
  // The stream poller delivers the record within a few seconds; follow the newest stream.
  await expect
    .poll(
      async () => {
        await page
          .getByRole('button', { name: /^Open log stream / })
          .first()
          .click();
        return (await page.getByRole('log').textContent()) ?? '';
      },
      { timeout: 25_000, intervals: [1000, 2000, 3000] },
    )
    .toContain('order-42');
});

test('the code editor in the dark theme', async ({ page }) => {
  await page.addInitScript(() => localStorage.setItem('cloudlab.theme', 'dark'));
  await openFunction(page);
  await expect(page.locator('.cm-content')).toContainText('Hello from Cloud Lab');
  await shoot(page, 'lambda-code-dark');
});

test('function URL, versions and aliases', async ({ page }) => {
  await openFunction(page, 'configuration', 'url');
  await page.getByRole('button', { name: 'Create function URL' }).click();
  await page.getByRole('radio', { name: /^NONE/ }).check();
  await page
    .getByRole('dialog', { name: 'Create function URL' })
    .getByRole('button', { name: 'Save' })
    .click();
  await flashed(page, 'Successfully created the function URL');
  await expect(page.getByRole('region', { name: 'Function overview' })).toContainText('lambda-url');
  await page.getByRole('link', { name: 'Permissions' }).click();
  await expect(page.getByRole('table', { name: 'Resource-based policy statements' })).toContainText(
    'FunctionURLAllowPublicAccess',
  );

  await page.getByRole('tab', { name: 'Versions' }).click();
  await page.getByRole('button', { name: 'Publish new version' }).click();
  await page.getByLabel('Version description').fill('first');
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await flashed(page, `Successfully created version 1 for function ${FN}.`);
  await expect(page.getByRole('table', { name: 'Versions' })).toContainText('first');
  await shoot(page, 'lambda-versions');

  await page.getByRole('tab', { name: 'Aliases' }).click();
  await page.getByRole('button', { name: 'Create alias' }).click();
  await page.getByLabel('Name', { exact: true }).fill('live');
  await expect(page.getByLabel('Version')).toHaveValue('1');
  await page.getByRole('dialog', { name: 'Create alias' }).getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('table', { name: 'Aliases' })).toContainText('live');
  await shoot(page, 'lambda-aliases');
});

test('delete the function', async ({ page }) => {
  await page.goto('./#/lambda/functions');
  const table = page.getByRole('table', { name: 'Functions' });
  await table.getByRole('checkbox', { name: `Select ${FN}` }).check();
  await page.getByRole('button', { name: 'Actions' }).click();
  await page.getByRole('menuitem', { name: 'Delete' }).click();
  const dialog = page.getByRole('dialog', { name: `Delete function ${FN}` });
  await expect(dialog.getByRole('button', { name: 'Delete' })).toBeDisabled();
  await dialog.getByLabel(/To confirm deletion/).fill('confirm');
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await flashed(page, `Successfully deleted the function ${FN}.`);
  await expect(table).toContainText('There is no data to display.');
});

test('create a function from an uploaded .zip file', async ({ page }) => {
  const { strToU8, zipSync } = await import('fflate');
  const zip = zipSync({
    'app.mjs': strToU8("export const main = async () => ({ from: 'zip' });\n"),
    'package.json': strToU8('{ "type": "module" }\n'),
  });
  await page.goto('./#/lambda/create-function');
  await page.getByRole('radio', { name: /Upload a \.zip file/ }).check();
  await page.getByLabel('Function name').fill('from-zip');
  await page.getByLabel('.zip file', { exact: true }).setInputFiles({
    name: 'function.zip',
    mimeType: 'application/zip',
    buffer: Buffer.from(zip),
  });
  await page.getByLabel('Handler', { exact: true }).fill('app.main');
  await page.getByRole('button', { name: 'Create function' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'from-zip' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Open package.json' })).toBeVisible();
  await expect(page.locator('.cm-content')).toContainText("from: 'zip'");
  await page.getByRole('tab', { name: 'Test' }).click();
  // Test waits for the function to leave Pending.
  await expect(page.getByRole('region', { name: 'Function overview' })).toContainText('Active');
  await page.getByRole('button', { name: 'Test', exact: true }).click();
  await expect(page.getByRole('region', { name: 'Execution result' }).getByLabel('Response')).toContainText(
    '"from": "zip"',
  );
});
