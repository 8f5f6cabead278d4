/**
 * The real AWS CLI v2 against `cloudlab serve`: `aws s3 sync` both ways (new, changed and
 * deleted files), `aws s3 cp` of a 100 MiB file (multipart) and back, and versioning through
 * `aws s3api`.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliLab } from '../support/aws-cli';
import { tempDir } from '../support/temp';

const { run } = cliLab();
const files = tempDir('cloudlab-s3-sync-');
afterAll(() => files.cleanup());

const md5 = (path: string) => createHash('md5').update(readFileSync(path)).digest('hex');

/** The CLI names local files relative to its working directory: compare from `site/` on. */
const lines = (stdout: string) =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => l.replace(/^upload: \S*?site\//, 'upload: site/'))
    .sort();

function tree(root: string, base = ''): string[] {
  return readdirSync(join(root, base), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? tree(root, join(base, e.name)) : [join(base, e.name)]))
    .sort();
}

describe('aws s3 sync', () => {
  const local = join(files.dir, 'site');
  const back = join(files.dir, 'restored');

  it('uploads a directory tree, then only what changed, and --delete removes what is gone', () => {
    expect(run('s3', 'mb', 's3://sync-bucket').stderr).toBe('');
    mkdirSync(join(local, 'css'), { recursive: true });
    writeFileSync(join(local, 'index.html'), '<h1>hello</h1>\n');
    writeFileSync(join(local, 'css', 'site.css'), 'body { color: teal }\n');
    writeFileSync(join(local, 'notes.txt'), 'v1\n');
    const first = run('s3', 'sync', local, 's3://sync-bucket/', '--no-progress');
    expect(first.stderr).toBe('');
    expect(lines(first.stdout)).toEqual([
      'upload: site/css/site.css to s3://sync-bucket/css/site.css',
      'upload: site/index.html to s3://sync-bucket/index.html',
      'upload: site/notes.txt to s3://sync-bucket/notes.txt',
    ]);
    // Nothing changed: nothing to do.
    expect(run('s3', 'sync', local, 's3://sync-bucket/', '--no-progress').stdout).toBe('');

    writeFileSync(join(local, 'notes.txt'), 'version two, longer\n');
    rmSync(join(local, 'index.html'));
    const second = run('s3', 'sync', local, 's3://sync-bucket/', '--delete', '--no-progress');
    expect(second.stderr).toBe('');
    expect(lines(second.stdout)).toEqual([
      'delete: s3://sync-bucket/index.html',
      'upload: site/notes.txt to s3://sync-bucket/notes.txt',
    ]);
  });

  it('downloads a prefix tree to a directory', () => {
    const down = run('s3', 'sync', 's3://sync-bucket/', back, '--no-progress');
    expect(down.stderr).toBe('');
    expect(tree(back)).toEqual(['css/site.css', 'notes.txt']);
    expect(readFileSync(join(back, 'notes.txt'), 'utf8')).toBe('version two, longer\n');
    expect(run('s3', 'sync', 's3://sync-bucket/', back, '--no-progress').stdout).toBe('');
  });
});

describe('aws s3 cp of 100 MiB', () => {
  const big = join(files.dir, 'hundred.bin');
  const again = join(files.dir, 'hundred-again.bin');

  it('uploads in parts and downloads the same bytes', async () => {
    await new Promise<void>((resolve, reject) => {
      const out = createWriteStream(big);
      const block = Buffer.alloc(1024 * 1024);
      for (let i = 0; i < 100; i++) {
        block.fill(i);
        out.write(Buffer.from(block));
      }
      out.end();
      out.on('finish', resolve);
      out.on('error', reject);
    });
    expect(run('s3', 'mb', 's3://big-bucket').stderr).toBe('');
    const up = run('s3', 'cp', big, 's3://big-bucket/hundred.bin', '--no-progress');
    expect(up.stderr).toBe('');
    const head = run('s3api', 'head-object', '--bucket', 'big-bucket', '--key', 'hundred.bin').json() as {
      ContentLength: number;
      ETag: string;
    };
    expect(head.ContentLength).toBe(100 * 1024 * 1024);
    // The CLI's default 8 MiB parts: 13 of them.
    expect(head.ETag).toMatch(/-13"$/);
    const down = run('s3', 'cp', 's3://big-bucket/hundred.bin', again, '--no-progress');
    expect(down.stderr).toBe('');
    expect(md5(again)).toBe(md5(big));
  });
});

describe('versioning with aws s3api', () => {
  it('put-bucket-versioning, versions listed, an old version fetched', () => {
    expect(run('s3', 'mb', 's3://cli-versions').stderr).toBe('');
    const put = run(
      's3api',
      'put-bucket-versioning',
      '--bucket',
      'cli-versions',
      '--versioning-configuration',
      'Status=Enabled',
    );
    expect(put.stderr).toBe('');
    expect(run('s3api', 'get-bucket-versioning', '--bucket', 'cli-versions').json()).toEqual({
      Status: 'Enabled',
    });
    const note = join(files.dir, 'note.txt');
    writeFileSync(note, 'first\n');
    const first = run(
      's3api',
      'put-object',
      '--bucket',
      'cli-versions',
      '--key',
      'note.txt',
      '--body',
      note,
    ).json() as {
      VersionId: string;
    };
    writeFileSync(note, 'second\n');
    run('s3api', 'put-object', '--bucket', 'cli-versions', '--key', 'note.txt', '--body', note);
    run('s3', 'rm', 's3://cli-versions/note.txt');
    const listed = run('s3api', 'list-object-versions', '--bucket', 'cli-versions').json() as {
      Versions: { VersionId: string; IsLatest: boolean }[];
      DeleteMarkers: { IsLatest: boolean }[];
    };
    expect(listed.Versions).toHaveLength(2);
    expect(listed.DeleteMarkers).toEqual([expect.objectContaining({ IsLatest: true })]);
    const out = join(files.dir, 'old.txt');
    const got = run(
      's3api',
      'get-object',
      '--bucket',
      'cli-versions',
      '--key',
      'note.txt',
      '--version-id',
      first.VersionId,
      out,
    );
    expect(got.stderr).toBe('');
    expect(readFileSync(out, 'utf8')).toBe('first\n');
    const missing = run('s3api', 'get-object', '--bucket', 'cli-versions', '--key', 'note.txt', out);
    expect(missing.stderr).toContain('An error occurred (NoSuchKey) when calling the GetObject operation');
  });
});
