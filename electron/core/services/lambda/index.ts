/**
 * AWS Lambda: Node.js functions run in sandboxed execution environments (sandbox/), with
 * versions, aliases, resource policies, concurrency, asynchronous invocation with retries,
 * event source mappings from DynamoDB streams, S3 notifications and function URLs.
 */
import { defineService, SIGNATURE_MISMATCH_MESSAGE } from '../../service';
import { addPermission, getPolicy, removePermission } from './policy';
import {
  deleteFunctionConcurrency,
  deleteFunctionEventInvokeConfig,
  getFunctionConcurrency,
  getFunctionEventInvokeConfig,
  putFunctionConcurrency,
  putFunctionEventInvokeConfig,
} from './concurrency';
import {
  createEventSourceMapping,
  deleteEventSourceMapping,
  getEventSourceMapping,
  listEventSourceMappings,
  updateEventSourceMapping,
} from './event-source-mappings';
import {
  createFunction,
  deleteFunction,
  getAccountSettings,
  getFunction,
  getFunctionConfiguration,
  listFunctions,
  updateFunctionCode,
  updateFunctionConfiguration,
} from './functions';
import {
  createFunctionUrlConfig,
  deleteFunctionUrlConfig,
  getFunctionUrlConfig,
  listFunctionUrlConfigs,
  updateFunctionUrlConfig,
} from './function-urls';
import { invoke } from './invoke';
import { LambdaRuntime } from './runtime';
import { lambdaMigrations } from './schema';
import { listTags, tagResource, untagResource } from './tags';
import {
  createAlias,
  deleteAlias,
  getAlias,
  listAliases,
  listVersionsByFunction,
  publishVersion,
  updateAlias,
} from './versions';

export const lambda = defineService({
  name: 'lambda',
  title: 'AWS Lambda',
  model: 'lambda-2015-03-31',
  signingName: 'lambda',
  endpointPrefix: 'lambda',
  migrations: lambdaMigrations,
  blobColumns: ['lambda_code.blob'],
  runtime: (cloud) => new LambdaRuntime(cloud),
  operations: {
    CreateFunction: createFunction,
    GetFunction: getFunction,
    GetFunctionConfiguration: getFunctionConfiguration,
    UpdateFunctionCode: updateFunctionCode,
    UpdateFunctionConfiguration: updateFunctionConfiguration,
    ListFunctions: listFunctions,
    DeleteFunction: deleteFunction,
    GetAccountSettings: getAccountSettings,
    Invoke: invoke,
    PublishVersion: publishVersion,
    ListVersionsByFunction: listVersionsByFunction,
    CreateAlias: createAlias,
    GetAlias: getAlias,
    UpdateAlias: updateAlias,
    DeleteAlias: deleteAlias,
    ListAliases: listAliases,
    AddPermission: addPermission,
    RemovePermission: removePermission,
    GetPolicy: getPolicy,
    PutFunctionConcurrency: putFunctionConcurrency,
    GetFunctionConcurrency: getFunctionConcurrency,
    DeleteFunctionConcurrency: deleteFunctionConcurrency,
    PutFunctionEventInvokeConfig: putFunctionEventInvokeConfig,
    GetFunctionEventInvokeConfig: getFunctionEventInvokeConfig,
    DeleteFunctionEventInvokeConfig: deleteFunctionEventInvokeConfig,
    CreateEventSourceMapping: createEventSourceMapping,
    GetEventSourceMapping: getEventSourceMapping,
    UpdateEventSourceMapping: updateEventSourceMapping,
    DeleteEventSourceMapping: deleteEventSourceMapping,
    ListEventSourceMappings: listEventSourceMappings,
    CreateFunctionUrlConfig: createFunctionUrlConfig,
    GetFunctionUrlConfig: getFunctionUrlConfig,
    UpdateFunctionUrlConfig: updateFunctionUrlConfig,
    DeleteFunctionUrlConfig: deleteFunctionUrlConfig,
    ListFunctionUrlConfigs: listFunctionUrlConfigs,
    TagResource: tagResource,
    UntagResource: untagResource,
    ListTags: listTags,
  },
  auth: {
    unknownKey: [
      'UnrecognizedClientException',
      403,
      'The security token included in the request is invalid.',
    ],
    badSignature: ['InvalidSignatureException', 403, SIGNATURE_MISMATCH_MESSAGE],
    missing: ['MissingAuthenticationTokenException', 403, 'Missing Authentication Token'],
    expired: [
      'InvalidSignatureException',
      403,
      'Signature expired: the request time is more than 15 minutes away from now.',
    ],
  },
});
