/**
 * The console's preview: a URL opened as the learner's computer opens it. The name goes to the
 * lab's one DNS resolver (asked from the internet, as the workstation asks), the request goes
 * over the simulated network (so security groups, stopped instances and failed zones count),
 * and redirects are followed as a browser follows them. The resolution is kept beside the
 * answer, so the console can show which records led where.
 *
 * The name is resolved once per hop and the connection made to that address: a weighted or
 * multivalue record could otherwise show one address and connect to another.
 */
import type { BrowseHop, BrowseResult } from '../../../contract/console-api';
import type { Cloud } from '../../cloud';
import { reasonPhrase } from '../../network/http-status';
import type { Machine } from '../machine';
import { isNetError, networkOf, parseUrl } from './network';
import { isIpv4, Resolver } from './resolver';

/** Browsers give up after about 20 redirects; a lab page needs far fewer. */
const MAX_REDIRECTS = 10;
/** The most of a body the preview carries back to the console. */
const MAX_BODY_BYTES = 2 * 1024 * 1024;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const TEXT_TYPE = /^(text\/|application\/(json|xml|javascript|xhtml\+xml|[\w.+-]+\+(json|xml)))/i;

const ERROR_TEXT = {
  resolve: (host: string) => `${host} does not resolve: no DNS record answers it in the lab.`,
  timeout: (host: string, ip: string, port: number) =>
    `${host} (${ip}) did not answer on port ${port}: the traffic is dropped (a security group, network ACL or route) or the machine is off.`,
  refused: (host: string, ip: string, port: number) =>
    `${host} (${ip}) refused the connection on port ${port}: nothing listens there.`,
  unreachable: (host: string, ip: string) => `${host} (${ip}) is unreachable from the internet.`,
};

export async function browse(
  cloud: Cloud,
  account: string,
  region: string,
  url: string,
): Promise<BrowseResult> {
  const machine = await cloud.os.workstation(account, region);
  const hops: BrowseHop[] = [];
  let next = url.trim();
  for (let i = 0; i <= MAX_REDIRECTS; i++) {
    const { hop, response } = await fetchOnce(machine, next);
    hops.push(hop);
    if (!response) return { hops, response: null };
    const location = response.headers['location'];
    if (REDIRECTS.has(response.status) && location && i < MAX_REDIRECTS) {
      next = new URL(location, hop.url).toString();
      hop.location = next;
      continue;
    }
    return { hops, response: bodyOf(response) };
  }
  return { hops, response: null };
}

interface Answer {
  status: number;
  statusText?: string;
  headers: Record<string, string>;
  body: Uint8Array | string;
}

async function fetchOnce(
  machine: Machine,
  text: string,
): Promise<{ hop: BrowseHop; response: Answer | null }> {
  const target = parseUrl(text);
  if (!target) {
    const hop: BrowseHop = { url: text, host: '', dns: null, address: null };
    hop.error = { kind: 'url', message: `"${text}" is not a web address (http:// or https://).` };
    return { hop, response: null };
  }
  const href = `${target.scheme}://${target.hostHeader}${target.path}`;
  const hop: BrowseHop = { url: href, host: target.host, dns: null, address: null };
  const resolver = new Resolver(machine);
  let address: string | null;
  if (isIpv4(target.host) || target.host === 'localhost') {
    address = (await resolver.lookup(target.host))?.address ?? null;
  } else {
    const name = resolver.candidates(target.host, false)[0]!;
    const result = await resolver.query(name, 'A');
    hop.dns = {
      code: result.code,
      answers: result.answers.map((r) => ({ name: r.name, type: r.type, ttl: r.ttl, value: r.value })),
    };
    address = result.answers.find((r) => r.type === 'A')?.value ?? null;
  }
  if (!address) {
    hop.error = { kind: 'resolve', message: ERROR_TEXT.resolve(target.host) };
    return { hop, response: null };
  }
  hop.address = address;
  const network = networkOf(machine.os);
  const conn = await network.connect(machine, address, target.port);
  if (isNetError(conn)) {
    const kind = conn.kind === 'resolve' ? 'resolve' : conn.kind;
    const message =
      kind === 'resolve'
        ? ERROR_TEXT.resolve(target.host)
        : kind === 'unreachable'
          ? ERROR_TEXT.unreachable(target.host, address)
          : ERROR_TEXT[kind](target.host, address, target.port);
    hop.error = { kind, message };
    return { hop, response: null };
  }
  const answer = await network.send(conn, {
    method: 'GET',
    path: target.path,
    headers: {
      host: target.hostHeader,
      'user-agent': 'Mozilla/5.0 (Cloud Lab console preview)',
      accept: 'text/html,application/xhtml+xml,*/*;q=0.8',
    },
    body: new Uint8Array(),
    host: target.hostHeader,
  });
  if (isNetError(answer)) {
    hop.error = { kind: 'refused', message: `${target.host} (${address}): ${answer.message}.` };
    return { hop, response: null };
  }
  const headers = Object.fromEntries(
    Object.entries(answer.headers).map(([k, v]) => [k.toLowerCase(), String(v)]),
  );
  hop.status = answer.status;
  hop.statusText = reasonPhrase(answer.status, answer.statusText);
  return { hop, response: { ...answer, headers } };
}

function bodyOf(answer: Answer): NonNullable<BrowseResult['response']> {
  const bytes = typeof answer.body === 'string' ? new TextEncoder().encode(answer.body) : answer.body;
  const kept = bytes.subarray(0, MAX_BODY_BYTES);
  const contentType = answer.headers['content-type'] ?? '';
  const text = TEXT_TYPE.test(contentType) || (!contentType && looksLikeText(kept));
  return {
    status: answer.status,
    statusText: reasonPhrase(answer.status, answer.statusText),
    headers: answer.headers,
    contentType,
    encoding: text ? 'text' : 'base64',
    body: text ? new TextDecoder().decode(kept) : Buffer.from(kept).toString('base64'),
    truncated: kept.length < bytes.length,
    bytes: bytes.length,
  };
}

/** No content type: text when the first bytes have no control characters (as browsers sniff). */
function looksLikeText(bytes: Uint8Array): boolean {
  for (const b of bytes.subarray(0, 512)) if (b < 9 || (b > 13 && b < 32)) return false;
  return true;
}
