import { expect, test } from './support/fixtures.js';
import { unique } from './support/post-page.js';

test.describe('writing a comment', () => {
  test('an empty comment is refused with a message', async ({ viewer }) => {
    await viewer.postButton.click();
    await expect(viewer.alert).toHaveText('Write something before posting');
  });

  test('a whitespace-only comment is refused and the text is kept', async ({ viewer }) => {
    await viewer.composer.fill('   \n\n   ');
    await viewer.postButton.click();
    await expect(viewer.alert).toHaveText('Write something before posting');
    await expect(viewer.composer).toHaveValue('   \n\n   ');
  });

  test('a comment over 5,000 characters is refused, says the limit, and keeps the text', async ({ viewer }) => {
    const long = 'a'.repeat(5_001);
    await viewer.composer.fill(long);
    await expect(viewer.page.getByText('1 over the 5,000-character limit')).toBeVisible();
    await viewer.postButton.click();
    await expect(viewer.alert).toHaveText('Comments are limited to 5,000 characters');
    await expect(viewer.composer).toHaveValue(long);
  });

  test('a counter appears near the limit', async ({ viewer }) => {
    await viewer.composer.fill('b'.repeat(4_800));
    await expect(viewer.page.getByText('4,800 / 5,000')).toBeVisible();
  });

  test('markup in a comment is shown as text and never runs', async ({ viewer, otherViewer }) => {
    const tag = unique('xss');
    const hostile = `<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> ${tag}`;
    await viewer.post(hostile, 'Mallory');

    for (const person of [viewer, otherViewer]) {
      const comment = person.comment(tag);
      await expect(comment).toContainText('<script>window.__pwned = 1</script>');
      await expect(comment).toContainText('<img src=x onerror="window.__pwned = 2">');
      await expect(comment.locator('img, script')).toHaveCount(0);
      expect(await person.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    }
  });

  test('Ctrl+Enter posts, and the new comment shows at once', async ({ viewer }) => {
    const text = unique('Posted from the keyboard');
    await viewer.composer.fill(text);
    if (await viewer.nameField.isVisible()) await viewer.nameField.fill('Keys');
    await viewer.composer.press('Control+Enter');
    await expect(viewer.comment(text)).toBeVisible();
    await expect(viewer.composer).toHaveValue('');
  });

  test('paragraphs in a comment stay paragraphs', async ({ viewer }) => {
    const tag = unique('para');
    await viewer.write(`First thought ${tag}.\n\nSecond thought.`, 'Writer');
    const comment = viewer.comment(tag);
    await expect(comment.locator('p', { hasText: 'First thought' })).toHaveCount(1);
    await expect(comment.locator('p', { hasText: 'Second thought.' })).toHaveCount(1);
  });
});
