// DNS figures: queries/second over UDP against the DNS server of `cloudlab serve --dns-port 0`
// (the built CLI, fresh workspace), from a Node client with dns-packet in this process that
// keeps 1 or 64 queries in flight on one UDP socket and checks every answer (ID, NOERROR, AA,
// the expected address). Two names:
//  - an EC2 instance's public name (ec2-….compute-1.amazonaws.com), launched with the SDK;
//  - a record in a public hosted zone (www.bench.example A), made with the Route 53 SDK.
// The floor, in the same run: a trivial UDP responder in another process that answers every
// query with canned bytes (the lab's own answer for the zone record, the ID patched in), so
// the client decodes the same bytes on both sides; it is the most any server can score with
// this client on this machine.
import * as EC2 from '@aws-sdk/client-ec2';
import * as R53 from '@aws-sdk/client-route-53';
import dnsPacket from 'dns-packet';
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { credentials, pct, rssMiB, startServe } from './lib.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** A process's CPU time (user + system) so far, in microseconds: steadier than wall time on a busy machine. */
function cpuUs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100; // utime + stime, in clock ticks of 10 ms
}
const TIMEOUT_MS = 2000;

/** The floor: answers every datagram with `answer`, the query's ID copied in. */
async function startFloor(answer) {
  const src = `
    const dgram = require('dgram');
    const answer = Buffer.from(${JSON.stringify(answer.toString('base64'))}, 'base64');
    const s = dgram.createSocket('udp4');
    s.on('message', (m, r) => {
      if (m.length < 12) return;
      const out = Buffer.from(answer);
      out[0] = m[0]; out[1] = m[1];
      s.send(out, r.port, r.address);
    });
    s.bind(0, '127.0.0.1', () => process.send(s.address().port));`;
  const child = spawn(process.execPath, ['-e', src], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`the DNS floor exited (${code})`)));
  });
  return { child, port };
}

/** One UDP socket; queries matched to answers by ID. */
class Client {
  constructor(port) {
    this.port = port;
    this.pending = new Map();
    this.nextId = 1;
    this.socket = createSocket('udp4');
    this.socket.on('message', (m) => {
      const id = m.readUInt16BE(0);
      const p = this.pending.get(id);
      if (!p) return;
      this.pending.delete(id);
      clearTimeout(p.timer);
      p.resolve(m);
    });
  }

  ask(name, type = 'A') {
    let id = this.nextId;
    while (this.pending.has(id)) id = (id + 1) & 0xffff;
    this.nextId = (id + 1) & 0xffff;
    const message = dnsPacket.encode({
      type: 'query',
      id,
      flags: dnsPacket.RECURSION_DESIRED,
      questions: [{ name, type }],
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`no answer within ${TIMEOUT_MS} ms`));
      }, TIMEOUT_MS);
      this.pending.set(id, { resolve, timer });
      this.socket.send(message, this.port, '127.0.0.1', (e) => e && reject(e));
    });
  }

  close() {
    this.socket.close();
  }
}

/** Ask, decode and check one answer. */
async function askChecked(client, name, expected) {
  const bytes = await client.ask(name);
  const p = dnsPacket.decode(bytes);
  if (p.rcode !== 'NOERROR' || !p.flag_aa || p.answers?.[0]?.data !== expected)
    throw new Error(`wrong answer for ${name}: ${p.rcode} ${JSON.stringify(p.answers)}`);
}

/** `count` queries with `conc` in flight: answers/s and latency percentiles. */
async function measure(count, conc, fn) {
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
          lat.push(performance.now() - s);
        } catch (e) {
          errors++;
          firstError ??= e;
        }
      }
    }),
  );
  const wall = performance.now() - t0;
  lat.sort((a, b) => a - b);
  if (firstError) console.error(`  first error: ${firstError.message}`);
  return {
    qps: Math.round(((count - errors) / wall) * 1000),
    p50_ms: +pct(lat, 50).toFixed(3),
    p99_ms: +pct(lat, 99).toFixed(3),
    errors,
  };
}

export async function runDns(options) {
  const spawned = [];
  let served = null;
  try {
    served = await startServe();
    spawned.push(served.child);
    return await run(options, served, spawned);
  } finally {
    for (const child of spawned) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    }
    if (served) rmSync(served.data, { recursive: true, force: true });
  }
}

