/** What the DynamoDB console pages share: links, crumbs, AWS's wording for statuses and modes. */
import type { AttributeDefinition, KeySchemaElement, TableDescription } from '@aws-sdk/client-dynamodb';
import { router } from '../../lib/router.svelte';
import { serviceCrumbs } from '../../lib/crumbs';
import type { StatusType } from '../../components/StatusIndicator.svelte';

/** An AWS error as the console shows it: "ValidationException: One or more parameter values…". */
export function errorText(e: unknown): string {
  const err = e as { code?: string; message?: string };
  return err.code ? `${err.code}: ${err.message}` : String(err.message ?? e);
}

export function errorCode(e: unknown): string {
  return (e as { code?: string }).code ?? '';
}

export const ddbLinks = {
  tables: () => router.href('/dynamodb/tables'),
  create: () => router.href('/dynamodb/create-table'),
  table: (name: string, tab?: string) =>
    router.href(`/dynamodb/tables/${encodeURIComponent(name)}`, tab ? { tab } : {}),
  explore: (name?: string) => router.href('/dynamodb/explore', name ? { table: name } : {}),
  createItem: (name: string) => router.href('/dynamodb/explore/create-item', { table: name }),
  editItem: (name: string, key: string) => router.href('/dynamodb/explore/edit-item', { table: name, key }),
};

export const ddbCrumbs = serviceCrumbs('DynamoDB', '/dynamodb');

/** The table naming rules, as the Create table page states them; null when the name is fine. */
export function tableNameProblem(name: string): string | null {
  if (!name) return 'Table name is required.';
  if (name.length < 3 || name.length > 255) return 'Table name must be between 3 and 255 characters long.';
  if (!/^[a-zA-Z0-9_.-]+$/.test(name))
    return 'Table name can contain only letters (A-Z, a-z), numbers (0-9), underscores (_), hyphens (-), and periods (.).';
  return null;
}

/** An index name follows the same rules as a table name. */
export function indexNameProblem(name: string): string | null {
  if (!name) return 'Index name is required.';
  if (name.length < 3 || name.length > 255) return 'Index name must be between 3 and 255 characters long.';
  if (!/^[a-zA-Z0-9_.-]+$/.test(name))
    return 'Index name can contain only letters (A-Z, a-z), numbers (0-9), underscores (_), hyphens (-), and periods (.).';
  return null;
}

export function keyNameProblem(name: string, what: string): string | null {
  if (!name) return `${what} name is required.`;
  if (name.length > 255) return `${what} name must be 255 characters or fewer.`;
  return null;
}

export type KeyType = 'S' | 'N' | 'B';
export const KEY_TYPES: Array<{ value: KeyType; label: string }> = [
  { value: 'S', label: 'String' },
  { value: 'N', label: 'Number' },
  { value: 'B', label: 'Binary' },
];

export function typeLabel(t: string | undefined): string {
  return KEY_TYPES.find((k) => k.value === t)?.label ?? t ?? '';
}

/** "pk (String)", as the tables list shows a key. */
export function keyText(
  schema: KeySchemaElement[] | undefined,
  role: 'HASH' | 'RANGE',
  defs: AttributeDefinition[] | undefined,
): string {
  const name = schema?.find((k) => k.KeyType === role)?.AttributeName;
  if (!name) return '';
  const type = defs?.find((d) => d.AttributeName === name)?.AttributeType;
  return `${name} (${typeLabel(type)})`;
}

export function keyName(schema: KeySchemaElement[] | undefined, role: 'HASH' | 'RANGE'): string | undefined {
  return schema?.find((k) => k.KeyType === role)?.AttributeName;
}

export function statusOf(status: string | undefined): { type: StatusType; text: string } {
  switch (status) {
    case 'ACTIVE':
      return { type: 'success', text: 'Active' };
    case 'CREATING':
      return { type: 'pending', text: 'Creating' };
    case 'UPDATING':
      return { type: 'pending', text: 'Updating' };
    case 'DELETING':
      return { type: 'pending', text: 'Deleting' };
    case 'ARCHIVED':
    case 'INACCESSIBLE_ENCRYPTION_CREDENTIALS':
      return { type: 'error', text: 'Inaccessible' };
    default:
      return { type: 'info', text: status ?? '–' };
  }
}

export function isOnDemand(t: TableDescription | undefined): boolean {
  return t?.BillingModeSummary?.BillingMode === 'PAY_PER_REQUEST';
}

/** "On-demand", or "Provisioned (5 read, 5 write)": the list's capacity column. */
export function capacityMode(t: TableDescription): string {
  if (isOnDemand(t)) return 'On-demand';
  const p = t.ProvisionedThroughput;
  return `Provisioned (${p?.ReadCapacityUnits ?? 0} read, ${p?.WriteCapacityUnits ?? 0} write)`;
}

/** "Provisioned (5)" or "On-demand", the list's read and write capacity columns. */
export function capacityText(t: TableDescription, which: 'read' | 'write'): string {
  if (isOnDemand(t)) return 'On-demand';
  const units =
    which === 'read'
      ? t.ProvisionedThroughput?.ReadCapacityUnits
      : t.ProvisionedThroughput?.WriteCapacityUnits;
  return `Provisioned (${units ?? 0})`;
}

export function formatBytes(bytes: number | undefined | null): string {
  if (bytes == null) return '–';
  if (bytes < 1000) return `${bytes} bytes`;
  const units = ['kilobytes', 'megabytes', 'gigabytes', 'terabytes'];
  let n = bytes;
  let u = -1;
  while (n >= 1000 && u < units.length - 1) {
    n /= 1000;
    u++;
  }
  return `${n.toFixed(1)} ${units[u]}`;
}

export { formatConsoleDate as formatDdbDate } from '../../lib/format';

export function projectionText(
  p: { ProjectionType?: string; NonKeyAttributes?: string[] } | undefined,
): string {
  if (!p?.ProjectionType) return '–';
  if (p.ProjectionType === 'ALL') return 'All';
  if (p.ProjectionType === 'KEYS_ONLY') return 'Keys only';
  return `Include: ${(p.NonKeyAttributes ?? []).join(', ')}`;
}
