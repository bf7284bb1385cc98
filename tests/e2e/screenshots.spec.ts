/**
 * Pictures of the board as people see it, saved to docs/screenshots/. Runs
 * before the other specs (see playwright.config.ts) so it shows the seeded
 * discussion, not test comments.
 */
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';

const dir = join(import.meta.dirname, '../../docs/screenshots');

async function openLivePost(page: Page) {
  await page.goto('/posts/finale-watch-along');
  await expect(page.getByRole('button', { name: 'Post', exact: true })).toBeEnabled();
  await expect(page.getByText(/watching now/)).toBeVisible();
}

test.describe('screenshots', () => {
  test.use({ viewport: { width: 1200, height: 1600 } });

  test('post page, desktop, light', async ({ page }) => {
    await openLivePost(page);
    await page.screenshot({ path: join(dir, 'post-desktop-light.png') });
  });

  test.describe('dark', () => {
    test.use({ colorScheme: 'dark' });
    test('post page, desktop, dark', async ({ page }) => {
      await openLivePost(page);
      await page.screenshot({ path: join(dir, 'post-desktop-dark.png') });
    });
  });

  test.describe('phone', () => {
    test.use({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    test('post page, 375px phone', async ({ page }) => {
      await openLivePost(page);
      await page.screenshot({ path: join(dir, 'post-phone.png'), fullPage: true, clip: { x: 0, y: 0, width: 375, height: 1300 } });
    });
  });

  test.describe('list', () => {
    test.use({ viewport: { width: 1200, height: 820 } });
    test('post list', async ({ page, browser }) => {
      // Someone watching the finale, so the list shows what a live event looks like.
      const watcher = await browser.newContext();
      await openLivePost(await watcher.newPage());
      await page.goto('/');
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await expect(page.getByText('1 watching')).toBeVisible();
      await page.screenshot({ path: join(dir, 'post-list.png') });
      await watcher.close();
    });
  });
});
