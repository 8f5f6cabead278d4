// S3 figures, side by side in one run: the same AWS SDK v3 S3 client and workload against
//  - Cloud Lab (`cloudlab serve`, the built CLI, on a fresh workspace),
//  - s3rver 3.7.1 (the npm devDependency, on a fresh directory, the bench's key pair registered
//    — it only knows S3RVER/S3RVER otherwise — run with --openssl-legacy-provider, without which
//    its paginated listings fail on Node 17+),
//  - the SDK floor: a null HTTP server in another process answering canned, valid S3 answers, so
//    the client's own cost can be told from the server's.
//
// Workload: PutObject/GetObject of 1 KiB (one at a time and 16 in flight), of 1 MiB (MiB/s),
// ListObjectsV2 over 1,000 and 10,000 keys (ms per page of 1,000), one large object put and got
// as streams (MiB/s), and Cloud Lab's resident memory while `@aws-sdk/lib-storage` uploads 1 GiB
// (generated as a stream, never held by the client). Each figure is the median of several
// rounds, the targets taking turns within a round; a row with any failed call does not count.
import { Upload } from '@aws-sdk/lib-storage';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { credentials, measure, median, replay, root, rssMiB, startServe, stopServe } from './lib.mjs';

const KiB = 1024;
const MiB = 1024 * 1024;
const BUCKET = 'bench';
const pad = (i) => String(i).padStart(12, '0');

/**
 * A body of `size` bytes unique to `i` (its first 12 bytes are `i`): the store is
 * content-addressed, and identical bodies would not measure real writes.
 */
function bodyOf(size, i) {
  const b = Buffer.alloc(size, 0x61);
  b.write(pad(i), 0, 'latin1');
  return b;
}

/** A stream of `mib` MiB, 1 MiB at a time, every chunk distinct; the client never holds it. */
function streamOf(mib, tag) {
  let n = 0;
  return new Readable({
    read() {
      if (n === mib) return this.push(null);
      const chunk = Buffer.alloc(MiB, 0x62);
      chunk.write(`${tag}/${pad(n++)}`, 0, 'latin1');
      this.push(chunk);
    },
  });
}

// ---- the peers -------------------------------------------------------------------------------

function childReady(child, what) {
  return new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`${what} exited (${code})`)));
  });
}

