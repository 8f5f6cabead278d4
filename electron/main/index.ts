/**
 * The Electron main process, kept thin: it starts the same host as `cloudlab serve` (the cloud,
 * the AWS endpoint on 127.0.0.1:4566 unless turned off, the web console), opens one window on
 * the console, and bridges the console to the host over IPC. Security: context isolation,
 * sandbox, no node integration, a strict CSP, no remote content, no navigation, no new windows.
 */
import {
  app,
  BrowserWindow,
  dialog,
  Menu,
  session,
  shell,
  clipboard,
  type MenuItemConstructorOptions,
} from 'electron';
import { join } from 'node:path';
import { WorkspaceError } from '../core/kernel/errors';
import { createCloud, type CloudHost, type ListenOptions } from '../host/create-cloud';
import {
  DESKTOP_LISTENERS_KEY,
  DEFAULT_DESKTOP_LISTENERS,
  type DesktopListeners,
} from '../host/desktop-settings';
import { registerConsoleIpc } from './ipc';

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

const devServerUrl = process.env['ELECTRON_RENDERER_URL'];
let host: CloudHost | null = null;
let mainWindow: BrowserWindow | null = null;
let quitting = false;

function resourcesDir(): string {
  return app.isPackaged ? join(process.resourcesPath, 'resources') : join(app.getAppPath(), 'resources');
}

function isTrustedUrl(url: string): boolean {
  return url.startsWith('file://') || (devServerUrl !== undefined && url.startsWith(devServerUrl));
}

async function startHost(recover: boolean): Promise<CloudHost> {
  return createCloud({
    dataDir: join(app.getPath('userData'), 'workspace'),
    resourcesDir: resourcesDir(),
    rendererDir: join(__dirname, '../renderer'),
    recover,
    listen: (cloud): ListenOptions | null => {
      const prefs = {
        ...DEFAULT_DESKTOP_LISTENERS,
        ...cloud.settings.get<DesktopListeners>(DESKTOP_LISTENERS_KEY),
      };
      return prefs.enabled ? { host: prefs.host, port: prefs.port, fallbackToFreePort: true } : null;
    },
    // The SSH gateway and the DNS server listen beside the AWS endpoint (same host, on when it is on).
    sshPort: 4522,
    dnsPort: 4553,
    shell: 'desktop',
    version: app.getVersion(),
    log: (m) => console.error(m),
  });
}

async function openHost(): Promise<CloudHost | null> {
  try {
    return await startHost(false);
  } catch (e) {
    if (!(e instanceof WorkspaceError)) throw e;
    const { response } = await dialog.showMessageBox({
      type: 'error',
      title: 'Cloud Lab',
      message: 'The workspace cannot be opened',
      detail: e.message,
      buttons: ['Quit', 'Move the damaged files aside and start fresh'],
      defaultId: 0,
      cancelId: 0,
    });
    return response === 1 ? startHost(true) : null;
  }
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1360,
    height: 880,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Cloud Lab',
    backgroundColor: '#f2f3f3',
    webPreferences: {
      preload: join(__dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  win.webContents.setWindowOpenHandler(({ url }) => {
    // Links to the web console or documentation open in the user's browser, never in the app.
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (!isTrustedUrl(url)) event.preventDefault();
  });
  if (devServerUrl) void win.loadURL(devServerUrl);
  else void win.loadFile(join(__dirname, '../renderer/index.html'));
  return win;
}

function buildMenu(): void {
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        {
          label: 'Copy AWS Endpoint URL',
          click: () => host?.endpoint && clipboard.writeText(host.endpoint),
        },
        {
          label: 'Open Web Console in Browser',
          click: () => host?.consoleUrl && void shell.openExternal(host.consoleUrl),
        },
        { type: 'separator' },
        process.platform === 'darwin' ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

async function main(): Promise<void> {
  await app.whenReady();
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  // No remote content: the console talks to the cloud over IPC only.
  const devHost = devServerUrl ? new URL(devServerUrl).host : null;
  session.defaultSession.webRequest.onBeforeRequest(
    { urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*'] },
    (details, callback) => callback({ cancel: devHost === null || new URL(details.url).host !== devHost }),
  );
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));

  host = await openHost();
  if (!host) {
    app.quit();
    return;
  }
  registerConsoleIpc(host.handlers, host.cloud.events, isTrustedUrl, () =>
    mainWindow ? [mainWindow.webContents] : [],
  );
  buildMenu();
  mainWindow = createWindow();
  mainWindow.on('closed', () => (mainWindow = null));
  app.on('activate', () => {
    if (!mainWindow) mainWindow = createWindow();
  });
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

app.on('before-quit', (event) => {
  if (quitting || !host) return;
  // Flush the workspace before the process goes away.
  event.preventDefault();
  quitting = true;
  void host.close().finally(() => app.quit());
});

main().catch((e: unknown) => {
  dialog.showErrorBox('Cloud Lab could not start', (e as Error).stack ?? String(e));
  app.exit(1);
});
