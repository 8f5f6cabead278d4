// Cloud Lab's Lambda runtime for Node.js: the entry of one execution environment (a child process).
//
// The parent (electron/core/services/lambda/sandbox/environment.ts) starts this file under Node's
// permission model and talks to it over the IPC channel:
//   parent -> child  {t:'init', cfg}                      once, right after spawn
//   parent -> child  {t:'invoke', id, event, arn, ...}    one at a time
//   child -> parent  {t:'ready'} | {t:'init-error', error}
//   child -> parent  {t:'log', m, ts}                     one formatted log event (ts = simulated ms)
//   child -> parent  {t:'result', id, ok, payload, mem}   the invocation's outcome
//   child -> parent  {t:'fatal', id, kind, payload}       uncaught exception / unhandled rejection
// Only node: builtins are imported before the handler loads, to keep cold starts short.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import util from 'node:util';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { pathToFileURL } from 'node:url';

const TASK_ROOT = '/var/task';
const TMP_ROOT = '/tmp';
const MAX_RESPONSE_BYTES = 6 * 1024 * 1024;

// --- the IPC channel, kept away from function code ------------------------------------------

const send = process.send.bind(process);
const channel = process.channel;
const reallyExit = process.reallyExit.bind(process);
process.send = undefined;
process.removeAllListeners('message');

function post(msg) {
  try {
    send(msg);
  } catch {
    // the parent is gone: nothing to report to
    reallyExit(1);
  }
}

// --- state ------------------------------------------------------------------------------------

let cfg = null;
let requestId = 'undefined';
let simBase = Date.now();
let realBase = Date.now();
let current = null; // the running invocation: { id, deadline, done }

const simNow = () => simBase + (Date.now() - realBase);

// --- path mapping: /tmp and /var/task as the function sees them --------------------------------

function mapPath(p) {
  if (typeof p === 'string') return mapString(p);
  if (p instanceof URL && p.protocol === 'file:') {
    const mapped = mapString(decodeURIComponent(p.pathname));
    return mapped === decodeURIComponent(p.pathname) ? p : pathToFileURL(mapped);
  }
  return p;
}

function under(p, root) {
  return p === root || p.startsWith(root + '/');
}

function mapString(p) {
  if (!cfg) return p;
  if (process.platform === 'win32') p = p.replace(/\\/g, '/');
  // Host directories that happen to live in the host's /tmp (and their parents) stay as they are.
  if (under(p, TMP_ROOT) && !cfg.hostRoots.some((root) => under(p, root) || under(root, p))) {
    return cfg.tmpDir + p.slice(TMP_ROOT.length);
  }
  if (under(p, TASK_ROOT)) return cfg.codeDir + p.slice(TASK_ROOT.length);
  return p;
}

function unmapString(s) {
  if (!cfg || typeof s !== 'string') return s;
  let out = s;
  for (const [real, shown] of cfg.rewrites) out = out.split(real).join(shown);
  return out;
}

const ONE_PATH = [
  'access',
  'appendFile',
  'chmod',
  'chown',
  'createReadStream',
  'createWriteStream',
  'exists',
  'lchmod',
  'lchown',
  'lutimes',
  'lstat',
  'mkdir',
  'mkdtemp',
  'open',
  'openAsBlob',
  'opendir',
  'readdir',
  'readFile',
  'readlink',
  'realpath',
  'rm',
  'rmdir',
  'stat',
  'statfs',
  'truncate',
  'unlink',
  'utimes',
  'watch',
  'watchFile',
  'unwatchFile',
  'writeFile',
];
const TWO_PATHS = ['copyFile', 'cp', 'link', 'rename', 'symlink'];

function wrap(target, name, count) {
  const original = target[name];
  if (typeof original !== 'function') return;
  const wrapped = function (...args) {
    if (args.length > 0 && ((name !== 'appendFile' && name !== 'writeFile') || typeof args[0] !== 'number')) {
      args[0] = mapPath(args[0]);
    }
    if (count === 2 && args.length > 1) args[1] = mapPath(args[1]);
    return original.apply(this, args);
  };
  for (const key of Object.keys(original)) wrapped[key] = original[key];
  if (original[util.promisify.custom]) {
    const custom = original[util.promisify.custom];
    wrapped[util.promisify.custom] = (...args) => {
      args[0] = mapPath(args[0]);
      return custom(...args);
    };
  }
  Object.defineProperty(wrapped, 'name', { value: original.name });
  target[name] = wrapped;
}

