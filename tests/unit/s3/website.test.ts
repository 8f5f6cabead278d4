/**
 * S3 static website hosting in process: `serveWebsite` as every adapter (gateway, instances'
 * network) calls it — index and folder index documents, the slash redirect, error documents and
 * S3's own HTML error pages, public access, whole-site and rule redirects, object redirects,
 * HEAD, ranges and conditional requests.
 */
import type * as S3 from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  parseWebsiteHost,
  websiteEndpoint,
  websiteHostName,
  websitePreviewUrl,
  websitePreviewUrlFor,
} from '../../../electron/contract/s3-website';
import { Cloud } from '../../../electron/core/cloud';
import { writeBucketConfig } from '../../../electron/core/services/s3/bucket-config';
import { serveWebsite, type WebsiteResponse } from '../../../electron/core/services/s3/website';
import { RESOURCES } from '../../support/temp';
import { s3Caller } from '../../support/s3';
import { publicReadPolicy } from '../../support/s3-policy';

let cloud: Cloud;
beforeAll(async () => {
  cloud = await Cloud.open({ dataDir: null, resourcesDir: RESOURCES });
});
afterAll(() => cloud.close());

const call = s3Caller(() => cloud);
const publicRead = (bucket: string) => JSON.stringify(publicReadPolicy(bucket));

/** A bucket with objects, a website configuration and (by default) a public-read policy. */
async function site(
  bucket: string,
  config: S3.WebsiteConfiguration | undefined,
  objects: Record<string, string | { body: string; type?: string; acl?: string; redirect?: string }>,
  options: { public?: boolean } = {},
) {
  await call('CreateBucket', { Bucket: bucket });
  if (Object.values(objects).some((o) => typeof o !== 'string' && o.acl)) {
    // Object ACLs need ACLs switched on and public ACLs allowed, as on AWS.
    await call('PutBucketOwnershipControls', {
      Bucket: bucket,
      OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] },
    });
    await call('DeletePublicAccessBlock', { Bucket: bucket });
  }
  for (const [key, o] of Object.entries(objects)) {
    const spec = typeof o === 'string' ? { body: o } : o;
    await call('PutObject', {
      Bucket: bucket,
      Key: key,
      Body: spec.body,
      ContentType: spec.type ?? 'text/html',
      ...(spec.acl ? { ACL: spec.acl } : {}),
      ...(spec.redirect ? { WebsiteRedirectLocation: spec.redirect } : {}),
    });
  }
  await cloud.store.write((tx) => {
    if (config) writeBucketConfig(tx, bucket, 'website', config);
    if (options.public !== false) {
      writeBucketConfig(tx, bucket, 'publicAccessBlock', {});
      writeBucketConfig(tx, bucket, 'policy', publicRead(bucket));
    }
  });
}

const get = (bucket: string, path: string, headers: Record<string, string> = {}, method = 'GET') =>
  serveWebsite(cloud, {
    bucket,
    method,
    path,
    headers: { host: websiteHostName(bucket, 'us-east-1'), ...headers },
    region: 'us-east-1',
  });

const text = (r: WebsiteResponse) => {
  if (!(r.body instanceof Uint8Array)) throw new Error('expected bytes');
  return Buffer.from(r.body).toString('utf8');
};

const indexed: S3.WebsiteConfiguration = {
  IndexDocument: { Suffix: 'index.html' },
  ErrorDocument: { Key: 'error.html' },
};

