/**
 * Accounts and their credentials. A new workspace has one account, 123456789012, whose root
 * user has the access key `test` with secret `test` (what the AWS CLI examples use). The gateway
 * looks keys up here to verify signatures; the console acts as the default account's root.
 */
import type { Migration, Store } from './store';

export const DEFAULT_ACCOUNT_ID = '123456789012';
export const DEFAULT_ACCESS_KEY_ID = 'test';
export const DEFAULT_SECRET_ACCESS_KEY = 'test';

export interface Principal {
  accountId: string;
  /** e.g. arn:aws:iam::123456789012:root */
  arn: string;
  /** What GetCallerIdentity reports as UserId (the account ID for the root user). */
  userId: string;
  accessKeyId: string | null;
}

export interface AccessKey {
  accessKeyId: string;
  secretAccessKey: string;
  status: 'Active' | 'Inactive';
  principal: Principal;
}

export const accountMigrations: Migration[] = [
  {
    id: 'kernel/001-accounts',
    up: (tx) => {
      tx.run(`CREATE TABLE accounts (
        id TEXT PRIMARY KEY,
        alias TEXT,
        created_at INTEGER NOT NULL)`);
      tx.run(`CREATE TABLE access_keys (
        access_key_id TEXT PRIMARY KEY,
        secret TEXT NOT NULL,
        account_id TEXT NOT NULL REFERENCES accounts(id),
        principal_arn TEXT NOT NULL,
        user_id TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'Active',
        created_at INTEGER NOT NULL)`);
      tx.run(`CREATE TABLE account_regions (
        account_id TEXT NOT NULL REFERENCES accounts(id),
        region TEXT NOT NULL,
        PRIMARY KEY (account_id, region))`);
      tx.run('INSERT INTO accounts (id, alias, created_at) VALUES (?, ?, 0)', [
        DEFAULT_ACCOUNT_ID,
        'cloudlab',
      ]);
      tx.run(
        `INSERT INTO access_keys (access_key_id, secret, account_id, principal_arn, user_id, created_at)
         VALUES (?, ?, ?, ?, ?, 0)`,
        [
          DEFAULT_ACCESS_KEY_ID,
          DEFAULT_SECRET_ACCESS_KEY,
          DEFAULT_ACCOUNT_ID,
          `arn:aws:iam::${DEFAULT_ACCOUNT_ID}:root`,
          DEFAULT_ACCOUNT_ID,
        ],
      );
    },
  },
];

interface KeyRow {
  access_key_id: string;
  secret: string;
  account_id: string;
  principal_arn: string;
  user_id: string;
  status: string;
}

export class Accounts {
  private keys = new Map<string, AccessKey | null>();
  /** Temporary keys (instance profiles, Lambda execution roles), kept only while the cloud runs. */
  private sessions = new Map<string, AccessKey>();
  private optIn = new Map<string, ReadonlySet<string>>();

  constructor(private readonly store: Store) {}

  /** The access key with this ID, or undefined if no account has it. */
  accessKey(accessKeyId: string): AccessKey | undefined {
    const session = this.sessions.get(accessKeyId);
    if (session) return session;
    if (!this.keys.has(accessKeyId)) {
      const row = this.store.get<KeyRow>('SELECT * FROM access_keys WHERE access_key_id = ?', [accessKeyId]);
      this.keys.set(
        accessKeyId,
        row
          ? {
              accessKeyId: row.access_key_id,
              secretAccessKey: row.secret,
              status: row.status === 'Inactive' ? 'Inactive' : 'Active',
              principal: {
                accountId: row.account_id,
                arn: row.principal_arn,
                userId: row.user_id,
                accessKeyId: row.access_key_id,
              },
            }
          : null,
      );
    }
    return this.keys.get(accessKeyId) ?? undefined;
  }

  /** Accept a temporary key (an assumed role's session) for signed requests from now on. */
  addSessionKey(key: AccessKey): void {
    this.sessions.set(key.accessKeyId, key);
  }

  /** Who the console acts as: the default account's first access key. */
  consolePrincipal(): Principal {
    const key = this.accessKey(DEFAULT_ACCESS_KEY_ID);
    if (key) return key.principal;
    return {
      accountId: DEFAULT_ACCOUNT_ID,
      arn: `arn:aws:iam::${DEFAULT_ACCOUNT_ID}:root`,
      userId: DEFAULT_ACCOUNT_ID,
      accessKeyId: null,
    };
  }

  /** Access keys of an account, for the security-credentials page. */
  listAccessKeys(accountId: string): AccessKey[] {
    return this.store
      .all<{ access_key_id: string }>(
        'SELECT access_key_id FROM access_keys WHERE account_id = ? ORDER BY created_at',
        [accountId],
      )
      .map((r) => this.accessKey(r.access_key_id)!)
      .filter(Boolean);
  }

  /** Opt-in regions this account has enabled (cached: DescribeRegions asks on every call). */
  enabledOptInRegions(accountId: string): ReadonlySet<string> {
    let regions = this.optIn.get(accountId);
    if (!regions) {
      regions = new Set(
        this.store
          .all<{ region: string }>('SELECT region FROM account_regions WHERE account_id = ?', [accountId])
          .map((r) => r.region),
      );
      this.optIn.set(accountId, regions);
    }
    return regions;
  }

  async setOptInRegion(accountId: string, region: string, enabled: boolean): Promise<void> {
    await this.store.write((tx) => {
      if (enabled)
        tx.run('INSERT OR IGNORE INTO account_regions (account_id, region) VALUES (?, ?)', [
          accountId,
          region,
        ]);
      else tx.run('DELETE FROM account_regions WHERE account_id = ? AND region = ?', [accountId, region]);
    });
    this.optIn.delete(accountId);
  }
}
