/**
 * Paths: resolving raw paths against the request's placeholders, reading values at a path,
 * and the overlap / conflict rules DynamoDB applies to projections and updates.
 */
import type { AttributeValue, Item } from '../attribute-value';
import type { PathStep, RawTerm, RawPath } from './ast';
import { isReservedWord } from './reserved-words';

/** Where placeholders come from: the ExpressionContext, which also records their use. */
export interface Resolver {
  name(placeholder: string): string | undefined;
  value(placeholder: string): AttributeValue | undefined;
}

/**
 * Collects the first problem of each category while a tree is checked; DynamoDB reports
 * categories in a fixed priority, not in the order they occur in the text.
 */
export class Issues {
  private readonly found = new Map<string, string>();

  add(category: string, message: string): void {
    if (!this.found.has(category)) this.found.set(category, message);
  }

  has(category: string): boolean {
    return this.found.has(category);
  }

  first(order: readonly string[]): string | undefined {
    for (const category of order) {
      const message = this.found.get(category);
      if (message !== undefined) return message;
    }
    return undefined;
  }
}

export const RESERVED = 'reserved';

/** Categories the placeholder problems are filed under (the update grammar splits them). */
export interface PlaceholderCategories {
  name: string;
  value: string;
}

export function resolvePath(
  raw: RawPath,
  resolver: Resolver,
  issues: Issues,
  categories: PlaceholderCategories,
): PathStep[] {
  const out: PathStep[] = [];
  for (const part of raw.steps) {
    if (part.kind === 'index') {
      out.push(part.index);
    } else if (part.kind === 'ident') {
      if (isReservedWord(part.text)) {
        issues.add(RESERVED, `Attribute name is a reserved keyword; reserved keyword: ${part.text}`);
      }
      out.push(part.text);
    } else {
      const name = issues.has(categories.name) ? undefined : resolver.name(part.text);
      if (name === undefined && !issues.has(categories.name)) {
        issues.add(
          categories.name,
          `An expression attribute name used in the document path is not defined; attribute name: ${part.text}`,
        );
      }
      out.push(name ?? part.text);
    }
  }
  return out;
}

export function resolveValue(
  raw: Extract<RawTerm, { t: 'value' }>,
  resolver: Resolver,
  issues: Issues,
  category: string,
): AttributeValue | undefined {
  if (issues.has(category)) return undefined;
  const value = resolver.value(raw.name);
  if (value === undefined) {
    issues.add(
      category,
      `An expression attribute value used in expression is not defined; attribute value: ${raw.name}`,
    );
  }
  return value;
}

/** "[a, [0], b]": how DynamoDB prints a path in its messages. */
export function pathString(path: PathStep[]): string {
  return `[${path.map((p) => (typeof p === 'number' ? `[${p}]` : p)).join(', ')}]`;
}

export function samePath(a: PathStep[], b: PathStep[]): boolean {
  return a.length === b.length && a.every((p, i) => p === b[i]);
}

/**
 * Paths of one projection or update may not overlap (one a prefix of the other) nor conflict
 * (the same prefix used once as a map and once as a list).
 */
export function checkPathSet(paths: PathStep[][], issues: Issues): void {
  const seen: PathStep[][] = [];
  for (const path of paths) {
    if (issues.has('pathOverlap')) return;
    for (const earlier of seen) {
      if (comparePaths(earlier, path, issues)) break;
    }
    seen.push(path);
  }
}

/** Returns true once an overlap was filed (no need to look further). */
function comparePaths(one: PathStep[], two: PathStep[], issues: Issues): boolean {
  const shared = Math.min(one.length, two.length);
  for (let i = 0; i < shared; i++) {
    if (typeof one[i] !== typeof two[i]) {
      issues.add(
        'pathConflict',
        `Two document paths conflict with each other; must remove or rewrite one of these paths; path one: ${pathString(one)}, path two: ${pathString(two)}`,
      );
      return false;
    }
    if (one[i] !== two[i]) return false;
  }
  issues.add(
    'pathOverlap',
    `Two document paths overlap with each other; must remove or rewrite one of these paths; path one: ${pathString(one)}, path two: ${pathString(two)}`,
  );
  return true;
}

/** The value at a path, or undefined when any step is missing or of the wrong type. */
export function valueAt(item: Item, path: PathStep[]): AttributeValue | undefined {
  let current: AttributeValue | undefined;
  for (const [i, step] of path.entries()) {
    if (i === 0) {
      current = typeof step === 'string' && Object.hasOwn(item, step) ? item[step] : undefined;
    } else if (current && typeof step === 'number' && 'L' in current) {
      current = current.L[step];
    } else if (current && typeof step === 'string' && 'M' in current) {
      current = Object.hasOwn(current.M, step) ? current.M[step] : undefined;
    } else {
      return undefined;
    }
    if (current === undefined) return undefined;
  }
  return current;
}
