/** Amazon Route 53. Requests are routed, authenticated and decoded; operations arrive with the Route 53 issue. */
import { defineService, SIGNATURE_MISMATCH_MESSAGE } from '../../service';

export const route53 = defineService({
  name: 'route53',
  title: 'Amazon Route 53',
  model: 'route53-2013-04-01',
  signingName: 'route53',
  endpointPrefix: 'route53',
  global: true,
  operations: {},
  auth: {
    unknownKey: ['InvalidClientTokenId', 403, 'The security token included in the request is invalid.'],
    badSignature: ['SignatureDoesNotMatch', 403, SIGNATURE_MISMATCH_MESSAGE],
    missing: ['MissingAuthenticationToken', 403, 'Missing Authentication Token'],
    expired: [
      'SignatureDoesNotMatch',
      403,
      'Signature expired: the request time is more than 15 minutes away from now.',
    ],
  },
});