async function run({ n, concs, log }, served, spawned) {
  const out = { n, concs, load_start: loadavg().map((x) => +x.toFixed(2)) };
  const ec2 = new EC2.EC2Client({
    endpoint: served.endpoint,
    region: 'us-east-1',
    credentials,
    maxAttempts: 1,
  });
  const r53 = new R53.Route53Client({
    endpoint: served.endpoint,
    region: 'us-east-1',
    credentials,
    maxAttempts: 1,
  });
  out.rss_start_mib = rssMiB(served.child.pid);

  // ---- set-up: an instance with a public name, and a zone record -----------------------------------
  // The simulated clock at 200×, so the instance is running (and named) in milliseconds.
  await fetch(`${served.endpoint}/_cloudlab/api/lab.clock`, {
    method: 'POST',
    body: JSON.stringify({ speed: 200 }),
  });
  const image = (
    await ec2.send(
      new EC2.DescribeImagesCommand({
        Owners: ['amazon'],
        Filters: [
          { Name: 'name', Values: ['al2023-ami-*'] },
          { Name: 'architecture', Values: ['x86_64'] },
        ],
      }),
    )
  ).Images[0].ImageId;
  const launched = await ec2.send(
    new EC2.RunInstancesCommand({ ImageId: image, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1 }),
  );
  let instance = launched.Instances[0];
  for (let i = 0; i < 400 && !instance.PublicDnsName; i++) {
    await sleep(25);
    instance = (await ec2.send(new EC2.DescribeInstancesCommand({ InstanceIds: [instance.InstanceId] })))
      .Reservations[0].Instances[0];
  }
  const ec2Name = instance.PublicDnsName;
  const ec2Ip = instance.PublicIpAddress;
  const zone = await r53.send(
    new R53.CreateHostedZoneCommand({ Name: 'bench.example', CallerReference: 'bench' }),
  );
  await r53.send(
    new R53.ChangeResourceRecordSetsCommand({
      HostedZoneId: zone.HostedZone.Id,
      ChangeBatch: {
        Changes: [
          {
            Action: 'CREATE',
            ResourceRecordSet: {
              Name: 'www.bench.example',
              Type: 'A',
              TTL: 300,
              ResourceRecords: [{ Value: '192.0.2.80' }],
            },
          },
        ],
      },
    }),
  );
  const zoneName = 'www.bench.example';
  const zoneIp = '192.0.2.80';
  log(`  names: ${ec2Name} → ${ec2Ip}; ${zoneName} → ${zoneIp}`);

  const lab = new Client(served.dnsPort);
  const canned = await lab.ask(zoneName);
  const floor = await startFloor(canned);
  spawned.push(floor.child);
  const floorClient = new Client(floor.port);

  const targets = [
    ['EC2 public name', () => askChecked(lab, ec2Name, ec2Ip), 'ec2', served.child.pid],
    ['zone record (A)', () => askChecked(lab, zoneName, zoneIp), 'zone', served.child.pid],
    ['floor (canned answer)', () => askChecked(floorClient, zoneName, zoneIp), 'floor', floor.child.pid],
  ];
  // Warm-up: the client's and the server's code paths, every target.
  for (const [, fn] of targets) await measure(500, 8, fn);

  out.results = [];
  log('| query | in flight | answers/s | p50 ms | p99 ms | server CPU µs/query | errors |');
  log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  let failed = false;
  for (const conc of concs) {
    for (const [label, fn, key, pid] of targets) {
      const cpu0 = cpuUs(pid);
      const r = await measure(n, conc, fn);
      r.server_cpu_us_per_query = Math.round((cpuUs(pid) - cpu0) / n);
      out.results.push({ target: key, conc, ...r });
      failed ||= r.errors > 0;
      log(
        `| ${label} | ${conc} | ${r.qps.toLocaleString('en')} | ${r.p50_ms} | ${r.p99_ms} | ${r.server_cpu_us_per_query} | ${r.errors} |`,
      );
    }
  }
  out.rss_end_mib = rssMiB(served.child.pid);
  out.load_end = loadavg().map((x) => +x.toFixed(2));
  log(
    `\n  RSS ${out.rss_start_mib} → ${out.rss_end_mib} MiB; load ${out.load_start.join(' ')} → ${out.load_end.join(' ')}\n`,
  );
  lab.close();
  floorClient.close();
  return { summary: out, failed };
}
