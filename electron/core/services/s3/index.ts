/** Amazon S3. Requests are routed, authenticated and decoded; operations arrive with the S3 issue. */
import { defineService } from '../../service';

export const s3 = defineService({
  name: 's3',
  title: 'Amazon S3',
  model: 's3-2006-03-01',
  signingName: 's3',
  endpointPrefix: 's3',
  operations: {},
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
