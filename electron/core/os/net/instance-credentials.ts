/**
 * Temporary credentials for instance profiles, as the metadata service hands them out: an
 * ASIA… access key, a secret and a session token for the role's session
 * `arn:aws:sts::ACCOUNT:assumed-role/ROLE/i-…`, valid six hours on the simulated clock and
 * rotated an hour before they expire.
 *
 * The gateway's signature check knows only the account store's long-term keys, so these are
 * kept here, per cloud, for callers inside the cloud (the instances' `aws` command) to verify.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Cloud } from '../../cloud';
import type { Principal } from '../../kernel/accounts';

export const SESSION_LIFETIME_MS = 6 * 3_600_000;
const ROTATE_BEFORE_MS = 3_600_000;

export interface SessionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  token: string;
  issuedAt: number;
  expiration: number;
  principal: Principal;
  role: string;
  instanceId: string;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export class InstanceCredentials {
  private readonly byKey = new Map<string, SessionCredentials>();
  private readonly byInstance = new Map<string, SessionCredentials>();
  private seq = 0;

  constructor(private readonly cloud: Cloud) {}

  private bytes(label: string, n: number): Buffer {
    if (!this.cloud.ids.deterministic) return randomBytes(n);
    const out: Buffer[] = [];
    for (let i = 0; out.length * 32 < n; i++)
      out.push(createHash('sha256').update(`${this.cloud.ids.seed}|${label}|${this.seq}|${i}`).digest());
    return Buffer.concat(out).subarray(0, n);
  }

  /** The instance's current credentials for its role, issuing fresh ones when due. */
  current(account: string, instanceId: string, role: string): SessionCredentials {
    const now = this.cloud.clock.now();
    const held = this.byInstance.get(instanceId);
    if (held && held.role === role && held.expiration - now > ROTATE_BEFORE_MS) return held;
    this.seq += 1;
    const id = [...this.bytes(`key|${instanceId}`, 16)].map((b) => ALPHABET[b % 32]).join('');
    const roleId = [...this.bytes(`role|${account}|${role}`, 17)].map((b) => ALPHABET[b % 32]).join('');
    const creds: SessionCredentials = {
      accessKeyId: `ASIA${id}`,
      secretAccessKey: this.bytes(`secret|${instanceId}`, 30).toString('base64'),
      token: `IQoJb3JpZ2luX2VjE${this.bytes(`token|${instanceId}`, 300).toString('base64')}`,
      issuedAt: now,
      expiration: now + SESSION_LIFETIME_MS,
      role,
      instanceId,
      principal: {
        accountId: account,
        arn: `arn:aws:sts::${account}:assumed-role/${role}/${instanceId}`,
        userId: `AROA${roleId}:${instanceId}`,
        accessKeyId: `ASIA${id}`,
      },
    };
    this.byInstance.set(instanceId, creds);
    this.byKey.set(creds.accessKeyId, creds);
    return creds;
  }

  /** Credentials by access key ID, also after they expired (callers tell the two apart). */
  find(accessKeyId: string): SessionCredentials | undefined {
    return this.byKey.get(accessKeyId);
  }
}

const registries = new WeakMap<Cloud, InstanceCredentials>();

export function instanceCredentials(cloud: Cloud): InstanceCredentials {
  let r = registries.get(cloud);
  if (!r) {
    r = new InstanceCredentials(cloud);
    registries.set(cloud, r);
  }
  return r;
}
