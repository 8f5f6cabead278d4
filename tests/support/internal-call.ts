/**
 * Calling a service's operations on an in-process cloud as the console's principal, the way the
 * console's `aws.call` does: no wire, the same operation layer.
 */
import type { Cloud } from '../../electron/core/cloud';

/** `call('CreateHostedZone', {...})` for one service; `region` defaults to us-east-1. */
export function serviceCaller(cloud: () => Cloud, service: string) {
  return <T = Record<string, unknown>>(operation: string, input: unknown = {}, region = 'us-east-1') =>
    cloud().invoke({
      service,
      operation,
      input,
      region,
      principal: cloud().accounts.consolePrincipal(),
      source: 'internal',
    }) as Promise<T>;
}
