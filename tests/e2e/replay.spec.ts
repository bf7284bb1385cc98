/**
 * Watch later in real browsers (ADR 19). An ended event with comments at known
 * moments (written live while a facilitator jumps the clock, over the socket).
 * A `?t=1:00` link opens replay at 1:00: nothing stamped later is in its HTML,
 * and nothing stamped after 2:00 (the 60 s prefetch window) is in any socket
 * frame or HTTP response the page receives, nor in the DOM; playing at 2×
 * shows the next comments in moment order. A comment written in replay is seen
 * live by a second browser with its moment chip and the "added while watching
 * later" mark.
 */
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import type { Result } from '@board/shared';
import { expect, test } from './support/fixtures.js';
import { BoardClient } from './support/board-socket.js';
import { unique } from './support/post-page.js';
import { checkWcag } from './support/axe.js';

test.describe.configure({ timeout: 90_000 });

function unwrap<T>(res: Result<T>): T {
  if (!res.ok) throw new Error(`${res.error.code}: ${res.error.message}`);
  return res.data;
}

/** Said at these moments of the event (m:ss); the event ends at 4:00. */
const SCRIPT = [
  ['0:20', 'Kick-off, here we go'],
  ['0:45', 'Lovely pass down the left'],
  ['0:58', 'That was nearly a chance'],
  ['1:02', 'Corner coming up'],
  ['1:06', 'Header just wide!'],
  ['2:04', 'SPOILER what a goal at 2:04'],
  ['2:30', 'SPOILER the replay angle'],
  ['3:30', 'SPOILER final whistle soon'],
] as const;

/** An ended event whose comments were stamped at SCRIPT's moments; its id and each comment's text (made unique). */
async function endedEvent(baseURL: string): Promise<{ postId: string; said: Map<string, string> }> {
  const host = await BoardClient.connect(baseURL, 'Host Harper');
  const { post } = await host.createPost(unique('Cup final'), 'Watch it later with the room.');
  const control = (req: object) => host.socket.emitWithAck('clock:control', { postId: post.id, ...req } as never).then(unwrap);
  await host.join(post.id);
  await control({ action: 'start' });
  const said = new Map<string, string>();
  for (const [at, text] of SCRIPT) {
    await control({ action: 'jump', to: at });
    const body = `${text} ${Math.random().toString(36).slice(2, 6)}`;
    said.set(at, body);
    await host.comment(post.id, body);
  }
  await control({ action: 'jump', to: '4:00' });
  await control({ action: 'end' });
  host.close();
  return { postId: post.id, said };
}

/** Everything the page receives: socket frames and HTTP response bodies (text ones). */
function record(page: Page): { frames: string[]; bodies: string[] } {
  const got = { frames: [] as string[], bodies: [] as string[] };
  page.on('websocket', (ws) => ws.on('framereceived', (f) => got.frames.push(String(f.payload))));
  page.on('response', async (res) => {
    const type = res.headers()['content-type'] ?? '';
    if (/html|json|javascript|text/.test(type)) got.bodies.push(await res.text().catch(() => ''));
  });
  return got;
}

const replayList = (page: Page) => page.getByRole('log', { name: 'Comments up to the playhead' });
const momentsShown = async (page: Page) =>
  (await replayList(page).getByRole('article').evaluateAll((list) => list.map((a) => Number(a.getAttribute('data-moment-ms')))));

