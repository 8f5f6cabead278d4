/**
 * Which service a request is for, routed as AWS routes: the JSON target header
 * (`X-Amz-Target: DynamoDB_20120810.PutItem`), the SigV4 credential scope's service, then the
 * host name (`sts.us-east-1.amazonaws.com`, `BUCKET.s3.localhost`). What is left — unsigned
 * REST requests — goes to S3, which answers anonymous requests.
 */
import type { Catalogue } from '../core/infra/catalogue';
import type { ServiceDefinition } from '../core/service';
import type { GatewayRequest } from './http';
import type { ModelRegistry } from './model';
import type { ParsedAuth } from './sigv4';

export interface Routed {
  service: ServiceDefinition;
  /** Region from the credential scope or host name, if either names one. */
  region?: string;
  /** S3 virtual-host style: the bucket named by the host. */
  bucket?: string;
}

export class ServiceRouter {
  private readonly bySigningName = new Map<string, ServiceDefinition>();
  private readonly byPrefix = new Map<string, ServiceDefinition>();
  private readonly byTarget = new Map<string, ServiceDefinition>();
  private allTargetsKnown = false;

  constructor(
    private readonly services: ServiceDefinition[],
    private readonly models: ModelRegistry,
    private readonly catalogue: Catalogue,
  ) {
    for (const s of services) {
      // DynamoDB Streams signs as "dynamodb" too: the first service of a signing name keeps it
      // (the streams API is found by its X-Amz-Target or its host name).
      if (!this.bySigningName.has(s.signingName)) this.bySigningName.set(s.signingName, s);
      this.byPrefix.set(s.endpointPrefix, s);
    }
  }

  route(req: GatewayRequest, auth: ParsedAuth): Routed | undefined {
    const hostInfo = this.fromHost(req.headers['host'] ?? '');
    const scope = auth.kind === 'header' || auth.kind === 'query' ? auth.credential : undefined;
    const scopeRegion = scope?.region ?? (auth.kind === 'malformed' ? auth.credential?.region : undefined);
    const region = scopeRegion ?? hostInfo.region;

    const target = req.headers['x-amz-target'];
    if (target) {
      const service = this.byTargetPrefix(target.slice(0, Math.max(0, target.lastIndexOf('.'))));
      if (service) return { service, region };
    }
    const signingName = scope?.service ?? (auth.kind === 'malformed' ? auth.credential?.service : undefined);
    const signed = signingName ? this.bySigningName.get(signingName) : undefined;
    if (signed) return this.withBucket({ service: signed, region }, hostInfo);
    if (hostInfo.service) return this.withBucket({ service: hostInfo.service, region }, hostInfo);
    if (signingName) return undefined; // signed for a service Cloud Lab does not host
    return this.withBucket({ service: this.bySigningName.get('s3')!, region }, hostInfo);
  }

  private withBucket(routed: Routed, host: HostInfo): Routed {
    if (routed.service.name === 's3' && host.bucket) routed.bucket = host.bucket;
    return routed;
  }

  /**
   * The service whose model has this X-Amz-Target prefix (`DynamoDB_20120810`). Models are read
   * on first use, and EC2's alone takes 20 ms to parse: the models whose API version is the
   * prefix's date (`dynamodb-2012-08-10`) are looked at first, every model only if none has it.
   */
  private byTargetPrefix(prefix: string): ServiceDefinition | undefined {
    const known = this.byTarget.get(prefix);
    if (known || this.allTargetsKnown) return known;
    const date = /_(\d{4})(\d{2})(\d{2})$/.exec(prefix);
    const version = date ? `-${date[1]}-${date[2]}-${date[3]}` : undefined;
    const first = version ? this.services.filter((s) => s.model.endsWith(version)) : [];
    for (const s of first) this.learnTarget(s);
    if (this.byTarget.has(prefix)) return this.byTarget.get(prefix);
    for (const s of this.services) this.learnTarget(s);
    this.allTargetsKnown = true;
    return this.byTarget.get(prefix);
  }

  private learnTarget(service: ServiceDefinition): void {
    const prefix = this.models.get(service.model).metadata.targetPrefix;
    if (prefix && !this.byTarget.has(prefix)) this.byTarget.set(prefix, service);
  }

  private fromHost(hostHeader: string): HostInfo {
    const host = hostHeader.replace(/:\d+$/, '').toLowerCase();
    if (!host || /^[\d.]+$/.test(host) || host.startsWith('[')) return {};
    const labels = host.split('.');
    const regionLabel = labels.find((l) => this.catalogue.region(l));
    const s3Index = labels.findIndex((l) => l === 's3' || /^s3-/.test(l));
    if (s3Index >= 0) {
      return {
        service: this.byPrefix.get('s3'),
        region: regionLabel,
        bucket: s3Index > 0 ? labels.slice(0, s3Index).join('.') : undefined,
      };
    }
    const byPrefix = this.byPrefix.get(labels[0]!);
    if (byPrefix) return { service: byPrefix, region: regionLabel };
    // BUCKET.localhost: what the SDKs produce for virtual-host style against http://localhost.
    if (labels.length >= 2 && labels[labels.length - 1] === 'localhost') {
      return { bucket: labels.slice(0, -1).join('.') };
    }
    return { region: regionLabel };
  }
}

interface HostInfo {
  service?: ServiceDefinition;
  region?: string;
  bucket?: string;
}