/** s3rver 3.7.1 on a fresh directory, with the bench's key pair registered. */
async function startS3rver() {
  const dir = mkdtempSync(join(tmpdir(), 'cloudlab-bench-s3rver-'));
  const src = `
    const S3rver = require('s3rver');
    require('s3rver/lib/models/account').DUMMY_ACCOUNT.createKeyPair(
      ${JSON.stringify(credentials.accessKeyId)}, ${JSON.stringify(credentials.secretAccessKey)});
    const s = new S3rver({ address: '127.0.0.1', port: 0, directory: ${JSON.stringify(dir)}, silent: true });
    s.run().then((addr) => {
      s.httpServer.keepAliveTimeout = 60000; // as Cloud Lab and the floor: no idle-close races
      process.send(addr.port);
    });`;
  const child = spawn(process.execPath, ['--openssl-legacy-provider', '-e', src], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await childReady(child, 's3rver');
  return { child, endpoint: `http://127.0.0.1:${port}`, dir };
}

/**
 * The SDK floor: canned S3 answers, no storage. PUT bodies are read and dropped; GET answers the
 * body the bench expects for the key (the same generator), `?list-type=2` the canned page
 * `listing` (Cloud Lab's own answer for 1,000 keys, so both sides parse the same bytes), and
 * `/large/<MiB>` streams that many MiB.
 *
 * PUT and GET answer with Cloud Lab's own headers (`answers`, captured from it), so the client
 * does the same work on both: S3 returns an object's CRC32 on GetObject when the SDK asks for it
 * (its default), and the SDK then checks the body against it — about 2 ms of client CPU per MiB
 * that a floor without the header would not cost. The floor's checksums are computed before it
 * starts (bodies 0..count-1 of both sizes), so it still does no work per request.
 */
async function startFloor(listing, answers, count) {
  const src = `
    const http = require('http');
    const { crc32 } = require('zlib');
    let listing = '';
    let answers = { put: {}, get: {} };
    const MiB = ${MiB};
    const pad = ${pad.toString()};
    const bodyOf = ${bodyOf.toString()};
    const mibChunk = Buffer.alloc(MiB, 0x62);
    const crcOf = (b) => { const v = Buffer.alloc(4); v.writeUInt32BE(crc32(b)); return v.toString('base64'); };
    const bodies = new Map(); // '1k/<i>' | '1m/<i>' -> [body, its CRC32]
    const canned = (size, i) => {
      const k = size + '/' + i;
      let hit = bodies.get(k);
      if (!hit) { const b = bodyOf(size === '1m' ? MiB : 1024, i); bodies.set(k, (hit = [b, crcOf(b)])); }
      return hit;
    };
    const srv = http.createServer((req, res) => {
      const url = new URL(req.url, 'http://x');
      const parts = url.pathname.split('/');
      if (req.method === 'PUT' || req.method === 'POST') {
        req.resume();
        req.on('end', () => {
          const headers = { ...answers.put, etag: '"d41d8cd98f00b204e9800998ecf8427e"', 'content-length': 0 };
          // S3 echoes the checksum it verified.
          const sent = req.headers['x-amz-checksum-crc32'];
          if (sent && answers.put['x-amz-checksum-crc32'] !== undefined) headers['x-amz-checksum-crc32'] = sent;
          else delete headers['x-amz-checksum-crc32'];
          res.writeHead(200, headers);
          res.end();
        });
        return;
      }
      req.resume();
      if (url.searchParams.get('list-type') === '2') {
        res.writeHead(200, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(listing) });
        return res.end(listing);
      }
      if (url.pathname === '/') {
        const out = '<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult><Owner><ID>x</ID></Owner><Buckets><Bucket><Name>bench</Name><CreationDate>2026-01-01T00:00:00.000Z</CreationDate></Bucket></Buckets></ListAllMyBucketsResult>';
        res.writeHead(200, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(out) });
        return res.end(out);
      }
      if (parts[2] === 'large') {
        let left = Number(parts[3]);
        res.writeHead(200, { 'content-type': 'binary/octet-stream', 'content-length': left * MiB, etag: '"x"' });
        const more = () => {
          while (left > 0) {
            left--;
            if (!res.write(mibChunk)) return res.once('drain', more);
          }
          res.end();
        };
        return more();
      }
      // /bench/<size>/<conc>/<i>
      const [body, crc] = canned(parts[2] === '1m' ? '1m' : '1k', Number(parts.at(-1)));
      const headers = {
        ...answers.get,
        'content-length': body.length,
        etag: '"d41d8cd98f00b204e9800998ecf8427e"',
        'last-modified': new Date(0).toUTCString(),
      };
      const asked = (req.headers['x-amz-checksum-mode'] ?? '').toUpperCase() === 'ENABLED';
      if (asked && answers.get['x-amz-checksum-crc32'] !== undefined) headers['x-amz-checksum-crc32'] = crc;
      else delete headers['x-amz-checksum-crc32'];
      res.writeHead(200, headers);
      res.end(body);
    });
    srv.keepAliveTimeout = 60000;
    process.once('message', (m) => {
      listing = Buffer.from(m.listing); // too large for the command line; kept as bytes
      answers = m.answers;
      for (let i = 0; i < m.count.small; i++) canned('1k', i);
      for (let i = 0; i < m.count.big; i++) canned('1m', i);
      srv.listen(0, '127.0.0.1', () => process.send(srv.address().port));
    });`;
  const child = spawn(process.execPath, ['-e', src], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  child.send({ listing, answers, count });
  const port = await childReady(child, 'the SDK floor');
  return { child, endpoint: `http://127.0.0.1:${port}` };
}

function client(endpoint, over = {}) {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    credentials,
    forcePathStyle: true,
    maxAttempts: 1,
    ...over,
  });
}

/**
 * For the large object: the SDK's default for a streamed PutObject is an `aws-chunked` body with
 * a CRC32 trailer, which s3rver 3.7.1 stores framing and all (the object comes back 236 bytes
 * too long for 20 MiB). Every target gets the large object without it (a plain streamed body,
 * UNSIGNED-PAYLOAD); Cloud Lab is also measured with the SDK's defaults.
 */
