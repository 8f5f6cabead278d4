/** The desktop app's listener settings, kept in the workspace so they travel with it. */
import type { ListenerSettings } from '../contract/console-api';

export type DesktopListeners = ListenerSettings;
export const DESKTOP_LISTENERS_KEY = 'desktop.listeners';
export const DEFAULT_DESKTOP_LISTENERS: DesktopListeners = { enabled: true, host: '127.0.0.1', port: 4566 };

export function validateListeners(value: unknown): DesktopListeners | string {
  const v = value as Partial<DesktopListeners> | null;
  if (!v || typeof v !== 'object') return 'Listener settings must be an object.';
  if (typeof v.enabled !== 'boolean') return '"enabled" must be true or false.';
  if (typeof v.host !== 'string' || !/^[\w.:-]+$/.test(v.host))
    return 'The host must be an address such as 127.0.0.1.';
  if (!Number.isInteger(v.port) || v.port! < 1 || v.port! > 65535)
    return 'The port must be a number from 1 to 65535.';
  return { enabled: v.enabled, host: v.host, port: v.port! };
}
