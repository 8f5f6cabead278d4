// Lambda figures: the AWS SDK v3 Lambda client (maxAttempts 1) invoking a trivial ESM function
// (`export const handler = async (e) => e;`, nodejs20.x, 128 MB) with Invoke (RequestResponse)
// against `cloudlab serve` (the built CLI) on a fresh workspace:
//  - warm latency: one warm-up call, then N sequential invokes (every answer checked);
//  - cold latency: N times UpdateFunctionConfiguration (a new environment variable, so the next
//    Invoke needs a new execution environment), the wait until LastUpdateStatus is Successful,
//    then one Invoke with LogType Tail: the Invoke's own time and the REPORT line's Init Duration
//    and Duration;
//  - throughput: invocations/second at 1, 8 and 16 in flight, on a second function that has never
//    run, two passes at each concurrency in turn; environments are cold-started as the
//    concurrency needs them, counted as the lab's new sandbox processes in each pass.
// For context, in the same run: the SDK floor (the same client against a null server in another
// process answering Invoke's 200 with the request's payload as the function's result), the
// handler called directly in-process (no sandbox, no HTTP), and a bare `node` process spawned to
// its first IPC message (what any process-per-environment cold start pays on this machine).
import {
  CreateFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  LambdaClient,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { strToU8, zipSync } from 'fflate';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { credentials, measure, pct, rssMiB, startServe, stopServe } from './lib.mjs';

const ROLE = 'arn:aws:iam::123456789012:role/lambda-role';
const SOURCE = 'export const handler = async (e) => e;\n';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function client(endpoint) {
  return new LambdaClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
}

function check(ok, message) {
  if (!ok) throw Object.assign(new Error(message), { name: 'WrongAnswer' });
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const r = (x) => (x === undefined ? null : +x.toFixed(2));
  return {
    n: s.length,
    p50_ms: r(pct(s, 50)),
    p90_ms: r(pct(s, 90)),
    p99_ms: r(pct(s, 99)),
    max_ms: r(s.at(-1)),
  };
};

/** Poll until the function is Active and its last update finished (as the SDK's waiters). */
async function waitReady(lambda, FunctionName) {
  for (let i = 0; i < 400; i++) {
    const c = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName }));
    if (c.State === 'Active' && c.LastUpdateStatus === 'Successful') return c;
    await sleep(10);
  }
  throw new Error(`${FunctionName} did not become Active/Successful`);
}

async function createFunction(lambda, FunctionName) {
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName,
      Runtime: 'nodejs20.x',
      Role: ROLE,
      Handler: 'index.handler',
      MemorySize: 128,
      Code: { ZipFile: zipSync({ 'index.mjs': strToU8(SOURCE) }) },
    }),
  );
  await waitReady(lambda, FunctionName);
}

/** One RequestResponse Invoke of `{ i }`; the echoed payload is checked. */
async function invokeOnce(lambda, FunctionName, i, extra = {}) {
  const out = await lambda.send(
    new InvokeCommand({ FunctionName, Payload: Buffer.from(`{"i":${i}}`), ...extra }),
  );
  check(
    out.StatusCode === 200 && !out.FunctionError,
    `Invoke ${FunctionName}: ${out.StatusCode} ${out.FunctionError ?? ''}`,
  );
  const got = Buffer.from(out.Payload ?? []).toString();
  check(got === `{"i":${i}}`, `Invoke ${FunctionName}: payload ${got.slice(0, 200)}`);
  return out;
}

/** The pids of a process's children (the lab's sandbox processes). */
function childPids(pid) {
  const pids = new Set();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    for (const c of readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(/\s+/))
      if (c) pids.add(Number(c));
  }
  return pids;
}

/** The SDK floor: a null server answering every Invoke 200 with the request's payload. */
async function startFloor() {
  const src = `
    const http = require('http');
    const srv = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c)).on('end', () => {
        const body = Buffer.concat(chunks);
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length,
          'x-amz-executed-version': '$LATEST', 'x-amzn-requestid': 'a4b1a7a0-0000-4000-8000-000000000000' });
        res.end(body);
      });
    });
    srv.keepAliveTimeout = 60000;
    srv.listen(0, '127.0.0.1', () => process.send(srv.address().port));`;
  const child = spawn(process.execPath, ['-e', src], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`the SDK floor exited (${code})`)));
  });
  return { child, endpoint: `http://127.0.0.1:${port}` };
}

/** A bare `node` process spawned to its first IPC message: the floor of a process cold start. */
async function bareSpawnMs() {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['-e', 'process.send(1)'], {
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  });
  await new Promise((r) => child.once('message', r));
  const ms = performance.now() - t0;
  await new Promise((r) => child.once('exit', r));
  return ms;
}

/** Sequential invokes, each timed. */
async function sequential(count, fn) {
  const lat = [];
  for (let i = 0; i < count; i++) {
    const s = performance.now();
    await fn(i);
    lat.push(performance.now() - s);
  }
  return stats(lat);
}

