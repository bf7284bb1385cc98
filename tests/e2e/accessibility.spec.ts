/**
 * Automated WCAG 2.1 A/AA checks (axe, every rule it enables for those levels)
 * on each screen, light at desktop width and dark at 375 px.
 * Not a substitute for using the board with a keyboard and a screen reader
 * (see keyboard.spec.ts), but it catches contrast, naming and landmark regressions.
 */
import { expect, type Page } from '@playwright/test';
import { checkWcag } from './support/axe.js';
import { test } from './support/facilitation.js';
import { panelOf, test as eventTest } from './support/event-clock.js';
import { unique } from './support/post-page.js';

/**
 * The views each screen is checked in: both colour schemes and both widths, each
 * at least once. Contrast depends on the scheme and layout on the width; the full
 * cross product doubled the time (an axe run is several seconds here) and found
 * nothing these two did not.
 */
const VIEWS = [
  { colorScheme: 'light', viewport: { width: 1280, height: 720 } },
  { colorScheme: 'dark', viewport: { width: 375, height: 812 } },
] as const;

// A set-up and two axe runs: a minute leaves room on a busy 2-core machine.
test.describe.configure({ timeout: 60_000 });

/** Checks the page as it is now in each view (changed in place): no serious or critical violation. */
async function expectNoSeriousViolations(page: Page): Promise<void> {
  for (const { colorScheme, viewport } of VIEWS) {
    await page.emulateMedia({ colorScheme });
    await page.setViewportSize(viewport);
    expect((await checkWcag(page)).serious, `${colorScheme}, ${viewport.width} px`).toEqual([]);
  }
}

test('the post list', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expectNoSeriousViolations(page);
});

test('a post page as a participant', async ({ viewer }) => {
  await expect(viewer.comments.getByRole('article').first()).toBeVisible();
  await expectNoSeriousViolations(viewer.page);
});

test('a post page as a facilitator: pinned, hidden, locked', async ({ facilitator }) => {
  const mine = await facilitator.post(unique('Welcome'));
  await facilitator.moderate(mine, 'Pin');
  await expect(facilitator.pinned).toBeVisible();
  await facilitator.moderate(facilitator.comment('Welcome'), 'Hide');
  await expect(facilitator.comment('Welcome').getByText('Hidden', { exact: true })).toBeVisible();
  await facilitator.tools.getByRole('button', { name: 'Lock discussion' }).click();
  await expect(facilitator.page.getByText('This discussion is locked by a facilitator')).toBeVisible();
  await expectNoSeriousViolations(facilitator.page);
});

test('the moderation log', async ({ facilitator }) => {
  await facilitator.post(unique('Logged'));
  await facilitator.moderate(facilitator.comment('Logged'), 'Pin');
  await facilitator.tools.getByRole('button', { name: 'Moderation log' }).click();
  const log = facilitator.page.getByRole('dialog', { name: 'Moderation log' });
  await expect(log.getByText('pinned', { exact: false }).first()).toBeVisible();
  await expectNoSeriousViolations(facilitator.page);
});

test('the Co-hosts panel, with a new link shown', async ({ facilitator }) => {
  await facilitator.tools.getByRole('button', { name: 'Co-hosts' }).click();
  const panel = facilitator.page.getByRole('dialog', { name: 'Co-hosts' });
  await expect(panel.getByRole('listitem')).toHaveCount(1);
  await panel.getByRole('button', { name: 'Rotate link' }).click();
  await expect(panel.getByRole('textbox', { name: 'Facilitator link' })).toBeVisible();
  await expectNoSeriousViolations(facilitator.page);
});

test('the New discussion page and its facilitator link', async ({ page }) => {
  await page.goto('/new');
  await expect(page.getByRole('button', { name: 'Start discussion' })).toBeEnabled();
  await expect(page.getByLabel('Your name')).toBeVisible();
  await expectNoSeriousViolations(page);
  await page.getByLabel('Your name').fill('Host Axe');
  await page.getByLabel('Title').fill(unique('Checked'));
  await page.getByRole('button', { name: 'Start discussion' }).click();
  await expect(page.getByRole('textbox', { name: 'Facilitator link' })).toBeVisible();
  await expectNoSeriousViolations(page);
});

eventTest('a live event: the pulse strip, its words, the moments and the clock panel', async ({ host, guest }) => {
  // Two pages set up and three axe runs: up to two minutes on a 2-core machine at load 20.
  eventTest.setTimeout(180_000);
  await panelOf(host.page).getByRole('button', { name: 'Start' }).click();
  const chapters = host.page.getByRole('navigation', { name: 'Moments' });
  await chapters.getByLabel('Mark a moment').fill('Kick-off');
  await chapters.getByRole('button', { name: 'Mark' }).click();
  await guest.write(unique('Here we go'), 'Pat Guest');
  await guest.reaction(guest.comment('Here we go'), 'Love').click();
  await expect(host.page.getByTestId('pulse-strip')).toHaveAttribute('data-reactions', '1');
  // A moment chosen from the chapter list: the link current, the discussion banner shown.
  await guest.page.getByRole('navigation', { name: 'Moments' }).getByRole('link', { name: /Kick-off/ }).click();
  await expectNoSeriousViolations(guest.page);
  // The host's page in light at desktop width: the clock panel, the mark form, the moment controls, the End confirmation.
  await host.page.emulateMedia({ colorScheme: 'light' });
  await panelOf(host.page).getByRole('button', { name: 'End event' }).click();
  await expect(host.page.getByRole('dialog', { name: 'End the event?' })).toBeVisible();
  expect((await checkWcag(host.page)).serious).toEqual([]);
});
