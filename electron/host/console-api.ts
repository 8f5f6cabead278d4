/**
 * The console's channels, implemented once for both transports (Electron IPC and the web
 * console's WebSocket). AWS actions go through Cloud.invoke() as the account's root user,
 * exactly like a signed request would.
 */
import type {
  ArgsOf,
  ListenerSettings,
  ConsoleApi,
  ConsoleChannel,
  Envelope,
  LabInfo,
  ResultOf,
} from '../contract/console-api';
import type { Cloud } from '../core/cloud';
import { AwsError, isAwsError } from '../core/kernel/errors';
import { DEFAULT_DESKTOP_LISTENERS, DESKTOP_LISTENERS_KEY, validateListeners } from './desktop-settings';

export type ConsoleHandlers = {
  [C in ConsoleChannel]: (args: ArgsOf<C>) => Promise<ResultOf<C>> | ResultOf<C>;
};

export interface ListenerControl {
  /** The desktop app may change its listeners; `cloudlab serve` takes them from flags. */
  editable: boolean;
  running: () => ListenerSettings;
}

export function createConsoleHandlers(
  cloud: Cloud,
  info: () => LabInfo,
  listeners: ListenerControl,
): ConsoleHandlers {
  return {
    'aws.call': (call) => {
      if (!call || typeof call.service !== 'string' || typeof call.operation !== 'string') {
        throw new AwsError('ValidationException', 'aws.call needs a service, an operation and a region.');
      }
      return cloud.invoke({
        service: call.service,
        operation: call.operation,
        region: call.region,
        input: call.input ?? {},
        principal: cloud.accounts.consolePrincipal(),
        source: 'console',
      });
    },
    'lab.info': () => info(),
    'lab.catalogue': () => ({
      regions: cloud.catalogue.regions.map((r) => ({
        code: r.code,
        name: r.name,
        group: r.group,
        city: r.city,
        country: r.country,
        latitude: r.latitude,
        longitude: r.longitude,
        optIn: r.optIn,
        launched: r.launched,
        availabilityZones: r.zones.filter((z) => z.type === 'availability-zone').length,
        localZones: r.zones.filter((z) => z.type !== 'availability-zone').length,
      })),
      edgeLocations: cloud.catalogue.edgeLocations,
    }),
    'lab.credentials': () => {
      const principal = cloud.accounts.consolePrincipal();
      return {
        accountId: principal.accountId,
        accountAlias: 'cloudlab',
        principalArn: principal.arn,
        accessKeys: cloud.accounts.listAccessKeys(principal.accountId).map((k) => ({
          accessKeyId: k.accessKeyId,
          secretAccessKey: k.secretAccessKey,
          status: k.status,
        })),
        endpoint: info().endpoint,
      };
    },
    'lab.clock': (change) => {
      if (change) {
        try {
          cloud.setClock(change);
        } catch (e) {
          throw new AwsError('ValidationException', (e as Error).message);
        }
      }
      const c = cloud.clock;
      return { now: c.now(), speed: c.speed, paused: c.paused, deterministic: cloud.ids.deterministic };
    },
    'lab.region-opt-in': async ({ region, enabled }) => {
      const r = cloud.catalogue.region(region);
      if (!r) throw new AwsError('ValidationException', `Unknown region ${region}.`);
      if (!r.optIn)
        throw new AwsError('ValidationException', `${r.name} is enabled by default and cannot be changed.`);
      await cloud.accounts.setOptInRegion(cloud.accounts.consolePrincipal().accountId, region, enabled);
      cloud.events.publish({
        topic: 'account.regions.changed',
        at: cloud.clock.now(),
        data: { region, enabled },
      });
      return null;
    },
    'lab.listeners': async (change) => {
      const running = listeners.running();
      if (!listeners.editable) {
        if (change)
          throw new AwsError(
            'ValidationException',
            'Ports are set with cloudlab serve flags: --host, --port.',
          );
        return { settings: running, editable: false, restartRequired: false };
      }
      if (change) {
        const valid = validateListeners(change);
        if (typeof valid === 'string') throw new AwsError('ValidationException', valid);
        await cloud.settings.set(DESKTOP_LISTENERS_KEY, valid);
      }
      const saved = {
        ...DEFAULT_DESKTOP_LISTENERS,
        ...cloud.settings.get<ListenerSettings>(DESKTOP_LISTENERS_KEY),
      };
      const differs =
        saved.enabled !== running.enabled ||
        (saved.enabled && (saved.host !== running.host || saved.port !== running.port));
      return { settings: saved, editable: true, restartRequired: differs };
    },
  };
}

/** Run a channel and wrap the outcome; never throws. */
export async function dispatchConsole<C extends ConsoleChannel>(
  handlers: ConsoleHandlers,
  channel: C,
  args: ArgsOf<C>,
): Promise<Envelope<ResultOf<C>>> {
  const handler = handlers[channel] as ((a: ArgsOf<C>) => Promise<ResultOf<C>> | ResultOf<C>) | undefined;
  if (typeof handler !== 'function' || !Object.prototype.hasOwnProperty.call(handlers, channel)) {
    return {
      ok: false,
      error: { code: 'UnknownChannel', message: `No console channel ${String(channel)}.`, status: 400 },
    };
  }
  try {
    return { ok: true, result: await handler(args) };
  } catch (e) {
    if (isAwsError(e)) return { ok: false, error: e.toJSON() };
    return { ok: false, error: { code: 'InternalFailure', message: (e as Error).message, status: 500 } };
  }
}

export type { ConsoleApi };
