/**
 * Amazon S3: buckets (one global namespace, per-Region placement) and objects — bodies in the
 * workspace's blob store, streamed in and out; metadata in the store.
 */
import { defineService } from '../../service';
import { S3Runtime } from './bodies';
import * as buckets from './buckets';
import { copyObject, deleteObjects } from './copy';
import { listObjects, listObjectsV2 } from './list';
import * as multipart from './multipart';
import * as objects from './objects';
import { s3Migrations } from './schema';

export const s3 = defineService({
  name: 's3',
  title: 'Amazon S3',
  model: 's3-2006-03-01',
  signingName: 's3',
  endpointPrefix: 's3',
  migrations: s3Migrations,
  runtime: (cloud) => new S3Runtime(cloud),
  operations: {
    CreateBucket: buckets.createBucket,
    DeleteBucket: buckets.deleteBucket,
    ListBuckets: buckets.listBuckets,
    HeadBucket: buckets.headBucket,
    GetBucketLocation: buckets.getBucketLocation,
    PutObject: objects.putObject,
    GetObject: objects.getObject,
    HeadObject: objects.headObject,
    DeleteObject: objects.deleteObject,
    CopyObject: copyObject,
    DeleteObjects: deleteObjects,
    ListObjectsV2: listObjectsV2,
    ListObjects: listObjects,
    CreateMultipartUpload: multipart.createMultipartUpload,
    UploadPart: multipart.uploadPart,
    CompleteMultipartUpload: multipart.completeMultipartUpload,
    AbortMultipartUpload: multipart.abortMultipartUpload,
    ListParts: multipart.listParts,
    ListMultipartUploads: multipart.listMultipartUploads,
  },
  auth: {
    unknownKey: [
      'InvalidAccessKeyId',
      403,
      'The AWS Access Key Id you provided does not exist in our records.',
    ],
    badSignature: [
      'SignatureDoesNotMatch',
      403,
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    ],
    missing: ['AccessDenied', 403, 'Access Denied'],
    expired: [
      'RequestTimeTooSkewed',
      403,
      'The difference between the request time and the current time is too large.',
    ],
  },
});
