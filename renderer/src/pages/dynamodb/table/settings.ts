/** The words the table pages use for Time to Live and streams. */
import type { StreamViewType, TableDescription, TimeToLiveDescription } from '@aws-sdk/client-dynamodb';

export function ttlText(ttl: TimeToLiveDescription | undefined): string {
  if (!ttl) return '…';
  switch (ttl.TimeToLiveStatus) {
    case 'ENABLED':
      return `On (${ttl.AttributeName})`;
    case 'ENABLING':
      return `Turning on (${ttl.AttributeName})`;
    case 'DISABLING':
      return 'Turning off';
    default:
      return 'Off';
  }
}

export const VIEW_TYPES: Array<{ value: StreamViewType; label: string; hint: string }> = [
  { value: 'KEYS_ONLY', label: 'Key attributes only', hint: 'Only the key attributes of the modified item.' },
  { value: 'NEW_IMAGE', label: 'New image', hint: 'The entire item, as it appears after it was modified.' },
  { value: 'OLD_IMAGE', label: 'Old image', hint: 'The entire item, as it appeared before it was modified.' },
  {
    value: 'NEW_AND_OLD_IMAGES',
    label: 'New and old images',
    hint: 'Both the new and the old images of the item.',
  },
];

export function viewTypeLabel(v: string | undefined): string {
  return VIEW_TYPES.find((x) => x.value === v)?.label ?? v ?? '–';
}

export function streamText(t: TableDescription): string {
  return t.StreamSpecification?.StreamEnabled
    ? `On (${viewTypeLabel(t.StreamSpecification.StreamViewType)})`
    : 'Off';
}
