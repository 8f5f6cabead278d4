/**
 * S3 test helpers: calling S3 operations on an in-process cloud as the console's principal, and
 * an SDK client for a served lab.
 */
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { Cloud } from '../../electron/core/cloud';
import { serviceCaller } from './internal-call';
import { credentials } from './serve';

/** `call('PutObject', {...})` on an in-process cloud, as the console's principal. */
export function s3Caller(cloud: () => Cloud) {
  return serviceCaller(cloud, 's3');
}

/** The SDK client the API tests use: path-style, no retries. */
export function s3Client(endpoint: string, over: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    credentials,
    forcePathStyle: true,
    maxAttempts: 1,
    ...over,
  });
}
