/** Amazon EC2. This issue: the global infrastructure operations; instances come next. */
import { defineService, SIGNATURE_MISMATCH_MESSAGE } from '../../service';
import { describeAvailabilityZones } from './availability-zones';
import { describeRegions } from './regions';

export const ec2 = defineService({
  name: 'ec2',
  title: 'Amazon EC2',
  model: 'ec2-2016-11-15',
  signingName: 'ec2',
  endpointPrefix: 'ec2',
  operations: {
    DescribeRegions: describeRegions,
    DescribeAvailabilityZones: describeAvailabilityZones,
  },
  auth: {
    unknownKey: ['AuthFailure', 401, 'AWS was not able to validate the provided access credentials'],
    badSignature: ['SignatureDoesNotMatch', 403, SIGNATURE_MISMATCH_MESSAGE],
    missing: [
      'MissingAuthenticationToken',
      403,
      'The request must contain either a valid (registered) AWS access key ID or X.509 certificate.',
    ],
    expired: ['RequestExpired', 400, 'Request has expired.'],
  },
});
