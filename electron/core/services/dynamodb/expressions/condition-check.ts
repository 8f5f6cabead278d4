/**
 * Semantic checks of a parsed condition (ConditionExpression, FilterExpression,
 * KeyConditionExpression) and its translation into a placeholder-free Condition. DynamoDB
 * reports the first problem by category priority; the checks run in the order the grammar
 * completes its rules (operands before the condition that holds them).
 */
import { typeOf, type AttributeValue } from '../attribute-value';
import { compareScalars } from '../compare-values';
import type { Condition, Operand, PathStep, RawTerm } from './ast';
import { invalidExpression, type ExpressionKind } from './errors';
import type { ParsedCondition } from './parser';
import { Issues, pathString, resolvePath, resolveValue, samePath, type Resolver } from './paths';

const FUNCTION_ARITY: Record<string, number> = {
  attribute_exists: 1,
  attribute_not_exists: 1,
  attribute_type: 2,
  begins_with: 2,
  contains: 2,
  size: 1,
};

const ATTRIBUTE_TYPES = ['S', 'N', 'B', 'NULL', 'SS', 'BOOL', 'L', 'BS', 'NS', 'M'];

/** DynamoDB allows at most 100 operands on the right of IN. */
export const MAX_IN_OPERANDS = 100;

const NAMES = { name: 'placeholder', value: 'placeholder' };
/** Problems inside one comparison, promoted to 'condition' when the comparison completes. */
const CONDITION_ORDER = ['placeholder', 'operand', 'distinct', 'function'];
const FINAL_ORDER = ['parens', 'unknownFunction', 'misusedFunction', 'reserved', 'condition'];

class ConditionChecker {
  readonly issues = new Issues();
  private readonly paths = new Map<RawTerm, PathStep[]>();
  private readonly values = new Map<RawTerm, AttributeValue>();
  /** What a function evaluates to, when known: size() is a number. */
  private readonly fnTypes = new Map<RawTerm, string | undefined>();

  constructor(private readonly resolver: Resolver) {}

  // ---- checks ----

  condition(term: RawTerm): void {
    switch (term.t) {
      case 'and':
      case 'or':
      case 'not':
        term.args.forEach((a) => this.condition(a));
        term.args.forEach((a) => this.misusedSize(a));
        return;
      case 'compare':
        term.args.forEach((a) => this.operand(a));
        this.misusedFunction(term.args);
        this.distinct(term.op, term.args);
        break;
      case 'between':
        term.args.forEach((a) => this.operand(a));
        this.misusedFunction(term.args);
        this.betweenBounds(term.args[1], term.args[2]);
        break;
      case 'in':
        term.args.forEach((a) => this.operand(a));
        this.misusedFunction(term.args);
        if (term.args.length - 1 > MAX_IN_OPERANDS) {
          this.issues.add(
            'operand',
            `Too many operands for the operator or function; operator or function: IN, number of operands: ${term.args.length - 1}`,
          );
        }
        break;
      default:
        this.operand(term);
    }
    this.promoteConditionIssues();
  }

  private operand(term: RawTerm): void {
    if (term.t === 'path') {
      this.paths.set(term, resolvePath(term, this.resolver, this.issues, NAMES));
    } else if (term.t === 'value') {
      const value = resolveValue(term, this.resolver, this.issues, NAMES.value);
      if (value) this.values.set(term, value);
    } else if (term.t === 'fn') {
      term.args.forEach((a) => this.operand(a));
      this.misusedFunction(term.args);
      this.fnTypes.set(term, this.checkFunction(term.name, term.args));
    }
  }

  root(term: RawTerm): void {
    this.condition(term);
    this.misusedSize(term);
  }

  private promoteConditionIssues(): void {
    if (this.issues.has('condition')) return;
    const message = this.issues.first(CONDITION_ORDER);
    if (message !== undefined) this.issues.add('condition', message);
  }

  private misusedFunction(args: RawTerm[]): void {
    const fn = args.find((a) => a.t === 'fn' && a.name !== 'size');
    if (fn?.t === 'fn') this.misused(fn.name);
  }

  /** size() yields a number: it cannot stand where a condition is expected. */
  private misusedSize(term: RawTerm): void {
    if (term.t === 'fn' && term.name === 'size') this.misused('size');
  }

  private misused(name: string): void {
    this.issues.add(
      'misusedFunction',
      `The function is not allowed to be used this way in an expression; function: ${name}`,
    );
  }

  private distinct(operator: string, args: RawTerm[]): void {
    const [a, b] = args;
    if (args.length !== 2 || a?.t !== 'path' || b?.t !== 'path') return;
    const one = this.paths.get(a);
    const two = this.paths.get(b);
    if (!one || !two || !samePath(one, two)) return;
    this.issues.add(
      'distinct',
      `The first operand must be distinct from the remaining operands for this operator or function; operator: ${operator}, first operand: ${pathString(one)}`,
    );
  }

  private betweenBounds(low: RawTerm | undefined, high: RawTerm | undefined): void {
    if (this.issues.has('function') || !low || !high) return;
    const a = this.values.get(low);
    const b = this.values.get(high);
    if (!a || !b) return;
    const bounds = `lower bound operand: AttributeValue: ${describe(a)}, upper bound operand: AttributeValue: ${describe(b)}`;
    if (typeOf(a) !== typeOf(b)) {
      this.issues.add(
        'function',
        `The BETWEEN operator requires same data type for lower and upper bounds; ${bounds}`,
      );
    } else if ((compareScalars(a, b) ?? 0) > 0) {
      this.issues.add(
        'function',
        `The BETWEEN operator requires upper bound to be greater than or equal to lower bound; ${bounds}`,
      );
    }
  }

