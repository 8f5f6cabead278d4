/**
 * The AWS endpoint: one HTTP handler for every service, as a chain of small steps —
 * parse the request, hand `/_cloudlab/` to the host, find the service, read the body (within
 * limits), authenticate (SigV4), find and decode the operation, invoke it on the cloud, encode
 * the answer. Every failure becomes the service's own AWS error; nothing a client sends can
 * produce a crash or, unless Cloud Lab itself is broken, a 5xx.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { Cloud } from '../core/cloud';
import type { Principal } from '../core/kernel/accounts';
import { AwsError, isAwsError } from '../core/kernel/errors';
import { releaseAfterWrite } from '../core/kernel/read-buffers';
import type { CorsRequest, CorsSupport, ErrorSpec, ServiceDefinition } from '../core/service';
import { parseQueryString, type GatewayRequest, type WireResponse } from './http';
import { armChunkSignatures, requestBodyStream, wholeBodyLimit, wholeRequestBody } from './body-stream';
import type { PostObjectOutput, PostObjectRequest } from '../contract/aws-api';
import type { Tag as S3Tag } from '@aws-sdk/client-s3';
import {
  formField,
  formResponse,
  isFormUpload,
  missingField,
  readForm,
  verifyPolicy,
  type UploadForm,
} from './form-upload';
import { ModelRegistry, type OperationModel } from './model';
import { malformedXml, parseXmlDocument, XmlReader } from './protocols/xml-reader';
import { stringToSignV2, verifyHeaderV2, verifyQueryV2, type HeaderV2, type QueryV2 } from './sigv2';
import { createCodec, type ProtocolCodec } from './protocols';
import { ServiceRouter, type Routed } from './route';
import {
  checkPayloadHash,
  chunkSigning,
  checkTime,
  parseAuth,
  payloadHash,
  verifySignature,
  type ParsedAuth,
} from './sigv4';
import { amzDateToMillis } from './amz-date';
import { handleWebsite, websiteHostOf } from './website';

export interface GatewayOptions {
  cloud: Cloud;
  resourcesDir: string;
  /** Largest body accepted for operations that do not stream (default 20 MiB). */
  maxBodyBytes?: number;
  /** Real time for signature checks (clients sign with real time, not the simulated clock). */
  realNow?: () => number;
  /** Log Cloud Lab's own failures (never client mistakes). */
  log?: (message: string) => void;
}

const DEFAULT_MAX_BODY = 20 * 1024 * 1024;

/** A refused form upload up to this size is read to its end, keeping the connection. */
const DRAINED_FORM_BYTES = 16 * 1024 * 1024;

export class Gateway {
  readonly models: ModelRegistry;
  private readonly router: ServiceRouter;
  private readonly codecs = new Map<string, ProtocolCodec>();
  private readonly maxBody: number;
  private readonly realNow: () => number;

  constructor(private readonly options: GatewayOptions) {
    this.models = new ModelRegistry(options.resourcesDir);
    this.router = new ServiceRouter(
      [...options.cloud.services.values()],
      this.models,
      options.cloud.catalogue,
    );
    this.maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
    this.realNow = options.realNow ?? Date.now;
  }

  codec(service: ServiceDefinition): ProtocolCodec {
    let codec = this.codecs.get(service.name);
    if (!codec) {
      codec = createCodec(service.name, this.models.get(service.model));
      this.codecs.set(service.name, codec);
    }
    return codec;
  }

