/**
 * CloudWatch Logs in the store: log groups per account and Region, their streams, and the
 * events. Events are read in (timestamp, seq) order — a stream's for GetLogEvents, a group's for
 * FilterLogEvents and the retention sweeper — so both orders are indexes, never a sort.
 */
import type { Migration } from '../../kernel/store';

export const logsMigrations: Migration[] = [
  {
    id: 'logs/001-groups-streams-events',
    up(tx) {
      tx.run(`CREATE TABLE logs_groups (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        retention_days INTEGER,
        kms_key_id TEXT,
        group_class TEXT NOT NULL,
        tags TEXT NOT NULL,
        stored_bytes INTEGER NOT NULL DEFAULT 0,
        UNIQUE (account_id, region, name)
      )`);
      tx.run(
        'CREATE INDEX logs_groups_retention ON logs_groups (retention_days) WHERE retention_days IS NOT NULL',
      );
      tx.run(`CREATE TABLE logs_streams (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        group_id INTEGER NOT NULL,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        first_event INTEGER,
        last_event INTEGER,
        last_ingestion INTEGER,
        uploads INTEGER NOT NULL DEFAULT 0,
        UNIQUE (group_id, name)
      )`);
      tx.run('CREATE INDEX logs_streams_last_event ON logs_streams (group_id, last_event)');
      // seq numbers events in ingestion order; with the timestamp it makes the event ID.
      tx.run(`CREATE TABLE logs_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        group_id INTEGER NOT NULL,
        stream_id INTEGER NOT NULL,
        timestamp INTEGER NOT NULL,
        ingested INTEGER NOT NULL,
        message TEXT NOT NULL
      )`);
      tx.run('CREATE INDEX logs_events_stream ON logs_events (stream_id, timestamp, seq)');
      tx.run('CREATE INDEX logs_events_group ON logs_events (group_id, timestamp, seq)');
    },
  },
];
