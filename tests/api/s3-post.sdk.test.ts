/**
 * S3 POST Object (browser form uploads), with the real presigned-POST makers: the JavaScript
 * SDK's `createPresignedPost` (Signature Version 4) and boto3's `generate_presigned_post`
 * (Signature Version 2 in us-east-1), the form sent by fetch as a browser sends it. The policy's
 * conditions, its signature and expiry, and the three ways S3 answers a stored upload.
 */
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBoto3 } from '../support/boto3';
import { failure } from '../support/failure';
import { s3Client } from '../support/s3';
import { serveLab } from '../support/serve';

const served = serveLab();
const BUCKET = 'post-uploads';
let s3: S3Client;

beforeAll(async () => {
  s3 = s3Client(served().endpoint);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});

/** What a browser sends for the form: its fields, then the file. */
async function submit(
  url: string,
  fields: Record<string, string>,
  file: { name: string; bytes: string; type?: string },
): Promise<Response> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', new Blob([file.bytes], { type: file.type ?? 'application/octet-stream' }), file.name);
  return fetch(url, { method: 'POST', body: form, redirect: 'manual' });
}

describe('POST Object with createPresignedPost (Signature Version 4)', () => {
  it('stores the file under the key, ${filename} filled in, with the fields as its headers', async () => {
    const { url, fields } = await createPresignedPost(s3, {
      Bucket: BUCKET,
      Key: 'uploads/${filename}',
      Conditions: [
        ['starts-with', '$key', 'uploads/'],
        ['starts-with', '$Content-Type', 'text/'],
        ['content-length-range', 1, 1024],
        { success_action_status: '201' },
        { 'x-amz-meta-owner': 'ana' },
      ],
      Fields: { 'Content-Type': 'text/plain', success_action_status: '201', 'x-amz-meta-owner': 'ana' },
      Expires: 300,
    });
    const res = await submit(url, fields, { name: 'notes.txt', bytes: 'hello from a form' });
    expect(res.status).toBe(201);
    const xml = await res.text();
    expect(xml).toContain(`<Bucket>${BUCKET}</Bucket><Key>uploads/notes.txt</Key>`);
    expect(xml).toMatch(/<ETag>&quot;[0-9a-f]{32}&quot;<\/ETag>/);
    expect(res.headers.get('location')).toMatch(/\/post-uploads\/uploads\/notes\.txt$/);
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'uploads/notes.txt' }));
    expect(got).toMatchObject({ ContentType: 'text/plain', Metadata: { owner: 'ana' } });
    expect(await got.Body!.transformToString()).toBe('hello from a form');
  });

  it('answers 204 by default and 303 to success_action_redirect', async () => {
    const plain = await createPresignedPost(s3, { Bucket: BUCKET, Key: 'plain.bin', Expires: 300 });
    const res = await submit(plain.url, plain.fields, { name: 'x', bytes: 'abc' });
    expect(res.status).toBe(204);
    expect(res.headers.get('etag')).toBe('"900150983cd24fb0d6963f7d28e17f72"');

    const back = await createPresignedPost(s3, {
      Bucket: BUCKET,
      Key: 'redirected.bin',
      Conditions: [{ success_action_redirect: 'http://example.test/done' }],
      Fields: { success_action_redirect: 'http://example.test/done' },
      Expires: 300,
    });
    const redirected = await submit(back.url, back.fields, { name: 'x', bytes: 'abc' });
    expect(redirected.status).toBe(303);
    const to = new URL(redirected.headers.get('location')!);
    expect(to.origin + to.pathname).toBe('http://example.test/done');
    expect(Object.fromEntries(to.searchParams)).toEqual({
      bucket: BUCKET,
      key: 'redirected.bin',
      etag: '"900150983cd24fb0d6963f7d28e17f72"',
    });
  });

  it("refuses what the policy does not allow, with S3's messages, and stores nothing", async () => {
    const { url, fields } = await createPresignedPost(s3, {
      Bucket: BUCKET,
      Key: 'limited/a.txt',
      Conditions: [
        ['starts-with', '$key', 'limited/'],
        ['content-length-range', 1, 10],
      ],
      Expires: 300,
    });
    const tooBig = await submit(url, fields, { name: 'a.txt', bytes: 'x'.repeat(11) });
    expect(tooBig.status).toBe(400);
    const big = await tooBig.text();
    expect(big).toContain('<Code>EntityTooLarge</Code>');
    expect(big).toContain('<MaxSizeAllowed>10</MaxSizeAllowed>');
    expect(
      await failure(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'limited/a.txt' }))),
    ).toMatchObject({
      name: 'NotFound',
    });

    const elsewhere = await submit(url, { ...fields, key: 'other/a.txt' }, { name: 'a.txt', bytes: 'x' });
    expect(elsewhere.status).toBe(403);
    expect(await elsewhere.text()).toContain(
      '<Message>Invalid according to Policy: Policy Condition failed: [&quot;starts-with&quot;, &quot;$key&quot;, &quot;limited/&quot;]</Message>',
    );
    const extra = await submit(url, { ...fields, 'x-amz-meta-extra': '1' }, { name: 'a.txt', bytes: 'x' });
    expect(extra.status).toBe(403);
    expect(await extra.text()).toContain('Invalid according to Policy: Extra input fields: x-amz-meta-extra');

    const forged = {
      ...fields,
      Policy: Buffer.from('{"expiration":"2099-01-01T00:00:00Z","conditions":[]}').toString('base64'),
    };
    const tampered = await submit(url, forged, { name: 'a.txt', bytes: 'x' });
    expect(tampered.status).toBe(403);
    expect(await tampered.text()).toContain('<Code>SignatureDoesNotMatch</Code>');

    const expiring = await createPresignedPost(s3, { Bucket: BUCKET, Key: 'late.txt', Expires: 1 });
    await new Promise((r) => setTimeout(r, 2100));
    const late = await submit(expiring.url, expiring.fields, { name: 'a.txt', bytes: 'x' });
    expect(late.status).toBe(403);
    expect(await late.text()).toContain('<Message>Invalid according to Policy: Policy expired.</Message>');
  });

  it('an unsigned form is anonymous: denied unless the bucket allows it', async () => {
    const res = await submit(
      `${served().endpoint}/${BUCKET}`,
      { key: 'anon.txt' },
      { name: 'a', bytes: 'x' },
    );
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<Code>AccessDenied</Code>');
    const noKey = await submit(`${served().endpoint}/${BUCKET}`, {}, { name: 'a', bytes: 'x' });
    expect(noKey.status).toBe(400);
    const missing = await noKey.text();
    expect(missing).toContain('<Code>InvalidArgument</Code>');
    expect(missing).toContain('Bucket POST must contain a field named &apos;key&apos;.');
  });
});

