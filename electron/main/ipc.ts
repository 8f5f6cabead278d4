/**
 * The IPC bridge: the only file in the main process that touches ipcMain. One invoke channel
 * carries every console call to the shared handlers and one send channel the fire-and-forget
 * ones (keystrokes); cloud events go to every window on one event channel, and a window's own
 * events (its terminals' output) go to it alone on another. Each window is one console
 * connection: its terminal sessions end when it reloads, navigates or closes.
 */
import { ipcMain, type IpcMainEvent, type IpcMainInvokeEvent, type WebContents } from 'electron';
import {
  IPC_CONNECTION_EVENT,
  IPC_EVENT,
  IPC_INVOKE,
  IPC_SEND,
  type ConsoleChannel,
} from '../contract/console-api';
import type { EventBus } from '../core/kernel/events';
import { ConsoleConnection, dispatchConsole, type ConsoleHandlers } from '../host/console-api';

export function registerConsoleIpc(
  handlers: ConsoleHandlers,
  events: EventBus,
  isTrustedSender: (url: string) => boolean,
  targets: () => WebContents[],
): () => void {
  const connections = new Map<WebContents, ConsoleConnection>();

  /** The sender's console connection, made on its first call; null for an untrusted sender. */
  const connectionOf = (event: IpcMainEvent | IpcMainInvokeEvent): ConsoleConnection | null => {
    if (!event.senderFrame || !isTrustedSender(event.senderFrame.url)) return null;
    const wc = event.sender;
    let connection = connections.get(wc);
    if (!connection) {
      const made = new ConsoleConnection((name, payload) => {
        if (!wc.isDestroyed()) wc.send(IPC_CONNECTION_EVENT, { event: name, payload });
      });
      const end = () => {
        wc.off('destroyed', end);
        wc.off('did-start-navigation', navigating);
        wc.off('render-process-gone', end);
        if (connections.get(wc) === made) connections.delete(wc);
        made.close();
      };
      // A reload or a new page is a new console: the old page's sessions end with it.
      const navigating = (details: { isMainFrame: boolean; isSameDocument: boolean }) => {
        if (details.isMainFrame && !details.isSameDocument) end();
      };
      wc.on('destroyed', end);
      wc.on('did-start-navigation', navigating);
      wc.on('render-process-gone', end);
      connections.set(wc, made);
      connection = made;
    }
    return connection;
  };

  ipcMain.handle(IPC_INVOKE, (event, channel: unknown, args: unknown) => {
    const connection = connectionOf(event);
    if (!connection || typeof channel !== 'string') {
      return { ok: false, error: { code: 'AccessDenied', message: 'Untrusted sender.', status: 403 } };
    }
    return dispatchConsole(handlers, channel as ConsoleChannel, (args ?? null) as never, { connection });
  });
  const onSend = (event: IpcMainEvent, channel: unknown, args: unknown) => {
    const connection = connectionOf(event);
    if (!connection || typeof channel !== 'string') return;
    void dispatchConsole(handlers, channel as ConsoleChannel, (args ?? null) as never, { connection });
  };
  ipcMain.on(IPC_SEND, onSend);
  const unsubscribe = events.subscribe((e) => {
    for (const wc of targets()) if (!wc.isDestroyed()) wc.send(IPC_EVENT, e);
  });
  return () => {
    ipcMain.removeHandler(IPC_INVOKE);
    ipcMain.off(IPC_SEND, onSend);
    unsubscribe();
    for (const connection of connections.values()) connection.close();
    connections.clear();
  };
}
