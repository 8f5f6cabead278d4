// Lint, with the architecture's layering as rules (as VS Code does):
//  - electron/core is plain Node: no Electron, no DOM, no renderer, gateway, host or shell code;
//  - electron/gateway may use core and contract, never Electron or the host;
//  - electron/contract is types (plus a pure JSON codec): no Node, no Electron;
//  - renderer/ talks to the cloud only through electron/contract;
//  - raw ipcMain / ipcRenderer only in electron/main/ipc.ts and electron/preload/index.ts.
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const noElectron = {
  name: 'electron',
  message: 'Only electron/main and electron/preload may import electron.',
};
const rawIpc = {
  name: 'electron',
  importNames: ['ipcMain', 'ipcRenderer'],
  message: 'Raw IPC lives only in electron/main/ipc.ts and electron/preload/index.ts.',
};
const layer = (patterns, paths = [noElectron]) => ({
  'no-restricted-imports': ['error', { paths, patterns }],
});
const away = (...dirs) =>
  dirs.map((d) => ({ group: [`**/${d}/**`, `**/${d}`], message: `This layer must not import ${d}/.` }));

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      'resources/*/**',
      '!resources/lambda-runtime/**',
      'bench/results/**',
      '*-tmp.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      globals: { ...globals.browser },
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] },
    },
  },
  { files: ['renderer/**'], languageOptions: { globals: { ...globals.browser } } },
  {
    files: ['electron/core/**'],
    rules: {
      ...layer(
        away('renderer', 'gateway', 'host', 'main', 'preload').concat([
          {
            group: ['ws', 'node:http', 'node:net'],
            message: 'Network listeners belong in electron/gateway or electron/host.',
          },
        ]),
      ),
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'localStorage'],
    },
  },
  { files: ['electron/gateway/**'], rules: layer(away('renderer', 'host', 'main', 'preload')) },
  { files: ['electron/host/**'], rules: layer(away('renderer', 'main', 'preload')) },
  {
    files: ['electron/contract/**'],
    rules: layer(
      away('renderer', 'core', 'gateway', 'host', 'main', 'preload').concat([
        { group: ['node:*'], message: 'The contract is shared with the renderer: no Node APIs.' },
      ]),
    ),
  },
  {
    files: ['renderer/**'],
    rules: layer(
      away('core', 'gateway', 'host', 'main', 'preload').concat([
        { group: ['node:*'], message: 'The renderer has no Node APIs.' },
      ]),
    ),
  },
  { files: ['electron/main/**'], rules: layer(away('renderer', 'preload'), [rawIpc]) },
  { files: ['electron/main/ipc.ts'], rules: layer(away('renderer', 'preload'), []) },
  {
    files: ['electron/preload/**'],
    rules: layer(away('renderer', 'core', 'gateway', 'host', 'main'), [rawIpc]),
  },
  {
    files: ['electron/preload/index.ts'],
    rules: layer(away('renderer', 'core', 'gateway', 'host', 'main'), []),
  },
  { files: ['tests/**', 'bench/**', 'scripts/**'], rules: { 'no-restricted-imports': 'off' } },
);
