/**
 * "My stream is behind" in two real browsers: a guest whose stream runs 30 s
 * behind does not see a comment stamped 10 s ahead of their playhead until
 * their stream reaches it (the host jumps the clock, so nothing waits on real
 * time), and meanwhile a note counts what waits; their own comments never wait
 * and are stamped at their playhead; the delay is typed once or stepped,
 * remembered per post, and set back to live; the control passes axe.
 */
import type { Locator, Page } from '@playwright/test';
import { clockOf, expect, panelOf, test } from './support/event-clock.js';
import { unique } from './support/post-page.js';
import { formatClockTime, type Result } from '@board/shared';
import { BoardClient } from './support/board-socket.js';
import { checkWcag } from './support/axe.js';

// Two browsers, a host and a guest, each set up over several steps: 25-45 s on a busy 2-core machine.
test.describe.configure({ timeout: 90_000 });

const toggleOf = (page: Page) => page.getByTestId('stream-delay');
const waitingOf = (page: Page) => page.getByTestId('stream-waiting');
const eventMs = async (page: Page) => Number(await clockOf(page).getAttribute('data-event-time-ms'));

async function startAt(host: Page, to: string): Promise<void> {
  await panelOf(host).getByRole('button', { name: 'Start' }).click();
  await expect(clockOf(host)).toHaveAttribute('data-clock-state', 'live');
  await jump(host, to);
}

async function jump(host: Page, to: string): Promise<void> {
  const panel = panelOf(host);
  await panel.getByLabel('Jump to').fill(to);
  await panel.getByRole('button', { name: 'Jump' }).click();
  await expect(panel.getByLabel('Jump to')).toHaveValue('');
}

/** Opens the delay control with the keyboard and steps it to `seconds` behind with +5 s. */
async function behindBy(page: Page, seconds: number): Promise<void> {
  const toggle = toggleOf(page);
  await expect(toggle).toHaveText(/My stream is behind/);
  await toggle.focus();
  await page.keyboard.press('Enter');
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  const more = page.getByRole('button', { name: '+5 s more behind' });
  for (let i = 0; i < seconds / 5; i++) await more.click();
  await expect(toggle).toHaveAttribute('data-delay-ms', String(seconds * 1_000));
  await expect(page.getByRole('group', { name: 'Delay' }).locator('output')).toHaveText(`${seconds} s`);
}

function unwrap<T>(res: Result<T>): T {
  if (!res.ok) throw new Error(`${res.error.code}: ${res.error.message}`);
  return res.data;
}

const momentOf = async (comment: Locator) => Number(await comment.getAttribute('data-moment-ms'));

test('a viewer 30 s behind sees a comment stamped 10 s ahead of their playhead only when their stream gets there', async ({ host, guest }) => {
  await startAt(host.page, '1:00');
  await expect(clockOf(guest.page)).toHaveText(/Live · 1:0\d/);
  await behindBy(guest.page, 30);
  await expect(toggleOf(guest.page)).toHaveText(/Your stream · \d+:\d\d · 30 s behind/);
  const behind = async () => (await eventMs(guest.page)) - Number(await toggleOf(guest.page).getAttribute('data-playhead-ms'));
  expect(Math.abs((await behind()) - 30_000)).toBeLessThan(1_000);
  // The host's own stream runs 20 s behind: their comment is stamped 10 s ahead of the guest's playhead.
  await behindBy(host.page, 20);
  // Back to 1:00 right before the comment: the setting up above took a while on a busy machine,
  // and the comment falls due by itself 10 s after it is stamped.
  await jump(host.page, '1:00');

  const text = unique('Ten seconds ahead');
  // The guest's page notes the playhead whenever a comment with this text enters it.
  const appeared = guest.page.evaluate(
    (text) =>
      new Promise<number>((resolve) => {
        const toggle = document.querySelector('[data-testid="stream-delay"]')!;
        new MutationObserver((_, observer) => {
          if (![...document.querySelectorAll('article')].some((a) => a.textContent?.includes(text))) return;
          observer.disconnect();
          resolve(Number(toggle.getAttribute('data-playhead-ms')));
        }).observe(document.body, { childList: true, subtree: true });
      }),
    text,
  );
  const mine = await host.post(text, 'Host Harper');
  // First, while it is surely ahead (it falls due by itself 10 s on): the guest is told it waits, and it is not on their page.
  await expect(waitingOf(guest.page)).toHaveText('1 comment waiting for your stream');
  await expect(guest.comments.getByText(text)).toHaveCount(0);
  const moment = await momentOf(mine);
  // Stamped at the host's playhead: about 20 s before the event time, never later.
  expect((await eventMs(host.page)) - moment).toBeGreaterThanOrEqual(20_000);
  expect((await eventMs(host.page)) - moment).toBeLessThan(30_000);

  // My own comment never waits, and carries my playhead.
  const own = await guest.post(unique('Mine at my moment'), 'Pat Guest');
  const ownMoment = await momentOf(own);
  expect(ownMoment).toBeLessThan(moment);
  expect((await eventMs(guest.page)) - ownMoment).toBeGreaterThanOrEqual(30_000 - 1_000);

  // The host jumps the clock 15 s on: the guest's stream is past the comment, and it appears.
  await jump(host.page, formatClockTime((await eventMs(host.page)) + 15_000));
  await expect(guest.comment(text)).toBeVisible();
  expect(await appeared).toBeGreaterThanOrEqual(moment);
  await expect(guest.comment(text).getByRole('button', { name: `At ${formatClockTime(moment)}: show the discussion around this moment` })).toBeVisible();
  await expect(waitingOf(guest.page)).toHaveCount(0);

  // Remembered for this post across a reload; then back to live.
  await guest.page.reload();
  await expect(toggleOf(guest.page)).toHaveAttribute('data-delay-ms', '30000');
  await toggleOf(guest.page).click();
  await guest.page.getByRole('button', { name: 'Back to live' }).click();
  await expect(toggleOf(guest.page)).toHaveAttribute('data-delay-ms', '0');
  await expect(toggleOf(guest.page)).toHaveText(/My stream is behind/);
  await expect(guest.page.getByRole('status').filter({ hasText: 'Following the event live.' })).toBeVisible();
});

