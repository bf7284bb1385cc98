/**
 * The event clock in two real browsers: the facilitator runs it from the clock
 * panel, a participant elsewhere sees the same event time, a pause within a
 * second, and comments stamped with their moment; the panel and the live and
 * paused post page pass axe (WCAG 2 A/AA) in both colour schemes.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './support/facilitation.js';
import { unique } from './support/post-page.js';

const clockOf = (page: Page) => page.getByTestId('event-clock');
const panelOf = (page: Page) => page.getByRole('region', { name: 'Event clock' });

/** The event time a page shows, and that page's wall clock when it read it. */
const readClock = (page: Page) =>
  page.evaluate(() => ({
    eventMs: Number(document.querySelector('[data-event-time-ms]')?.getAttribute('data-event-time-ms')),
    at: Date.now(),
  }));

async function startClock(page: Page): Promise<void> {
  await panelOf(page).getByRole('button', { name: 'Start' }).click();
  await expect(clockOf(page)).toHaveAttribute('data-clock-state', 'live');
}

const violations = async (page: Page, include?: Locator) => {
  let builder = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']);
  if (include) builder = builder.include(await include.evaluate((el) => `#${el.id || (el.id = 'axe-target')}`));
  return (await builder.analyze()).violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
};

test('two browsers show the same event time, and a pause reaches the other within a second', async ({ facilitator, participant }) => {
  await startClock(facilitator.page);
  await expect(clockOf(participant.page)).toHaveText(/Live · 0:0\d/);
  // Both pages at once; each reading corrected by when it was taken (the pages share this machine's clock).
  for (let i = 0; i < 3; i++) {
    const [a, b] = await Promise.all([readClock(facilitator.page), readClock(participant.page)]);
    const apart = Math.abs(a.eventMs - a.at - (b.eventMs - b.at));
    expect(apart, `reading ${i}: ${JSON.stringify({ a, b })}`).toBeLessThanOrEqual(250);
  }

  const clicked = Date.now();
  await panelOf(facilitator.page).getByRole('button', { name: 'Pause' }).click();
  await expect(clockOf(participant.page)).toHaveAttribute('data-clock-state', 'paused', { timeout: 1_000 });
  expect(Date.now() - clicked).toBeLessThan(1_000);
  // Paused, both show the same position exactly.
  const [a, b] = await Promise.all([readClock(facilitator.page), readClock(participant.page)]);
  expect(a.eventMs).toBe(b.eventMs);
  await expect(clockOf(participant.page)).toHaveText(/^Paused · 0:0\d$/);
});

test('a comment on a live event shows its moment in the other browser, and its chip shows the discussion around it', async ({
  facilitator,
  participant,
}) => {
  await startClock(facilitator.page);
  const text = unique('That cut!');
  await participant.write(text, 'Pat Participant');
  const seen = facilitator.comment(text);
  const chip = seen.getByRole('button', { name: /^At 0:0\d: show the discussion around this moment$/ });
  await expect(chip).toBeVisible();
  // An older comment, from before the start, has no moment and steps back.
  await chip.click();
  await expect(chip).toHaveAttribute('aria-pressed', 'true');
  await expect(seen).toHaveClass(/\bnear\b/);
  await expect(facilitator.page.getByRole('status').filter({ hasText: 'Showing the discussion around' })).toContainText('1 comment');
  await facilitator.page.getByRole('button', { name: 'Show all' }).click();
  await expect(seen).not.toHaveClass(/\bnear\b/);

  // A time in a comment's text is a moment link, as a button, never markup from the text.
  const mention = unique('Rewind to 0:03 <b>now</b>');
  await facilitator.write(mention);
  const link = participant.comment(mention).getByRole('button', { name: '0:03', exact: true });
  await expect(link).toBeVisible();
  await expect(participant.comment(mention).locator('b')).toHaveCount(0);
  await link.click();
  await expect(link).toHaveAttribute('aria-pressed', 'true');
});

test('bad times are explained in the panel and change nothing', async ({ facilitator, participant }) => {
  await startClock(facilitator.page);
  const panel = panelOf(facilitator.page);
  await panel.getByLabel('Jump to').fill('ab:cd');
  await panel.getByRole('button', { name: 'Jump' }).click();
  await expect(panel.getByRole('alert')).toContainText('mm:ss');
  await panel.getByLabel('Jump to').fill('12:34');
  await panel.getByRole('button', { name: 'Jump' }).click();
  await expect(clockOf(participant.page)).toHaveText(/Live · 12:3[45]/);
  // A participant has no panel at all.
  await expect(panelOf(participant.page)).toHaveCount(0);
});

for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`${colorScheme} mode`, () => {
    test.use({ colorScheme });

    test('the clock panel and the live and paused post page have no WCAG A/AA violations', async ({ facilitator, participant }) => {
      expect(await violations(facilitator.page)).toEqual([]);
      await startClock(facilitator.page);
      await participant.write(unique('Look at 0:01'), 'Pat Participant');
      await facilitator.comment('Look at 0:01').getByRole('button', { name: /^At / }).click();
      expect(await violations(facilitator.page)).toEqual([]);
      expect(await violations(participant.page)).toEqual([]);
      await panelOf(facilitator.page).getByRole('button', { name: 'Pause' }).click();
      await expect(clockOf(participant.page)).toHaveAttribute('data-clock-state', 'paused');
      expect(await violations(facilitator.page)).toEqual([]);
      expect(await violations(participant.page)).toEqual([]);
    });
  });
}
