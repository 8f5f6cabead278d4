/**
 * Reading an instance's user data as cloud-init does: base64 from the EC2 record, gunzipped
 * when compressed, then recognised by its first line: a `#!` script, `#cloud-config` YAML,
 * or something this cloud-init does not handle (MIME multipart, #include, #cloud-boothook).
 */
import { gunzipSync } from 'node:zlib';

export type UserData =
  | { kind: 'script'; text: string; interpreter: string }
  | { kind: 'cloud-config'; text: string }
  | { kind: 'unsupported'; text: string; what: string }
  | { kind: 'empty' };

export function decodeUserData(base64: string | undefined): UserData {
  if (!base64) return { kind: 'empty' };
  let bytes: Buffer = Buffer.from(base64, 'base64');
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch {
      return { kind: 'unsupported', text: '', what: 'corrupt gzip data' };
    }
  }
  const text = bytes.toString('utf8');
  if (!text.trim()) return { kind: 'empty' };
  const first = text.split('\n', 1)[0]!.trim();
  if (first.startsWith('#!')) {
    const interpreter = first.slice(2).trim();
    return { kind: 'script', text, interpreter };
  }
  if (/^#cloud-config\b/.test(first)) return { kind: 'cloud-config', text };
  if (/^Content-Type: multipart\/mixed/i.test(first) || /^MIME-Version:/i.test(first))
    return { kind: 'unsupported', text, what: 'MIME multi-part user data' };
  if (first.startsWith('#include')) return { kind: 'unsupported', text, what: '#include user data' };
  if (first.startsWith('#cloud-boothook'))
    return { kind: 'unsupported', text, what: 'cloud-boothook user data' };
  return { kind: 'unsupported', text, what: 'user data without a #! or #cloud-config first line' };
}

/** Shells this lab can run a script with; other interpreters are refused with a log line. */
export function shellInterpreter(interpreter: string): boolean {
  const [prog = '', arg = ''] = interpreter.split(/\s+/);
  const name = prog.endsWith('/env') ? arg : prog.slice(prog.lastIndexOf('/') + 1);
  return ['bash', 'sh', 'dash', 'zsh'].includes(name);
}
