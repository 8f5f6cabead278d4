/**
 * AWS-shaped errors. Every failure a client can see is an AwsError: an HTTP status, an AWS
 * error code and a message, plus optional extra fields some protocols print (S3's <Key>,
 * <BucketName> …). Protocol codecs in the gateway turn it into the wire format; the console
 * adapters pass it on as { code, message, status }.
 */
export type ErrorFault = 'Sender' | 'Receiver';

export interface AwsErrorOptions {
  status?: number;
  /** Extra members some wire formats include next to Code and Message. */
  fields?: Record<string, string>;
  /** Extra HTTP headers (e.g. x-amzn-ErrorType variants, Retry-After). */
  headers?: Record<string, string>;
}

export class AwsError extends Error {
  readonly code: string;
  readonly status: number;
  readonly fields: Record<string, string>;
  readonly headers: Record<string, string>;
  /**
   * Structured members of the error shape that json protocols write as the model says
   * (DynamoDB's CancellationReasons, the Item of a failed condition).
   */
  extra?: Record<string, unknown>;

  constructor(code: string, message: string, options: AwsErrorOptions = {}) {
    super(message);
    this.name = 'AwsError';
    this.code = code;
    this.status = options.status ?? 400;
    this.fields = options.fields ?? {};
    this.headers = options.headers ?? {};
  }

  get fault(): ErrorFault {
    return this.status >= 500 ? 'Receiver' : 'Sender';
  }

  toJSON(): { code: string; message: string; status: number } {
    return { code: this.code, message: this.message, status: this.status };
  }
}

export function isAwsError(e: unknown): e is AwsError {
  return e instanceof AwsError;
}

/**
 * The answer for an operation Cloud Lab does not simulate (yet). 501 is what AWS uses for
 * "NotImplemented", and neither the SDKs nor the CLI retry it.
 */
export function notImplemented(service: string, operation: string): AwsError {
  return new AwsError(
    'NotImplemented',
    `The ${operation} operation of ${service} is not implemented in Cloud Lab yet.`,
    { status: 501 },
  );
}

/** Errors of the workspace itself (damaged files, failed disk writes): not AWS errors. */
export class WorkspaceError extends Error {
  constructor(
    message: string,
    readonly files: string[] = [],
  ) {
    super(message);
    this.name = 'WorkspaceError';
  }
}
