/** AWS Lambda. Requests are routed, authenticated and decoded; operations arrive with the Lambda issue. */
import { defineService, SIGNATURE_MISMATCH_MESSAGE } from '../../service';

export const lambda = defineService({
  name: 'lambda',
  title: 'AWS Lambda',
  model: 'lambda-2015-03-31',
  signingName: 'lambda',
  endpointPrefix: 'lambda',
  operations: {},
  auth: {
    unknownKey: [
      'UnrecognizedClientException',
      403,
      'The security token included in the request is invalid.',
    ],
    badSignature: ['InvalidSignatureException', 403, SIGNATURE_MISMATCH_MESSAGE],
    missing: ['MissingAuthenticationTokenException', 403, 'Missing Authentication Token'],
    expired: [
      'InvalidSignatureException',
      403,
      'Signature expired: the request time is more than 15 minutes away from now.',
    ],
  },
});
