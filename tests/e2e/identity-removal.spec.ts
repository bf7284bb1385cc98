import { expect, test } from './support/facilitation.js';
import { unique } from './support/post-page.js';

test('removing a participant with their address keeps a fresh guest from that address out, and the dialog says who else it affects', async ({
  facilitator,
  participant,
  browser,
}) => {
  const text = unique('Back with a new name');
  await participant.post(text, 'Spammer');
  await facilitator.moderate(facilitator.comment(text), 'Remove participant');
  const dialog = facilitator.page.getByRole('dialog');
  const option = dialog.getByRole('checkbox', { name: /Also block their network address for this discussion/ });
  await expect(option).not.toBeChecked();
  await expect(dialog.getByText(/Everyone sharing that address .* is blocked here too/)).toBeVisible();
  await option.check();
  await dialog.getByRole('button', { name: 'Remove Spammer' }).click();
  await expect(dialog).toHaveCount(0);

  // A new browser (new guest session, same address) on the same discussion.
  const context = await browser.newContext();
  try {
    const fresh = await context.newPage();
    await fresh.goto(`/posts/${facilitator.postId}`);
    await expect(fresh.getByText('A facilitator removed you from this discussion')).toBeVisible();
    await expect(fresh.getByRole('textbox', { name: 'Write a comment' })).toHaveCount(0);
  } finally {
    await context.close();
  }
});
