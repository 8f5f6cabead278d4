// The DynamoDB console as a person uses it: create a table with a sort key, watch it turn
// Active, add items in the form and in the JSON view, query them by key in the item explorer,
// edit one and see the change, delete one, and delete the table.
import { expect, test, type Page } from '@playwright/test';
import { shoot, startLight } from './support';

startLight();
test.describe.configure({ mode: 'serial' });

const TABLE = 'Music';

async function flashed(page: Page, text: string) {
  await expect(page.getByRole('status').filter({ hasText: text }).first()).toBeVisible();
}

async function explore(page: Page) {
  await page.goto(`./#/dynamodb/explore?table=${TABLE}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Explore items' })).toBeVisible();
}

async function addAttribute(page: Page, type: string, name: string, value: string) {
  await page.getByRole('button', { name: 'Add new attribute' }).click();
  await page.getByRole('menuitem', { name: type, exact: true }).click();
  const names = page.getByLabel(/^Attribute name of attribute \d+$/);
  await names.last().fill(name);
  if (value) await page.getByLabel(`Value of ${name}`).fill(value);
}

async function createItem(page: Page, artist: string, song: string, extra: Array<[string, string, string]>) {
  await page.getByRole('link', { name: 'Create item' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Create item' })).toBeVisible();
  await page.getByLabel('Value of Artist').fill(artist);
  await page.getByLabel('Value of SongTitle').fill(song);
  for (const [type, name, value] of extra) await addAttribute(page, type, name, value);
  await page.getByRole('button', { name: 'Create item' }).click();
  await flashed(page, 'The item was created successfully.');
}

test('create a table with a sort key; it turns Active by itself', async ({ page }) => {
  await page.goto('./#/dynamodb');
  await expect(page.getByRole('heading', { level: 1, name: /Tables/ })).toBeVisible();
  await shoot(page, 'dynamodb-tables-empty');
  await page.getByRole('button', { name: 'Create table' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Create table' })).toBeVisible();

  const name = page.getByLabel('Table name');
  await name.fill('no');
  await expect(page.getByText('Table name must be between 3 and 255 characters long.')).toBeVisible();
  await name.fill('Music!');
  await expect(page.getByText(/Table name can contain only letters/)).toBeVisible();
  await name.fill(TABLE);
  await expect(page.getByText(/Table name can contain only letters/)).toBeHidden();
  await page.getByLabel('Partition key', { exact: true }).fill('Artist');
  await page.getByLabel('Sort key - optional').fill('SongTitle');
  await page.getByRole('radio', { name: /Customize settings/ }).check();
  await page.getByRole('radio', { name: /Provisioned/ }).check();
  await page.getByLabel('Read capacity units').fill('3');
  await page.getByLabel('Write capacity units').fill('2');
  await page.getByRole('button', { name: 'Create global index' }).click();
  const gsi = page.getByRole('dialog', { name: 'Create global index' });
  await gsi.getByLabel('Partition key', { exact: true }).fill('Genre');
  await gsi.getByLabel('Index name').fill('GenreIndex');
  await gsi.getByRole('button', { name: 'Create index' }).click();
  await expect(page.getByRole('table', { name: 'Secondary indexes' })).toContainText('GenreIndex');
  await shoot(page, 'dynamodb-create-table');
  await page.getByRole('button', { name: 'Create table' }).click();

  const row = page.getByRole('table', { name: 'Tables' }).getByRole('row', { name: new RegExp(TABLE) });
  await expect(row).toContainText('Artist (String)');
  await expect(row).toContainText('SongTitle (String)');
  await expect(row).toContainText('Provisioned (3 read, 2 write)');
  await expect(row).toContainText('Active');
  await expect(
    page.getByRole('status').filter({ hasText: `The ${TABLE} table was created successfully.` }),
  ).toBeVisible();
  await shoot(page, 'dynamodb-tables');

  // The same name again: DynamoDB's error, on the page.
  await page.getByRole('button', { name: 'Create table' }).click();
  await page.getByLabel('Table name').fill(TABLE);
  await page.getByLabel('Partition key', { exact: true }).fill('Artist');
  await page.getByRole('button', { name: 'Create table' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'ResourceInUseException' })).toBeVisible();
});

test('the table page: overview, indexes and settings', async ({ page }) => {
  await page.goto(`./#/dynamodb/tables/${TABLE}`);
  await expect(page.getByRole('heading', { level: 1, name: TABLE })).toBeVisible();
  const general = page.getByRole('region', { name: 'General information' });
  await expect(general).toContainText('Artist (String)');
  await expect(general).toContainText('Provisioned');
  await expect(page.getByText(`arn:aws:dynamodb:us-east-1:123456789012:table/${TABLE}`)).toBeVisible();
  await shoot(page, 'dynamodb-table-overview');
  await page.getByRole('tab', { name: 'Indexes' }).click();
  await expect(page.getByRole('table', { name: 'Global secondary indexes' })).toContainText('GenreIndex');
  await shoot(page, 'dynamodb-table-indexes');
  await page.getByRole('tab', { name: 'Monitoring' }).click();
  await expect(page.getByRole('group', { name: 'Item count' })).toContainText('0');
  await page.getByRole('tab', { name: 'Additional settings' }).click();
  const ttl = page.getByRole('region', { name: 'Time to Live (TTL)' });
  await ttl.getByRole('button', { name: 'Turn on' }).click();
  await page.getByLabel('TTL attribute name').fill('expiresAt');
  await page.getByRole('button', { name: 'Turn on TTL' }).click();
  await expect(ttl).toContainText('expiresAt');
  const stream = page.getByRole('region', { name: 'DynamoDB stream' });
  await stream.getByRole('button', { name: 'Turn on' }).click();
  await page
    .getByRole('dialog')
    .getByRole('radio', { name: /^New image/ })
    .check();
  await page.getByRole('button', { name: 'Turn on stream' }).click();
  await expect(stream).toContainText('On (New image)');
  await shoot(page, 'dynamodb-table-settings');
});

