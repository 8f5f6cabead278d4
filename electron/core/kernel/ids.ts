/**
 * Identifiers in AWS's formats. Random by default; in deterministic mode (`--seed N`) each
 * namespace ("i", "vpc", "sg" …) draws from its own counter, persisted in the same transaction
 * as the resource it names, so the same steps always produce the same IDs — also across
 * restarts, and whatever else (console polling, other namespaces) happens in between.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Migration, Tx } from './store';

export const idMigrations: Migration[] = [
  {
    id: 'kernel/002-id-counters',
    up: (tx) => tx.run('CREATE TABLE _id_counters (ns TEXT PRIMARY KEY, n INTEGER NOT NULL)'),
  },
];

export class Ids {
  constructor(readonly seed: string | null) {}

  get deterministic(): boolean {
    return this.seed !== null;
  }

  /** `length` lowercase hex digits, drawn from namespace `ns`. */
  hex(tx: Tx, ns: string, length: number): string {
    if (this.seed === null)
      return randomBytes(Math.ceil(length / 2))
        .toString('hex')
        .slice(0, length);
    tx.run('INSERT INTO _id_counters (ns, n) VALUES (?, 1) ON CONFLICT(ns) DO UPDATE SET n = n + 1', [ns]);
    const n = tx.get<{ n: number }>('SELECT n FROM _id_counters WHERE ns = ?', [ns])!.n;
    let out = '';
    for (let block = 0; out.length < length; block++) {
      out += createHash('sha256').update(`${this.seed}\0${ns}\0${n}\0${block}`).digest('hex');
    }
    return out.slice(0, length);
  }

  /** An EC2-style resource ID: `i-0` + 16 hex digits, `vpc-0…`, `sg-0…` (17 hex digits in all). */
  resource(tx: Tx, prefix: string): string {
    return `${prefix}-0${this.hex(tx, prefix, 16)}`;
  }

  /** A UUID (version 4 layout) from namespace `ns`. */
  uuid(tx: Tx, ns: string): string {
    if (this.seed === null) return randomUUID();
    const h = this.hex(tx, ns, 32);
    const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  /** Uppercase alphanumerics, e.g. Route 53 zone IDs (Z + 20). */
  upper(tx: Tx, ns: string, length: number): string {
    const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    const hex = this.hex(tx, ns, length * 2);
    let out = '';
    for (let i = 0; i < length; i++)
      out += alphabet[parseInt(hex.slice(i * 2, i * 2 + 2), 16) % alphabet.length];
    return out;
  }

  /** Request IDs are per response and never stored, so they are always random. */
  requestId(): string {
    return randomUUID();
  }
}
