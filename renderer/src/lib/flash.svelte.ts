/** Flash notifications at the top of the page, as the AWS console shows them. */
export type FlashType = 'success' | 'error' | 'warning' | 'info';

export interface FlashMessage {
  id: number;
  type: FlashType;
  header: string;
  content?: string;
}

export class Flash {
  items = $state<FlashMessage[]>([]);
  private nextId = 1;

  add(type: FlashType, header: string, content?: string): number {
    const id = this.nextId++;
    this.items = [...this.items, { id, type, header, content }];
    if (type === 'success') setTimeout(() => this.dismiss(id), 6000);
    return id;
  }

  dismiss(id: number): void {
    this.items = this.items.filter((m) => m.id !== id);
  }

  error(header: string, e: unknown): void {
    const err = e as { code?: string; message?: string };
    this.add('error', header, err.code ? `${err.code}: ${err.message}` : String(err.message ?? e));
  }
}

export const flash = new Flash();
