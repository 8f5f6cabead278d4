/**
 * The Instances table's data: every instance of the Region with its status checks, read in pages
 * as any client would. The first page is reported as soon as it arrives, so a Region with
 * thousands of instances shows its first screen while the rest loads.
 */
import type { Instance, InstanceStatus, Reservation } from '@aws-sdk/client-ec2';
import { aws } from '../../../lib/api';

export interface InstanceRow {
  instance: Instance;
  status?: InstanceStatus;
}

/** The instances of a DescribeInstances answer, out of their reservations. */
export function instancesOf(answer: { Reservations?: Reservation[] }): Instance[] {
  return (answer.Reservations ?? []).flatMap((r) => r.Instances ?? []);
}

const FIRST_PAGE = 100;
const PAGE = 1000;

export async function loadInstances(
  region: string,
  partial: (rows: InstanceRow[]) => void,
): Promise<InstanceRow[]> {
  const statuses = new Map<string, InstanceStatus>();
  const statusesLoaded = (async () => {
    let NextToken: string | undefined;
    do {
      const page = await aws('ec2', 'DescribeInstanceStatus', region, {
        IncludeAllInstances: true,
        MaxResults: PAGE,
        NextToken,
      });
      for (const s of page.InstanceStatuses ?? []) statuses.set(s.InstanceId!, s);
      NextToken = page.NextToken;
    } while (NextToken);
  })();
  const instances: Instance[] = [];
  const rows = () => instances.map((instance) => ({ instance, status: statuses.get(instance.InstanceId!) }));
  let NextToken: string | undefined;
  do {
    const page = await aws('ec2', 'DescribeInstances', region, {
      MaxResults: instances.length ? PAGE : FIRST_PAGE,
      NextToken,
    });
    instances.push(...instancesOf(page));
    NextToken = page.NextToken;
    if (NextToken) partial(rows());
  } while (NextToken);
  await statusesLoaded;
  return rows();
}
