/**
 * Wiring an S3 bucket to a Lambda function, as both consoles do it (S3's event notifications
 * and Lambda's S3 trigger): let S3 invoke the function, then add (or replace) one Lambda
 * configuration in the bucket's notification configuration, keeping the rest as it was.
 * S3 has no call that changes one configuration, so this reads and writes the whole of it.
 */
import type { FilterRule, LambdaFunctionConfiguration, NotificationConfiguration } from '@aws-sdk/client-s3';
import { aws } from './api';

/** A key filter for prefix and suffix (blank ones left out); empty when neither is given. */
export function keyFilter(prefix: string, suffix: string): Pick<LambdaFunctionConfiguration, 'Filter'> {
  const FilterRules: FilterRule[] = [
    ...(prefix.trim() ? [{ Name: 'prefix' as const, Value: prefix.trim() }] : []),
    ...(suffix.trim() ? [{ Name: 'suffix' as const, Value: suffix.trim() }] : []),
  ];
  return FilterRules.length ? { Filter: { Key: { FilterRules } } } : {};
}

/** The function's resource-based policy lets S3 invoke it for this bucket and account. */
export async function allowS3Invoke(
  region: string,
  functionName: string,
  bucket: string,
  account: string,
  statementId: string,
): Promise<void> {
  await aws('lambda', 'AddPermission', region, {
    FunctionName: functionName,
    StatementId: statementId,
    Action: 'lambda:InvokeFunction',
    Principal: 's3.amazonaws.com',
    SourceArn: `arn:aws:s3:::${bucket}`,
    SourceAccount: account,
  });
}

/**
 * Put one Lambda configuration into the bucket's notifications: in place of the one with the id
 * `replacing`, or added. `check` sees the current configuration first and may throw.
 */
export async function putLambdaNotification(
  region: string,
  bucket: string,
  config: LambdaFunctionConfiguration,
  replacing: string | null = null,
  check?: (current: NotificationConfiguration) => void,
): Promise<void> {
  const current = await aws('s3', 'GetBucketNotificationConfiguration', region, { Bucket: bucket });
  check?.(current);
  const lambdas = current.LambdaFunctionConfigurations ?? [];
  const at = replacing === null ? -1 : lambdas.findIndex((c) => c.Id === replacing);
  await aws('s3', 'PutBucketNotificationConfiguration', region, {
    Bucket: bucket,
    NotificationConfiguration: {
      TopicConfigurations: current.TopicConfigurations,
      QueueConfigurations: current.QueueConfigurations,
      EventBridgeConfiguration: current.EventBridgeConfiguration,
      LambdaFunctionConfigurations:
        at >= 0 ? lambdas.map((c, i) => (i === at ? config : c)) : [...lambdas, config],
    },
  });
}
