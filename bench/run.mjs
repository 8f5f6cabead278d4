#!/usr/bin/env node
// `npm run bench`: Cloud Lab's own figures, side by side in one run with the "SDK floor" — the
// same AWS SDK v3 client against a null server in another process that returns canned answers.
// The floor is the most any server can score with this client on this machine, so point
// operations are compared as a fraction of it. A light client (a signed request replayed over
// keep-alive connections) shows what the server itself can do without the SDK's cost.
//
//   node bench/run.mjs [--n 2000] [--conc 1,16] [--starts 7] [--json-only]
//
// Peers: LocalStack needs Docker and an account token and moto needs PyPI; neither can run
// offline here, so for the foundation operations the SDK floor is the comparison.
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const arg = (name, fallback) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const N = Number(arg('n', 2000));
const CONCS = String(arg('conc', '1,16')).split(',').map(Number);
const STARTS = Number(arg('starts', 7));
const JSON_ONLY = args.includes('--json-only');
const log = (...a) => !JSON_ONLY && console.log(...a);
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

/** Start `cloudlab serve` on a fresh workspace; resolves at the ready line. */
function startServe() {
  const data = mkdtempSync(join(tmpdir(), 'cloudlab-bench-'));
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [join(root, 'bin', 'cloudlab.mjs'), 'serve', '--port', '0', '--data', data],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (c) => {
      out += c;
      const m = /AWS endpoint (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, endpoint: m[1], readyMs: performance.now() - t0, t0, data });
    });
    child.on('exit', (code) => reject(new Error(`cloudlab serve exited (${code}): ${out}`)));
  });
}

async function stopServe(s) {
  s.child.kill('SIGTERM');
  await new Promise((r) => s.child.once('exit', r));
  rmSync(s.data, { recursive: true, force: true });
}

function rssMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024);
}

/** Cold start: spawn → ready line, and spawn → first successful GetCallerIdentity. */
async function coldStart() {
  const ready = [];
  const first = [];
  for (let i = 0; i < STARTS; i++) {
    const s = await startServe();
    const sts = new STSClient({ endpoint: s.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
    await sts.send(new GetCallerIdentityCommand({}));
    first.push(performance.now() - s.t0);
    ready.push(s.readyMs);
    sts.destroy();
    await stopServe(s);
  }
  return { ready_ms: +median(ready).toFixed(1), first_request_ms: +median(first).toFixed(1), runs: STARTS };
}

async function measure(count, conc, fn) {
  const lat = [];
  let next = 0;
  let errors = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: conc }, async () => {
      for (let i = next++; i < count; i = next++) {
        const s = performance.now();
        try {
          await fn(i);
        } catch {
          errors++;
        }
        lat.push(performance.now() - s);
      }
    }),
  );
  const wall = performance.now() - t0;
  lat.sort((a, b) => a - b);
  return {
    ops_s: +((count / wall) * 1000).toFixed(0),
    p50_ms: +pct(lat, 50).toFixed(2),
    p99_ms: +pct(lat, 99).toFixed(2),
    errors,
  };
}

