/**
 * Serialises values to XML by shape, for the query, ec2 and rest-xml protocols: element names
 * from locationName, wrapped or flattened lists and maps, attributes, namespaces, ISO 8601
 * timestamps and base64 blobs. Members whose value is undefined or null are left out.
 */
import type { ServiceModel, Shape } from '../model';
import { formatNumber, formatTimestamp, toBase64 } from './values';

const XML_SPECIAL = /[&<>"'\r]/;

export function escapeXml(text: string): string {
  // Most values (IDs, names, numbers) need no escaping: skip the replace for them.
  if (!XML_SPECIAL.test(text)) return text;
  return text.replace(/[&<>"'\r]/g, (c) =>
    c === '&'
      ? '&amp;'
      : c === '<'
        ? '&lt;'
        : c === '>'
          ? '&gt;'
          : c === '"'
            ? '&quot;'
            : c === "'"
              ? '&apos;'
              : '&#13;',
  );
}

export class XmlWriter {
  private out: string[] = [];

  constructor(private readonly model: ServiceModel) {}

  raw(text: string): this {
    this.out.push(text);
    return this;
  }

  open(name: string, attrs = ''): this {
    this.out.push(`<${name}${attrs}>`);
    return this;
  }

  close(name: string): this {
    this.out.push(`</${name}>`);
    return this;
  }

  text(name: string, value: string): this {
    this.out.push(`<${name}>${escapeXml(value)}</${name}>`);
    return this;
  }

  toString(): string {
    return this.out.join('');
  }

  /** Write the members of a structure (without an element of its own). */
  members(shape: Shape, value: Record<string, unknown>): this {
    for (const [name, member] of this.model.members(shape)) {
      if (member.xmlAttribute || member.location) continue;
      const v = value[name];
      if (v === undefined || v === null) continue;
      this.value(member.locationName ?? name, member, v);
    }
    return this;
  }

  /** Write one value as an element named `name`. */
  value(name: string, shape: Shape, value: unknown, namespace?: string): this {
    switch (shape.type) {
      case 'structure': {
        const obj = (value ?? {}) as Record<string, unknown>;
        this.out.push(`<${name}${namespace ?? xmlns(shape)}${this.attributes(shape, obj)}>`);
        this.members(shape, obj);
        this.out.push(`</${name}>`);
        return this;
      }
      case 'list': {
        const member = this.model.resolve(shape.member ?? {});
        const items = Array.isArray(value) ? value : [];
        if (shape.flattened) {
          const itemName = member.locationName ?? name;
          for (const item of items) this.value(itemName, member, item);
        } else {
          this.out.push(`<${name}${namespace ?? xmlns(shape)}>`);
          const itemName = member.locationName ?? 'member';
          for (const item of items) this.value(itemName, member, item);
          this.out.push(`</${name}>`);
        }
        return this;
      }
      case 'map': {
        const key = this.model.resolve(shape.key ?? {});
        const val = this.model.resolve(shape.value ?? {});
        const entries = Object.entries((value ?? {}) as Record<string, unknown>);
        const keyName = key.locationName ?? 'key';
        const valueName = val.locationName ?? 'value';
        if (!shape.flattened) this.out.push(`<${name}${namespace ?? xmlns(shape)}>`);
        for (const [k, v] of entries) {
          this.out.push(shape.flattened ? `<${name}>` : '<entry>');
          this.value(keyName, key, k);
          this.value(valueName, val, v);
          this.out.push(shape.flattened ? `</${name}>` : '</entry>');
        }
        if (!shape.flattened) this.out.push(`</${name}>`);
        return this;
      }
      default:
        this.out.push(
          `<${name}${namespace ?? xmlns(shape)}>${escapeXml(scalarText(shape, value))}</${name}>`,
        );
        return this;
    }
  }

  private attributes(shape: Shape, value: Record<string, unknown>): string {
    let attrs = '';
    for (const [name, member] of this.model.members(shape)) {
      if (!member.xmlAttribute) continue;
      const v = value[name];
      if (v === undefined || v === null) continue;
      const attrName = member.locationName ?? name;
      // xsi:type needs its namespace declared on the element that carries it.
      if (attrName.startsWith('xsi:')) attrs += ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
      attrs += ` ${attrName}="${escapeXml(scalarText(member, v))}"`;
    }
    return attrs;
  }
}

export function scalarText(shape: Shape, value: unknown): string {
  switch (shape.type) {
    case 'timestamp':
      return String(formatTimestamp(value, shape.timestampFormat ?? 'iso8601') ?? '');
    case 'blob':
      return toBase64(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
      return formatNumber(Number(value));
    default:
      return String(value);
  }
}

function xmlns(shape: Shape): string {
  const ns = shape.xmlNamespace;
  if (!ns) return '';
  if (typeof ns === 'string') return ` xmlns="${escapeXml(ns)}"`;
  return ns.prefix ? ` xmlns:${ns.prefix}="${escapeXml(ns.uri)}"` : ` xmlns="${escapeXml(ns.uri)}"`;
}