test('the delay from the time a player shows: typed once, explained when it cannot be used', async ({ host, guest }) => {
  // Paused at exactly 1:00, so the delay a typed time gives is known to the ms (a running clock would race the typing).
  await panelOf(host.page).getByRole('button', { name: 'Start' }).click();
  await panelOf(host.page).getByRole('button', { name: 'Pause' }).click();
  await expect(clockOf(guest.page)).toHaveAttribute('data-clock-state', 'paused');
  await jump(host.page, '1:00');
  await expect(clockOf(guest.page)).toHaveAttribute('data-event-time-ms', '60000');
  await toggleOf(guest.page).click();
  const player = guest.page.getByLabel('My player shows');

  await player.fill('ab:cd');
  await player.press('Enter');
  await expect(guest.page.getByRole('alert')).toContainText('mm:ss');
  await expect(player).toHaveAttribute('aria-invalid', 'true');
  await expect(toggleOf(guest.page)).toHaveAttribute('data-delay-ms', '0');

  // The event is at 1:00: a player at 0:35 is 25 s behind.
  await player.fill('0:35');
  await guest.page.getByRole('button', { name: 'Set', exact: true }).click();
  await expect(guest.page.getByRole('status').filter({ hasText: 'Set: your stream is 25 s behind.' })).toBeVisible();
  await expect(toggleOf(guest.page)).toHaveAttribute('data-delay-ms', '25000');
  await expect(player).toHaveValue('');

  // A player ahead of the event clock: back to live, and it says why.
  await player.fill('9:00');
  await player.press('Enter');
  await expect(guest.page.getByRole('status').filter({ hasText: 'not behind the event clock' })).toBeVisible();
  await expect(toggleOf(guest.page)).toHaveAttribute('data-delay-ms', '0');
});

test('the stream delay control and the waiting note have no WCAG A/AA violations, light and dark at phone width', async ({ host, guest }) => {
  // Set-up and two whole-page axe runs on a busy machine.
  test.setTimeout(120_000);
  await startAt(host.page, '1:00');
  await behindBy(guest.page, 45);
  await host.post(unique('Still ahead of the guest'), 'Host Harper');
  await expect(waitingOf(guest.page)).toHaveText('1 comment waiting for your stream');
  for (const [colorScheme, width] of [
    ['light', 1280],
    ['dark', 375],
  ] as const) {
    await guest.page.emulateMedia({ colorScheme });
    await guest.page.setViewportSize({ width, height: 800 });
    expect((await checkWcag(guest.page)).serious, `${colorScheme}, ${width} px`).toEqual([]);
    // For a person to look at (not compared): the open control and the note, in this view.
    await guest.page.locator('.event-clock').screenshot({ path: test.info().outputPath(`stream-delay-${colorScheme}-${width}.png`) });
  }
});

test('the post list counts down and runs event times by the server clock, and says Live only of an event that is', async ({ browser, baseURL }) => {
  const host = await BoardClient.connect(baseURL!, 'Host Harper');
  const title = unique('Kick-off later');
  const { post } = unwrap(await host.socket.emitWithAck('post:create', { title, description: '', scheduledAt: Date.now() + 30 * 60_000 }));
  // Someone in the discussion: the card shows who is watching.
  unwrap(await host.socket.emitWithAck('post:join', { postId: post.id }));

  // A reader whose computer clock runs 10 minutes fast.
  const context = await browser.newContext();
  await context.addInitScript(() => {
    const real = Date.now.bind(Date);
    Date.now = () => real() + 10 * 60_000;
  });
  const page = await context.newPage();
  await page.goto('/');
  const card = page.getByRole('article').filter({ has: page.getByRole('heading', { name: title }) });
  await expect(card.getByText('1 watching')).toBeVisible();
  await expect(card.getByText(/^Starts in (29|30) min$/)).toBeVisible();
  await expect(card.getByText('Live', { exact: true })).toHaveCount(0);

  // Started: the card (updated live over the socket) runs from 0:00, not from 10:00.
  unwrap(await host.socket.emitWithAck('clock:control', { postId: post.id, action: 'start' }));
  await expect(card.getByText(/^Live · 0:0\d$/)).toBeVisible();
  host.close();
  await context.close();
});
