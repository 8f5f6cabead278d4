/**
 * The console's door to the cloud: typed calls over whichever transport this console runs on
 * (the Electron preload, or a WebSocket to `cloudlab serve`). AWS actions go through `aws()`,
 * which runs the same operation the AWS CLI would.
 */
import type {
  AwsErrorShape,
  InputOf,
  OperationName,
  OutputOf,
  ServiceName,
} from '../../../electron/contract/aws-api';
import type {
  ArgsOf,
  ConsoleChannel,
  ConsoleEvents,
  ConsoleTransport,
  ResultOf,
} from '../../../electron/contract/console-api';
import { WebSocketTransport } from './ws-transport';

export class CloudLabError extends Error implements AwsErrorShape {
  readonly code: string;
  readonly status: number;
  constructor(shape: AwsErrorShape) {
    super(shape.message);
    this.code = shape.code;
    this.status = shape.status;
  }
}

function createTransport(): ConsoleTransport {
  if (window.cloudlab) return window.cloudlab;
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return new WebSocketTransport(`${scheme}://${location.host}/_cloudlab/ws`);
}

const transport = createTransport();

export async function lab<C extends ConsoleChannel>(channel: C, args: ArgsOf<C>): Promise<ResultOf<C>> {
  const envelope = await transport.invoke(channel, args);
  if (!envelope.ok) throw new CloudLabError(envelope.error);
  return envelope.result;
}

/** Fire-and-forget (the keystroke path): nothing comes back, errors included. */
export function labSend<C extends ConsoleChannel>(channel: C, args: ArgsOf<C>): void {
  transport.send(channel, args);
}

export function aws<S extends ServiceName, O extends OperationName<S>>(
  service: S,
  operation: O,
  region: string,
  input: InputOf<S, O>,
): Promise<OutputOf<S, O>> {
  return lab('aws.call', { service, operation, region, input }) as Promise<OutputOf<S, O>>;
}

export function onEvent<E extends keyof ConsoleEvents>(
  event: E,
  listener: (payload: ConsoleEvents[E]) => void,
): () => void {
  return transport.on(event, listener);
}
