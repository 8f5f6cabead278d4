/**
 * Small helpers every OS command uses: results, shell quoting, reading stdin.
 */
import type { ExecResult } from 'just-bash';

export function ok(stdout: string, stderr = ''): ExecResult {
  return { stdout, stderr, exitCode: 0 };
}

export function fail(stderr: string, exitCode = 1, stdout = ''): ExecResult {
  return { stdout, stderr, exitCode };
}

/** Quote words so the shell reads them back as the same arguments. */
export function quoteArgs(args: string[]): string {
  return args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** A command's standard input as text. */
export function stdinText(stdin: unknown): string {
  if (typeof stdin === 'string') return stdin;
  if (stdin instanceof Uint8Array) return new TextDecoder().decode(stdin);
  return '';
}
