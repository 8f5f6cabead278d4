/**
 * Per-service details of the wire format that the models do not say: how errors are
 * wrapped, which request-id headers are sent, root element names of XML outputs.
 */
import { s3RequestIdHeaders } from '../../core/services/s3/request-ids';
import { writeListObjects, writeListObjectsV2 } from './rest-xml-listing';

export interface WireOptions {
  /** json protocol: the `__type` of an error, e.g. "com.amazonaws.dynamodb.v20120810#Code". */
  jsonErrorType?: (code: string) => string;
  /** json protocol: send x-amz-crc32 of the body (DynamoDB does; botocore checks it). */
  crc32?: boolean;
  /**
   * json protocol: the code of the error for a required member missing from the input
   * ("Value null at 'x' failed to satisfy constraint: Member must not be null"); ValidationException
   * unless the service says otherwise (CloudWatch Logs answers InvalidParameterException).
   */
  missingMemberCode?: string;
  /** rest-xml: S3 answers <Error>…</Error>; others <ErrorResponse><Error>…</Error></ErrorResponse>. */
  xmlErrorStyle?: 's3' | 'standard';
  /** rest-xml: namespace of output documents and error responses. */
  xmlNamespace?: string;
  /** rest-xml: root element of an operation's output document, where the model does not name it. */
  xmlRootNames?: Record<string, string>;
  /** rest-xml: outputs whose document is one element holding the named member's text. */
  xmlTextRoots?: Record<string, string>;
  /**
   * rest-xml: outputs with a dedicated writer — the document the model-driven writer would make
   * (root element `root`, namespace attribute `ns`), made faster for large answers.
   */
  xmlDocuments?: Record<string, (root: string, value: Record<string, unknown>, ns: string) => string>;
  /** A status code the output implies (S3 GetObject of a range answers 206). */
  responseStatus?: (operation: string, output: Record<string, unknown>) => number | undefined;
  /** Request-id headers of a response. */
  requestIdHeaders?: (requestId: string) => Record<string, string>;
}

export const WIRE_OPTIONS: Record<string, WireOptions> = {
  dynamodb: {
    jsonErrorType: (code) => `com.amazonaws.dynamodb.v20120810#${code}`,
    crc32: true,
  },
  dynamodbstreams: {
    jsonErrorType: (code) => `com.amazonaws.dynamodb.v20120810#${code}`,
    crc32: true,
  },
  logs: {
    missingMemberCode: 'InvalidParameterException',
  },
  s3: {
    xmlErrorStyle: 's3',
    xmlNamespace: 'http://s3.amazonaws.com/doc/2006-03-01/',
    xmlRootNames: {
      ListBuckets: 'ListAllMyBucketsResult',
      ListObjects: 'ListBucketResult',
      ListObjectsV2: 'ListBucketResult',
    },
    xmlTextRoots: { GetBucketLocation: 'LocationConstraint' },
    // A 1,000-key page is the largest answer S3 gives: written directly (rest-xml-listing.ts).
    xmlDocuments: { ListObjectsV2: writeListObjectsV2, ListObjects: writeListObjects },
    // GetObject of a range is 206; an operation may also say its status ($status, not a member:
    // RestoreObject answers 202 when a restore starts, 200 when it extends one).
    responseStatus: (operation, output) =>
      typeof output.$status === 'number'
        ? output.$status
        : operation === 'GetObject' && output.ContentRange !== undefined
          ? 206
          : undefined,
    requestIdHeaders: (id) => ({ ...s3RequestIdHeaders(id) }),
  },
  route53: {
    xmlErrorStyle: 'standard',
    xmlNamespace: 'https://route53.amazonaws.com/doc/2013-04-01/',
  },
};

export function defaultRequestIdHeaders(requestId: string): Record<string, string> {
  return { 'x-amzn-RequestId': requestId };
}
