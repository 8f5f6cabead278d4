// EC2 figures: RunInstances and DescribeInstances through the AWS SDK v3 beside the SDK floor,
// filling a Region with thousands of instances, listing them, and the console's Instances table
// rendering them (time to first render, in Debian's Chromium).
import {
  DescribeImagesCommand,
  DescribeInstancesCommand,
  EC2Client,
  paginateDescribeInstances,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import {
  credentials,
  floorTable,
  labCall,
  measure,
  median,
  rawQuery,
  rssMiB,
  startFloor,
  startServe,
  stopServe,
} from './lib.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function client(endpoint) {
  return new EC2Client({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
}

/** The SDK operations measured, the same against Cloud Lab and against the floor. */
function operations(ec2, imageId, knownIds) {
  return {
    RunInstances: async (i) => {
      const r = await ec2.send(
        new RunInstancesCommand({
          ImageId: imageId,
          InstanceType: 't3.nano',
          MinCount: 1,
          MaxCount: 1,
          TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: `bench-${i}` }] }],
        }),
      );
      if (r.Instances?.length !== 1) throw new Error('wrong answer');
      knownIds?.push(r.Instances[0].InstanceId);
    },
    'DescribeInstances (one ID)': async (i) => {
      const id = knownIds ? knownIds[i % knownIds.length] : 'i-0123456789abcdef0';
      const r = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
      if (r.Reservations?.[0]?.Instances?.length !== 1) throw new Error('wrong answer');
    },
  };
}

async function sdkRows(label, ops, { runs, concs, log }) {
  const rows = [];
  for (const conc of concs) {
    for (const [op, fn] of Object.entries(ops)) {
      const r = await measure(runs, conc, fn);
      rows.push({ target: label, op, conc, ...r });
      log(
        `  ${label.padEnd(10)} ${op.padEnd(27)} c=${String(conc).padEnd(3)} ${String(r.ops_s).padStart(6)} ops/s  p50 ${r.p50_ms} ms  p99 ${r.p99_ms} ms${r.errors ? `  ERRORS ${r.errors}` : ''}`,
      );
    }
  }
  return rows;
}

