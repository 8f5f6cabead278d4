/**
 * Amazon S3 with the real AWS CLI v2 against `cloudlab serve`: the high-level `aws s3`
 * commands (mb, cp both ways, ls, rm, rb) and `aws s3api` calls with S3's errors.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliLab } from '../support/aws-cli';
import { tempDir } from '../support/temp';

const { run } = cliLab();
const files = tempDir('cloudlab-s3-cli-');
afterAll(() => files.cleanup());

describe('aws s3', () => {
  const small = join(files.dir, 'hello.txt');
  const big = join(files.dir, 'big.bin');

  it('mb makes a bucket and ls lists it', () => {
    const mb = run('s3', 'mb', 's3://cli-bucket');
    expect(mb.stderr).toBe('');
    expect(mb.stdout).toBe('make_bucket: cli-bucket\n');
    expect(run('s3', 'ls').stdout).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d cli-bucket\n$/);
  });

  it('cp uploads files, ls shows them, cp downloads them to stdout and to files', () => {
    writeFileSync(small, 'hello from the CLI\n');
    const up = run('s3', 'cp', small, 's3://cli-bucket/docs/hello.txt', '--no-progress');
    expect(up.stderr).toBe('');
    expect(up.stdout).toMatch(/^upload: \S*hello\.txt to s3:\/\/cli-bucket\/docs\/hello\.txt\n$/);
    // 7 MiB: one PutObject (from 8 MiB on, the CLI uploads in parts: see below).
    const data = Buffer.alloc(7 * 1024 * 1024, 'x');
    writeFileSync(big, data);
    const upBig = run('s3', 'cp', big, 's3://cli-bucket/big.bin', '--no-progress');
    expect(upBig.stderr).toBe('');
    expect(upBig.stdout).toContain('upload:');

    const top = run('s3', 'ls', 's3://cli-bucket/');
    expect(top.stdout).toMatch(/^ +PRE docs\/\n\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +7340032 big\.bin\n$/);
    const docs = run('s3', 'ls', 's3://cli-bucket/docs/');
    expect(docs.stdout).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +19 hello\.txt\n$/);
    expect(run('s3', 'ls', 's3://cli-bucket/', '--recursive').stdout.trim().split('\n')).toHaveLength(2);

    const out = run('s3', 'cp', 's3://cli-bucket/docs/hello.txt', '-');
    expect(out.stdout).toBe('hello from the CLI\n');
    const copy = join(files.dir, 'copy.bin');
    expect(run('s3', 'cp', 's3://cli-bucket/big.bin', copy, '--no-progress').stderr).toBe('');
    expect(createHash('md5').update(readFileSync(copy)).digest('hex')).toBe(
      createHash('md5').update(data).digest('hex'),
    );
  });

  it('s3api answers with the object details and S3 errors', () => {
    const head = run('s3api', 'head-object', '--bucket', 'cli-bucket', '--key', 'docs/hello.txt');
    expect(head.json()).toMatchObject({ ContentLength: 19, ETag: expect.stringMatching(/^"[0-9a-f]{32}"$/) });
    const missing = run(
      's3api',
      'get-object',
      '--bucket',
      'cli-bucket',
      '--key',
      'nope',
      join(files.dir, 'x'),
    );
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain(
      'An error occurred (NoSuchKey) when calling the GetObject operation: The specified key does not exist.',
    );
    const location = run('s3api', 'get-bucket-location', '--bucket', 'cli-bucket');
    expect(location.json()).toEqual({ LocationConstraint: null });
    const bad = run('s3api', 'create-bucket', '--bucket', 'Bad_Name');
    expect(bad.stderr).toContain('(InvalidBucketName)');
    const list = run('s3api', 'list-objects-v2', '--bucket', 'cli-bucket', '--page-size', '1');
    expect((list.json() as { Contents: Array<{ Key: string }> }).Contents.map((c) => c.Key)).toEqual([
      'big.bin',
      'docs/hello.txt',
    ]); // the CLI follows continuation tokens itself
  });

  it('cp uploads and downloads a 20 MiB file in parts (multipart at 8 MiB)', () => {
    expect(run('s3', 'mb', 's3://cli-multipart').status).toBe(0);
    const data = Buffer.alloc(20 * 1024 * 1024);
    for (let i = 0; i < data.length; i += 4) data.writeUInt32LE((i * 2654435761) >>> 0, i);
    const file = join(files.dir, 'twenty.bin');
    writeFileSync(file, data);
    const up = run('s3', 'cp', file, 's3://cli-multipart/twenty.bin', '--no-progress');
    expect(up.stderr).toBe('');
    expect(up.stdout).toContain('upload:');
    const head = run('s3api', 'head-object', '--bucket', 'cli-multipart', '--key', 'twenty.bin');
    expect(head.json()).toMatchObject({
      ContentLength: data.length,
      ETag: expect.stringMatching(/^"[0-9a-f]{32}-3"$/),
    });
    const copy = join(files.dir, 'twenty-copy.bin');
    expect(run('s3', 'cp', 's3://cli-multipart/twenty.bin', copy, '--no-progress').stderr).toBe('');
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    expect(sha(readFileSync(copy))).toBe(sha(data));
    expect(run('s3', 'rm', 's3://cli-multipart/twenty.bin').status).toBe(0);
    expect(run('s3', 'rb', 's3://cli-multipart').status).toBe(0);
  });

  it('cp copies within S3; s3api delete-objects and rm --recursive delete keys', () => {
    expect(run('s3', 'mb', 's3://cli-copies').status).toBe(0);
    const src = join(files.dir, 'copy-src.txt');
    writeFileSync(src, 'copied by the CLI\n');
    expect(run('s3', 'cp', src, 's3://cli-copies/k', '--no-progress').status).toBe(0);
    const cp = run('s3', 'cp', 's3://cli-copies/k', 's3://cli-copies/k2', '--no-progress');
    expect(cp.stderr).toBe('');
    expect(cp.stdout).toBe('copy: s3://cli-copies/k to s3://cli-copies/k2\n');
    expect(run('s3', 'cp', 's3://cli-copies/k2', '-').stdout).toBe('copied by the CLI\n');
    for (const k of ['a', 'b', 'c/d']) run('s3', 'cp', src, `s3://cli-copies/${k}`, '--no-progress');
    const del = run(
      's3api',
      'delete-objects',
      '--bucket',
      'cli-copies',
      '--delete',
      '{"Objects":[{"Key":"a"},{"Key":"b"},{"Key":"missing"}]}',
    );
    expect(del.stderr).toBe('');
    expect((del.json() as { Deleted: Array<{ Key: string }> }).Deleted.map((d) => d.Key)).toEqual([
      'a',
      'b',
      'missing',
    ]);
    const rm = run('s3', 'rm', 's3://cli-copies', '--recursive');
    expect(rm.stderr).toBe('');
    expect(rm.stdout.trim().split('\n').sort()).toEqual([
      'delete: s3://cli-copies/c/d',
      'delete: s3://cli-copies/k',
      'delete: s3://cli-copies/k2',
    ]);
    expect(run('s3', 'rb', 's3://cli-copies').stdout).toBe('remove_bucket: cli-copies\n');
  });

  it('rb refuses a bucket with objects; rm empties it; rb removes it', () => {
    const refused = run('s3', 'rb', 's3://cli-bucket');
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('BucketNotEmpty');
    expect(run('s3', 'rm', 's3://cli-bucket/docs/hello.txt').stdout).toBe(
      'delete: s3://cli-bucket/docs/hello.txt\n',
    );
    expect(run('s3', 'rm', 's3://cli-bucket/big.bin').stdout).toBe('delete: s3://cli-bucket/big.bin\n');
    expect(run('s3', 'rb', 's3://cli-bucket').stdout).toBe('remove_bucket: cli-bucket\n');
    const gone = run('s3', 'ls', 's3://cli-bucket/');
    expect(gone.stderr).toContain('(NoSuchBucket)');
  });
});
