import { AwsError } from '../../kernel/errors';

/** EC2's DryRun: check the request, then answer DryRunOperation instead of acting. */
export function checkDryRun(input: { DryRun?: boolean }): void {
  if (input.DryRun) {
    throw new AwsError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', {
      status: 412,
    });
  }
}
