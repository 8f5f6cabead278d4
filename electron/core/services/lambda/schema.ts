/**
 * Lambda's state in the store. A function is one row of `lambda_functions` (what belongs to
 * the function as a whole: version counter, resource policy, reserved concurrency, tags) and
 * one row per version in `lambda_versions` ($LATEST, then 1, 2 …: each an immutable snapshot
 * of the configuration and the code's hash, except $LATEST). Deployment packages are kept once
 * per content in `lambda_code` (the zip in the blob directory, or inline for an in-memory
 * cloud).
 */
import type { Migration } from '../../kernel/store';

export const lambdaMigrations: Migration[] = [
  {
    id: 'lambda/001-functions',
    up(tx) {
      tx.run(`CREATE TABLE lambda_functions (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        created INTEGER NOT NULL,
        next_version INTEGER NOT NULL DEFAULT 1,
        policy TEXT,
        reserved_concurrency INTEGER,
        tags TEXT NOT NULL DEFAULT '{}',
        invoke_configs TEXT NOT NULL DEFAULT '{}',
        PRIMARY KEY (account_id, region, name)
      )`);
      tx.run(`CREATE TABLE lambda_versions (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        version TEXT NOT NULL,
        config TEXT NOT NULL,
        code_sha TEXT NOT NULL,
        PRIMARY KEY (account_id, region, name, version)
      )`);
      tx.run(`CREATE TABLE lambda_code (
        sha TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        blob TEXT,
        data BLOB
      )`);
      tx.run(`CREATE TABLE lambda_aliases (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        alias TEXT NOT NULL,
        config TEXT NOT NULL,
        PRIMARY KEY (account_id, region, name, alias)
      )`);
      // Event source mappings: the configuration as the API shows it, and the reader's place
      // in each shard of the source stream.
      tx.run(`CREATE TABLE lambda_event_source_mappings (
        uuid TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        function_name TEXT NOT NULL,
        config TEXT NOT NULL,
        position TEXT NOT NULL DEFAULT '{}'
      )`);
      tx.run(`CREATE TABLE lambda_url_configs (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        qualifier TEXT NOT NULL,
        url_id TEXT NOT NULL UNIQUE,
        config TEXT NOT NULL,
        PRIMARY KEY (account_id, region, name, qualifier)
      )`);
      // Asynchronous invocations waiting for their (next) attempt: kept in the store, so an
      // accepted event (202) is delivered after a restart too.
      tx.run(`CREATE TABLE lambda_async_queue (
        request_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        qualifier TEXT NOT NULL,
        payload TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        due INTEGER NOT NULL,
        received INTEGER NOT NULL,
        source TEXT
      )`);
      tx.run('CREATE INDEX lambda_async_due ON lambda_async_queue (due)');
      // Events that failed every attempt (or expired): the failure record, as an on-failure
      // destination would receive it.
      tx.run(`CREATE TABLE lambda_async_failures (
        request_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        at INTEGER NOT NULL,
        record TEXT NOT NULL
      )`);
      // One row per invocation, for the console's monitoring charts.
      tx.run(`CREATE TABLE lambda_invocations (
        id INTEGER PRIMARY KEY,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        at INTEGER NOT NULL,
        duration REAL NOT NULL,
        error INTEGER NOT NULL,
        cold INTEGER NOT NULL,
        throttled INTEGER NOT NULL DEFAULT 0
      )`);
      tx.run(
        'CREATE INDEX lambda_invocations_by_function ON lambda_invocations (account_id, region, name, at)',
      );
      // The console's saved test events (Lambda keeps them outside the Lambda API).
      tx.run(`CREATE TABLE lambda_test_events (
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        event_name TEXT NOT NULL,
        event TEXT NOT NULL,
        PRIMARY KEY (account_id, region, name, event_name)
      )`);
    },
  },
];
