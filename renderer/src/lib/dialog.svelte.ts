/**
 * One dialog at a time on a page of settings: which is open, whether its change is being saved,
 * and what went wrong. `run` saves, says so in a flash and closes; an error stays in the dialog.
 */
import { flash } from './flash.svelte';

export class DialogState<K extends string> {
  current = $state<K | null>(null);
  busy = $state(false);
  error = $state<string | null>(null);

  constructor(private readonly errorText: (e: unknown) => string) {}

  open(which: K): void {
    this.error = null;
    this.current = which;
  }

  close = (): void => {
    this.current = null;
  };

  async run(call: () => Promise<unknown>, message: string): Promise<void> {
    this.busy = true;
    this.error = null;
    try {
      await call();
      flash.add('success', message);
      this.current = null;
    } catch (e) {
      this.error = this.errorText(e);
    } finally {
      this.busy = false;
    }
  }
}
