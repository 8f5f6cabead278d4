// The instance OS through the web terminal, as the console uses it: the WebSocket at
// /_cloudlab/ws, `terminal.open`, keystrokes sent fire-and-forget as `terminal.input`, output
// pushed as `terminal.output`.
//
//  - keystroke-to-echo: one character typed, time until its echo arrives (target < 16 ms median);
//  - a typical command: `ls -la /etc` + Enter until the next prompt (target < 20 ms median);
//  - memory: N running instances with an idle terminal session each, the whole app's RSS
//    (target < 1 GiB for 200).
//
// The floor is a WebSocket echo server in another process: what a round trip costs on this
// machine before any shell work. No peer runs instance shells (LocalStack's EC2 has no SSH,
// moto has no OS), so the floor is the comparison.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import { median, pct, rssMiB, startServe, stopServe } from './lib.mjs';

const require = createRequire(import.meta.url);
const WebSocket = require('ws');

const FLOOR_SERVER = `
const { WebSocketServer } = require('ws');
const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
wss.on('listening', () => console.log('port ' + wss.address().port));
wss.on('connection', (s) => s.on('message', (m) => {
  const msg = JSON.parse(m.toString());
  s.send(JSON.stringify({ event: 'terminal.output', payload: { sessionId: 'floor', data: msg.args.data } }));
}));
`;