describe('POST Object with boto3 generate_presigned_post (Signature Version 2)', () => {
  it('stores the file; a tampered signature is refused', async () => {
    const program = `
import json, sys, boto3
s3 = boto3.client('s3', endpoint_url=sys.argv[1], region_name='us-east-1',
                  aws_access_key_id='test', aws_secret_access_key='test')
print(json.dumps(s3.generate_presigned_post(sys.argv[2], 'boto/\${filename}', ExpiresIn=300)))
`;
    const post = JSON.parse(runBoto3(program, [served().endpoint, BUCKET])) as {
      url: string;
      fields: Record<string, string>;
    };
    expect(Object.keys(post.fields).sort()).toEqual(['AWSAccessKeyId', 'key', 'policy', 'signature']);
    const res = await submit(post.url, post.fields, { name: 'report.csv', bytes: 'a,b\n1,2\n' });
    expect(res.status).toBe(204);
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'boto/report.csv' }));
    expect(await got.Body!.transformToString()).toBe('a,b\n1,2\n');
    const bad = await submit(
      post.url,
      { ...post.fields, signature: 'AAAA' + post.fields.signature!.slice(4) },
      {
        name: 'x',
        bytes: 'x',
      },
    );
    expect(bad.status).toBe(403);
    expect(await bad.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
  });
});
