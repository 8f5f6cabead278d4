/** Picks the codec for a service's protocol. */
import type { ServiceModel } from '../model';
import type { ProtocolCodec } from './codec';
import { JsonCodec } from './json';
import { QueryCodec } from './query';
import { RestCodec } from './rest';
import { WIRE_OPTIONS } from './wire-options';

export type { ProtocolCodec } from './codec';

export function createCodec(serviceName: string, model: ServiceModel): ProtocolCodec {
  const options = { model, wire: WIRE_OPTIONS[serviceName] ?? {} };
  switch (model.protocol) {
    case 'query':
    case 'ec2':
      return new QueryCodec(options);
    case 'json':
      return new JsonCodec(options);
    case 'rest-json':
    case 'rest-xml':
      return new RestCodec(options);
  }
}
