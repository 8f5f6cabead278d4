/**
 * Anonymous access to S3 (electron/core/services/s3/access.ts): bucket policy evaluation
 * (principals, action and resource wildcards, Deny over Allow, conditions), ACL grants, the
 * public access block and its creation default, and what makes a policy public.
 */
import type * as S3 from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { Store } from '../../../electron/core/kernel/store';
import {
  anonymousAllowed,
  conditionsHold,
  evaluatePolicy,
  ipInCidr,
  policyIsPublic,
  publicAccessBlock,
  wildcardMatch,
  type PolicyDocument,
} from '../../../electron/core/services/s3/access';
import type { BucketConfigKinds } from '../../../electron/core/services/s3/bucket-config';
import type { BucketRow } from '../../../electron/core/services/s3/schema';

const bucket: BucketRow = { name: 'site', account_id: '123456789012', region: 'us-east-1', created_at: 0 };

/** A store holding only s3_bucket_config rows, as readBucketConfig reads them. */
function storeWith(config: Partial<BucketConfigKinds>): Pick<Store, 'get'> {
  return {
    get: (<T>(_sql: string, params: unknown[]) => {
      const value = config[params[1] as keyof BucketConfigKinds];
      return (value === undefined ? undefined : { value: JSON.stringify(value) }) as T | undefined;
    }) as Store['get'],
  };
}

const OPEN = {
  BlockPublicAcls: false,
  IgnorePublicAcls: false,
  BlockPublicPolicy: false,
  RestrictPublicBuckets: false,
};

