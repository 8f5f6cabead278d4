/** Bucket policy checks the console makes before sending: JSON syntax with its place, and the shape. */
/** Where the problem is ("Line 3, column 5: …") and what it is. */
export function problemText(p: PolicyProblem): string {
  return p.line ? `Line ${p.line}, column ${p.column}: ${p.message}` : p.message;
}

export interface PolicyProblem {
  message: string;
  line?: number;
  column?: number;
}

function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

export function checkPolicy(text: string): PolicyProblem | null {
  if (!text.trim()) return { message: 'The policy is empty. Enter a policy in JSON, or choose Cancel.' };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const raw = (e as Error).message;
    const at = /position (\d+)/.exec(raw);
    const lc = /line (\d+) column (\d+)/.exec(raw);
    // "Expected ',' or '}' after property value in JSON at position 63 (line 1 column 64)" → the reason alone.
    const reason = raw
      .replace(/\s*\(line \d+ column \d+\)/, '')
      .replace(/ in JSON at position \d+/, '')
      .replace(/^JSON\.parse: /, '');
    const message = `Invalid JSON: ${reason}`;
    if (lc) return { message, line: Number(lc[1]), column: Number(lc[2]) };
    if (at) return { message, ...position(text, Number(at[1])) };
    return { message };
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    return { message: 'A policy is a JSON object with a Statement.' };
  const policy = doc as Record<string, unknown>;
  if (policy.Version !== undefined && policy.Version !== '2012-10-17' && policy.Version !== '2008-10-17')
    return { message: 'Version must be "2012-10-17" (or the older "2008-10-17").' };
  const statements = Array.isArray(policy.Statement)
    ? policy.Statement
    : policy.Statement
      ? [policy.Statement]
      : [];
  if (statements.length === 0) return { message: 'Missing required field Statement.' };
  for (const [i, s] of statements.entries()) {
    const st = s as Record<string, unknown>;
    const n = i + 1;
    if (!st || typeof st !== 'object') return { message: `Statement ${n} is not an object.` };
    if (st.Effect !== 'Allow' && st.Effect !== 'Deny')
      return { message: `Statement ${n}: Effect must be "Allow" or "Deny".` };
    if (!st.Action && !st.NotAction) return { message: `Statement ${n}: Missing required field Action.` };
    if (!st.Resource && !st.NotResource)
      return { message: `Statement ${n}: Missing required field Resource.` };
    if (!st.Principal && !st.NotPrincipal)
      return { message: `Statement ${n}: Missing required field Principal.` };
  }
  return null;
}

/** A policy that lets anyone read the bucket's objects: what a public website needs. */
export function publicReadPolicy(bucket: string): string {
  return JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'PublicReadGetObject',
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:GetObject',
          Resource: `arn:aws:s3:::${bucket}/*`,
        },
      ],
    },
    null,
    2,
  );
}