function patchFs() {
  for (const name of ONE_PATH) {
    wrap(fs, name, 1);
    wrap(fs, name + 'Sync', 1);
    wrap(fs.promises, name, 1);
  }
  for (const name of TWO_PATHS) {
    wrap(fs, name, 2);
    wrap(fs, name + 'Sync', 2);
    wrap(fs.promises, name, 2);
  }
  // realpath keeps returning host paths: Node's CommonJS loader resolves modules through it. The
  // JavaScript realpath lstat()s every parent directory, which the permission model denies above
  // the allowed roots; the native one resolves in one call.
  const jsRealpath = fs.realpathSync;
  const nativeRealpath = fs.realpathSync.native;
  fs.realpathSync = function realpathSync(p, options) {
    try {
      return jsRealpath.call(this, p, options);
    } catch (e) {
      try {
        return nativeRealpath(mapPath(p), options);
      } catch {
        throw e;
      }
    }
  };
  fs.realpathSync.native = nativeRealpath;
  os.tmpdir = () => TMP_ROOT;
  syncBuiltinESMExports();
}

// --- process hardening -------------------------------------------------------------------------

function harden() {
  const ownPid = process.pid;
  const kill = process.kill.bind(process);
  const refuse = () => {
    const e = new Error('kill EPERM');
    e.code = 'EPERM';
    e.errno = -1;
    e.syscall = 'kill';
    throw e;
  };
  process.kill = function (pid, signal) {
    if (Number(pid) !== ownPid) refuse();
    return kill(pid, signal);
  };
  process._kill = function (pid) {
    if (Number(pid) !== ownPid) refuse();
    return 0;
  };
  process.dlopen = function () {
    const e = new Error('Cannot load native addon because loading addons is disabled.');
    e.code = 'ERR_DLOPEN_DISABLED';
    throw e;
  };
  process.abort = () => process.exit(134);
  process.chdir = () => {
    throw new Error('process.chdir() is not supported in this environment');
  };
  process.setuid = process.setgid = process.seteuid = process.setegid = undefined;
  process.setgroups = process.initgroups = undefined;
}

// --- logging -------------------------------------------------------------------------------------

const MAX_LOG_EVENT = 256 * 1024;

function emit(text) {
  if (text.length > MAX_LOG_EVENT) text = text.slice(0, MAX_LOG_EVENT);
  post({ t: 'log', m: text, ts: simNow() });
}

function logLine(level, args) {
  const ts = simNow();
  emit(`${new Date(ts).toISOString()}\t${requestId}\t${level}\t${unmapString(util.format(...args))}\n`);
}

function patchConsole() {
  const levels = {
    log: 'INFO',
    info: 'INFO',
    warn: 'WARN',
    error: 'ERROR',
    debug: 'DEBUG',
    trace: 'TRACE',
    fatal: 'FATAL',
  };
  for (const [method, level] of Object.entries(levels)) {
    console[method] = (...args) => logLine(level, args);
  }
  console.dir = (obj, options) => logLine('INFO', [util.inspect(obj, options)]);
  console.table = (...args) => logLine('INFO', args);
  console.assert = (ok, ...args) => {
    if (!ok) logLine('ERROR', ['Assertion failed' + (args.length ? ':' : ''), ...args]);
  };

  // Raw writes to stdout/stderr: one log event per line, as the runtime's log pipe does.
  for (const stream of [process.stdout, process.stderr]) {
    let pending = '';
    stream.write = (chunk, encoding, cb) => {
      if (typeof encoding === 'function') cb = encoding;
      pending += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      let nl;
      while ((nl = pending.indexOf('\n')) >= 0) {
        emit(unmapString(pending.slice(0, nl + 1)));
        pending = pending.slice(nl + 1);
      }
      if (pending.length > MAX_LOG_EVENT) {
        emit(unmapString(pending) + '\n');
        pending = '';
      }
      if (typeof cb === 'function') process.nextTick(cb);
      return true;
    };
    stream.flushPending = () => {
      if (pending) emit(unmapString(pending) + '\n');
      pending = '';
    };
  }
}

