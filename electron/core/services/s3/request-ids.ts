/**
 * S3's two request identifiers, derived from the gateway's request ID: the same pair in a
 * response's headers, in an error document, on a website endpoint's page and in an event record.
 */
export interface S3RequestIds {
  'x-amz-request-id': string;
  'x-amz-id-2': string;
}

export function s3RequestIdHeaders(requestId: string): S3RequestIds {
  return {
    'x-amz-request-id': requestId.replace(/-/g, '').slice(0, 16).toUpperCase(),
    'x-amz-id-2': Buffer.from(requestId).toString('base64'),
  };
}
