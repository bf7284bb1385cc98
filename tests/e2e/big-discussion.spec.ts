/**
 * A discussion with tens of thousands of comments opens on its newest page,
 * loads earlier ones and longer reply lists on request, and stays live.
 * The post is seeded through the store at the second board's start (support/big-post.ts).
 */
import { expect, test, type Page } from '@playwright/test';
import { BoardClient } from './support/board-socket.js';
import { BIG_POST_COMMENTS, BIG_POST_ID, bigBoardURL } from './support/big-post.js';

const PAGE = 30;

test.describe(`a discussion with ${BIG_POST_COMMENTS.toLocaleString('en-US')} comments`, () => {
  test.beforeAll(async () => {
    // The board answers /healthz before its start-up seed is written; seeding takes seconds on a busy machine.
    test.setTimeout(90_000);
    await expect
      .poll(
        async () => {
          const res = await fetch(`${bigBoardURL()}/api/posts`).catch(() => null);
          const list = res?.ok ? ((await res.json()) as { posts: { id: string; commentCount: number }[] }) : null;
          return list?.posts.find((p) => p.id === BIG_POST_ID)?.commentCount ?? 0;
        },
        { timeout: 60_000 },
      )
      .toBe(BIG_POST_COMMENTS);
  });

  const open = async (page: Page) => {
    await page.goto(`${bigBoardURL()}/posts/${BIG_POST_ID}`);
    const threads = page.getByRole('log', { name: 'Comments' }).locator(':scope > ol > li');
    await expect(threads).toHaveCount(PAGE);
    // Enabled once the page has joined the discussion.
    const earlier = page.getByRole('button', { name: /^Load earlier comments \([\d,]+\)$/ });
    await expect(earlier).toBeEnabled();
    return { threads, earlier };
  };

  test('opens on the newest page and loads earlier threads, focus going on to them', async ({ page }) => {
    const { threads, earlier } = await open(page);
    await expect(page.getByRole('heading', { name: /^Discussion/ })).toContainText(String(BIG_POST_COMMENTS));

    const count = async () => Number((await earlier.textContent())!.replace(/[^\d]/g, ''));
    const before = await count();
    expect(before).toBeGreaterThan(PAGE);
    const lastShown = await threads.last().getByRole('article').first().getAttribute('data-comment-id');
    await earlier.click();
    await expect(threads).toHaveCount(2 * PAGE);
    await expect(earlier).toHaveText(`Load earlier comments (${(before - PAGE).toLocaleString('en-US')})`);
    // Keyboard focus goes on to the first thread that came, right after the last one shown before.
    await expect(threads.nth(PAGE).getByRole('article').first()).toBeFocused();
    await expect(threads.nth(PAGE - 1).getByRole('article').first()).toHaveAttribute('data-comment-id', lastShown!);
  });

  test('fetches the rest of a long thread and stays live', async ({ page }) => {
    const { threads, earlier } = await open(page);
    await earlier.click();
    await expect(threads).toHaveCount(2 * PAGE);
    // A long thread shows its first replies; the rest come from the server.
    const moreButton = page.getByRole('button', { name: /^\d+ more replies$/ });
    const rootId = await threads.filter({ has: moreButton }).first().getByRole('article').first().getAttribute('data-comment-id');
    const thread = threads.filter({ has: page.locator(`article[data-comment-id="${rootId}"]`) });
    const more = thread.getByRole('button', { name: /^\d+ more replies$/ });
    const hidden = Number((await more.textContent())!.replace(/[^\d]/g, ''));
    const shownReplies = await thread.getByRole('listitem').count();
    await more.click();
    await expect(thread.getByRole('listitem')).toHaveCount(shownReplies + Math.min(hidden, 100));

    // Live: another person's new comment appears at the top.
    const other = await BoardClient.connect(bigBoardURL(), 'Late Arrival');
    try {
      await other.join(BIG_POST_ID);
      await page.evaluate(() => window.scrollTo(0, 0));
      await other.comment(BIG_POST_ID, 'Just got here, what did I miss?');
      await expect(threads.first()).toContainText('Just got here, what did I miss?');
      await expect(page.getByRole('heading', { name: /^Discussion/ })).toContainText(String(BIG_POST_COMMENTS + 1));
    } finally {
      other.close();
    }
  });
});