  /** A literal's type, or what a function yields; undefined for paths (unknown until run). */
  private typeOfTerm(term: RawTerm | undefined): string | undefined {
    if (!term) return undefined;
    if (term.t === 'fn') return this.fnTypes.get(term);
    const value = this.values.get(term);
    return value ? typeOf(value) : undefined;
  }

  private checkFunction(name: string, args: RawTerm[]): string | undefined {
    if (this.issues.has('unknownFunction')) return undefined;
    const arity = FUNCTION_ARITY[name];
    if (arity === undefined) {
      this.issues.add('unknownFunction', `Invalid function name; function: ${name}`);
      return undefined;
    }
    if (this.issues.has('operand')) return undefined;
    if (args.length !== arity) {
      this.issues.add(
        'operand',
        `Incorrect number of operands for operator or function; operator or function: ${name}, number of operands: ${args.length}`,
      );
      return undefined;
    }
    this.distinct(name, args);
    if (this.issues.has('function')) return undefined;
    const wrongType = (type: string) =>
      this.issues.add(
        'function',
        `Incorrect operand type for operator or function; operator or function: ${name}, operand type: ${type}`,
      );
    switch (name) {
      case 'attribute_exists':
      case 'attribute_not_exists':
        if (args[0]?.t !== 'path') {
          this.issues.add(
            'function',
            `Operator or function requires a document path; operator or function: ${name}`,
          );
        }
        return undefined;
      case 'begins_with': {
        const bad = args.map((a) => this.typeOfTerm(a)).find((t) => t && t !== 'S' && t !== 'B');
        if (bad) wrongType(bad);
        return 'BOOL';
      }
      case 'attribute_type': {
        const type = this.typeOfTerm(args[1]);
        const value = args[1] ? this.values.get(args[1]) : undefined;
        if (type !== 'S' || !value || !('S' in value)) {
          // A path gives no type at parse time: AWS lists every type it would have accepted.
          wrongType(type ?? '{NS,SS,L,BS,N,M,B,BOOL,NULL,S}');
        } else if (!ATTRIBUTE_TYPES.includes(value.S)) {
          this.issues.add(
            'function',
            `Invalid attribute type name found; type: ${value.S}, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}`,
          );
        }
        return 'BOOL';
      }
      case 'size': {
        const type = this.typeOfTerm(args[0]);
        if (type === 'N' || type === 'BOOL' || type === 'NULL') wrongType(type);
        return 'N';
      }
      default:
        return 'BOOL';
    }
  }

  // ---- translation (only after every check passed) ----

  build(term: RawTerm): Condition {
    const [a, b, c] = 'args' in term ? term.args : [];
    switch (term.t) {
      case 'and':
      case 'or':
        return { kind: term.t, left: this.build(must(a)), right: this.build(must(b)) };
      case 'not':
        return { kind: 'not', condition: this.build(must(a)) };
      case 'compare':
        return { kind: 'compare', op: term.op, left: this.toOperand(a), right: this.toOperand(b) };
      case 'between':
        return {
          kind: 'between',
          operand: this.toOperand(a),
          low: this.toOperand(b),
          high: this.toOperand(c),
        };
      case 'in':
        return {
          kind: 'in',
          operand: this.toOperand(a),
          list: term.args.slice(1).map((x) => this.toOperand(x)),
        };
      case 'fn':
        return this.buildFunction(term.name, term.args);
      default:
        throw new Error(`not a condition: ${term.t}`);
    }
  }

  private buildFunction(name: string, args: RawTerm[]): Condition {
    const [a, b] = args;
    switch (name) {
      case 'attribute_exists':
      case 'attribute_not_exists':
        return { kind: name, path: must(this.paths.get(must(a))) };
      case 'attribute_type':
        return { kind: 'attribute_type', operand: this.toOperand(a), type: this.toOperand(b) };
      case 'begins_with':
        return { kind: 'begins_with', operand: this.toOperand(a), prefix: this.toOperand(b) };
      default:
        return { kind: 'contains', operand: this.toOperand(a), needle: this.toOperand(b) };
    }
  }

  toOperand(term: RawTerm | undefined): Operand {
    const n = must(term);
    if (n.t === 'path') return { kind: 'path', path: must(this.paths.get(n)) };
    if (n.t === 'value') return { kind: 'value', value: must(this.values.get(n)) };
    if (n.t === 'fn' && n.name === 'size') return { kind: 'size', operand: this.toOperand(n.args[0]) };
    throw new Error(`not an operand: ${n.t}`);
  }
}

function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('expression tree incomplete after checks');
  return value;
}

/** {N:5}, {S:abc}: how AWS prints a literal inside BETWEEN messages. */
function describe(value: AttributeValue): string {
  const type = typeOf(value);
  if ('S' in value) return `{S:${value.S}}`;
  if ('N' in value) return `{N:${value.N}}`;
  if ('B' in value) return `{B:${Buffer.from(value.B).toString('base64')}}`;
  return `{${type}:${JSON.stringify(Object.values(value)[0])}}`;
}

/** Checks a parsed condition and returns its placeholder-free form, or throws AWS's message. */
export function checkCondition(parsed: ParsedCondition, kind: ExpressionKind, resolver: Resolver): Condition {
  const checker = new ConditionChecker(resolver);
  checker.root(parsed.root);
  if (parsed.flags.redundantParens) {
    checker.issues.add('parens', 'The expression has redundant parentheses;');
  }
  const message = checker.issues.first(FINAL_ORDER);
  if (message !== undefined) throw invalidExpression(kind, message);
  return checker.build(parsed.root);
}
