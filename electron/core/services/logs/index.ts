/**
 * Amazon CloudWatch Logs: log groups, streams and events (Lambda writes its logs here through
 * appendLogEvents), filter patterns, retention on the simulated clock, tags.
 */
import { defineService, SIGNATURE_MISMATCH_MESSAGE } from '../../service';
import { getLogEvents, putLogEvents } from './events';
import { filterLogEvents } from './filter';
import {
  createLogGroup,
  deleteLogGroup,
  deleteRetentionPolicy,
  describeLogGroups,
  putRetentionPolicy,
} from './groups';
import { LogsRuntime } from './runtime';
import { logsMigrations } from './schema';
import { createLogStream, deleteLogStream, describeLogStreams } from './streams';
import { listTagsForResource, tagResource, untagResource } from './tags';

export { appendLogEvents, type LogTarget } from './events';
export type { LogsRuntime } from './runtime';

export const logs = defineService({
  name: 'logs',
  title: 'Amazon CloudWatch Logs',
  model: 'logs-2014-03-28',
  signingName: 'logs',
  endpointPrefix: 'logs',
  migrations: logsMigrations,
  runtime: (cloud) => new LogsRuntime(cloud),
  operations: {
    CreateLogGroup: createLogGroup,
    DeleteLogGroup: deleteLogGroup,
    DescribeLogGroups: describeLogGroups,
    CreateLogStream: createLogStream,
    DeleteLogStream: deleteLogStream,
    DescribeLogStreams: describeLogStreams,
    PutLogEvents: putLogEvents,
    GetLogEvents: getLogEvents,
    FilterLogEvents: filterLogEvents,
    PutRetentionPolicy: putRetentionPolicy,
    DeleteRetentionPolicy: deleteRetentionPolicy,
    TagResource: tagResource,
    UntagResource: untagResource,
    ListTagsForResource: listTagsForResource,
  },
  auth: {
    unknownKey: [
      'UnrecognizedClientException',
      400,
      'The security token included in the request is invalid.',
    ],
    badSignature: ['InvalidSignatureException', 400, SIGNATURE_MISMATCH_MESSAGE],
    missing: ['MissingAuthenticationTokenException', 400, 'Missing Authentication Token'],
    expired: [
      'InvalidSignatureException',
      400,
      'Signature expired: the request time is more than 15 minutes away from now.',
    ],
  },
});
