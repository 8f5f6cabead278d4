/**
 * reboot, shutdown, poweroff, halt: an instance-initiated restart or shutdown. As on EC2, a
 * shutdown from inside stops the instance, or terminates it when its shutdown behaviour says
 * so; a reboot restarts the OS on the same host.
 */
import { defineCommand, type CustomCommand } from 'just-bash';
import type { Machine } from '../machine';
import { fail, ok } from './command-kit';

const NEEDS_ROOT =
  'Failed to set wall message, ignoring: Interactive authentication required.\nCall to %s failed: Interactive authentication required.\n';

async function act(m: Machine, what: 'reboot' | 'halt'): Promise<void> {
  const found = m.os.findInstance(m.identity.id);
  if (!found) return;
  const operation =
    what === 'reboot'
      ? 'RebootInstances'
      : found.record.shutdownBehavior === 'terminate'
        ? 'TerminateInstances'
        : 'StopInstances';
  const principal = m.cloud.accounts.consolePrincipal();
  // After this line's output reaches the terminal: the session ends with the machine.
  setTimeout(() => {
    void m.cloud
      .invoke({
        service: 'ec2',
        operation,
        input: { InstanceIds: [m.identity.id] },
        region: found.scope.region,
        principal: { ...principal, accountId: found.scope.account },
        source: 'internal',
      })
      .catch(() => undefined);
  }, 50);
}

function power(name: string, what: (args: string[]) => 'reboot' | 'halt' | null) {
  return (m: Machine): CustomCommand =>
    defineCommand(name, async (args, ctx) => {
      const action = what(args);
      if (!action) return fail(`${name}: invalid arguments\n`);
      if ((ctx.env.get('USER') ?? 'root') !== 'root')
        return fail(NEEDS_ROOT.replace('%s', action === 'reboot' ? 'Reboot' : 'PowerOff'));
      if (m.identity.kind !== 'instance') return fail(`${name}: the workstation cannot be powered off\n`);
      await act(m, action);
      return ok(
        '',
        action === 'reboot'
          ? `\nBroadcast message from root@${m.identity.hostname}:\n\nThe system will reboot now!\n\n`
          : `\nBroadcast message from root@${m.identity.hostname}:\n\nThe system will power off now!\n\n`,
      );
    });
}

export const powerCommands = [
  power('reboot', () => 'reboot'),
  power('poweroff', () => 'halt'),
  power('halt', () => 'halt'),
  power('shutdown', (args) => (args.includes('-r') ? 'reboot' : args.includes('-c') ? null : 'halt')),
];
