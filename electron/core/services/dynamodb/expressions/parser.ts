/**
 * Recursive-descent parsers for the three grammars (condition, update, projection). Like the
 * PEG grammar DynamoDB's behaviour was charted with, alternatives backtrack and a failure is
 * reported at the farthest token any alternative reached. Semantic checks happen afterwards
 * (see checks.ts), so a syntax error always wins over them, as it does in DynamoDB.
 */
import type { Comparator, RawStep, RawTerm, RawPath, RawUpdateAction, RawValue, SectionName } from './ast';
import { invalidExpression, type ExpressionKind } from './errors';
import { syntaxErrorMessage, tokenize, type Token } from './tokenizer';

/** Thrown inside the parser only; `farthest` says where to point the user. */
class ParseFail {
  constructor(readonly index: number) {}
}

const COMPARATORS = new Set(['=', '<>', '<', '<=', '>', '>=']);
const CONDITION_KEYWORDS = new Set(['BETWEEN', 'IN', 'AND', 'OR', 'NOT']);
const UPDATE_KEYWORDS = new Set(['SET', 'REMOVE', 'ADD', 'DELETE']);

export interface ParseFlags {
  /** "((a = :v))": DynamoDB refuses doubled parentheses, after checking the syntax. */
  redundantParens: boolean;
}

class Parser {
  private pos = 0;
  private farthest = 0;
  readonly tokens: Token[];
  readonly flags: ParseFlags = { redundantParens: false };

  constructor(
    readonly text: string,
    readonly kind: ExpressionKind,
    private readonly keywords: Set<string>,
  ) {
    this.tokens = tokenize(text);
  }

  // ---- token helpers ----

  private peek(offset = 0): Token {
    const index = Math.min(this.pos + offset, this.tokens.length - 1);
    return this.tokens[index] as Token;
  }

  private fail(index = this.pos): never {
    if (index > this.farthest) this.farthest = index;
    throw new ParseFail(index);
  }

  private isPunct(text: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token.type === 'punct' && token.text === text;
  }

  private expectPunct(text: string): void {
    if (!this.isPunct(text)) this.fail();
    this.pos++;
  }

  isKeyword(word: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token.type === 'identifier' && token.text.toUpperCase() === word;
  }

  private isPlainIdentifier(offset = 0): boolean {
    const token = this.peek(offset);
    return token.type === 'identifier' && !this.keywords.has(token.text.toUpperCase());
  }

  /** Runs the whole parse and turns a failure into DynamoDB's syntax error. */
  run<T>(parse: () => T): T {
    try {
      const result = parse();
      if (this.peek().type !== 'eof') this.fail();
      return result;
    } catch (e) {
      if (!(e instanceof ParseFail)) throw e;
      throw invalidExpression(
        this.kind,
        syntaxErrorMessage(this.text, this.tokens, Math.max(this.farthest, e.index)),
      );
    }
  }

  /** Tries an alternative; on failure rewinds and returns undefined. */
  private attempt<T>(parse: () => T): T | undefined {
    const start = this.pos;
    try {
      return parse();
    } catch (e) {
      if (!(e instanceof ParseFail)) throw e;
      this.pos = start;
      return undefined;
    }
  }

  // ---- shared pieces: paths, placeholders, operands ----

  path(): RawPath {
    const steps: RawStep[] = [this.pathHead()];
    for (;;) {
      if (this.isPunct('.')) {
        this.pos++;
        steps.push(this.pathHead());
      } else if (this.isPunct('[')) {
        this.pos++;
        const token = this.peek();
        if (token.type !== 'number') this.fail();
        this.pos++;
        this.expectPunct(']');
        steps.push({ kind: 'index', index: Number(token.text) });
      } else {
        return { t: 'path', steps, parens: 0 };
      }
    }
  }

  private pathHead(): RawStep {
    const token = this.peek();
    if (token.type === 'name') {
      this.pos++;
      return { kind: 'name', text: token.text };
    }
    if (!this.isPlainIdentifier()) this.fail();
    this.pos++;
    return { kind: 'ident', text: token.text };
  }

  value(): RawValue {
    const token = this.peek();
    if (token.type !== 'value') this.fail();
    this.pos++;
    return { t: 'value', name: token.text, parens: 0 };
  }

  /** Function | :value | path. A function is any plain word followed by "(". */
  private operand(): RawTerm {
    if (this.isPlainIdentifier() && this.isPunct('(', 1)) {
      const name = this.peek().text;
      this.pos += 2;
      const args = this.operandList();
      this.expectPunct(')');
      return { t: 'fn', name, args, parens: 0 };
    }
    if (this.peek().type === 'value') return this.value();
    return this.path();
  }

  /** An operand, optionally in parentheses ("((a))" parses but is flagged as redundant). */
  private operandParens(): RawTerm {
    if (!this.isPunct('(')) return this.operand();
    this.pos++;
    let term: RawTerm;
    if (this.isPunct('(')) {
      this.pos++;
      term = this.operand();
      this.expectPunct(')');
      this.flags.redundantParens = true;
      term.parens++;
    } else {
      term = this.operand();
    }
    this.expectPunct(')');
    term.parens++;
    return term;
  }

