/**
 * One Lambda execution environment: a child process running `resources/lambda-runtime/bootstrap.mjs`
 * under Node's permission model, which loads the function's handler once and then answers
 * invocations one at a time over the IPC channel. The parent enforces the timeout and the memory
 * limit (SIGKILL), writes the platform's log lines and survives whatever the function does.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, rm } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  type LambdaErrorPayload,
  MAX_SYNC_RESPONSE_BYTES,
  exitMessage,
  exitPayload,
  outOfMemoryPayload,
  responseTooLargePayload,
  timeoutPayload,
} from './errors';
import { moduleReadDirs } from './modules';
import { runtimeFlags } from './permission-flags';
import {
  billedDuration,
  endLine,
  initReportLine,
  initStartLine,
  reportLine,
  startLine,
  timedOutLine,
  type LambdaNodeRuntime,
} from './report';

export interface EnvironmentSpec {
  functionName: string;
  functionVersion: string;
  runtime: LambdaNodeRuntime;
  handler: string;
  codeDir: string;
  tmpDir: string;
  memoryMB: number;
  timeoutMs: number;
  environment: Record<string, string>;
  logGroupName: string;
  logStreamName: string;
  simNow: () => number;
  executable?: string;
  /** The runtime entry; default `resources/lambda-runtime/bootstrap.mjs` found from this module. */
  bootstrap?: string;
}

export interface SandboxInvokeRequest {
  requestId: string;
  payload: string;
  invokedFunctionArn: string;
  clientContext?: string;
  /** Real epoch ms; defaults to the handler's start + timeoutMs. */
  deadlineMs?: number;
}

export interface LogLine {
  timestamp: number;
  message: string;
}

export interface SandboxInvokeResult {
  outcome: 'success' | 'error' | 'timeout' | 'exit' | 'oom' | 'init-error';
  payload: string;
  functionError?: 'Unhandled';
  logLines: LogLine[];
  durationMs: number;
  billedDurationMs: number;
  maxMemoryUsedMB: number;
  initDurationMs?: number;
  environmentLost: boolean;
  /** The environment's log stream (each environment writes its own). */
  logStreamName: string;
}

/**
 * Epoch milliseconds with sub-millisecond precision: two warm invocations can end within the same
 * millisecond, and the pool's least-recently-used choice must still tell them apart.
 */
function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

/** Lambda gives the INIT phase 10 seconds. */
const INIT_LIMIT_MS = 10_000;
const RSS_POLL_MS = 20;
/** Log output kept per invocation (CloudWatch would accept more, the app should not hold it). */
const MAX_LOG_BYTES = 8 * 1024 * 1024;
const MAX_LINE = 256 * 1024;

let defaultBootstrap: string | undefined;

