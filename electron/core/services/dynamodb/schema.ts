/**
 * DynamoDB's tables in the store. Items are rows keyed so that SQLite's own B-tree order is
 * DynamoDB's order: within a table by the partition key's hash (Scan order, and the split of
 * parallel scan segments), then the partition key, then the sort key — both as
 * order-preserving bytes (key-codec.ts). Query and Scan are range reads on that key, never a
 * load of the table.
 */
import type { Migration } from '../../kernel/store';

export const dynamodbMigrations: Migration[] = [
  {
    id: 'dynamodb/001-tables-items',
    up(tx) {
      // `meta` is the table's definition as JSON (TableMeta); counters change with every write,
      // so they live in their own columns instead of rewriting the definition.
      tx.run(`CREATE TABLE ddb_tables (
        id INTEGER PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        meta TEXT NOT NULL,
        UNIQUE (account_id, region, name)
      )`);
      tx.run(`CREATE TABLE ddb_items (
        table_id INTEGER NOT NULL,
        hash INTEGER NOT NULL,
        pk BLOB NOT NULL,
        sk BLOB NOT NULL,
        item TEXT NOT NULL,
        size INTEGER NOT NULL,
        PRIMARY KEY (table_id, hash, pk, sk)
      ) WITHOUT ROWID`);
      // A secondary index entry points at its base item; ipk/isk are the index's own key.
      tx.run(`CREATE TABLE ddb_index_items (
        table_id INTEGER NOT NULL,
        index_name TEXT NOT NULL,
        hash INTEGER NOT NULL,
        ipk BLOB NOT NULL,
        isk BLOB NOT NULL,
        base_hash INTEGER NOT NULL,
        pk BLOB NOT NULL,
        sk BLOB NOT NULL,
        size INTEGER NOT NULL,
        PRIMARY KEY (table_id, index_name, hash, ipk, isk, pk, sk)
      ) WITHOUT ROWID`);
      // Items and bytes per table ('' ) and per index, kept with every write for DescribeTable.
      tx.run(`CREATE TABLE ddb_counts (
        table_id INTEGER NOT NULL,
        index_name TEXT NOT NULL,
        items INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        PRIMARY KEY (table_id, index_name)
      ) WITHOUT ROWID`);
      // When each item of a table with Time to Live expires, so the sweeper reads a range.
      tx.run(`CREATE TABLE ddb_ttl (
        table_id INTEGER NOT NULL,
        expires INTEGER NOT NULL,
        hash INTEGER NOT NULL,
        pk BLOB NOT NULL,
        sk BLOB NOT NULL,
        PRIMARY KEY (table_id, expires, hash, pk, sk)
      ) WITHOUT ROWID`);
      tx.run('CREATE INDEX ddb_ttl_item ON ddb_ttl (table_id, hash, pk, sk)');
      // TransactWriteItems' ClientRequestToken: the same token within 10 minutes is the same call.
      tx.run(`CREATE TABLE ddb_idempotency (
        account_id TEXT NOT NULL,
        token TEXT NOT NULL,
        request_hash TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (account_id, token)
      )`);
      // Stream records: one shard per stream, sequence numbers in insertion order.
      tx.run(`CREATE TABLE ddb_stream_records (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        stream_arn TEXT NOT NULL,
        at INTEGER NOT NULL,
        record TEXT NOT NULL
      )`);
      tx.run('CREATE INDEX ddb_stream_records_arn ON ddb_stream_records (stream_arn, seq)');
      // Streams outlive their table (24 hours on AWS), so they are rows of their own.
      tx.run(`CREATE TABLE ddb_streams (
        arn TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        table_name TEXT NOT NULL,
        label TEXT NOT NULL,
        view_type TEXT NOT NULL,
        key_schema TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        disabled_at INTEGER
      )`);
    },
  },
];
