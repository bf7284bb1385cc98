import { expect, test } from './support/fixtures.js';
import { PostPage, unique } from './support/post-page.js';

test.describe('reading a long discussion', () => {
  test('a long comment starts collapsed and expands in full', async ({ viewer }) => {
    const theory = viewer.comment('Theory time');
    const expand = theory.getByRole('button', { name: 'Expand full comment' });
    await expect(expand).toHaveAttribute('aria-expanded', 'false');
    const text = theory.locator('.comment-text');
    expect(await text.evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true);

    await expand.click();
    await expect(theory.getByRole('button', { name: 'Show less' })).toHaveAttribute('aria-expanded', 'true');
    expect(await text.evaluate((el) => el.scrollHeight <= el.clientHeight + 1)).toBe(true);
    await expect(theory.getByText('If I am wrong I will happily eat my words')).toBeVisible();
  });

  test('a short comment has no expand button', async ({ viewer }) => {
    await expect(viewer.comment('THE DOOR').getByRole('button', { name: 'Expand full comment' })).toHaveCount(0);
  });

  test('a long reply list shows the first three and a button for the rest', async ({ viewer }) => {
    const replies = viewer.page.getByRole('list', { name: 'Replies to Maya Okafor' });
    await expect(replies.getByRole('article')).toHaveCount(3);
    await viewer.page.getByRole('button', { name: '1 more reply' }).click();
    await expect(replies.getByRole('article')).toHaveCount(4);
    await expect(replies.getByRole('article', { name: 'Ana Kowalczyk' })).toBeVisible();
  });

  test('an empty discussion invites the first comment', async ({ arrive }) => {
    const person = await arrive('film-club');
    await expect(person.comments.getByText('No comments yet')).toBeVisible();
    await expect(person.comments.getByText('Be the first to say something')).toBeVisible();
  });

  test('the comment list is announced politely as a log', async ({ viewer }) => {
    await expect(viewer.comments).toHaveAttribute('aria-live', 'polite');
  });
});

test.describe('being there live', () => {
  test('the post page says how many are watching now', async ({ arrive }) => {
    const first = await arrive('launch-stream');
    await expect(first.page.getByText(/^\d+ watching now$/)).toBeVisible();
    const before = Number((await first.page.getByText(/watching now$/).textContent())?.match(/\d+/)?.[0]);
    const second = await arrive('launch-stream');
    await expect(first.page.getByText(`${before + 1} watching now`)).toBeVisible();
    await second.page.context().close();
    await expect(first.page.getByText(`${before} watching now`)).toBeVisible();
  });

  test('the post list updates live: watchers, comment count', async ({ browser, arrive }) => {
    const context = await browser.newContext();
    const list = await context.newPage();
    await list.goto('/');
    const card = list.getByRole('article').filter({ has: list.getByRole('heading', { name: /Launch day/ }) });
    await expect(card).toBeVisible();
    await expect(list.getByRole('link', { name: /Launch day/ })).toBeVisible();
    const countText = (await card.getByText(/\d+ comments?/).textContent()) ?? '';
    const count = Number(countText.match(/\d+/)?.[0]);

    const person = await arrive('launch-stream');
    // (Whether the card says "Live" depends on its event: playhead.spec.ts.)
    await expect(card.getByText(/\d+ watching/)).toBeVisible();
    await person.post(unique('Liftoff soon'), 'Lobby Watcher');
    await expect(card.getByText(`${count + 1} comments`)).toBeVisible();
    await context.close();
  });

  test('when the connection drops, a banner says so, the draft stays, and missed comments arrive once', async ({
    viewer,
    otherViewer,
    network,
  }) => {
    const draft = 'A thought I am still typing';
    await viewer.composer.fill(draft);

    await network.goOffline();
    const banner = viewer.page.getByRole('status').filter({ hasText: 'Reconnecting' });
    await expect(banner).toBeVisible();
    await expect(banner).toContainText('Your draft is safe');

    const missed = unique('Said while you were away');
    await otherViewer.post(missed, 'Still Online');

    network.goOnline();
    await expect(banner).toBeHidden({ timeout: 15_000 });
    await expect(viewer.comment(missed)).toBeVisible();
    await expect(viewer.comments.getByRole('article').filter({ hasText: missed })).toHaveCount(1);
    await expect(viewer.composer).toHaveValue(draft);
  });
});

test.describe('writing while offline', () => {
  test('a comment written offline waits in the feed and goes out once when the connection returns', async ({
    viewer,
    otherViewer,
    network,
  }) => {
    await viewer.post(unique('Online first'), 'Offline Writer');
    await network.goOffline();
    await expect(viewer.page.getByRole('status').filter({ hasText: 'Reconnecting' })).toBeVisible();

    const text = unique('Typed in a tunnel');
    await viewer.write(text);
    const mine = viewer.comment(text);
    await expect(mine.getByText('Waiting for the connection…')).toBeVisible();
    await expect(otherViewer.comment(text)).toHaveCount(0);

    network.goOnline();
    await expect(mine.getByText('Waiting for the connection…')).toHaveCount(0, { timeout: 15_000 });
    await expect(mine.getByText('Sending…')).toHaveCount(0);
    await expect(otherViewer.comment(text)).toBeVisible();
    await expect(otherViewer.comments.getByRole('article').filter({ hasText: text })).toHaveCount(1);
    await expect(viewer.comments.getByRole('article').filter({ hasText: text })).toHaveCount(1);
  });
});

