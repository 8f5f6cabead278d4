/**
 * Temporary credentials for an assumed role's session, as STS hands them out: an ASIA… access
 * key, a secret and a session token, for `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`. They
 * are registered with the account store, so the gateway accepts requests signed with them
 * (instance profiles, Lambda execution roles). In deterministic mode the material is drawn from
 * the seed, so screenshots of `aws configure list` repeat.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Accounts, Principal } from './accounts';
import type { Ids } from './ids';

export interface SessionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  token: string;
  issuedAt: number;
  expiration: number;
  principal: Principal;
  role: string;
  /** The session name (instance ID, function name). */
  session: string;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export class SessionKeys {
  private seq = 0;

  constructor(
    private readonly ids: Ids,
    private readonly accounts: Accounts,
  ) {}

  private bytes(label: string, n: number): Buffer {
    if (!this.ids.deterministic) return randomBytes(n);
    const out: Buffer[] = [];
    for (let i = 0; out.length * 32 < n; i++)
      out.push(createHash('sha256').update(`${this.ids.seed}|${label}|${this.seq}|${i}`).digest());
    return Buffer.concat(out).subarray(0, n);
  }

  /** Fresh credentials for `role` (a role name) in `account`, for a session named `session`. */
  issue(account: string, role: string, session: string, now: number, lifetimeMs: number): SessionCredentials {
    this.seq += 1;
    const id = [...this.bytes(`key|${session}`, 16)].map((b) => ALPHABET[b % 32]).join('');
    const roleId = [...this.bytes(`role|${account}|${role}`, 17)].map((b) => ALPHABET[b % 32]).join('');
    const creds: SessionCredentials = {
      accessKeyId: `ASIA${id}`,
      secretAccessKey: this.bytes(`secret|${session}`, 30).toString('base64'),
      token: `IQoJb3JpZ2luX2VjE${this.bytes(`token|${session}`, 300).toString('base64')}`,
      issuedAt: now,
      expiration: now + lifetimeMs,
      role,
      session,
      principal: {
        accountId: account,
        arn: `arn:aws:sts::${account}:assumed-role/${role}/${session}`,
        userId: `AROA${roleId}:${session}`,
        accessKeyId: `ASIA${id}`,
      },
    };
    this.accounts.addSessionKey({
      accessKeyId: creds.accessKeyId,
      secretAccessKey: creds.secretAccessKey,
      status: 'Active',
      principal: creds.principal,
    });
    return creds;
  }
}
