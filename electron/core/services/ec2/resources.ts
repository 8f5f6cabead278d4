/**
 * EC2 resources in the store: one table for every kind (id, account, region, kind, a name and
 * a parent for lookups, the record as JSON) and one for tags. Writes go through the caller's
 * transaction so a change and its IDs commit together.
 *
 * Reads are served from memory: an index of every scope's records (ID, name, parent, in
 * creation order) and their parsed documents, frozen and shared, so a Describe over thousands
 * of instances parses nothing that has not changed. Writes keep the index in step inside the
 * transaction (reads in it see its changes, as SQL does); a rollback drops everything held, to
 * be read again from SQL. Callers build changed copies (`{ ...record, state }`) and never
 * modify what they read — freezing makes a slip throw instead of corrupting the cache.
 */
import type { Migration, Store, Tx } from '../../kernel/store';

export type Kind =
  'vpc' | 'subnet' | 'igw' | 'rtb' | 'sg' | 'key' | 'instance' | 'volume' | 'snapshot' | 'eip' | 'pg';

export interface Scope {
  account: string;
  region: string;
}

export interface Tag {
  Key: string;
  Value: string;
}

export const resourceMigrations: Migration[] = [
  {
    id: 'ec2/001-resources',
    up: (tx) => {
      tx.run(`CREATE TABLE ec2_resources (
        id TEXT PRIMARY KEY,
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        kind TEXT NOT NULL,
        name TEXT,
        parent TEXT,
        doc TEXT NOT NULL,
        seq INTEGER NOT NULL)`);
      tx.run('CREATE INDEX ec2_resources_scope ON ec2_resources (account, region, kind, seq)');
      tx.run('CREATE INDEX ec2_resources_parent ON ec2_resources (parent)');
      tx.run(`CREATE TABLE ec2_tags (
        resource_id TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (resource_id, key))`);
      tx.run(
        `CREATE TABLE ec2_regions_ready (account TEXT NOT NULL, region TEXT NOT NULL, PRIMARY KEY (account, region))`,
      );
    },
  },
  {
    id: 'ec2/002-public-ips',
    up: (tx) =>
      tx.run(`CREATE TABLE ec2_public_ips (
        ip TEXT PRIMARY KEY,
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        owner TEXT NOT NULL)`),
  },
];

interface Row {
  id: string;
  doc: string;
}

/** What the index knows of a record without parsing it. */
interface Entry {
  id: string;
  account: string;
  region: string;
  kind: Kind;
  name: string | null;
  parent: string | null;
  /** The parsed document, once read. */
  value?: unknown;
}

const CHUNK = 500;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const scopeKey = (account: string, region: string, kind: Kind) => `${account}/${region}/${kind}`;

export class Resources {
  private seq: number;
  /** Every record read or written, by ID. */
  private readonly entries = new Map<string, Entry>();
  /** The IDs of a scope's records of one kind, in creation order, once loaded. */
  private readonly scopes = new Map<string, Map<string, Entry>>();

  constructor(private readonly store: Store) {
    this.seq = store.get<{ m: number | null }>('SELECT max(seq) AS m FROM ec2_resources')?.m ?? 0;
    store.onRollback(() => {
      this.entries.clear();
      this.scopes.clear();
    });
  }

  get<T>(scope: Scope, kind: Kind, id: string): T | undefined {
    const entry = this.entry(id);
    if (!entry || entry.account !== scope.account || entry.region !== scope.region || entry.kind !== kind)
      return undefined;
    return this.valueOf([entry])[0] as T;
  }

  /** A record by ID wherever it lives, with its scope (the instance OS, the SSH gateway). */
  find<T>(kind: Kind, id: string): { scope: Scope; record: T } | undefined {
    const entry = this.entry(id);
    if (!entry || entry.kind !== kind) return undefined;
    return { scope: { account: entry.account, region: entry.region }, record: this.valueOf([entry])[0] as T };
  }

  private entry(id: string): Entry | undefined {
    const known = this.entries.get(id);
    if (known) return known;
    const row = this.store.get<Omit<Entry, 'value'>>(
      'SELECT id, account, region, kind, name, parent FROM ec2_resources WHERE id = ?',
      [id],
    );
    return row ? this.remember(row) : undefined;
  }