/** Wait until every instance is running and past its status checks. */
async function settle(endpoint, ec2, total) {
  await labCall(endpoint, 'lab.clock', { paused: false });
  await labCall(endpoint, 'lab.clock', { advanceMs: 60_000 });
  for (;;) {
    let running = 0;
    for await (const page of paginateDescribeInstances(
      { client: ec2, pageSize: 1000 },
      { Filters: [{ Name: 'instance-state-name', Values: ['running'] }] },
    ))
      running += page.Reservations.reduce((n, r) => n + r.Instances.length, 0);
    if (running >= total) return;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Open the console's Instances page and time it to the first screen of rows. */
async function consoleFirstRender(endpoint, total, repeats) {
  if (!existsSync(CHROMIUM)) return { skipped: `no browser at ${CHROMIUM}` };
  const { chromium } = await import('@playwright/test');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  const first = [];
  const full = [];
  try {
    for (let i = 0; i < repeats + 1; i++) {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      const t0 = performance.now();
      await page.goto(`${endpoint}/_cloudlab/#/ec2/instances?region=us-east-1`);
      await page.locator('table[aria-label="Instances"] tbody tr').nth(49).waitFor({ timeout: 120_000 });
      const firstMs = performance.now() - t0;
      await page
        .getByRole('heading', { level: 1, name: `Instances (${total})` })
        .waitFor({ timeout: 120_000 });
      const fullMs = performance.now() - t0;
      // The first load warms the browser's cache of the console's code; it is not counted.
      if (i > 0) {
        first.push(firstMs);
        full.push(fullMs);
      }
      await page.close();
    }
  } finally {
    await browser.close();
  }
  return {
    first_render_ms: Math.round(median(first)),
    all_loaded_ms: Math.round(median(full)),
    runs: first.map(Math.round),
  };
}

export async function runEc2({ runs, concs, instances, log }) {
  const served = await startServe();
  const { endpoint } = served;
  // A lab-sized data centre would refuse thousands of instances: raise the quota and the fleet,
  // as an instructor would in Settings.
  await labCall(endpoint, 'lab.capacity', { vcpuLimit: 100_000, hostsPerFamily: 48 });
  const ec2 = client(endpoint);
  const imageId = (
    await ec2.send(
      new DescribeImagesCommand({ Filters: [{ Name: 'name', Values: ['al2023-ami-*-x86_64'] }] }),
    )
  ).Images[0].ImageId;
  // The API's own cost: hold the clock so boots and status checks do not run during the timing.
  await labCall(endpoint, 'lab.clock', { paused: true });
  const ids = [];
  const ops = operations(ec2, imageId, ids);
  for (let i = 0; i < 100; i++) await ops.RunInstances(i); // warm-up
  log('## EC2 through the AWS SDK v3 (clock paused)');
  const rows = await sdkRows('cloudlab', ops, { runs, concs, log });

  const floor = await startFloor({
    RunInstances: await rawQuery(
      endpoint,
      'ec2',
      `Action=RunInstances&Version=2016-11-15&ImageId=${imageId}&InstanceType=t3.nano&MinCount=1&MaxCount=1`,
    ),
    DescribeInstances: await rawQuery(
      endpoint,
      'ec2',
      `Action=DescribeInstances&Version=2016-11-15&InstanceId.1=${ids[0]}`,
    ),
  });
  const floorClient = client(floor.endpoint);
  const floorOps = operations(floorClient, imageId, null);
  for (let i = 0; i < 100; i++) await floorOps.RunInstances(i);
  rows.push(...(await sdkRows('sdk-floor', floorOps, { runs, concs, log })));
  floor.child.kill();
  floorClient.destroy();

  // Fill the Region, 100 instances per call, then let them all boot.
  let total = 100 + runs * concs.length + 1; // warm-up, measured launches, the floor's sample
  const fillStart = performance.now();
  while (total < instances) {
    const count = Math.min(100, instances - total);
    const r = await ec2.send(
      new RunInstancesCommand({
        ImageId: imageId,
        InstanceType: 't3.nano',
        MinCount: count,
        MaxCount: count,
      }),
    );
    total += r.Instances.length;
  }
  const fillMs = performance.now() - fillStart;
  const settleStart = performance.now();
  await settle(endpoint, ec2, total);
  const settleMs = performance.now() - settleStart;
  log(
    `\n  filled to ${total} instances in ${Math.round(fillMs)} ms; all running after ${Math.round(settleMs)} ms`,
  );

  const listings = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    let seen = 0;
    for await (const page of paginateDescribeInstances({ client: ec2, pageSize: 1000 }, {}))
      seen += page.Reservations.reduce((n, r) => n + r.Instances.length, 0);
    if (seen !== total) throw new Error(`listed ${seen} of ${total} instances`);
    listings.push(performance.now() - t0);
  }
  const listMs = Math.round(median(listings));
  log(`  DescribeInstances of all ${total} (pages of 1000): ${listMs} ms`);

  const render = await consoleFirstRender(endpoint, total, 3);
  log(
    render.skipped
      ? `  console first render: skipped (${render.skipped})`
      : `  console Instances table, ${total} instances: first screen of rows after ${render.first_render_ms} ms (runs ${render.runs.join(', ')}), all loaded after ${render.all_loaded_ms} ms`,
  );
  const rss = rssMiB(served.child.pid);
  log(`  Memory: ${rss} MiB RSS with ${total} instances\n`);
  ec2.destroy();
  await stopServe(served);

  const table = floorTable(rows, Object.keys(ops), concs, log);
  log('');
  return {
    summary: {
      sdk: table,
      instances: total,
      fill_ms: Math.round(fillMs),
      settle_ms: Math.round(settleMs),
      describe_all_ms: listMs,
      console: render,
      rss_mib: rss,
    },
    failed: table.some((r) => r.errors > 0),
  };
}