test('a ?t= link opens replay at 1:00 with nothing after it on screen and nothing after 2:00 on the wire; 2× plays in moment order', async ({ browser, baseURL }) => {
  const { postId, said } = await endedEvent(baseURL!);
  const context = await browser.newContext();
  const page = await context.newPage();
  const got = record(page);
  const html = await (await page.goto(`/posts/${postId}?t=1:00`))!.text();

  // The server-rendered page: the comments up to 1:00, none later.
  for (const [at, text] of SCRIPT) {
    const body = said.get(at)!;
    if (at <= '1:00' && at.length === 4) expect(html).toContain(body);
    else expect(html).not.toContain(body);
  }
  const bar = page.getByTestId('replay-bar');
  await expect(bar.getByTestId('replay-time')).toContainText('1:00 / 4:00');
  // The page prefetched its window (up to 2:00): the 1:02 and 1:06 comments are here, not shown yet.
  await expect.poll(() => got.frames.some((f) => f.includes(said.get('1:06')!))).toBe(true);
  await expect(replayList(page).getByRole('article')).toHaveCount(3);
  expect((await momentsShown(page)).map((ms) => Math.floor(ms / 1_000))).toEqual([58, 45, 20]);
  const dom = await page.content();
  for (const at of ['1:02', '1:06', '2:04', '2:30', '3:30']) expect(dom).not.toContain(said.get(at)!);
  for (const at of ['2:04', '2:30', '3:30']) {
    expect(got.frames.some((f) => f.includes(said.get(at)!))).toBe(false);
    expect(got.bodies.some((b) => b.includes(said.get(at)!))).toBe(false);
  }
  expect(JSON.stringify(got)).not.toContain('SPOILER');

  // 2×, with the keyboard: the next comments appear in moment order, newest on top.
  await bar.getByRole('button', { name: '2×' }).click();
  await expect(bar.getByRole('button', { name: '2×' })).toHaveAttribute('aria-pressed', 'true');
  const order = page.evaluate(
    (texts) =>
      new Promise<string[]>((done) => {
        const seen: string[] = [];
        new MutationObserver((_, observer) => {
          for (const t of texts) if (!seen.includes(t) && document.body.textContent?.includes(t)) seen.push(t);
          if (seen.length === texts.length) {
            observer.disconnect();
            done(seen);
          }
        }).observe(document.body, { childList: true, subtree: true, characterData: true });
      }),
    [said.get('1:06')!, said.get('1:02')!],
  );
  await bar.getByRole('button', { name: 'Play' }).click();
  expect(await order).toEqual([said.get('1:02'), said.get('1:06')]);
  await bar.getByRole('button', { name: 'Pause' }).click();
  expect((await momentsShown(page)).slice(0, 2).map((ms) => Math.floor(ms / 1_000))).toEqual([66, 62]);
  await expect(page.getByText("Reaction totals are today's totals")).toBeVisible();
  await expect(bar.getByRole('button', { name: /^Copy link at 1:0\d$/ })).toBeVisible();
  await page.screenshot({ path: resolve(import.meta.dirname, '../../docs/screenshots/replay.png'), fullPage: true });

  // Back to live: the whole discussion again, spoilers and all, and the address says live.
  await bar.getByRole('button', { name: 'Back to live' }).click();
  await expect(page.getByRole('log', { name: 'Comments' }).getByRole('article').filter({ hasText: said.get('3:30')! })).toBeVisible();
  expect(new URL(page.url()).searchParams.has('t')).toBe(false);
  await context.close();
});

test('a comment written while watching later is seen live by another browser with its moment chip and the mark', async ({ browser, baseURL, arrive }) => {
  const { postId } = await endedEvent(baseURL!);
  const live = await arrive(postId);
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`/posts/${postId}`);
  await page.getByRole('button', { name: 'Watch later' }).click();
  const bar = page.getByTestId('replay-bar');
  await expect(bar.getByTestId('replay-time')).toContainText('0:00 / 4:00');
  // "Sync to my video": my player shows 0:50.
  await bar.getByLabel('Sync to my video: it shows').fill('0:50');
  await bar.getByRole('button', { name: 'Sync' }).click();
  await expect(bar.getByTestId('replay-time')).toContainText('0:50 / 4:00');
  await expect(replayList(page).getByRole('article')).toHaveCount(2);

  const text = unique('Watching this later: great pass');
  const composer = page.getByRole('textbox', { name: 'Write a comment at 0:50' });
  await composer.fill(text);
  const nameField = page.locator('form').filter({ has: composer }).getByLabel('Your name');
  if (await nameField.isVisible()) await nameField.fill('Late Lou');
  await page.getByRole('button', { name: 'Post at 0:50' }).click();
  // In my replay at its moment, marked...
  const mine = replayList(page).getByRole('article').filter({ hasText: text });
  await expect(mine).toContainText('Added while watching later');
  await expect(mine).toHaveAttribute('data-moment-ms', '50000');
  // The player and the replayed discussion pass axe, in light and dark, at phone width too.
  expect((await checkWcag(page)).serious).toEqual([]);
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.setViewportSize({ width: 390, height: 844 });
  expect((await checkWcag(page)).serious).toEqual([]);
  await page.screenshot({ path: test.info().outputPath('replay-phone-dark.png'), fullPage: true });
  // ...and live in the other browser, with its moment chip and the mark.
  const seen = live.comment(text);
  await expect(seen).toBeVisible();
  await expect(seen.getByRole('button', { name: 'At 0:50: show the discussion around this moment' })).toBeVisible();
  await expect(seen).toContainText('Added while watching later');
  await context.close();
});
