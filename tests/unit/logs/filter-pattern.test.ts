/** CloudWatch Logs filter patterns: terms, phrases, exclusions, optional terms, JSON and space-delimited patterns. */
import { describe, expect, it } from 'vitest';
import { compileFilterPattern, splitFields } from '../../../electron/core/services/logs/filter-pattern';

const matches = (pattern: string, message: string) => compileFilterPattern(pattern)(message);

function error(pattern: string): { code: string; message: string } {
  try {
    compileFilterPattern(pattern);
  } catch (e) {
    return { code: (e as { code: string }).code, message: (e as Error).message };
  }
  throw new Error('expected the pattern to be rejected');
}

describe('term patterns', () => {
  it('matches everything when empty', () => {
    expect(matches('', 'anything')).toBe(true);
    expect(matches('""', 'anything')).toBe(true);
    expect(matches('   ', 'x')).toBe(true);
  });

  it('needs every term, case-sensitively', () => {
    expect(matches('ERROR', '[ERROR] 400 BAD REQUEST')).toBe(true);
    expect(matches('ERROR', 'error: lower case')).toBe(false);
    expect(matches('ERROR Exception', 'ERROR NullPointer Exception')).toBe(true);
    expect(matches('ERROR Exception', 'ERROR timeout')).toBe(false);
  });

  it('matches quoted phrases exactly, with escapes', () => {
    expect(matches('"Failed to process"', 'job 7: Failed to process input')).toBe(true);
    expect(matches('"Failed to process"', 'Failed  to process')).toBe(false);
    expect(matches('"[ERROR]"', '[ERROR] x')).toBe(true);
    expect(matches('"say \\"hi\\""', 'they say "hi"')).toBe(true);
  });

  it('excludes -terms and needs one of the ?terms', () => {
    expect(matches('ERROR -Exiting', 'ERROR timeout')).toBe(true);
    expect(matches('ERROR -Exiting', 'ERROR Exiting now')).toBe(false);
    expect(matches('?ERROR ?WARN', 'WARN disk')).toBe(true);
    expect(matches('?ERROR ?WARN', 'INFO ok')).toBe(false);
    expect(matches('?ERROR ?WARN -disk', 'WARN disk')).toBe(false);
    expect(matches('-"health check"', 'GET /status')).toBe(true);
  });

  it('takes %regular expressions%', () => {
    expect(matches('%ERROR|WARN%', 'a WARN b')).toBe(true);
    expect(matches('%status=5\\d\\d%', 'status=503')).toBe(true);
    expect(matches('%status=5\\d\\d%', 'status=404')).toBe(false);
  });

  it('rejects unquoted terms with other characters, as AWS does', () => {
    expect(error('?Status: timeout')).toEqual({
      code: 'InvalidParameterException',
      message: "Invalid character(s) in term ':'",
    });
    expect(error('retrieved[]').message).toBe("Invalid character(s) in term '[]'");
    expect(error('"unterminated').code).toBe('InvalidParameterException');
  });
});

describe('JSON patterns', () => {
  const event = JSON.stringify({
    level: 'ERROR',
    latency: 250,
    user: { id: 'u-42', admin: false },
    tags: ['a', 'b'],
    deleted: null,
  });

  it('compares strings, with wildcards', () => {
    expect(matches('{ $.level = "ERROR" }', event)).toBe(true);
    expect(matches('{ $.level = "WARN" }', event)).toBe(false);
    expect(matches('{ $.level != "WARN" }', event)).toBe(true);
    expect(matches('{ $.user.id = "u-*" }', event)).toBe(true);
    expect(matches('{ $.level = ERROR }', event)).toBe(true);
  });

  it('compares numbers', () => {
    expect(matches('{ $.latency > 100 }', event)).toBe(true);
    expect(matches('{ $.latency >= 250 }', event)).toBe(true);
    expect(matches('{ $.latency < 250 }', event)).toBe(false);
    expect(matches('{ $.latency = 250 }', event)).toBe(true);
  });

  it('combines with && || and parentheses, reads arrays, IS and NOT EXISTS', () => {
    expect(matches('{ $.level = "ERROR" && $.latency > 1000 }', event)).toBe(false);
    expect(matches('{ $.level = "ERROR" || $.latency > 1000 }', event)).toBe(true);
    expect(matches('{ ($.level = "WARN" || $.level = "ERROR") && $.user.admin IS FALSE }', event)).toBe(true);
    expect(matches('{ $.tags[1] = "b" }', event)).toBe(true);
    expect(matches('{ $.deleted IS NULL }', event)).toBe(true);
    expect(matches('{ $.missing NOT EXISTS }', event)).toBe(true);
    expect(matches('{ $.level NOT EXISTS }', event)).toBe(false);
  });

  it('does not match messages that are not JSON, nor missing fields', () => {
    expect(matches('{ $.level = "ERROR" }', 'ERROR plain text')).toBe(false);
    expect(matches('{ $.nope != "x" }', event)).toBe(false);
  });

  it('rejects malformed patterns', () => {
    expect(error('{ $.level = }').code).toBe('InvalidParameterException');
    expect(error('{ $.level = "x"').code).toBe('InvalidParameterException');
  });
});

describe('space-delimited patterns', () => {
  const line = '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 404 1534';

  it('splits fields, keeping quoted and bracketed groups whole', () => {
    expect(splitFields(line)).toEqual([
      '127.0.0.1',
      '-',
      'frank',
      '10/Oct/2000:13:25:15 -0700',
      'GET /apache_pb.gif HTTP/1.0',
      '404',
      '1534',
    ]);
  });

  it('names fields and tests them', () => {
    expect(matches('[ip, id, user, timestamp, request, status_code = 404, size]', line)).toBe(true);
    expect(matches('[ip, id, user, timestamp, request, status_code = 4*, size > 1000]', line)).toBe(true);
    expect(matches('[ip, id, user, timestamp, request, status_code = 200, size]', line)).toBe(false);
    expect(matches('[ip, ..., status_code = 404 || status_code = 500, size]', line)).toBe(true);
    expect(matches('[ip, user]', line)).toBe(false);
  });
});
