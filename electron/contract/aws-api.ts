/**
 * The AWS operations Cloud Lab implements, with their input and output shapes taken from the
 * AWS SDK for JavaScript v3 — the same shapes on the wire, over IPC and over the console's
 * WebSocket. A service's operation table in electron/core is checked against this map, and
 * the console's typed `aws.call()` uses it. Types only.
 */
import type * as DDB from '@aws-sdk/client-dynamodb';
import type * as DDBS from '@aws-sdk/client-dynamodb-streams';
import type * as EC2 from '@aws-sdk/client-ec2';
import type * as LAMBDA from '@aws-sdk/client-lambda';
import type * as LOGS from '@aws-sdk/client-cloudwatch-logs';
import type * as R53 from '@aws-sdk/client-route-53';
import type * as S3 from '@aws-sdk/client-s3';
import type * as STS from '@aws-sdk/client-sts';

/**
 * An S3 output whose Body is the object's bytes as the service produces them (a Node stream or
 * bytes), not the SDK's client-side stream mixin.
 */
export type S3Body<T> = Omit<T, 'Body'> & { Body?: AsyncIterable<Uint8Array> | Uint8Array };

/**
 * Invoke's answer: the payload is the function's bytes (the SDK's Uint8ArrayBlobAdapter is a
 * client-side wrapper).
 */
export type LambdaInvocationResponse = Omit<LAMBDA.InvocationResponse, 'Payload'> & { Payload?: Uint8Array };

/** Operations whose answer has no members. */
export type Empty = Record<string, never>;

/** S3 POST Object (a browser's form upload), as the gateway hands it over. */
export interface PostObjectRequest {
  Bucket: string;
  /** The form's fields before its file, names as sent, in order. */
  Fields: Array<[string, string]>;
  /** The policy document (JSON), when the form has one; its signature and expiry already checked. */
  Policy?: string;
  /** The form's `tagging` document, read. */
  TagSet?: S3.Tag[];
  /** The file's bytes, streamed (as PutObject's body). */
  Body: S3.PutObjectRequest['Body'];
  /** The file part's file name (what `${filename}` in the key stands for). */
  FileName: string;
}

export interface PostObjectOutput {
  Bucket: string;
  Key: string;
  ETag: string;
  VersionId?: string;
  /** success_action_status (200, 201; 204 by default) or 303 for success_action_redirect. */
  Status: 200 | 201 | 204 | 303;
  Redirect?: string;
}