function flushStreams() {
  process.stdout.flushPending?.();
  process.stderr.flushPending?.();
}

// --- error payloads ------------------------------------------------------------------------------

function isError(e) {
  return (
    util.types.isNativeError(e) ||
    (e !== null && typeof e === 'object' && typeof e.stack === 'string' && typeof e.message === 'string')
  );
}

/** What Invoke returns for an error (the runtime API's error body). */
function errorPayload(e, typeOverride) {
  try {
    if (isError(e)) {
      return {
        errorType: typeOverride ?? (e.name || 'Error'),
        errorMessage: unmapString(String(e.message)),
        trace: unmapString(String(e.stack ?? '')).split('\n'),
      };
    }
    return { errorType: typeof e, errorMessage: unmapString(String(e)), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}

/** The JSON the runtime logs after "Invoke Error", "Uncaught Exception", ... */
function formatted(e) {
  try {
    if (isError(e)) {
      const out = { errorType: e.name || 'Error', errorMessage: unmapString(String(e.message)) };
      for (const key of Object.keys(e)) {
        if (!(key in out)) out[key] = e[key];
      }
      out.stack = unmapString(String(e.stack ?? '')).split('\n');
      return (
        '\t' +
        JSON.stringify(out, (_k, v) =>
          isError(v) ? { errorType: v.name, errorMessage: v.message, stack: String(v.stack).split('\n') } : v,
        )
      );
    }
    return '\t' + JSON.stringify({ errorType: typeof e, errorMessage: String(e), stack: [] });
  } catch {
    return '\t' + String(e);
  }
}

class RuntimeError extends Error {
  constructor(name, message, cause) {
    super(message);
    Object.defineProperty(this, 'name', {
      value: name,
      enumerable: false,
      writable: true,
      configurable: true,
    });
    const frames = String(cause?.stack ?? this.stack ?? '')
      .split('\n')
      .filter((line) => line.startsWith('    at '));
    this.stack = [`${name}: ${message}`, ...frames].join('\n');
  }
}

// --- loading the handler -------------------------------------------------------------------------

function exists(file) {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function packageType(dir) {
  // The nearest package.json up to the code root decides what a .js file is.
  let d = dir;
  for (;;) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(d, 'package.json'), 'utf8'));
      return pkg.type === 'module' ? 'module' : 'commonjs';
    } catch {
      // no (readable) package.json here
    }
    if (d === cfg.codeDir || path.dirname(d) === d) return 'commonjs';
    d = path.dirname(d);
  }
}

