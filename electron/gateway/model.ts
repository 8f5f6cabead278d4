/**
 * AWS API models, as shipped in the aws-sdk v2 package (resources/models/*.json): operations
 * with their HTTP bindings, and shapes with their wire traits (locationName, queryName,
 * flattened, xmlAttribute, timestampFormat …). Shapes reference each other by name and may be
 * recursive (DynamoDB's AttributeValue), so references are resolved lazily and cached.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelMetadata, ShapeType } from '../contract/aws-model';

export type Location = 'uri' | 'querystring' | 'header' | 'headers' | 'statusCode';
export type TimestampFormat = 'iso8601' | 'rfc822' | 'unixTimestamp';

/** A resolved shape: the referenced shape merged with the traits of the reference. */
export interface Shape {
  type: ShapeType;
  members?: Record<string, ShapeRef>;
  member?: ShapeRef;
  key?: ShapeRef;
  value?: ShapeRef;
  required?: string[];
  location?: Location;
  locationName?: string;
  queryName?: string;
  flattened?: boolean;
  xmlAttribute?: boolean;
  xmlNamespace?: string | { prefix?: string; uri: string };
  timestampFormat?: TimestampFormat;
  streaming?: boolean;
  payload?: string;
  jsonvalue?: boolean;
  idempotencyToken?: boolean;
  resultWrapper?: string;
  eventstream?: boolean;
  hostLabel?: boolean;
}

/** A shape as written in the model: inline, or `{ shape: "Name", ...traits }`. */
export interface ShapeRef extends Partial<Omit<Shape, 'type'>> {
  type?: ShapeType;
  shape?: string;
}

export interface OperationModel {
  name: string;
  http: { method: string; requestUri: string; responseCode?: number };
  input?: Shape;
  output?: Shape;
  /** Superseded by another operation on the same route (S3's PutBucketLifecycle…). */
  deprecated?: boolean;
}

interface RawOperation {
  http?: { method?: string; requestUri?: string; responseCode?: number };
  deprecated?: boolean;
  input?: ShapeRef;
  output?: ShapeRef;
}

interface RawModel {
  metadata: ModelMetadata;
  operations: Record<string, RawOperation>;
  shapes: Record<string, ShapeRef>;
}

export class ServiceModel {
  readonly metadata: ModelMetadata;
  readonly operationNames: string[];
  private readonly raw: RawModel;
  private readonly resolved = new WeakMap<ShapeRef, Shape>();
  private readonly operations = new Map<string, OperationModel>();

  constructor(raw: RawModel) {
    this.raw = raw;
    this.metadata = raw.metadata;
    this.operationNames = Object.keys(raw.operations);
  }

  static load(resourcesDir: string, uid: string): ServiceModel {
    return new ServiceModel(
      JSON.parse(readFileSync(join(resourcesDir, 'models', `${uid}.json`), 'utf8')) as RawModel,
    );
  }

  get protocol(): ModelMetadata['protocol'] {
    return this.metadata.protocol;
  }

  operation(name: string): OperationModel | undefined {
    let op = this.operations.get(name);
    if (!op) {
      const raw = this.raw.operations[name];
      if (!raw || !Object.prototype.hasOwnProperty.call(this.raw.operations, name)) return undefined;
      op = {
        name,
        http: {
          method: raw.http?.method ?? 'POST',
          requestUri: raw.http?.requestUri ?? '/',
          responseCode: raw.http?.responseCode,
        },
        input: raw.input ? this.resolve(raw.input) : undefined,
        output: raw.output ? this.resolve(raw.output) : undefined,
        ...(raw.deprecated ? { deprecated: true } : {}),
      };
      this.operations.set(name, op);
    }
    return op;
  }

  /** Resolve a reference to its shape, merging the reference's own traits over it. */
  resolve(ref: ShapeRef): Shape {
    let shape = this.resolved.get(ref);
    if (shape) return shape;
    if (ref.shape) {
      const target = this.raw.shapes[ref.shape];
      if (!target) throw new Error(`model ${this.metadata.uid}: unknown shape ${ref.shape}`);
      const base = this.resolve(target);
      const { shape: _name, ...traits } = ref;
      shape = { ...base, ...traits, type: traits.type ?? base.type } as Shape;
    } else {
      shape = { ...ref, type: ref.type ?? 'string' } as Shape;
    }
    this.resolved.set(ref, shape);
    return shape;
  }

  /** The members of a structure, resolved, in model order. */
  members(shape: Shape): Array<[string, Shape]> {
    const cached = memberCache.get(shape);
    if (cached) return cached;
    const list = Object.entries(shape.members ?? {}).map(
      ([name, ref]) => [name, this.resolve(ref)] as [string, Shape],
    );
    memberCache.set(shape, list);
    return list;
  }

  /** One member of a structure by name, resolved (a lookup, not a walk of every member). */
  member(shape: Shape, name: string): Shape | undefined {
    let byName = memberByName.get(shape);
    if (!byName) memberByName.set(shape, (byName = new Map(this.members(shape))));
    return byName.get(name);
  }
}

const memberCache = new WeakMap<Shape, Array<[string, Shape]>>();
const memberByName = new WeakMap<Shape, Map<string, Shape>>();

/** Loads each service's model once, on first use. */
export class ModelRegistry {
  private models = new Map<string, ServiceModel>();

  constructor(private readonly resourcesDir: string) {}

  get(uid: string): ServiceModel {
    let model = this.models.get(uid);
    if (!model) {
      model = ServiceModel.load(this.resourcesDir, uid);
      this.models.set(uid, model);
    }
    return model;
  }
}
