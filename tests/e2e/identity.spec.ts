import { expect, test } from './support/fixtures.js';
import { BoardClient } from './support/board-socket.js';
import { unique } from './support/post-page.js';

test.describe('a strict Content-Security-Policy', () => {
  test('pages carry it, and the board still works under it: scripts, styles, the live socket', async ({ viewer, otherViewer }) => {
    const violations: string[] = [];
    viewer.page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
    const res = await viewer.page.reload();
    const csp = res?.headers()['content-security-policy'] ?? '';
    // Hashes, not nonces: a post page may be one shared copy (realtime/src/http/shared-pages.ts).
    expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toContain('nonce-');
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(csp).toContain("object-src 'none'");

    // Hydrated and connected (the name field appears once the server said who we are), and live.
    await expect(viewer.nameField).toBeVisible();
    const text = unique('Under a strict policy');
    const mine = await viewer.post(text, 'Policy Person');
    await expect(otherViewer.comment(text)).toBeVisible();
    // Svelte's style attributes apply: the avatar has its colour.
    const colour = await mine.locator('.avatar').first().evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(colour).not.toBe('rgba(0, 0, 0, 0)');
    expect(violations).toEqual([]);
  });
});

test.describe('reacting needs a name', () => {
  test('a nameless person who reacts is asked for a name, and the click is kept', async ({ viewer, otherViewer }) => {
    const text = unique('React to this once named');
    const theirs = await otherViewer.post(text, 'Poster Person');
    const comment = viewer.comment(text);
    await expect(comment).toBeVisible();

    await viewer.reaction(comment, 'Like').click();
    const dialog = viewer.page.getByRole('dialog', { name: 'Choose a name to react' });
    await expect(dialog).toBeVisible();
    // Shown as pressed while the name is asked for.
    await expect(viewer.reaction(comment, 'Like')).toHaveAttribute('aria-pressed', 'true');
    await dialog.getByLabel('Your name').fill('Newly Named');
    await dialog.getByRole('button', { name: 'Save and react' }).click();
    await expect(dialog).toHaveCount(0);
    await expect(viewer.reaction(comment, 'Like')).toContainText('1');
    await expect(otherViewer.reaction(theirs, 'Like')).toContainText('1');

    // Stored: still pressed after a reload, and the name is kept for the composer.
    await viewer.page.reload();
    await expect(viewer.reaction(viewer.comment(text), 'Like')).toHaveAttribute('aria-pressed', 'true');
  });

  test('cancelling the name prompt takes the click back', async ({ viewer, otherViewer }) => {
    const text = unique('Not reacting after all');
    await otherViewer.post(text, 'Poster Person');
    const comment = viewer.comment(text);
    await viewer.reaction(comment, 'Wow').click();
    const dialog = viewer.page.getByRole('dialog', { name: 'Choose a name to react' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(viewer.reaction(comment, 'Wow')).toHaveAttribute('aria-pressed', 'false');
  });
});

test.describe('combining marks', () => {
  test('a comment of thousands of combining marks does not widen the page or draw over others', async ({ baseURL, arrive }) => {
    const author = await BoardClient.connect(baseURL!, 'Mark Maker');
    try {
      const created = await author.createPost('Marks');
      // Different marks on one letter: Chromium lays a run of them out side by side (8,605 px wide unclipped).
      const marks = `Z${Array.from({ length: 4_996 }, (_, i) => String.fromCodePoint(0x300 + (i % 0x6f))).join('')}`;
      await author.comment(created.post.id, marks);
      await author.comment(created.post.id, 'The comment below the marks');
      const reader = await arrive(created.post.id);
      await expect(reader.comment('The comment below the marks')).toBeVisible();
      const { scrollWidth, innerWidth } = await reader.page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
      }));
      expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
      const box = await reader.comments.locator('.comment-text').filter({ hasText: /^Z/ }).first().boundingBox();
      expect(box?.height ?? 0).toBeLessThan(120);
    } finally {
      author.close();
    }
  });
});
