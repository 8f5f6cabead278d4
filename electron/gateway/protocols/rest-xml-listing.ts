/**
 * S3's ListBucketResult (ListObjectsV2, ListObjects) written directly. A page of 1,000 keys
 * through the model-driven XmlWriter costs several milliseconds (a shape lookup, a switch and an
 * array push per element); this writes the same document — the same elements in the model's
 * order, the same escaping and value formatting (escapeXml, formatTimestamp, formatNumber) — in
 * one string. Members are written in the order the model lists them and unknown keys are ignored,
 * as the generic writer does; tests/unit/gateway/rest-xml-listing.test.ts holds both to the same
 * output.
 */
import { escapeXml } from './xml-writer';
import { formatNumber, formatTimestamp, isoTimestamp } from './values';

type Value = Record<string, unknown>;

const present = (v: unknown) => v !== undefined && v !== null;

const text = (name: string, v: unknown) => `<${name}>${escapeXml(String(v))}</${name}>`;
const bool = (name: string, v: unknown) => `<${name}>${v ? 'true' : 'false'}</${name}>`;
const num = (name: string, v: unknown) => `<${name}>${escapeXml(formatNumber(Number(v)))}</${name}>`;
const time = (name: string, v: unknown) => {
  // A valid Date (what the service returns) formats without escaping: digits and "-:.TZ".
  const ms = v instanceof Date ? v.getTime() : NaN;
  const iso = Number.isNaN(ms) ? escapeXml(String(formatTimestamp(v, 'iso8601') ?? '')) : isoTimestamp(ms);
  return `<${name}>${iso}</${name}>`;
};

/** escapeXml of an ETag: `"hex"` has two quotes to escape and nothing else, mostly. */
function etag(v: unknown): string {
  const s = String(v);
  const n = s.length;
  if (n >= 2 && s.charCodeAt(0) === 34 && s.charCodeAt(n - 1) === 34) {
    const inner = s.slice(1, n - 1);
    if (escapeXml(inner) === inner) return `<ETag>&quot;${inner}&quot;</ETag>`;
  }
  return text('ETag', s);
}

/** One <Contents> element: Object's members, in the model's order. */
function object(o: Value): string {
  let out = '<Contents>';
  if (present(o.Key)) out += text('Key', o.Key);
  if (present(o.LastModified)) out += time('LastModified', o.LastModified);
  if (present(o.ETag)) out += etag(o.ETag);
  if (present(o.ChecksumAlgorithm)) {
    // A flattened list: one element per algorithm.
    const list = Array.isArray(o.ChecksumAlgorithm) ? (o.ChecksumAlgorithm as unknown[]) : [];
    for (const a of list) out += text('ChecksumAlgorithm', a);
  }
  if (present(o.Size)) out += num('Size', o.Size);
  if (present(o.StorageClass)) out += text('StorageClass', o.StorageClass);
  if (present(o.Owner)) {
    const owner = o.Owner as Value;
    out += '<Owner>';
    if (present(owner.DisplayName)) out += text('DisplayName', owner.DisplayName);
    if (present(owner.ID)) out += text('ID', owner.ID);
    out += '</Owner>';
  }
  if (present(o.RestoreStatus)) {
    const r = o.RestoreStatus as Value;
    out += '<RestoreStatus>';
    if (present(r.IsRestoreInProgress)) out += bool('IsRestoreInProgress', r.IsRestoreInProgress);
    if (present(r.RestoreExpiryDate)) out += time('RestoreExpiryDate', r.RestoreExpiryDate);
    out += '</RestoreStatus>';
  }
  return `${out}</Contents>`;
}

function contents(v: unknown): string {
  if (!Array.isArray(v)) return '';
  // Many small strings joined once: cheaper than growing one string a thousand times.
  const parts = new Array<string>(v.length);
  for (let i = 0; i < v.length; i++) parts[i] = object((v[i] ?? {}) as Value);
  return parts.join('');
}

function commonPrefixes(v: unknown): string {
  if (!Array.isArray(v)) return '';
  let out = '';
  for (const p of v as Array<Value | null | undefined>) {
    out += '<CommonPrefixes>';
    if (present(p?.Prefix)) out += text('Prefix', p!.Prefix);
    out += '</CommonPrefixes>';
  }
  return out;
}

/** Name … EncodingType: the members both listing versions share, in the model's order. */
function shared(value: Value): string {
  let out = '';
  if (present(value.Name)) out += text('Name', value.Name);
  if (present(value.Prefix)) out += text('Prefix', value.Prefix);
  if (present(value.Delimiter)) out += text('Delimiter', value.Delimiter);
  if (present(value.MaxKeys)) out += num('MaxKeys', value.MaxKeys);
  if (present(value.CommonPrefixes)) out += commonPrefixes(value.CommonPrefixes);
  if (present(value.EncodingType)) out += text('EncodingType', value.EncodingType);
  return out;
}

const PROLOGUE = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** ListObjectsV2Output as the document `root` (with the namespace attribute `ns`, e.g. ` xmlns="…"`). */
export function writeListObjectsV2(root: string, value: Value, ns: string): string {
  let out = `${PROLOGUE}<${root}${ns}>`;
  if (present(value.IsTruncated)) out += bool('IsTruncated', value.IsTruncated);
  if (present(value.Contents)) out += contents(value.Contents);
  out += shared(value);
  if (present(value.KeyCount)) out += num('KeyCount', value.KeyCount);
  if (present(value.ContinuationToken)) out += text('ContinuationToken', value.ContinuationToken);
  if (present(value.NextContinuationToken)) out += text('NextContinuationToken', value.NextContinuationToken);
  if (present(value.StartAfter)) out += text('StartAfter', value.StartAfter);
  return `${out}</${root}>`;
}

/** ListObjectsOutput (version 1: markers), likewise. */
export function writeListObjects(root: string, value: Value, ns: string): string {
  let out = `${PROLOGUE}<${root}${ns}>`;
  if (present(value.IsTruncated)) out += bool('IsTruncated', value.IsTruncated);
  if (present(value.Marker)) out += text('Marker', value.Marker);
  if (present(value.NextMarker)) out += text('NextMarker', value.NextMarker);
  if (present(value.Contents)) out += contents(value.Contents);
  out += shared(value);
  return `${out}</${root}>`;
}
