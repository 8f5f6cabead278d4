/**
 * Routing by X-Amz-Target (gateway/route.ts): every service whose model has a target prefix is
 * found by it, and the first lookup reads only the models of the prefix's API version, not all
 * of them (EC2's alone takes 20 ms to parse).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Catalogue } from '../../../electron/core/infra/catalogue';
import { services } from '../../../electron/core/services';
import type { GatewayRequest } from '../../../electron/gateway/http';
import { ModelRegistry } from '../../../electron/gateway/model';
import { ServiceRouter } from '../../../electron/gateway/route';
import type { ParsedAuth } from '../../../electron/gateway/sigv4';
import { RESOURCES } from '../../support/temp';

/** A registry that records which models were read. */
class CountingRegistry extends ModelRegistry {
  readonly read: string[] = [];
  override get(uid: string) {
    if (!this.read.includes(uid)) this.read.push(uid);
    return super.get(uid);
  }
}

const request = (target: string) =>
  ({
    method: 'POST',
    path: '/',
    query: {},
    headers: { host: '127.0.0.1:4566', 'x-amz-target': target },
  }) as unknown as GatewayRequest;
const unsigned = { kind: 'none' } as unknown as ParsedAuth;

let catalogue: Catalogue;
beforeAll(() => {
  catalogue = Catalogue.load(RESOURCES);
});

describe('routing by X-Amz-Target', () => {
  it('reads only the models of the target’s API version on the first lookup', () => {
    const models = new CountingRegistry(RESOURCES);
    const router = new ServiceRouter(services, models, catalogue);
    expect(router.route(request('DynamoDB_20120810.PutItem'), unsigned)?.service.name).toBe('dynamodb');
    expect(models.read.every((uid) => uid.endsWith('-2012-08-10'))).toBe(true);
    expect(models.read).not.toContain('ec2-2016-11-15');
  });

  it('finds every service that has a target prefix, and nothing for an unknown one', () => {
    const all = new ModelRegistry(RESOURCES);
    const withPrefix = services.filter((s) => all.get(s.model).metadata.targetPrefix);
    expect(withPrefix.length).toBeGreaterThan(1);
    const router = new ServiceRouter(services, new CountingRegistry(RESOURCES), catalogue);
    for (const s of withPrefix) {
      const prefix = all.get(s.model).metadata.targetPrefix!;
      expect(router.route(request(`${prefix}.Anything`), unsigned)?.service.name, prefix).toBe(s.name);
    }
    const models = new CountingRegistry(RESOURCES);
    const fresh = new ServiceRouter(services, models, catalogue);
    expect(fresh.route(request('NoSuchService_20990101.Op'), unsigned)?.service.name).not.toBe('dynamodb');
    // An unknown prefix has to look at every model, once.
    expect(models.read.length).toBe(new Set(services.map((s) => s.model)).size);
  });
});