  /** node:http handler for everything that is not under /_cloudlab/. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // S3 website endpoints (BUCKET.s3-website-REGION.…): unsigned HTML, not the REST API.
    const site = websiteHostOf(this.options.cloud, req.headers.host);
    if (site) return handleWebsite(this.options.cloud, site, req, res);
    const head = parseHead(req);
    const auth = parseAuth(head);
    const routed = this.router.route(head, auth);
    if (!routed) {
      const scope = auth.kind === 'header' || auth.kind === 'query' ? auth.credential.service : '?';
      return writeResponse(
        res,
        plainError(400, 'UnknownService', `Cloud Lab does not host the service "${scope}".`),
      );
    }
    if (routed.bucket) head.routePath = `/${routed.bucket}${head.path === '/' ? '' : head.path}`;
    head.bucketFromHost = routed.bucket;
    const codec = this.codec(routed.service);
    const requestId = this.options.cloud.ids.requestId();
    const cors = routed.service.cors;
    if (cors && head.method === 'OPTIONS') {
      req.resume();
      return writeResponse(res, this.preflight(head, routed.service, codec, requestId));
    }
    if (routed.service.name === 's3' && isFormUpload(head)) {
      const response = await this.formUpload(req, head, routed, codec, requestId);
      if (cors && head.headers['origin']) this.addCorsHeaders(head, cors, response);
      return writeResponse(res, response);
    }
    let response: WireResponse;
    try {
      // Streaming uploads (S3 PutObject) reach the operation as a stream, never whole in memory;
      // small plain ones as their bytes, read here (cheaper than a stream; body-stream.ts).
      const op = codec.operationInBody ? undefined : codec.findOperation(head);
      if (op && hasStreamingPayload(codec, op)) {
        const whole = wholeBodyLimit(head);
        head.bodyStream =
          whole !== undefined
            ? wholeRequestBody(await readBody(req, whole), head)
            : requestBodyStream(req, head);
      } else head.body = await readBody(req, this.maxBody);
      response = await this.process(head, auth, routed, codec, requestId);
    } catch (e) {
      response = codec.encodeError(head, this.toAwsError(e), requestId);
      if (e instanceof BodyTooLarge) response.headers['connection'] = 'close';
    }
    if (head.bodyStream && !req.readableEnded) {
      // The operation answered without reading the whole upload (an error): discard the rest.
      req.unpipe();
      req.resume();
      response.headers['connection'] = 'close';
    }
    if (cors && head.headers['origin']) this.addCorsHeaders(head, cors, response);
    writeResponse(res, response);
  }

  /** A browser's OPTIONS preflight, answered from the service's CORS rules. */
  private preflight(
    head: GatewayRequest,
    service: ServiceDefinition,
    codec: ProtocolCodec,
    requestId: string,
  ): WireResponse {
    try {
      const headers = service.cors!.preflight(this.options.cloud, corsRequest(head));
      return { status: 200, headers: { ...headers, 'x-amz-request-id': requestId } };
    } catch (e) {
      return codec.encodeError(head, this.toAwsError(e), requestId);
    }
  }

  private addCorsHeaders(head: GatewayRequest, cors: CorsSupport, response: WireResponse): void {
    try {
      Object.assign(response.headers, cors.headers(this.options.cloud, corsRequest(head)));
    } catch (e) {
      this.options.log?.(`CORS headers failed: ${(e as Error).stack ?? String(e)}`);
    }
  }

  /** The chain after the body is read: authenticate, decode, invoke, encode. */
  async process(
    req: GatewayRequest,
    auth: ParsedAuth,
    routed: Routed,
    codec: ProtocolCodec,
    requestId: string,
  ): Promise<WireResponse> {
    try {
      // Unsigned requests to a service that answers anonymous callers (S3) are decided after
      // decoding: the service says, from the operation and its input, whom they run as.
      const anonymous = auth.kind === 'none' ? routed.service.anonymous : undefined;
      const signedBy = anonymous ? undefined : this.authenticate(req, auth, routed);
      const op = codec.findOperation(req);
      if (!op) throw codec.unknownOperation(req);
      const input = codec.decode(req, op);
      const principal =
        signedBy ??
        anonymous!(this.options.cloud, {
          operation: op.name,
          input,
          ...(req.remoteAddress !== undefined ? { sourceIp: req.remoteAddress } : {}),
          secureTransport: false,
          headers: req.headers,
        });
      const output = await this.options.cloud.invoke({
        service: routed.service.name,
        operation: op.name,
        input,
        region: routed.region ?? 'us-east-1',
        principal,
        source: 'aws',
        requestId,
      });
      return codec.encode(req, op, output, requestId);
    } catch (e) {
      return codec.encodeError(req, this.toAwsError(e), requestId);
    }
  }

