/**
 * Pictures of the board as people see it, saved to docs/screenshots/. Runs
 * before the other specs (see playwright.config.ts) so it shows the seeded
 * board and one hosted discussion, not test comments.
 */
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { buildScene, type Scene } from './support/screenshot-scene.js';

const dir = join(import.meta.dirname, '../../docs/screenshots');

// One hosted discussion for every picture in this file (the tests run in order in one worker).
let scene: Promise<Scene> | null = null;
const theScene = (baseURL: string) => (scene ??= buildScene(baseURL));

async function openScene(page: Page, baseURL: string) {
  const { postId } = await theScene(baseURL);
  await page.goto(`/posts/${postId}`);
  await expect(page.getByRole('button', { name: 'Post', exact: true })).toBeEnabled();
  await expect(page.getByText(/watching now/)).toBeVisible();
  await expect(page.getByRole('region', { name: 'Pinned comments' })).toBeVisible();
}

async function openAsFacilitator(page: Page, baseURL: string) {
  const { postId, facilitatorLink } = await theScene(baseURL);
  // A co-host with a name, so the log and the composer read naturally: named first, then the link.
  await page.goto(`/posts/${postId}`);
  await page.getByRole('textbox', { name: 'Your name' }).fill('Theo (co-host)');
  await page.getByRole('textbox', { name: 'Write a comment' }).fill('Thanks for hosting, Rosa. I will keep an eye on spoilers.');
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  await expect(page.getByRole('textbox', { name: 'Your name' })).toBeHidden();
  await page.goto('/');
  await page.goto(facilitatorLink);
  await expect(page.getByRole('region', { name: 'Facilitator tools' })).toBeVisible();
  await expect(page.getByText('Hidden', { exact: true })).toBeVisible();
}

/** Tall enough to show the pinned welcome and the whole long thread below it. */
const desktopClip = { x: 0, y: 0, width: 1200, height: 2050 };

test.describe('screenshots', () => {
  test.use({ viewport: { width: 1200, height: 1600 } });

  test('post page, desktop, light', async ({ page, baseURL }) => {
    await openScene(page, baseURL!);
    await page.screenshot({ path: join(dir, 'post-desktop-light.png'), fullPage: true, clip: desktopClip });
  });

  test.describe('dark', () => {
    test.use({ colorScheme: 'dark' });
    test('post page, desktop, dark', async ({ page, baseURL }) => {
      await openScene(page, baseURL!);
      await page.screenshot({ path: join(dir, 'post-desktop-dark.png'), fullPage: true, clip: desktopClip });
    });
  });

  test.describe('phone', () => {
    test.use({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const clip = { x: 0, y: 0, width: 375, height: 1500 };
    test('post page, 375px phone', async ({ page, baseURL }) => {
      await openScene(page, baseURL!);
      await page.screenshot({ path: join(dir, 'post-phone.png'), fullPage: true, clip });
    });

    test.describe('dark', () => {
      test.use({ colorScheme: 'dark' });
      test('post page, 375px phone, dark', async ({ page, baseURL }) => {
        await openScene(page, baseURL!);
        await page.screenshot({ path: join(dir, 'post-phone-dark.png'), fullPage: true, clip });
      });
    });
  });

  test('facilitator view: toolbar, pinned, hidden comment, moderation menu and log', async ({ page, baseURL }) => {
    await openAsFacilitator(page, baseURL!);
    const theory = page.getByRole('log', { name: 'Comments' }).getByRole('article').filter({ hasText: 'Theory:' });
    await theory.getByRole('button', { name: 'Moderate' }).click();
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(dir, 'facilitator-view.png') });

    await page.setViewportSize({ width: 1200, height: 900 });
    await page.getByRole('button', { name: 'Moderation log' }).click();
    await expect(page.getByRole('dialog', { name: 'Moderation log' }).getByRole('listitem').first()).toBeVisible();
    await page.screenshot({ path: join(dir, 'facilitator-log.png') });
  });

  test('new discussion: the facilitator link, shown once', async ({ page }) => {
    await page.setViewportSize({ width: 1200, height: 820 });
    await page.goto('/new');
    await expect(page.getByRole('button', { name: 'Start discussion' })).toBeEnabled();
    await page.getByLabel('Your name').fill('Quizmaster Jo');
    await page.getByLabel('Title').fill('Friday quiz night: live scoring');
    await page.getByLabel('Description').fill('Answers in the comments, scores pinned at the top after each round.');
    await page.getByRole('button', { name: 'Start discussion' }).click();
    await expect(page.getByRole('textbox', { name: 'Facilitator link' })).toBeVisible();
    await page.screenshot({ path: join(dir, 'new-discussion.png') });
  });

  test.describe('live event', () => {
    // The seeded finale is a live watch-along: its clock, comment moments, and one moment's discussion chosen.
    const openLive = async (page: Page) => {
      await page.goto('/posts/finale-watch-along');
      await expect(page.getByRole('button', { name: 'Post', exact: true })).toBeEnabled();
      await expect(page.getByTestId('event-clock')).toHaveText(/^Live · /);
      const chip = page.getByRole('log', { name: 'Comments' }).getByRole('button', { name: /^At \d+:\d\d: show the discussion/ }).first();
      await chip.click();
      await expect(page.getByText('Showing the discussion around')).toBeVisible();
      await page.mouse.move(0, 0);
    };
    const clip = { x: 0, y: 0, width: 1200, height: 1500 };

    test('live event, desktop, light', async ({ page }) => {
      await openLive(page);
      await page.screenshot({ path: join(dir, 'event-live-light.png'), clip });
    });

    test.describe('dark', () => {
      test.use({ colorScheme: 'dark' });
      test('live event, desktop, dark', async ({ page }) => {
        await openLive(page);
        await page.screenshot({ path: join(dir, 'event-live-dark.png'), clip });
      });
    });

    test.describe('phone', () => {
      test.use({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
      test('live event, 375px phone', async ({ page }) => {
        await openLive(page);
        await page.screenshot({ path: join(dir, 'event-live-phone.png'), fullPage: true, clip: { x: 0, y: 0, width: 375, height: 1300 } });
      });

      test('the facilitator clock panel, 375px phone', async ({ page, baseURL }) => {
        const { facilitatorLink } = await theScene(baseURL!);
        await page.goto(facilitatorLink);
        const panel = page.getByRole('region', { name: 'Event clock' });
        await expect(panel.getByRole('button', { name: 'Start' })).toBeVisible();
        await panel.getByLabel(/Running length/).fill('58:00');
        await panel.getByRole('button', { name: 'Start' }).click();
        await expect(panel.getByRole('button', { name: 'Pause' })).toBeVisible();
        await page.mouse.move(0, 0);
        await page.screenshot({ path: join(dir, 'event-panel-phone.png'), fullPage: true, clip: { x: 0, y: 0, width: 375, height: 1100 } });
      });
    });
  });

  test.describe('list', () => {
    test.use({ viewport: { width: 1200, height: 820 } });
    test('post list', async ({ page, browser, baseURL }) => {
      await theScene(baseURL!);
      // Someone watching the finale, so the list shows what a live event looks like.
      const watcher = await browser.newContext();
      const watcherPage = await watcher.newPage();
      await watcherPage.goto('/posts/finale-watch-along');
      await expect(watcherPage.getByText(/watching now/)).toBeVisible();
      await page.goto('/');
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await expect(page.getByText('1 watching')).toBeVisible();
      await page.screenshot({ path: join(dir, 'post-list.png') });
      await watcher.close();
    });
  });
});
