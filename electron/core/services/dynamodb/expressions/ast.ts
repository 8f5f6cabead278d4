/**
 * Two layers of trees. The parser produces raw terms that still carry #name / :value
 * placeholders, so semantic checks can report them as DynamoDB does; the checks then resolve
 * them into the public, placeholder-free Condition / UpdatePlan / ProjectionPath shapes.
 */
import type { AttributeValue, AttributeType } from '../attribute-value';

// ---- raw parse trees -------------------------------------------------------------------------

export type RawStep =
  { kind: 'ident'; text: string } | { kind: 'name'; text: string } | { kind: 'index'; index: number };

export type Comparator = '=' | '<>' | '<' | '<=' | '>' | '>=';

export type RawTerm =
  | { t: 'path'; steps: RawStep[]; parens: number }
  | { t: 'value'; name: string; parens: number }
  | { t: 'fn'; name: string; args: RawTerm[]; parens: number }
  | { t: 'compare'; op: Comparator; args: RawTerm[]; parens: number }
  | { t: 'between'; args: RawTerm[]; parens: number }
  | { t: 'in'; args: RawTerm[]; parens: number }
  | { t: 'and' | 'or' | 'not'; args: RawTerm[]; parens: number }
  | { t: 'arith'; op: '+' | '-'; args: RawTerm[]; parens: number };

export type RawPath = Extract<RawTerm, { t: 'path' }>;
export type RawValue = Extract<RawTerm, { t: 'value' }>;

export type SectionName = 'SET' | 'REMOVE' | 'ADD' | 'DELETE';

export interface RawUpdateAction {
  section: SectionName;
  /** True for the first action after a SET / REMOVE / ADD / DELETE keyword. */
  opensSection: boolean;
  path: RawPath;
  /** SET: the value expression; ADD / DELETE: the :value; REMOVE: none. */
  operand?: RawTerm;
}

// ---- resolved trees --------------------------------------------------------------------------

/** A map key (string) or a list index (number). */
export type PathStep = string | number;
export type ProjectionPath = PathStep[];

export type Operand =
  | { kind: 'path'; path: PathStep[] }
  | { kind: 'value'; value: AttributeValue }
  | { kind: 'size'; operand: Operand };

export type Condition =
  | { kind: 'compare'; op: Comparator; left: Operand; right: Operand }
  | { kind: 'between'; operand: Operand; low: Operand; high: Operand }
  | { kind: 'in'; operand: Operand; list: Operand[] }
  | { kind: 'and' | 'or'; left: Condition; right: Condition }
  | { kind: 'not'; condition: Condition }
  | { kind: 'attribute_exists' | 'attribute_not_exists'; path: PathStep[] }
  | { kind: 'attribute_type'; operand: Operand; type: Operand }
  | { kind: 'begins_with'; operand: Operand; prefix: Operand }
  | { kind: 'contains'; operand: Operand; needle: Operand };

export type UpdateValue =
  | Operand
  | { kind: 'plus' | 'minus'; left: UpdateValue; right: UpdateValue }
  | { kind: 'if_not_exists'; path: PathStep[]; fallback: UpdateValue }
  | { kind: 'list_append'; left: UpdateValue; right: UpdateValue };

export type UpdateAction =
  | { action: 'SET'; path: PathStep[]; value: UpdateValue }
  | { action: 'REMOVE'; path: PathStep[] }
  | { action: 'ADD' | 'DELETE'; path: PathStep[]; value: AttributeValue };

export interface UpdatePlan {
  /** In the order written; DynamoDB evaluates every SET operand against the item as it was. */
  actions: UpdateAction[];
  /** Every path the expression writes, e.g. for ReturnValues UPDATED_OLD / UPDATED_NEW. */
  paths: PathStep[][];
  /** Top-level attribute names written (UpdateItem refuses key attributes among them). */
  attributes: string[];
}

export type KeyOperator = '=' | '<' | '<=' | '>' | '>=' | 'BETWEEN' | 'begins_with';

export interface KeyCondition {
  partition: { name: string; value: AttributeValue };
  sort?: { name: string; op: KeyOperator; values: AttributeValue[] };
}

export type { AttributeType };
