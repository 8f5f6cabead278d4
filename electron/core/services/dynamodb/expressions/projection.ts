/**
 * ProjectionExpression: checks, and picking the projected parts of an item. Nested picks keep
 * their shape; picked list steps come back compacted in index order, as DynamoDB returns them.
 */
import type { AttributeValue, Item } from '../attribute-value';
import type { PathStep, ProjectionPath, RawPath } from './ast';
import { invalidExpression } from './errors';
import { checkPathSet, Issues, resolvePath, valueAt, type Resolver } from './paths';

const ORDER = ['reserved', 'placeholder', 'pathOverlap', 'pathConflict'];

export function checkProjection(raw: RawPath[], resolver: Resolver): ProjectionPath[] {
  const issues = new Issues();
  const categories = { name: 'placeholder', value: 'placeholder' };
  const paths = raw.map((p) => resolvePath(p, resolver, issues, categories));
  checkPathSet(paths, issues);
  const message = issues.first(ORDER);
  if (message !== undefined) throw invalidExpression('ProjectionExpression', message);
  return paths;
}

/** A partial copy under construction: lists stay sparse (by original index) until the end. */
type Draft = { M: Record<string, Draft> } | { L: Draft[] } | { value: AttributeValue };

function place(into: Draft, path: PathStep[], value: AttributeValue): void {
  let current = into;
  path.forEach((step, i) => {
    const lastStep = i === path.length - 1;
    const fresh = (): Draft =>
      lastStep ? { value } : typeof path[i + 1] === 'number' ? { L: [] } : { M: {} };
    if (typeof step === 'number' && 'L' in current) {
      current = current.L[step] ??= fresh();
    } else if (typeof step === 'string' && 'M' in current) {
      current = current.M[step] ??= fresh();
    }
  });
}

function finish(draft: Draft): AttributeValue {
  if ('value' in draft) return draft.value;
  if ('L' in draft) return { L: draft.L.filter(() => true).map(finish) };
  const M: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(draft.M)) M[k] = finish(v);
  return { M };
}

export function project(item: Item, paths: ProjectionPath[]): Item {
  const root: Draft = { M: {} };
  for (const path of paths) {
    const value = valueAt(item, path);
    if (value !== undefined) place(root, path, structuredClone(value));
  }
  const out = finish(root);
  return 'M' in out ? out.M : {};
}
