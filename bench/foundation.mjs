// Foundation figures: cold start, STS and EC2 DescribeRegions through the AWS SDK v3 beside the
// SDK floor, and a light client showing the server's own capacity.
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import {
  credentials,
  floorTable,
  measure,
  median,
  rawQuery,
  rssMiB,
  signedForm,
  startFloor,
  startServe,
  stopServe,
} from './lib.mjs';

/** Cold start: spawn → ready line, and spawn → first successful GetCallerIdentity. */
async function coldStart(starts) {
  const ready = [];
  const first = [];
  for (let i = 0; i < starts; i++) {
    const s = await startServe();
    const sts = new STSClient({ endpoint: s.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
    await sts.send(new GetCallerIdentityCommand({}));
    first.push(performance.now() - s.t0);
    ready.push(s.readyMs);
    sts.destroy();
    await stopServe(s);
  }
  return { ready_ms: +median(ready).toFixed(1), first_request_ms: +median(first).toFixed(1), runs: starts };
}

async function sdkWorkload(endpoint, label, { n, concs, log }) {
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
  for (const conc of concs) {
    for (const [op, fn] of Object.entries(ops)) {
      const r = await measure(n, conc, fn);
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

export async function runFoundation({ n, concs, starts, log }) {
  log('## Cold start (fresh workspace), median of', starts);
  const cold = await coldStart(starts);
  log(`  ready line ${cold.ready_ms} ms · first answered request ${cold.first_request_ms} ms\n`);

  const served = await startServe();
  const rssIdle = rssMiB(served.child.pid);
  log('## AWS SDK v3 workload');
  const rows = await sdkWorkload(served.endpoint, 'cloudlab', { n, concs, log });
  // The floor answers with Cloud Lab's own documents, so both sides parse the same bytes.
  const floor = await startFloor({
    DescribeRegions: await rawQuery(served.endpoint, 'ec2', 'Action=DescribeRegions&Version=2016-11-15'),
    GetCallerIdentity: await rawQuery(served.endpoint, 'sts', 'Action=GetCallerIdentity&Version=2011-06-15'),
  });
  rows.push(...(await sdkWorkload(floor.endpoint, 'sdk-floor', { n, concs, log })));
  floor.child.kill();

  log('\n## Light client (one signed request replayed, 16 keep-alive connections)');
  const light = {
    GetCallerIdentity: await lightClient(
      served.endpoint,
      'sts',
      'Action=GetCallerIdentity&Version=2011-06-15',
      16,
      n * 5,
    ),
    DescribeRegions: await lightClient(
      served.endpoint,
      'ec2',
      'Action=DescribeRegions&Version=2016-11-15',
      16,
      n * 5,
    ),
  };
  for (const [op, r] of Object.entries(light))
    log(
      `  ${op.padEnd(18)} ${r.ops_s} req/s  p50 ${r.p50_ms} ms  p99 ${r.p99_ms} ms${r.errors ? `  ERRORS ${r.errors}` : ''}`,
    );
  const rssLoaded = rssMiB(served.child.pid);
  await stopServe(served);

  log('');
  const table = floorTable(rows, ['GetCallerIdentity', 'DescribeRegions'], concs, log);
  log(`\nMemory: ${rssIdle} MiB RSS idle after start, ${rssLoaded} MiB after the workload.\n`);
  const failed = table.some((r) => r.errors > 0) || Object.values(light).some((r) => r.errors > 0);
  return {
    summary: {
      cold_start: cold,
      sdk: table,
      light_client: light,
      rss_mib: { idle: rssIdle, loaded: rssLoaded },
    },
    failed,
  };
}
