/**
 * The AWS API models (resources/models, aws-sdk v2's minified JSON) as the CLI needs them:
 * operation names, input members with their types, and the kebab-case names the CLI derives
 * from them (DescribeInstances → describe-instances, InstanceIds → --instance-ids).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelMetadata, ShapeType } from '../../../contract/aws-model';
import type { Cloud } from '../../cloud';

export interface RawShape {
  shape?: string;
  type?: ShapeType;
  members?: Record<string, RawShape>;
  member?: RawShape;
  key?: RawShape;
  value?: RawShape;
  required?: string[];
  streaming?: boolean;
  payload?: string;
  enum?: string[];
}

interface RawModel {
  metadata: Pick<ModelMetadata, 'serviceId' | 'endpointPrefix'>;
  operations: Record<string, { input?: RawShape; output?: RawShape }>;
  shapes: Record<string, RawShape>;
}

export class CliModel {
  private readonly byCli = new Map<string, string>();

  constructor(private readonly raw: RawModel) {
    for (const name of Object.keys(raw.operations)) this.byCli.set(xformName(name), name);
  }

  /** The endpoint prefix (`ec2`, `dynamodb`), for "Could not connect to the endpoint URL". */
  get endpoint(): string {
    return this.raw.metadata.endpointPrefix;
  }

  /** Operation names as the CLI spells them, sorted. */
  get cliOperations(): string[] {
    return [...this.byCli.keys()].sort();
  }

  operationFor(cliName: string): string | undefined {
    return this.byCli.get(cliName);
  }

  input(operation: string): RawShape {
    return this.resolve(this.raw.operations[operation]?.input ?? { type: 'structure', members: {} });
  }

  output(operation: string): RawShape {
    return this.resolve(this.raw.operations[operation]?.output ?? { type: 'structure', members: {} });
  }

  /** A reference with its target's definition, its own traits on top. */
  resolve(ref: RawShape): RawShape {
    if (!ref.shape) return { ...ref, type: ref.type ?? (ref.members ? 'structure' : 'string') };
    const target = this.resolve(this.raw.shapes[ref.shape] ?? {});
    const { shape: _s, ...traits } = ref;
    return { ...target, ...traits, type: traits.type ?? target.type };
  }
}

/** botocore's xform_name with a dash: ListObjectsV2 → list-objects-v2. */
export function xformName(name: string): string {
  return name
    .replace(/(.)([A-Z][a-z]+)/g, '$1-$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();
}

const cache = new WeakMap<Cloud, Map<string, CliModel>>();

/** The model of one of the cloud's services (by its service definition's model file). */
export function modelOf(cloud: Cloud, service: string): CliModel | undefined {
  const def = cloud.services.get(service);
  if (!def) return undefined;
  let models = cache.get(cloud);
  if (!models) cache.set(cloud, (models = new Map()));
  let model = models.get(service);
  if (!model) {
    // The catalogue knows where resources live; models sit next to it.
    const dir = cloud.catalogue['resourcesDir'];
    model = new CliModel(
      JSON.parse(readFileSync(join(dir, 'models', `${def.model}.json`), 'utf8')) as RawModel,
    );
    models.set(service, model);
  }
  return model;
}
