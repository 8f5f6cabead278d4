/**
 * The shape every service folder exports. A service is its AWS API model (for the wire
 * codecs), a table of operations with AWS names, input and output shapes, its schema
 * migrations, and the authentication errors it answers with. Everything that reaches an
 * operation — AWS wire protocol, Electron IPC, the console's WebSocket — goes through
 * Cloud.invoke(), so nothing is implemented twice.
 */
import type { AwsApi, ServiceName } from '../contract/aws-api';
import type { Cloud } from './cloud';
import type { RegionInfo } from './infra/catalogue';
import type { Principal } from './kernel/accounts';
import type { Migration } from './kernel/store';

export type CallSource = 'aws' | 'console' | 'internal';

export interface OperationContext {
  cloud: Cloud;
  principal: Principal;
  region: RegionInfo;
  requestId: string;
  source: CallSource;
}

export type Operation<I, O> = (ctx: OperationContext, input: I) => O | Promise<O>;

/** The operation table of service S, typed by the contract's AWS API map. */
export type OperationsOf<S extends ServiceName> = {
  [O in keyof AwsApi[S]]: AwsApi[S][O] extends [infer I, infer R] ? Operation<I, R> : never;
};

/** An AWS error: [code, HTTP status, message]. */
export type ErrorSpec = readonly [code: string, status: number, message: string];

export interface AuthErrors {
  /** The access key ID is not known. */
  unknownKey: ErrorSpec;
  /** The signature does not verify (wrong secret, tampered request). */
  badSignature: ErrorSpec;
  /** The request carries no signature at all. */
  missing: ErrorSpec;
  /** The request's date is more than 15 minutes from now, or a presigned URL expired. */
  expired: ErrorSpec;
}

/** An unsigned request, as a service that answers anonymous callers (S3) sees it. */
export interface AnonymousRequest {
  operation: string;
  /** The decoded input, as the operation will get it. */
  input: unknown;
  /** The caller's address, when known (aws:SourceIp). */
  sourceIp?: string;
  /** Whether the request came over TLS (aws:SecureTransport). */
  secureTransport: boolean;
  /** Lower-case request headers (aws:Referer, aws:UserAgent). */
  headers: Record<string, string>;
}

/** A browser's cross-origin request, for services with CORS rules (S3). */
export interface CorsRequest {
  method: string;
  /** The path the router sees (S3: `/bucket/key`, percent-encoded). */
  routePath: string;
  /** Lower-case request headers (Origin, Access-Control-Request-*). */
  headers: Record<string, string>;
}

export interface CorsSupport {
  /** The answer's headers to an OPTIONS preflight, or an AwsError (403 when no rule matches). */
  preflight(cloud: Cloud, request: CorsRequest): Record<string, string>;
  /** Headers to add to an actual request's answer (none when no rule matches). */
  headers(cloud: Cloud, request: CorsRequest): Record<string, string>;
}

/**
 * The principal an anonymous request runs as: no key, no user, on behalf of the account that
 * owns the resource (which is billed for it and owns what it creates).
 */
export function anonymousPrincipal(accountId: string): Principal {
  return { accountId, arn: ANONYMOUS_ARN, userId: ANONYMOUS_ARN, accessKeyId: null };
}

export const ANONYMOUS_ARN = 'anonymous';

export function isAnonymous(principal: Principal): boolean {
  return principal.arn === ANONYMOUS_ARN && principal.accessKeyId === null;
}

/** What a service keeps per open cloud: caches, schedulers. Made when the cloud opens. */
export interface ServiceRuntime {
  close?(): void | Promise<void>;
}

export interface ServiceDefinition<S extends ServiceName = ServiceName> {
  name: S;
  /** As the console shows it: "Amazon EC2". */
  title: string;
  /** The API model file in resources/models, e.g. "ec2-2016-11-15". */
  model: string;
  /** SigV4 signing name (credential scope service). */
  signingName: string;
  /** Host names that select this service when nothing else does, e.g. "s3". */
  endpointPrefix: string;
  /** Global services keep one copy of their state for every region (IAM, Route 53). */
  global?: boolean;
  operations: OperationsOf<S>;
  migrations?: Migration[];
  auth: AuthErrors;
  /**
   * `table.column`s holding blob-store hashes: what start-up garbage collection keeps (bodies
   * no row names are deleted).
   */
  blobColumns?: string[];
  /** Per-cloud state, made after migrations; operations reach it with cloud.runtime(name). */
  runtime?: (cloud: Cloud) => ServiceRuntime;
  /**
   * Services that answer unsigned requests (S3): the principal the request runs as (see
   * anonymousPrincipal), or an AwsError (AccessDenied). Without it, unsigned requests get
   * `auth.missing`.
   */
  anonymous?: (cloud: Cloud, request: AnonymousRequest) => Principal;
  /** Browser CORS (S3's bucket CORS rules): preflights and the headers of matching answers. */
  cors?: CorsSupport;
  /**
   * Services that take Signature Version 2 (S3): whether a request for this bucket (undefined:
   * no bucket) may use it. S3 takes it only in the Regions it had before 2014.
   */
  signatureV2?: (cloud: Cloud, bucket: string | undefined) => boolean;
}

export const SIGNATURE_MISMATCH_MESSAGE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

export function defineService<S extends ServiceName>(definition: ServiceDefinition<S>): ServiceDefinition<S> {
  return definition;
}
