// The S3 console as a person uses it: create a bucket, upload a large file with visible
// multipart progress, download it back byte for byte, turn on versioning and see versions,
// host a public static website and open its preview.
import { expect, test, type Page } from '@playwright/test';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publicReadPolicy } from '../support/s3-policy';
import { shoot, startLight } from './support';

startLight();
test.describe.configure({ mode: 'serial' });

const BUCKET = 'cloudlab-e2e-site';
const FILES = join(tmpdir(), `cloudlab-e2e-s3-${process.pid}`);
const BIG = join(FILES, 'big.bin');
const INDEX = join(FILES, 'index.html');

function sha(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

test.beforeAll(() => {
  mkdirSync(FILES, { recursive: true });
  // ~12 MiB of varied bytes: three 5 MiB-or-less parts of a multipart upload.
  const big = Buffer.alloc(12 * 1024 * 1024 + 12345);
  for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >> 11)) & 255;
  writeFileSync(BIG, big);
  writeFileSync(INDEX, '<!doctype html><title>Cloud Lab site</title><h1>Hello from S3 v1</h1>');
});

async function openBucket(page: Page, tab?: string) {
  await page.goto(`./#/s3/buckets/${BUCKET}${tab ? `?tab=${tab}` : ''}`);
  await expect(page.getByRole('heading', { level: 1, name: BUCKET })).toBeVisible();
}

