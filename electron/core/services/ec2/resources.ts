/**
 * EC2 resources in the store: one table for every kind (id, account, region, kind, a name and
 * a parent for lookups, the record as JSON) and one for tags. Reads parse records on demand;
 * writes go through the caller's transaction so a change and its IDs commit together.
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

export class Resources {
  private seq: number;

  constructor(private readonly store: Store) {
    this.seq = store.get<{ m: number | null }>('SELECT max(seq) AS m FROM ec2_resources')?.m ?? 0;
  }

  get<T>(scope: Scope, kind: Kind, id: string): T | undefined {
    const row = this.store.get<Row>(
      'SELECT id, doc FROM ec2_resources WHERE id = ? AND account = ? AND region = ? AND kind = ?',
      [id, scope.account, scope.region, kind],
    );
    return row ? (JSON.parse(row.doc) as T) : undefined;
  }

  list<T>(scope: Scope, kind: Kind, where: { parent?: string; name?: string } = {}): T[] {
    let sql = 'SELECT id, doc FROM ec2_resources WHERE account = ? AND region = ? AND kind = ?';
    const params: string[] = [scope.account, scope.region, kind];
    if (where.parent !== undefined) {
      sql += ' AND parent = ?';
      params.push(where.parent);
    }
    if (where.name !== undefined) {
      sql += ' AND name = ?';
      params.push(where.name);
    }
    return this.store.all<Row>(`${sql} ORDER BY seq`, params).map((r) => JSON.parse(r.doc) as T);
  }

  /** Every record of a kind in every Region of every account (the lifecycle scheduler). */
  everywhere<T>(kind: Kind): Array<{ scope: Scope; record: T }> {
    return this.store
      .all<Row & { account: string; region: string }>(
        'SELECT id, account, region, doc FROM ec2_resources WHERE kind = ? ORDER BY seq',
        [kind],
      )
      .map((r) => ({ scope: { account: r.account, region: r.region }, record: JSON.parse(r.doc) as T }));
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
  }

  delete(tx: Tx, id: string): void {
    tx.run('DELETE FROM ec2_resources WHERE id = ?', [id]);
    tx.run('DELETE FROM ec2_tags WHERE resource_id = ?', [id]);
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