async function loadHandler() {
  const full = cfg.handler;
  const base = path.basename(full);
  const dot = base.indexOf('.');
  if (dot < 0) throw new RuntimeError('Runtime.MalformedHandlerName', 'Bad handler');
  const modulePath = path.join(path.dirname(full), base.slice(0, dot));
  const exportPath = base.slice(dot + 1);
  const stem = path.resolve(cfg.codeDir, modulePath);
  if (!under(stem.replace(/\\/g, '/'), cfg.codeDir.replace(/\\/g, '/'))) {
    throw new RuntimeError('Runtime.MalformedHandlerName', 'Bad handler');
  }
  const require = createRequire(path.join(cfg.codeDir, 'index.js'));

  let mod;
  try {
    if (exists(stem + '.js')) {
      mod =
        packageType(path.dirname(stem)) === 'module'
          ? await import(pathToFileURL(stem + '.js').href)
          : require(stem + '.js');
    } else if (exists(stem + '.mjs')) {
      mod = await import(pathToFileURL(stem + '.mjs').href);
    } else if (exists(stem + '.cjs')) {
      mod = require(stem + '.cjs');
    } else {
      try {
        mod = require(modulePath);
      } catch (e) {
        if (e?.code === 'MODULE_NOT_FOUND' && String(e.message).includes(`'${modulePath}'`)) {
          const err = new Error(
            `Cannot find module '${modulePath}'\nRequire stack:\n- /var/runtime/index.mjs`,
          );
          throw new RuntimeError('Runtime.ImportModuleError', `Error: ${err.message}`, err);
        }
        throw e;
      }
    }
  } catch (e) {
    if (e instanceof RuntimeError) throw e;
    if (e?.name === 'SyntaxError')
      throw new RuntimeError('Runtime.UserCodeSyntaxError', `SyntaxError: ${e.message}`, e);
    if (e?.code === 'MODULE_NOT_FOUND' || e?.code === 'ERR_MODULE_NOT_FOUND') {
      throw new RuntimeError('Runtime.ImportModuleError', `Error: ${unmapString(e.message)}`, e);
    }
    throw e;
  }

  let fn = mod;
  for (const part of exportPath.split('.')) fn = fn == null ? undefined : fn[part];
  // A CommonJS module imported as ESM keeps its exports under `default`.
  if (fn === undefined && mod && typeof mod === 'object' && mod.default && typeof mod.default === 'object') {
    fn = mod.default;
    for (const part of exportPath.split('.')) fn = fn == null ? undefined : fn[part];
  }
  const name = `${path.basename(modulePath)}.${exportPath}`;
  if (fn === undefined || fn === null) {
    throw new RuntimeError('Runtime.HandlerNotFound', `${name} is undefined or not exported`);
  }
  if (typeof fn !== 'function')
    throw new RuntimeError('Runtime.HandlerNotFound', `${name} is not a function`);
  return fn;
}

// --- invocations ---------------------------------------------------------------------------------

let handler = null;

function memoryMB() {
  try {
    return Math.ceil(process.resourceUsage().maxRSS / 1024);
  } catch {
    return Math.ceil(process.memoryUsage.rss() / (1024 * 1024));
  }
}

function finish(inv, ok, value) {
  if (inv.done) return;
  inv.done = true;
  flushStreams();
  let payload;
  if (ok) {
    try {
      payload = JSON.stringify(value === undefined ? null : value);
      if (payload === undefined) payload = 'null';
    } catch (e) {
      ok = false;
      const err = new RuntimeError('Runtime.MarshalError', 'Unable to stringify response body', e);
      logLine('ERROR', ['Invoke Error', formatted(err)]);
      payload = JSON.stringify(errorPayload(err));
    }
    if (ok && Buffer.byteLength(payload) > MAX_RESPONSE_BYTES) {
      post({
        t: 'result',
        id: inv.id,
        ok: false,
        tooLarge: Buffer.byteLength(payload),
        payload: '',
        mem: memoryMB(),
      });
      current = null;
      return;
    }
  } else {
    logLine('ERROR', ['Invoke Error', formatted(value)]);
    payload = JSON.stringify(errorPayload(value));
  }
  post({ t: 'result', id: inv.id, ok, payload, mem: memoryMB() });
  current = null;
}

function makeContext(inv, msg) {
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: cfg.functionName,
    functionVersion: cfg.functionVersion,
    invokedFunctionArn: msg.arn,
    memoryLimitInMB: String(cfg.memoryMB),
    awsRequestId: msg.id,
    logGroupName: cfg.logGroupName,
    logStreamName: cfg.logStreamName,
    identity: undefined,
    clientContext: undefined,
    getRemainingTimeInMillis: () => Math.max(0, inv.deadline - Date.now()),
  };
  if (msg.clientContext) {
    try {
      context.clientContext = JSON.parse(Buffer.from(msg.clientContext, 'base64').toString('utf8'));
    } catch {
      context.clientContext = undefined;
    }
  }
  return context;
}

