/** The error payloads (Invoke's response body with X-Amz-Function-Error) the platform produces
 *  when the runtime cannot answer for itself: timeout, exit, out of memory, oversized response. */
import { timedOutText } from './report';

export interface LambdaErrorPayload {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

/** Lambda's limit on a synchronous (RequestResponse) response: 6 MB. */
export const MAX_SYNC_RESPONSE_BYTES = 6 * 1024 * 1024;

export function timeoutPayload(requestId: string, timeoutMs: number): LambdaErrorPayload {
  return {
    errorType: 'Sandbox.Timedout',
    errorMessage: `RequestId: ${requestId} Error: ${timedOutText(timeoutMs)}`,
  };
}

/** Go's ProcessState wording, which Lambda's platform uses: `exit status 3`, `signal: killed`. */
export function exitReason(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `signal: ${SIGNAL_TEXT[signal] ?? signal.toLowerCase()}`;
  return `exit status ${code ?? 0}`;
}

const SIGNAL_TEXT: Partial<Record<NodeJS.Signals, string>> = {
  SIGKILL: 'killed',
  SIGABRT: 'aborted (core dumped)',
  SIGSEGV: 'segmentation fault (core dumped)',
  SIGTERM: 'terminated',
  SIGINT: 'interrupt',
  SIGBUS: 'bus error (core dumped)',
  SIGILL: 'illegal instruction (core dumped)',
  SIGFPE: 'floating point exception (core dumped)',
};

export function exitMessage(requestId: string, code: number | null, signal: NodeJS.Signals | null): string {
  if (!signal && code === 0)
    return `RequestId: ${requestId} Error: Runtime exited without providing a reason`;
  return `RequestId: ${requestId} Error: Runtime exited with error: ${exitReason(code, signal)}`;
}

export function exitPayload(
  requestId: string,
  code: number | null,
  signal: NodeJS.Signals | null,
): LambdaErrorPayload {
  return { errorType: 'Runtime.ExitError', errorMessage: exitMessage(requestId, code, signal) };
}

export function outOfMemoryPayload(requestId: string): LambdaErrorPayload {
  return {
    errorType: 'Runtime.OutOfMemory',
    errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: signal: killed`,
  };
}

export function responseTooLargePayload(): LambdaErrorPayload {
  return {
    errorType: 'Function.ResponseSizeTooLarge',
    errorMessage: 'Response payload size exceeded maximum allowed payload size (6291556 bytes).',
  };
}
