/**
 * Amazon DynamoDB: tables with their key schemas and indexes, items in the store ordered as
 * DynamoDB orders them, the expression language, transactions, Time to Live and streams (read
 * through the DynamoDB Streams API, ../dynamodbstreams).
 */
import { defineService, SIGNATURE_MISMATCH_MESSAGE } from '../../service';
import { batchGetItem, batchWriteItem } from './batch';
import { createTable } from './create-table';
import { deleteItem, getItem, putItem, updateItem } from './items';
import { query, scan } from './query';
import { DynamoRuntime } from './runtime';
import { dynamodbMigrations } from './schema';
import { deleteTable, describeLimits, describeTableOp, listTables } from './table-ops';
import { listTagsOfResource, tagResource, untagResource } from './tags';
import { transactGetItems, transactWriteItems } from './transactions';
import { describeTimeToLive, updateTimeToLive } from './ttl';
import { updateTable } from './update-table';

/** The authentication errors DynamoDB (and DynamoDB Streams) answer with. */
export const dynamodbAuthErrors = {
  unknownKey: ['UnrecognizedClientException', 400, 'The security token included in the request is invalid.'],
  badSignature: ['InvalidSignatureException', 400, SIGNATURE_MISMATCH_MESSAGE],
  missing: ['MissingAuthenticationTokenException', 400, 'Request is missing Authentication Token'],
  expired: [
    'InvalidSignatureException',
    400,
    'Signature expired: the request time is more than 15 minutes away from now.',
  ],
} as const;

export const dynamodb = defineService({
  name: 'dynamodb',
  title: 'Amazon DynamoDB',
  model: 'dynamodb-2012-08-10',
  signingName: 'dynamodb',
  endpointPrefix: 'dynamodb',
  migrations: dynamodbMigrations,
  runtime: (cloud) => new DynamoRuntime(cloud),
  operations: {
    CreateTable: createTable,
    DescribeTable: describeTableOp,
    ListTables: listTables,
    UpdateTable: updateTable,
    DeleteTable: deleteTable,
    UpdateTimeToLive: updateTimeToLive,
    DescribeTimeToLive: describeTimeToLive,
    DescribeLimits: describeLimits,
    TagResource: tagResource,
    UntagResource: untagResource,
    ListTagsOfResource: listTagsOfResource,
    PutItem: putItem,
    GetItem: getItem,
    UpdateItem: updateItem,
    DeleteItem: deleteItem,
    BatchGetItem: batchGetItem,
    BatchWriteItem: batchWriteItem,
    TransactWriteItems: transactWriteItems,
    TransactGetItems: transactGetItems,
    Query: query,
    Scan: scan,
  },
  auth: dynamodbAuthErrors,
});