  private authenticate(req: GatewayRequest, auth: ParsedAuth, routed: Routed): Principal {
    const service = routed.service;
    const isS3 = service.name === 's3';
    switch (auth.kind) {
      case 'none':
        throw specError(service.auth.missing);
      case 'v2-query':
      case 'v2-header': {
        // Signature Version 2: S3's (the signatureV2 hook), and then only for some buckets.
        const accepts = service.signatureV2;
        if (!accepts) {
          if (auth.kind === 'v2-query') throw specError(service.auth.missing);
          throw new AwsError('IncompleteSignature', V4_ONLY);
        }
        if (!accepts(this.options.cloud, requestBucket(req, routed)))
          throw new AwsError('InvalidRequest', V4_ONLY);
        return auth.kind === 'v2-query'
          ? this.authenticateV2(req, auth.v2, service)
          : this.authenticateHeaderV2(req, auth.v2, service);
      }
      case 'malformed':
        throw new AwsError(
          isS3
            ? auth.query
              ? 'AuthorizationQueryParametersError'
              : 'AuthorizationHeaderMalformed'
            : this.codec(service).model.protocol === 'json'
              ? 'IncompleteSignatureException'
              : 'IncompleteSignature',
          auth.message,
        );
    }
    const { credential } = auth;
    if (!this.options.cloud.catalogue.region(credential.region)) {
      if (isS3) {
        throw new AwsError(
          'AuthorizationHeaderMalformed',
          `The authorization header is malformed; the region '${credential.region}' is wrong; expecting 'us-east-1'`,
        );
      }
      throw specError(service.auth.badSignature, {
        message: `Credential should be scoped to a valid region, not '${credential.region}'.`,
      });
    }
    const key = this.options.cloud.accounts.accessKey(credential.accessKeyId);
    if (!key || key.status !== 'Active') throw specError(service.auth.unknownKey);
    const time = checkTime(auth, this.realNow());
    if (time !== 'ok') {
      if (auth.kind === 'query' && isS3) {
        if (time === 'expired') throw presignedExpired(auth, this.realNow());
        throw new AwsError('AccessDenied', 'Request is not valid yet', { status: 403 });
      }
      throw specError(service.auth.expired);
    }
    const hash = payloadHash(req, auth, service.signingName);
    const payload = checkPayloadHash(req, hash);
    if (payload === 'mismatch') {
      if (isS3) {
        throw new AwsError(
          'XAmzContentSHA256Mismatch',
          "The provided 'x-amz-content-sha256' header does not match what was computed.",
        );
      }
      throw specError(service.auth.badSignature);
    }
    if (payload === 'invalid') {
      throw new AwsError(
        isS3 ? 'InvalidArgument' : 'IncompleteSignature',
        'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-…, or a valid sha256 value.',
      );
    }
    if (!verifySignature(req, auth, key.secretAccessKey, hash)) throw specError(service.auth.badSignature);
    if (req.bodyStream) armChunkSignatures(req.bodyStream, chunkSigning(auth, key.secretAccessKey));
    return key.principal;
  }

  /** S3 POST Object, a browser's form upload (form-upload.ts): its own read, auth and answer. */
  private async formUpload(
    req: IncomingMessage,
    head: GatewayRequest,
    routed: Routed,
    codec: ProtocolCodec,
    requestId: string,
  ): Promise<WireResponse> {
    const cloud = this.options.cloud;
    let form: UploadForm | undefined;
    let response: WireResponse;
    try {
      form = await readForm(req);
      const rawKey = formField(form, 'key');
      if (rawKey === undefined) throw missingField('key');
      const signed = verifyPolicy(
        form,
        (id) => {
          const key = cloud.accounts.accessKey(id);
          return key && key.status === 'Active' ? key.secretAccessKey : undefined;
        },
        this.realNow(),
      );
      const bucket = requestBucket(head, routed) ?? '';
      const tagging = formField(form, 'tagging');
      const input: PostObjectRequest = {
        Bucket: bucket,
        Fields: form.fields,
        Body: form.file,
        FileName: form.fileName,
        ...(signed ? { Policy: signed.policy } : {}),
        ...(tagging !== undefined ? { TagSet: this.tagSet(codec, tagging) } : {}),
      };
      const key = rawKey.split('${filename}').join(form.fileName);
      const principal = signed
        ? cloud.accounts.accessKey(signed.accessKeyId)!.principal
        : routed.service.anonymous!(cloud, {
            operation: 'PutObject',
            input: { Bucket: bucket, Key: key },
            ...(head.remoteAddress !== undefined ? { sourceIp: head.remoteAddress } : {}),
            secureTransport: false,
            headers: head.headers,
          });
      const out = (await cloud.invoke({
        service: 's3',
        operation: 'PostObject',
        input,
        region: routed.region ?? 'us-east-1',
        principal,
        source: 'aws',
        requestId,
      })) as PostObjectOutput;
      // The rest of the form (fields after the file are ignored), so the connection stays usable.
      await form.finished;
      response = formResponse(head, out, requestId);
    } catch (e) {
      response = codec.encodeError(head, this.toAwsError(e), requestId);
    }
    if (!req.readableEnded) {
      // Refused before the whole file was read: read the rest of a small form and drop it (a
      // client still sending would get a broken pipe), or close the connection on a large one.
      form?.file.resume();
      req.resume();
      if (Number(head.headers['content-length'] ?? Infinity) <= DRAINED_FORM_BYTES)
        await new Promise<void>((done) => {
          req.once('end', done);
          req.once('error', () => done());
          req.once('close', done);
        });
      else response.headers['connection'] = 'close';
    }
    return response;
  }

