/** Amazon DynamoDB Streams: reading the change records of DynamoDB tables with streams enabled. */
import { defineService } from '../../service';
import { dynamodbAuthErrors } from '../dynamodb';
import { describeStream, getRecords, getShardIterator, listStreams } from './streams';

export const dynamodbstreams = defineService({
  name: 'dynamodbstreams',
  title: 'Amazon DynamoDB Streams',
  model: 'streams.dynamodb-2012-08-10',
  signingName: 'dynamodb',
  endpointPrefix: 'streams.dynamodb',
  operations: {
    ListStreams: listStreams,
    DescribeStream: describeStream,
    GetShardIterator: getShardIterator,
    GetRecords: getRecords,
  },
  auth: dynamodbAuthErrors,
});
