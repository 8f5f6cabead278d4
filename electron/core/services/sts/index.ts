/** AWS Security Token Service: who am I. */
import { defineService, SIGNATURE_MISMATCH_MESSAGE } from '../../service';
import { getCallerIdentity } from './caller-identity';

export const sts = defineService({
  name: 'sts',
  title: 'AWS STS',
  model: 'sts-2011-06-15',
  signingName: 'sts',
  endpointPrefix: 'sts',
  global: true,
  operations: {
    GetCallerIdentity: getCallerIdentity,
  },
  auth: {
    unknownKey: ['InvalidClientTokenId', 403, 'The security token included in the request is invalid.'],
    badSignature: ['SignatureDoesNotMatch', 403, SIGNATURE_MISMATCH_MESSAGE],
    missing: ['MissingAuthenticationToken', 403, 'Request is missing Authentication Token'],
    expired: [
      'SignatureDoesNotMatch',
      403,
      'Signature expired: the request time is more than 15 minutes away from now.',
    ],
  },
});
