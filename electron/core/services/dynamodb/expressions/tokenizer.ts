/**
 * Splits an expression into tokens. Unknown characters become one-character tokens instead of
 * failing here, so the parser reports them the way DynamoDB does ('token: "!", near: "!!"').
 */
export type TokenType =
  | 'identifier' // attribute name or keyword (AND, SET …): keywords are told apart by the parser
  | 'name' // #placeholder
  | 'value' // :placeholder
  | 'number' // digits, only meaningful inside [ ]
  | 'punct' // ( ) [ ] . , = <> < <= > >= + -
  | 'unknown'
  | 'eof';

export interface Token {
  type: TokenType;
  text: string;
  start: number;
  end: number;
}

const WHITESPACE = /[ \t\r\n]/;
const WORD_START = /[a-zA-Z_]/;
const WORD_PART = /[a-zA-Z0-9_]/;
const TWO_CHAR = new Set(['<>', '<=', '>=']);
const ONE_CHAR = new Set(['(', ')', '[', ']', '.', ',', '=', '<', '>', '+', '-']);

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const readWhile = (pattern: RegExp, from: number): number => {
    let j = from;
    while (j < text.length && pattern.test(text.charAt(j))) j++;
    return j;
  };
  const push = (type: TokenType, start: number, end: number): void => {
    tokens.push({ type, text: text.slice(start, end), start, end });
    i = end;
  };
  while (i < text.length) {
    const c = text.charAt(i);
    if (WHITESPACE.test(c)) {
      i++;
    } else if (WORD_START.test(c)) {
      push('identifier', i, readWhile(WORD_PART, i + 1));
    } else if (c >= '0' && c <= '9') {
      push('number', i, readWhile(/[0-9]/, i + 1));
    } else if (c === '#' || c === ':') {
      const end = readWhile(WORD_PART, i + 1);
      // A lone '#' or ':' is not a placeholder: the parser rejects it as a token of its own.
      push(end > i + 1 ? (c === '#' ? 'name' : 'value') : 'unknown', i, end > i + 1 ? end : i + 1);
    } else if (TWO_CHAR.has(text.slice(i, i + 2))) {
      push('punct', i, i + 2);
    } else if (ONE_CHAR.has(c)) {
      push('punct', i, i + 1);
    } else {
      // One code point, so a surrogate pair stays whole in the message.
      const cp = text.codePointAt(i) ?? 0;
      push('unknown', i, i + (cp > 0xffff ? 2 : 1));
    }
  }
  const last = tokens[tokens.length - 1];
  const end = last ? last.end : 0;
  tokens.push({ type: 'eof', text: '<EOF>', start: end, end });
  return tokens;
}

/**
 * DynamoDB's syntax error: the offending token, and the source from the token before it to the
 * token after it ("near"), e.g. 'token: "-", near: "a-b"' or 'token: "<EOF>", near: "="'.
 */
export function syntaxErrorMessage(text: string, tokens: Token[], index: number): string {
  const bad = tokens[index];
  if (!bad) return 'Syntax error; token: "<EOF>", near: ""';
  const before = tokens[index - 1] ?? bad;
  const after = bad.type === 'eof' ? bad : (tokens[index + 1] ?? bad);
  const near = text.slice(before.start, after.type === 'eof' ? bad.end : after.end);
  return `Syntax error; token: "${bad.text}", near: "${near}"`;
}
