/** S3's errors, with the codes, statuses, messages and extra elements S3 answers with. */
import { AwsError } from '../../kernel/errors';

export const errors = {
  noSuchBucket: (bucket: string) =>
    new AwsError('NoSuchBucket', 'The specified bucket does not exist', {
      status: 404,
      fields: { BucketName: bucket },
    }),
  noSuchKey: (key: string, deleteMarker?: string) =>
    new AwsError('NoSuchKey', 'The specified key does not exist.', {
      status: 404,
      fields: { Key: key },
      headers: deleteMarker ? { 'x-amz-delete-marker': 'true', 'x-amz-version-id': deleteMarker } : {},
    }),
  noSuchVersion: (key: string, versionId: string) =>
    new AwsError('NoSuchVersion', 'The specified version does not exist.', {
      status: 404,
      fields: { Key: key, VersionId: versionId },
    }),
  invalidVersionId: (versionId: string) =>
    new AwsError('InvalidArgument', 'Invalid version id specified', {
      fields: { ArgumentName: 'versionId', ArgumentValue: versionId },
    }),
  invalidStorageClass: (storageClass: string) =>
    new AwsError('InvalidStorageClass', 'The storage class you specified is not valid', {
      fields: { StorageClassRequested: storageClass },
    }),
  invalidObjectState: (storageClass: string) =>
    new AwsError('InvalidObjectState', "The operation is not valid for the object's storage class", {
      status: 403,
      fields: { StorageClass: storageClass },
    }),
  /** GET or HEAD of a delete marker by its version ID. */
  deleteMarkerMethod: (method: string, versionId: string) =>
    new AwsError('MethodNotAllowed', 'The specified method is not allowed against this resource.', {
      status: 405,
      fields: { Method: method, ResourceType: 'DeleteMarker' },
      headers: { 'x-amz-delete-marker': 'true', 'x-amz-version-id': versionId, allow: 'DELETE' },
    }),
  invalidBucketName: (bucket: string) =>
    new AwsError('InvalidBucketName', 'The specified bucket is not valid.', {
      fields: { BucketName: bucket },
    }),
  bucketAlreadyExists: (bucket: string) =>
    new AwsError(
      'BucketAlreadyExists',
      'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.',
      { status: 409, fields: { BucketName: bucket } },
    ),
  bucketAlreadyOwnedByYou: (bucket: string) =>
    new AwsError(
      'BucketAlreadyOwnedByYou',
      'Your previous request to create the named bucket succeeded and you already own it.',
      { status: 409, fields: { BucketName: bucket } },
    ),
  bucketNotEmpty: (bucket: string) =>
    new AwsError('BucketNotEmpty', 'The bucket you tried to delete is not empty', {
      status: 409,
      fields: { BucketName: bucket },
    }),
  invalidLocationConstraint: (constraint: string) =>
    new AwsError('InvalidLocationConstraint', 'The specified location-constraint is not valid', {
      fields: { LocationConstraint: constraint },
    }),
  illegalLocationConstraint: (constraint: string | undefined) =>
    new AwsError(
      'IllegalLocationConstraintException',
      `The ${constraint ?? 'unspecified'} location constraint is incompatible for the region specific endpoint this request was sent to.`,
    ),
  accessDenied: (region?: string) =>
    new AwsError('AccessDenied', 'Access Denied', {
      status: 403,
      headers: region ? { 'x-amz-bucket-region': region } : {},
    }),
  keyTooLong: (size: number) =>
    new AwsError('KeyTooLongError', 'Your key is too long', {
      fields: { Size: String(size), MaxSizeAllowed: '1024' },
    }),
  invalidRange: (range: string, size: number) =>
    new AwsError('InvalidRange', 'The requested range is not satisfiable', {
      status: 416,
      fields: { RangeRequested: range, ActualObjectSize: String(size) },
      headers: { 'content-range': `bytes */${size}` },
    }),
  preconditionFailed: (condition: string) =>
    new AwsError('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', {
      status: 412,
      fields: { Condition: condition },
    }),
  notModified: (headers: Record<string, string>) =>
    new AwsError('NotModified', 'Not Modified', { status: 304, headers }),
  badDigest: () => new AwsError('BadDigest', 'The Content-MD5 you specified did not match what we received.'),
  invalidDigest: () => new AwsError('InvalidDigest', 'The Content-MD5 you specified was invalid.'),
  invalidArgument: (message: string, name: string, value: string) =>
    new AwsError('InvalidArgument', message, { fields: { ArgumentName: name, ArgumentValue: value } }),
  tooLargeForMemory: (limit: number) =>
    new AwsError(
      'EntityTooLarge',
      `Your proposed upload exceeds the ${Math.round(limit / 1048576)} MiB an in-memory workspace holds.`,
      { fields: { MaxSizeAllowed: String(limit) } },
    ),
  noSuchUpload: (uploadId: string) =>
    new AwsError(
      'NoSuchUpload',
      'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
      { status: 404, fields: { UploadId: uploadId } },
    ),
  invalidPart: (uploadId: string, partNumber: number, etag: string) =>
    new AwsError(
      'InvalidPart',
      "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
      { fields: { UploadId: uploadId, PartNumber: String(partNumber), ETag: etag } },
    ),
  invalidPartOrder: (uploadId: string) =>
    new AwsError(
      'InvalidPartOrder',
      'The list of parts was not in ascending order. The parts list must be specified in order by part number.',
      { fields: { UploadId: uploadId } },
    ),
  entityTooSmall: (size: number, min: number, partNumber: number, etag: string) =>
    new AwsError('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.', {
      fields: {
        ProposedSize: String(size),
        MinSizeAllowed: String(min),
        PartNumber: String(partNumber),
        ETag: etag,
      },
    }),
  malformedXml: () =>
    new AwsError(
      'MalformedXML',
      'The XML you provided was not well-formed or did not validate against our published schema',
    ),
  invalidRequest: (message: string) => new AwsError('InvalidRequest', message),
  copyToItself: () =>
    new AwsError(
      'InvalidRequest',
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    ),
};

