/** Light, dark or follow the system; remembered per browser (a classroom shares one cloud). */
export type ThemeMode = 'light' | 'dark' | 'system';
const KEY = 'cloudlab.theme';

export class Theme {
  mode = $state<ThemeMode>((localStorage.getItem(KEY) as ThemeMode | null) ?? 'light');
  private systemDark = $state(false);
  resolved = $derived<'light' | 'dark'>(
    this.mode === 'system' ? (this.systemDark ? 'dark' : 'light') : this.mode,
  );

  constructor() {
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    this.systemDark = media.matches;
    media.addEventListener('change', (e) => (this.systemDark = e.matches));
  }

  set(mode: ThemeMode): void {
    this.mode = mode;
    localStorage.setItem(KEY, mode);
  }
}

export const theme = new Theme();
