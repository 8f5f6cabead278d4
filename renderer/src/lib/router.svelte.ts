/**
 * Hash routing (`#/infrastructure?region=eu-west-1`): works from file:// in Electron and under
 * /_cloudlab/ in a browser. The region lives in the URL, as in the AWS console.
 */
export type Query = Record<string, string>;

function parseSearch(search: string): Query {
  const query: Query = {};
  for (const part of search.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
    query[key] = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1));
  }
  return query;
}

function toSearch(query: Query): string {
  return Object.entries(query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
}

export class Router {
  path = $state('/');
  query = $state<Query>({});

  constructor() {
    this.read();
    window.addEventListener('hashchange', () => this.read());
  }

  private read(): void {
    const hash = location.hash.replace(/^#/, '') || '/';
    const [path = '/', search = ''] = hash.split('?');
    this.path = path.startsWith('/') ? path : `/${path}`;
    this.query = parseSearch(search);
  }

  /** The path after the console's own part: `/lambda/functions/f` gives `['functions', 'f']`. */
  get parts(): string[] {
    return this.path.split('/').filter(Boolean).slice(1);
  }

  href(path: string, query: Query = {}): string {
    const merged = { ...(this.query.region ? { region: this.query.region } : {}), ...query };
    const search = toSearch(merged);
    return `#${path}${search ? `?${search}` : ''}`;
  }

  go(path: string, query: Query = {}): void {
    location.hash = this.href(path, query).slice(1);
  }

  /** Change query parameters of the current page without adding a history entry per change. */
  setQuery(patch: Query, remove: string[] = []): void {
    const next: Query = { ...this.query, ...patch };
    for (const key of remove) delete next[key];
    const search = toSearch(next);
    history.replaceState(null, '', `#${this.path}${search ? `?${search}` : ''}`);
    this.read();
  }
}

export const router = new Router();