/** Finds resources/lambda-runtime/bootstrap.mjs above this module (source, out/ build, package). */
export function bootstrapPath(): string {
  if (defaultBootstrap) return defaultBootstrap;
  const rel = join('resources', 'lambda-runtime', 'bootstrap.mjs');
  const starts: string[] = [];
  try {
    starts.push(dirname(fileURLToPath(import.meta.url)));
  } catch {
    // not a file: URL (bundled differently)
  }
  const resourcesPath = (process as { resourcesPath?: string }).resourcesPath;
  if (resourcesPath) starts.push(resourcesPath);
  starts.push(process.cwd());
  for (const start of starts) {
    let dir = start;
    for (;;) {
      const candidate = join(dir, rel);
      if (existsSync(candidate)) return (defaultBootstrap = candidate);
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  throw new Error(`Cannot find ${rel}`);
}

interface ChildMessage {
  t: string;
  m?: string;
  ts?: number;
  id?: string | null;
  ok?: boolean;
  payload?: string;
  mem?: number;
  tooLarge?: number;
  errorType?: string;
  kind?: string;
}

type Settle =
  | { kind: 'result'; ok: boolean; payload: string; mem?: number; tooLarge?: boolean }
  | { kind: 'fatal'; payload: string }
  | { kind: 'exit' }
  | { kind: 'timeout' }
  | { kind: 'oom' };

interface Running {
  requestId: string;
  settle: (s: Settle) => void;
}

function errorTypeOf(payload: string): string | undefined {
  try {
    const v = JSON.parse(payload) as { errorType?: unknown };
    return typeof v.errorType === 'string' ? v.errorType : undefined;
  } catch {
    return undefined;
  }
}

/** The variables Lambda sets; the caller's `environment` wins for AWS_REGION, credentials, etc. */
function childEnvironment(spec: EnvironmentSpec): {
  env: Record<string, string>;
  lateEnv: Record<string, string>;
} {
  const lambda: Record<string, string> = {
    AWS_LAMBDA_FUNCTION_NAME: spec.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: spec.functionVersion,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMB),
    AWS_LAMBDA_LOG_GROUP_NAME: spec.logGroupName,
    AWS_LAMBDA_LOG_STREAM_NAME: spec.logStreamName,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001',
    AWS_EXECUTION_ENV: `AWS_Lambda_${spec.runtime}`,
    LAMBDA_TASK_ROOT: '/var/task',
    LAMBDA_RUNTIME_DIR: '/var/runtime',
    _HANDLER: spec.handler,
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    PATH: '/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin',
    LD_LIBRARY_PATH:
      '/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib',
  };
  const merged: Record<string, string> = { ...lambda, ...spec.environment };
  if (merged.AWS_REGION && !merged.AWS_DEFAULT_REGION) merged.AWS_DEFAULT_REGION = merged.AWS_REGION;
  // Variables Node itself would act on at start-up are set by the bootstrap afterwards instead.
  const lateEnv: Record<string, string> = {};
  const major = spec.runtime === 'nodejs22.x' ? '22' : '20';
  lateEnv.NODE_PATH = `/opt/nodejs/node${major}/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task`;
  for (const key of Object.keys(merged)) {
    if (key.startsWith('NODE_') || key === 'UV_THREADPOOL_SIZE' || key === 'TZ') {
      lateEnv[key] = merged[key] ?? '';
      if (key !== 'TZ' && key !== 'UV_THREADPOOL_SIZE') delete merged[key];
    }
  }
  // ':UTC' is the glibc spelling; Node on other systems reads plain 'UTC'.
  merged.TZ = 'UTC';
  if (process.versions.electron) merged.ELECTRON_RUN_AS_NODE = '1';
  if (process.platform === 'win32' && process.env.SystemRoot) merged.SystemRoot = process.env.SystemRoot;
  return { env: merged, lateEnv };
}

function readRssMB(pid: number): number | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const m = /VmRSS:\s+(\d+) kB/.exec(status);
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

function realpathOr(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

export class ExecutionEnvironment {
  lastUsed = preciseNow();

  private readonly child: ChildProcess;
  private readonly spawnedAt = performance.now();
  private readonly region: string;
  private initState: 'pending' | 'ready' | 'error' = 'pending';
  private initDurationMs?: number;
  private initError?: { payload: string; errorType: string };
  private initWaiters: (() => void)[] = [];
  private initReported = false;
  private pendingLogs: LogLine[] = [];
  private logBytes = 0;
  private running?: Running;
  private isBusy = false;
  private exited = false;
  private killed = false;
  private exitCode: number | null = null;
  private exitSignal: NodeJS.Signals | null = null;
  private peakRssMB = 0;
  private stderrTail = '';
  private readonly exitWaiters: (() => void)[] = [];
  private rssTimer?: ReturnType<typeof setInterval>;
  private oomKilled = false;

  private constructor(private readonly spec: EnvironmentSpec) {
    this.region = spec.environment.AWS_REGION ?? 'us-east-1';
    mkdirSync(spec.tmpDir, { recursive: true });
    const bootstrap = resolve(spec.bootstrap ?? bootstrapPath());
    const codeDir = resolve(spec.codeDir);
    const tmpDir = resolve(spec.tmpDir);
    const { env, lateEnv } = childEnvironment(spec);
    const readDirs = [dirname(bootstrap), codeDir, ...moduleReadDirs(codeDir), tmpDir];
    const flags = runtimeFlags({
      readDirs,
      writeDirs: [tmpDir],
      memoryMB: spec.memoryMB,
    });
    this.pushLog(spec.simNow(), initStartLine(spec.runtime, this.region));
    this.child = spawn(spec.executable ?? process.execPath, [...flags, bootstrap], {
      cwd: codeDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
      windowsHide: true,
    });
    this.child.on('error', () => this.onExit(null, null));
    this.child.on('exit', (code, signal) => this.onExit(code, signal));
    this.child.on('message', (msg: unknown) => this.onMessage(msg));
    this.child.stdout?.setEncoding('utf8');
    this.child.stderr?.setEncoding('utf8');
    this.child.stdout?.on('data', (chunk: string) => this.onRaw(chunk, false));
    this.child.stderr?.on('data', (chunk: string) => this.onRaw(chunk, true));
    this.child.channel?.unref?.();
    const now = spec.simNow();
    this.post({
      t: 'init',
      cfg: {
        functionName: spec.functionName,
        functionVersion: spec.functionVersion,
        handler: spec.handler,
        codeDir,
        codeRealDir: realpathOr(codeDir),
        tmpDir,
        hostRoots: [...readDirs, ...readDirs.map(realpathOr)],
        bootstrapUrl: pathToFileURL(bootstrap).href,
        memoryMB: spec.memoryMB,
        logGroupName: spec.logGroupName,
        logStreamName: spec.logStreamName,
        simNow: now,
        realNow: Date.now(),
        lateEnv,
      },
    });
    this.startRssPolling();
  }

  /** Spawns the process; the function's init runs in it right away. */
  static start(spec: EnvironmentSpec): ExecutionEnvironment {
    return new ExecutionEnvironment(spec);
  }

  get alive(): boolean {
    return !this.exited && !this.killed && this.initState !== 'error';
  }

  get busy(): boolean {
    return this.isBusy;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Resolves once the process has exited. */
  whenExited(): Promise<void> {
    if (this.exited) return Promise.resolve();
    return new Promise((r) => this.exitWaiters.push(r));
  }

  kill(): void {
    if (this.exited) return;
    this.killed = true;
    try {
      this.child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }

  async invoke(req: SandboxInvokeRequest): Promise<SandboxInvokeResult> {
    if (this.isBusy) throw new Error('The execution environment is already running an invocation');
    this.isBusy = true;
    try {
      return await this.run(req);
    } finally {
      this.isBusy = false;
      this.lastUsed = preciseNow();
    }
  }

  // --- one invocation ----------------------------------------------------------------------------

  private async run(req: SandboxInvokeRequest): Promise<SandboxInvokeResult> {
    const spec = this.spec;
    const cold = !this.initReported;
    this.initReported = true;
    this.logBytes = 0;
    // Logs since the last invocation (INIT_START and init output when cold) open this one's.
    const collect = this.pendingLogs;
    this.startRssPolling();

    if (this.initState === 'pending' && !this.exited) await this.waitInit();
    const initDurationMs = cold ? (this.initDurationMs ?? performance.now() - this.spawnedAt) : undefined;

    // Init failed (or the process died / hung during init): every invoke of this environment fails.
    if (this.initState !== 'ready') return this.finishInitFailure(req, collect, initDurationMs, cold);

    this.pushLog(spec.simNow(), startLine(req.requestId, spec.functionVersion));
    // The process died while idle (a timer left running crashed it, or it was killed).
    if (this.exited || this.killed) {
      const kind = this.oomKilled || this.heapExhausted() ? 'oom' : 'exit';
      return this.finish(req, { kind }, collect, 0, initDurationMs);
    }
    const started = performance.now();
    const realStart = Date.now();
    const deadline = req.deadlineMs ?? realStart + spec.timeoutMs;
    const settled = await new Promise<Settle>((settle) => {
      const timer = setTimeout(() => settle({ kind: 'timeout' }), Math.max(0, deadline - Date.now()));
      this.running = {
        requestId: req.requestId,
        settle: (s) => {
          clearTimeout(timer);
          this.running = undefined;
          settle(s);
        },
      };
      const sent = this.post({
        t: 'invoke',
        id: req.requestId,
        event: req.payload,
        arn: req.invokedFunctionArn,
        clientContext: req.clientContext,
        deadline,
        simNow: spec.simNow(),
        realNow: Date.now(),
      });
      if (!sent) this.running?.settle({ kind: 'exit' });
    });
    const durationMs = Math.round((performance.now() - started) * 100) / 100;
    return this.finish(req, settled, collect, durationMs, initDurationMs);
  }

  private finish(
    req: SandboxInvokeRequest,
    s: Settle,
    logs: LogLine[],
    durationMs: number,
    initDurationMs: number | undefined,
  ): SandboxInvokeResult {
    const spec = this.spec;
    const rid = req.requestId;
    let outcome: SandboxInvokeResult['outcome'];
    let payload: string;
    let status: 'timeout' | 'error' | undefined;
    let errorType: string | undefined;
    let lost = false;

    if (s.kind === 'result') {
      if (s.tooLarge) {
        outcome = 'error';
        payload = JSON.stringify(responseTooLargePayload());
      } else if (s.ok && Buffer.byteLength(s.payload) > MAX_SYNC_RESPONSE_BYTES) {
        outcome = 'error';
        payload = JSON.stringify(responseTooLargePayload());
      } else {
        outcome = s.ok ? 'success' : 'error';
        payload = s.payload;
      }
      if (s.mem) this.peakRssMB = Math.max(this.peakRssMB, s.mem);
    } else if (s.kind === 'fatal') {
      // Uncaught exception / unhandled rejection: the runtime reports it and exits.
      outcome = 'error';
      payload = s.payload;
      status = 'error';
      errorType = errorTypeOf(s.payload);
      lost = true;
      this.kill();
    } else if (s.kind === 'timeout') {
      this.kill();
      outcome = 'timeout';
      payload = JSON.stringify(timeoutPayload(rid, spec.timeoutMs));
      this.pushLog(spec.simNow(), timedOutLine(spec.simNow(), rid, spec.timeoutMs));
      status = 'timeout';
      lost = true;
    } else if (s.kind === 'oom' || this.oomKilled || this.heapExhausted()) {
      outcome = 'oom';
      const p = outOfMemoryPayload(rid);
      payload = JSON.stringify(p);
      this.pushLog(spec.simNow(), `${p.errorMessage}\n${p.errorType}\n`);
      status = 'error';
      errorType = p.errorType;
      this.peakRssMB = Math.max(this.peakRssMB, spec.memoryMB);
      lost = true;
      this.kill();
    } else {
      outcome = 'exit';
      const p: LambdaErrorPayload = exitPayload(rid, this.exitCode, this.exitSignal);
      payload = JSON.stringify(p);
      this.pushLog(spec.simNow(), `${exitMessage(rid, this.exitCode, this.exitSignal)}\n${p.errorType}\n`);
      status = 'error';
      errorType = p.errorType;
      lost = true;
    }
    if (outcome === 'timeout') durationMs = Math.max(durationMs, spec.timeoutMs);
    return this.close(
      rid,
      logs,
      outcome,
      payload,
      durationMs,
      initDurationMs,
      lost || !this.alive,
      status,
      errorType,
    );
  }

  private finishInitFailure(
    req: SandboxInvokeRequest,
    logs: LogLine[],
    initDurationMs: number | undefined,
    cold: boolean,
  ): SandboxInvokeResult {
    const spec = this.spec;
    const rid = req.requestId;
    let payload: string;
    let errorType: string;
    let status: 'error' | 'timeout' = 'error';
    let outcome: SandboxInvokeResult['outcome'] = 'init-error';
    if (this.initError) {
      payload = this.initError.payload;
      errorType = this.initError.errorType;
    } else if (this.initState === 'pending' && !this.exited) {
      // INIT did not finish within its 10 s.
      status = 'timeout';
      errorType = 'Sandbox.Timedout';
      payload = JSON.stringify(timeoutPayload(rid, INIT_LIMIT_MS));
      outcome = 'timeout';
    } else if (this.oomKilled || this.heapExhausted()) {
      const p = outOfMemoryPayload(rid);
      payload = JSON.stringify(p);
      errorType = p.errorType;
      outcome = 'oom';
    } else {
      const p = exitPayload(rid, this.exitCode, this.exitSignal);
      payload = JSON.stringify(p);
      errorType = p.errorType;
      this.pushLog(spec.simNow(), `${exitMessage(rid, this.exitCode, this.exitSignal)}\n${p.errorType}\n`);
    }
    this.kill();
    if (cold) this.pushLog(spec.simNow(), initReportLine(initDurationMs ?? 0, status, errorType));
    this.pushLog(spec.simNow(), startLine(rid, spec.functionVersion));
    return this.close(rid, logs, outcome, payload, 0, initDurationMs, true, status, errorType);
  }

  private close(
    requestId: string,
    logs: LogLine[],
    outcome: SandboxInvokeResult['outcome'],
    payload: string,
    durationMs: number,
    initDurationMs: number | undefined,
    lost: boolean,
    status?: 'timeout' | 'error',
    errorType?: string,
  ): SandboxInvokeResult {
    const spec = this.spec;
    this.sampleRss();
    const billed = billedDuration(durationMs, initDurationMs);
    const maxMemoryUsedMB = Math.min(spec.memoryMB, Math.max(1, Math.ceil(this.peakRssMB)));
    const now = spec.simNow();
    this.pushLog(now, endLine(requestId));
    this.pushLog(
      now,
      reportLine({
        requestId,
        durationMs,
        billedDurationMs: billed,
        memorySizeMB: spec.memoryMB,
        maxMemoryUsedMB,
        initDurationMs: initDurationMs === undefined ? undefined : Math.round(initDurationMs * 100) / 100,
        status,
        errorType,
      }),
    );
    // Anything logged after this (timers left running) belongs to the next invocation.
    this.pendingLogs = [];
    if (!lost) this.stopRssPolling();
    const result: SandboxInvokeResult = {
      outcome,
      payload,
      logLines: logs,
      durationMs,
      billedDurationMs: billed,
      maxMemoryUsedMB,
      environmentLost: lost,
      logStreamName: spec.logStreamName,
    };
    if (outcome !== 'success') result.functionError = 'Unhandled';
    if (initDurationMs !== undefined) result.initDurationMs = Math.round(initDurationMs * 100) / 100;
    return result;
  }

  private waitInit(): Promise<void> {
    return new Promise((done) => {
      const timer = setTimeout(finish, Math.max(0, INIT_LIMIT_MS - (performance.now() - this.spawnedAt)));
      const waiter = (): void => finish();
      function finish(): void {
        clearTimeout(timer);
        done();
      }
      this.initWaiters.push(waiter);
    });
  }

  // --- the child's messages and output ------------------------------------------------------------

  private post(msg: object): boolean {
    if (this.exited || !this.child.connected) return false;
    try {
      this.child.send(msg, (err) => {
        if (err && this.running) this.running.settle({ kind: 'exit' });
      });
      return true;
    } catch {
      return false;
    }
  }

  private onMessage(raw: unknown): void {
    if (!raw || typeof raw !== 'object') return;
    const msg = raw as ChildMessage;
    switch (msg.t) {
      case 'log':
        if (typeof msg.m === 'string') {
          this.pushLog(
            typeof msg.ts === 'number' && Number.isFinite(msg.ts) ? msg.ts : this.spec.simNow(),
            msg.m,
          );
        }
        return;
      case 'ready':
        if (this.initState !== 'pending') return;
        this.initState = 'ready';
        this.initDurationMs = performance.now() - this.spawnedAt;
        this.releaseInit();
        if (!this.running && !this.isBusy) this.stopRssPolling();
        return;
      case 'init-error':
        if (this.initState !== 'pending') return;
        this.initState = 'error';
        this.initDurationMs = performance.now() - this.spawnedAt;
        this.initError = {
          payload: typeof msg.payload === 'string' ? msg.payload : '{}',
          errorType: typeof msg.errorType === 'string' ? msg.errorType : 'Runtime.Unknown',
        };
        this.releaseInit();
        return;
      case 'result':
        if (this.running && msg.id === this.running.requestId) {
          this.running.settle({
            kind: 'result',
            ok: msg.ok === true,
            payload: typeof msg.payload === 'string' ? msg.payload : 'null',
            mem: typeof msg.mem === 'number' ? msg.mem : undefined,
            tooLarge: typeof msg.tooLarge === 'number',
          });
        }
        return;
      case 'fatal':
        if (typeof msg.payload !== 'string') return;
        if (this.running) {
          this.running.settle({ kind: 'fatal', payload: msg.payload });
        } else if (this.initState === 'pending') {
          this.initState = 'error';
          this.initDurationMs = performance.now() - this.spawnedAt;
          this.initError = { payload: msg.payload, errorType: errorTypeOf(msg.payload) ?? 'Runtime.Unknown' };
          this.releaseInit();
        }
        // Between invocations: the process exits; the next invoke cold-starts elsewhere.
        this.kill();
        return;
      default:
        return;
    }
  }

  private onRaw(chunk: string, isStderr: boolean): void {
    if (isStderr) this.stderrTail = (this.stderrTail + chunk).slice(-16 * 1024);
    const ts = this.spec.simNow();
    for (const line of chunk.split(/(?<=\n)/)) {
      if (line) this.pushLog(ts, line.endsWith('\n') ? line : line + '\n');
    }
  }

  private pushLog(timestamp: number, message: string): void {
    if (this.logBytes > MAX_LOG_BYTES) return;
    if (message.length > MAX_LINE) message = message.slice(0, MAX_LINE) + '\n';
    this.logBytes += message.length;
    if (this.logBytes > MAX_LOG_BYTES) message = 'Log output truncated: more than 8 MB in one invocation\n';
    this.pendingLogs.push({ timestamp, message });
  }

  private releaseInit(): void {
    const waiters = this.initWaiters;
    this.initWaiters = [];
    for (const w of waiters) w();
  }

  private heapExhausted(): boolean {
    return /heap out of memory|Reached heap limit|Allocation failed/.test(this.stderrTail);
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.exited) return;
    this.exited = true;
    this.exitCode = code;
    this.exitSignal = signal;
    this.stopRssPolling();
    this.releaseInit();
    if (this.running)
      this.running.settle(this.oomKilled || this.heapExhausted() ? { kind: 'oom' } : { kind: 'exit' });
    rm(this.spec.tmpDir, { recursive: true, force: true, maxRetries: 2 }, () => undefined);
    for (const w of this.exitWaiters.splice(0)) w();
  }

  // --- memory ----------------------------------------------------------------------------------

  private startRssPolling(): void {
    if (this.rssTimer || this.exited || process.platform !== 'linux') return;
    this.rssTimer = setInterval(() => this.sampleRss(), RSS_POLL_MS);
    this.rssTimer.unref?.();
  }

  private stopRssPolling(): void {
    if (this.rssTimer) clearInterval(this.rssTimer);
    this.rssTimer = undefined;
  }

  private sampleRss(): void {
    const pid = this.child.pid;
    if (pid === undefined || this.exited) return;
    const rss = readRssMB(pid);
    if (rss === undefined) return;
    this.peakRssMB = Math.max(this.peakRssMB, rss);
    if (rss > this.spec.memoryMB && !this.oomKilled) {
      this.oomKilled = true;
      this.kill();
    }
  }
}