async function upload(page: Page, files: string[]) {
  await page.getByRole('link', { name: 'Upload', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Upload' })).toBeVisible();
  await page.getByLabel('Choose files').setInputFiles(files);
  await expect(page.getByRole('table', { name: 'Files and folders' }).getByRole('row')).toHaveCount(
    files.length + 1,
  );
}

test('create a bucket, with the naming rules checked as you type', async ({ page }) => {
  await page.goto('./#/s3');
  await expect(page.getByRole('heading', { level: 1, name: /General purpose buckets/ })).toBeVisible();
  await page.getByRole('button', { name: 'Create bucket' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Create bucket' })).toBeVisible();

  const name = page.getByLabel('Bucket name');
  await name.fill('My_Bucket');
  await name.blur();
  await expect(page.getByText('Bucket name must not contain uppercase characters.')).toBeVisible();
  await name.fill(BUCKET);
  await expect(page.getByText('Bucket name must not contain uppercase characters.')).toBeHidden();
  await expect(page.getByRole('checkbox', { name: /Block all public access/ })).toBeChecked();
  await page.getByRole('button', { name: 'Add tag' }).click();
  await page.getByLabel('Tag 1 key').fill('project');
  await page.getByLabel('Tag 1 value').fill('e2e');
  await shoot(page, 's3-create-bucket');
  await page.getByRole('button', { name: 'Create bucket' }).click();

  await expect(
    page.getByRole('status').filter({ hasText: `Successfully created bucket "${BUCKET}"` }),
  ).toBeVisible();
  const row = page
    .getByRole('table', { name: 'General purpose buckets' })
    .getByRole('row', { name: new RegExp(BUCKET) });
  await expect(row).toContainText('US East (N. Virginia) us-east-1');
  await expect(row).toContainText('Bucket and objects not public');
  await shoot(page, 's3-buckets');

  // The same name again: AWS's error, readable.
  await page.getByRole('button', { name: 'Create bucket' }).click();
  await page.getByLabel('Bucket name').fill(BUCKET);
  await page.getByRole('button', { name: 'Create bucket' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'BucketAlreadyOwnedByYou' })).toBeVisible();
});

test('a bucket in another Region, listed with the others', async ({ page }) => {
  const name = 'cloudlab-e2e-frankfurt';
  await page.goto('./#/s3/create-bucket');
  await page.getByLabel('AWS Region').selectOption('eu-central-1');
  await page.getByLabel('Bucket name').fill(name);
  await page.getByRole('radio', { name: 'Enable' }).check();
  await page.getByRole('button', { name: 'Create bucket' }).click();
  const table = page.getByRole('table', { name: 'General purpose buckets' });
  await expect(table.getByRole('row', { name: new RegExp(name) })).toContainText(
    'Europe (Frankfurt) eu-central-1',
  );
  await table.getByRole('link', { name }).click();
  await expect(page.getByText('AWS Region: Europe (Frankfurt) eu-central-1')).toBeVisible();
  await page.getByRole('tab', { name: 'Properties' }).click();
  await expect(page.getByRole('region', { name: 'Bucket Versioning' })).toContainText('Enabled');
  await page.goto('./#/s3/buckets');
  await table.getByRole('radio', { name: `Select ${name}` }).check();
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete bucket' });
  await dialog.getByLabel(/enter the name of the bucket/).fill(name);
  await dialog.getByRole('button', { name: 'Delete bucket' }).click();
  await expect(table.getByRole('row', { name: new RegExp(name) })).toHaveCount(0);
});

test('upload a large file with progress, and download it byte for byte', async ({ page }) => {
  test.setTimeout(90_000);
  await openBucket(page);
  await expect(page.getByText("You don't have any objects in this bucket")).toBeVisible();
  await upload(page, [INDEX, BIG]);
  await shoot(page, 's3-upload-chosen');
  await page.getByRole('button', { name: 'Upload', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Upload: status' })).toBeVisible();
  await expect(page.getByRole('progressbar', { name: 'Total upload progress' })).toBeVisible();
  // The large file goes in 5 MiB parts, its bar moving as each part is acknowledged.
  const bar = page.getByRole('progressbar', { name: 'Upload progress of big.bin' });
  await expect(bar).toBeVisible();
  await expect.poll(() => bar.evaluate((e) => (e as unknown as { value: number }).value)).toBeGreaterThan(0);
  await page.screenshot({ path: 'test-results/screenshots/s3-upload-progress.png' });
  const status = page.getByRole('table', { name: 'Upload status' });
  await expect(status.getByRole('row', { name: /big\.bin/ })).toContainText('Multipart');
  await expect(status.getByRole('row', { name: /big\.bin/ })).toContainText('Succeeded', { timeout: 60_000 });
  await expect(status.getByRole('row', { name: /index\.html/ })).toContainText('Succeeded');
  await expect(page.getByText('Upload finished: 12.0 MB of 12.0 MB (100%)')).toBeVisible();
  await shoot(page, 's3-upload-status');
  await page.getByRole('link', { name: 'Close' }).click();

  const objects = page.getByRole('table', { name: 'Objects' });
  await expect(objects.getByRole('row', { name: /big\.bin/ })).toContainText('12.0 MB');
  await objects.getByRole('checkbox', { name: 'Select big.bin' }).check();
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download', exact: true }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('big.bin');
  expect(sha(readFileSync(await download.path()))).toBe(sha(readFileSync(BIG)));

  // Folders: a zero-byte "name/" object, shown as a folder with breadcrumbs inside.
  await page.getByRole('button', { name: 'Create folder' }).click();
  await page.getByRole('dialog', { name: 'Create folder' }).getByLabel('Folder name').fill('assets');
  await page
    .getByRole('dialog', { name: 'Create folder' })
    .getByRole('button', { name: 'Create folder' })
    .click();
  await objects.getByRole('link', { name: 'assets/' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'assets/' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Breadcrumbs' })).toContainText(BUCKET);
  await expect(page.getByText('No objects in this folder')).toBeVisible();
  await shoot(page, 's3-folder');
});

test('drop files to upload; Cancel aborts a multipart upload', async ({ page }) => {
  test.setTimeout(60_000);
  await openBucket(page);
  await page.getByRole('link', { name: 'Upload', exact: true }).click();
  // A drop of files (a folder drop gives each file its path inside the folder).
  // (A string: the specs are typed without the DOM library.)
  const dropped = await page.evaluateHandle(`(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File(['dropped by e2e'], 'dropped.txt', { type: 'text/plain' }));
    return transfer;
  })()`);
  await page
    .getByRole('region', { name: 'Drop files and folders' })
    .dispatchEvent('drop', { dataTransfer: dropped });
  await expect(page.getByRole('table', { name: 'Files and folders' })).toContainText('dropped.txt');
  await page.getByLabel('Choose files').setInputFiles([BIG]);
  await page.getByRole('button', { name: 'Upload', exact: true }).click();
  const status = page.getByRole('table', { name: 'Upload status' });
  await expect(status.getByRole('row', { name: /dropped\.txt/ })).toContainText('Succeeded');
  await expect(page.getByRole('progressbar', { name: 'Upload progress of big.bin' })).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(status.getByRole('row', { name: /big\.bin/ })).toContainText('Cancelled', { timeout: 30_000 });
  await expect(page.getByText('1 file, 14.0 B', { exact: true })).toBeVisible(); // Succeeded
  await expect(page.getByRole('status').filter({ hasText: 'Upload cancelled' })).toContainText(
    '1 file not uploaded.',
  );
  // The multipart upload was aborted: nothing is left in progress.
  const uploads = await page.request.post('./api/aws.call', {
    data: {
      service: 's3',
      operation: 'ListMultipartUploads',
      region: 'us-east-1',
      input: { Bucket: BUCKET },
    },
  });
  expect((await uploads.json()).result.Uploads ?? []).toEqual([]);
  await page.getByRole('link', { name: 'Close' }).click();
  const objects = page.getByRole('table', { name: 'Objects' });
  await expect(objects.getByRole('link', { name: 'dropped.txt' })).toBeVisible();

  // No versioning yet: deleting is permanent, and AWS asks for "permanently delete".
  await objects.getByRole('checkbox', { name: 'Select dropped.txt' }).check();
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete objects' });
  await dialog.getByLabel(/To confirm deletion/).fill('delete');
  await expect(dialog.getByRole('button', { name: 'Delete objects' })).toBeDisabled();
  await dialog.getByLabel(/To confirm deletion/).fill('permanently delete');
  await shoot(page, 's3-delete-objects');
  await dialog.getByRole('button', { name: 'Delete objects' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Successfully deleted 1 object' })).toBeVisible();
  await expect(objects.getByRole('link', { name: 'dropped.txt' })).toHaveCount(0);
});

test('object details and a presigned URL that works', async ({ page }) => {
  await page.goto(`./#/s3/buckets/${BUCKET}/object?key=index.html`);
  await expect(page.getByRole('heading', { level: 1, name: 'index.html' })).toBeVisible();
  await expect(page.getByText(`s3://${BUCKET}/index.html`)).toBeVisible();
  await expect(page.getByText(`arn:aws:s3:::${BUCKET}/index.html`)).toBeVisible();
  await expect(page.getByRole('table', { name: 'Metadata' })).toContainText('text/html');
  await page.getByRole('button', { name: 'Share with a presigned URL' }).click();
  const dialog = page.getByRole('dialog', { name: 'Share with a presigned URL' });
  await dialog.getByRole('button', { name: 'Create presigned URL' }).click();
  const url = await dialog.locator('code').textContent();
  expect(url).toContain('X-Amz-Signature=');
  await shoot(page, 's3-presign');
  const res = await page.request.get(url!);
  expect(res.status()).toBe(200);
  expect(await res.text()).toContain('Hello from S3 v1');
});

test('versioning keeps the earlier version of a re-uploaded file', async ({ page }) => {
  await openBucket(page, 'properties');
  await page.getByRole('button', { name: 'Edit Bucket Versioning' }).click();
  await page.getByRole('dialog').getByRole('radio', { name: 'Enable' }).check();
  await page.getByRole('dialog').getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('region', { name: 'Bucket Versioning' })).toContainText('Enabled');

  writeFileSync(INDEX, '<!doctype html><title>Cloud Lab site</title><h1>Hello from S3 v2</h1>');
  await page.getByRole('tab', { name: 'Objects' }).click();
  await upload(page, [INDEX]);
  await page.getByRole('button', { name: 'Upload', exact: true }).click();
  await expect(page.getByRole('table', { name: 'Upload status' })).toContainText('Succeeded');
  await page.getByRole('link', { name: 'Close' }).click();

  await page.getByRole('checkbox', { name: 'Show versions' }).check();
  const objects = page.getByRole('table', { name: 'Objects' });
  await expect(objects.getByRole('row', { name: /index\.html/ })).toHaveCount(2);
  await expect(
    objects.getByRole('row', { name: /Current version/ }).filter({ hasText: 'index.html' }),
  ).toHaveCount(1);
  await expect(objects.getByRole('columnheader', { name: 'Version ID' })).toBeVisible();
  await shoot(page, 's3-versions');

  // The earlier version is still there, with its own bytes.
  await objects
    .getByRole('row', { name: /index\.html/ })
    .filter({ hasNotText: 'Current version' })
    .getByRole('link')
    .click();
  await expect(page.getByRole('heading', { level: 1, name: 'index.html' })).toBeVisible();
  await expect(page.getByText('Version null')).toBeVisible();
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download', exact: true }).click();
  expect(readFileSync(await (await downloading).path(), 'utf8')).toContain('Hello from S3 v1');
  await page.getByRole('tab', { name: 'Versions' }).click();
  await expect(page.getByRole('table', { name: 'Versions' }).getByRole('row')).toHaveCount(3);
  await shoot(page, 's3-object-versions');
  await openBucket(page);

  // A lifecycle rule for the noncurrent versions.
  await page.getByRole('tab', { name: 'Management' }).click();
  await page.getByRole('button', { name: 'Create lifecycle rule' }).click();
  const rule = page.getByRole('dialog', { name: 'Create lifecycle rule' });
  await rule.getByLabel('Lifecycle rule name').fill('tidy-versions');
  await rule.getByRole('checkbox', { name: /Permanently delete noncurrent versions/ }).check();
  await rule.getByRole('button', { name: 'Create rule' }).click();
  const rules = page.getByRole('table', { name: 'Lifecycle rules' });
  await expect(rules.getByRole('row', { name: /tidy-versions/ })).toContainText(
    'Permanently delete after 30 days',
  );
  await shoot(page, 's3-lifecycle');
});

test('a public static website, opened from the preview link and in the console preview', async ({
  page,
  context,
}) => {
  test.setTimeout(60_000);
  await openBucket(page, 'properties');
  await page.getByRole('button', { name: 'Edit static website hosting' }).click();
  const site = page.getByRole('dialog', { name: 'Edit static website hosting' });
  await site.getByRole('radio', { name: 'Enable' }).check();
  await expect(site.getByLabel('Index document')).toHaveValue('index.html');
  await site.getByRole('button', { name: 'Save changes' }).click();
  const hosting = page.getByRole('region', { name: 'Static website hosting' });
  await expect(hosting).toContainText(`http://${BUCKET}.s3-website-us-east-1.amazonaws.com`);
  await shoot(page, 's3-properties');

  // Make it public: Block Public Access off, then a public-read policy.
  await page.getByRole('tab', { name: 'Permissions' }).click();
  await page.getByRole('button', { name: 'Edit Block public access' }).click();
  const bpa = page.getByRole('dialog', { name: /Edit Block public access/ });
  await bpa.getByRole('checkbox', { name: /Block all public access/ }).uncheck();
  await bpa.getByLabel(/To confirm the settings/).fill('confirm');
  await bpa.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('region', { name: /Block public access/ })).toContainText(
    'Block all public access: Off',
  );

  await page.getByRole('button', { name: 'Edit bucket policy' }).click();
  const editor = page.getByLabel('Policy', { exact: true });
  await editor.fill('{ "Version": "2012-10-17", "Statement": [ { "Effect": "Allow", }');
  await expect(page.getByRole('alert').filter({ hasText: /Line 1, column \d+: Invalid JSON/ })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Save changes' })).toBeDisabled();
  await shoot(page, 's3-policy-invalid');
  const policy = publicReadPolicy(BUCKET);
  await editor.fill(JSON.stringify(policy, null, 2));
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('region', { name: 'Bucket policy' })).toContainText('PublicReadGetObject');
  await shoot(page, 's3-permissions');

  // The bucket list now says so.
  await page.goto('./#/s3/buckets');
  const row = page
    .getByRole('table', { name: 'General purpose buckets' })
    .getByRole('row', { name: new RegExp(BUCKET) });
  await expect(row).toContainText('Public');

  // The preview opens the website served by Cloud Lab.
  await openBucket(page, 'properties');
  const preview = page.getByRole('link', { name: /Preview website/ });
  const href = await preview.getAttribute('href');
  expect(href).toMatch(new RegExp(`^http://${BUCKET}\\.s3-website-us-east-1\\.localhost:\\d+/$`));
  const [site2] = await Promise.all([context.waitForEvent('page'), preview.click()]);
  await site2.waitForLoadState();
  await expect(site2.getByRole('heading', { name: 'Hello from S3 v2' })).toBeVisible();
  await site2.screenshot({ path: 'test-results/screenshots/s3-website-preview.png' });
  await site2.close();

  // The console's preview opens AWS's endpoint name itself, through the lab's DNS.
  await page.getByRole('link', { name: 'Open in the console preview' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Preview' })).toBeVisible();
  const dns = page.getByRole('table', {
    name: `DNS answer for ${BUCKET}.s3-website-us-east-1.amazonaws.com`,
  });
  await expect(dns).toContainText(`${BUCKET}.s3-website-us-east-1.amazonaws.com.A`);
  await expect(page.getByRole('region', { name: 'Response' })).toContainText('200 OK');
  await expect(
    page.frameLocator('iframe[title="Page preview"]').getByRole('heading', { name: 'Hello from S3 v2' }),
  ).toBeVisible();
  await shoot(page, 's3-website-console-preview');
});

test('a bucket with objects must be emptied before it is deleted', async ({ page }) => {
  await page.goto('./#/s3/buckets');
  const table = page.getByRole('table', { name: 'General purpose buckets' });
  await table.getByRole('radio', { name: `Select ${BUCKET}` }).check();
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete bucket' });
  await expect(dialog.getByText('This bucket is not empty')).toBeVisible();
  await dialog.getByLabel(/enter the name of the bucket/).fill(BUCKET);
  await shoot(page, 's3-delete-not-empty');
  await dialog.getByRole('button', { name: 'empty bucket configuration' }).click();
  const empty = page.getByRole('dialog', { name: `Empty bucket "${BUCKET}"` });
  await empty.getByLabel(/permanently delete/).fill('permanently delete');
  await empty.getByRole('button', { name: 'Empty' }).click();
  await expect(
    page.getByRole('status').filter({ hasText: `Successfully emptied bucket "${BUCKET}"` }),
  ).toBeVisible();

  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(dialog.getByText('This bucket is not empty')).toBeHidden();
  await dialog.getByLabel(/enter the name of the bucket/).fill(BUCKET);
  await dialog.getByRole('button', { name: 'Delete bucket' }).click();
  await expect(
    page.getByRole('status').filter({ hasText: `Successfully deleted bucket "${BUCKET}"` }),
  ).toBeVisible();
  await expect(table.getByRole('row', { name: new RegExp(BUCKET) })).toHaveCount(0);
});