test.describe('reacting on a flaky connection', () => {
  test('a click whose answer is lost when the connection drops stays pressed and is saved once it returns', async ({
    viewer,
    otherViewer,
    network,
  }) => {
    const text = unique('Like me through a tunnel');
    const mine = await viewer.post(text, 'Unlucky Clicker');
    const like = viewer.reaction(mine, 'Like');
    const theirs = otherViewer.reaction(otherViewer.comment(text), 'Like');
    await expect(theirs).toContainText('0');

    // Every state the button shows from here on, so "stays pressed" is watched, not sampled.
    await viewer.comments.evaluate((log, text) => {
      const shown: string[] = [];
      (window as unknown as { likeShown: string[] }).likeShown = shown;
      const look = () => {
        const article = [...log.querySelectorAll('article')].find((a) => a.textContent?.includes(text));
        const state = article?.querySelector('button[aria-label^="Like, "]')?.getAttribute('aria-pressed') ?? 'gone';
        if (shown.at(-1) !== state) shown.push(state);
      };
      look();
      new MutationObserver(look).observe(log, { subtree: true, childList: true, attributes: true });
    }, text);

    // The route between page and server loses the click's receipt and drops the
    // connection with it: the server has stored the click, the page never heard so.
    const lost = network.nextReceipt({ lose: true });
    const resent = network.nextReceipt();
    await like.click();
    expect(await lost).toContain('"ok":true');

    await expect(theirs).toContainText('1');
    await expect(viewer.page.getByRole('status').filter({ hasText: 'Reconnecting' })).toBeHidden({ timeout: 15_000 });
    const notSaved = viewer.page.getByText('Your reaction was not saved');
    await expect(notSaved).toHaveCount(0);
    // Back online, the page sends the wanted state again; the server already had it.
    const answer = await resent;
    expect(answer).toContain('"ok":true');
    expect(answer).toContain('"active":true');
    expect(answer).toContain('"like":1');

    await expect(like).toHaveAttribute('aria-pressed', 'true');
    await expect(like).toContainText('1');
    await expect(theirs).toContainText('1');
    await expect(notSaved).toHaveCount(0);
    expect(await viewer.page.evaluate(() => (window as unknown as { likeShown: string[] }).likeShown)).toEqual([
      'false',
      'true',
    ]);
  });
});

test.describe('looks and layout', () => {
  test.describe('in dark mode', () => {
    test.use({ colorScheme: 'dark' });

    test('the page uses the dark palette', async ({ viewer }) => {
      const colours = await viewer.page.evaluate(() => ({
        bg: getComputedStyle(document.body).backgroundColor,
        text: getComputedStyle(document.body).color,
      }));
      expect(colours.bg).toBe('rgb(18, 19, 21)');
      expect(colours.text).toBe('rgb(232, 231, 228)');
    });
  });

  test.describe('on a 375px phone', () => {
    test.use({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });

    test('nothing scrolls sideways and posting works', async ({ viewer }) => {
      const overflow = () => viewer.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(await overflow()).toBeLessThanOrEqual(0);
      // One endless word must wrap, not widen the page: in the box and once posted.
      await viewer.composer.fill('w'.repeat(400));
      expect(await overflow()).toBeLessThanOrEqual(0);
      const text = unique('Typed on a phone ' + 'w'.repeat(200));
      await viewer.post(text, 'Phone Person');
      await expect(viewer.comment(text)).toBeVisible();
      expect(await overflow()).toBeLessThanOrEqual(0);

      await viewer.page.goto('/');
      expect(await overflow()).toBeLessThanOrEqual(0);
    });
  });

  test('keyboard focus is visible on reactions', async ({ viewer }) => {
    const like = viewer.reaction(viewer.comment('THE DOOR'), 'Like');
    await like.focus();
    await viewer.page.keyboard.press('Shift+Tab');
    await viewer.page.keyboard.press('Tab');
    await expect(like).toBeFocused();
    const outline = await like.evaluate((el) => getComputedStyle(el).outlineStyle);
    expect(outline).not.toBe('none');
  });

  test('a post that does not exist is a readable 404', async ({ page }) => {
    const res = await page.goto('/posts/no-such-post');
    expect(res?.status()).toBe(404);
    await expect(page.getByRole('heading', { name: 'Nothing here' })).toBeVisible();
  });
});

test('the page renders without JavaScript', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/posts/finale-watch-along');
  const person = new PostPage(page);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('The Lighthouse Keeper');
  await expect(person.comment('THE DOOR')).toBeVisible();
  await context.close();
});
