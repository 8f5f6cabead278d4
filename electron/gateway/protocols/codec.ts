/**
 * What a protocol codec does: find the operation a request calls, decode its input into the
 * SDK's shape, encode an output or an AWS error the way the SDKs and the CLI parse them.
 * One codec per protocol (query, ec2, json, rest-json, rest-xml), driven by the model.
 */
import type { AwsError } from '../../core/kernel/errors';
import type { GatewayRequest, WireResponse } from '../http';
import type { OperationModel, ServiceModel, Shape } from '../model';
import type { WireOptions } from './wire-options';

export interface ProtocolCodec {
  readonly model: ServiceModel;
  /** True when the operation name is in the body (query protocols), so it must be read first. */
  readonly operationInBody: boolean;
  /** The operation the request calls, or undefined when it names none the model has. */
  findOperation(req: GatewayRequest): OperationModel | undefined;
  /** The protocol's error for a request that names no known operation. */
  unknownOperation(req: GatewayRequest): AwsError;
  decode(req: GatewayRequest, op: OperationModel): Record<string, unknown>;
  encode(req: GatewayRequest, op: OperationModel, output: unknown, requestId: string): WireResponse;
  encodeError(req: GatewayRequest, error: AwsError, requestId: string): WireResponse;
}

export interface CodecOptions {
  model: ServiceModel;
  wire: WireOptions;
}

/** Top-level required members the input lacks (empty strings count as present). */
export function missingRequired(
  model: ServiceModel,
  shape: Shape | undefined,
  input: Record<string, unknown>,
): string[] {
  if (!shape?.required) return [];
  return shape.required
    .filter((name) => input[name] === undefined || input[name] === null)
    .filter((name) => model.members(shape).some(([n]) => n === name));
}

/** "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: …" */
export function nullValidationMessage(names: string[]): string {
  const parts = names.map(
    (n) =>
      `Value null at '${n.charAt(0).toLowerCase()}${n.slice(1)}' failed to satisfy constraint: Member must not be null`,
  );
  return `${names.length} validation error${names.length === 1 ? '' : 's'} detected: ${parts.join('; ')}`;
}
