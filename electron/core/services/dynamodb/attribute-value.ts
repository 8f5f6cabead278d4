/**
 * DynamoDB's data types as Cloud Lab handles them inside the service: exactly one type
 * descriptor per value, numbers as their decimal text, binary as bytes (the json codec has
 * already turned base64 into Uint8Array). The SDK's AttributeValue union is structurally
 * wider (`$unknown`); operations narrow to this after validation (see validate-values.ts).
 */
export type AttributeValue =
  | { S: string }
  | { N: string }
  | { B: Uint8Array }
  | { BOOL: boolean }
  | { NULL: true }
  | { M: Record<string, AttributeValue> }
  | { L: AttributeValue[] }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: Uint8Array[] };

export type Item = Record<string, AttributeValue>;

export type AttributeType = 'S' | 'N' | 'B' | 'BOOL' | 'NULL' | 'M' | 'L' | 'SS' | 'NS' | 'BS';

/** Key attributes are scalars: strings, numbers or binary. */
export type KeyType = 'S' | 'N' | 'B';

/** The type descriptor of a validated value. */
export function typeOf(value: AttributeValue): AttributeType {
  return Object.keys(value)[0] as AttributeType;
}
