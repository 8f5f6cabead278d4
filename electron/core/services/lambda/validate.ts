/** Configuration checks shared by CreateFunction and UpdateFunctionConfiguration, with Lambda's texts. */
import type * as L from '@aws-sdk/client-lambda';
import { invalidParameter, Violations } from './errors';
import { RUNTIMES } from './records';

export const ROLE_SOURCE = 'arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+';
const ROLE = new RegExp(`^${ROLE_SOURCE}$`);
const HANDLER_SOURCE = '[^\\s]+';
const ENV_KEY = /^[a-zA-Z]([a-zA-Z0-9_])+$/;
/** Variables Lambda sets itself and does not let a function override. */
const RESERVED_KEYS = new Set([
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
]);
const ENV_LIMIT_BYTES = 4096;
const DEPRECATED = /^nodejs(4\.3|6\.10|8\.10|10\.x|12\.x|14\.x|16\.x|18\.x)(-edge)?$/;

export interface ConfigInput {
  Role?: string;
  Runtime?: string;
  Handler?: string;
  Description?: string;
  Timeout?: number;
  MemorySize?: number;
  Environment?: L.Environment;
  EphemeralStorage?: L.EphemeralStorage;
  Architectures?: string[];
}

/** Model constraints first (ValidationException), then the service's own checks. */
export function checkConfig(input: ConfigInput): void {
  const v = new Violations();
  v.pattern(input.Role, 'role', ROLE, ROLE_SOURCE);
  v.length(input.Handler, 'handler', 0, 128).pattern(input.Handler, 'handler', /^[^\s]+$/, HANDLER_SOURCE);
  v.length(input.Description, 'description', 0, 256);
  v.range(input.Timeout, 'timeout', 1, 900);
  v.range(input.MemorySize, 'memorySize', 128, 10240);
  v.range(input.EphemeralStorage?.Size, 'ephemeralStorage.size', 512, 10240);
  (input.Architectures ?? []).forEach((a, i) =>
    v.oneOf(a, `architectures.${i + 1}.member`, ['x86_64', 'arm64']),
  );
  v.check();
  if (input.Architectures && input.Architectures.length !== 1)
    throw invalidParameter('Function architectures must contain exactly one architecture.');
  if (input.Runtime !== undefined) checkRuntime(input.Runtime);
  const vars = input.Environment?.Variables;
  if (vars) checkEnvironment(vars);
}

export function checkRuntime(runtime: string): void {
  if ((RUNTIMES as readonly string[]).includes(runtime)) return;
  if (DEPRECATED.test(runtime))
    throw invalidParameter(
      `The runtime parameter of ${runtime} is no longer supported for creating or updating AWS Lambda functions. We recommend you use a supported runtime while creating or updating functions.`,
    );
  throw invalidParameter(
    `The runtime parameter of ${runtime} is not supported in Cloud Lab, which runs Node.js functions (${RUNTIMES.join(', ')}).`,
  );
}

function checkEnvironment(vars: Record<string, string>): void {
  const v = new Violations();
  for (const key of Object.keys(vars)) {
    if (!ENV_KEY.test(key))
      v.add(
        Object.keys(vars).join(', '),
        'environment.variables',
        'Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]',
      );
  }
  v.check();
  const reserved = Object.keys(vars).filter((k) => RESERVED_KEYS.has(k));
  if (reserved.length > 0)
    throw invalidParameter(
      `Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(', ')}`,
    );
  const measured = JSON.stringify(vars);
  if (Buffer.byteLength(measured) > ENV_LIMIT_BYTES)
    throw invalidParameter(
      `Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${measured}`,
    );
}
