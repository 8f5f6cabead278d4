/** DescribeRegions: the regions of the partition and whether this account may use them. */
import type { DescribeRegionsRequest, DescribeRegionsResult, Region } from '@aws-sdk/client-ec2';
import { AwsError } from '../../kernel/errors';
import type { RegionInfo } from '../../infra/catalogue';
import type { OperationContext } from '../../service';
import { checkDryRun } from './dry-run';
import { applyFilters } from './filters';

export type OptInStatus = 'opt-in-not-required' | 'opted-in' | 'not-opted-in';

/** Opt-in status of a Region, given the opt-in Regions the account has enabled. */
export function regionOptInStatus(region: RegionInfo, enabled: ReadonlySet<string>): OptInStatus {
  if (!region.optIn) return 'opt-in-not-required';
  return enabled.has(region.code) ? 'opted-in' : 'not-opted-in';
}

export function describeRegions(ctx: OperationContext, input: DescribeRegionsRequest): DescribeRegionsResult {
  const all = ctx.cloud.catalogue.regions;
  for (const name of input.RegionNames ?? []) {
    if (!ctx.cloud.catalogue.region(name))
      throw new AwsError('InvalidParameterValue', `Invalid region: ${name}`);
  }
  checkDryRun(input);
  const named = input.RegionNames?.length ? new Set(input.RegionNames) : null;
  const enabled = ctx.cloud.accounts.enabledOptInRegions(ctx.principal.accountId);
  const regions: Region[] = all
    .filter((r) => (named ? named.has(r.code) : true))
    .map((r) => ({
      Endpoint: `ec2.${r.code}.amazonaws.com`,
      RegionName: r.code,
      OptInStatus: regionOptInStatus(r, enabled),
    }))
    // Without AllRegions (and without naming them) only the regions the account can use.
    .filter((r) => named !== null || input.AllRegions || r.OptInStatus !== 'not-opted-in')
    .sort((a, b) => a.RegionName!.localeCompare(b.RegionName!));
  return {
    Regions: applyFilters(regions, input.Filters, {
      endpoint: (r) => r.Endpoint,
      'opt-in-status': (r) => r.OptInStatus,
      'region-name': (r) => r.RegionName,
    }),
  };
}
