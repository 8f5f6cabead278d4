/**
 * Presigned URLs made by boto3 (Debian's python3-boto3, which .ci/run installs): in us-east-1
 * boto3 presigns S3 with Signature Version 2 (`?AWSAccessKeyId=…&Expires=…&Signature=…`), as the
 * AWS CLI v1 does, and S3 accepts them. GET (with a response override), PUT (with and without a
 * signed Content-Type), a tampered URL, an expired one.
 */
import { CreateBucketCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBoto3 } from '../support/boto3';
import { s3Client } from '../support/s3';
import { serveLab } from '../support/serve';

const served = serveLab();
const BUCKET = 'boto3-presigned';

/** URLs from boto3's generate_presigned_url: [client method, params, expires in]. */
function presign(requests: Array<[string, Record<string, string>, number]>): string[] {
  const program = `
import json, sys, boto3
s3 = boto3.client('s3', endpoint_url=sys.argv[1], region_name='us-east-1',
                  aws_access_key_id='test', aws_secret_access_key='test')
for method, params, expires in json.loads(sys.argv[2]):
    print(s3.generate_presigned_url(method, Params=params, ExpiresIn=expires))
`;
  return runBoto3(program, [served().endpoint, JSON.stringify(requests)])
    .trim()
    .split('\n');
}

beforeAll(async () => {
  await s3Client(served().endpoint).send(new CreateBucketCommand({ Bucket: BUCKET }));
});

describe('boto3 presigned URLs (Signature Version 2)', () => {
  it('PUT and GET work without credentials, a response override included', async () => {
    const [put, typedPut, get] = presign([
      ['put_object', { Bucket: BUCKET, Key: 'notes/a b+c.txt' }, 300],
      ['put_object', { Bucket: BUCKET, Key: 'typed.txt', ContentType: 'text/plain' }, 300],
      [
        'get_object',
        {
          Bucket: BUCKET,
          Key: 'notes/a b+c.txt',
          ResponseContentDisposition: 'attachment; filename="x.txt"',
        },
        300,
      ],
    ]);
    expect(put).toMatch(/[?&]AWSAccessKeyId=test&Signature=[^&]+&Expires=\d+$/);
    // Bytes, not a string: fetch would add a Content-Type of its own, which the URL did not sign.
    expect((await fetch(put!, { method: 'PUT', body: Buffer.from('sent by a V2 URL') })).status).toBe(200);
    // Signed with a Content-Type: the PUT must send that one.
    const wrongType = await fetch(typedPut!, {
      method: 'PUT',
      body: 'x',
      headers: { 'content-type': 'image/png' },
    });
    expect(wrongType.status).toBe(403);
    expect(await wrongType.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    const typed = await fetch(typedPut!, {
      method: 'PUT',
      body: 'typed',
      headers: { 'content-type': 'text/plain' },
    });
    expect(typed.status).toBe(200);

    const got = await fetch(get!);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-disposition')).toBe('attachment; filename="x.txt"');
    expect(await got.text()).toBe('sent by a V2 URL');
    const stored = await s3Client(served().endpoint).send(
      new GetObjectCommand({ Bucket: BUCKET, Key: 'typed.txt' }),
    );
    expect(stored.ContentType).toBe('text/plain');
  });

  it('a tampered URL is SignatureDoesNotMatch with what S3 signed; an expired one has expired', async () => {
    const [get, soon] = presign([
      ['get_object', { Bucket: BUCKET, Key: 'notes/a b+c.txt' }, 300],
      ['get_object', { Bucket: BUCKET, Key: 'notes/a b+c.txt' }, 1],
    ]);
    const other = get!.replace('notes/a%20b%2Bc.txt', 'notes/other.txt');
    const tampered = await fetch(other);
    expect(tampered.status).toBe(403);
    const xml = await tampered.text();
    expect(xml).toContain('<Code>SignatureDoesNotMatch</Code>');
    expect(xml).toMatch(/<StringToSign>GET\n\n\n\d+\n\/boto3-presigned\/notes\/other\.txt<\/StringToSign>/);

    await new Promise((r) => setTimeout(r, 2100));
    const expired = await fetch(soon!);
    expect(expired.status).toBe(403);
    const late = await expired.text();
    expect(late).toContain('<Message>Request has expired</Message>');
    expect(late).toMatch(/<Expires>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ<\/Expires>/);
  });
});