const policy = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const readAll = { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::site/*' };

describe('anonymousAllowed', () => {
  it('refuses everything on a new bucket, even with a public policy (all four blocks are on)', () => {
    const store = storeWith({ policy: policy(readAll) });
    expect(publicAccessBlock(store, 'site')).toEqual({
      configured: true,
      settings: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
    });
    expect(anonymousAllowed(store, bucket, 's3:GetObject', 'index.html')).toBe(false);
  });

  it('allows what a public policy allows once the block is deleted, and nothing else', () => {
    const store = storeWith({ publicAccessBlock: {}, policy: policy(readAll) });
    expect(publicAccessBlock(store, 'site').configured).toBe(false);
    expect(anonymousAllowed(store, bucket, 's3:GetObject', 'index.html')).toBe(true);
    expect(anonymousAllowed(store, bucket, 's3:PutObject', 'index.html')).toBe(false);
    expect(anonymousAllowed(store, bucket, 's3:ListBucket')).toBe(false);
    expect(anonymousAllowed(storeWith({ publicAccessBlock: {} }), bucket, 's3:GetObject', 'x')).toBe(false);
  });

  it('RestrictPublicBuckets ignores a public policy; a non-public one still applies', () => {
    const restricted = { ...OPEN, RestrictPublicBuckets: true };
    expect(
      anonymousAllowed(
        storeWith({ publicAccessBlock: restricted, policy: policy(readAll) }),
        bucket,
        's3:GetObject',
        'a',
      ),
    ).toBe(false);
    const office = policy({ ...readAll, Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } });
    const store = storeWith({ publicAccessBlock: restricted, policy: office });
    expect(anonymousAllowed(store, bucket, 's3:GetObject', 'a', undefined, { sourceIp: '203.0.113.9' })).toBe(
      true,
    );
    expect(
      anonymousAllowed(store, bucket, 's3:GetObject', 'a', undefined, { sourceIp: '198.51.100.1' }),
    ).toBe(false);
  });

  it('an explicit Deny wins over an Allow', () => {
    const store = storeWith({
      publicAccessBlock: OPEN,
      policy: policy(readAll, {
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 's3:*',
        Resource: 'arn:aws:s3:::site/secret/*',
      }),
    });
    expect(anonymousAllowed(store, bucket, 's3:GetObject', 'public/a.txt')).toBe(true);
    expect(anonymousAllowed(store, bucket, 's3:GetObject', 'secret/a.txt')).toBe(false);
  });

  it('statements for named principals do not apply to anonymous callers', () => {
    const store = storeWith({
      publicAccessBlock: OPEN,
      policy: policy({ ...readAll, Principal: { AWS: 'arn:aws:iam::123456789012:root' } }),
    });
    expect(anonymousAllowed(store, bucket, 's3:GetObject', 'a')).toBe(false);
  });

  it('ACL grants to AllUsers count when ACLs are enabled, unless IgnorePublicAcls', () => {
    const acl: S3.AccessControlPolicy = {
      Owner: { ID: 'a'.repeat(64) },
      Grants: [
        {
          Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/global/AllUsers' },
          Permission: 'READ',
        },
      ],
    };
    const ownership: S3.OwnershipControls = { Rules: [{ ObjectOwnership: 'ObjectWriter' }] };
    const open = storeWith({ publicAccessBlock: OPEN, acl, ownership });
    expect(anonymousAllowed(open, bucket, 's3:ListBucket')).toBe(true);
    expect(anonymousAllowed(open, bucket, 's3:PutObject', 'k')).toBe(false);
    expect(anonymousAllowed(open, bucket, 's3:GetObject', 'k', 'public-read')).toBe(true);
    expect(anonymousAllowed(open, bucket, 's3:GetObject', 'k', 'private')).toBe(false);
    const ignored = storeWith({ publicAccessBlock: { ...OPEN, IgnorePublicAcls: true }, acl, ownership });
    expect(anonymousAllowed(ignored, bucket, 's3:ListBucket')).toBe(false);
    // BucketOwnerEnforced (the default) disables ACLs: they grant nothing.
    const enforced = storeWith({ publicAccessBlock: OPEN, acl });
    expect(anonymousAllowed(enforced, bucket, 's3:ListBucket')).toBe(false);
    expect(anonymousAllowed(enforced, bucket, 's3:GetObject', 'k', 'public-read')).toBe(false);
  });

  it('conditions on s3:prefix and aws:SecureTransport', () => {
    const list = policy({
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:ListBucket',
      Resource: 'arn:aws:s3:::site',
      Condition: { StringLike: { 's3:prefix': ['public/*', ''] } },
    });
    const store = storeWith({ publicAccessBlock: OPEN, policy: list });
    const facts = (prefix: string) => ({ keys: { 's3:prefix': prefix } });
    expect(anonymousAllowed(store, bucket, 's3:ListBucket', undefined, undefined, facts('public/img/'))).toBe(
      true,
    );
    expect(anonymousAllowed(store, bucket, 's3:ListBucket', undefined, undefined, facts(''))).toBe(true);
    expect(anonymousAllowed(store, bucket, 's3:ListBucket', undefined, undefined, facts('private/'))).toBe(
      false,
    );

    const tlsOnly = policy(readAll, {
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: ['arn:aws:s3:::site', 'arn:aws:s3:::site/*'],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
    const tls = storeWith({ publicAccessBlock: OPEN, policy: tlsOnly });
    expect(anonymousAllowed(tls, bucket, 's3:GetObject', 'a', undefined, { secureTransport: false })).toBe(
      false,
    );
    expect(anonymousAllowed(tls, bucket, 's3:GetObject', 'a', undefined, { secureTransport: true })).toBe(
      true,
    );
  });
});

describe('policy evaluation pieces', () => {
  it('wildcards: * and ?, case-insensitive actions, case-sensitive resources', () => {
    expect(wildcardMatch('arn:aws:s3:::site/img/*.png', 'arn:aws:s3:::site/img/a/b.png')).toBe(true);
    expect(wildcardMatch('arn:aws:s3:::site/?.txt', 'arn:aws:s3:::site/ab.txt')).toBe(false);
    expect(wildcardMatch('arn:aws:s3:::site/?.txt', 'arn:aws:s3:::site/a.txt')).toBe(true);
    expect(wildcardMatch('arn:aws:s3:::Site/*', 'arn:aws:s3:::site/a')).toBe(false);
    const doc: PolicyDocument = {
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:get*', Resource: 'arn:aws:s3:::site/*' }],
    };
    expect(evaluatePolicy(doc, 's3:GetObject', 'arn:aws:s3:::site/x')).toBe('allow');
    expect(evaluatePolicy(doc, 's3:PutObject', 'arn:aws:s3:::site/x')).toBe('none');
    expect(
      evaluatePolicy(
        { Statement: { Effect: 'Allow', Principal: '*', NotAction: 's3:Delete*', Resource: '*' } },
        's3:DeleteObject',
        'arn:aws:s3:::site/x',
      ),
    ).toBe('none');
  });

  it('IP ranges, IPv4 and IPv6', () => {
    expect(ipInCidr('192.0.2.10', '192.0.2.0/24')).toBe(true);
    expect(ipInCidr('192.0.3.10', '192.0.2.0/24')).toBe(false);
    expect(ipInCidr('::ffff:192.0.2.10', '192.0.2.0/24')).toBe(true);
    expect(ipInCidr('2001:db8::1', '2001:db8::/32')).toBe(true);
    expect(ipInCidr('2001:db9::1', '2001:db8::/32')).toBe(false);
    expect(ipInCidr('10.0.0.1', '10.0.0.1')).toBe(true);
    expect(conditionsHold({ NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, { sourceIp: '8.8.8.8' })).toBe(
      true,
    );
  });

  it('a missing key fails its condition unless the operator is negated or IfExists', () => {
    expect(conditionsHold({ StringEquals: { 'aws:Referer': 'https://x' } }, {})).toBe(false);
    expect(conditionsHold({ StringNotEquals: { 'aws:Referer': 'https://x' } }, {})).toBe(true);
    expect(conditionsHold({ StringEqualsIfExists: { 'aws:Referer': 'https://x' } }, {})).toBe(true);
    expect(conditionsHold({ Null: { 'aws:Referer': 'true' } }, {})).toBe(true);
  });

  it('public: everyone without a pinning condition', () => {
    const everyone = {
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::site/*',
    };
    expect(policyIsPublic({ Statement: [everyone] })).toBe(true);
    expect(policyIsPublic({ Statement: [{ ...everyone, Effect: 'Deny' }] })).toBe(false);
    expect(
      policyIsPublic({
        Statement: [{ ...everyone, Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }],
      }),
    ).toBe(false);
    expect(
      policyIsPublic({
        Statement: [{ ...everyone, Condition: { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } } }],
      }),
    ).toBe(true);
    expect(
      policyIsPublic({
        Statement: [{ ...everyone, Condition: { StringLike: { 'aws:Referer': 'https://x/*' } } }],
      }),
    ).toBe(true);
    expect(policyIsPublic({ Statement: [{ ...everyone, Principal: { AWS: '123456789012' } }] })).toBe(false);
  });
});