test('add items in the form and in the JSON view', async ({ page }) => {
  await explore(page);
  await expect(page.getByText('The operation returned no items.')).toBeVisible();
  await createItem(page, 'Acme Band', 'Happy Day', [
    ['String', 'AlbumTitle', 'Songs About Life'],
    ['Number', 'Year', '2019'],
  ]);
  await createItem(page, 'Acme Band', 'PartiQL Rocks', [['Number', 'Year', '2021']]);
  await createItem(page, 'Acme Band', 'Zebra Song', [['String', 'Genre', 'Rock']]);

  // One more through the JSON view; the form's values come along when switching.
  await page.getByRole('link', { name: 'Create item' }).click();
  await page.getByLabel('Value of Artist').fill('No One You Know');
  await page.getByRole('radio', { name: 'JSON view' }).click();
  const json = page.getByLabel('Item in DynamoDB JSON');
  await expect(json).toHaveValue(/"No One You Know"/);
  await json.fill(
    '{ "Artist": { "S": "No One You Know" }, "SongTitle": { "S": "Call Me Today" }, "Year": { "N": "x" } }',
  );
  await expect(page.getByRole('alert').filter({ hasText: 'Year: N must be a number' })).toBeVisible();
  await json.fill(
    JSON.stringify(
      {
        Artist: { S: 'No One You Know' },
        SongTitle: { S: 'Call Me Today' },
        Year: { N: '2020' },
        Tags: { SS: ['pop', 'indie'] },
        Info: { M: { Length: { N: '215' }, Live: { BOOL: false } } },
      },
      null,
      2,
    ),
  );
  await page.getByRole('radio', { name: 'Form' }).click();
  await expect(page.getByLabel('Value of SongTitle')).toHaveValue('Call Me Today');
  await expect(page.getByLabel('Value of Info.Length')).toHaveValue('215');
  await shoot(page, 'dynamodb-create-item-form');
  await page.getByRole('radio', { name: 'JSON view' }).click();
  await shoot(page, 'dynamodb-create-item-json');
  await page.getByRole('button', { name: 'Create item' }).click();
  await flashed(page, 'The item was created successfully.');

  // The same key again is refused, not silently overwritten.
  await page.getByRole('link', { name: 'Create item' }).click();
  await page.getByLabel('Value of Artist').fill('Acme Band');
  await page.getByLabel('Value of SongTitle').fill('Happy Day');
  await page.getByRole('button', { name: 'Create item' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'ConditionalCheckFailedException' })).toBeVisible();
  await page.getByRole('link', { name: 'Cancel' }).click();

  const items = page.getByRole('table', { name: 'Items returned' });
  await expect(items.getByRole('row')).toHaveCount(5);
  await expect(page.getByRole('heading', { name: /Items returned \(4\)/ })).toBeVisible();
  await shoot(page, 'dynamodb-explore-scan');
});

