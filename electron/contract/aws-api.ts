/**
 * The AWS operations Cloud Lab implements, with their input and output shapes taken from the
 * AWS SDK for JavaScript v3 — the same shapes on the wire, over IPC and over the console's
 * WebSocket. A service's operation table in electron/core is checked against this map, and
 * the console's typed `aws.call()` uses it. Types only.
 */
import type * as EC2 from '@aws-sdk/client-ec2';
import type * as STS from '@aws-sdk/client-sts';

export interface AwsApi {
  sts: {
    GetCallerIdentity: [STS.GetCallerIdentityRequest, STS.GetCallerIdentityResponse];
  };
  ec2: {
    DescribeRegions: [EC2.DescribeRegionsRequest, EC2.DescribeRegionsResult];
    DescribeAvailabilityZones: [EC2.DescribeAvailabilityZonesRequest, EC2.DescribeAvailabilityZonesResult];
  };
  s3: Record<never, never>;
  dynamodb: Record<never, never>;
  lambda: Record<never, never>;
  route53: Record<never, never>;
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
