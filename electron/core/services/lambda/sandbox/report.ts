/**
 * The platform's log lines around an invocation, in the texts AWS Lambda writes to CloudWatch Logs
 * (plain-text log format): INIT_START, START, END, REPORT, INIT_REPORT and the timeout line.
 */
import { createHash } from 'node:crypto';

export type LambdaNodeRuntime = 'nodejs20.x' | 'nodejs22.x';

/** The managed runtime version each runtime identifier reports (`nodejs:20.vNN`). */
const RUNTIME_VERSIONS: Record<LambdaNodeRuntime, string> = {
  'nodejs20.x': 'nodejs:20.v73',
  'nodejs22.x': 'nodejs:22.v56',
};

export function runtimeVersion(runtime: LambdaNodeRuntime): string {
  return RUNTIME_VERSIONS[runtime];
}

/** `arn:aws:lambda:REGION::runtime:HASH`, a stable hash per runtime version. */
export function runtimeVersionArn(runtime: LambdaNodeRuntime, region: string): string {
  const hash = createHash('sha256')
    .update(`cloudlab/${runtimeVersion(runtime)}`)
    .digest('hex');
  return `arn:aws:lambda:${region}::runtime:${hash}`;
}

export function initStartLine(runtime: LambdaNodeRuntime, region: string): string {
  return `INIT_START Runtime Version: ${runtimeVersion(runtime)}\tRuntime Version ARN: ${runtimeVersionArn(runtime, region)}\n`;
}

export function startLine(requestId: string, version: string): string {
  return `START RequestId: ${requestId} Version: ${version}\n`;
}

export function endLine(requestId: string): string {
  return `END RequestId: ${requestId}\n`;
}

/** Milliseconds with two decimals, as every duration in these lines. */
export function ms2(value: number): string {
  return value.toFixed(2);
}

export interface ReportFields {
  requestId: string;
  durationMs: number;
  billedDurationMs: number;
  memorySizeMB: number;
  maxMemoryUsedMB: number;
  initDurationMs?: number;
  /** `timeout` or `error` when the platform ended the invocation (timeout, crash, OOM). */
  status?: 'timeout' | 'error';
  errorType?: string;
}

export function reportLine(f: ReportFields): string {
  let line =
    `REPORT RequestId: ${f.requestId}\tDuration: ${ms2(f.durationMs)} ms\tBilled Duration: ${f.billedDurationMs} ms\t` +
    `Memory Size: ${f.memorySizeMB} MB\tMax Memory Used: ${f.maxMemoryUsedMB} MB\t`;
  if (f.initDurationMs !== undefined) line += `Init Duration: ${ms2(f.initDurationMs)} ms\t`;
  if (f.status) line += `Status: ${f.status}\t`;
  if (f.errorType) line += `Error Type: ${f.errorType}\t`;
  return line + '\n';
}

/** After a failed init: `INIT_REPORT Init Duration: 12.34 ms\tPhase: init\tStatus: error\tError Type: X`. */
export function initReportLine(
  initDurationMs: number,
  status: 'error' | 'timeout',
  errorType?: string,
): string {
  let line = `INIT_REPORT Init Duration: ${ms2(initDurationMs)} ms\tPhase: init\tStatus: ${status}\t`;
  if (errorType) line += `Error Type: ${errorType}\t`;
  return line + '\n';
}

/** `Task timed out after 3.00 seconds`: the configured timeout, two decimals. */
export function timedOutText(timeoutMs: number): string {
  return `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`;
}

/** The line Lambda logs for a timed-out invocation: `<ISO time>\t<requestId>\tTask timed out after …`. */
export function timedOutLine(timestamp: number, requestId: string, timeoutMs: number): string {
  return `${new Date(timestamp).toISOString()}\t${requestId}\t${timedOutText(timeoutMs)}\n`;
}

/** Duration rules: Duration to two decimals; Billed Duration rounded up to 1 ms, init included
 *  (Lambda bills the INIT phase of on-demand ZIP functions on managed runtimes since 1 Aug 2025). */
export function billedDuration(durationMs: number, initDurationMs?: number): number {
  return Math.max(1, Math.ceil(Math.round((durationMs + (initDurationMs ?? 0)) * 100) / 100));
}