  private operandList(): RawTerm[] {
    const list = [this.operandParens()];
    while (this.isPunct(',')) {
      this.pos++;
      list.push(this.operandParens());
    }
    return list;
  }

  // ---- condition grammar: OR < AND < NOT < comparisons, functions and parentheses ----

  or(): RawTerm {
    const left = this.and();
    if (!this.isKeyword('OR')) return left;
    this.pos++;
    return { t: 'or', args: [left, this.or()], parens: 0 };
  }

  private and(): RawTerm {
    const left = this.not();
    if (!this.isKeyword('AND')) return left;
    this.pos++;
    return { t: 'and', args: [left, this.and()], parens: 0 };
  }

  private not(): RawTerm {
    if (!this.isKeyword('NOT')) return this.primary();
    this.pos++;
    return { t: 'not', args: [this.primary()], parens: 0 };
  }

  private primary(): RawTerm {
    const start = this.pos;
    const simple = this.attempt(() => this.simpleCondition());
    if (simple) return simple;
    this.pos = start;
    if (!this.isPunct('(')) this.fail(this.farthest);
    this.pos++;
    const inner = this.or();
    this.expectPunct(')');
    if (inner.parens > 0) this.flags.redundantParens = true;
    inner.parens++;
    return inner;
  }

  /** comparison | BETWEEN | IN | a function used as a condition. */
  private simpleCondition(): RawTerm {
    const left = this.operandParens();
    const token = this.peek();
    if (token.type === 'punct' && COMPARATORS.has(token.text)) {
      this.pos++;
      const op = token.text as Comparator;
      return { t: 'compare', op, args: [left, this.operandParens()], parens: 0 };
    }
    if (this.isKeyword('BETWEEN')) {
      this.pos++;
      const low = this.operandParens();
      if (!this.isKeyword('AND')) this.fail();
      this.pos++;
      return { t: 'between', args: [left, low, this.operandParens()], parens: 0 };
    }
    if (this.isKeyword('IN')) {
      this.pos++;
      this.expectPunct('(');
      const list = this.operandList();
      this.expectPunct(')');
      return { t: 'in', args: [left, ...list], parens: 0 };
    }
    if (left.t !== 'fn') this.fail();
    return left;
  }

  // ---- update grammar ----

  updateSections(): RawUpdateAction[] {
    const actions: RawUpdateAction[] = [];
    do {
      const token = this.peek();
      const section = token.text.toUpperCase() as SectionName;
      if (token.type !== 'identifier' || !UPDATE_KEYWORDS.has(section)) this.fail();
      this.pos++;
      actions.push({ ...this.updateAction(section), opensSection: true });
      while (this.isPunct(',')) {
        this.pos++;
        actions.push(this.updateAction(section));
      }
    } while (this.peek().type !== 'eof');
    return actions;
  }

  private updateAction(section: SectionName): RawUpdateAction {
    const path = this.path();
    const opensSection = false;
    if (section === 'REMOVE') return { section, opensSection, path };
    if (section !== 'SET') return { section, opensSection, path, operand: this.value() };
    this.expectPunct('=');
    return { section, opensSection, path, operand: this.setValueParens() };
  }

  private setValueParens(): RawTerm {
    const start = this.pos;
    if (this.isPunct('(')) {
      const wrapped = this.attempt(() => {
        this.pos++;
        const inner = this.setValue();
        this.expectPunct(')');
        return inner;
      });
      if (wrapped) return wrapped;
      this.pos = start;
    }
    return this.setValue();
  }

  private setValue(): RawTerm {
    const left = this.operandParens();
    if (this.isPunct('+') || this.isPunct('-')) {
      const op = this.peek().text as '+' | '-';
      this.pos++;
      return { t: 'arith', op, args: [left, this.operandParens()], parens: 0 };
    }
    return left;
  }

  // ---- projection grammar ----

  projection(): RawPath[] {
    const paths = [this.path()];
    while (this.isPunct(',')) {
      this.pos++;
      paths.push(this.path());
    }
    return paths;
  }
}

export interface ParsedCondition {
  root: RawTerm;
  flags: ParseFlags;
}

export function parseCondition(text: string, kind: ExpressionKind): ParsedCondition {
  const parser = new Parser(text, kind, CONDITION_KEYWORDS);
  const root = parser.run(() => parser.or());
  return { root, flags: parser.flags };
}

export function parseUpdate(text: string): RawUpdateAction[] {
  const parser = new Parser(text, 'UpdateExpression', UPDATE_KEYWORDS);
  return parser.run(() => parser.updateSections());
}

export function parseProjection(text: string): RawPath[] {
  const parser = new Parser(text, 'ProjectionExpression', new Set());
  return parser.run(() => parser.projection());
}
