/**
 * Route 53's state in the store. Hosted zones are global per account (Route 53 is a global
 * service); a private zone lists the VPCs it answers in. Record sets are keyed by zone, name,
 * type and set identifier (routing policies: several sets share a name and type); `sort_name` is
 * the name with its labels reversed (`com.example.www.`), the order ListResourceRecordSets uses.
 * Changes record when they turn INSYNC on the simulated clock. Health checks keep their
 * configuration and a row per checker observation.
 */
import type { Migration } from '../../kernel/store';

export const route53Migrations: Migration[] = [
  {
    id: 'route53/001-zones-records',
    up(tx) {
      tx.run(`CREATE TABLE r53_zones (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        name TEXT NOT NULL,
        caller_reference TEXT NOT NULL,
        comment TEXT,
        private INTEGER NOT NULL,
        created INTEGER NOT NULL,
        delegation TEXT NOT NULL,
        UNIQUE (account_id, caller_reference)
      )`);
      tx.run('CREATE INDEX r53_zones_by_name ON r53_zones (account_id, name, id)');
      tx.run(`CREATE TABLE r53_zone_vpcs (
        zone_id TEXT NOT NULL,
        vpc_region TEXT NOT NULL,
        vpc_id TEXT NOT NULL,
        PRIMARY KEY (zone_id, vpc_region, vpc_id)
      )`);
      tx.run(`CREATE TABLE r53_records (
        zone_id TEXT NOT NULL,
        name TEXT NOT NULL,
        sort_name TEXT NOT NULL,
        type TEXT NOT NULL,
        set_identifier TEXT NOT NULL DEFAULT '',
        record TEXT NOT NULL,
        PRIMARY KEY (zone_id, name, type, set_identifier)
      )`);
      tx.run('CREATE INDEX r53_records_order ON r53_records (zone_id, sort_name, type, set_identifier)');
      tx.run(`CREATE TABLE r53_changes (
        id TEXT PRIMARY KEY,
        submitted INTEGER NOT NULL,
        insync_at INTEGER NOT NULL,
        comment TEXT
      )`);
      tx.run(`CREATE TABLE r53_health_checks (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        caller_reference TEXT NOT NULL,
        config TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        created INTEGER NOT NULL,
        UNIQUE (account_id, caller_reference)
      )`);
      tx.run(`CREATE TABLE r53_health_observations (
        health_check_id TEXT NOT NULL,
        checker TEXT NOT NULL,
        at INTEGER NOT NULL,
        healthy INTEGER NOT NULL,
        report TEXT NOT NULL,
        PRIMARY KEY (health_check_id, checker, at)
      )`);
      tx.run(`CREATE TABLE r53_tags (
        resource_type TEXT NOT NULL,
        resource_id TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (resource_type, resource_id, key)
      )`);
    },
  },
];
