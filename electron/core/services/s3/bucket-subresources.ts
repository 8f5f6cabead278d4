/**
 * Simple bucket subresources, each stored as sent (bucket-config.ts) after S3's validation:
 * tagging, the public access block, CORS and the website configuration.
 */
import type * as S3 from '@aws-sdk/client-s3';
import type { Empty } from '../../../contract/aws-api';
import type { OperationContext } from '../../service';
import { publicAccessBlock } from './access';
import { deleteBucketConfig, readBucketConfig, writeBucketConfig } from './bucket-config';
import { findBucket } from './buckets';
import { configErrors, errors } from './errors';
import { validateTags } from './tagging';

// ---- tagging ---------------------------------------------------------------------------------

export async function putBucketTagging(
  ctx: OperationContext,
  input: S3.PutBucketTaggingRequest,
): Promise<Empty> {
  const bucket = findBucket(ctx, input.Bucket);
  if (!input.Tagging?.TagSet) throw errors.malformedXml();
  const tags = input.Tagging.TagSet.map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' }));
  validateTags(tags, {
    max: 50,
    tooMany: 'Bucket tag count cannot be greater than 50',
    reserved: 'System tags cannot be added/updated by requester',
  });
  await ctx.cloud.store.write((tx) => {
    if (tags.length === 0) deleteBucketConfig(tx, bucket.name, 'tagging');
    else writeBucketConfig(tx, bucket.name, 'tagging', tags);
  });
  return {};
}

export function getBucketTagging(
  ctx: OperationContext,
  input: S3.GetBucketTaggingRequest,
): S3.GetBucketTaggingOutput {
  const bucket = findBucket(ctx, input.Bucket);
  const tags = readBucketConfig(ctx.cloud.store, bucket.name, 'tagging');
  if (!tags || tags.length === 0) throw configErrors.noSuchTagSet(bucket.name);
  return { TagSet: tags };
}

export async function deleteBucketTagging(
  ctx: OperationContext,
  input: S3.DeleteBucketTaggingRequest,
): Promise<Empty> {
  const bucket = findBucket(ctx, input.Bucket);
  await ctx.cloud.store.write((tx) => deleteBucketConfig(tx, bucket.name, 'tagging'));
  return {};
}

// ---- public access block -----------------------------------------------------------------------

export async function putPublicAccessBlock(
  ctx: OperationContext,
  input: S3.PutPublicAccessBlockRequest,
): Promise<Empty> {
  const bucket = findBucket(ctx, input.Bucket);
  const c = input.PublicAccessBlockConfiguration;
  if (!c) throw errors.malformedXml();
  // Settings left out are off, and GetPublicAccessBlock shows all four.
  const settings: Required<S3.PublicAccessBlockConfiguration> = {
    BlockPublicAcls: c.BlockPublicAcls === true,
    IgnorePublicAcls: c.IgnorePublicAcls === true,
    BlockPublicPolicy: c.BlockPublicPolicy === true,
    RestrictPublicBuckets: c.RestrictPublicBuckets === true,
  };
  await ctx.cloud.store.write((tx) => writeBucketConfig(tx, bucket.name, 'publicAccessBlock', settings));
  return {};
}

export function getPublicAccessBlock(
  ctx: OperationContext,
  input: S3.GetPublicAccessBlockRequest,
): S3.GetPublicAccessBlockOutput {
  const bucket = findBucket(ctx, input.Bucket);
  const pab = publicAccessBlock(ctx.cloud.store, bucket.name);
  if (!pab.configured) throw configErrors.noSuchPublicAccessBlock(bucket.name);
  return { PublicAccessBlockConfiguration: pab.settings };
}

/** Deleting leaves an empty row: the bucket then has no block at all (not the creation default). */
export async function deletePublicAccessBlock(
  ctx: OperationContext,
  input: S3.DeletePublicAccessBlockRequest,
): Promise<Empty> {
  const bucket = findBucket(ctx, input.Bucket);
  await ctx.cloud.store.write((tx) => writeBucketConfig(tx, bucket.name, 'publicAccessBlock', {}));
  return {};
}

// ---- CORS --------------------------------------------------------------------------------------

const CORS_METHODS = new Set(['GET', 'PUT', 'HEAD', 'POST', 'DELETE']);

function validateCors(rules: S3.CORSRule[] | undefined): S3.CORSRule[] {
  if (!rules || rules.length === 0 || rules.length > 100) throw errors.malformedXml();
  for (const rule of rules) {
    if (!rule.AllowedMethods?.length || !rule.AllowedOrigins?.length) throw errors.malformedXml();
    for (const method of rule.AllowedMethods) {
      if (!CORS_METHODS.has(method))
        throw errors.invalidRequest(
          `Found unsupported HTTP method in CORS config. Unsupported method is ${method}`,
        );
    }
    for (const origin of rule.AllowedOrigins) {
      if ((origin.match(/\*/g) ?? []).length > 1)
        throw errors.invalidRequest(`AllowedOrigin "${origin}" can not have more than one wildcard.`);
    }
    for (const header of rule.AllowedHeaders ?? []) {
      if ((header.match(/\*/g) ?? []).length > 1)
        throw errors.invalidRequest(`AllowedHeader "${header}" can not have more than one wildcard.`);
    }
    if (rule.ID !== undefined && rule.ID.length > 255)
      throw errors.invalidArgument('ID length should not exceed allowed limit of 255', 'ID', rule.ID);
  }
  return rules.map((r) => ({
    ...(r.ID !== undefined ? { ID: r.ID } : {}),
    ...(r.AllowedHeaders?.length ? { AllowedHeaders: r.AllowedHeaders } : {}),
    AllowedMethods: r.AllowedMethods,
    AllowedOrigins: r.AllowedOrigins,
    ...(r.ExposeHeaders?.length ? { ExposeHeaders: r.ExposeHeaders } : {}),
    ...(r.MaxAgeSeconds !== undefined ? { MaxAgeSeconds: r.MaxAgeSeconds } : {}),
  }));
}