test('query by partition key and sort key condition, with a filter', async ({ page }) => {
  await explore(page);
  await page.getByRole('radio', { name: 'Query' }).click();
  await page.getByLabel('Artist (Partition key)').fill('Acme Band');
  await page.getByLabel('Sort key condition').selectOption({ label: 'Begins with' });
  await page.getByLabel('Sort key value').fill('Ha');
  await page.getByRole('button', { name: 'Run' }).click();
  const items = page.getByRole('table', { name: 'Items returned' });
  await expect(items.getByRole('row')).toHaveCount(2);
  await expect(items).toContainText('Happy Day');

  await page.getByLabel('Sort key condition').selectOption({ label: 'Between' });
  await page.getByLabel('Sort key lower value').fill('H');
  await page.getByLabel('Sort key upper value').fill('Q');
  await page.getByLabel('Sort descending').check();
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(items.getByRole('row')).toHaveCount(3);
  await expect(items.getByRole('row').nth(1)).toContainText('PartiQL Rocks');

  await page.getByRole('button', { name: 'Add filter' }).click();
  await page.getByLabel('Filter 1 attribute name').fill('Year');
  await page.getByLabel('Filter 1 type').selectOption({ label: 'Number' });
  await page.getByLabel('Filter 1 condition').selectOption({ label: 'Greater than' });
  await page.getByLabel('Filter 1 value').fill('2020');
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(items.getByRole('row')).toHaveCount(2);
  await expect(items).toContainText('PartiQL Rocks');
  await expect(page.getByText('Items scanned: 2')).toBeVisible();
  await shoot(page, 'dynamodb-explore-query');

  // The index: Query by Genre.
  await page.getByRole('button', { name: 'Reset' }).click();
  await page.getByRole('radio', { name: 'Query' }).click();
  await page.getByLabel('Select a table or index').selectOption({ label: 'Index (GSI) - GenreIndex' });
  await page.getByLabel('Genre (Partition key)').fill('Rock');
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(items.getByRole('row')).toHaveCount(2);
  await expect(items).toContainText('Zebra Song');
});

test('edit an item and see the change; delete an item', async ({ page }) => {
  await explore(page);
  const items = page.getByRole('table', { name: 'Items returned' });
  await items.getByRole('checkbox', { name: /Happy Day/ }).check();
  await page.getByRole('button', { name: 'Actions' }).click();
  await page.getByRole('menuitem', { name: 'Edit item' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Edit item' })).toBeVisible();
  await expect(page.getByLabel('Value of Artist')).toHaveAttribute('readonly', '');
  await page.getByLabel('Value of AlbumTitle').fill('Songs About Life (Deluxe)');
  await addAttribute(page, 'Boolean', 'Favourite', '');
  await shoot(page, 'dynamodb-edit-item');
  await page.getByRole('button', { name: 'Save' }).click();
  await flashed(page, 'The item was saved successfully.');
  const edited = items.getByRole('row', { name: /Happy Day/ });
  await expect(edited).toContainText('Songs About Life (Deluxe)');
  await expect(edited).toContainText('true');

  await items.getByRole('checkbox', { name: /Zebra Song/ }).check();
  await page.getByRole('button', { name: 'Actions' }).click();
  await page.getByRole('menuitem', { name: 'Delete items' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete item?' });
  await shoot(page, 'dynamodb-delete-item');
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await flashed(page, 'The item was deleted successfully.');
  await expect(items.getByRole('row', { name: /Zebra Song/ })).toHaveCount(0);
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(items.getByRole('row')).toHaveCount(4);
});

test('many items come a page at a time, following LastEvaluatedKey', async ({ page }) => {
  // 60 more items, written the way a script would (BatchWriteItem, 25 at a time).
  for (let start = 0; start < 60; start += 25) {
    const requests = Array.from({ length: Math.min(25, 60 - start) }, (_, i) => ({
      PutRequest: {
        Item: {
          Artist: { S: 'Batch Band' },
          SongTitle: { S: `Track ${String(start + i).padStart(2, '0')}` },
        },
      },
    }));
    const res = await page.request.post('./api/aws.call', {
      data: {
        service: 'dynamodb',
        operation: 'BatchWriteItem',
        region: 'us-east-1',
        input: { RequestItems: { [TABLE]: requests } },
      },
    });
    expect(res.ok()).toBe(true);
  }
  await explore(page);
  await page.getByRole('button', { name: 'Reset' }).click();
  await page.getByRole('button', { name: 'Run' }).click();
  const items = page.getByRole('table', { name: 'Items returned' });
  await expect(items.getByRole('row')).toHaveCount(51);
  await expect(page.getByText('Page 1', { exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Next page' }).click();
  await expect(items.getByRole('row')).toHaveCount(63 - 50 + 1);
  await expect(page.getByText('Page 2 of 2')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Next page' })).toBeDisabled();
  await page.getByRole('button', { name: 'Previous page' }).click();
  await expect(items.getByRole('row')).toHaveCount(51);
});

test('delete the table, typing confirm', async ({ page }) => {
  await page.goto('./#/dynamodb/tables');
  const table = page.getByRole('table', { name: 'Tables' });
  await expect(table.getByRole('row', { name: new RegExp(TABLE) })).toContainText('Active');
  await table.getByRole('checkbox', { name: `Select ${TABLE}` }).check();
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: `Delete table: ${TABLE}` });
  await dialog.getByLabel(/type confirm/).fill('delete');
  await expect(dialog.getByRole('button', { name: 'Delete' })).toBeDisabled();
  await dialog.getByLabel(/type confirm/).fill('confirm');
  await shoot(page, 'dynamodb-delete-table');
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await expect(
    page.getByRole('status').filter({ hasText: `The ${TABLE} table was deleted successfully.` }),
  ).toBeVisible();
  await expect(table.getByRole('row', { name: new RegExp(TABLE) })).toHaveCount(0);
});
