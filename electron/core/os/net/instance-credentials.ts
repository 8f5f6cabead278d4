/**
 * Temporary credentials for instance profiles, as the metadata service hands them out: an
 * ASIA… access key, a secret and a session token for the role's session
 * `arn:aws:sts::ACCOUNT:assumed-role/ROLE/i-…`, valid six hours on the simulated clock and
 * rotated an hour before they expire.
 *
 * They are kept here, per cloud, for callers inside the cloud (the instances' `aws` command) to
 * verify, and registered with the account store (kernel/session-keys.ts) for the gateway.
 */
import type { Cloud } from '../../cloud';
import type { SessionCredentials } from '../../kernel/session-keys';

export const SESSION_LIFETIME_MS = 6 * 3_600_000;
const ROTATE_BEFORE_MS = 3_600_000;

export type { SessionCredentials };

export class InstanceCredentials {
  private readonly byKey = new Map<string, SessionCredentials>();
  private readonly byInstance = new Map<string, SessionCredentials>();

  constructor(private readonly cloud: Cloud) {}

  /** The instance's current credentials for its role, issuing fresh ones when due. */
  current(account: string, instanceId: string, role: string): SessionCredentials {
    const now = this.cloud.clock.now();
    const held = this.byInstance.get(instanceId);
    if (held && held.role === role && held.expiration - now > ROTATE_BEFORE_MS) return held;
    const creds = this.cloud.sessionKeys.issue(account, role, instanceId, now, SESSION_LIFETIME_MS);
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
