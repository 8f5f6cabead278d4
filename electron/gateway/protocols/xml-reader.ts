/**
 * Parses XML request bodies (rest-xml) into values by shape. fast-xml-parser turns the text
 * into a tree (every element as an array, so one and many look alike); the shape then says
 * which elements are members, wrapped or flattened lists, maps and attributes.
 */
import type * as FastXmlParser from 'fast-xml-parser';
import type { XMLParser } from 'fast-xml-parser';
import { createRequire } from 'node:module';
import { AwsError } from '../../core/kernel/errors';
import type { ServiceModel, Shape } from '../model';
import { fromBase64, parseBoolean, parseFloatValue, parseInteger, parseTimestamp } from './values';

type XmlNode = string | { [name: string]: XmlNode[] | string | undefined };

type Fxp = typeof FastXmlParser;
let fxp: { lib: Fxp; parser: XMLParser } | null = null;

/** Loaded on the first XML body: most requests never need it, and start-up stays fast. */
function xml(): { lib: Fxp; parser: XMLParser } {
  if (!fxp) {
    const lib = createRequire(import.meta.url)('fast-xml-parser') as Fxp;
    const parser = new lib.XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '@_',
      removeNSPrefix: true,
      isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
      parseTagValue: false,
      parseAttributeValue: false,
      trimValues: false,
      ignoreDeclaration: true,
      processEntities: true,
      htmlEntities: false,
    });
    fxp = { lib, parser };
  }
  return fxp;
}

export function malformedXml(): AwsError {
  return new AwsError(
    'MalformedXML',
    'The XML you provided was not well-formed or did not validate against our published schema',
  );
}

/** Parse a document and return its root element's name and node. */
export function parseXmlDocument(text: string): { name: string; node: XmlNode } | undefined {
  if (!text.trim()) return undefined;
  // Entity declarations are how XML bombs work; no AWS request body needs one.
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw malformedXml();
  let doc: Record<string, XmlNode[]>;
  try {
    const { lib, parser } = xml();
    if (lib.XMLValidator.validate(text) !== true) throw malformedXml();
    doc = parser.parse(text) as Record<string, XmlNode[]>;
  } catch {
    throw malformedXml(); // includes absurdly deep documents that exhaust the parser's stack
  }
  const name = Object.keys(doc).find((k) => !k.startsWith('?') && !k.startsWith('#'));
  if (!name) throw malformedXml();
  return { name, node: doc[name]![0]! };
}

export class XmlReader {
  constructor(private readonly model: ServiceModel) {}

  read(node: XmlNode, shape: Shape): unknown {
    switch (shape.type) {
      case 'structure':
        return this.structure(node, shape);
      case 'list': {
        const member = this.model.resolve(shape.member ?? {});
        const items = childNodes(node, member.locationName ?? 'member');
        return items.map((item) => this.read(item, member));
      }
      case 'map':
        return this.mapEntries(childNodes(node, 'entry'), shape);
      default:
        return this.scalar(textOf(node), shape);
    }
  }

  private structure(node: XmlNode, shape: Shape): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (typeof node === 'string') return out;
    for (const [name, member] of this.model.members(shape)) {
      if (member.location) continue;
      const elementName = localName(member.locationName ?? name);
      if (member.xmlAttribute) {
        const attr = node[`@_${elementName}`];
        if (typeof attr === 'string') out[name] = this.scalar(attr, member);
        continue;
      }
      const children = childNodes(node, elementName);
      if (children.length === 0) continue;
      if (member.flattened && member.type === 'list') {
        const itemShape = this.model.resolve(member.member ?? {});
        out[name] = children.map((c) => this.read(c, itemShape));
      } else if (member.flattened && member.type === 'map') {
        out[name] = this.mapEntries(children, member);
      } else {
        out[name] = this.read(children[0]!, member);
      }
    }
    return out;
  }

  private mapEntries(entries: XmlNode[], shape: Shape): Record<string, unknown> {
    const key = this.model.resolve(shape.key ?? {});
    const value = this.model.resolve(shape.value ?? {});
    const out: Record<string, unknown> = {};
    for (const entry of entries) {
      const k = childNodes(entry, key.locationName ?? 'key')[0];
      const v = childNodes(entry, value.locationName ?? 'value')[0];
      if (k === undefined) continue;
      out[textOf(k)] = v === undefined ? undefined : this.read(v, value);
    }
    return out;
  }

  private scalar(text: string, shape: Shape): unknown {
    let v: unknown;
    switch (shape.type) {
      case 'integer':
      case 'long':
        v = parseInteger(text);
        break;
      case 'float':
      case 'double':
        v = parseFloatValue(text);
        break;
      case 'boolean':
        v = parseBoolean(text);
        break;
      case 'timestamp':
        v = parseTimestamp(text);
        break;
      case 'blob':
        v = fromBase64(text);
        break;
      default:
        return text;
    }
    if (v === undefined) throw malformedXml();
    return v;
  }
}

function childNodes(node: XmlNode, name: string): XmlNode[] {
  if (typeof node === 'string') return [];
  const children = node[name];
  return Array.isArray(children) ? children : [];
}

function textOf(node: XmlNode): string {
  if (typeof node === 'string') return node;
  const t = node['#text'];
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return t.map((x) => (typeof x === 'string' ? x : '')).join('');
  return '';
}

function localName(name: string): string {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
}