/** Bucket configuration subresources, policies, ACLs and anonymous access. */
export const configErrors = {
  noSuchTagSet: (bucket: string) =>
    new AwsError('NoSuchTagSet', 'The TagSet does not exist', {
      status: 404,
      fields: { BucketName: bucket },
    }),
  invalidTag: (message: string) => new AwsError('InvalidTag', message),
  noSuchBucketPolicy: (bucket: string) =>
    new AwsError('NoSuchBucketPolicy', 'The bucket policy does not exist', {
      status: 404,
      fields: { BucketName: bucket },
    }),
  malformedPolicy: (message: string) => new AwsError('MalformedPolicy', message),
  /** What S3 answers a principal of the bucket's account that Block Public Access stops. */
  blockedByPublicAccessBlock: (
    principalArn: string,
    action: string,
    resource: string,
    setting: 'policy' | 'acl',
  ) =>
    new AwsError(
      'AccessDenied',
      setting === 'policy'
        ? `User: ${principalArn} is not authorized to perform: ${action} on resource: "${resource}" because public policies are blocked by the BlockPublicPolicy block public access setting.`
        : `User: ${principalArn} is not authorized to perform: ${action} on resource: "${resource}" because public ACLs are prevented by the BlockPublicAcls setting in S3 Block Public Access.`,
      { status: 403 },
    ),
  noSuchPublicAccessBlock: (bucket: string) =>
    new AwsError(
      'NoSuchPublicAccessBlockConfiguration',
      'The public access block configuration was not found',
      {
        status: 404,
        fields: { BucketName: bucket },
      },
    ),
  noSuchCors: (bucket: string) =>
    new AwsError('NoSuchCORSConfiguration', 'The CORS configuration does not exist', {
      status: 404,
      fields: { BucketName: bucket },
    }),
  noSuchWebsite: (bucket: string) =>
    new AwsError('NoSuchWebsiteConfiguration', 'The specified bucket does not have a website configuration', {
      status: 404,
      fields: { BucketName: bucket },
    }),
  noSuchLifecycle: (bucket: string) =>
    new AwsError('NoSuchLifecycleConfiguration', 'The lifecycle configuration does not exist', {
      status: 404,
      fields: { BucketName: bucket },
    }),
  aclNotSupported: () => new AwsError('AccessControlListNotSupported', 'The bucket does not allow ACLs'),
  malformedAcl: () =>
    new AwsError(
      'MalformedACLError',
      'The XML you provided was not well-formed or did not validate against our published schema',
    ),
  corsNotEnabled: (method: string, resourceType: 'BUCKET' | 'OBJECT') =>
    new AwsError('AccessForbidden', 'CORSResponse: CORS is not enabled for this bucket.', {
      status: 403,
      fields: { Method: method, ResourceType: resourceType },
    }),
  corsNotAllowed: (method: string, resourceType: 'BUCKET' | 'OBJECT') =>
    new AwsError(
      'AccessForbidden',
      "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
      { status: 403, fields: { Method: method, ResourceType: resourceType } },
    ),
  corsNoOrigin: () => new AwsError('BadRequest', 'Insufficient information. Origin request header needed.'),
};