  /** A form's `tagging` field: a Tagging XML document, read as PutObjectTagging's body is. */
  private tagSet(codec: ProtocolCodec, xml: string): S3Tag[] {
    const doc = parseXmlDocument(xml);
    if (!doc || doc.name !== 'Tagging') throw malformedXml();
    const shape = codec.model.resolve({ shape: 'Tagging' });
    return (new XmlReader(codec.model).read(doc.node, shape) as { TagSet?: S3Tag[] }).TagSet ?? [];
  }

  /** S3's legacy presigned URLs (sigv2.ts). */
  private authenticateV2(
    req: GatewayRequest,
    v2: QueryV2 | undefined,
    service: ServiceDefinition,
  ): Principal {
    if (!v2)
      throw new AwsError(
        'AccessDenied',
        'Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters',
        { status: 403 },
      );
    const key = this.v2Key(service, v2.accessKeyId);
    const now = this.realNow();
    if (now > v2.expires * 1000) {
      throw new AwsError('AccessDenied', 'Request has expired', {
        status: 403,
        fields: { Expires: isoSeconds(v2.expires * 1000), ServerTime: isoSeconds(now) },
      });
    }
    if (!verifyQueryV2(req, v2, key.secretAccessKey)) throw signatureV2Mismatch(service, req, v2, v2.expires);
    return key.principal;
  }

  /** S3's legacy `Authorization: AWS key:signature` header (sigv2.ts). */
  private authenticateHeaderV2(
    req: GatewayRequest,
    v2: HeaderV2 | string,
    service: ServiceDefinition,
  ): Principal {
    if (typeof v2 === 'string') throw new AwsError('InvalidArgument', v2);
    if (Number.isNaN(v2.requestTime))
      throw new AwsError('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header', {
        status: 403,
      });
    const key = this.v2Key(service, v2.accessKeyId);
    const now = this.realNow();
    if (Math.abs(now - v2.requestTime) > 15 * 60 * 1000) {
      throw specError(service.auth.expired, {
        fields: {
          RequestTime: req.headers['x-amz-date'] ?? req.headers['date'] ?? '',
          ServerTime: isoSeconds(now),
          MaxAllowedSkewMilliseconds: '900000',
        },
      });
    }
    if (!verifyHeaderV2(req, v2, key.secretAccessKey))
      throw signatureV2Mismatch(service, req, v2, v2.signedDate);
    return key.principal;
  }

  /** The active access key a V2 signature names (S3's InvalidAccessKeyId otherwise). */
  private v2Key(service: ServiceDefinition, accessKeyId: string) {
    const key = this.options.cloud.accounts.accessKey(accessKeyId);
    if (!key || key.status !== 'Active')
      throw specError(service.auth.unknownKey, { fields: { AWSAccessKeyId: accessKeyId } });
    return key;
  }

  private toAwsError(e: unknown): AwsError {
    if (isAwsError(e)) {
      if (e.status >= 500 && e.cause) this.options.log?.(`${e.message}\n${(e.cause as Error).stack ?? ''}`);
      return e;
    }
    if (e instanceof BodyTooLarge) {
      return new AwsError(
        'RequestEntityTooLarge',
        `The request body is larger than the ${Math.round(this.maxBody / 1048576)} MiB this operation accepts.`,
        { status: 413 },
      );
    }
    this.options.log?.(`gateway failure: ${(e as Error).stack ?? String(e)}`);
    return new AwsError('InternalFailure', 'Cloud Lab failed to process the request.', { status: 500 });
  }
}

class BodyTooLarge extends Error {}

/** A service's own error for an authentication failure, with S3's extra fields if any. */
function specError(
  [code, status, message]: ErrorSpec,
  options: { message?: string; fields?: Record<string, string> } = {},
): AwsError {
  return new AwsError(code, options.message ?? message, {
    status,
    ...(options.fields ? { fields: options.fields } : {}),
  });
}

