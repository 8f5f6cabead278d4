// End-to-end tests: Playwright drives Debian's Chromium (never a downloaded browser) against a
// `cloudlab serve` started on a fresh workspace in deterministic mode.
import { defineConfig } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PORT = Number(process.env.CLOUDLAB_E2E_PORT ?? 4599);
const DATA = process.env.CLOUDLAB_E2E_DATA ?? mkdtempSync(join(tmpdir(), 'cloudlab-e2e-'));
process.env.CLOUDLAB_E2E_DATA = DATA; // workers re-read this file: keep one workspace

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results/e2e',
  fullyParallel: false,
  workers: 1,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}/_cloudlab/`,
    viewport: { width: 1440, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: {
    command: `node bin/cloudlab.mjs serve --port ${PORT} --ssh-port 0 --dns-port 0 --data "${DATA}" --seed 7`,
    url: `http://127.0.0.1:${PORT}/_cloudlab/health`,
    reuseExistingServer: false,
    timeout: 30_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
