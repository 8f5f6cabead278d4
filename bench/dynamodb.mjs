// DynamoDB figures, side by side in one run: the same AWS SDK v3 DynamoDB client (maxAttempts 1)
// and workload against
//  - Cloud Lab (`cloudlab serve`, the built CLI, on a fresh workspace),
//  - dynalite 4.0.0 (the npm devDependency, in memory, tables ACTIVE at once), in its own process,
//  - the SDK floor: a null HTTP server in another process answering canned, valid DynamoDB JSON
//    (GetItem: the item the bench expects; Query and Scan: Cloud Lab's own page, so both sides
//    parse the same bytes), so the client's own cost can be told from the server's.
//
// Workload: CreateTable (pk S, sk N) and the wait until DescribeTable says ACTIVE; PutItem and
// GetItem of distinct ~200 B items (one at a time and 16 in flight; every GetItem checked); Query
// of a 1,000-item partition (all pages) and a full Scan of 2,000 items. Each figure is the median
// of several rounds, the targets taking turns within a round; a row with any failed call does not
// count. Then the scale test, Cloud Lab and dynalite in turn (--ddb-big-cloudlab-only: Cloud Lab
// alone): a table grown to 1,000,000 items by BatchWriteItem (25 a call, 16 in flight), Query
// latency (a 100-item partition, Limit 50) at 1,000 items and again at the full size, and the
// server's RSS. Filling stops at a time budget per target (--ddb-big-budget-s), and the table is
// then measured at the size it reached.
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { credentials, measure, median, replay, root, rssMiB, startServe, stopServe } from './lib.mjs';

const TABLE = 'bench'; // PutItem/GetItem
const READS = 'reads'; // Query and Scan: 1,000 items in partition "hot", 1,000 more in their own
const BIG = 'big'; // the scale test
const HOT = 1000;
const SCAN_ITEMS = 2000;
const BIG_PARTITION = 100;
const BIG_LIMIT = 50;
const pad = (i) => String(i).padStart(12, '0');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * The item stored under (pk, sk): about 200 bytes (names and values, as DynamoDB counts them),
 * distinct for every key. Also sent to the floor's process, which answers GetItem with it.
 */
function itemOf(pk, sk) {
  const d = `${pk}#${sk}#`;
  return {
    pk: { S: pk },
    sk: { N: String(sk) },
    d: { S: d + 'x'.repeat(Math.max(0, 165 - d.length)) },
    t: { S: 'bench-item' },
  };
}

/** An item's size as DynamoDB counts it: names, strings in UTF-8, numbers ~1 byte per 2 digits. */
function itemBytes(item) {
  let size = 0;
  for (const [name, v] of Object.entries(item)) {
    size += Buffer.byteLength(name);
    if (v.S !== undefined) size += Buffer.byteLength(v.S);
    if (v.N !== undefined) size += Math.ceil(v.N.replace(/^-|\./g, '').length / 2) + 1;
  }
  return size;
}

// ---- the peers -------------------------------------------------------------------------------

function childReady(child, what) {
  return new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`${what} exited (${code})`)));
  });
}

