/** How instances read in the console: state colours, status-check summaries, names. */
import type { Instance, InstanceStatus } from '@aws-sdk/client-ec2';
import type { StatusType } from '../../../components/StatusIndicator.svelte';
import { formatDateTime } from '../../../lib/format';

/** The value of a resource's Name tag. */
export function nameOf(
  resource: { Tags?: Array<{ Key?: string; Value?: string }> } | undefined,
): string | undefined {
  return resource?.Tags?.find((t) => t.Key === 'Name')?.Value;
}

/** An instance as a picker lists it: "web – i-0123456789abcdef0 (running)". */
export function instanceLabel(i: Instance): string {
  const name = nameOf(i);
  return `${name ? `${name} – ` : ''}${i.InstanceId} (${i.State?.Name ?? 'unknown'})`;
}

export function stateType(state: string | undefined): StatusType {
  switch (state) {
    case 'running':
      return 'success';
    case 'pending':
    case 'stopping':
    case 'shutting-down':
      return 'pending';
    default:
      return 'stopped';
  }
}

export function stateLabel(state: string | undefined): string {
  return state ? state.charAt(0).toUpperCase() + state.slice(1).replace('-', ' ') : '–';
}

export function checks(status: InstanceStatus | undefined): { type: StatusType; text: string } | null {
  if (!status || status.InstanceState?.Name !== 'running') return null;
  const system = status.SystemStatus?.Status;
  const instance = status.InstanceStatus?.Status;
  if (system === 'impaired' || instance === 'impaired') {
    const failed = [system, instance].filter((s) => s === 'impaired').length;
    return { type: 'error', text: `${failed}/2 checks failed` };
  }
  if (system === 'initializing' || instance === 'initializing')
    return { type: 'pending', text: 'Initializing' };
  return { type: 'success', text: '2/2 checks passed' };
}

export function formatTime(d: Date | string | undefined): string {
  return d ? formatDateTime(new Date(d).getTime()) : '–';
}

/** Why the Connect button is off for an instance, or null when it can connect. */
export function whyNoConnect(i: Instance | undefined): string | null {
  if (!i) return 'Select an instance to connect to it.';
  const state = i.State?.Name;
  if (state === 'running') return null;
  if (state === 'pending') return 'The instance is still starting. Connect once it is running.';
  return `The instance is ${state ?? 'not running'}. Start it before connecting.`;
}
