#!/usr/bin/env node
// `npm run bench`: Cloud Lab's own figures, side by side in one run with the "SDK floor" — the
// same AWS SDK v3 client against a null server in another process that returns canned answers.
// The floor is the most any server can score with this client on this machine, so operations
// are compared as a fraction of it.
//
//   node bench/run.mjs [--only foundation|ec2|os|s3|dynamodb|lambda|dns] [--n 2000] [--conc 1,16] [--starts 7]
//                      [--runs 500] [--instances 5000] [--os-instances 200] [--keys 300]
//                      [--commands 50] [--s3-n 1000] [--s3-big-n 50] [--s3-rounds 3]
//                      [--s3-list-keys 10000] [--s3-large-mib 100] [--s3-upload-gib 1] [--s3-warm 2000]
//                      [--ddb-n 1000] [--ddb-rounds 3] [--ddb-queries 50] [--ddb-scans 10] [--ddb-warm 2000]
//                      [--ddb-big-items 1000000] [--ddb-big-queries 200] [--ddb-big-budget-s 1800]
//                      [--ddb-big-cloudlab-only]
//                      [--lambda-warm 500] [--lambda-cold 20] [--lambda-tput 500] [--lambda-conc 1,8,16]
//                      [--dns-n 5000] [--dns-conc 1,64]
//                      [--json-only]
//
// Peers: LocalStack needs Docker and an account token and moto needs PyPI; neither can run
// offline here, so the SDK floor is the comparison for these operations.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDns } from './dns.mjs';
import { runDynamodb } from './dynamodb.mjs';
import { runEc2 } from './ec2.mjs';
import { runFoundation } from './foundation.mjs';
import { runLambda } from './lambda.mjs';
import { runOs } from './os.mjs';
import { runS3 } from './s3.mjs';
import { root } from './lib.mjs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const args = process.argv.slice(2);
const arg = (name, fallback) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const only = arg('only', null);
const concs = String(arg('conc', '1,16')).split(',').map(Number);
const JSON_ONLY = args.includes('--json-only');
const log = (...a) => !JSON_ONLY && console.log(...a);

const summary = { kind: 'cloudlab-bench', at: new Date().toISOString(), node: process.version };
let failed = false;
if (!only || only === 'foundation') {
  const n = Number(arg('n', 2000));
  log(`# Foundation (node ${process.version}, n=${n}, concurrency ${concs.join(',')})\n`);
  const r = await runFoundation({ n, concs, starts: Number(arg('starts', 7)), log });
  summary.foundation = { n, ...r.summary };
  failed ||= r.failed;
}
if (!only || only === 'ec2') {
  const runs = Number(arg('runs', 500));
  const instances = Number(arg('instances', 5000));
  log(`# EC2 (runs=${runs}, concurrency ${concs.join(',')}, ${instances} instances)\n`);
  const r = await runEc2({ runs, concs, instances, log });
  summary.ec2 = { runs, ...r.summary };
  failed ||= r.failed;
}
if (!only || only === 'os') {
  const instances = Number(arg('os-instances', 200));
  log(`# Instance OS (web terminal, ${instances} instances with an idle session each)\n`);
  const r = await runOs({
    instances,
    keys: Number(arg('keys', 300)),
    commands: Number(arg('commands', 50)),
    log,
  });
  summary.os = r.summary;
  failed ||= r.failed;
}
if (!only || only === 's3') {
  const o = {
    n: Number(arg('s3-n', 1000)),
    bigN: Number(arg('s3-big-n', 50)),
    rounds: Number(arg('s3-rounds', 3)),
    listKeys: Number(arg('s3-list-keys', 10000)),
    largeMib: Number(arg('s3-large-mib', 100)),
    uploadGib: Number(arg('s3-upload-gib', 1)), // 0 skips the upload's memory figure
    warm: Number(arg('s3-warm', 2000)),
  };
  log(
    `# S3 (Cloud Lab, s3rver 3.7.1 and the SDK floor; ${o.rounds} rounds, concurrency ${concs.join(',')})\n`,
  );
  const r = await runS3({ ...o, concs, log });
  summary.s3 = r.summary;
  failed ||= r.failed;
}
if (!only || only === 'dynamodb') {
  const o = {
    n: Number(arg('ddb-n', 1000)),
    rounds: Number(arg('ddb-rounds', 3)),
    queries: Number(arg('ddb-queries', 50)),
    scans: Number(arg('ddb-scans', 10)),
    warm: Number(arg('ddb-warm', 2000)),
    bigItems: Number(arg('ddb-big-items', 1000000)), // 0 skips the scale test
    bigQueriesN: Number(arg('ddb-big-queries', 200)),
    bigBudgetS: Number(arg('ddb-big-budget-s', 1800)), // per target: past it, no more filling
    bigDynalite: !args.includes('--ddb-big-cloudlab-only'),
  };
  log(
    `# DynamoDB (Cloud Lab, dynalite 4.0.0 and the SDK floor; ${o.rounds} rounds, concurrency ${concs.join(',')})\n`,
  );
  const r = await runDynamodb({ ...o, concs, log });
  summary.dynamodb = r.summary;
  failed ||= r.failed;
}
if (!only || only === 'lambda') {
  const o = {
    warm: Number(arg('lambda-warm', 500)),
    cold: Number(arg('lambda-cold', 20)),
    tput: Number(arg('lambda-tput', 500)),
    concs: String(arg('lambda-conc', '1,8,16')).split(',').map(Number),
  };
  log(
    `# Lambda (Cloud Lab and the SDK floor; ${o.warm} warm, ${o.cold} cold, ${o.tput} per throughput pass at ${o.concs.join(',')} in flight)\n`,
  );
  const r = await runLambda({ ...o, log });
  summary.lambda = r.summary;
  failed ||= r.failed;
}
if (!only || only === 'dns') {
  const o = {
    n: Number(arg('dns-n', 5000)),
    concs: String(arg('dns-conc', '1,64')).split(',').map(Number),
  };
  log(
    `# DNS (UDP queries against --dns-port and a canned-answer floor; ${o.n} per pass at ${o.concs.join(',')} in flight)\n`,
  );
  const r = await runDns({ ...o, log });
  summary.dns = r.summary;
  failed ||= r.failed;
}
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'latest.json'), `${JSON.stringify(summary, null, 2)}\n`);
console.log(JSON.stringify(summary));
if (failed) process.exitCode = 1;
