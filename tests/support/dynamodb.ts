/** DynamoDB test helpers: an SDK client for a served lab, and a table made and waited for. */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  type CreateTableInput,
  type DynamoDBClientConfig,
} from '@aws-sdk/client-dynamodb';
import { credentials } from './serve';

export function dynamoClient(endpoint: string, over: Partial<DynamoDBClientConfig> = {}): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1, ...over });
}

/** Waits (polling, as the SDK's waiter does) until the table and its indexes are ACTIVE. */
export async function waitActive(client: DynamoDBClient, TableName: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName }));
    if (
      Table?.TableStatus === 'ACTIVE' &&
      (Table.GlobalSecondaryIndexes ?? []).every((g) => g.IndexStatus === 'ACTIVE')
    )
      return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`table ${TableName} did not become ACTIVE`);
}

export async function createTable(client: DynamoDBClient, input: CreateTableInput): Promise<void> {
  await client.send(new CreateTableCommand({ BillingMode: 'PAY_PER_REQUEST', ...input }));
  await waitActive(client, input.TableName!);
}