const PLAIN = { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' };

// ---- the workload ----------------------------------------------------------------------------

function check(ok, message) {
  if (!ok) throw Object.assign(new Error(message), { name: 'WrongAnswer' });
}

async function drain(body) {
  let size = 0;
  for await (const chunk of body) size += chunk.length;
  return size;
}

/** The operations, the same against every target. Keys: bench/<size>/<conc>/<i>. */
function operations(s3) {
  const key = (size, conc, i) => `${size}/c${conc}/${pad(i)}`;
  const put = (size, bytes) => (conc) => async (i) => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key(size, conc, i), Body: bodyOf(bytes, i) }));
  };
  const get = (size, bytes) => (conc) => async (i) => {
    const r = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key(size, conc, i) }));
    const b = Buffer.from(await r.Body.transformToByteArray());
    check(b.length === bytes, `GetObject ${key(size, conc, i)}: ${b.length} bytes, expected ${bytes}`);
    check(b.toString('latin1', 0, 12) === pad(i), `GetObject ${key(size, conc, i)}: wrong body`);
    if (bytes <= KiB) check(b.equals(bodyOf(bytes, i)), `GetObject ${key(size, conc, i)}: wrong body`);
  };
  return {
    'PutObject 1 KiB': put('1k', KiB),
    'GetObject 1 KiB': get('1k', KiB),
    'PutObject 1 MiB': put('1m', MiB),
    'GetObject 1 MiB': get('1m', MiB),
  };
}

/**
 * The headers Cloud Lab answers a 1 KiB PutObject and GetObject with (the SDK's defaults: a CRC32
 * sent, checksum mode enabled), less those the floor sets per request.
 */
async function cloudlabAnswers(s3) {
  const seen = {};
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      const out = await next(args);
      seen[context.commandName] = { ...out.response.headers };
      return out;
    },
    { step: 'deserialize', name: 'benchCaptureHeaders' },
  );
  try {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'floor/answers', Body: bodyOf(KiB, 0) }));
    const r = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'floor/answers' }));
    await r.Body.transformToByteArray();
  } finally {
    s3.middlewareStack.remove('benchCaptureHeaders');
  }
  const perRequest = ['date', 'content-length', 'etag', 'last-modified', 'connection', 'keep-alive'];
  const template = (h) =>
    Object.fromEntries(Object.entries(h ?? {}).filter(([k]) => !perRequest.includes(k)));
  const answers = { put: template(seen.PutObjectCommand), get: template(seen.GetObjectCommand) };
  if (!answers.put['x-amz-request-id'] || !answers.get['x-amz-request-id'])
    throw new Error("could not capture Cloud Lab's PutObject/GetObject headers for the floor");
  return answers;
}

/** Every key under `prefix`, through the SDK's pages of 1,000; throws unless `expected` came. */
async function listAll(s3, prefix, expected) {
  let got = 0;
  let pages = 0;
  let token;
  do {
    const r = await s3.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix, ContinuationToken: token }),
    );
    got += r.Contents?.length ?? 0;
    pages++;
    token = r.IsTruncated ? r.NextContinuationToken : undefined;
  } while (token);
  check(got === expected, `ListObjectsV2 ${prefix}: ${got} keys, expected ${expected}`);
  return pages;
}

const signer = new SignatureV4({ service: 's3', region: 'us-east-1', credentials, sha256: Sha256 });

/** One ListObjectsV2 page by a signed GET, the answer read as text and never parsed by the SDK. */
async function rawListPage(endpoint, prefix, token) {
  const page = await replayListPage(endpoint, prefix, token);
  return { ok: page.status === 200, status: page.status, text: page.bytes.toString('utf8') };
}

/** The same GET by the light client (bench/lib.mjs): signed once, replayed, kept as bytes. */
function replayListPage(endpoint, prefix, token) {
  const url = new URL(endpoint);
  const query = { 'list-type': '2', prefix, ...(token ? { 'continuation-token': token } : {}) };
  const qs = Object.entries(query)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&');
  const sign = async () =>
    (
      await signer.sign(
        new HttpRequest({
          method: 'GET',
          hostname: url.hostname,
          port: Number(url.port),
          path: `/${BUCKET}`,
          query,
          headers: {
            host: url.host,
            'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
          },
        }),
      )
    ).headers;
  return replay(`${endpoint} ${qs}`, sign, { method: 'GET', endpoint, path: `/${BUCKET}?${qs}` });
}

