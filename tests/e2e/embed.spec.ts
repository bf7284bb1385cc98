/**
 * The board inside another site's page. A host site on its own origin
 * (support/host-site.ts) adds embed.js with one script tag; the frame grows
 * to its content, takes the host's theme, signs the reader in with the token
 * the host's backend signed, and a comment shows as that verified person in
 * the frame and on the board's own page. Framing is refused for origins not
 * in EMBED_ORIGINS, and for every page that is not an embed.
 */
import { resolve } from 'node:path';
import { expect, test, type Frame, type Page } from '@playwright/test';
import { checkWcag } from './support/axe.js';
import { BoardClient } from './support/board-socket.js';
import { HOST_USER, startHostSite, type HostSite } from './support/host-site.js';

const board = `http://127.0.0.1:${process.env.E2E_PORT}`;
const screenshot = resolve(import.meta.dirname, '../../docs/screenshots/embed-host-page.png');

let host: HostSite;
let postId: string;

test.beforeAll(async () => {
  host = await startHostSite(Number(process.env.E2E_EMBED_HOST_PORT), board);
  const guest = await BoardClient.connect(board, 'Gina Guest');
  postId = (await guest.createPost('Finale night', 'The fanzine watches the finale')).post.id;
  await guest.join(postId);
  await guest.comment(postId, 'Kettle on, snacks out. Who else is in?');
  // The event belongs to the Fanzine: facilitators it signs facilitate it.
  const set = await guest.socket.emitWithAck('mod:identity', { postId, host: 'fanzine' });
  if (!set.ok) throw new Error(set.error.message);
  guest.socket.disconnect();
});
test.afterAll(() => host.close());

/** Chromium says a refusal to frame on the framing page's console, and shows its error page in the frame. */
const refusedToFrame = (page: Page) =>
  page.waitForEvent('console', { predicate: (m) => /^Framing .* violates the following Content Security Policy directive: "frame-ancestors/.test(m.text()) });

test('a host page embeds the discussion: sized to its content, themed, signed in as the host\'s user, and live on the board', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 900, height: 1000 } });
  // Third-party storage denied (as some browsers do for frames): the embed keeps its session for the tab.
  await context.addInitScript(() => {
    for (const name of ['localStorage', 'sessionStorage'] as const) {
      Object.defineProperty(window, name, { get: () => { throw new DOMException('Storage is denied', 'SecurityError'); } });
    }
  });
  const page = await context.newPage();
  await page.goto(`${host.origin}/?post=${postId}&theme=dark&accent=%23e4572e`);
  const iframe = page.locator('iframe[data-board-embed]');
  const frame = page.frameLocator('iframe[data-board-embed]');
  await expect(frame.getByText('Kettle on, snacks out.')).toBeVisible();

  // Themed as the host asked: dark, with its accent.
  await expect(frame.locator('html')).toHaveAttribute('data-theme', 'dark');
  // The host's orange (lightened if it did not read on the dark background at 4.5:1; this one does).
  const accent = await frame.locator('html').evaluate((el) => el.style.getPropertyValue('--accent'));
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(accent.slice(i, i + 2), 16));
  expect(r).toBeGreaterThan(g! + 60);
  expect(r).toBeGreaterThan(b! + 60);
  await expect
    .poll(() => frame.locator('body').evaluate((el) => getComputedStyle(el).backgroundColor))
    .toBe('rgb(18, 19, 21)');

  // Signed in through the host's token endpoint, without typing a name.
  const who = frame.getByRole('status').filter({ hasText: 'Signed in as' });
  await expect(who).toContainText(HOST_USER.name);
  await expect(who).toContainText('verified by Fanzine');

  const fitsContent = async () => {
    const frameHeight = await iframe.evaluate((el) => el.getBoundingClientRect().height);
    const contentHeight = await frame.locator('.embed').evaluate((el) => Math.ceil(el.getBoundingClientRect().height));
    return Math.abs(frameHeight - contentHeight) <= 1 ? 'fits' : `frame ${frameHeight} px, content ${contentHeight} px`;
  };
  await expect.poll(fitsContent).toBe('fits');
  // The host page with the frame in it: no serious WCAG 2.1 AA violation (axe goes into the frame too).
  expect((await checkWcag(page)).serious).toEqual([]);
  const before = await iframe.evaluate((el) => el.getBoundingClientRect().height);

  // The board's own page, open in another browser.
  const other = await browser.newContext();
  const boardPage = await other.newPage();
  await boardPage.goto(`${board}/posts/${postId}`);
  await expect(boardPage.getByText('Kettle on, snacks out.')).toBeVisible();

  const text = `Watching from the Fanzine page ${Date.now().toString(36)}`;
  await frame.getByRole('textbox', { name: 'Write a comment' }).fill(text);
  await frame.getByRole('button', { name: 'Post', exact: true }).click();
  for (const where of [frame.locator('article', { hasText: text }), boardPage.locator('article', { hasText: text })]) {
    await expect(where).toContainText(HOST_USER.name);
    await expect(where).toContainText('verified by Fanzine');
  }
  // The frame grew with the comment.
  await expect.poll(fitsContent).toBe('fits');
  expect(await iframe.evaluate((el) => el.getBoundingClientRect().height)).toBeGreaterThan(before);

  await page.screenshot({ path: screenshot, fullPage: true });
  await other.close();
  await context.close();
});

