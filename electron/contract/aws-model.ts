/**
 * The AWS API model files (aws-sdk v2's resources/models/*.json) as far as both their readers
 * use them: the gateway's protocol layer and the AWS CLI on simulated instances. Types only.
 */

/** The `type` of a shape in a model. */
export type ShapeType =
  | 'structure'
  | 'list'
  | 'map'
  | 'string'
  | 'integer'
  | 'long'
  | 'float'
  | 'double'
  | 'boolean'
  | 'timestamp'
  | 'blob';

/** A model file's `metadata`. */
export interface ModelMetadata {
  apiVersion: string;
  endpointPrefix: string;
  protocol: 'query' | 'ec2' | 'json' | 'rest-json' | 'rest-xml';
  jsonVersion?: string;
  targetPrefix?: string;
  xmlNamespace?: string;
  signingName?: string;
  serviceId: string;
  uid: string;
  globalEndpoint?: string;
}