  list<T>(scope: Scope, kind: Kind, where: { parent?: string; name?: string } = {}): T[] {
    let entries = [...this.scope(scope.account, scope.region, kind).values()];
    if (where.parent !== undefined) entries = entries.filter((e) => e.parent === where.parent);
    if (where.name !== undefined) entries = entries.filter((e) => e.name === where.name);
    return this.valueOf(entries) as T[];
  }

  /** How many records of a kind a scope has, without reading them. */
  count(scope: Scope, kind: Kind): number {
    return this.scope(scope.account, scope.region, kind).size;
  }

  /** Every record of a kind in every Region of every account (the lifecycle scheduler). */
  everywhere<T>(kind: Kind): Array<{ scope: Scope; record: T }> {
    const rows = this.store.all<Omit<Entry, 'value'>>(
      'SELECT id, account, region, kind, name, parent FROM ec2_resources WHERE kind = ? ORDER BY seq',
      [kind],
    );
    const entries = rows.map((r) => this.entries.get(r.id) ?? this.remember(r));
    const values = this.valueOf(entries);
    return entries.map((e, i) => ({
      scope: { account: e.account, region: e.region },
      record: values[i] as T,
    }));
  }

  private scope(account: string, region: string, kind: Kind): Map<string, Entry> {
    const key = scopeKey(account, region, kind);
    let ids = this.scopes.get(key);
    if (!ids) {
      ids = new Map();
      for (const r of this.store.all<Omit<Entry, 'value'>>(
        'SELECT id, account, region, kind, name, parent FROM ec2_resources WHERE account = ? AND region = ? AND kind = ? ORDER BY seq',
        [account, region, kind],
      ))
        ids.set(r.id, this.entries.get(r.id) ?? this.remember(r));
      this.scopes.set(key, ids);
    }
    return ids;
  }

  private remember(row: Omit<Entry, 'value'>): Entry {
    const entry: Entry = { ...row };
    this.entries.set(entry.id, entry);
    return entry;
  }

  /** The documents of entries, parsing in a few queries those not read since they changed. */
  private valueOf(entries: Entry[]): unknown[] {
    const missing = entries.filter((e) => e.value === undefined);
    for (let i = 0; i < missing.length; i += CHUNK) {
      const chunk = missing.slice(i, i + CHUNK);
      const docs = new Map(
        this.store
          .all<Row>(
            `SELECT id, doc FROM ec2_resources WHERE id IN (${chunk.map(() => '?').join(',')})`,
            chunk.map((e) => e.id),
          )
          .map((r) => [r.id, r.doc]),
      );
      for (const e of chunk) e.value = deepFreeze(JSON.parse(docs.get(e.id)!) as unknown);
    }
    return entries.map((e) => e.value);
  }

