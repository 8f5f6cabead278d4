/**
 * EC2's per-cloud state: the resource store and the lifecycle scheduler that moves instances,
 * volumes and snapshots through their states on the simulated clock.
 */
import type { Cloud } from '../../cloud';
import type { OperationContext, ServiceRuntime } from '../../service';
import { Lifecycle } from './lifecycle';
import { Resources, type Scope } from './resources';

export class Ec2Runtime implements ServiceRuntime {
  readonly resources: Resources;
  readonly lifecycle: Lifecycle;

  constructor(readonly cloud: Cloud) {
    this.resources = new Resources(cloud.store);
    this.lifecycle = new Lifecycle(this);
  }

  async close(): Promise<void> {
    this.lifecycle.stop();
    await this.lifecycle.settled();
  }
}

/** What code acting on one account's EC2 in one Region needs (operations and the scheduler). */
export interface Ec2Scope {
  cloud: Cloud;
  rt: Ec2Runtime;
  res: Resources;
  scope: Scope;
}

export interface Ec2Context extends Ec2Scope {
  ctx: OperationContext;
}

export function ec2(ctx: OperationContext): Ec2Context {
  const rt = ctx.cloud.runtime<Ec2Runtime>('ec2');
  return {
    ctx,
    cloud: ctx.cloud,
    rt,
    res: rt.resources,
    scope: { account: ctx.principal.accountId, region: ctx.region.code },
  };
}

export function ec2Scope(rt: Ec2Runtime, scope: Scope): Ec2Scope {
  return { cloud: rt.cloud, rt, res: rt.resources, scope };
}