const fieldOf = (log, name) => {
  const m = new RegExp(`${name}: ([\\d.]+) ms`).exec(log);
  return m ? Number(m[1]) : null;
};

export async function runLambda(options) {
  const spawned = { children: [], serves: [] };
  try {
    return await run(options, spawned);
  } finally {
    for (const child of spawned.children) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill();
      await gone;
    }
    for (const s of spawned.serves) await stopServe(s).catch(() => {});
  }
}

async function run({ warm, cold, tput, concs, log }, spawned) {
  const loadStart = loadavg().map((x) => +x.toFixed(2));
  const served = await startServe();
  spawned.serves.push(served);
  const floor = await startFloor();
  spawned.children.push(floor.child);
  const lambda = client(served.endpoint);
  const floorClient = client(floor.endpoint);
  const out = { warm_n: warm, cold_n: cold, tput_n: tput, concs };
  const pid = served.child.pid;
  const rssStart = rssMiB(pid);

  // ---- set-up ------------------------------------------------------------------------------------
  let t0 = performance.now();
  await createFunction(lambda, 'echo');
  out.create_to_active_ms = +(performance.now() - t0).toFixed(1);
  log(`  CreateFunction → Active: ${out.create_to_active_ms} ms`);

  // ---- warm latency ------------------------------------------------------------------------------
  // The client's code warmed on the floor (100 calls); then one warm-up call on Cloud Lab.
  for (let i = 0; i < 100; i++) await invokeOnce(floorClient, 'echo', i);
  t0 = performance.now();
  await invokeOnce(lambda, 'echo', -1); // the warm-up call: the function's first (cold) invoke
  out.first_invoke_ms = +(performance.now() - t0).toFixed(1);
  out.warm = await sequential(warm, (i) => invokeOnce(lambda, 'echo', i));
  out.floor_warm = await sequential(warm, (i) => invokeOnce(floorClient, 'echo', i));
  // The same handler called in-process: no sandbox, no HTTP (the event JSON parsed and the result
  // serialised, as any runtime does).
  const handler = async (e) => e;
  const calls = 100_000;
  for (let i = 0; i < 10_000; i++) JSON.stringify(await handler(JSON.parse(`{"i":${i}}`)));
  const d0 = performance.now();
  for (let i = 0; i < calls; i++) JSON.stringify(await handler(JSON.parse(`{"i":${i}}`)));
  // Where a warm invoke's time goes: the REPORT line's Duration (inside the sandbox), LogType Tail.
  const warmDur = [];
  for (let i = 0; i < Math.min(warm, 100); i++) {
    const r = await invokeOnce(lambda, 'echo', i, { LogType: 'Tail' });
    warmDur.push(fieldOf(Buffer.from(r.LogResult ?? '', 'base64').toString(), '\\tDuration'));
  }
  out.warm_report_duration = stats(warmDur);
  out.in_process_us = +(((performance.now() - d0) / calls) * 1000).toFixed(2); // mean, µs per call
  log(
    `  warm Invoke (${warm} sequential): p50 ${out.warm.p50_ms} ms  p90 ${out.warm.p90_ms} ms  p99 ${out.warm.p99_ms} ms;` +
      ` SDK floor p50 ${out.floor_warm.p50_ms} ms; in-process ${out.in_process_us} µs a call`,
  );

  // ---- throughput ---------------------------------------------------------------------------------
  // A function that has never run: its first pass at each concurrency cold-starts what it needs.
  await createFunction(lambda, 'tput');
  out.throughput = [];
  for (const conc of concs) {
    for (const pass of [1, 2]) {
      const before = childPids(pid);
      const r = await measure(tput, conc, (i) => invokeOnce(lambda, 'tput', i));
      const after = childPids(pid);
      const started = [...after].filter((p) => !before.has(p)).length;
      const f = pass === 2 ? await measure(tput, conc, (i) => invokeOnce(floorClient, 'tput', i)) : null;
      const row = {
        conc,
        pass,
        ...r,
        cold_started: started,
        environments: after.size,
        floor_ops_s: f?.ops_s ?? null,
      };
      if (f?.errors) row.floor_errors = f.errors;
      out.throughput.push(row);
      log(
        `  throughput c=${String(conc).padEnd(3)} pass ${pass} ${String(r.ops_s).padStart(5)} inv/s  p50 ${r.p50_ms} ms  p99 ${r.p99_ms} ms` +
          `  cold-started ${started}${f ? `  (SDK floor ${f.ops_s}/s)` : ''}${r.errors ? `  ERRORS ${r.errors}` : ''}`,
      );
    }
  }

  // ---- cold latency -------------------------------------------------------------------------------
  const coldRows = [];
  let coldErrors = 0;
  let firstColdError = null;
  for (let k = 0; k < cold; k++) {
    try {
      const u0 = performance.now();
      await lambda.send(
        new UpdateFunctionConfigurationCommand({
          FunctionName: 'echo',
          Environment: { Variables: { ROUND: String(k) } },
        }),
      );
      await waitReady(lambda, 'echo');
      const updateMs = performance.now() - u0;
      const s = performance.now();
      const r = await invokeOnce(lambda, 'echo', k, { LogType: 'Tail' });
      const invokeMs = performance.now() - s;
      const tail = Buffer.from(r.LogResult ?? '', 'base64').toString();
      const init = fieldOf(tail, 'Init Duration');
      check(init !== null, `cold Invoke ${k}: no Init Duration in the REPORT line: ${tail.slice(-300)}`);
      coldRows.push({ invokeMs, init, duration: fieldOf(tail, '\\tDuration'), updateMs });
    } catch (e) {
      coldErrors++;
      firstColdError ??= `${e.name}: ${e.message}`;
    }
  }
  out.cold = {
    invoke: stats(coldRows.map((r) => r.invokeMs)),
    init_duration: stats(coldRows.map((r) => r.init)),
    duration: stats(coldRows.map((r) => r.duration)),
    update_to_successful: stats(coldRows.map((r) => r.updateMs)),
    errors: coldErrors,
    ...(firstColdError ? { first_error: firstColdError } : {}),
  };
  const bare = [];
  for (let k = 0; k < Math.min(cold, 10); k++) bare.push(await bareSpawnMs());
  out.bare_node_spawn = stats(bare);
  log(
    `  cold Invoke (${cold}): p50 ${out.cold.invoke.p50_ms} ms  p90 ${out.cold.invoke.p90_ms} ms;` +
      ` Init Duration p50 ${out.cold.init_duration.p50_ms} ms; Duration p50 ${out.cold.duration.p50_ms} ms;` +
      ` bare node spawn p50 ${out.bare_node_spawn.p50_ms} ms${coldErrors ? `  ERRORS ${coldErrors} (${firstColdError})` : ''}`,
  );

  out.rss_mib = { start: rssStart, end: rssMiB(pid) };
  out.environments_end = childPids(pid).size;
  lambda.destroy();
  floorClient.destroy();
  out.load_average = { start: loadStart, end: loadavg().map((x) => +x.toFixed(2)) };

  // ---- the tables ---------------------------------------------------------------------------------
  const w = out.warm;
  const c = out.cold;
  log('\n| Invoke (RequestResponse) | p50 ms | p90 ms | p99 ms | target |');
  log('| --- | ---: | ---: | ---: | --- |');
  log(
    `| warm, Cloud Lab (${warm} sequential) | ${w.p50_ms} | ${w.p90_ms} | ${w.p99_ms} | < 5 ms: ${w.p50_ms < 5 ? 'met' : 'not met'} (p50) |`,
  );
  log(
    `| warm: REPORT Duration (LogType Tail) | ${out.warm_report_duration.p50_ms} | ${out.warm_report_duration.p90_ms} | ${out.warm_report_duration.p99_ms} | |`,
  );
  log(
    `| warm, SDK floor | ${out.floor_warm.p50_ms} | ${out.floor_warm.p90_ms} | ${out.floor_warm.p99_ms} | |`,
  );
  log(
    `| the handler in-process (no sandbox, no HTTP), mean | ${(out.in_process_us / 1000).toFixed(4)} | | | |`,
  );
  log(
    `| cold, Cloud Lab (${cold} new environments) | ${c.invoke.p50_ms} | ${c.invoke.p90_ms} | ${c.invoke.p99_ms} | < 150 ms: ${c.invoke.p50_ms < 150 ? 'met' : 'not met'} (p50) |`,
  );
  log(
    `| cold: REPORT Init Duration | ${c.init_duration.p50_ms} | ${c.init_duration.p90_ms} | ${c.init_duration.p99_ms} | |`,
  );
  log(`| cold: REPORT Duration | ${c.duration.p50_ms} | ${c.duration.p90_ms} | ${c.duration.p99_ms} | |`);
  log(
    `| bare \`node\` spawn to first IPC message | ${out.bare_node_spawn.p50_ms} | ${out.bare_node_spawn.p90_ms} | ${out.bare_node_spawn.p99_ms} | |`,
  );
  log('\n| throughput | in flight | Cloud Lab inv/s | SDK floor inv/s | p50 ms | p99 ms | cold-started |');
  log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of out.throughput)
    log(
      `| pass ${r.pass} | ${r.conc} | ${r.errors ? 'errors' : r.ops_s} | ${r.floor_ops_s ?? ''} | ${r.p50_ms} | ${r.p99_ms} | ${r.cold_started} |`,
    );
  log('');

  const failed =
    coldErrors > 0 || out.throughput.some((r) => r.errors > 0 || r.floor_errors > 0) || coldRows.length === 0;
  return { summary: out, failed };
}