describe('S3 website endpoint', () => {
  it('names endpoints as AWS does and recognises them, local preview form included', () => {
    expect(websiteEndpoint('site', 'us-east-1')).toBe('http://site.s3-website-us-east-1.amazonaws.com');
    expect(websiteEndpoint('site', 'eu-central-1')).toBe('http://site.s3-website.eu-central-1.amazonaws.com');
    expect(websitePreviewUrl('site', 'us-east-1', 4566)).toBe(
      'http://site.s3-website-us-east-1.localhost:4566/',
    );
    expect(websitePreviewUrlFor('site', 'eu-central-1', 'http://127.0.0.1:4566')).toBe(
      'http://site.s3-website.eu-central-1.localhost:4566/',
    );
    expect(websitePreviewUrlFor('site', 'us-east-1', null)).toBeNull();
    expect(parseWebsiteHost('my.site.s3-website.eu-west-3.amazonaws.com')).toEqual({
      bucket: 'my.site',
      region: 'eu-west-3',
      form: 'dot',
      domain: 'amazonaws.com',
    });
    expect(parseWebsiteHost('site.s3-website-us-east-1.localhost:4566')).toMatchObject({
      bucket: 'site',
      region: 'us-east-1',
      domain: 'localhost',
    });
    expect(parseWebsiteHost('site.s3.us-east-1.amazonaws.com')).toBeNull();
    expect(parseWebsiteHost('localhost:4566')).toBeNull();
  });

  it('serves the index document for / and for folders, and redirects a folder without its slash', async () => {
    await site('web-index', indexed, {
      'index.html': '<h1>home</h1>',
      'docs/index.html': '<h1>docs</h1>',
      'style.css': { body: 'body{}', type: 'text/css' },
    });
    const home = await get('web-index', '/');
    expect(home.status).toBe(200);
    expect(text(home)).toBe('<h1>home</h1>');
    expect(home.headers['content-type']).toBe('text/html');
    expect(home.headers['etag']).toMatch(/^"[0-9a-f]{32}"$/);
    expect(new Date(home.headers['last-modified']!).getTime()).not.toBeNaN();
    expect(home.headers['content-length']).toBe('13');

    expect(text(await get('web-index', '/docs/'))).toBe('<h1>docs</h1>');
    const css = await get('web-index', '/style.css?v=2');
    expect(css.headers['content-type']).toBe('text/css');
    expect(text(css)).toBe('body{}');

    const bare = await get('web-index', '/docs');
    expect(bare.status).toBe(302);
    expect(bare.headers['location']).toBe('/docs/');
  });

  it('answers a missing key with the error document and its 404 status, or S3 own 404 page', async () => {
    await site('web-errors', indexed, { 'index.html': 'home', 'error.html': '<h1>Oops</h1>' });
    const missing = await get('web-errors', '/nope.html');
    expect(missing.status).toBe(404);
    expect(text(missing)).toBe('<h1>Oops</h1>');

    await site('web-plain', { IndexDocument: { Suffix: 'index.html' } }, { 'index.html': 'home' });
    const plain = await get('web-plain', '/nope.html');
    expect(plain.status).toBe(404);
    expect(plain.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(plain.headers['x-amz-error-code']).toBe('NoSuchKey');
    const page = text(plain);
    expect(page).toContain('<title>404 Not Found</title>');
    expect(page).toContain('<li>Code: NoSuchKey</li>');
    expect(page).toContain('<li>Message: The specified key does not exist.</li>');
    expect(page).toContain('<li>Key: nope.html</li>');
    expect(page).toMatch(/<li>RequestId: [0-9A-F]{16}<\/li>/);
    expect(page).toMatch(/<li>HostId: [A-Za-z0-9+/=]+<\/li>/);

    // A folder with no index document: the key S3 looked for is named.
    expect(text(await get('web-plain', '/empty/'))).toContain('<li>Key: empty/index.html</li>');

    // An error document that is itself missing: S3 says so under its own page.
    await site(
      'web-baddoc',
      { IndexDocument: { Suffix: 'index.html' }, ErrorDocument: { Key: 'gone.html' } },
      {},
    );
    const bad = text(await get('web-baddoc', '/x'));
    expect(bad).toContain('<h3>An Error Occurred While Attempting to Retrieve a Custom Error Document</h3>');
    expect(bad).toContain('<li>Key: gone.html</li>');
  });

  it('answers buckets without a website configuration, unknown buckets and other methods', async () => {
    await site('web-none', undefined, { 'index.html': 'home' });
    const none = await get('web-none', '/');
    expect(none.status).toBe(404);
    expect(text(none)).toContain('<li>Code: NoSuchWebsiteConfiguration</li>');
    expect(text(none)).toContain(
      '<li>Message: The specified bucket does not have a website configuration</li>',
    );
    expect(text(none)).toContain('<li>BucketName: web-none</li>');

    const nobucket = await get('web-missing-bucket', '/');
    expect(nobucket.status).toBe(404);
    expect(text(nobucket)).toContain('<li>Code: NoSuchBucket</li>');

    await site('web-post', indexed, { 'index.html': 'home' });
    const post = await get('web-post', '/', {}, 'POST');
    expect(post.status).toBe(405);
    expect(text(post)).toContain('<li>Code: MethodNotAllowed</li>');

    const elsewhere = await serveWebsite(cloud, {
      bucket: 'web-post',
      method: 'GET',
      path: '/',
      headers: {},
      region: 'eu-west-1',
    });
    expect(elsewhere.status).toBe(400);
    expect(text(elsewhere)).toContain('<li>Endpoint: web-post.s3-website-us-east-1.amazonaws.com</li>');

    const bare = await serveWebsite(cloud, { bucket: '', method: 'GET', path: '/', headers: {} });
    expect(bare.status).toBe(301);
    expect(bare.headers['location']).toBe('https://aws.amazon.com/s3/');
  });

  it('is 403 AccessDenied unless objects are public', async () => {
    await site('web-private', indexed, { 'index.html': 'home', 'error.html': 'err' }, { public: false });
    const r = await get('web-private', '/');
    expect(r.status).toBe(403);
    const page = text(r);
    expect(page).toContain('<title>403 Forbidden</title>');
    expect(page).toContain('<li>Code: AccessDenied</li>');
    expect(page).toContain('<li>Message: Access Denied</li>');
    // The error document is no more readable than the rest.
    expect(page).toContain('<h3>An Error Occurred While Attempting to Retrieve a Custom Error Document</h3>');

    // A public policy is not enough while the public access block is on (the default).
    await cloud.store.write((tx) =>
      writeBucketConfig(tx, 'web-private', 'policy', publicRead('web-private')),
    );
    expect((await get('web-private', '/')).status).toBe(403);
    await cloud.store.write((tx) => writeBucketConfig(tx, 'web-private', 'publicAccessBlock', {}));
    expect(text(await get('web-private', '/'))).toBe('home');

    // Public through an object ACL alone.
    await site(
      'web-acl',
      indexed,
      { 'index.html': { body: 'open', acl: 'public-read' }, 'secret.html': 'closed' },
      { public: false },
    );
    await cloud.store.write((tx) => writeBucketConfig(tx, 'web-acl', 'publicAccessBlock', {}));
    expect(text(await get('web-acl', '/'))).toBe('open');
    expect((await get('web-acl', '/secret.html')).status).toBe(403);
  });

  it('redirects every request with RedirectAllRequestsTo', async () => {
    await site(
      'web-moved',
      { RedirectAllRequestsTo: { HostName: 'www.example.com', Protocol: 'https' } },
      {},
    );
    const r = await get('web-moved', '/a/b.html?x=1');
    expect(r.status).toBe(301);
    expect(r.headers['location']).toBe('https://www.example.com/a/b.html?x=1');
    await site('web-moved2', { RedirectAllRequestsTo: { HostName: 'example.org' } }, {});
    expect((await get('web-moved2', '/')).headers['location']).toBe('http://example.org/');
  });

  it('applies routing rules on key prefixes and on returned error codes', async () => {
    await site(
      'web-rules',
      {
        ...indexed,
        RoutingRules: [
          { Condition: { KeyPrefixEquals: 'docs/' }, Redirect: { ReplaceKeyPrefixWith: 'documents/' } },
          {
            Condition: { KeyPrefixEquals: 'old.html' },
            Redirect: { ReplaceKeyWith: 'new.html', HttpRedirectCode: '302' },
          },
          {
            Condition: { HttpErrorCodeReturnedEquals: '404' },
            Redirect: {
              HostName: 'fallback.example.com',
              Protocol: 'https',
              ReplaceKeyPrefixWith: 'report-404/',
            },
          },
        ],
      },
      { 'index.html': 'home', 'documents/a.html': 'A' },
    );
    const host = websiteHostName('web-rules', 'us-east-1');
    const prefix = await get('web-rules', '/docs/a.html');
    expect(prefix.status).toBe(301);
    expect(prefix.headers['location']).toBe(`http://${host}/documents/a.html`);
    const exact = await get('web-rules', '/old.html');
    expect(exact.status).toBe(302);
    expect(exact.headers['location']).toBe(`http://${host}/new.html`);
    const missing = await get('web-rules', '/gone/page.html');
    expect(missing.status).toBe(301);
    expect(missing.headers['location']).toBe('https://fallback.example.com/report-404/gone/page.html');
    expect(text(await get('web-rules', '/'))).toBe('home');
  });

  it('follows an object redirect (x-amz-website-redirect-location)', async () => {
    await site('web-objredirect', indexed, {
      'index.html': 'home',
      'promo.html': { body: '', redirect: '/index.html' },
    });
    const r = await get('web-objredirect', '/promo.html');
    expect(r.status).toBe(301);
    expect(r.headers['location']).toBe('/index.html');
  });

  it('answers HEAD with the headers only, and honours ranges and conditional requests', async () => {
    await site('web-head', indexed, { 'index.html': '0123456789' });
    const head = await get('web-head', '/', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('10');
    expect(text(head)).toBe('');
    const missing = await get('web-head', '/nope', {}, 'HEAD');
    expect(missing.status).toBe(404);
    expect(missing.headers['x-amz-error-code']).toBe('NoSuchKey');
    expect(text(missing)).toBe('');

    const part = await get('web-head', '/', { range: 'bytes=2-4' });
    expect(part.status).toBe(206);
    expect(text(part)).toBe('234');
    expect(part.headers['content-range']).toBe('bytes 2-4/10');
    expect((await get('web-head', '/', { range: 'bytes=20-' })).status).toBe(416);

    const etag = (await get('web-head', '/')).headers['etag']!;
    const cached = await get('web-head', '/', { 'if-none-match': etag });
    expect(cached.status).toBe(304);
    expect(text(cached)).toBe('');
    expect((await get('web-head', '/', { 'if-match': '"nope"' })).status).toBe(412);
  });
});
