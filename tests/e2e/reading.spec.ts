import { expect, test } from './support/fixtures.js';
import { BoardClient } from './support/board-socket.js';
import { PostPage, unique } from './support/post-page.js';

/** A few hundred comments, written straight over the socket (the e2e server scales rate limits up). */
const SEEDED = 240;

test.describe('a long discussion', () => {
  let host: BoardClient;
  let postId: string;
  let firstCommentId: string;

  test.beforeEach(async ({ baseURL }) => {
    host = await BoardClient.connect(baseURL!, 'Long Host');
    const created = await host.createPost(unique('A very long discussion'));
    postId = created.post.id;
    for (let i = 1; i <= SEEDED; i++) {
      const comment = await host.comment(postId, `Seeded comment number ${i}.`);
      if (i === 1) firstCommentId = comment.id;
    }
  });

  test.afterEach(() => host.close());

  test('shows 30 threads first and loads more on request; pins and live comments still work', async ({ arrive }) => {
    const reader = await arrive(postId);
    await expect(reader.comments.getByRole('article')).toHaveCount(30);
    await expect(reader.comment(`Seeded comment number ${SEEDED}.`)).toBeVisible();
    await expect(reader.comments.getByText('Seeded comment number 1.', { exact: true })).toHaveCount(0);

    await reader.page.getByRole('button', { name: /^Load earlier comments \(\d+\)$/ }).click();
    await expect(reader.comments.getByRole('article')).toHaveCount(60);

    // The oldest comment is pages away, but a pin shows it at the top at once.
    await host.pin(postId, firstCommentId);
    const pinned = reader.page.getByRole('region', { name: 'Pinned comments' });
    await expect(pinned.getByRole('article')).toContainText('Seeded comment number 1.');

    // Back at the top of the list, a new comment simply appears.
    await reader.page.evaluate(() => window.scrollTo(0, 0));
    await host.comment(postId, 'Live after paging');
    await expect(reader.comment('Live after paging')).toBeVisible();
    await expect(reader.page.getByRole('button', { name: /new comments?$/ })).toHaveCount(0);
  });

  test('while reading further down, new comments wait behind a pill', async ({ arrive }) => {
    const reader = await arrive(postId);
    const anchor = reader.comment(`Seeded comment number ${SEEDED - 20}.`);
    await anchor.scrollIntoViewIfNeeded();
    const scrolledTo = () => reader.page.evaluate(() => window.scrollY);
    const top = await scrolledTo();
    await reader.page.mouse.wheel(0, 200);
    // mouse.wheel returns before the page has scrolled: measured too early, the anchor
    // later seemed to move by exactly those 200 px (a fresh-clone run).
    await expect.poll(scrolledTo).toBeGreaterThan(top);
    const before = await anchor.boundingBox();

    await host.comment(postId, 'Arrived while reading one');
    await host.comment(postId, 'Arrived while reading two');
    const pill = reader.page.getByRole('button', { name: '2 new comments' });
    await expect(pill).toBeVisible();
    // What the reader was reading did not move, and the new ones are not in the list yet.
    expect((await anchor.boundingBox())?.y).toBe(before?.y);
    await expect(reader.comment('Arrived while reading two')).toHaveCount(0);

    await pill.click();
    await expect(pill).toHaveCount(0);
    await expect(reader.comment('Arrived while reading two')).toBeInViewport();
    await expect(reader.comment('Arrived while reading one')).toBeVisible();
  });

  test('sorts by Top or New, remembers the choice, and stays live', async ({ arrive }) => {
    const popular = await host.comment(postId, 'The most liked comment');
    await host.comment(postId, 'A newer, quieter comment');
    await host.react(postId, popular.id, 'like');
    const reader = await arrive(postId);
    const sort = reader.page.getByRole('group', { name: 'Sort comments' });
    const first = reader.comments.getByRole('article').first();
    await expect(first).toContainText('A newer, quieter comment');

    await sort.getByRole('button', { name: 'Top' }).click();
    await expect(sort.getByRole('button', { name: 'Top' })).toHaveAttribute('aria-pressed', 'true');
    await expect(first).toContainText('The most liked comment');

    // A new comment still arrives (ties sort newest first, below the liked one).
    await host.comment(postId, 'Live while sorted by top');
    await expect(reader.comments.getByRole('article').nth(1)).toContainText('Live while sorted by top');

    await reader.page.reload();
    await expect(sort.getByRole('button', { name: 'Top' })).toHaveAttribute('aria-pressed', 'true');
    await expect(first).toContainText('The most liked comment');
    await sort.getByRole('button', { name: 'New' }).click();
    await expect(first).toContainText('Live while sorted by top');
  });
});

test('commenting and reacting with the keyboard only', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const person = new PostPage(page);
  await person.open('launch-stream');

  const tabTo = async (target: ReturnType<typeof page.getByRole>) => {
    for (let i = 0; i < 60; i++) {
      if (await target.evaluate((el) => el === document.activeElement)) return;
      await page.keyboard.press('Tab');
    }
    throw new Error('Could not reach the element with Tab');
  };

  await tabTo(person.nameField);
  await page.keyboard.type('Keyboard Kim');
  await page.keyboard.press('Tab');
  await expect(person.composer).toBeFocused();
  const text = unique('Typed without a mouse');
  await page.keyboard.type(text);
  await page.keyboard.press('Tab');
  await expect(person.postButton).toBeFocused();
  await page.keyboard.press('Enter');
  const mine = person.comment(text);
  await expect(mine.getByText('Sending…')).toHaveCount(0);

  const like = person.reaction(mine, 'Like');
  await tabTo(like);
  await page.keyboard.press('Space');
  await expect(like).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('Enter');
  await expect(like).toHaveAttribute('aria-pressed', 'false');

  // Ctrl+Enter posts from the text box too.
  await tabTo(person.composer);
  await page.keyboard.type(`${text} again`);
  await page.keyboard.press('Control+Enter');
  await expect(person.comment(`${text} again`)).toBeVisible();
  await context.close();
});