function invoke(msg) {
  requestId = msg.id;
  simBase = msg.simNow;
  realBase = msg.realNow;
  const inv = { id: msg.id, deadline: msg.deadline, done: false };
  current = inv;
  let event;
  try {
    event = JSON.parse(msg.event);
  } catch {
    event = msg.event;
  }
  const context = makeContext(inv, msg);

  const callback = (err, data) => {
    if (inv.done || inv.callbackResult) return;
    const outcome = err !== undefined && err !== null ? [false, err] : [true, data];
    if (context.callbackWaitsForEmptyEventLoop) {
      // Answer once the event loop has nothing left to do, as Lambda does.
      inv.callbackResult = outcome;
      channel.unref();
      process.once('beforeExit', () => {
        channel.ref();
        finish(inv, ...inv.callbackResult);
      });
    } else {
      finish(inv, ...outcome);
    }
  };
  context.done = (err, data) => {
    context.callbackWaitsForEmptyEventLoop = false;
    callback(err, data);
  };
  context.succeed = (data) => context.done(null, data);
  context.fail = (err) => context.done(err ?? 'handled', undefined);

  let result;
  try {
    result = handler(event, context, callback);
  } catch (e) {
    finish(inv, false, e);
    return;
  }
  if (result && typeof result.then === 'function') {
    result.then(
      (v) => finish(inv, true, v),
      (e) => finish(inv, false, e),
    );
  } else if (handler.length < 3 && !inv.callbackResult) {
    // A synchronous handler without a callback parameter: its return value is the answer.
    finish(inv, true, result);
  }
}

// --- fatal errors ------------------------------------------------------------------------------

function fatal(kind, error, payload) {
  flushStreams();
  post({ t: 'fatal', id: current?.id ?? null, kind, payload: JSON.stringify(payload) });
  // The runtime exits after reporting; the parent sees the exit and marks the environment lost.
  setImmediate(() => reallyExit(129));
}

process.on('uncaughtException', (error) => {
  logLine('ERROR', ['Uncaught Exception', formatted(error)]);
  fatal('uncaught', error, errorPayload(error));
});

process.on('unhandledRejection', (reason) => {
  const message = isError(reason) ? `${reason.name}: ${reason.message}` : String(reason);
  const err = new RuntimeError('Runtime.UnhandledPromiseRejection', unmapString(message));
  err.reason = reason;
  err.promise = {};
  logLine('ERROR', ['Unhandled Promise Rejection', formatted(err)]);
  const payload = errorPayload(err);
  fatal('rejection', err, payload);
});

// --- start-up ------------------------------------------------------------------------------------

async function init(config) {
  cfg = config;
  simBase = config.simNow;
  realBase = config.realNow;
  cfg.rewrites = [
    [pathToFileURL(cfg.codeDir).href, 'file://' + TASK_ROOT],
    [cfg.codeDir, TASK_ROOT],
    ...(cfg.codeRealDir && cfg.codeRealDir !== cfg.codeDir
      ? [
          [pathToFileURL(cfg.codeRealDir).href, 'file://' + TASK_ROOT],
          [cfg.codeRealDir, TASK_ROOT],
        ]
      : []),
    [cfg.tmpDir, TMP_ROOT],
    [cfg.bootstrapUrl, 'file:///var/runtime/index.mjs'],
  ];
  cfg.hostRoots = [cfg.tmpDir, cfg.codeDir, cfg.codeRealDir, ...(cfg.hostRoots ?? [])].filter(Boolean);
  for (const [k, v] of Object.entries(cfg.lateEnv ?? {})) process.env[k] = v;
  patchConsole();
  patchFs();
  harden();
  try {
    handler = await loadHandler();
    post({ t: 'ready' });
  } catch (e) {
    logLine('ERROR', ['Uncaught Exception', formatted(e)]);
    post({ t: 'init-error', payload: JSON.stringify(errorPayload(e)), errorType: e?.name ?? 'Error' });
  }
}

// The parent went away (closed or crashed): an environment never outlives it.
process.on('disconnect', () => reallyExit(0));

process.on('message', (msg) => {
  if (!msg || typeof msg !== 'object') return;
  if (msg.t === 'init' && !cfg) {
    init(msg.cfg).catch(() => process.exit(1));
  } else if (msg.t === 'invoke' && handler && !current) {
    invoke(msg);
  }
});
