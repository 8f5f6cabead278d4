/**
 * One section of a bucket's Properties/Permissions tabs: a configuration read with a Get*
 * call, where AWS's "not configured" error (NoSuchTagSet, NoSuchWebsiteConfiguration, …) means
 * "none", reloaded after an edit.
 */
import { errorCode, errorText } from '../s3';

export class Section<T> {
  data = $state<T | null>(null);
  error = $state<string | null>(null);
  loading = $state(true);

  constructor(
    private readonly load: () => Promise<T>,
    /** Error codes that mean "not configured": the section shows `empty` instead of an error. */
    private readonly absent: string[],
    private readonly empty: T,
  ) {
    queueMicrotask(() => void this.reload());
  }

  async reload(): Promise<void> {
    this.loading = true;
    try {
      this.data = await this.load();
      this.error = null;
    } catch (e) {
      if (this.absent.includes(errorCode(e))) {
        this.data = this.empty;
        this.error = null;
      } else this.error = errorText(e);
    } finally {
      this.loading = false;
    }
  }
}
