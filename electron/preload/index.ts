/**
 * The preload: the only file that touches ipcRenderer. It exposes the console transport
 * (invoke a channel, send a fire-and-forget call, listen to events) as `window.cloudlab`,
 * nothing else.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  IPC_CONNECTION_EVENT,
  IPC_EVENT,
  IPC_INVOKE,
  IPC_SEND,
  type ConsoleEvents,
  type ConsoleTransport,
  type Envelope,
} from '../contract/console-api';

const transport: ConsoleTransport = {
  invoke: (channel, args) => ipcRenderer.invoke(IPC_INVOKE, channel, args) as Promise<Envelope<never>>,
  send: (channel, args) => ipcRenderer.send(IPC_SEND, channel, args),
  on: (event, listener) => {
    if (event === 'transport.status') return () => undefined; // IPC never disconnects
    if (event === 'cloud.event') {
      const handler = (_e: IpcRendererEvent, payload: ConsoleEvents['cloud.event']) =>
        (listener as (p: ConsoleEvents['cloud.event']) => void)(payload);
      ipcRenderer.on(IPC_EVENT, handler);
      return () => ipcRenderer.off(IPC_EVENT, handler);
    }
    // This window's own events (terminal output and exits), tagged with their name.
    const handler = (_e: IpcRendererEvent, tagged: { event: string; payload: unknown }) => {
      if (tagged.event === event) (listener as (p: unknown) => void)(tagged.payload);
    };
    ipcRenderer.on(IPC_CONNECTION_EVENT, handler);
    return () => ipcRenderer.off(IPC_CONNECTION_EVENT, handler);
  },
};

contextBridge.exposeInMainWorld('cloudlab', transport);