function startFloor() {
  const child = spawn(process.execPath, ['-e', FLOOR_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => {
    child.stdout.on('data', (c) => {
      const m = /port (\d+)/.exec(String(c));
      if (m) resolve({ child, url: `ws://127.0.0.1:${m[1]}` });
    });
  });
}

/** A console connection: calls with answers, fire-and-forget sends, and terminal output. */
async function connect(url) {
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  let nextId = 1;
  const pending = new Map();
  const outputs = new Map();
  socket.on('message', (raw) => {
    const msg = JSON.parse(String(raw));
    if (msg.id !== undefined) {
      pending.get(msg.id)?.(msg.envelope);
      pending.delete(msg.id);
    } else if (msg.event === 'terminal.output') {
      outputs.get(msg.payload.sessionId)?.(msg.payload.data);
    }
  });
  return {
    socket,
    call(channel, args) {
      const id = nextId++;
      socket.send(JSON.stringify({ id, channel, args }));
      return new Promise((resolve, reject) =>
        pending.set(id, (env) => (env.ok ? resolve(env.result) : reject(new Error(env.error.message)))),
      );
    },
    send(channel, args) {
      socket.send(JSON.stringify({ channel, args }));
    },
    onOutput(sessionId, fn) {
      outputs.set(sessionId, fn);
    },
    close() {
      socket.close();
    },
  };
}

/** Everything the session prints until `until(text)` holds. */
function collect(conn, sessionId, until) {
  let text = '';
  return new Promise((resolve) => {
    conn.onOutput(sessionId, (data) => {
      text += data;
      if (until(text)) resolve(text);
    });
  });
}

async function keystrokes(conn, sessionId, count) {
  const lat = [];
  for (let i = 0; i < count; i++) {
    const ch = 'abcdefghijklmnopqrstuvwxyz'[i % 26];
    const echoed = collect(conn, sessionId, (t) => t.includes(ch));
    const t0 = performance.now();
    conn.send('terminal.input', { sessionId, data: ch });
    await echoed;
    lat.push(performance.now() - t0);
    if (i % 40 === 39) {
      const cleared = collect(conn, sessionId, () => true);
      conn.send('terminal.input', { sessionId, data: '\x15' }); // Ctrl-U
      await cleared;
    }
  }
  return lat.sort((a, b) => a - b);
}

async function api(endpoint, channel, args) {
  const r = await fetch(`${endpoint}/_cloudlab/api/${channel}`, {
    method: 'POST',
    body: JSON.stringify(args),
  });
  const body = await r.json();
  if (!r.ok) throw new Error(`${channel}: ${JSON.stringify(body)}`);
  return body;
}

export async function runOs({ instances, keys, commands, log }) {
  const summary = {};
  let failed = false;

  // ---- floor: a WebSocket echo in another process -------------------------------------------
  const floor = await startFloor();
  const fconn = await connect(floor.url);
  const floorLat = await keystrokes(fconn, 'floor', keys);
  fconn.close();
  floor.child.kill();

  // ---- Cloud Lab ----------------------------------------------------------------------------
  const s = await startServe();
  const { EC2Client, RunInstancesCommand, DescribeImagesCommand } = await import('@aws-sdk/client-ec2');
  const ec2 = new EC2Client({
    endpoint: s.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await api(s.endpoint, 'lab.capacity', { vcpuLimit: instances * 2 + 64, hostsPerFamily: 16 });
  await api(s.endpoint, 'lab.clock', { speed: 1000 });
  const image = (
    await ec2.send(
      new DescribeImagesCommand({ Filters: [{ Name: 'name', Values: ['al2023-ami-*-x86_64'] }] }),
    )
  ).Images[0].ImageId;
  const baseRss = rssMiB(s.child.pid);
  const ids = [];
  for (let left = instances; left > 0; left -= 50) {
    const out = await ec2.send(
      new RunInstancesCommand({
        ImageId: image,
        InstanceType: 't3.micro',
        MinCount: 1,
        MaxCount: Math.min(50, left),
      }),
    );
    ids.push(...out.Instances.map((i) => i.InstanceId));
  }
  const conn = await connect(`${s.endpoint.replace('http', 'ws')}/_cloudlab/ws`);
  // Wait until they run: a terminal opens only on a running instance.
  const open = async (id, via = conn) => {
    for (let attempt = 0; attempt < 200; attempt++) {
      try {
        const { sessionId } = await via.call('terminal.open', {
          target: { kind: 'instance', instanceId: id, region: 'us-east-1' },
          cols: 120,
          rows: 30,
        });
        return sessionId;
      } catch (e) {
        if (!/not running|IncorrectInstanceState|pending/i.test(e.message)) throw e;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    throw new Error(`${id} never ran`);
  };

  // A console allows 24 terminals: the idle sessions come from several consoles, as a class would.
  const consoles = [conn];
  const t0 = performance.now();
  const first = await open(ids[0]);
  for (const [i, id] of ids.slice(1).entries()) {
    if ((i + 1) % 20 === 0) consoles.push(await connect(`${s.endpoint.replace('http', 'ws')}/_cloudlab/ws`));
    await open(id, consoles.at(-1));
  }
  const openAllMs = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 2000));
  const rss = rssMiB(s.child.pid);

  // Typing and a command in the first session, with every other session open and idle.
  await new Promise((r) => setTimeout(r, 300));
  const lat = await keystrokes(conn, first, keys);
  const cleared = collect(conn, first, () => true);
  conn.send('terminal.input', { sessionId: first, data: '\x15' });
  await cleared;

  const cmdLat = [];
  for (let i = 0; i < commands; i++) {
    const done = collect(conn, first, (t) => /\$ $/.test(t) && t.includes('os-release'));
    const t0 = performance.now();
    conn.send('terminal.input', { sessionId: first, data: 'ls -la /etc\r' });
    await done;
    cmdLat.push(performance.now() - t0);
  }
  cmdLat.sort((a, b) => a - b);

  for (const c of consoles) c.close();
  await stopServe(s);

  summary.keystroke_echo = {
    p50_ms: +median(lat).toFixed(2),
    p99_ms: +pct(lat, 99).toFixed(2),
    floor_p50_ms: +median(floorLat).toFixed(2),
    target_p50_ms: 16,
  };
  summary.ls_la_etc = {
    p50_ms: +median(cmdLat).toFixed(2),
    p99_ms: +pct(cmdLat, 99).toFixed(2),
    target_p50_ms: 20,
  };
  summary.idle_sessions = {
    instances,
    rss_before_launch_mib: baseRss,
    rss_with_sessions_mib: rss,
    open_all_s: +(openAllMs / 1000).toFixed(1),
    target_mib: 1024,
  };
  log('| Measure | Cloud Lab | Floor (WebSocket echo) | Target |');
  log('| --- | --- | --- | --- |');
  log(
    `| Keystroke to echo, p50 / p99 | ${summary.keystroke_echo.p50_ms} / ${summary.keystroke_echo.p99_ms} ms | ${summary.keystroke_echo.floor_p50_ms} ms | < 16 ms |`,
  );
  log(
    `| \`ls -la /etc\` to prompt, p50 / p99 | ${summary.ls_la_etc.p50_ms} / ${summary.ls_la_etc.p99_ms} ms | — | < 20 ms |`,
  );
  log(
    `| ${instances} running instances, one idle session each: app RSS | ${rss} MiB (${baseRss} MiB before the instances were launched) | — | < 1024 MiB |`,
  );
  log('');
  summary.meets_targets = summary.keystroke_echo.p50_ms < 16 && summary.ls_la_etc.p50_ms < 20 && rss < 1024;
  return { summary, failed };
}
