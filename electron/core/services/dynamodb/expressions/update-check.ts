/**
 * Semantic checks of a parsed UpdateExpression and its translation into an UpdatePlan.
 * Problems are reported by category priority, as DynamoDB does.
 */
import { typeOf, type AttributeValue } from '../attribute-value';
import type {
  PathStep,
  RawTerm,
  RawUpdateAction,
  SectionName,
  UpdateAction,
  UpdatePlan,
  UpdateValue,
} from './ast';
import { invalidExpression } from './errors';
import { checkPathSet, Issues, resolvePath, resolveValue, type Resolver } from './paths';

const ARITY: Record<string, number> = { if_not_exists: 2, list_append: 2, '+': 2, '-': 2 };
const ORDER = [
  'reserved',
  'unknownFunction',
  'section',
  'attrName',
  'attrVal',
  'pathOverlap',
  'pathConflict',
  'operand',
  'function',
];
const CATEGORIES = { name: 'attrName', value: 'attrVal' };
/** The names ADD / DELETE use for a literal of the wrong type. */
const OPERAND_TYPE_NAMES: Record<string, string> = {
  S: 'STRING',
  N: 'NUMBER',
  B: 'BINARY',
  NULL: 'NULL',
  BOOL: 'BOOLEAN',
  L: 'LIST',
  M: 'MAP',
};

class UpdateChecker {
  readonly issues = new Issues();
  private readonly paths = new Map<RawTerm, PathStep[]>();
  private readonly values = new Map<RawTerm, AttributeValue>();
  private readonly fnTypes = new Map<RawTerm, string | undefined>();
  private readonly sections = new Set<SectionName>();

  constructor(private readonly resolver: Resolver) {}

  check(actions: RawUpdateAction[]): void {
    for (const action of actions) {
      if (action.opensSection) this.section(action.section);
      this.operand(action.path);
      if (action.operand) this.operand(action.operand);
      if (action.section === 'ADD' || action.section === 'DELETE') {
        this.operator(action.section, action.operand);
      }
    }
    const written = actions.map((a) => this.paths.get(a.path) ?? []);
    checkPathSet(written, this.issues);
  }

  private section(name: SectionName): void {
    if (this.sections.has(name)) {
      this.issues.add('section', `The "${name}" section can only be used once in an update expression;`);
    }
    this.sections.add(name);
  }

  private operand(term: RawTerm): void {
    if (term.t === 'path') {
      this.paths.set(term, resolvePath(term, this.resolver, this.issues, CATEGORIES));
    } else if (term.t === 'value') {
      const value = resolveValue(term, this.resolver, this.issues, CATEGORIES.value);
      if (value) this.values.set(term, value);
    } else if (term.t === 'fn' || term.t === 'arith') {
      term.args.forEach((a) => this.operand(a));
      this.fnTypes.set(term, this.checkFunction(term.t === 'fn' ? term.name : term.op, term.args));
    }
  }

  private literalType(term: RawTerm | undefined): string | undefined {
    const value = term ? this.values.get(term) : undefined;
    return value ? typeOf(value) : undefined;
  }

  private checkFunction(name: string, args: RawTerm[]): string | undefined {
    if (this.issues.has('unknownFunction')) return undefined;
    const arity = ARITY[name];
    if (arity === undefined) {
      this.issues.add('unknownFunction', `Invalid function name; function: ${name}`);
      return undefined;
    }
    if (this.issues.has('function')) return undefined;
    if (args.length !== arity) {
      this.issues.add(
        'function',
        `Incorrect number of operands for operator or function; operator or function: ${name}, number of operands: ${args.length}`,
      );
      return undefined;
    }
    const requireType = (wanted: string): string => {
      const bad = args.map((a) => this.literalType(a)).find((t) => t && t !== wanted);
      if (bad) {
        this.issues.add(
          'function',
          `Incorrect operand type for operator or function; operator or function: ${name}, operand type: ${bad}`,
        );
      }
      return wanted;
    };
    switch (name) {
      case 'if_not_exists': {
        if (args[0]?.t !== 'path') {
          this.issues.add(
            'function',
            `Operator or function requires a document path; operator or function: ${name}`,
          );
          return undefined;
        }
        const fallback = args[1];
        return fallback?.t === 'fn' || fallback?.t === 'arith'
          ? this.fnTypes.get(fallback)
          : this.literalType(fallback);
      }
      case 'list_append':
        return requireType('L');
      default:
        return requireType('N');
    }
  }

  /** ADD takes a number or a set, DELETE only a set; both only literal :values. */
  private operator(operator: 'ADD' | 'DELETE', term: RawTerm | undefined): void {
    if (this.issues.has('operand')) return;
    const type = this.literalType(term);
    const typeName = type ? OPERAND_TYPE_NAMES[type] : undefined;
    if (typeName && !(operator === 'ADD' && type === 'N')) {
      this.issues.add(
        'operand',
        `Incorrect operand type for operator or function; operator: ${operator}, operand type: ${typeName}, typeSet: ALLOWED_FOR_${operator}_OPERAND`,
      );
    }
  }

  // ---- translation ----

  plan(actions: RawUpdateAction[]): UpdatePlan {
    const built = actions.map((a) => this.action(a));
    const paths = built.map((a) => a.path);
    const attributes = [...new Set(paths.map((p) => String(p[0])))];
    return { actions: built, paths, attributes };
  }

  private action(raw: RawUpdateAction): UpdateAction {
    const path = this.pathOf(raw.path);
    if (raw.section === 'REMOVE') return { action: 'REMOVE', path };
    if (raw.section === 'SET') return { action: 'SET', path, value: this.value(raw.operand) };
    return { action: raw.section, path, value: this.literal(raw.operand) };
  }

  private pathOf(term: RawTerm | undefined): PathStep[] {
    const path = term ? this.paths.get(term) : undefined;
    if (!path) throw new Error('update path unresolved after checks');
    return path;
  }

  private literal(term: RawTerm | undefined): AttributeValue {
    const value = term ? this.values.get(term) : undefined;
    if (!value) throw new Error('update value unresolved after checks');
    return value;
  }

  private value(term: RawTerm | undefined): UpdateValue {
    if (!term) throw new Error('SET without a value');
    const [a, b] = 'args' in term ? term.args : [];
    switch (term.t) {
      case 'path':
        return { kind: 'path', path: this.pathOf(term) };
      case 'value':
        return { kind: 'value', value: this.literal(term) };
      case 'arith':
        return { kind: term.op === '+' ? 'plus' : 'minus', left: this.value(a), right: this.value(b) };
      case 'fn':
        return term.name === 'if_not_exists'
          ? { kind: 'if_not_exists', path: this.pathOf(a), fallback: this.value(b) }
          : { kind: 'list_append', left: this.value(a), right: this.value(b) };
      default:
        throw new Error(`not an update value: ${term.t}`);
    }
  }
}

export function checkUpdate(actions: RawUpdateAction[], resolver: Resolver): UpdatePlan {
  const checker = new UpdateChecker(resolver);
  checker.check(actions);
  const message = checker.issues.first(ORDER);
  if (message !== undefined) throw invalidExpression('UpdateExpression', message);
  return checker.plan(actions);
}