  insert(
    tx: Tx,
    scope: Scope,
    kind: Kind,
    id: string,
    doc: unknown,
    keys: { name?: string; parent?: string } = {},
  ): void {
    tx.run(
      'INSERT INTO ec2_resources (id, account, region, kind, name, parent, doc, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [
        id,
        scope.account,
        scope.region,
        kind,
        keys.name ?? null,
        keys.parent ?? null,
        JSON.stringify(doc),
        ++this.seq,
      ],
    );
    const entry = this.remember({
      id,
      account: scope.account,
      region: scope.region,
      kind,
      name: keys.name ?? null,
      parent: keys.parent ?? null,
    });
    this.scopes.get(scopeKey(scope.account, scope.region, kind))?.set(id, entry);
  }

  update(tx: Tx, id: string, doc: unknown, keys: { parent?: string | null } = {}): void {
    if (keys.parent !== undefined) {
      tx.run('UPDATE ec2_resources SET doc = ?, parent = ? WHERE id = ?', [
        JSON.stringify(doc),
        keys.parent,
        id,
      ]);
    } else {
      tx.run('UPDATE ec2_resources SET doc = ? WHERE id = ?', [JSON.stringify(doc), id]);
    }
    const entry = this.entries.get(id);
    if (entry) {
      delete entry.value;
      if (keys.parent !== undefined) entry.parent = keys.parent;
    }
  }

  delete(tx: Tx, id: string): void {
    tx.run('DELETE FROM ec2_resources WHERE id = ?', [id]);
    tx.run('DELETE FROM ec2_tags WHERE resource_id = ?', [id]);
    const entry = this.entries.get(id);
    if (entry) {
      this.entries.delete(id);
      this.scopes.get(scopeKey(entry.account, entry.region, entry.kind))?.delete(id);
    }
  }

  /** Which kind an ID belongs to in this scope, if it exists. */
  kindOf(scope: Scope, id: string): Kind | undefined {
    return this.store.get<{ kind: Kind }>(
      'SELECT kind FROM ec2_resources WHERE id = ? AND account = ? AND region = ?',
      [id, scope.account, scope.region],
    )?.kind;
  }

  tags(id: string): Tag[] {
    return this.store
      .all<{ key: string; value: string }>(
        'SELECT key, value FROM ec2_tags WHERE resource_id = ? ORDER BY key',
        [id],
      )
      .map((r) => ({ Key: r.key, Value: r.value }));
  }

  /** Tags of many resources at once: Describe calls on thousands of instances stay one query. */
  tagsOf(scope: Scope, kind: Kind): Map<string, Tag[]> {
    const map = new Map<string, Tag[]>();
    for (const r of this.store.all<{ resource_id: string; key: string; value: string }>(
      `SELECT t.resource_id, t.key, t.value FROM ec2_tags t JOIN ec2_resources r ON r.id = t.resource_id
       WHERE r.account = ? AND r.region = ? AND r.kind = ? ORDER BY t.key`,
      [scope.account, scope.region, kind],
    )) {
      let list = map.get(r.resource_id);
      if (!list) map.set(r.resource_id, (list = []));
      list.push({ Key: r.key, Value: r.value });
    }
    return map;
  }

  allTags(scope: Scope): Array<{ resourceId: string; kind: Kind; key: string; value: string }> {
    return this.store
      .all<{ resource_id: string; kind: Kind; key: string; value: string }>(
        `SELECT t.resource_id, r.kind, t.key, t.value FROM ec2_tags t JOIN ec2_resources r ON r.id = t.resource_id
         WHERE r.account = ? AND r.region = ? ORDER BY t.resource_id, t.key`,
        [scope.account, scope.region],
      )
      .map((r) => ({ resourceId: r.resource_id, kind: r.kind, key: r.key, value: r.value }));
  }

  setTags(tx: Tx, id: string, tags: Tag[]): void {
    for (const t of tags) {
      tx.run(
        'INSERT INTO ec2_tags (resource_id, key, value) VALUES (?, ?, ?) ON CONFLICT(resource_id, key) DO UPDATE SET value = excluded.value',
        [id, t.Key, t.Value ?? ''],
      );
    }
  }

  deleteTags(tx: Tx, id: string, tags: Array<{ Key: string; Value?: string }> | undefined): void {
    if (!tags) {
      tx.run('DELETE FROM ec2_tags WHERE resource_id = ?', [id]);
      return;
    }
    for (const t of tags) {
      if (t.Value === undefined)
        tx.run('DELETE FROM ec2_tags WHERE resource_id = ? AND key = ?', [id, t.Key]);
      else
        tx.run('DELETE FROM ec2_tags WHERE resource_id = ? AND key = ? AND value = ?', [id, t.Key, t.Value]);
    }
  }

  /** Default networking is made once per account and Region, on first use. */
  isRegionReady(scope: Scope): boolean {
    return !!this.store.get('SELECT 1 AS x FROM ec2_regions_ready WHERE account = ? AND region = ?', [
      scope.account,
      scope.region,
    ]);
  }

  /** Public IPv4 addresses in use in a Region (instances and Elastic IPs share the pool). */
  publicIpTaken(scope: Scope, ip: string): boolean {
    return !!this.store.get('SELECT 1 AS x FROM ec2_public_ips WHERE ip = ? AND region = ?', [
      ip,
      scope.region,
    ]);
  }

  takePublicIp(tx: Tx, scope: Scope, ip: string, owner: string): void {
    tx.run('INSERT INTO ec2_public_ips (ip, account, region, owner) VALUES (?, ?, ?, ?)', [
      ip,
      scope.account,
      scope.region,
      owner,
    ]);
  }

  releasePublicIp(tx: Tx, scope: Scope, ip: string): void {
    tx.run('DELETE FROM ec2_public_ips WHERE ip = ? AND region = ?', [ip, scope.region]);
  }

  markRegionReady(tx: Tx, scope: Scope): void {
    tx.run('INSERT OR IGNORE INTO ec2_regions_ready (account, region) VALUES (?, ?)', [
      scope.account,
      scope.region,
    ]);
  }
}
