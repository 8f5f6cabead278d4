/** What the console specs share: screenshots that compare across runs, and a light theme to start. */
import { test, type Page } from '@playwright/test';

const SHOTS = 'test-results/screenshots';

export async function shoot(page: Page, name: string): Promise<void> {
  // From the top, so the sticky top bar stays at the top of a full-page picture; keep the
  // ticking clock out of it so screenshots compare across runs.
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({
    path: `${SHOTS}/${name}.png`,
    fullPage: true,
    mask: [page.locator('.footer')],
    maskColor: '#232f3e',
  });
}

/** Every test starts in the light theme unless it switches. */
export function startLight(): void {
  test.beforeEach(async ({ page }) => {
    await page.addInitScript(() => {
      if (!localStorage.getItem('cloudlab.theme')) localStorage.setItem('cloudlab.theme', 'light');
    });
  });
}
