/// <reference types="svelte" />
import type { ConsoleTransport } from '../../electron/contract/console-api';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in the web console. */
    cloudlab?: ConsoleTransport;
  }
}

declare module '*.json' {
  const value: unknown;
  export default value;
}

export {};
