/**
 * The IPC bridge: the only file in the main process that touches ipcMain. One invoke channel
 * carries every console call to the shared handlers; cloud events go back on one event channel.
 */
import { ipcMain, type WebContents } from 'electron';
import { IPC_EVENT, IPC_INVOKE, type ConsoleChannel } from '../contract/console-api';
import type { EventBus } from '../core/kernel/events';
import { dispatchConsole, type ConsoleHandlers } from '../host/console-api';

export function registerConsoleIpc(
  handlers: ConsoleHandlers,
  events: EventBus,
  isTrustedSender: (url: string) => boolean,
  targets: () => WebContents[],
): () => void {
  ipcMain.handle(IPC_INVOKE, (event, channel: unknown, args: unknown) => {
    if (!event.senderFrame || !isTrustedSender(event.senderFrame.url) || typeof channel !== 'string') {
      return { ok: false, error: { code: 'AccessDenied', message: 'Untrusted sender.', status: 403 } };
    }
    return dispatchConsole(handlers, channel as ConsoleChannel, (args ?? null) as never);
  });
  const unsubscribe = events.subscribe((e) => {
    for (const wc of targets()) if (!wc.isDestroyed()) wc.send(IPC_EVENT, e);
  });
  return () => {
    ipcMain.removeHandler(IPC_INVOKE);
    unsubscribe();
  };
}