/**
 * The server's own share of a listing: every page fetched by the light client, its bytes only
 * scanned for keys and the next token, so neither the SDK's parsing nor signing is counted.
 */
async function rawListAll(endpoint, prefix, expected) {
  let got = 0;
  let token;
  do {
    const page = await replayListPage(endpoint, prefix, token);
    check(page.status === 200, `ListObjectsV2 ${prefix}: HTTP ${page.status}`);
    got += page.bytes.toString('latin1').split('<Key>').length - 1;
    token = page.bytes.includes('<IsTruncated>true</IsTruncated>')
      ? /<NextContinuationToken>([^<]+)<\/NextContinuationToken>/.exec(page.bytes.toString('latin1'))?.[1]
      : undefined;
  } while (token);
  check(got === expected, `ListObjectsV2 ${prefix}: ${got} keys, expected ${expected}`);
}

/** Fill `prefix` with `count` 1 KiB objects, 16 at a time (not measured). */
async function fill(s3, prefix, count) {
  const r = await measure(count, 16, (i) =>
    s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${prefix}${pad(i)}`, Body: bodyOf(KiB, i) })),
  );
  if (r.errors) throw new Error(`filling ${prefix}: ${r.errors} puts failed`);
}

/** One large object put from a stream and read back as a stream; MiB/s each way. */
async function large(s3, target, mib, round) {
  const Key = `large/${mib}`;
  const out = { put_mib_s: null, get_mib_s: null, error: null };
  try {
    let t0 = performance.now();
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key,
        Body: streamOf(mib, `${target}/${round}`),
        ContentLength: mib * MiB,
      }),
    );
    out.put_mib_s = +(mib / ((performance.now() - t0) / 1000)).toFixed(1);
    t0 = performance.now();
    const r = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key }));
    const size = await drain(r.Body);
    check(size === mib * MiB, `GetObject ${Key}: ${size} bytes, expected ${mib * MiB}`);
    out.get_mib_s = +(mib / ((performance.now() - t0) / 1000)).toFixed(1);
  } catch (e) {
    out.error = `${e.name ?? ''} ${e.message}`;
  }
  return out;
}

/** Cloud Lab's RSS, sampled every 50 ms, while lib-storage uploads `gib` GiB from a stream. */
async function uploadMemory(s3, pid, gib) {
  const Key = 'upload/gib';
  const before = rssMiB(pid);
  let peak = before;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssMiB(pid));
    } catch {
      /* the process is gone; the upload will fail and say so */
    }
  }, 50);
  const t0 = performance.now();
  try {
    const upload = new Upload({
      client: s3,
      params: { Bucket: BUCKET, Key, Body: streamOf(gib * 1024, 'upload') },
    });
    await upload.done();
    const seconds = (performance.now() - t0) / 1000;
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key }));
    check(head.ContentLength === gib * 1024 * MiB, `uploaded ${head.ContentLength} bytes`);
    return {
      gib,
      rss_before_mib: before,
      rss_peak_mib: peak,
      rss_after_mib: rssMiB(pid),
      seconds: +seconds.toFixed(1),
      mib_s: +((gib * 1024) / seconds).toFixed(1),
      part_mib: 5,
      queue: 4,
    };
  } catch (e) {
    return { gib, error: `${e.name ?? ''} ${e.message}`, rss_before_mib: before, rss_peak_mib: peak };
  } finally {
    clearInterval(timer);
  }
}

// ---- the run ---------------------------------------------------------------------------------

const TARGETS = ['cloudlab', 's3rver', 'sdk-floor'];

export async function runS3(options) {
  const spawned = { children: [], dirs: [] };
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
    for (const dir of spawned.dirs) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  }
}

async function run({ n, bigN, concs, rounds, listKeys, largeMib, uploadGib, warm, log }, spawned) {
  // The machine may be shared: its load is part of the record.
  const loadStart = loadavg().map((x) => +x.toFixed(2));
  const served = await startServe();
  spawned.children.push(served.child);
  spawned.dirs.push(served.data);
  const s3rver = await startS3rver();
  spawned.children.push(s3rver.child);
  spawned.dirs.push(s3rver.dir);
  const clients = { cloudlab: client(served.endpoint), s3rver: client(s3rver.endpoint) };
  for (const t of ['cloudlab', 's3rver']) await clients[t].send(new CreateBucketCommand({ Bucket: BUCKET }));

  // The floor's listing page is Cloud Lab's own answer for 1,000 keys (a signed GET, as the SDK
  // sends it), so both sides parse the same bytes.
  await fill(clients.cloudlab, 'list1k/', 1000);
  await fill(clients.s3rver, 'list1k/', 1000);
  const page = await rawListPage(served.endpoint, 'list1k/');
  if (!page.ok) throw new Error(`listing for the floor: HTTP ${page.status} ${page.text}`);
  const answers = await cloudlabAnswers(clients.cloudlab);
  const floor = await startFloor(page.text, answers, { small: Math.max(n, warm), big: bigN });
  spawned.children.push(floor.child);
  clients['sdk-floor'] = client(floor.endpoint);

  const ops = Object.fromEntries(TARGETS.map((t) => [t, operations(clients[t])]));
  // Warm-up: connections, and both sides' code optimised before anything is timed. A served
  // process is still compiling for its first few thousand calls (V8 tiers up its JavaScript and
  // sql.js's WebAssembly on background threads, which take CPU from the client on two cores).
  for (const t of TARGETS) {
    const o = ops[t];
    for (let i = 0; i < warm; i++) {
      await o['PutObject 1 KiB']('w')(i);
      await o['GetObject 1 KiB']('w')(i);
    }
    for (let i = 0; i < 5; i++) await clients[t].send(new ListBucketsCommand({}));
  }

  // ---- point operations and 1 MiB objects, the targets taking turns in every round ----------
  const raw = []; // { target, op, conc, round, ops_s, p50_ms, p99_ms, errors }
  const plan = [
    ['PutObject 1 KiB', n],
    ['GetObject 1 KiB', n],
    ['PutObject 1 MiB', bigN],
    ['GetObject 1 MiB', bigN],
  ];
  for (let round = 0; round < rounds; round++) {
    log(`## round ${round + 1} of ${rounds}`);
    for (const conc of concs) {
      for (const [op, count] of plan) {
        for (const t of TARGETS) {
          const r = await measure(count, conc, ops[t][op](conc));
          raw.push({ target: t, op, conc, round, ...r });
          log(
            `  ${t.padEnd(9)} ${op.padEnd(16)} c=${String(conc).padEnd(3)} ${String(r.ops_s).padStart(6)} ops/s  p50 ${r.p50_ms} ms  p99 ${r.p99_ms} ms${r.errors ? `  ERRORS ${r.errors}` : ''}`,
          );
        }
      }
    }
  }
  const rows = [];
  for (const conc of concs) {
    for (const [op] of plan) {
      const row = { op, conc };
      for (const t of TARGETS) {
        const mine = raw.filter((r) => r.target === t && r.op === op && r.conc === conc);
        const errors = mine.reduce((s, r) => s + r.errors, 0);
        const opsS = median(mine.map((r) => r.ops_s));
        row[t] = {
          // A row with any failed call does not count.
          ops_s: errors ? null : opsS,
          mib_s: errors || !op.includes('MiB') ? null : opsS,
          p50_ms: median(mine.map((r) => r.p50_ms)),
          p99_ms: median(mine.map((r) => r.p99_ms)),
          errors,
          rounds: mine.map((r) => r.ops_s),
        };
      }
      // The load on a shared machine drifts between rounds; the targets take turns within one,
      // so the share of the floor is also taken round by round (then the median).
      for (const t of ['cloudlab', 's3rver']) {
        const shares = row[t].rounds.map((x, i) => x / row['sdk-floor'].rounds[i]);
        row[t].share_of_floor_by_round =
          row[t].errors || row['sdk-floor'].errors ? null : Math.round(median(shares) * 100);
      }
      rows.push(row);
    }
  }

  // ---- listings ------------------------------------------------------------------------------
  log(`## ListObjectsV2 (1,000 keys, then ${listKeys})`);
  for (const t of ['cloudlab', 's3rver']) {
    const t0 = performance.now();
    await fill(clients[t], 'list10k/', listKeys);
    log(`  ${t}: filled ${listKeys} keys in ${Math.round(performance.now() - t0)} ms`);
  }
  const listing = {};
  const listRounds = { 1000: Math.max(rounds * 5, 10), [listKeys]: Math.max(rounds, 3) };
  for (const [prefix, keys] of [
    ['list1k/', 1000],
    ['list10k/', listKeys],
  ]) {
    for (const t of TARGETS) {
      // The floor has one canned page of 1,000 keys (and no continuation).
      if (t === 'sdk-floor' && keys !== 1000) continue;
      const c = clients[t];
      await listAll(c, prefix, keys); // warm
      const pages = Math.ceil(keys / 1000);
      const r = await measure(listRounds[keys], 1, () => listAll(c, prefix, keys));
      // The light client (server only); against the floor, what a server that does nothing costs.
      const endpoint = { cloudlab: served.endpoint, s3rver: s3rver.endpoint, 'sdk-floor': floor.endpoint }[t];
      const raw = endpoint
        ? await measure(listRounds[keys], 1, () => rawListAll(endpoint, prefix, keys))
        : null;
      listing[`${t} ${keys}`] = {
        target: t,
        keys,
        pages,
        listing_ms: r.errors ? null : r.p50_ms,
        page_ms: r.errors ? null : +(r.p50_ms / pages).toFixed(1),
        errors: r.errors,
        server_page_ms: !raw || raw.errors ? null : +(raw.p50_ms / pages).toFixed(1),
        server_errors: raw?.errors ?? 0,
        runs: listRounds[keys],
      };
      log(
        `  ${t.padEnd(9)} ${keys} keys: ${r.p50_ms} ms per listing, ${(r.p50_ms / pages).toFixed(1)} ms per page${raw ? `; light client ${(raw.p50_ms / pages).toFixed(1)} ms per page` : ''}${r.errors || raw?.errors ? `  ERRORS ${r.errors + (raw?.errors ?? 0)}` : ''}`,
      );
    }
  }

  // ---- one large object each way ---------------------------------------------------------------
  log(`## ${largeMib} MiB object, PutObject from a stream and GetObject to a stream`);
  const LARGE = [...TARGETS, 'cloudlab-sdk-defaults'];
  const largeClients = {
    cloudlab: client(served.endpoint, PLAIN),
    s3rver: client(s3rver.endpoint, PLAIN),
    'sdk-floor': client(floor.endpoint, PLAIN),
    'cloudlab-sdk-defaults': clients.cloudlab,
  };
  const largeRuns = Object.fromEntries(LARGE.map((t) => [t, []]));
  for (let round = 0; round < rounds; round++) {
    for (const t of LARGE) {
      const r = await large(largeClients[t], t, largeMib, round);
      largeRuns[t].push(r);
      log(
        `  ${t.padEnd(9)} put ${r.put_mib_s} MiB/s  get ${r.get_mib_s} MiB/s${r.error ? `  ERROR ${r.error}` : ''}`,
      );
    }
  }
  for (const t of TARGETS) largeClients[t].destroy();
  const largeSummary = Object.fromEntries(
    LARGE.map((t) => {
      const runs = largeRuns[t];
      const bad = runs.some((r) => r.error);
      return [
        t,
        {
          mib: largeMib,
          put_mib_s: bad ? null : median(runs.map((r) => r.put_mib_s)),
          get_mib_s: bad ? null : median(runs.map((r) => r.get_mib_s)),
          errors: runs.filter((r) => r.error).length,
          first_error: runs.find((r) => r.error)?.error,
        },
      ];
    }),
  );

  floor.child.kill();
  s3rver.child.kill();
  for (const c of Object.values(clients)) c.destroy();

  // ---- Cloud Lab's memory during a multipart upload -----------------------------------------
  let upload = null;
  if (uploadGib > 0) {
    log(`## ${uploadGib} GiB through @aws-sdk/lib-storage Upload (5 MiB parts, 4 in flight), server RSS`);
    const s3 = client(served.endpoint);
    upload = await uploadMemory(s3, served.child.pid, uploadGib);
    s3.destroy();
    log(
      upload.error
        ? `  ERROR ${upload.error}`
        : `  ${upload.seconds} s (${upload.mib_s} MiB/s); server RSS ${upload.rss_before_mib} MiB before, peak ${upload.rss_peak_mib} MiB, ${upload.rss_after_mib} MiB after`,
    );
  }
  const rssEnd = rssMiB(served.child.pid);
  await stopServe(served);
  rmSync(s3rver.dir, { recursive: true, force: true });

  // ---- the tables --------------------------------------------------------------------------------
  const cell = (x) => (x === null || x === undefined ? 'errors' : String(x));
  const share = (a, b) => (a && b ? `${Math.round((a / b) * 100)}%` : '—');
  log(
    '\n| operation | in flight | Cloud Lab | s3rver | SDK floor | Cloud Lab / floor | s3rver / floor | Cloud Lab / floor, by round | s3rver / floor, by round |',
  );
  log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    const unit = r.op.includes('MiB') ? ' MiB/s' : ' ops/s';
    log(
      `| ${r.op} | ${r.conc} | ${cell(r.cloudlab.ops_s)}${unit} | ${cell(r.s3rver.ops_s)}${unit} | ${cell(r['sdk-floor'].ops_s)}${unit} | ${share(r.cloudlab.ops_s, r['sdk-floor'].ops_s)} | ${share(r.s3rver.ops_s, r['sdk-floor'].ops_s)} | ${cell(r.cloudlab.share_of_floor_by_round)}% | ${cell(r.s3rver.share_of_floor_by_round)}% |`,
    );
  }
  log(
    '\n| ListObjectsV2 | Cloud Lab ms/page | s3rver ms/page | SDK floor ms/page | s3rver / Cloud Lab | light client: Cloud Lab | light client: s3rver | light client: floor | s3rver / Cloud Lab |',
  );
  log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const keys of [1000, listKeys]) {
    const c = listing[`cloudlab ${keys}`];
    const s = listing[`s3rver ${keys}`];
    const f = listing[`sdk-floor ${keys}`];
    const ratio = c.page_ms && s.page_ms ? `${(s.page_ms / c.page_ms).toFixed(1)}x` : '—';
    const rawRatio =
      c.server_page_ms && s.server_page_ms ? `${(s.server_page_ms / c.server_page_ms).toFixed(1)}x` : '—';
    log(
      `| ${keys} keys | ${cell(c.page_ms)} | ${cell(s.page_ms)} | ${f ? cell(f.page_ms) : '—'} | ${ratio} | ${cell(c.server_page_ms)} | ${cell(s.server_page_ms)} | ${f ? cell(f.server_page_ms) : '—'} | ${rawRatio} |`,
    );
  }
  log(
    `\n| ${largeMib} MiB object | Cloud Lab | s3rver | SDK floor | Cloud Lab, SDK defaults (aws-chunked, CRC32) |`,
  );
  log('| --- | ---: | ---: | ---: | ---: |');
  for (const k of ['put_mib_s', 'get_mib_s'])
    log(
      `| ${k === 'put_mib_s' ? 'PutObject (stream)' : 'GetObject (stream)'} | ${cell(largeSummary.cloudlab[k])} MiB/s | ${cell(largeSummary.s3rver[k])} MiB/s | ${cell(largeSummary['sdk-floor'][k])} MiB/s | ${cell(largeSummary['cloudlab-sdk-defaults'][k])} MiB/s |`,
    );
  if (upload && !upload.error)
    log(
      `\n${upload.gib} GiB via lib-storage Upload: ${upload.mib_s} MiB/s; Cloud Lab RSS ${upload.rss_before_mib} MiB before, peak ${upload.rss_peak_mib} MiB during, ${upload.rss_after_mib} MiB after.`,
    );
  log('');

  const failed =
    rows.some((r) => TARGETS.some((t) => t !== 's3rver' && r[t].errors > 0)) ||
    ['cloudlab 1000', `cloudlab ${listKeys}`].some(
      (k) => listing[k].errors > 0 || listing[k].server_errors > 0,
    ) ||
    largeSummary.cloudlab.errors > 0 ||
    largeSummary['cloudlab-sdk-defaults'].errors > 0 ||
    Boolean(upload?.error);
  return {
    summary: {
      rounds,
      n,
      big_n: bigN,
      concs,
      rows,
      listing: Object.values(listing),
      large: largeSummary,
      upload,
      rss_end_mib: rssEnd,
      load_average: { start: loadStart, end: loadavg().map((x) => +x.toFixed(2)) },
    },
    failed,
  };
}
