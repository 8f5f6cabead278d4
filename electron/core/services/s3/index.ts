/**
 * Amazon S3: buckets (one global namespace, per-Region placement) and objects — bodies in the
 * workspace's blob store, streamed in and out; metadata in the store.
 */
import { defineService } from '../../service';
import * as acl from './acl';
import { anonymousS3 } from './anonymous';
import { signatureV2Accepted } from './buckets';
import * as config from './bucket-subresources';
import { s3Cors } from './cors';
import * as lifecycle from './lifecycle-config';
import * as notification from './notification-config';
import * as policy from './policy';
import { S3Runtime } from './bodies';
import * as buckets from './buckets';
import { copyObject, deleteObjects } from './copy';
import { listObjects, listObjectsV2, listObjectVersions } from './list';
import * as multipart from './multipart';
import * as objectAcl from './object-acl';
import * as objects from './objects';
import * as ownership from './ownership';
import { postObject } from './post-object';
import { restoreObject } from './restore';
import { s3Migrations } from './schema';
import * as tagging from './tagging';
import * as versions from './versions';

export const s3 = defineService({
  name: 's3',
  title: 'Amazon S3',
  model: 's3-2006-03-01',
  signingName: 's3',
  endpointPrefix: 's3',
  migrations: s3Migrations,
  blobColumns: ['s3_objects.blob', 's3_versions.blob', 's3_parts.blob'],
  runtime: (cloud) => new S3Runtime(cloud),
  anonymous: anonymousS3,
  signatureV2: signatureV2Accepted,
  cors: s3Cors,
  operations: {
    PutBucketTagging: config.putBucketTagging,
    GetBucketTagging: config.getBucketTagging,
    DeleteBucketTagging: config.deleteBucketTagging,
    PutBucketPolicy: policy.putBucketPolicy,
    GetBucketPolicy: policy.getBucketPolicy,
    DeleteBucketPolicy: policy.deleteBucketPolicy,
    GetBucketPolicyStatus: policy.getBucketPolicyStatus,
    PutPublicAccessBlock: config.putPublicAccessBlock,
    GetPublicAccessBlock: config.getPublicAccessBlock,
    DeletePublicAccessBlock: config.deletePublicAccessBlock,
    PutBucketAcl: acl.putBucketAcl,
    GetBucketAcl: acl.getBucketAcl,
    PutBucketCors: config.putBucketCors,
    GetBucketCors: config.getBucketCors,
    DeleteBucketCors: config.deleteBucketCors,
    PutBucketWebsite: config.putBucketWebsite,
    GetBucketWebsite: config.getBucketWebsite,
    DeleteBucketWebsite: config.deleteBucketWebsite,
    PutBucketLifecycleConfiguration: lifecycle.putBucketLifecycleConfiguration,
    GetBucketLifecycleConfiguration: lifecycle.getBucketLifecycleConfiguration,
    DeleteBucketLifecycle: lifecycle.deleteBucketLifecycle,
    PutBucketNotificationConfiguration: notification.putBucketNotificationConfiguration,
    GetBucketNotificationConfiguration: notification.getBucketNotificationConfiguration,
    CreateBucket: buckets.createBucket,
    DeleteBucket: buckets.deleteBucket,
    ListBuckets: buckets.listBuckets,
    HeadBucket: buckets.headBucket,
    GetBucketLocation: buckets.getBucketLocation,
    PutObject: objects.putObject,
    PostObject: postObject,
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
    UploadPartCopy: multipart.uploadPartCopy,
    RestoreObject: restoreObject,
    PutBucketVersioning: versions.putBucketVersioning,
    GetBucketVersioning: versions.getBucketVersioning,
    ListObjectVersions: listObjectVersions,
    PutObjectTagging: tagging.putObjectTagging,
    GetObjectTagging: tagging.getObjectTagging,
    DeleteObjectTagging: tagging.deleteObjectTagging,
    PutBucketOwnershipControls: ownership.putBucketOwnershipControls,
    GetBucketOwnershipControls: ownership.getBucketOwnershipControls,
    DeleteBucketOwnershipControls: ownership.deleteBucketOwnershipControls,
    PutObjectAcl: objectAcl.putObjectAcl,
    GetObjectAcl: objectAcl.getObjectAcl,
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
