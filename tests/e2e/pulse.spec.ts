/**
 * The room's pulse and moments in two real browsers: a moment the host marks
 * appears on both strips and chapter lists, and its link shows the discussion
 * around it; the strip and the host's reactions per minute follow reactions
 * live; ending the event asks first.
 */
import { clockOf, expect, panelOf, test } from './support/event-clock.js';
import { unique } from './support/post-page.js';

// Two pages set up, then a dozen round trips between them: up to 90 s on a 2-core machine at load 20.
test.describe.configure({ timeout: 150_000 });

const stripOf = (page: import('@playwright/test').Page) => page.getByTestId('pulse-strip');
const chaptersOf = (page: import('@playwright/test').Page) => page.getByRole('navigation', { name: 'Moments' });

test.beforeEach(async ({ host }) => {
  await panelOf(host.page).getByRole('button', { name: 'Start' }).click();
  await expect(clockOf(host.page)).toHaveAttribute('data-clock-state', 'live');
});

test("a marked moment appears on both browsers' strips and chapter lists, and its link shows the discussion around it", async ({
  host,
  guest,
}) => {
  const text = unique('What a strike');
  await guest.write(text, 'Pat Guest');
  await expect(host.comment(text)).toBeVisible();

  const chapters = chaptersOf(host.page);
  await chapters.getByLabel('Mark a moment').fill('Goal!');
  await chapters.getByRole('button', { name: 'Mark' }).click();
  await chapters.getByLabel('Mark a moment').fill('Act 2');
  await chapters.getByLabel(/^at/).fill('45:00');
  await chapters.getByRole('button', { name: 'Mark' }).click();

  for (const page of [host.page, guest.page]) {
    const links = chaptersOf(page).getByRole('listitem').getByRole('link');
    await expect(links).toHaveText([/^\d+:\d\d\s*Goal!$/, /^45:00\s*Act 2$/]);
    await expect(stripOf(page).getByTestId('pulse-marker')).toHaveCount(2);
  }

  // A chapter is a link: followed, it shows the discussion around its time.
  const goal = chaptersOf(guest.page).getByRole('link', { name: /Goal!/ });
  const goalAt = (await goal.locator('.when').textContent())!.trim();
  await goal.click();
  await expect(goal).toHaveAttribute('aria-current', 'true');
  await expect(guest.page.getByRole('status').filter({ hasText: 'Showing the discussion around' })).toContainText(goalAt);
  const act2 = chaptersOf(guest.page).getByRole('link', { name: /Act 2/ });
  await act2.click();
  await expect(guest.page.getByRole('status').filter({ hasText: 'Showing the discussion around' })).toContainText('45:00');
  await expect(guest.comment(text)).not.toHaveClass(/\bnear\b/);

  // Renamed and removed by the host: live for the guest too; the guest has no controls.
  await expect(chaptersOf(guest.page).getByRole('button', { name: /^Rename/ })).toHaveCount(0);
  await chapters.getByRole('button', { name: 'Rename Act 2' }).click();
  await chapters.getByLabel('New label for Act 2').fill('Second half');
  await chapters.getByRole('button', { name: 'Save' }).click();
  await expect(chaptersOf(guest.page).getByRole('link', { name: /Second half/ })).toBeVisible();
  await chapters.getByRole('button', { name: 'Remove Goal!' }).click();
  await expect(chaptersOf(guest.page).getByRole('link')).toHaveCount(1);
  await expect(stripOf(guest.page).getByTestId('pulse-marker')).toHaveCount(1);
});

test('the strip shows reactions live, says so in words, and the host sees reactions per minute', async ({ host, guest }) => {
  const text = unique('React to this');
  await guest.write(text, 'Pat Guest');
  await expect(stripOf(host.page)).toHaveAttribute('data-comments', '1');
  await guest.reaction(guest.comment(text), 'Like').click();
  await guest.reaction(guest.comment(text), 'Wow').click();
  await expect(stripOf(host.page)).toHaveAttribute('data-reactions', '2');
  await expect(panelOf(host.page).getByTestId('reactions-per-minute')).toHaveText('2');
  // The text alternative: totals, and the busiest slice as a button that shows its discussion.
  const pulse = guest.page.getByRole('region', { name: "The room's pulse" });
  await expect(pulse).toContainText('2 reactions and 1 comment so far');
  await expect(pulse).toContainText('taking one back later does not remove it');
  // (The two clicks may fall in one 5 s slice or two.)
  const busiest = pulse.getByRole('list', { name: 'Busiest moments' }).getByRole('button').first();
  await expect(busiest).toHaveAccessibleName(/^\d+:\d\d–\d+:\d\d \d reactions?, [01] comments?$/);
  await busiest.click();
  await expect(busiest).toHaveAttribute('aria-pressed', 'true');
  await expect(guest.page.getByRole('status').filter({ hasText: 'Showing the discussion around' })).toBeVisible();
  // A take-back changes the count on the comment, not the pulse.
  await guest.reaction(guest.comment(text), 'Wow').click();
  await expect(host.reaction(host.comment(text), 'Wow')).toHaveAccessibleName('Wow, 0');
  await expect(stripOf(host.page)).toHaveAttribute('data-reactions', '2');
});

test('ending the event asks first', async ({ host, guest }) => {
  await panelOf(host.page).getByRole('button', { name: 'End event' }).click();
  const dialog = host.page.getByRole('dialog', { name: 'End the event?' });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(clockOf(guest.page)).toHaveAttribute('data-clock-state', 'live');
  await panelOf(host.page).getByRole('button', { name: 'End event' }).click();
  await host.page.getByRole('dialog', { name: 'End the event?' }).getByRole('button', { name: 'End event' }).click();
  await expect(clockOf(guest.page)).toHaveAttribute('data-clock-state', 'ended');
});
