/**
 * Workspace settings: small JSON values under string keys (clock state, the deterministic
 * seed the workspace was created with, listener ports the desktop app should use).
 */
import type { Migration, Store } from './store';

export const settingsMigrations: Migration[] = [
  {
    id: 'kernel/003-settings',
    up: (tx) => tx.run('CREATE TABLE _settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)'),
  },
];

export class Settings {
  constructor(private readonly store: Store) {}

  get<T>(key: string): T | undefined {
    const row = this.store.get<{ value: string }>('SELECT value FROM _settings WHERE key = ?', [key]);
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  async set(key: string, value: unknown): Promise<void> {
    await this.store.write((tx) =>
      tx.run(
        'INSERT INTO _settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
        [key, JSON.stringify(value)],
      ),
    );
  }
}