async function sdkWorkload(endpoint, label) {
  const sts = new STSClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  const ec2 = new EC2Client({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  const ops = {
    GetCallerIdentity: async () => {
      const r = await sts.send(new GetCallerIdentityCommand({}));
      if (r.Account !== '123456789012') throw new Error('wrong answer');
    },
    DescribeRegions: async () => {
      const r = await ec2.send(new DescribeRegionsCommand({}));
      if (!r.Regions || r.Regions.length < 10) throw new Error('wrong answer');
    },
  };
  // Warm-up long enough for both servers' code to be optimised, so the run measures steady state.
  for (let i = 0; i < 1000; i++) await Promise.all([ops.GetCallerIdentity(), ops.DescribeRegions()]);
  const rows = [];
  for (const conc of CONCS) {
    for (const [op, fn] of Object.entries(ops)) {
      const r = await measure(N, conc, fn);
      rows.push({ target: label, op, conc, ...r });
      log(
        `  ${label.padEnd(10)} ${op.padEnd(18)} c=${String(conc).padEnd(3)} ${String(r.ops_s).padStart(6)} ops/s  p50 ${r.p50_ms} ms  p99 ${r.p99_ms} ms${r.errors ? `  ERRORS ${r.errors}` : ''}`,
      );
    }
  }
  sts.destroy();
  ec2.destroy();
  return rows;
}

/** A null server answering canned STS and EC2 XML, in its own process (the SDK floor). */
async function startFloor(regionsXml) {
  const src = `
    const http = require('http');
    const identity = '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:root</Arn><UserId>123456789012</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>00000000-0000-4000-8000-000000000000</RequestId></ResponseMetadata></GetCallerIdentityResponse>';
    const regions = ${JSON.stringify(regionsXml)};
    const srv = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c)).on('end', () => {
        const body = Buffer.concat(chunks).toString();
        const out = body.includes('DescribeRegions') ? regions : identity;
        res.writeHead(200, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(out) });
        res.end(out);
      });
    });
    srv.keepAliveTimeout = 60000;
    srv.listen(0, '127.0.0.1', () => process.send(srv.address().port));`;
  const child = spawn(process.execPath, ['-e', src], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise((r) => child.once('message', r));
  return { child, endpoint: `http://127.0.0.1:${port}` };
}

/** A query-protocol POST to `endpoint`, signed for `service`. */
async function signedForm(endpoint, service, body) {
  const url = new URL(endpoint);
  const signer = new SignatureV4({ service, region: 'us-east-1', credentials, sha256: Sha256 });
  return signer.sign(
    new HttpRequest({
      method: 'POST',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body,
    }),
  );
}

/** Replays one signed request over keep-alive connections: the server's own capacity. */
async function lightClient(endpoint, service, body, conc, count) {
  const url = new URL(endpoint);
  const signed = await signedForm(endpoint, service, body);
  const agent = new Agent({ keepAlive: true, maxSockets: conc });
  const once = () =>
    new Promise((resolve, reject) => {
      const req = request(
        { host: url.hostname, port: url.port, method: 'POST', path: '/', headers: signed.headers, agent },
        (res) => {
          res.resume();
          res.on('end', () =>
            res.statusCode === 200 ? resolve() : reject(new Error(String(res.statusCode))),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  for (let i = 0; i < 200; i++) await once();
  const cpu0 = process.cpuUsage();
  const r = await measure(count, conc, once);
  agent.destroy();
  const cpu = process.cpuUsage(cpu0);
  return { ...r, client_cpu_ms: Math.round((cpu.user + cpu.system) / 1000) };
}

// ---- run ----
log(`# Cloud Lab benchmark (node ${process.version}, n=${N}, concurrency ${CONCS.join(',')})\n`);
log('## Cold start (fresh workspace), median of', STARTS);
const cold = await coldStart();
log(`  ready line ${cold.ready_ms} ms · first answered request ${cold.first_request_ms} ms\n`);

const served = await startServe();
const rssIdle = rssMiB(served.child.pid);
log('## AWS SDK v3 workload');
const rows = await sdkWorkload(served.endpoint, 'cloudlab');
// The floor answers with Cloud Lab's own DescribeRegions document, so both parse the same bytes.
const regionsBody = 'Action=DescribeRegions&Version=2016-11-15';
const regionsRequest = await signedForm(served.endpoint, 'ec2', regionsBody);
const regionsXml = await (
  await fetch(served.endpoint, { method: 'POST', headers: regionsRequest.headers, body: regionsBody })
).text();
const floor = await startFloor(regionsXml);
rows.push(...(await sdkWorkload(floor.endpoint, 'sdk-floor')));
floor.child.kill();

log('\n## Light client (one signed request replayed, 16 keep-alive connections)');
const light = {
  GetCallerIdentity: await lightClient(
    served.endpoint,
    'sts',
    'Action=GetCallerIdentity&Version=2011-06-15',
    16,
    N * 5,
  ),
  DescribeRegions: await lightClient(
    served.endpoint,
    'ec2',
    'Action=DescribeRegions&Version=2016-11-15',
    16,
    N * 5,
  ),
};
for (const [op, r] of Object.entries(light))
  log(
    `  ${op.padEnd(18)} ${r.ops_s} req/s  p50 ${r.p50_ms} ms  p99 ${r.p99_ms} ms${r.errors ? `  ERRORS ${r.errors}` : ''}`,
  );
const rssLoaded = rssMiB(served.child.pid);
await stopServe(served);

const table = [];
for (const conc of CONCS) {
  for (const op of ['GetCallerIdentity', 'DescribeRegions']) {
    const mine = rows.find((r) => r.target === 'cloudlab' && r.op === op && r.conc === conc);
    const base = rows.find((r) => r.target === 'sdk-floor' && r.op === op && r.conc === conc);
    table.push({
      op,
      conc,
      cloudlab: mine.ops_s,
      floor: base.ops_s,
      share: Math.round((mine.ops_s / base.ops_s) * 100),
      p50: mine.p50_ms,
      p99: mine.p99_ms,
      errors: mine.errors,
    });
  }
}
log('\n| op | concurrency | Cloud Lab ops/s | SDK floor ops/s | share of floor | p50 ms | p99 ms |');
log('|---|---:|---:|---:|---:|---:|---:|');
for (const r of table)
  log(`| ${r.op} | ${r.conc} | ${r.cloudlab} | ${r.floor} | ${r.share}% | ${r.p50} | ${r.p99} |`);
log(`\nMemory: ${rssIdle} MiB RSS idle after start, ${rssLoaded} MiB after the workload.`);

const summary = {
  kind: 'cloudlab-bench',
  at: new Date().toISOString(),
  node: process.version,
  n: N,
  cold_start: cold,
  sdk: table,
  light_client: light,
  rss_mib: { idle: rssIdle, loaded: rssLoaded },
};
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'latest.json'), `${JSON.stringify(summary, null, 2)}\n`);
console.log(JSON.stringify(summary));
if (table.some((r) => r.errors > 0) || Object.values(light).some((r) => r.errors > 0)) process.exitCode = 1;
