/** Amazon DynamoDB. Requests are routed, authenticated and decoded; operations arrive with the DynamoDB issue. */
import { defineService, SIGNATURE_MISMATCH_MESSAGE } from '../../service';

export const dynamodb = defineService({
  name: 'dynamodb',
  title: 'Amazon DynamoDB',
  model: 'dynamodb-2012-08-10',
  signingName: 'dynamodb',
  endpointPrefix: 'dynamodb',
  operations: {},
  auth: {
    unknownKey: [
      'UnrecognizedClientException',
      400,
      'The security token included in the request is invalid.',
    ],
    badSignature: ['InvalidSignatureException', 400, SIGNATURE_MISMATCH_MESSAGE],
    missing: ['MissingAuthenticationTokenException', 400, 'Request is missing Authentication Token'],
    expired: [
      'InvalidSignatureException',
      400,
      'Signature expired: the request time is more than 15 minutes away from now.',
    ],
  },
});
