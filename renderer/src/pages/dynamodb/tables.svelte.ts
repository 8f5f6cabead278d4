/**
 * The tables of the console's Region, each as DescribeTable shows it, kept current: any
 * DynamoDB change (a table created, an item written) and a table turning ACTIVE reload it.
 */
import type { TableDescription } from '@aws-sdk/client-dynamodb';
import { aws, onEvent } from '../../lib/api';
import { flash } from '../../lib/flash.svelte';
import { Live } from '../../lib/live.svelte';

export async function listTableNames(region: string): Promise<string[]> {
  const names: string[] = [];
  let start: string | undefined;
  do {
    const out = await aws('dynamodb', 'ListTables', region, { ExclusiveStartTableName: start, Limit: 100 });
    names.push(...(out.TableNames ?? []));
    start = out.LastEvaluatedTableName;
  } while (start);
  return names;
}

export class TablesLive extends Live<TableDescription[]> {
  constructor(region: string) {
    super(
      async (partial) => {
        const names = await listTableNames(region);
        partial(names.map((TableName) => ({ TableName })));
        const described = await Promise.all(
          names.map((TableName) =>
            aws('dynamodb', 'DescribeTable', region, { TableName }).then(
              (o) => o.Table ?? { TableName },
              // Deleted between the two calls: leave it out.
              () => null,
            ),
          ),
        );
        return described.filter((t): t is TableDescription => t !== null);
      },
      ['dynamodb.'],
    );
  }
}

/** One table, reloaded on every DynamoDB change in the Region (its status, its counts). */
export class TableLive extends Live<TableDescription> {
  constructor(region: string, name: string) {
    super(async () => {
      const out = await aws('dynamodb', 'DescribeTable', region, { TableName: name });
      return out.Table!;
    }, ['dynamodb.']);
  }
}

/**
 * As the AWS console does: "Creating the X table…" while it is CREATING, replaced by "The X
 * table was created successfully." when DynamoDB says it became ACTIVE.
 */
export function announceCreation(name: string, region: string): void {
  const id = flash.add('info', `Creating the ${name} table. It will be available for use shortly.`);
  const done = () => {
    off();
    clearTimeout(timer);
    flash.dismiss(id);
    flash.add('success', `The ${name} table was created successfully.`);
  };
  const off = onEvent('cloud.event', (e) => {
    const data = e.data as { TableName?: string } | undefined;
    if (e.topic === 'dynamodb.table.status' && e.region === region && data?.TableName === name) done();
  });
  // Missed the event (a reconnect): look once more, then stop listening.
  const timer = setTimeout(() => {
    off();
    void aws('dynamodb', 'DescribeTable', region, { TableName: name }).then(
      (o) => {
        if (o.Table?.TableStatus === 'ACTIVE') {
          flash.dismiss(id);
          flash.add('success', `The ${name} table was created successfully.`);
        }
      },
      () => flash.dismiss(id),
    );
  }, 30_000);
}