test('framing is refused for an origin not in EMBED_ORIGINS, and for every page that is not an embed', async ({ page, request }) => {
  const embed = await request.get(`${board}/embed/posts/${postId}`);
  expect(embed.headers()['content-security-policy']).toContain(`frame-ancestors ${host.origin}`);
  expect(embed.headers()['x-frame-options']).toBeUndefined();
  const full = await request.get(`${board}/posts/${postId}`);
  expect(full.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(full.headers()['x-frame-options']).toBe('DENY');

  // The same host page on an origin the board does not list: the frame is refused.
  let refused = refusedToFrame(page);
  await page.goto(`${host.otherOrigin}/?post=${postId}`);
  expect((await refused).text()).toContain(`"frame-ancestors ${host.origin}"`);
  const child = (): Frame | undefined => page.frames().find((f) => f !== page.mainFrame());
  await expect.poll(() => child()?.url()).toBe('chrome-error://chromewebdata/');

  // A listed origin may frame the embed, but not the board's other pages.
  refused = refusedToFrame(page);
  await page.goto(`${host.origin}/?frame=${encodeURIComponent(`/posts/${postId}`)}`);
  expect((await refused).text()).toContain(`"frame-ancestors 'none'"`);
  await expect.poll(() => child()?.url()).toBe('chrome-error://chromewebdata/');
});

test("a facilitator the host signs in moderates inside the frame: hiding asks first, and verified-only commenting reaches guests live", async ({ page, browser }) => {
  await page.goto(`${host.origin}/?post=${postId}&theme=light&role=facilitator`);
  const frame = page.frameLocator('iframe[data-board-embed]');
  await expect(frame.getByRole('status').filter({ hasText: 'Signed in as' })).toContainText('verified by Fanzine');
  // The policy controls are here; the rest of the facilitator tools stay on the board.
  await expect(frame.getByRole('group', { name: /Only people signed in/ })).toBeVisible();
  await expect(frame.getByRole('button', { name: 'Moderation log' })).toHaveCount(0);

  const comment = frame.locator('article', { hasText: 'Kettle on, snacks out.' });
  await comment.getByRole('button', { name: 'Moderate' }).click();
  await comment.getByRole('button', { name: 'Hide' }).click();
  const dialog = frame.getByRole('dialog', { name: 'Hide this comment?' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(comment.getByText('Hidden', { exact: true })).toHaveCount(0);
  await comment.getByRole('button', { name: 'Hide' }).click();
  await frame.getByRole('dialog', { name: 'Hide this comment?' }).getByRole('button', { name: 'Hide comment' }).click();
  await expect(comment.getByText('Hidden', { exact: true })).toBeVisible();

  // Only verified people may comment now: a guest on the board's own page sees why, live, and can still read.
  const guestContext = await browser.newContext();
  const guest = await guestContext.newPage();
  await guest.goto(`${board}/posts/${postId}`);
  await expect(guest.getByRole('textbox', { name: 'Write a comment' })).toBeVisible();
  await frame.getByRole('checkbox', { name: 'comment' }).check();
  await expect(guest.getByTestId('verified-only')).toContainText('Only people signed in through the site hosting this discussion can comment');
  await expect(guest.getByRole('textbox', { name: 'Write a comment' })).toHaveCount(0);
  await expect(guest.getByRole('log', { name: 'Comments' }).locator('article').first()).toBeVisible();
  // The facilitator still writes.
  await expect(frame.getByRole('textbox', { name: 'Write a comment' })).toBeVisible();
  await guestContext.close();
});
