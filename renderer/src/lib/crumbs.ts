/** Breadcrumbs of a service console's pages: the console's name, then the way to the page. */
import type { Crumb } from '../shell/Breadcrumbs.svelte';
import { router } from './router.svelte';

/** A step: the page's own text, or a [text, href] link on the way to it. */
export type CrumbStep = string | [text: string, href: string];

/** The crumbs function of one console: `serviceCrumbs('Lambda', '/lambda')('Functions')`. */
export function serviceCrumbs(text: string, path: string): (...trail: CrumbStep[]) => Crumb[] {
  return (...trail) => [
    { text, href: router.href(path) },
    ...trail.map((step) => (typeof step === 'string' ? { text: step } : { text: step[0], href: step[1] })),
  ];
}
