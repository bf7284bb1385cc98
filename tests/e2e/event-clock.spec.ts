/**
 * The event clock in two real browsers: the host runs it from the clock
 * panel, a guest elsewhere sees the same event time, a pause within a
 * second, and comments stamped with their moment; the panel and the live and
 * paused post page pass axe (WCAG 2 A/AA) in both colour schemes.
 */
import type { Page } from '@playwright/test';
import { clockOf, expect, panelOf, test } from './support/event-clock.js';
import { unique } from './support/post-page.js';
import { checkWcag } from './support/axe.js';

/**
 * The event time a page shows, and that page's wall clock when it computed it
 * (it recomputes every 100 ms, later on a busy machine: reading time would be off by that).
 */
const readClock = (page: Page) =>
  page.evaluate(() => {
    const shown = document.querySelector('[data-event-time-ms]');
    return { eventMs: Number(shown?.getAttribute('data-event-time-ms')), at: Number(shown?.getAttribute('data-computed-at')) };
  });

async function startClock(page: Page): Promise<void> {
  await panelOf(page).getByRole('button', { name: 'Start' }).click();
  await expect(clockOf(page)).toHaveAttribute('data-clock-state', 'live');
}

/** Every rule axe enables for WCAG 2.0 and 2.1, A and AA, on the whole page (reaction buttons included). */
const violations = async (page: Page) => (await checkWcag(page)).serious;

test('two browsers show the same event time, and a pause reaches the other within a second', async ({ host, guest }) => {
  await startClock(host.page);
  await expect(clockOf(guest.page)).toHaveText(/Live · 0:0\d/);
  // Both pages at once; each reading corrected by when it was taken (the pages share this machine's clock).
  for (let i = 0; i < 3; i++) {
    const [a, b] = await Promise.all([readClock(host.page), readClock(guest.page)]);
    const apart = Math.abs(a.eventMs - a.at - (b.eventMs - b.at));
    expect(apart, `reading ${i}: ${JSON.stringify({ a, b })}`).toBeLessThanOrEqual(250);
  }

  // Timed in the pages (one machine, one clock): from the click in one to the change in the other.
  const pausedAt = guest.page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const clock = document.querySelector('[data-clock-state]')!;
        new MutationObserver(() => clock.getAttribute('data-clock-state') === 'paused' && resolve(Date.now())).observe(clock, { attributes: true });
      }),
  );
  await host.page.evaluate(() => document.addEventListener('click', () => ((window as { clickedAt?: number }).clickedAt = Date.now()), { capture: true, once: true }));
  await panelOf(host.page).getByRole('button', { name: 'Pause' }).click();
  const clickedAt = await host.page.evaluate(() => (window as { clickedAt?: number }).clickedAt!);
  expect((await pausedAt) - clickedAt).toBeLessThan(1_000);
  // Paused, both show the same position exactly.
  const [a, b] = await Promise.all([readClock(host.page), readClock(guest.page)]);
  expect(a.eventMs).toBe(b.eventMs);
  await expect(clockOf(guest.page)).toHaveText(/^Paused · 0:0\d$/);
});

test('a comment on a live event shows its moment in the other browser, and its chip shows the discussion around it', async ({
  host,
  guest,
}) => {
  await startClock(host.page);
  const text = unique('That cut!');
  await guest.write(text, 'Pat Guest');
  const seen = host.comment(text);
  const chip = seen.getByRole('button', { name: /^At 0:0\d: show the discussion around this moment$/ });
  await expect(chip).toBeVisible();
  await chip.click();
  await expect(chip).toHaveAttribute('aria-pressed', 'true');
  await expect(seen).toHaveClass(/\bnear\b/);
  await expect(host.page.getByRole('status').filter({ hasText: 'Showing the discussion around' })).toContainText('1 comment');
  await host.page.getByRole('button', { name: 'Show all' }).click();
  await expect(seen).not.toHaveClass(/\bnear\b/);

  // A time in a comment's text is a moment link, as a button, never markup from the text.
  const mention = unique('Rewind to 0:03 <b>now</b>');
  await host.write(mention);
  const link = guest.comment(mention).getByRole('button', { name: '0:03', exact: true });
  await expect(link).toBeVisible();
  await expect(guest.comment(mention).locator('b')).toHaveCount(0);
  await link.click();
  await expect(link).toHaveAttribute('aria-pressed', 'true');
});

test('bad times are explained in the panel and change nothing', async ({ host, guest }) => {
  await startClock(host.page);
  const panel = panelOf(host.page);
  await panel.getByLabel('Jump to').fill('ab:cd');
  await panel.getByRole('button', { name: 'Jump' }).click();
  await expect(panel.getByRole('alert')).toContainText('mm:ss');
  await panel.getByLabel('Jump to').fill('12:34');
  const clicked = Date.now();
  await panel.getByRole('button', { name: 'Jump' }).click();
  // The clock runs on from 12:34: the guest shows at least that, and no more than the time since the click.
  await expect
    .poll(async () => {
      const ms = Number(await clockOf(guest.page).getAttribute('data-event-time-ms'));
      return ms >= 754_000 && ms <= 754_000 + (Date.now() - clicked) + 1_000;
    })
    .toBe(true);
  await expect(clockOf(guest.page)).toHaveText(/Live · 1[23]:\d\d/);
  // A guest has no panel at all.
  await expect(panelOf(guest.page)).toHaveCount(0);
});

test('the server-rendered page already shows the event time, before any script runs', async ({ request }) => {
  const before = Date.now();
  const html = await (await request.get('/posts/finale-watch-along')).text();
  const shown = /data-event-time-ms="(\d+)"[^>]*>\s*(Live · [\d:]+)\s*</.exec(html);
  expect(shown, 'the clock in the HTML').not.toBeNull();
  // The seed started the finale's clock 45 minutes before the board started.
  expect(Number(shown![1])).toBeGreaterThanOrEqual(45 * 60_000);
  expect(Number(shown![1])).toBeLessThan(45 * 60_000 + (Date.now() - before) + 30 * 60_000);
  // And every comment in it carries the moment it was posted at.
  expect(html).toMatch(/aria-label="At \d+:\d\d: show the discussion around this moment"/);
});

for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`${colorScheme} mode`, () => {
    test.use({ colorScheme });
    // Two pages set up and two whole-page axe runs: took 20-33 s on a busy 2-core machine.
    test.describe.configure({ timeout: 60_000 });

    test('the clock panel, before the start and live with a moment chosen, has no WCAG A/AA violations', async ({ host, guest }) => {
      expect(await violations(host.page)).toEqual([]);
      await startClock(host.page);
      await guest.write(unique('Look at 0:01'), 'Pat Guest');
      // The highlighted comment, the moment banner, the chip pressed, a moment link.
      await host.comment('Look at 0:01').getByRole('button', { name: /^At / }).click();
      expect(await violations(host.page)).toEqual([]);
    });

    test("a guest's page of a paused event has no WCAG A/AA violations", async ({ host, guest }) => {
      await startClock(host.page);
      await panelOf(host.page).getByRole('button', { name: 'Pause' }).click();
      await expect(clockOf(guest.page)).toHaveAttribute('data-clock-state', 'paused');
      expect(await violations(guest.page)).toEqual([]);
    });
  });
}
