/** What the Lambda console pages share: links, crumbs, AWS's wording, sizes and times. */
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { aws, lab } from '../../lib/api';
import { router } from '../../lib/router.svelte';
import { serviceCrumbs } from '../../lib/crumbs';
import type { StatusType } from '../../components/StatusIndicator.svelte';

export { errorText, errorCode } from '../dynamodb/ddb';

export const RUNTIMES = [
  { value: 'nodejs22.x', label: 'Node.js 22.x' },
  { value: 'nodejs20.x', label: 'Node.js 20.x' },
];

export function runtimeLabel(runtime: string | undefined): string {
  return RUNTIMES.find((r) => r.value === runtime)?.label ?? runtime ?? '–';
}

export const lambdaLinks = {
  functions: () => router.href('/lambda/functions'),
  create: () => router.href('/lambda/create-function'),
  fn: (name: string, tab?: string, extra: Record<string, string> = {}) =>
    router.href(`/lambda/functions/${encodeURIComponent(name)}`, { ...(tab ? { tab } : {}), ...extra }),
};

export const lambdaCrumbs = serviceCrumbs('Lambda', '/lambda');

/** Lambda's rules for a function name, as the Create function page states them. */
export function functionNameProblem(name: string): string | null {
  if (!name) return 'Function name is required.';
  if (name.length > 64) return 'Function name must be 64 characters or fewer.';
  if (!/^[a-zA-Z0-9_-]+$/.test(name))
    return 'Function name can contain only letters, numbers, hyphens (-), and underscores (_).';
  return null;
}

/** "1.2 kB", as the functions list shows a package size. */
export function formatSize(bytes: number | undefined | null): string {
  if (bytes == null) return '–';
  if (bytes < 1000) return `${bytes} byte${bytes === 1 ? '' : 's'}`;
  const units = ['kB', 'MB', 'GB'];
  let n = bytes;
  let u = -1;
  while (n >= 1000 && u < units.length - 1) {
    n /= 1000;
    u++;
  }
  return `${n.toFixed(1)} ${units[u]}`;
}

/** Lambda's LastModified (`2026-11-23T10:15:30.123+0000`) as milliseconds. */
export function lambdaTime(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const t = Date.parse(value.replace(/\+0000$/, 'Z'));
  return Number.isNaN(t) ? undefined : t;
}

/** "3 minutes ago", as the console shows Last modified. */
export function ago(ms: number | undefined, now: number): string {
  if (ms === undefined) return '–';
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return s <= 1 ? 'now' : `${s} seconds ago`;
  const m = Math.round(s / 60);
  if (m < 60) return m === 1 ? '1 minute ago' : `${m} minutes ago`;
  const h = Math.round(m / 60);
  if (h < 24) return h === 1 ? '1 hour ago' : `${h} hours ago`;
  const d = Math.round(h / 24);
  return d === 1 ? '1 day ago' : `${d} days ago`;
}

export function stateOf(c: FunctionConfiguration | undefined): { type: StatusType; text: string } {
  if (!c) return { type: 'info', text: '–' };
  if (c.State === 'Pending') return { type: 'pending', text: 'Pending' };
  if (c.State === 'Failed') return { type: 'error', text: 'Failed' };
  if (c.State === 'Inactive') return { type: 'stopped', text: 'Inactive' };
  if (c.LastUpdateStatus === 'InProgress') return { type: 'pending', text: 'Updating' };
  if (c.LastUpdateStatus === 'Failed') return { type: 'error', text: 'Update failed' };
  return { type: 'success', text: 'Active' };
}

/** "1 min 3 sec", as the General configuration shows a timeout. */
export function timeoutText(seconds: number | undefined): string {
  const s = seconds ?? 3;
  const m = Math.floor(s / 60);
  const r = s % 60;
  if (m === 0) return `${r} sec`;
  return r ? `${m} min ${r} sec` : `${m} min`;
}

let accountId: Promise<string> | null = null;

/** The console's account, as STS names it. */
export function consoleAccount(): Promise<string> {
  accountId ??= aws('sts', 'GetCallerIdentity', 'us-east-1', {}).then((o) => o.Account ?? '');
  return accountId;
}

/** The role AWS creates for "Create a new role with basic Lambda permissions". */
export function defaultRoleArn(account: string, name: string): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  const suffix = Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
  return `arn:aws:iam::${account}:role/service-role/${name}-role-${suffix}`;
}

/** The hello-world function the console starts a Node.js function with. */
export const HELLO_WORLD = `export const handler = async (event) => {
  // TODO implement
  const response = {
    statusCode: 200,
    body: JSON.stringify('Hello from Lambda!'),
  };
  return response;
};
`;

/**
 * GetFunction's Code.Location, downloaded: the web console fetches the URL on its own origin;
 * the desktop app's page cannot reach the endpoint, so the host reads the package it names.
 */
export async function downloadPackage(location: string): Promise<Uint8Array> {
  if (window.cloudlab) return lab('lab.lambda.code', { location });
  const url = new URL(location, window.location.href);
  const sameOrigin = `${window.location.origin}${url.pathname}${url.search}`;
  const res = await fetch(sameOrigin);
  if (!res.ok) throw new Error(`The deployment package did not download (HTTP ${res.status}).`);
  return new Uint8Array(await res.arrayBuffer());
}

export function logGroupOf(c: FunctionConfiguration | undefined, name: string): string {
  return c?.LoggingConfig?.LogGroup ?? `/aws/lambda/${name}`;
}

export function decodeBase64(text: string): string {
  const bin = atob(text);
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}