/** The bucket a path-style or virtual-host S3 request names (undefined: none). */
function requestBucket(head: GatewayRequest, routed: Routed): string | undefined {
  if (routed.bucket !== undefined) return routed.bucket;
  const first = head.routePath.split('/')[1];
  if (!first) return undefined;
  try {
    return decodeURIComponent(first);
  } catch {
    return first;
  }
}

/** What a service that takes Signature Version 4 only answers an older signature. */
const V4_ONLY =
  'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.';

/** A time as S3 writes it in its error fields: ISO 8601 to the second. */
function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** S3's answer to a V2 signature that does not verify: what it signed, so a learner can compare. */
function signatureV2Mismatch(
  service: ServiceDefinition,
  req: GatewayRequest,
  v2: { accessKeyId: string; signature: string },
  expiresOrDate: number | string,
): AwsError {
  return specError(service.auth.badSignature, {
    fields: {
      AWSAccessKeyId: v2.accessKeyId,
      StringToSign: stringToSignV2(req, expiresOrDate),
      SignatureProvided: v2.signature,
    },
  });
}

/** S3's answer to a presigned URL past its expiry: when it expired, and the server's time. */
function presignedExpired(auth: Extract<ParsedAuth, { kind: 'header' | 'query' }>, nowMs: number): AwsError {
  const signedAt = amzDateToMillis(auth.amzDate);
  const expires = auth.expires ?? 0;
  return new AwsError('AccessDenied', 'Request has expired', {
    status: 403,
    fields: {
      'X-Amz-Expires': String(expires),
      ...(Number.isNaN(signedAt) ? {} : { Expires: isoSeconds(signedAt + expires * 1000) }),
      ServerTime: isoSeconds(nowMs),
    },
  });
}

function corsRequest(head: GatewayRequest): CorsRequest {
  return { method: head.method, routePath: head.routePath, headers: head.headers };
}

/** Does the operation's input payload stream (a blob with the streaming trait)? */
function hasStreamingPayload(codec: ProtocolCodec, op: OperationModel): boolean {
  const payload = op.input?.payload;
  if (!payload || !op.input) return false;
  const member = codec.model.member(op.input, payload);
  return member?.type === 'blob' && member.streaming === true;
}

/** Method, path, query and headers of a node request (the body comes later). */
export function parseHead(req: IncomingMessage): GatewayRequest {
  let url = req.url ?? '/';
  if (!url.startsWith('/')) {
    // absolute-form (proxies): keep only path and query
    const m = /^[a-z]+:\/\/[^/?#]*(.*)$/i.exec(url);
    url = m && m[1] ? m[1] : '/';
  }
  const hash = url.indexOf('#');
  if (hash >= 0) url = url.slice(0, hash);
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const rawQuery = q < 0 ? '' : url.slice(q + 1);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
  }
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    path: path || '/',
    routePath: path || '/',
    rawQuery,
    query: parseQueryString(rawQuery),
    headers,
    rawHeaders: req.rawHeaders,
    body: Buffer.alloc(0),
    ...(req.socket?.remoteAddress !== undefined ? { remoteAddress: req.socket.remoteAddress } : {}),
  };
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume(); // drain what arrives; the response closes the connection
    return Promise.reject(new BodyTooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    });
    req.on('error', (e) => {
      if (!failed) reject(e);
    });
  });
}

export function writeResponse(res: ServerResponse, response: WireResponse): void {
  if (res.headersSent) return;
  res.statusCode = response.status;
  for (const [k, v] of Object.entries(response.headers)) res.setHeader(k, v);
  const body = response.body;
  if (body instanceof Readable) {
    body.on('error', () => res.destroy());
    body.pipe(res);
    return;
  }
  if (body !== undefined) {
    const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    if (!res.hasHeader('content-length')) res.setHeader('content-length', buf.length);
    // 'finish': the socket has the bytes, so a borrowed read buffer can be reused.
    res.end(buf, () => releaseAfterWrite(buf));
  } else {
    if (!res.hasHeader('content-length')) res.setHeader('content-length', 0);
    res.end();
  }
}

function plainError(status: number, code: string, message: string): WireResponse {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${message.replace(/[<&>]/g, '')}</Message></Error></ErrorResponse>`;
  return { status, headers: { 'content-type': 'text/xml' }, body };
}
