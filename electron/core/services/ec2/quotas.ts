/**
 * The account's Running On-Demand Standard instances quota (L-1216C47A): vCPUs the standard
 * families (A, C, D, H, I, M, R, T, Z) may run at once in a Region. AWS starts accounts at 64 and
 * raises it on request through Service Quotas; in the lab, the instructor raises it in Settings.
 */
import type { Cloud } from '../../cloud';
import { AwsError } from '../../kernel/errors';

export const DEFAULT_VCPU_LIMIT = 64;
export const MAX_VCPU_LIMIT = 100_000;
const SETTING = 'ec2.standardVcpuLimit';

export function vcpuLimit(cloud: Cloud): number {
  return cloud.settings.get<number>(SETTING) ?? DEFAULT_VCPU_LIMIT;
}

export function checkVcpuLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_VCPU_LIMIT) {
    throw new AwsError(
      'ValidationException',
      `The vCPU quota must be a whole number from 1 to ${MAX_VCPU_LIMIT.toLocaleString('en')}.`,
    );
  }
}

export async function setVcpuLimit(cloud: Cloud, limit: number): Promise<void> {
  checkVcpuLimit(limit);
  await cloud.settings.set(SETTING, limit);
}
