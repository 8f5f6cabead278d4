#!/usr/bin/env node
// Copies the AWS API models Cloud Lab's wire codecs read from the `aws-sdk` (v2) npm package,
// which ships them as JSON, into resources/models/. Run it to move to newer models:
//   npm run models:sync [-- --version 2.1693.0]
// The package is fetched with `npm pack` into a temporary directory; nothing is installed.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MODELS = [
  'sts-2011-06-15',
  'ec2-2016-11-15',
  's3-2006-03-01',
  'dynamodb-2012-08-10',
  'streams.dynamodb-2012-08-10',
  'lambda-2015-03-31',
  'route53-2013-04-01',
  'iam-2010-05-08',
  'logs-2014-03-28',
  'monitoring-2010-08-01',
];
const args = process.argv.slice(2);
const version = args.includes('--version') ? args[args.indexOf('--version') + 1] : '2.1693.0';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'resources', 'models');
const work = mkdtempSync(join(tmpdir(), 'cloudlab-models-'));
try {
  execFileSync('npm', ['pack', `aws-sdk@${version}`, '--silent'], {
    cwd: work,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  execFileSync('tar', ['xzf', `aws-sdk-${version}.tgz`], { cwd: work });
  mkdirSync(out, { recursive: true });
  for (const uid of MODELS)
    copyFileSync(join(work, 'package', 'apis', `${uid}.min.json`), join(out, `${uid}.json`));
  const notice = readFileSync(join(work, 'package', 'NOTICE.txt'), 'utf8');
  writeFileSync(
    join(out, 'SOURCE.md'),
    `# AWS API models\n\nCopied by \`npm run models:sync\` from the \`aws-sdk\` npm package, version ${version}\n` +
      `(\`apis/*.min.json\`), licensed under the Apache License 2.0. The gateway's protocol codecs read\n` +
      `them to parse requests and write responses exactly as AWS does.\n\n## NOTICE\n\n${notice}\n`,
  );
  console.log(`copied ${MODELS.length} models from aws-sdk@${version} to ${out}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
