/**
 * The comment tools in two browsers: my edit and my delete reach another
 * viewer live; a link in a comment shows its host and opens in a new tab
 * with rel="nofollow ugc noopener noreferrer"; the report dialog takes a reason.
 */
import { join, resolve } from 'node:path';
import { expect, test } from './support/fixtures.js';
import { unique } from './support/post-page.js';

const screenshots = resolve(import.meta.dirname, '../../docs/screenshots');

test('an edit and a delete reach another viewer live; links open safely in a new tab; reporting asks why', async ({ viewer, otherViewer, baseURL }) => {
  const words = unique('That scene was filmed at the old lighthouse');
  const url = `${baseURL}/healthz`;
  // The page shows the link by its host, so the comment is found by its words.
  await viewer.write(`${words}, see ${url} for the location`, 'Edda Editor');
  // Held by its stored id from here (the pending copy's is pending-…): while it is edited its text is in a text box.
  await expect(viewer.comment(words)).toHaveAttribute('data-comment-id', /^c/);
  const id = await viewer.comment(words).getAttribute('data-comment-id');
  const mine = viewer.comments.locator(`article[data-comment-id="${id}"]`);
  const seen = otherViewer.comments.locator(`article[data-comment-id="${id}"]`);
  await expect(seen).toContainText(words);

  // Edit in place: the other viewer sees the new text and "edited" without a reload.
  await mine.getByRole('button', { name: 'Edit your comment' }).click();
  const box = mine.getByRole('textbox', { name: 'Edit your comment' });
  await expect(box).toBeFocused();
  await box.fill(`${words} (the north one), see ${url} for the location`);
  await mine.getByRole('button', { name: 'Save' }).click();
  await expect(seen).toContainText('(the north one)');
  await expect(seen.getByText('edited', { exact: true })).toBeVisible();
  await expect(mine.getByText('edited', { exact: true })).toBeVisible();

  // The link shows its host, and nothing of the board goes with it.
  const link = seen.getByRole('link', { name: /^127\.0\.0\.1/ });
  await expect(link).toHaveAttribute('href', url);
  await expect(link).toHaveAttribute('rel', 'nofollow ugc noopener noreferrer');
  await expect(link).toHaveAttribute('target', '_blank');

  // Reporting someone else's comment asks for a reason from the list.
  await seen.getByRole('button', { name: 'Report Edda Editor’s comment' }).click();
  const dialog = otherViewer.page.getByRole('dialog', { name: 'Report Edda Editor’s comment' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Report' })).toBeDisabled();
  await dialog.getByRole('radio', { name: 'Spoiler' }).check();
  await seen.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await otherViewer.page.screenshot({ path: join(screenshots, 'comment-tools.png') });
  await dialog.getByRole('button', { name: 'Report' }).click();
  await expect(dialog.getByRole('status')).toHaveText('Thanks. The facilitators will review it.');
  await dialog.getByRole('button', { name: 'Done' }).click();

  const [tab] = await Promise.all([otherViewer.page.context().waitForEvent('page'), link.click()]);
  await tab.waitForLoadState();
  expect(tab.url()).toBe(url);
  expect(await tab.evaluate(() => window.opener)).toBeNull();
  await tab.close();

  // Delete: gone for everyone, live (a deleted comment nobody answered leaves no tombstone on the page).
  await mine.getByRole('button', { name: 'Delete your comment' }).click();
  await viewer.page.getByRole('dialog', { name: 'Delete your comment?' }).getByRole('button', { name: 'Delete comment' }).click();
  await expect(seen).toHaveCount(0);
  await expect(otherViewer.comments.getByText(words)).toHaveCount(0);
});
