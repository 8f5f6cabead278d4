/** The breadcrumbs of the EC2 console's pages. */
import { router } from '../../lib/router.svelte';
import type { Crumb } from '../../shell/Breadcrumbs.svelte';

/** "EC2", then the way to the page: a [text, path] pair for each link, then the page's own text. */
export function ec2Crumbs(...trail: Array<string | [text: string, path: string]>): Crumb[] {
  return [
    { text: 'EC2', href: router.href('/ec2') },
    ...trail.map((step) =>
      typeof step === 'string' ? { text: step } : { text: step[0], href: router.href(step[1]) },
    ),
  ];
}
