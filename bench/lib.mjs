// What every benchmark section shares: starting `cloudlab serve` on a fresh workspace, measuring
// calls at a given concurrency, and the "SDK floor" — a null server in another process that
// answers canned responses, so the AWS SDK client's own cost can be told from the server's.
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const pct = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

/** Start `cloudlab serve` on a fresh workspace; resolves at the ready line. */
export function startServe() {
  const data = mkdtempSync(join(tmpdir(), 'cloudlab-bench-'));
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [
      join(root, 'bin', 'cloudlab.mjs'),
      'serve',
      '--port',
      '0',
      '--ssh-port',
      '0',
      '--dns-port',
      '0',
      '--data',
      data,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (c) => {
      out += c;
      // The whole ready line: the endpoint, and the DNS server's port for the DNS section.
      const m = /AWS endpoint (http:\/\/\S+) .*DNS udp\/tcp \S+:(\d+).*\n/.exec(out);
      if (m)
        resolve({ child, endpoint: m[1], dnsPort: Number(m[2]), readyMs: performance.now() - t0, t0, data });
    });
    child.on('exit', (code) => reject(new Error(`cloudlab serve exited (${code}): ${out}`)));
  });
}

export async function stopServe(s) {
  s.child.kill('SIGTERM');
  await new Promise((r) => s.child.once('exit', r));
  rmSync(s.data, { recursive: true, force: true });
}

export function rssMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024);
}

/** Run `count` calls of `fn(i)` with `conc` in flight; ops/s and latency percentiles. */
export async function measure(count, conc, fn) {
  const lat = [];
  let next = 0;
  let errors = 0;
  let firstError = null;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: conc }, async () => {
      for (let i = next++; i < count; i = next++) {
        const s = performance.now();
        try {
          await fn(i);
        } catch (e) {
          errors++;
          firstError ??= e;
        }
        lat.push(performance.now() - s);
      }
    }),
  );
  const wall = performance.now() - t0;
  lat.sort((a, b) => a - b);
  if (firstError) console.error(`  first error: ${firstError.name ?? ''} ${firstError.message}`);
  return {
    ops_s: +((count / wall) * 1000).toFixed(0),
    p50_ms: +pct(lat, 50).toFixed(2),
    p99_ms: +pct(lat, 99).toFixed(2),
    errors,
  };
}

/**
 * A null server in its own process answering canned query-protocol responses, chosen by the
 * request's Action (the SDK floor). `responses` maps Action → response body.
 */
export async function startFloor(responses) {
  const src = `
    const http = require('http');
    const responses = ${JSON.stringify(responses)};
    const srv = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c)).on('end', () => {
        const action = /(?:^|&)Action=([A-Za-z]+)/.exec(Buffer.concat(chunks).toString())?.[1];
        const out = responses[action] ?? '';
        res.writeHead(out ? 200 : 400, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(out) });
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
export async function signedForm(endpoint, service, body) {
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

/** Send one signed query-protocol request and return the response text (to feed the floor). */
export async function rawQuery(endpoint, service, body) {
  const signed = await signedForm(endpoint, service, body);
  const res = await fetch(endpoint, { method: 'POST', headers: signed.headers, body });
  if (!res.ok) throw new Error(`${service} ${body}: HTTP ${res.status} ${await res.text()}`);
  return res.text();
}

/** Call a console channel over the headless host's HTTP door (/_cloudlab/api/<channel>). */
export async function labCall(endpoint, channel, args) {
  const res = await fetch(`${endpoint}/_cloudlab/api/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(args),
  });
  const body = await res.json();
  if (!body.ok) throw new Error(`${channel}: ${body.error.code}: ${body.error.message}`);
  return body.result;
}

/**
 * Cloud Lab beside the SDK floor, per operation and concurrency, printed as a Markdown table.
 * `rows` are measure() results tagged with target ('cloudlab' | 'sdk-floor'), op and conc.
 */
export function floorTable(rows, ops, concs, log) {
  const table = [];
  for (const conc of concs) {
    for (const op of ops) {
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
  log('| op | concurrency | Cloud Lab ops/s | SDK floor ops/s | share of floor | p50 ms | p99 ms |');
  log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of table)
    log(`| ${r.op} | ${r.conc} | ${r.cloudlab} | ${r.floor} | ${r.share}% | ${r.p50} | ${r.p99} |`);
  return table;
}

/**
 * The light client's round trip: a request signed once and then replayed (SigV4 allows it within
 * its 15 minutes; only reads are replayed) over one keep-alive connection per target, the answer
 * kept as bytes. `id` names the request; `sign()` gives its signed headers the first time.
 */
const signedOnce = new Map();
const lightAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
export async function replay(id, sign, { method, endpoint, path, body }) {
  let headers = signedOnce.get(id);
  if (!headers) signedOnce.set(id, (headers = await sign()));
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, method, path, headers, agent: lightAgent },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, bytes: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
