/**
 * The away digest in Chromium: a viewer whose tab is hidden (document.visibilityState
 * stubbed, visibilitychange dispatched) or whose connection drops (the Network
 * fixture closes the socket) for longer than the threshold, shortened to 1 s for
 * the test through localStorage (AWAY_MS_KEY), comes back to a digest with the
 * right count, the most reacted comments, the new pin and moment and the event
 * time; "Show all" and "Jump to live" dismiss it, and the resync underneath still
 * brings every missed comment into the list. And a facilitator's transcript
 * download from the facilitator tools (the file itself: tests/integration/transcript.test.ts).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures.js';
import { BoardClient } from './support/board-socket.js';
import { PostPage, unique } from './support/post-page.js';
import { checkWcag } from './support/axe.js';
import { test as eventTest } from './support/event-clock.js';

const AWAY_MS = 1_000;
const screenshots = join(import.meta.dirname, '../../docs/screenshots');

/** Hidden or shown, as the browser says when a tab goes to the background and back. */
async function setVisibility(page: Page, state: 'hidden' | 'visible'): Promise<number> {
  return page.evaluate((s) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => s });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => s === 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
    return Date.now();
  }, state);
}

/** Waits (on the page's own clock) until the absence that began at `since` is longer than the threshold. */
const outlast = (page: Page, since: number) => page.waitForFunction((t) => Date.now() > t, since + AWAY_MS + 50);

test('a viewer back after an absence gets a digest of what they missed, then the live discussion', async ({ browser, baseURL, network }) => {
  const host = await BoardClient.connect(baseURL!, 'Host Harper');
  const { post } = await host.createPost(unique('Match night'), 'Kick-off together.');
  await host.join(post.id);
  await host.socket.emitWithAck('clock:control', { postId: post.id, action: 'start' });
  await host.comment(post.id, 'Before you left: the teams are out');

  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript((ms) => localStorage.setItem('board.awayDigestMs', String(ms)), AWAY_MS);
  await network.install(page);
  const viewer = new PostPage(page);
  await viewer.open(post.id);
  await expect(viewer.comment('the teams are out')).toBeVisible();
  const digest = page.getByRole('region', { name: 'While you were away' });

  // Away with the tab hidden: five comments, reactions on three, a pin and a moment.
  const hiddenAt = await setVisibility(page, 'hidden');
  const goal = await host.comment(post.id, 'GOAL! What a strike from outside the box');
  const save = await host.comment(post.id, 'That save in the 30th minute though');
  const ref = await host.comment(post.id, 'The referee had a quiet game');
  await host.comment(post.id, 'Half-time snacks?');
  await host.comment(post.id, 'Second half starting', goal.id);
  for (const kind of ['like', 'love', 'laugh', 'wow'] as const) await host.react(post.id, goal.id, kind);
  for (const kind of ['like', 'wow'] as const) await host.react(post.id, save.id, kind);
  await host.react(post.id, ref.id, 'like');
  await host.pin(post.id, goal.id);
  await host.socket.emitWithAck('moment:change', { postId: post.id, action: 'mark', label: 'Opening goal' });
  await outlast(page, hiddenAt);
  await setVisibility(page, 'visible');

  await expect(digest).toBeVisible();
  await expect(digest.getByRole('heading', { name: 'While you were away' })).toBeFocused();
  await expect(digest.getByTestId('digest-count')).toHaveText(/^\s*5\s+new comments\s*$/);
  const top = digest.getByTestId('digest-top').getByRole('listitem');
  await expect(top).toHaveCount(3);
  await expect(top.nth(0)).toContainText('GOAL! What a strike');
  await expect(top.nth(0)).toContainText('4 reactions');
  await expect(top.nth(1)).toContainText('That save');
  await expect(top.nth(2)).toContainText('The referee');
  await expect(digest.getByTestId('digest-pins')).toContainText('GOAL! What a strike');
  await expect(digest.getByTestId('digest-moments')).toContainText('Opening goal');
  await expect(digest).toContainText(/Now Live · \d+:\d\d/);
  await digest.screenshot({ path: join(screenshots, 'away-digest.png') });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.setViewportSize({ width: 375, height: 800 });
  await digest.screenshot({ path: test.info().outputPath('away-digest-phone-dark.png') });
  expect((await checkWcag(page)).serious).toEqual([]);
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1280, height: 720 });

  // "Show all": the digest goes, the discussion (complete: the resync ran underneath) takes focus.
  await digest.getByRole('button', { name: 'Show all' }).click();
  await expect(digest).toBeHidden();
  await expect(page.getByRole('heading', { name: /^Discussion/ })).toBeFocused();
  await expect(viewer.comment('Half-time snacks?')).toBeVisible();

  // Away with the connection gone: the digest counts what came meanwhile; "Jump to live" dismisses it.
  await network.goOffline();
  const offlineAt = await page.evaluate(() => Date.now());
  await host.comment(post.id, 'Written while you were offline');
  await host.comment(post.id, 'And another one');
  await outlast(page, offlineAt);
  network.goOnline();
  await expect(digest).toBeVisible();
  await expect(digest.getByTestId('digest-count')).toHaveText(/^\s*2\s+new comments\s*$/);
  await expect(digest.getByTestId('digest-top')).toBeHidden(); // nobody reacted to those
  await digest.getByRole('button', { name: 'Jump to live' }).click();
  await expect(digest).toBeHidden();
  await expect(viewer.comment('Written while you were offline')).toBeVisible();

  host.close();
  await context.close();
});

eventTest('a facilitator downloads the transcript from the facilitator tools', async ({ host, baseURL }) => {
  const writer = await BoardClient.connect(baseURL!, 'Wren');
  await writer.join(host.postId);
  await writer.comment(host.postId, 'A comment for the record');
  writer.close();
  const tools = host.page.getByRole('region', { name: 'Facilitator tools' });
  await expect(host.comment('A comment for the record')).toBeVisible();
  await tools.screenshot({ path: test.info().outputPath('transcript-control.png') });
  const [download] = await Promise.all([
    host.page.waitForEvent('download'),
    tools.getByRole('button', { name: 'Download transcript as Markdown' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(`transcript-${host.postId}.md`);
  const text = await readFile(await download.path(), 'utf8');
  expect(text).toMatch(/^# Match night/);
  expect(text).toContain('- **Wren**: A comment for the record');
});
