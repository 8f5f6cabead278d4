/**
 * S3 static website hosting against `cloudlab serve`: the SDK uploads a site and configures it
 * (PutBucketWebsite, public access block, bucket policy); plain HTTP requests to the website
 * endpoint's local form (`BUCKET.s3-website-us-east-1.localhost:PORT`, what the console opens in a
 * browser) get the pages, redirects and S3's HTML error pages — unsigned, as browsers send them.
 */
import {
  CreateBucketCommand,
  DeletePublicAccessBlockCommand,
  PutBucketPolicyCommand,
  PutBucketWebsiteCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { request } from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import { websitePreviewUrl } from '../../electron/contract/s3-website';
import { publicReadPolicy } from '../support/s3-policy';
import { s3Client } from '../support/s3';
import { serveLab } from '../support/serve';

const served = serveLab();

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * An HTTP request to the listener with the Host a browser would send for `url` (Node does not
 * resolve `*.localhost` by itself everywhere; browsers and Electron do).
 */
function visit(
  url: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: served().port,
        path: `${u.pathname}${u.search}`,
        method: options.method ?? 'GET',
        headers: { host: u.host, ...options.headers },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const BUCKET = 'api-website';

describe('S3 website endpoint over HTTP', () => {
  let site: string;

  beforeAll(async () => {
    const s3 = s3Client(served().endpoint);
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const put = (Key: string, Body: string, ContentType = 'text/html') =>
      s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body, ContentType }));
    await put('index.html', '<h1>Home</h1>');
    await put('docs/index.html', '<h1>Docs</h1>');
    await put('error.html', '<h1>Lost?</h1>');
    await put('app.js', 'console.log(1)', 'application/javascript');
    await s3.send(
      new PutBucketWebsiteCommand({
        Bucket: BUCKET,
        WebsiteConfiguration: {
          IndexDocument: { Suffix: 'index.html' },
          ErrorDocument: { Key: 'error.html' },
          RoutingRules: [
            { Condition: { KeyPrefixEquals: 'blog/' }, Redirect: { ReplaceKeyPrefixWith: 'docs/' } },
          ],
        },
      }),
    );
    site = websitePreviewUrl(BUCKET, 'us-east-1', served().port);

    // Not public yet: the public access block (on by default) and no policy.
    const closed = await visit(site);
    expect(closed.status).toBe(403);
    expect(closed.body).toContain('<li>Code: AccessDenied</li>');

    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: BUCKET }));
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: BUCKET,
        Policy: JSON.stringify(publicReadPolicy(BUCKET)),
      }),
    );
  });

  it('serves the index page to a browser (not the console), folders and assets', async () => {
    expect(site).toBe(`http://${BUCKET}.s3-website-us-east-1.localhost:${served().port}/`);
    const home = await visit(site, { headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(home.status).toBe(200);
    expect(home.body).toBe('<h1>Home</h1>');
    expect(home.headers['content-type']).toBe('text/html');
    expect(home.headers['etag']).toMatch(/^"[0-9a-f]{32}"$/);
    expect(home.headers['last-modified']).toBeDefined();

    expect((await visit(`${site}docs/`)).body).toBe('<h1>Docs</h1>');
    const bare = await visit(`${site}docs`);
    expect(bare.status).toBe(302);
    expect(bare.headers['location']).toBe('/docs/');
    const js = await visit(`${site}app.js`);
    expect(js.headers['content-type']).toBe('application/javascript');

    const head = await visit(site, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('13');
    expect(head.body).toBe('');
  });

  it('answers missing pages with the error document, redirects by rule, and refuses writes', async () => {
    const missing = await visit(`${site}nowhere.html`);
    expect(missing.status).toBe(404);
    expect(missing.body).toBe('<h1>Lost?</h1>');

    const rule = await visit(`${site}blog/post.html`);
    expect(rule.status).toBe(301);
    expect(rule.headers['location']).toBe(
      `http://${BUCKET}.s3-website-us-east-1.localhost:${served().port}/docs/post.html`,
    );

    const post = await visit(site, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.body).toContain('<li>Code: MethodNotAllowed</li>');
  });

  it('answers as AWS names it too, and S3 own pages for unknown buckets and unconfigured ones', async () => {
    const aws = await visit(`http://${BUCKET}.s3-website-us-east-1.amazonaws.com/`);
    expect(aws.body).toBe('<h1>Home</h1>');

    const unknown = await visit(
      `http://no-such-bucket-here.s3-website-us-east-1.localhost:${served().port}/`,
    );
    expect(unknown.status).toBe(404);
    expect(unknown.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(unknown.body).toContain('<title>404 Not Found</title>');
    expect(unknown.body).toContain('<li>Code: NoSuchBucket</li>');
    expect(unknown.body).toContain('<li>BucketName: no-such-bucket-here</li>');

    // The REST endpoint of the same bucket is untouched: anonymous and unsigned, still S3's XML.
    const rest = await visit(`http://${BUCKET}.s3.us-east-1.localhost:${served().port}/index.html`);
    expect(rest.headers['content-type']).not.toContain('text/html; charset=utf-8');
  });
});
