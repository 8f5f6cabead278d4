/**
 * JSON for the console's WebSocket: Dates and binary values survive the trip (AWS shapes use
 * both), tagged as {"$date": iso} and {"$bytes": base64}. Pure functions, no Node or DOM APIs,
 * shared by the host and the renderer.
 */
export function encodeWire(value: unknown): string {
  return JSON.stringify(value, function replacer(this: Record<string, unknown>, key: string, v: unknown) {
    const raw = this[key];
    if (raw instanceof Date) return { $date: raw.toISOString() };
    if (raw instanceof Uint8Array) return { $bytes: bytesToBase64(raw) };
    return v;
  });
}

export function decodeWire(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      if (typeof o.$date === 'string' && Object.keys(o).length === 1) return new Date(o.$date);
      if (typeof o.$bytes === 'string' && Object.keys(o).length === 1) return base64ToBytes(o.$bytes);
    }
    return v;
  });
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const ENCODE = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
/** Character code → 6-bit value, 255 for characters outside the alphabet. */
const DECODE = new Uint8Array(256).fill(255);
for (let i = 0; i < ENCODE.length; i++) DECODE[ENCODE[i]!] = i;
const PAD = '='.charCodeAt(0);

// Console uploads carry files of many MiB: both directions work on typed arrays in blocks
// (string concatenation per character took seconds for 12 MiB).
function bytesToBase64(bytes: Uint8Array): string {
  const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  let j = 0;
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[j++] = ENCODE[(n >> 18) & 63]!;
    out[j++] = ENCODE[(n >> 12) & 63]!;
    out[j++] = ENCODE[(n >> 6) & 63]!;
    out[j++] = ENCODE[n & 63]!;
  }
  if (i < bytes.length) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8);
    out[j++] = ENCODE[(n >> 18) & 63]!;
    out[j++] = ENCODE[(n >> 12) & 63]!;
    out[j++] = i + 1 < bytes.length ? ENCODE[(n >> 6) & 63]! : PAD;
    out[j++] = PAD;
  }
  const parts: string[] = [];
  const BLOCK = 0x8000;
  for (let k = 0; k < out.length; k += BLOCK)
    parts.push(String.fromCharCode.apply(null, out.subarray(k, k + BLOCK) as unknown as number[]));
  return parts.join('');
}

function base64ToBytes(text: string): Uint8Array {
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let j = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const v = c < 256 ? DECODE[c]! : 255;
    if (v === 255) continue; // padding, whitespace
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[j++] = (acc >> bits) & 255;
    }
  }
  return out.subarray(0, j);
}
