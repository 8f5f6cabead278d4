/** The Lambda console's event templates (the ones it offers for Node.js functions). */
const DDB_STREAM_ARN =
  'arn:aws:dynamodb:us-west-2:123456789012:table/ExampleTableWithStream/stream/2015-06-27T00:48:05.899';

const TEMPLATES: Record<string, unknown> = {
  'hello-world': { key1: 'value1', key2: 'value2', key3: 'value3' },
  's3-put': {
    Records: [
      {
        eventVersion: '2.0',
        eventSource: 'aws:s3',
        awsRegion: 'us-east-1',
        eventTime: '1970-01-01T00:00:00.000Z',
        eventName: 'ObjectCreated:Put',
        userIdentity: { principalId: 'EXAMPLE' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: {
          'x-amz-request-id': 'EXAMPLE123456789',
          'x-amz-id-2': 'EXAMPLE123/5678abcdefghijklambdaisawesome/mnopqrstuvwxyzABCDEFGH',
        },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'testConfigRule',
          bucket: {
            name: 'example-bucket',
            ownerIdentity: { principalId: 'EXAMPLE' },
            arn: 'arn:aws:s3:::example-bucket',
          },
          object: {
            key: 'test%2Fkey',
            size: 1024,
            eTag: '0123456789abcdef0123456789abcdef',
            sequencer: '0A1B2C3D4E5F678901',
          },
        },
      },
    ],
  },
  'dynamodb-update': {
    Records: [
      {
        eventID: '1',
        eventVersion: '1.0',
        dynamodb: {
          Keys: { Id: { N: '101' } },
          NewImage: { Message: { S: 'New item!' }, Id: { N: '101' } },
          StreamViewType: 'NEW_AND_OLD_IMAGES',
          SequenceNumber: '111',
          SizeBytes: 26,
        },
        awsRegion: 'us-west-2',
        eventName: 'INSERT',
        eventSourceARN: DDB_STREAM_ARN,
        eventSource: 'aws:dynamodb',
      },
      {
        eventID: '2',
        eventVersion: '1.0',
        dynamodb: {
          OldImage: { Message: { S: 'New item!' }, Id: { N: '101' } },
          SequenceNumber: '222',
          Keys: { Id: { N: '101' } },
          SizeBytes: 59,
          NewImage: { Message: { S: 'This item has changed' }, Id: { N: '101' } },
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
        awsRegion: 'us-west-2',
        eventName: 'MODIFY',
        eventSourceARN: DDB_STREAM_ARN,
        eventSource: 'aws:dynamodb',
      },
      {
        eventID: '3',
        eventVersion: '1.0',
        dynamodb: {
          Keys: { Id: { N: '101' } },
          SizeBytes: 38,
          SequenceNumber: '333',
          OldImage: { Message: { S: 'This item has changed' }, Id: { N: '101' } },
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
        awsRegion: 'us-west-2',
        eventName: 'REMOVE',
        eventSourceARN: DDB_STREAM_ARN,
        eventSource: 'aws:dynamodb',
      },
    ],
  },
};

export const TEMPLATE_NAMES = Object.keys(TEMPLATES);

export function templateText(name: string): string {
  return JSON.stringify(TEMPLATES[name] ?? {}, null, 2);
}

/** What the REPORT line of an invocation's log says. */
export interface ReportSummary {
  requestId?: string;
  duration?: string;
  billed?: string;
  memory?: string;
  maxMemory?: string;
  init?: string;
}

export function parseReport(log: string): ReportSummary | null {
  const line = log.split('\n').find((l) => l.startsWith('REPORT '));
  if (!line) return null;
  const field = (label: string) => new RegExp(`${label}: ([^\\t]+)`).exec(line)?.[1]?.trim();
  return {
    requestId: field('RequestId'),
    duration: field('Duration'),
    billed: field('Billed Duration'),
    memory: field('Memory Size'),
    maxMemory: field('Max Memory Used'),
    init: field('Init Duration'),
  };
}