export interface AwsApi {
  sts: {
    GetCallerIdentity: [STS.GetCallerIdentityRequest, STS.GetCallerIdentityResponse];
  };
  ec2: {
    DescribeRegions: [EC2.DescribeRegionsRequest, EC2.DescribeRegionsResult];
    DescribeAvailabilityZones: [EC2.DescribeAvailabilityZonesRequest, EC2.DescribeAvailabilityZonesResult];
    // instances
    RunInstances: [EC2.RunInstancesRequest, EC2.Reservation];
    DescribeInstances: [EC2.DescribeInstancesRequest, EC2.DescribeInstancesResult];
    StartInstances: [EC2.StartInstancesRequest, EC2.StartInstancesResult];
    StopInstances: [EC2.StopInstancesRequest, EC2.StopInstancesResult];
    RebootInstances: [EC2.RebootInstancesRequest, Empty];
    TerminateInstances: [EC2.TerminateInstancesRequest, EC2.TerminateInstancesResult];
    DescribeInstanceStatus: [EC2.DescribeInstanceStatusRequest, EC2.DescribeInstanceStatusResult];
    GetConsoleOutput: [EC2.GetConsoleOutputRequest, EC2.GetConsoleOutputResult];
    ModifyInstanceAttribute: [EC2.ModifyInstanceAttributeRequest, Empty];
    DescribeInstanceAttribute: [EC2.DescribeInstanceAttributeRequest, EC2.InstanceAttribute];
    DescribeInstanceTypes: [EC2.DescribeInstanceTypesRequest, EC2.DescribeInstanceTypesResult];
    DescribeImages: [EC2.DescribeImagesRequest, EC2.DescribeImagesResult];
    // key pairs
    CreateKeyPair: [EC2.CreateKeyPairRequest, EC2.KeyPair];
    ImportKeyPair: [EC2.ImportKeyPairRequest, EC2.ImportKeyPairResult];
    DescribeKeyPairs: [EC2.DescribeKeyPairsRequest, EC2.DescribeKeyPairsResult];
    DeleteKeyPair: [EC2.DeleteKeyPairRequest, EC2.DeleteKeyPairResult];
    // networking
    CreateVpc: [EC2.CreateVpcRequest, EC2.CreateVpcResult];
    DescribeVpcs: [EC2.DescribeVpcsRequest, EC2.DescribeVpcsResult];
    DeleteVpc: [EC2.DeleteVpcRequest, Empty];
    CreateSubnet: [EC2.CreateSubnetRequest, EC2.CreateSubnetResult];
    DescribeSubnets: [EC2.DescribeSubnetsRequest, EC2.DescribeSubnetsResult];
    ModifySubnetAttribute: [EC2.ModifySubnetAttributeRequest, Empty];
    DeleteSubnet: [EC2.DeleteSubnetRequest, Empty];
    CreateInternetGateway: [EC2.CreateInternetGatewayRequest, EC2.CreateInternetGatewayResult];
    AttachInternetGateway: [EC2.AttachInternetGatewayRequest, Empty];
    DetachInternetGateway: [EC2.DetachInternetGatewayRequest, Empty];
    DeleteInternetGateway: [EC2.DeleteInternetGatewayRequest, Empty];
    DescribeInternetGateways: [EC2.DescribeInternetGatewaysRequest, EC2.DescribeInternetGatewaysResult];
    CreateRouteTable: [EC2.CreateRouteTableRequest, EC2.CreateRouteTableResult];
    DescribeRouteTables: [EC2.DescribeRouteTablesRequest, EC2.DescribeRouteTablesResult];
    CreateRoute: [EC2.CreateRouteRequest, EC2.CreateRouteResult];
    DeleteRoute: [EC2.DeleteRouteRequest, Empty];
    AssociateRouteTable: [EC2.AssociateRouteTableRequest, EC2.AssociateRouteTableResult];
    DisassociateRouteTable: [EC2.DisassociateRouteTableRequest, Empty];
    DeleteRouteTable: [EC2.DeleteRouteTableRequest, Empty];
    AllocateAddress: [EC2.AllocateAddressRequest, EC2.AllocateAddressResult];
    AssociateAddress: [EC2.AssociateAddressRequest, EC2.AssociateAddressResult];
    DisassociateAddress: [EC2.DisassociateAddressRequest, Empty];
    ReleaseAddress: [EC2.ReleaseAddressRequest, Empty];
    DescribeAddresses: [EC2.DescribeAddressesRequest, EC2.DescribeAddressesResult];
    // security groups
    CreateSecurityGroup: [EC2.CreateSecurityGroupRequest, EC2.CreateSecurityGroupResult];
    DeleteSecurityGroup: [EC2.DeleteSecurityGroupRequest, EC2.DeleteSecurityGroupResult];
    DescribeSecurityGroups: [EC2.DescribeSecurityGroupsRequest, EC2.DescribeSecurityGroupsResult];
    DescribeSecurityGroupRules: [EC2.DescribeSecurityGroupRulesRequest, EC2.DescribeSecurityGroupRulesResult];
    AuthorizeSecurityGroupIngress: [
      EC2.AuthorizeSecurityGroupIngressRequest,
      EC2.AuthorizeSecurityGroupIngressResult,
    ];
    AuthorizeSecurityGroupEgress: [
      EC2.AuthorizeSecurityGroupEgressRequest,
      EC2.AuthorizeSecurityGroupEgressResult,
    ];
    RevokeSecurityGroupIngress: [EC2.RevokeSecurityGroupIngressRequest, EC2.RevokeSecurityGroupIngressResult];
    RevokeSecurityGroupEgress: [EC2.RevokeSecurityGroupEgressRequest, EC2.RevokeSecurityGroupEgressResult];
    // EBS
    CreateVolume: [EC2.CreateVolumeRequest, EC2.Volume];
    DescribeVolumes: [EC2.DescribeVolumesRequest, EC2.DescribeVolumesResult];
    AttachVolume: [EC2.AttachVolumeRequest, EC2.VolumeAttachment];
    DetachVolume: [EC2.DetachVolumeRequest, EC2.VolumeAttachment];
    DeleteVolume: [EC2.DeleteVolumeRequest, Empty];
    CreateSnapshot: [EC2.CreateSnapshotRequest, EC2.Snapshot];
    DescribeSnapshots: [EC2.DescribeSnapshotsRequest, EC2.DescribeSnapshotsResult];
    DeleteSnapshot: [EC2.DeleteSnapshotRequest, Empty];
    // placement groups
    CreatePlacementGroup: [EC2.CreatePlacementGroupRequest, EC2.CreatePlacementGroupResult];
    DescribePlacementGroups: [EC2.DescribePlacementGroupsRequest, EC2.DescribePlacementGroupsResult];
    DeletePlacementGroup: [EC2.DeletePlacementGroupRequest, Empty];
    // tags
    CreateTags: [EC2.CreateTagsRequest, Empty];
    DeleteTags: [EC2.DeleteTagsRequest, Empty];
    DescribeTags: [EC2.DescribeTagsRequest, EC2.DescribeTagsResult];
  };
  s3: {
    // buckets
    CreateBucket: [S3.CreateBucketRequest, S3.CreateBucketOutput];
    DeleteBucket: [S3.DeleteBucketRequest, Empty];
    ListBuckets: [S3.ListBucketsRequest, S3.ListBucketsOutput];
    HeadBucket: [S3.HeadBucketRequest, S3.HeadBucketOutput];
    GetBucketLocation: [S3.GetBucketLocationRequest, S3.GetBucketLocationOutput];
    // objects
    PutObject: [S3.PutObjectRequest, S3.PutObjectOutput];
    /** A browser form upload (POST Object): a REST operation the SDKs' models leave out. */
    PostObject: [PostObjectRequest, PostObjectOutput];
    GetObject: [S3.GetObjectRequest, S3Body<S3.GetObjectOutput>];
    HeadObject: [S3.HeadObjectRequest, S3.HeadObjectOutput];
    DeleteObject: [S3.DeleteObjectRequest, S3.DeleteObjectOutput];
    CopyObject: [S3.CopyObjectRequest, S3.CopyObjectOutput];
    DeleteObjects: [S3.DeleteObjectsRequest, S3.DeleteObjectsOutput];
    ListObjectsV2: [S3.ListObjectsV2Request, S3.ListObjectsV2Output];
    ListObjects: [S3.ListObjectsRequest, S3.ListObjectsOutput];
    // multipart uploads
    CreateMultipartUpload: [S3.CreateMultipartUploadRequest, S3.CreateMultipartUploadOutput];
    UploadPart: [S3.UploadPartRequest, S3.UploadPartOutput];
    CompleteMultipartUpload: [S3.CompleteMultipartUploadRequest, S3.CompleteMultipartUploadOutput];
    AbortMultipartUpload: [S3.AbortMultipartUploadRequest, S3.AbortMultipartUploadOutput];
    ListParts: [S3.ListPartsRequest, S3.ListPartsOutput];
    ListMultipartUploads: [S3.ListMultipartUploadsRequest, S3.ListMultipartUploadsOutput];
    UploadPartCopy: [S3.UploadPartCopyRequest, S3.UploadPartCopyOutput];
    RestoreObject: [S3.RestoreObjectRequest, S3.RestoreObjectOutput];
    // versioning
    PutBucketVersioning: [S3.PutBucketVersioningRequest, Empty];
    GetBucketVersioning: [S3.GetBucketVersioningRequest, S3.GetBucketVersioningOutput];
    ListObjectVersions: [S3.ListObjectVersionsRequest, S3.ListObjectVersionsOutput];
    // object tagging and ACLs
    PutObjectTagging: [S3.PutObjectTaggingRequest, S3.PutObjectTaggingOutput];
    GetObjectTagging: [S3.GetObjectTaggingRequest, S3.GetObjectTaggingOutput];
    DeleteObjectTagging: [S3.DeleteObjectTaggingRequest, S3.DeleteObjectTaggingOutput];
    PutObjectAcl: [S3.PutObjectAclRequest, S3.PutObjectAclOutput];
    GetObjectAcl: [S3.GetObjectAclRequest, S3.GetObjectAclOutput];
    // bucket configuration
    PutBucketTagging: [S3.PutBucketTaggingRequest, Empty];
    GetBucketTagging: [S3.GetBucketTaggingRequest, S3.GetBucketTaggingOutput];
    DeleteBucketTagging: [S3.DeleteBucketTaggingRequest, Empty];
    PutBucketPolicy: [S3.PutBucketPolicyRequest, Empty];
    GetBucketPolicy: [S3.GetBucketPolicyRequest, S3.GetBucketPolicyOutput];
    DeleteBucketPolicy: [S3.DeleteBucketPolicyRequest, Empty];
    GetBucketPolicyStatus: [S3.GetBucketPolicyStatusRequest, S3.GetBucketPolicyStatusOutput];
    PutPublicAccessBlock: [S3.PutPublicAccessBlockRequest, Empty];
    GetPublicAccessBlock: [S3.GetPublicAccessBlockRequest, S3.GetPublicAccessBlockOutput];
    DeletePublicAccessBlock: [S3.DeletePublicAccessBlockRequest, Empty];
    PutBucketAcl: [S3.PutBucketAclRequest, Empty];
    PutBucketOwnershipControls: [S3.PutBucketOwnershipControlsRequest, Empty];
    GetBucketOwnershipControls: [S3.GetBucketOwnershipControlsRequest, S3.GetBucketOwnershipControlsOutput];
    DeleteBucketOwnershipControls: [S3.DeleteBucketOwnershipControlsRequest, Empty];
    GetBucketAcl: [S3.GetBucketAclRequest, S3.GetBucketAclOutput];
    PutBucketCors: [S3.PutBucketCorsRequest, Empty];
    GetBucketCors: [S3.GetBucketCorsRequest, S3.GetBucketCorsOutput];
    DeleteBucketCors: [S3.DeleteBucketCorsRequest, Empty];
    PutBucketWebsite: [S3.PutBucketWebsiteRequest, Empty];
    GetBucketWebsite: [S3.GetBucketWebsiteRequest, S3.GetBucketWebsiteOutput];
    DeleteBucketWebsite: [S3.DeleteBucketWebsiteRequest, Empty];
    PutBucketLifecycleConfiguration: [
      S3.PutBucketLifecycleConfigurationRequest,
      S3.PutBucketLifecycleConfigurationOutput,
    ];
    GetBucketLifecycleConfiguration: [
      S3.GetBucketLifecycleConfigurationRequest,
      S3.GetBucketLifecycleConfigurationOutput,
    ];
    DeleteBucketLifecycle: [S3.DeleteBucketLifecycleRequest, Empty];
    PutBucketNotificationConfiguration: [S3.PutBucketNotificationConfigurationRequest, Empty];
    GetBucketNotificationConfiguration: [
      S3.GetBucketNotificationConfigurationRequest,
      S3.NotificationConfiguration,
    ];
  };
  dynamodb: {
    // tables
    CreateTable: [DDB.CreateTableInput, DDB.CreateTableOutput];
    DescribeTable: [DDB.DescribeTableInput, DDB.DescribeTableOutput];
    ListTables: [DDB.ListTablesInput, DDB.ListTablesOutput];
    UpdateTable: [DDB.UpdateTableInput, DDB.UpdateTableOutput];
    DeleteTable: [DDB.DeleteTableInput, DDB.DeleteTableOutput];
    UpdateTimeToLive: [DDB.UpdateTimeToLiveInput, DDB.UpdateTimeToLiveOutput];
    DescribeTimeToLive: [DDB.DescribeTimeToLiveInput, DDB.DescribeTimeToLiveOutput];
    DescribeLimits: [DDB.DescribeLimitsInput, DDB.DescribeLimitsOutput];
    TagResource: [DDB.TagResourceInput, Empty];
    UntagResource: [DDB.UntagResourceInput, Empty];
    ListTagsOfResource: [DDB.ListTagsOfResourceInput, DDB.ListTagsOfResourceOutput];
    // items
    PutItem: [DDB.PutItemInput, DDB.PutItemOutput];
    GetItem: [DDB.GetItemInput, DDB.GetItemOutput];
    UpdateItem: [DDB.UpdateItemInput, DDB.UpdateItemOutput];
    DeleteItem: [DDB.DeleteItemInput, DDB.DeleteItemOutput];
    BatchGetItem: [DDB.BatchGetItemInput, DDB.BatchGetItemOutput];
    BatchWriteItem: [DDB.BatchWriteItemInput, DDB.BatchWriteItemOutput];
    TransactWriteItems: [DDB.TransactWriteItemsInput, DDB.TransactWriteItemsOutput];
    TransactGetItems: [DDB.TransactGetItemsInput, DDB.TransactGetItemsOutput];
    Query: [DDB.QueryInput, DDB.QueryOutput];
    Scan: [DDB.ScanInput, DDB.ScanOutput];
  };
  dynamodbstreams: {
    ListStreams: [DDBS.ListStreamsInput, DDBS.ListStreamsOutput];
    DescribeStream: [DDBS.DescribeStreamInput, DDBS.DescribeStreamOutput];
    GetShardIterator: [DDBS.GetShardIteratorInput, DDBS.GetShardIteratorOutput];
    GetRecords: [DDBS.GetRecordsInput, DDBS.GetRecordsOutput];
  };
  lambda: {
    // functions
    CreateFunction: [LAMBDA.CreateFunctionRequest, LAMBDA.FunctionConfiguration];
    GetFunction: [LAMBDA.GetFunctionRequest, LAMBDA.GetFunctionResponse];
    GetFunctionConfiguration: [LAMBDA.GetFunctionConfigurationRequest, LAMBDA.FunctionConfiguration];
    UpdateFunctionCode: [LAMBDA.UpdateFunctionCodeRequest, LAMBDA.FunctionConfiguration];
    UpdateFunctionConfiguration: [LAMBDA.UpdateFunctionConfigurationRequest, LAMBDA.FunctionConfiguration];
    ListFunctions: [LAMBDA.ListFunctionsRequest, LAMBDA.ListFunctionsResponse];
    DeleteFunction: [LAMBDA.DeleteFunctionRequest, Empty];
    GetAccountSettings: [LAMBDA.GetAccountSettingsRequest, LAMBDA.GetAccountSettingsResponse];
    // invocation
    Invoke: [LAMBDA.InvocationRequest, LambdaInvocationResponse];
    // versions and aliases
    PublishVersion: [LAMBDA.PublishVersionRequest, LAMBDA.FunctionConfiguration];
    ListVersionsByFunction: [LAMBDA.ListVersionsByFunctionRequest, LAMBDA.ListVersionsByFunctionResponse];
    CreateAlias: [LAMBDA.CreateAliasRequest, LAMBDA.AliasConfiguration];
    GetAlias: [LAMBDA.GetAliasRequest, LAMBDA.AliasConfiguration];
    UpdateAlias: [LAMBDA.UpdateAliasRequest, LAMBDA.AliasConfiguration];
    DeleteAlias: [LAMBDA.DeleteAliasRequest, Empty];
    ListAliases: [LAMBDA.ListAliasesRequest, LAMBDA.ListAliasesResponse];
    // resource policy
    AddPermission: [LAMBDA.AddPermissionRequest, LAMBDA.AddPermissionResponse];
    RemovePermission: [LAMBDA.RemovePermissionRequest, Empty];
    GetPolicy: [LAMBDA.GetPolicyRequest, LAMBDA.GetPolicyResponse];
    // concurrency and asynchronous invocation
    PutFunctionConcurrency: [LAMBDA.PutFunctionConcurrencyRequest, LAMBDA.Concurrency];
    GetFunctionConcurrency: [LAMBDA.GetFunctionConcurrencyRequest, LAMBDA.GetFunctionConcurrencyResponse];
    DeleteFunctionConcurrency: [LAMBDA.DeleteFunctionConcurrencyRequest, Empty];
    PutFunctionEventInvokeConfig: [
      LAMBDA.PutFunctionEventInvokeConfigRequest,
      LAMBDA.FunctionEventInvokeConfig,
    ];
    GetFunctionEventInvokeConfig: [
      LAMBDA.GetFunctionEventInvokeConfigRequest,
      LAMBDA.FunctionEventInvokeConfig,
    ];
    DeleteFunctionEventInvokeConfig: [LAMBDA.DeleteFunctionEventInvokeConfigRequest, Empty];
    // event source mappings
    CreateEventSourceMapping: [
      LAMBDA.CreateEventSourceMappingRequest,
      LAMBDA.EventSourceMappingConfiguration,
    ];
    GetEventSourceMapping: [LAMBDA.GetEventSourceMappingRequest, LAMBDA.EventSourceMappingConfiguration];
    UpdateEventSourceMapping: [
      LAMBDA.UpdateEventSourceMappingRequest,
      LAMBDA.EventSourceMappingConfiguration,
    ];
    DeleteEventSourceMapping: [
      LAMBDA.DeleteEventSourceMappingRequest,
      LAMBDA.EventSourceMappingConfiguration,
    ];
    ListEventSourceMappings: [LAMBDA.ListEventSourceMappingsRequest, LAMBDA.ListEventSourceMappingsResponse];
    // function URLs
    CreateFunctionUrlConfig: [LAMBDA.CreateFunctionUrlConfigRequest, LAMBDA.CreateFunctionUrlConfigResponse];
    GetFunctionUrlConfig: [LAMBDA.GetFunctionUrlConfigRequest, LAMBDA.GetFunctionUrlConfigResponse];
    UpdateFunctionUrlConfig: [LAMBDA.UpdateFunctionUrlConfigRequest, LAMBDA.UpdateFunctionUrlConfigResponse];
    DeleteFunctionUrlConfig: [LAMBDA.DeleteFunctionUrlConfigRequest, Empty];
    ListFunctionUrlConfigs: [LAMBDA.ListFunctionUrlConfigsRequest, LAMBDA.ListFunctionUrlConfigsResponse];
    // tags
    TagResource: [LAMBDA.TagResourceRequest, Empty];
    UntagResource: [LAMBDA.UntagResourceRequest, Empty];
    ListTags: [LAMBDA.ListTagsRequest, LAMBDA.ListTagsResponse];
  };
  logs: {
    CreateLogGroup: [LOGS.CreateLogGroupRequest, Empty];
    DeleteLogGroup: [LOGS.DeleteLogGroupRequest, Empty];
    DescribeLogGroups: [LOGS.DescribeLogGroupsRequest, LOGS.DescribeLogGroupsResponse];
    CreateLogStream: [LOGS.CreateLogStreamRequest, Empty];
    DeleteLogStream: [LOGS.DeleteLogStreamRequest, Empty];
    DescribeLogStreams: [LOGS.DescribeLogStreamsRequest, LOGS.DescribeLogStreamsResponse];
    PutLogEvents: [LOGS.PutLogEventsRequest, LOGS.PutLogEventsResponse];
    GetLogEvents: [LOGS.GetLogEventsRequest, LOGS.GetLogEventsResponse];
    FilterLogEvents: [LOGS.FilterLogEventsRequest, LOGS.FilterLogEventsResponse];
    PutRetentionPolicy: [LOGS.PutRetentionPolicyRequest, Empty];
    DeleteRetentionPolicy: [LOGS.DeleteRetentionPolicyRequest, Empty];
    TagResource: [LOGS.TagResourceRequest, Empty];
    UntagResource: [LOGS.UntagResourceRequest, Empty];
    ListTagsForResource: [LOGS.ListTagsForResourceRequest, LOGS.ListTagsForResourceResponse];
  };
  route53: {
    // hosted zones
    CreateHostedZone: [R53.CreateHostedZoneRequest, R53.CreateHostedZoneResponse];
    GetHostedZone: [R53.GetHostedZoneRequest, R53.GetHostedZoneResponse];
    ListHostedZones: [R53.ListHostedZonesRequest, R53.ListHostedZonesResponse];
    ListHostedZonesByName: [R53.ListHostedZonesByNameRequest, R53.ListHostedZonesByNameResponse];
    ListHostedZonesByVPC: [R53.ListHostedZonesByVPCRequest, R53.ListHostedZonesByVPCResponse];
    GetHostedZoneCount: [R53.GetHostedZoneCountRequest, R53.GetHostedZoneCountResponse];
    UpdateHostedZoneComment: [R53.UpdateHostedZoneCommentRequest, R53.UpdateHostedZoneCommentResponse];
    DeleteHostedZone: [R53.DeleteHostedZoneRequest, R53.DeleteHostedZoneResponse];
    AssociateVPCWithHostedZone: [
      R53.AssociateVPCWithHostedZoneRequest,
      R53.AssociateVPCWithHostedZoneResponse,
    ];
    DisassociateVPCFromHostedZone: [
      R53.DisassociateVPCFromHostedZoneRequest,
      R53.DisassociateVPCFromHostedZoneResponse,
    ];
    // records and changes
    ChangeResourceRecordSets: [R53.ChangeResourceRecordSetsRequest, R53.ChangeResourceRecordSetsResponse];
    ListResourceRecordSets: [R53.ListResourceRecordSetsRequest, R53.ListResourceRecordSetsResponse];
    GetChange: [R53.GetChangeRequest, R53.GetChangeResponse];
    TestDNSAnswer: [R53.TestDNSAnswerRequest, R53.TestDNSAnswerResponse];
    // health checks
    CreateHealthCheck: [R53.CreateHealthCheckRequest, R53.CreateHealthCheckResponse];
    GetHealthCheck: [R53.GetHealthCheckRequest, R53.GetHealthCheckResponse];
    UpdateHealthCheck: [R53.UpdateHealthCheckRequest, R53.UpdateHealthCheckResponse];
    DeleteHealthCheck: [R53.DeleteHealthCheckRequest, R53.DeleteHealthCheckResponse];
    ListHealthChecks: [R53.ListHealthChecksRequest, R53.ListHealthChecksResponse];
    GetHealthCheckStatus: [R53.GetHealthCheckStatusRequest, R53.GetHealthCheckStatusResponse];
    GetHealthCheckCount: [R53.GetHealthCheckCountRequest, R53.GetHealthCheckCountResponse];
    // tags
    ChangeTagsForResource: [R53.ChangeTagsForResourceRequest, R53.ChangeTagsForResourceResponse];
    ListTagsForResource: [R53.ListTagsForResourceRequest, R53.ListTagsForResourceResponse];
    ListTagsForResources: [R53.ListTagsForResourcesRequest, R53.ListTagsForResourcesResponse];
  };
}

export type ServiceName = keyof AwsApi;
export type OperationName<S extends ServiceName> = keyof AwsApi[S] & string;
export type InputOf<S extends ServiceName, O extends OperationName<S>> = AwsApi[S][O] extends [
  infer I,
  unknown,
]
  ? I
  : never;
export type OutputOf<S extends ServiceName, O extends OperationName<S>> = AwsApi[S][O] extends [
  unknown,
  infer R,
]
  ? R
  : never;

/** An AWS error as the console sees it. */
export interface AwsErrorShape {
  code: string;
  message: string;
  status: number;
}
