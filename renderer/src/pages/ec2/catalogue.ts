/** What the launch wizard and the type picker offer, read through paged Describe calls like any client. */
import type { Image, InstanceTypeInfo } from '@aws-sdk/client-ec2';
import { aws } from '../../lib/api';

export async function instanceTypes(region: string, architecture?: string): Promise<InstanceTypeInfo[]> {
  const types: InstanceTypeInfo[] = [];
  let NextToken: string | undefined;
  do {
    const page = await aws('ec2', 'DescribeInstanceTypes', region, {
      ...(architecture
        ? { Filters: [{ Name: 'processor-info.supported-architecture', Values: [architecture] }] }
        : {}),
      MaxResults: 100,
      NextToken,
    });
    types.push(...(page.InstanceTypes ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return types.sort((a, b) => a.InstanceType!.localeCompare(b.InstanceType!, 'en', { numeric: true }));
}

/** The public images of the Region, newest first. */
export async function publicImages(region: string): Promise<Image[]> {
  const images: Image[] = [];
  let NextToken: string | undefined;
  do {
    const page = await aws('ec2', 'DescribeImages', region, {
      Filters: [{ Name: 'is-public', Values: ['true'] }],
      NextToken,
    });
    images.push(...(page.Images ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return images.sort((a, b) => (b.CreationDate ?? '').localeCompare(a.CreationDate ?? ''));
}