export async function putBucketCors(ctx: OperationContext, input: S3.PutBucketCorsRequest): Promise<Empty> {
  const bucket = findBucket(ctx, input.Bucket);
  const rules = validateCors(input.CORSConfiguration?.CORSRules);
  await ctx.cloud.store.write((tx) => writeBucketConfig(tx, bucket.name, 'cors', rules));
  return {};
}

export function getBucketCors(ctx: OperationContext, input: S3.GetBucketCorsRequest): S3.GetBucketCorsOutput {
  const bucket = findBucket(ctx, input.Bucket);
  const rules = readBucketConfig(ctx.cloud.store, bucket.name, 'cors');
  if (!rules) throw configErrors.noSuchCors(bucket.name);
  return { CORSRules: rules };
}

export async function deleteBucketCors(
  ctx: OperationContext,
  input: S3.DeleteBucketCorsRequest,
): Promise<Empty> {
  const bucket = findBucket(ctx, input.Bucket);
  await ctx.cloud.store.write((tx) => deleteBucketConfig(tx, bucket.name, 'cors'));
  return {};
}

// ---- website -----------------------------------------------------------------------------------

const PROTOCOL_MESSAGE =
  'Invalid protocol, protocol can be http or https. If not defined the protocol will be selected automatically.';

function validateWebsite(config: S3.WebsiteConfiguration | undefined): S3.WebsiteConfiguration {
  if (!config) throw errors.malformedXml();
  const redirectAll = config.RedirectAllRequestsTo;
  if (redirectAll) {
    if (config.IndexDocument || config.ErrorDocument || config.RoutingRules)
      throw errors.invalidArgument(
        'RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules.',
        'RedirectAllRequestsTo',
        'not null',
      );
    if (!redirectAll.HostName) throw errors.malformedXml();
    if (redirectAll.Protocol && redirectAll.Protocol !== 'http' && redirectAll.Protocol !== 'https')
      throw errors.invalidRequest(PROTOCOL_MESSAGE);
    return { RedirectAllRequestsTo: redirectAll };
  }
  if (!config.IndexDocument)
    throw errors.invalidArgument(
      'A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty',
      'IndexDocument',
      'null',
    );
  const suffix = config.IndexDocument.Suffix;
  if (!suffix || suffix.includes('/'))
    throw errors.invalidArgument(
      'The IndexDocument Suffix is not well formed',
      'IndexDocument',
      suffix ?? 'null',
    );
  if (config.ErrorDocument && !config.ErrorDocument.Key) throw errors.malformedXml();
  if (config.RoutingRules) {
    if (config.RoutingRules.length === 0) throw errors.malformedXml();
    if (config.RoutingRules.length > 50)
      throw errors.invalidRequest('The number of routing rules must not exceed allowed limit of 50 rules.');
    for (const rule of config.RoutingRules) {
      const redirect = rule.Redirect;
      if (!redirect) throw errors.malformedXml();
      if (redirect.ReplaceKeyPrefixWith !== undefined && redirect.ReplaceKeyWith !== undefined)
        throw errors.invalidRequest('You can only define ReplaceKeyPrefix or ReplaceKey but not both.');
      if (
        rule.Condition &&
        rule.Condition.KeyPrefixEquals === undefined &&
        rule.Condition.HttpErrorCodeReturnedEquals === undefined
      )
        throw errors.invalidRequest(
          "Condition cannot be empty. To redirect all requests without a condition, the condition element shouldn't be present.",
        );
      if (redirect.Protocol && redirect.Protocol !== 'http' && redirect.Protocol !== 'https')
        throw errors.invalidRequest(PROTOCOL_MESSAGE);
    }
  }
  return {
    IndexDocument: { Suffix: suffix },
    ...(config.ErrorDocument ? { ErrorDocument: { Key: config.ErrorDocument.Key } } : {}),
    ...(config.RoutingRules ? { RoutingRules: config.RoutingRules } : {}),
  };
}

export async function putBucketWebsite(
  ctx: OperationContext,
  input: S3.PutBucketWebsiteRequest,
): Promise<Empty> {
  const bucket = findBucket(ctx, input.Bucket);
  const config = validateWebsite(input.WebsiteConfiguration);
  await ctx.cloud.store.write((tx) => writeBucketConfig(tx, bucket.name, 'website', config));
  return {};
}

export function getBucketWebsite(
  ctx: OperationContext,
  input: S3.GetBucketWebsiteRequest,
): S3.GetBucketWebsiteOutput {
  const bucket = findBucket(ctx, input.Bucket);
  const config = readBucketConfig(ctx.cloud.store, bucket.name, 'website');
  if (!config) throw configErrors.noSuchWebsite(bucket.name);
  return config;
}

export async function deleteBucketWebsite(
  ctx: OperationContext,
  input: S3.DeleteBucketWebsiteRequest,
): Promise<Empty> {
  const bucket = findBucket(ctx, input.Bucket);
  await ctx.cloud.store.write((tx) => deleteBucketConfig(tx, bucket.name, 'website'));
  return {};
}
