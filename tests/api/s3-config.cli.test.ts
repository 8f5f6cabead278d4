/**
 * S3 bucket configuration with the real AWS CLI v2 against `cloudlab serve`: public access
 * block, bucket policy (and the public access it grants), tagging, website, lifecycle, and
 * `aws s3 presign`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliLab } from '../support/aws-cli';
import { tempDir } from '../support/temp';

const { run, text } = cliLab();
const files = tempDir('cloudlab-s3-config-cli-');
afterAll(() => files.cleanup());

const BUCKET = 'cli-config';
const endpoint = () => {
  // The endpoint the CLI talks to, read back from a presigned URL.
  const url = text('s3', 'presign', `s3://${BUCKET}/x`);
  return new URL(url).origin;
};

beforeAll(() => {
  expect(run('s3', 'mb', `s3://${BUCKET}`).status).toBe(0);
  writeFileSync(join(files.dir, 'index.html'), '<h1>hello</h1>\n');
  expect(
    run('s3', 'cp', join(files.dir, 'index.html'), `s3://${BUCKET}/index.html`, '--no-progress').status,
  ).toBe(0);
});

describe('aws s3api bucket configuration', () => {
  it('get-public-access-block shows the default; a public policy is refused until it is off', async () => {
    expect(run('s3api', 'get-public-access-block', '--bucket', BUCKET).json()).toEqual({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
    });
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` },
      ],
    });
    const refused = run('s3api', 'put-bucket-policy', '--bucket', BUCKET, '--policy', policy);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain(
      'An error occurred (AccessDenied) when calling the PutBucketPolicy operation',
    );
    expect(refused.stderr).toContain('because public policies are blocked by the BlockPublicPolicy');

    const off = run(
      's3api',
      'put-public-access-block',
      '--bucket',
      BUCKET,
      '--public-access-block-configuration',
      'BlockPublicAcls=false,IgnorePublicAcls=false,BlockPublicPolicy=false,RestrictPublicBuckets=false',
    );
    expect(off.stderr).toBe('');
    expect(run('s3api', 'put-bucket-policy', '--bucket', BUCKET, '--policy', policy).stderr).toBe('');
    expect(text('s3api', 'get-bucket-policy', '--bucket', BUCKET, '--query', 'Policy')).toBe(policy);
    const anonymous = await fetch(`${endpoint()}/${BUCKET}/index.html`);
    expect(anonymous.status).toBe(200);
    expect(await anonymous.text()).toBe('<h1>hello</h1>\n');
  });

  it('put-bucket-policy refuses a malformed policy', () => {
    const bad = run('s3api', 'put-bucket-policy', '--bucket', BUCKET, '--policy', 'allow everyone');
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain(
      "An error occurred (MalformedPolicy) when calling the PutBucketPolicy operation: Policies must be valid JSON and the first byte must be '{'",
    );
  });

  it('put-bucket-tagging and get-bucket-tagging', () => {
    const put = run(
      's3api',
      'put-bucket-tagging',
      '--bucket',
      BUCKET,
      '--tagging',
      'TagSet=[{Key=team,Value=web}]',
    );
    expect(put.stderr).toBe('');
    expect(run('s3api', 'get-bucket-tagging', '--bucket', BUCKET).json()).toEqual({
      TagSet: [{ Key: 'team', Value: 'web' }],
    });
    expect(run('s3api', 'delete-bucket-tagging', '--bucket', BUCKET).status).toBe(0);
    const none = run('s3api', 'get-bucket-tagging', '--bucket', BUCKET);
    expect(none.stderr).toContain(
      'An error occurred (NoSuchTagSet) when calling the GetBucketTagging operation: The TagSet does not exist',
    );
  });

  it('aws s3 website and put-bucket-website', () => {
    const site = run(
      's3',
      'website',
      `s3://${BUCKET}`,
      '--index-document',
      'index.html',
      '--error-document',
      'error.html',
    );
    expect(site.stderr).toBe('');
    expect(run('s3api', 'get-bucket-website', '--bucket', BUCKET).json()).toEqual({
      IndexDocument: { Suffix: 'index.html' },
      ErrorDocument: { Key: 'error.html' },
    });
    const bad = run(
      's3api',
      'put-bucket-website',
      '--bucket',
      BUCKET,
      '--website-configuration',
      JSON.stringify({ IndexDocument: { Suffix: '' } }),
    );
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('InvalidArgument');
    const redirect = run(
      's3api',
      'put-bucket-website',
      '--bucket',
      BUCKET,
      '--website-configuration',
      JSON.stringify({ RedirectAllRequestsTo: { HostName: 'example.com', Protocol: 'https' } }),
    );
    expect(redirect.stderr).toBe('');
    expect(run('s3api', 'get-bucket-website', '--bucket', BUCKET).json()).toEqual({
      RedirectAllRequestsTo: { HostName: 'example.com', Protocol: 'https' },
    });
  });

  it('put-bucket-lifecycle-configuration and its errors', () => {
    const config = {
      Rules: [
        {
          ID: 'expire-tmp',
          Status: 'Enabled',
          Filter: { Prefix: 'tmp/' },
          Expiration: { Days: 7 },
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
        },
      ],
    };
    const put = run(
      's3api',
      'put-bucket-lifecycle-configuration',
      '--bucket',
      BUCKET,
      '--lifecycle-configuration',
      JSON.stringify(config),
    );
    expect(put.stderr).toBe('');
    // Debian's CLI (2.9) predates TransitionDefaultMinimumObjectSize, so it shows only the rules.
    expect(run('s3api', 'get-bucket-lifecycle-configuration', '--bucket', BUCKET).json()).toMatchObject({
      Rules: config.Rules,
    });
    const glacierTooSoon = run(
      's3api',
      'put-bucket-lifecycle-configuration',
      '--bucket',
      BUCKET,
      '--lifecycle-configuration',
      JSON.stringify({
        Rules: [
          { ID: 'ia', Status: 'Enabled', Filter: {}, Transitions: [{ Days: 7, StorageClass: 'ONEZONE_IA' }] },
        ],
      }),
    );
    expect(glacierTooSoon.stderr).toContain(
      "An error occurred (InvalidArgument) when calling the PutBucketLifecycleConfiguration operation: 'Days' in Transition action must be greater than or equal to 30 for storageClass 'ONEZONE_IA'",
    );
    expect(run('s3api', 'delete-bucket-lifecycle', '--bucket', BUCKET).status).toBe(0);
    expect(run('s3api', 'get-bucket-lifecycle-configuration', '--bucket', BUCKET).stderr).toContain(
      'NoSuchLifecycleConfiguration',
    );
  });
});

describe('aws s3 presign', () => {
  it('makes a URL that downloads the object without credentials, until it expires', async () => {
    const url = text('s3', 'presign', `s3://${BUCKET}/index.html`, '--expires-in', '300');
    expect(url).toContain('X-Amz-Expires=300');
    const got = await fetch(url);
    expect(got.status).toBe(200);
    expect(await got.text()).toBe('<h1>hello</h1>\n');

    const short = text('s3', 'presign', `s3://${BUCKET}/index.html`, '--expires-in', '1');
    await new Promise((r) => setTimeout(r, 2100));
    const expired = await fetch(short);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('<Message>Request has expired</Message>');
  });
});