/** dynalite 4.0.0, in memory, tables ACTIVE at once, in its own process. */
async function startDynalite() {
  const src = `
    const dynalite = require('dynalite');
    const srv = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    srv.keepAliveTimeout = 60000; // as Cloud Lab and the floor: no idle-close races
    srv.listen(0, '127.0.0.1', () => process.send(srv.address().port));`;
  const child = spawn(process.execPath, ['-e', src], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await childReady(child, 'dynalite');
  return { child, endpoint: `http://127.0.0.1:${port}` };
}

/**
 * The SDK floor: canned DynamoDB JSON, no storage. GetItem answers itemOf(the requested key);
 * Query and Scan the canned pages `pages` (another server's answer, so both sides parse the same
 * bytes); CreateTable/DescribeTable a table that is ACTIVE; anything else `{}`.
 */
async function startFloor(pages) {
  const src = `
    const http = require('http');
    const itemOf = ${itemOf.toString()};
    let pages = {};
    const table = (wrapper) => JSON.stringify({ [wrapper]: {
      TableName: '${TABLE}', TableStatus: 'ACTIVE', CreationDateTime: 1767225600, ItemCount: 0, TableSizeBytes: 0,
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
      BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
      TableArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/${TABLE}' } });
    const canned = { CreateTable: table('TableDescription'), DescribeTable: table('Table'),
      PutItem: '{}', BatchWriteItem: '{"UnprocessedItems":{}}', ListTables: '{"TableNames":["${TABLE}"]}' };
    const srv = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c)).on('end', () => {
        const op = String(req.headers['x-amz-target']).split('.')[1];
        let out = canned[op] ?? pages[op] ?? '{}';
        if (op === 'GetItem') {
          const key = JSON.parse(Buffer.concat(chunks)).Key;
          out = JSON.stringify({ Item: itemOf(key.pk.S, Number(key.sk.N)) });
        }
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(out) });
        res.end(out);
      });
    });
    srv.keepAliveTimeout = 60000;
    process.once('message', (p) => {
      // Too large for the command line; kept as bytes, as a trivial server would.
      for (const [op, text] of Object.entries(p)) pages[op] = Buffer.from(text);
      srv.listen(0, '127.0.0.1', () => process.send(srv.address().port));
    });`;
  const child = spawn(process.execPath, ['-e', src], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  child.send(pages);
  const port = await childReady(child, 'the SDK floor');
  return { child, endpoint: `http://127.0.0.1:${port}` };
}

function client(endpoint) {
  return new DynamoDBClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
}

const signer = new SignatureV4({ service: 'dynamodb', region: 'us-east-1', credentials, sha256: Sha256 });

/** The signed headers of a DynamoDB JSON call `op` with `body`. */
async function signedHeaders(endpoint, op, body) {
  const url = new URL(endpoint);
  const signed = await signer.sign(
    new HttpRequest({
      method: 'POST',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      headers: {
        host: url.host,
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `DynamoDB_20120810.${op}`,
      },
      body,
    }),
  );
  return signed.headers;
}

/** One signed DynamoDB JSON call by fetch, the answer kept as text (never parsed by the SDK). */
async function rawCall(endpoint, op, input) {
  const body = JSON.stringify(input);
  const headers = await signedHeaders(endpoint, op, body);
  const res = await fetch(`${endpoint}/`, { method: 'POST', headers, body });
  return { ok: res.ok, status: res.status, text: await res.text() };
}

// ---- the workload ----------------------------------------------------------------------------

function check(ok, message) {
  if (!ok) throw Object.assign(new Error(message), { name: 'WrongAnswer' });
}

const errorText = (e) =>
  `${e?.name ?? 'Error'}${e?.$metadata?.httpStatusCode ? ` (HTTP ${e.$metadata.httpStatusCode})` : ''}: ${e?.message ?? e}`;

/** measure(), also keeping the first error's text for the record. */
async function measured(count, conc, fn) {
  let first = null;
  const r = await measure(count, conc, async (i) => {
    try {
      return await fn(i);
    } catch (e) {
      first ??= errorText(e);
      throw e;
    }
  });
  return first ? { ...r, first_error: first } : r;
}

/** CreateTable (pk S, sk N), then DescribeTable every 20 ms until ACTIVE; ms for each. */
async function createTable(ddb, TableName) {
  let t0 = performance.now();
  await ddb.send(
    new CreateTableCommand({
      TableName,
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'N' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  const createMs = performance.now() - t0;
  t0 = performance.now();
  let polls = 0;
  for (;;) {
    polls++;
    const d = await ddb.send(new DescribeTableCommand({ TableName }));
    if (d.Table?.TableStatus === 'ACTIVE') break;
    if (performance.now() - t0 > 60_000)
      throw new Error(`${TableName}: still ${d.Table?.TableStatus} after 60 s`);
    await sleep(20);
  }
  return { create_ms: +createMs.toFixed(1), active_ms: +(performance.now() - t0).toFixed(1), polls };
}

/**
 * Write `count` items by BatchWriteItem, 25 a call, 16 calls in flight (items `first`..); any
 * UnprocessedItems are sent again. `keyOf(i)` gives [pk, sk].
 */
async function batchFill(ddb, TableName, first, count, keyOf) {
  const batches = Math.ceil(count / 25);
  if (!batches) return { ops_s: 0, p50_ms: 0, p99_ms: 0, errors: 0, retried: 0 };
  let retried = 0;
  const r = await measured(batches, 16, async (b) => {
    const from = first + b * 25;
    const to = Math.min(first + count, from + 25);
    let requests = [];
    for (let i = from; i < to; i++) requests.push({ PutRequest: { Item: itemOf(...keyOf(i)) } });
    for (let attempt = 0; requests.length; attempt++) {
      check(attempt < 10, `BatchWriteItem: items still unprocessed after ${attempt} attempts`);
      if (attempt) retried += requests.length;
      const out = await ddb.send(new BatchWriteItemCommand({ RequestItems: { [TableName]: requests } }));
      requests = out.UnprocessedItems?.[TableName] ?? [];
    }
  });
  return { ...r, retried };
}

/** The measured operations, the same against every target. */
function operations(ddb) {
  const pk = (conc, i) => `c${conc}/${pad(i)}`;
  return {
    PutItem: (conc) => async (i) => {
      await ddb.send(new PutItemCommand({ TableName: TABLE, Item: itemOf(pk(conc, i), i) }));
    },
    GetItem: (conc) => async (i) => {
      const key = pk(conc, i);
      const r = await ddb.send(
        new GetItemCommand({ TableName: TABLE, Key: { pk: { S: key }, sk: { N: String(i) } } }),
      );
      const want = itemOf(key, i);
      check(r.Item, `GetItem ${key}: no item`);
      for (const [name, value] of Object.entries(want))
        check(
          JSON.stringify(r.Item[name]) === JSON.stringify(value),
          `GetItem ${key}: ${name} is ${JSON.stringify(r.Item[name])}, expected ${JSON.stringify(value)}`,
        );
      check(Object.keys(r.Item).length === 4, `GetItem ${key}: ${Object.keys(r.Item).length} attributes`);
    },
    // Every page of partition "hot" (DynamoDB pages at 1 MB: one page here).
    Query: () => async () => {
      let got = 0;
      let pages = 0;
      let last = -1;
      let ExclusiveStartKey;
      do {
        const r = await ddb.send(
          new QueryCommand({
            TableName: READS,
            KeyConditionExpression: 'pk = :p',
            ExpressionAttributeValues: { ':p': { S: 'hot' } },
            ExclusiveStartKey,
          }),
        );
        for (const item of r.Items) {
          const sk = Number(item.sk.N);
          check(sk > last, `Query: sort key ${sk} after ${last}`);
          last = sk;
        }
        got += r.Items.length;
        pages++;
        ExclusiveStartKey = r.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      check(got === HOT, `Query: ${got} items, expected ${HOT}`);
      return pages;
    },
    Scan: () => async () => {
      let got = 0;
      let ExclusiveStartKey;
      do {
        const r = await ddb.send(new ScanCommand({ TableName: READS, ExclusiveStartKey }));
        got += r.Items.length;
        ExclusiveStartKey = r.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      check(got === SCAN_ITEMS, `Scan: ${got} items, expected ${SCAN_ITEMS}`);
    },
  };
}

/** The reads table: partition "hot" holds sort keys 0..999, then 1,000 items of their own. */
const readKey = (i) => (i < HOT ? ['hot', i] : [`own/${pad(i)}`, i]);

/**
 * The light client: each page's request is signed once and then replayed (SigV4 allows it within
 * its 15 minutes, and reads are idempotent), over one keep-alive connection per target, with the
 * answer kept as bytes — only `"Count":` is looked up, and the JSON is parsed only when a
 * `LastEvaluatedKey` asks for another page. So the figure is the server's time plus a socket
 * round trip, as the foundation's light client measures it.
 */
function replayCall(endpoint, op, input) {
  const body = JSON.stringify(input);
  return replay(`${endpoint} ${op} ${body}`, () => signedHeaders(endpoint, op, body), {
    method: 'POST',
    endpoint,
    path: '/',
    body,
  });
}

async function rawRead(endpoint, op, expected) {
  const input =
    op === 'Query'
      ? {
          TableName: READS,
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': { S: 'hot' } },
        }
      : { TableName: READS };
  let got = 0;
  let start;
  do {
    const page = await replayCall(endpoint, op, start ? { ...input, ExclusiveStartKey: start } : input);
    check(page.status === 200, `${op}: HTTP ${page.status} ${page.bytes.toString('utf8', 0, 300)}`);
    const at = page.bytes.indexOf('"Count":');
    check(at >= 0, `${op}: no Count in the answer`);
    got += Number(/^"Count":(\d+)/.exec(page.bytes.toString('latin1', at, at + 24))?.[1] ?? NaN);
    start = page.bytes.includes('"LastEvaluatedKey"')
      ? JSON.parse(page.bytes.toString('utf8')).LastEvaluatedKey
      : undefined;
  } while (start);
  check(got === expected, `${op}: ${got} items, expected ${expected}`);
}

/** The size of the files under `dir`, in MiB (Cloud Lab's workspace: database and journal). */
function dirMiB(dir) {
  let bytes = 0;
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.isFile()) bytes += statSync(join(d, e.name)).size;
    }
  };
  walk(dir);
  return Math.round(bytes / 1024 / 1024);
}

// ---- the scale test ----------------------------------------------------------------------------

const bigKey = (i) => [`p/${pad(Math.floor(i / BIG_PARTITION))}`, i % BIG_PARTITION];

/** `count` Queries, one at a time, of partitions spread over the first `items` items. */
async function bigQueries(ddb, items, count) {
  const partitions = Math.max(1, Math.floor(items / BIG_PARTITION));
  return measured(count, 1, async (q) => {
    const p = (q * 7919) % partitions; // spread over the whole table
    const r = await ddb.send(
      new QueryCommand({
        TableName: BIG,
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': { S: `p/${pad(p)}` } },
        Limit: BIG_LIMIT,
      }),
    );
    check(r.Items.length === BIG_LIMIT, `Query p/${pad(p)}: ${r.Items.length} items`);
    check(
      r.Items.every((it, k) => it.sk.N === String(k)),
      `Query p/${pad(p)}: wrong items or order`,
    );
    check(r.LastEvaluatedKey, `Query p/${pad(p)}: no LastEvaluatedKey after Limit`);
  });
}

/** Grow a table to `items` items; Query latency at 1,000 and at `items`; the server's RSS. */
async function scale(endpoint, pid, dataDir, items, queries, budgetS, log) {
  const ddb = client(endpoint);
  items = Math.max(items, 1000); // at least the first measurement's 1,000
  const out = { items, queries, partition: BIG_PARTITION, limit: BIG_LIMIT };
  let peak = 0;
  const sample = () => {
    try {
      peak = Math.max(peak, rssMiB(pid));
    } catch {
      /* the process is gone; the calls will fail and say so */
    }
  };
  try {
    await createTable(ddb, BIG);
    sample();
    out.rss_empty_mib = rssMiB(pid);
    const small = 1000;
    const f0 = await batchFill(ddb, BIG, 0, small, bigKey);
    check(!f0.errors, `filling ${small} items: ${f0.errors} BatchWriteItem calls failed`);
    await bigQueries(ddb, small, 100); // warm
    const q0 = await bigQueries(ddb, small, queries);
    out.at_1k = { items: small, ...q0 };
    out.rss_1k_mib = rssMiB(pid);
    log(`  ${small} items: Query p50 ${q0.p50_ms} ms, p99 ${q0.p99_ms} ms; RSS ${out.rss_1k_mib} MiB`);

    // Filled in steps of 100,000 items (figures per step show how writes scale with the size);
    // past the time budget no step starts, and the table is measured at the size it reached.
    const timer = setInterval(sample, 250);
    const t0 = performance.now();
    const steps = [];
    let done = small;
    while (done < items && performance.now() - t0 < budgetS * 1000) {
      const count = Math.min(100_000 - (done % 100_000), items - done);
      const s0 = performance.now();
      const f = await batchFill(ddb, BIG, done, count, bigKey);
      done += count;
      const step = {
        items: done,
        seconds: +((performance.now() - s0) / 1000).toFixed(1),
        items_s: Math.round(count / ((performance.now() - s0) / 1000)),
        batch_p50_ms: f.p50_ms,
        batch_p99_ms: f.p99_ms,
        errors: f.errors,
        retried_items: f.retried,
        rss_mib: rssMiB(pid),
      };
      steps.push(step);
      log(
        `    ${done} items, ${Math.round((performance.now() - t0) / 1000)} s: ${step.items_s} items/s, BatchWriteItem p50 ${f.p50_ms} ms, p99 ${f.p99_ms} ms, RSS ${step.rss_mib} MiB${f.errors ? `  ERRORS ${f.errors} (${f.first_error})` : ''}`,
      );
      check(!f.errors, `filling to ${done}: ${f.errors} BatchWriteItem calls failed: ${f.first_error}`);
    }
    clearInterval(timer);
    sample();
    const seconds = (performance.now() - t0) / 1000;
    out.fill = {
      items: done,
      seconds: +seconds.toFixed(1),
      items_s: Math.round((done - small) / seconds),
      stopped_by_budget: done < items ? `${budgetS} s` : null,
      retried_items: steps.reduce((n, x) => n + x.retried_items, 0),
      steps,
    };
    log(
      `  filled to ${done} in ${out.fill.seconds} s (${out.fill.items_s} items/s)${done < items ? ` — stopped: the ${budgetS} s budget ran out` : ''}`,
    );
    items = done;
    await bigQueries(ddb, items, 100); // warm
    const q1 = await bigQueries(ddb, items, queries);
    out.at_full = { items, ...q1 };
    out.rss_full_mib = rssMiB(pid);
    out.rss_peak_mib = Math.max(peak, out.rss_full_mib);
    if (dataDir) out.workspace_mib = dirMiB(dataDir);
    log(
      `  ${items} items: Query p50 ${q1.p50_ms} ms, p99 ${q1.p99_ms} ms; RSS ${out.rss_full_mib} MiB (peak ${out.rss_peak_mib} MiB)${dataDir ? `; workspace ${out.workspace_mib} MiB on disk` : ''}`,
    );
  } catch (e) {
    out.error = errorText(e);
    log(`  ERROR ${out.error}`);
  } finally {
    ddb.destroy();
  }
  return out;
}

// ---- the run ---------------------------------------------------------------------------------

const TARGETS = ['cloudlab', 'dynalite', 'sdk-floor'];
const SERVERS = ['cloudlab', 'dynalite'];

export async function runDynamodb(options) {
  const spawned = { children: [], serves: [] };
  try {
    return await run(options, spawned);
  } finally {
    // On a failure midway, stop what this run started (and only that).
    for (const child of spawned.children) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill();
      await gone;
    }
    for (const s of spawned.serves) await stopServe(s).catch(() => {});
  }
}

async function run(
  { n, concs, rounds, queries, scans, warm: warmCalls, bigItems, bigQueriesN, bigDynalite, bigBudgetS, log },
  spawned,
) {
  // The machine may be shared: its load is part of the record.
  const loadStart = loadavg().map((x) => +x.toFixed(2));
  const served = await startServe();
  spawned.serves.push(served);
  const dyn = await startDynalite();
  spawned.children.push(dyn.child);
  const endpoints = { cloudlab: served.endpoint, dynalite: dyn.endpoint };
  const clients = { cloudlab: client(served.endpoint), dynalite: client(dyn.endpoint) };

  // Set-up, not measured beyond CreateTable: a target that fails here is reported with its error
  // and left out of the rounds (its rows count as failed).
  const broken = {};
  const tables = {};
  for (const t of SERVERS) {
    const c = clients[t];
    try {
      tables[t] = await createTable(c, TABLE);
      await createTable(c, READS);
      const f = await batchFill(c, READS, 0, SCAN_ITEMS, readKey);
      check(!f.errors, `filling ${READS}: ${f.errors} BatchWriteItem calls failed`);
      log(
        `  ${t.padEnd(9)} CreateTable ${tables[t].create_ms} ms, ACTIVE after ${tables[t].active_ms} ms (${tables[t].polls} DescribeTable)`,
      );
    } catch (e) {
      broken[t] = errorText(e);
      log(`  ${t.padEnd(9)} SET-UP FAILED: ${broken[t]}`);
    }
  }

  // The floor's Query and Scan pages are Cloud Lab's own answers (dynalite's if Cloud Lab cannot
  // give them), so both sides parse the same bytes.
  const pages = {};
  let pagesFrom = null;
  for (const t of SERVERS) {
    if (broken[t]) continue;
    const q = await rawCall(endpoints[t], 'Query', {
      TableName: READS,
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': { S: 'hot' } },
    });
    const s = await rawCall(endpoints[t], 'Scan', { TableName: READS });
    if (q.ok && s.ok && !q.text.includes('LastEvaluatedKey') && !s.text.includes('LastEvaluatedKey')) {
      Object.assign(pages, { Query: q.text, Scan: s.text });
      pagesFrom = t;
      break;
    }
    log(
      `  ${t}: no single-page Query/Scan for the floor: HTTP ${q.status} ${q.text.slice(0, 200)}; HTTP ${s.status} ${s.text.slice(0, 200)}`,
    );
  }
  if (!pagesFrom) throw new Error('no target answered Query and Scan for the floor');
  if (pagesFrom !== 'cloudlab') log(`  NOTE: the floor's Query/Scan pages are ${pagesFrom}'s`);
  const floor = await startFloor(pages);
  spawned.children.push(floor.child);
  endpoints['sdk-floor'] = floor.endpoint;
  clients['sdk-floor'] = client(floor.endpoint);
  tables['sdk-floor'] = await createTable(clients['sdk-floor'], TABLE);

  const live = TARGETS.filter((t) => !broken[t]);
  const ops = Object.fromEntries(live.map((t) => [t, operations(clients[t])]));
  // Warm-up: connections, and both sides' code optimised before anything is timed (a served
  // process is still compiling for its first few thousand calls: V8 tiers up its JavaScript and
  // sql.js's WebAssembly on background threads, which take CPU from the client on two cores).
  // A failing call is reported once per operation here, and counted when measured.
  const warmErrors = {};
  const warm = async (t, op, fn) => {
    try {
      await fn();
    } catch (e) {
      if (warmErrors[`${t} ${op}`]) return;
      warmErrors[`${t} ${op}`] = errorText(e);
      log(`  ${t.padEnd(9)} warm-up ${op}: ${errorText(e)}`);
    }
  };
  for (const t of live) {
    for (let i = 0; i < warmCalls; i++) {
      await warm(t, 'PutItem', () => ops[t].PutItem('w')(i));
      await warm(t, 'GetItem', () => ops[t].GetItem('w')(i));
    }
    for (let i = 0; i < 3; i++) {
      await warm(t, 'Query', () => ops[t].Query()());
      await warm(t, 'Scan', () => ops[t].Scan()());
    }
    for (let i = 0; i < 5; i++) await warm(t, 'ListTables', () => clients[t].send(new ListTablesCommand({})));
  }

  // ---- the rounds: the targets take turns in every one ------------------------------------------
  const raw = []; // { target, op, conc, round, ops_s, p50_ms, p99_ms, errors }
  const plan = [
    ...concs.flatMap((conc) => [
      ['PutItem', conc, n],
      ['GetItem', conc, n],
    ]),
    ['Query', 1, queries],
    ['Scan', 1, scans],
  ];
  for (let round = 0; round < rounds; round++) {
    log(`## round ${round + 1} of ${rounds}`);
    for (const [op, conc, count] of plan) {
      for (const t of live) {
        const r = await measured(count, conc, ops[t][op](conc));
        raw.push({ target: t, op, conc, round, ...r });
        log(
          `  ${t.padEnd(9)} ${op.padEnd(8)} c=${String(conc).padEnd(3)} ${String(r.ops_s).padStart(6)} ops/s  p50 ${r.p50_ms} ms  p99 ${r.p99_ms} ms${r.errors ? `  ERRORS ${r.errors}` : ''}`,
        );
      }
    }
  }
  const rows = [];
  for (const [op, conc, count] of plan) {
    const row = { op, conc, count };
    for (const t of TARGETS) {
      if (broken[t]) {
        row[t] = { ops_s: null, p50_ms: null, p99_ms: null, errors: count * rounds, error: broken[t] };
        continue;
      }
      const mine = raw.filter((r) => r.target === t && r.op === op && r.conc === conc);
      const errors = mine.reduce((s, r) => s + r.errors, 0);
      row[t] = {
        // A row with any failed call does not count.
        ops_s: errors ? null : median(mine.map((r) => r.ops_s)),
        p50_ms: median(mine.map((r) => r.p50_ms)),
        p99_ms: median(mine.map((r) => r.p99_ms)),
        errors,
        rounds: mine.map((r) => r.ops_s),
        ...(errors ? { first_error: mine.find((r) => r.first_error)?.first_error } : {}),
      };
    }
    // The load on a shared machine drifts between rounds; the targets take turns within one, so
    // the share of the floor is also taken round by round (then the median).
    for (const t of SERVERS) {
      const f = row['sdk-floor'];
      row[t].share_of_floor_by_round =
        row[t].errors || f.errors
          ? null
          : Math.round(median(row[t].rounds.map((x, i) => x / f.rounds[i])) * 100);
    }
    rows.push(row);
  }

  // ---- the server's own cost of a Query and a Scan (light client, no SDK parsing) ---------------
  log('## Query and Scan by a light client (one signed request replayed, the JSON not parsed)');
  const light = {};
  for (const t of [...SERVERS.filter((x) => !broken[x]), 'sdk-floor']) {
    for (const [op, count, expected] of [
      ['Query', queries, HOT],
      ['Scan', scans, SCAN_ITEMS],
    ]) {
      await warm(t, `${op} (light client)`, () => rawRead(endpoints[t], op, expected));
      const r = await measured(Math.max(count, 10), 1, () => rawRead(endpoints[t], op, expected));
      light[`${t} ${op}`] = {
        first_error: r.first_error,
        target: t,
        op,
        p50_ms: r.errors ? null : r.p50_ms,
        p99_ms: r.p99_ms,
        errors: r.errors,
      };
      log(
        `  ${t.padEnd(9)} ${op.padEnd(6)} p50 ${r.p50_ms} ms  p99 ${r.p99_ms} ms${r.errors ? `  ERRORS ${r.errors}` : ''}`,
      );
    }
  }
  floor.child.kill();
  for (const c of Object.values(clients)) c.destroy();
  const rssAfterRounds = { cloudlab: rssMiB(served.child.pid), dynalite: rssMiB(dyn.child.pid) };

  // ---- the scale test ----------------------------------------------------------------------------
  const big = {};
  if (bigItems > 0) {
    for (const t of ['cloudlab', ...(bigDynalite ? ['dynalite'] : [])]) {
      log(`## ${t}: a table grown to ${bigItems} items (BatchWriteItem of 25, 16 in flight)`);
      if (broken[t]) {
        big[t] = { items: bigItems, error: broken[t] };
        log(`  skipped: ${broken[t]}`);
        continue;
      }
      const [pid, dataDir] = t === 'cloudlab' ? [served.child.pid, served.data] : [dyn.child.pid, null];
      big[t] = await scale(endpoints[t], pid, dataDir, bigItems, bigQueriesN, bigBudgetS, log);
    }
  }
  dyn.child.kill();
  const rssEnd = rssMiB(served.child.pid);
  await stopServe(served);
  spawned.serves.length = 0;

  // ---- the tables --------------------------------------------------------------------------------
  const cell = (x, unit = '') => (x === null || x === undefined ? 'errors' : `${x}${unit}`);
  const share = (a, b) => (a && b ? `${Math.round((a / b) * 100)}%` : '—');
  log('\n| CreateTable | Cloud Lab | dynalite | SDK floor |');
  log('| --- | ---: | ---: | ---: |');
  const tcell = (t, k) => (tables[t] ? `${tables[t][k]} ms` : 'errors');
  log(
    `| CreateTable call | ${tcell('cloudlab', 'create_ms')} | ${tcell('dynalite', 'create_ms')} | ${tcell('sdk-floor', 'create_ms')} |`,
  );
  log(
    `| until ACTIVE (DescribeTable every 20 ms) | ${tcell('cloudlab', 'active_ms')} | ${tcell('dynalite', 'active_ms')} | ${tcell('sdk-floor', 'active_ms')} |`,
  );
  log(
    '\n| operation | in flight | Cloud Lab | dynalite | SDK floor | Cloud Lab / floor | dynalite / floor | Cloud Lab / floor, by round | dynalite / floor, by round | Cloud Lab p50 / p99 ms | dynalite p50 / p99 ms |',
  );
  log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    const name = { Query: `Query ${HOT} items`, Scan: `Scan ${SCAN_ITEMS} items` }[r.op] ?? r.op;
    log(
      `| ${name} | ${r.conc} | ${cell(r.cloudlab.ops_s, '/s')} | ${cell(r.dynalite.ops_s, '/s')} | ${cell(r['sdk-floor'].ops_s, '/s')} | ${share(r.cloudlab.ops_s, r['sdk-floor'].ops_s)} | ${share(r.dynalite.ops_s, r['sdk-floor'].ops_s)} | ${cell(r.cloudlab.share_of_floor_by_round, '%')} | ${cell(r.dynalite.share_of_floor_by_round, '%')} | ${cell(r.cloudlab.p50_ms)} / ${cell(r.cloudlab.p99_ms)} | ${cell(r.dynalite.p50_ms)} / ${cell(r.dynalite.p99_ms)} |`,
    );
  }
  log('\n| light client, p50 ms | Cloud Lab | dynalite | floor (canned page) | dynalite / Cloud Lab |');
  log('| --- | ---: | ---: | ---: | ---: |');
  for (const op of ['Query', 'Scan']) {
    const [c, d, f] = ['cloudlab', 'dynalite', 'sdk-floor'].map((t) => light[`${t} ${op}`]?.p50_ms);
    const times = c && d ? `${(d / c).toFixed(1)}x` : '–';
    log(`| ${op} | ${cell(c)} | ${cell(d)} | ${cell(f)} | ${times} |`);
  }
  if (Object.keys(big).length) {
    log(
      `\n| scale test (Query of a ${BIG_PARTITION}-item partition, Limit ${BIG_LIMIT}) | items | Query p50 ms | Query p99 ms | RSS MiB | on disk MiB | fill items/s |`,
    );
    log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const [t, b] of Object.entries(big)) {
      if (b.at_1k)
        log(`| ${t} | ${b.at_1k.items} | ${b.at_1k.p50_ms} | ${b.at_1k.p99_ms} | ${b.rss_1k_mib} | | |`);
      if (b.at_full)
        log(
          `| ${t} | ${b.at_full.items} | ${b.at_full.p50_ms} | ${b.at_full.p99_ms} | ${b.rss_full_mib} (peak ${b.rss_peak_mib}) | ${b.workspace_mib ?? '—'} | ${b.fill.items_s} |`,
        );
      if (b.error) log(`| ${t} | ${b.items} | error: ${b.error} | | | | |`);
    }
  }
  log('');

  const failed =
    Boolean(broken.cloudlab) ||
    rows.some((r) => r.cloudlab.errors > 0 || r['sdk-floor'].errors > 0) ||
    Object.values(light).some((l) => l.target === 'cloudlab' && l.errors > 0) ||
    Boolean(big.cloudlab?.error);
  return {
    summary: {
      rounds,
      n,
      queries,
      scans,
      concs,
      item_bytes: itemBytes(itemOf(`c16/${pad(n - 1)}`, n - 1)),
      query_items: HOT,
      scan_items: SCAN_ITEMS,
      floor_pages_from: pagesFrom,
      broken,
      warm_up_errors: warmErrors,
      create_table: tables,
      rows,
      light_client: Object.values(light),
      big,
      rss_after_rounds_mib: rssAfterRounds,
      rss_end_mib: rssEnd,
      load_average: { start: loadStart, end: loadavg().map((x) => +x.toFixed(2)) },
    },
    failed,
  };
}
