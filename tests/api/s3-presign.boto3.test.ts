/**
 * Signature Version 2 from boto3 (Debian's python3-boto3, which .ci/run installs). Presigned
 * URLs: in us-east-1 boto3 presigns S3 with it (`?AWSAccessKeyId=…&Expires=…&Signature=…`), as the
 * AWS CLI v1 does, and S3 accepts them — GET (with a response override), PUT (with and without a
 * signed Content-Type), a tampered URL, an expired one. The `Authorization: AWS key:signature`
 * header: boto3 with `signature_version='s3'`, and a request signed too long ago.
 */
import { createHmac } from 'node:crypto';
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

describe("boto3 with signature_version='s3' (the Authorization: AWS key:signature header)", () => {
  // Operations without a sub-resource: Debian's botocore 1.29 signs a sub-resource twice
  // (\`/bucket?location?location\`), which S3 itself refuses as SignatureDoesNotMatch.
  it('puts, reads, lists, copies and deletes; a wrong secret is SignatureDoesNotMatch', () => {
    const program = `
import json, sys, boto3
from botocore.config import Config
from botocore.exceptions import ClientError
def client(secret):
    return boto3.client('s3', endpoint_url=sys.argv[1], region_name='us-east-1',
                        aws_access_key_id='test', aws_secret_access_key=secret,
                        config=Config(signature_version='s3', s3={'addressing_style': 'path'}))
s3, b, out = client('test'), sys.argv[2], {}
s3.put_object(Bucket=b, Key='v2/a b+c.txt', Body=b'signed with v2', ContentType='text/plain',
              Metadata={'who': 'boto3'})
got = s3.get_object(Bucket=b, Key='v2/a b+c.txt')
out['body'], out['type'], out['meta'] = got['Body'].read().decode(), got['ContentType'], got['Metadata']
s3.copy_object(Bucket=b, Key='v2/copy.txt', CopySource={'Bucket': b, 'Key': 'v2/a b+c.txt'})
out['keys'] = [o['Key'] for o in s3.list_objects(Bucket=b, Prefix='v2/')['Contents']]
out['size'] = s3.head_object(Bucket=b, Key='v2/copy.txt')['ContentLength']
out['buckets'] = b in [x['Name'] for x in s3.list_buckets()['Buckets']]
for key in ['v2/a b+c.txt', 'v2/copy.txt']:
    s3.delete_object(Bucket=b, Key=key)
out['after'] = s3.list_objects(Bucket=b, Prefix='v2/').get('Contents', [])
try:
    client('wrong').get_object(Bucket=b, Key='notes/a b+c.txt')
except ClientError as e:
    out['wrong'] = e.response['Error']['Code']
print(json.dumps(out))
`;
    const out = JSON.parse(runBoto3(program, [served().endpoint, BUCKET]));
    expect(out).toEqual({
      body: 'signed with v2',
      type: 'text/plain',
      meta: { who: 'boto3' },
      keys: ['v2/a b+c.txt', 'v2/copy.txt'],
      size: 14,
      buckets: true,
      after: [],
      wrong: 'SignatureDoesNotMatch',
    });
  });
  it('a request signed more than 15 minutes ago is RequestTimeTooSkewed; no date is AccessDenied', async () => {
    const url = `${served().endpoint}/${BUCKET}`;
    const date = new Date(Date.now() - 20 * 60 * 1000).toUTCString();
    const signature = createHmac('sha1', 'test').update(`GET\n\n\n${date}\n/${BUCKET}`).digest('base64');
    const skewed = await fetch(url, { headers: { date, authorization: `AWS test:${signature}` } });
    expect(skewed.status).toBe(403);
    const xml = await skewed.text();
    expect(xml).toContain('<Code>RequestTimeTooSkewed</Code>');
    expect(xml).toContain('<MaxAllowedSkewMilliseconds>900000</MaxAllowedSkewMilliseconds>');

    const undated = await fetch(url, { headers: { authorization: 'AWS test:abc' } });
    expect(undated.status).toBe(403);
    expect(await undated.text()).toContain('AWS authentication requires a valid Date or x-amz-date header');
    const malformed = await fetch(url, { headers: { authorization: 'AWS test' } });
    expect(malformed.status).toBe(400);
    expect(await malformed.text()).toContain('<Code>InvalidArgument</Code>');
  });

  it('is refused for a bucket in a Region S3 opened after 2014, as S3 refuses it', async () => {
    const frankfurt = 'v2-frankfurt';
    await s3Client(served().endpoint, { region: 'eu-central-1' }).send(
      new CreateBucketCommand({
        Bucket: frankfurt,
        CreateBucketConfiguration: { LocationConstraint: 'eu-central-1' },
      }),
    );
    const date = new Date().toUTCString();
    const sign = (resource: string) =>
      createHmac('sha1', 'test').update(`GET\n\n\n${date}\n${resource}`).digest('base64');
    const header = (resource: string) => ({ date, authorization: `AWS test:${sign(resource)}` });
    const refused = await fetch(`${served().endpoint}/${frankfurt}`, { headers: header(`/${frankfurt}/`) });
    expect(refused.status).toBe(400);
    const xml = await refused.text();
    expect(xml).toContain('<Code>InvalidRequest</Code>');
    expect(xml).toContain('Please use AWS4-HMAC-SHA256.');
    const expires = Math.floor(Date.now() / 1000) + 60;
    const url = `${served().endpoint}/${frankfurt}/k?AWSAccessKeyId=test&Expires=${expires}&Signature=x`;
    expect((await fetch(url)).status).toBe(400);
    // The same request for the us-east-1 bucket is answered.
    const listed = await fetch(`${served().endpoint}/${BUCKET}`, { headers: header(`/${BUCKET}/`) });
    expect(listed.status).toBe(200);
  });
});
