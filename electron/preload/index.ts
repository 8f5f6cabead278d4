/**
 * The preload: the only file that touches ipcRenderer. It exposes the console transport
 * (invoke a channel, listen to cloud events) as `window.cloudlab`, nothing else.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  IPC_EVENT,
  IPC_INVOKE,
  type ConsoleEvents,
  type ConsoleTransport,
  type Envelope,
} from '../contract/console-api';

const transport: ConsoleTransport = {
  invoke: (channel, args) => ipcRenderer.invoke(IPC_INVOKE, channel, args) as Promise<Envelope<never>>,
  on: (event, listener) => {
    if (event !== 'cloud.event') return () => undefined; // IPC never disconnects
    const handler = (_e: IpcRendererEvent, payload: ConsoleEvents['cloud.event']) =>
      (listener as (p: ConsoleEvents['cloud.event']) => void)(payload);
    ipcRenderer.on(IPC_EVENT, handler);
    return () => ipcRenderer.off(IPC_EVENT, handler);
  },
};

contextBridge.exposeInMainWorld('cloudlab', transport);
