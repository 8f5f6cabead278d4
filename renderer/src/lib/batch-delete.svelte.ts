/**
 * What a console's delete dialog does with the resources it was given: deletes them one by one,
 * says in a flash what went, and keeps why the rest did not for the dialog to show.
 */
import { flash } from './flash.svelte';

export class BatchDelete {
  busy = $state(false);
  errors = $state<string[]>([]);

  constructor(
    private readonly remove: (name: string) => Promise<unknown>,
    private readonly errorText: (e: unknown) => string,
    /** The flash for what was deleted. */
    private readonly success: (deleted: string[]) => string,
  ) {}

  reset = (): void => {
    this.errors = [];
  };

  /** Deletes each name, then calls `ondeleted` when any went; true when every one did. */
  async run(names: string[], ondeleted: () => void): Promise<boolean> {
    this.busy = true;
    this.errors = [];
    const deleted: string[] = [];
    const failed: string[] = [];
    for (const name of names) {
      try {
        await this.remove(name);
        deleted.push(name);
      } catch (e) {
        failed.push(`${name}: ${this.errorText(e)}`);
      }
    }
    this.busy = false;
    if (deleted.length) flash.add('success', this.success(deleted));
    this.errors = failed;
    if (deleted.length) ondeleted();
    return failed.length === 0;
  }
}
