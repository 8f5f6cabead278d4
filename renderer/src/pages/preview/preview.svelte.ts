/**
 * The preview page's state: one address opened through the lab (`lab.browse`), what came back,
 * and the address bar's text. Opening is explicit (on load of the page, on Go, on a link click
 * in the page), never an effect of the text changing.
 */
import type { BrowseHop, BrowseResult } from '../../../../electron/contract/console-api';
import { lab } from '../../lib/api';

export type Outcome = 'success' | 'warning' | 'error';

export class PreviewState {
  address = $state('');
  result = $state<BrowseResult | null>(null);
  busy = $state(false);
  error = $state<string | null>(null);

  /** The last request: the one whose answer (or failure) the page shows. */
  last = $derived<BrowseHop | null>(this.result?.hops.at(-1) ?? null);

  outcome = $derived.by<Outcome>(() => {
    const status = this.result?.response?.status;
    if (status === undefined) return 'error';
    return status < 400 ? 'success' : status < 500 ? 'warning' : 'error';
  });

  constructor(address: string) {
    this.address = address;
  }

  async open(region: string): Promise<void> {
    const url = this.address.trim();
    if (!url || this.busy) return;
    this.busy = true;
    this.error = null;
    try {
      this.result = await lab('lab.browse', { url, region });
    } catch (e) {
      this.result = null;
      this.error = e instanceof Error ? e.message : String(e);
    } finally {
      this.busy = false;
    }
  }
}

/** An address typed without a scheme opens as http://, as a browser's address bar does. */
export function normalise(text: string): string {
  const t = text.trim();
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(t) ? t : `http://${t}`;
}
