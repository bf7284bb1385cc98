/**
 * Reaction counts for screen readers: each button is named by what it means and
 * the count it shows, and changes by other people to comments on screen are
 * announced politely through the page's one live region: never the person's
 * own click, nothing for comments out of view, at most one announcement per
 * REACTION_ANNOUNCE_INTERVAL_MS, a storm told in a few messages.
 */
import type { Page } from '@playwright/test';
import type { Comment } from '@board/shared';
import { BoardClient } from './support/board-socket.js';
import { expect, test } from './support/fixtures.js';
import { unique } from './support/post-page.js';

/** web/src/lib/announcer/reaction-announcer.svelte.ts */
const INTERVAL_MS = 5_000;

interface Said {
  text: string;
  /** performance.now() in the page, in ms. */
  at: number;
}

/** Starts recording every text the reaction live region takes. */
async function listen(page: Page): Promise<() => Promise<Said[]>> {
  const region = page.locator('#reaction-announcements');
  await expect(region).toHaveAttribute('role', 'status');
  await region.evaluate((el) => {
    const said: Said[] = [];
    (window as unknown as { said: Said[] }).said = said;
    new MutationObserver(() => said.push({ text: el.textContent?.trim() ?? '', at: performance.now() })).observe(el, {
      childList: true,
      characterData: true,
      subtree: true,
    });
  });
  return () => page.evaluate(() => (window as unknown as { said: Said[] }).said.filter((s) => s.text !== ''));
}

const people = (baseURL: string, ...names: string[]) => Promise.all(names.map((name) => BoardClient.connect(baseURL, name)));

test('a reaction button is named by its meaning and its count, and keeps aria-pressed', async ({ viewer }) => {
  const mine = await viewer.post(unique('Named buttons'), 'Nia Named');
  const like = viewer.reaction(mine, 'Like');
  await expect(like).toHaveAccessibleName('Like, 0');
  await expect(like).toHaveAttribute('aria-pressed', 'false');
  await like.click();
  await expect(like).toHaveAccessibleName('Like, 1');
  await expect(like).toHaveAttribute('aria-pressed', 'true');
});

test("someone else's reaction is announced with the count; my own click is not", async ({ arrive, baseURL }) => {
  const [ines, kofi] = await people(baseURL!, 'Ines Duarte', 'Kofi Mensah');
  const { post } = await ines!.createPost(unique('Announced'));
  const comment = await ines!.comment(post.id, 'The aurora in the opening titles.');

  const viewer = await arrive(post.id);
  await viewer.post(unique('Hello from the sofa'), 'Vera Viewer');
  const said = await listen(viewer.page);
  const theirs = viewer.comment('The aurora');

  await viewer.reaction(theirs, 'Like').click();
  await expect(viewer.reaction(theirs, 'Like')).toHaveAccessibleName('Like, 1');
  await kofi!.react(post.id, comment.id, 'love');
  await expect(viewer.reaction(theirs, 'Love')).toHaveAccessibleName('Love, 1');

  await expect(viewer.page.locator('#reaction-announcements')).toHaveText("Ines Duarte's comment: Love 1.");
  expect((await said()).map((s) => s.text)).toEqual(["Ines Duarte's comment: Love 1."]);
  for (const client of [ines, kofi]) client!.close();
});

test('reactions to a comment out of view are not announced, then are once it is in view', async ({ arrive, baseURL }) => {
  const [ines, kofi] = await people(baseURL!, 'Ines Duarte', 'Kofi Mensah');
  const { post } = await ines!.createPost(unique('Scrolled'));
  const oldest = await ines!.comment(post.id, 'Oldest comment, far below.');
  for (let i = 1; i <= 10; i++) await ines!.comment(post.id, `Filler comment number ${i}, to push the oldest down.`);
  const newest = await kofi!.comment(post.id, 'Newest comment, at the top.');

  const viewer = await arrive(post.id);
  const below = viewer.comment('Oldest comment');
  const top = viewer.comment('Newest comment');
  await expect(below).not.toBeInViewport();
  await expect(top).toBeInViewport();
  const said = await listen(viewer.page);

  await kofi!.react(post.id, oldest.id, 'like');
  await expect(viewer.reaction(below, 'Like')).toHaveAccessibleName('Like, 1');
  await ines!.react(post.id, newest.id, 'wow');
  await expect(viewer.page.locator('#reaction-announcements')).toHaveText("Kofi Mensah's comment: Wow 1.");

  // In view, the like it got out of view is not news; a new reaction is.
  await below.scrollIntoViewIfNeeded();
  await expect(below).toBeInViewport();
  await kofi!.react(post.id, oldest.id, 'love');
  await expect(viewer.page.locator('#reaction-announcements')).toHaveText("Ines Duarte's comment: Love 1.", {
    timeout: INTERVAL_MS + 5_000,
  });
  expect((await said()).map((s) => s.text)).toEqual(["Kofi Mensah's comment: Wow 1.", "Ines Duarte's comment: Love 1."]);
  for (const client of [ines, kofi]) client!.close();
});

test('a storm of reactions is told at most once per interval, in few words', async ({ arrive, baseURL }) => {
  const [host, ...crowd] = await people(baseURL!, 'Rosa Host', 'Ana', 'Ben', 'Cai', 'Dee', 'Eli');
  const { post } = await host!.createPost(unique('Storm'));
  const comments: Comment[] = [];
  for (const text of ['First to the storm', 'Second to the storm', 'Third to the storm']) comments.push(await host!.comment(post.id, text));

  const viewer = await arrive(post.id);
  // Tall enough that all three are on screen below the composer.
  await viewer.page.setViewportSize({ width: 1280, height: 1600 });
  for (const c of comments) await expect(viewer.comment(c.body)).toBeInViewport();
  const said = await listen(viewer.page);

  const wave = (kind: 'like' | 'love') =>
    Promise.all(crowd.flatMap((person) => comments.map((c) => person!.react(post.id, c.id, kind))));
  await wave('like');
  for (const c of comments) await expect(viewer.reaction(viewer.comment(c.body), 'Like')).toHaveAccessibleName('Like, 5');
  await wave('love');
  for (const c of comments) await expect(viewer.reaction(viewer.comment(c.body), 'Love')).toHaveAccessibleName('Love, 5');

  // Wait until the announcer has told the last change and then been quiet for an interval.
  const quietAt = await viewer.page.evaluate(() => performance.now());
  await expect
    .poll(async () => {
      const all = await said();
      const now = await viewer.page.evaluate(() => performance.now());
      return all.length > 0 && all.at(-1)!.at > quietAt - INTERVAL_MS && now - all.at(-1)!.at > INTERVAL_MS;
    }, { timeout: 3 * INTERVAL_MS, intervals: [500] })
    .toBe(true);

  const all = await said();
  // 30 count changes on three comments, told in a handful of messages, never two within an interval.
  expect(all.length).toBeGreaterThanOrEqual(1);
  expect(all.length).toBeLessThanOrEqual(4);
  for (let i = 1; i < all.length; i++) expect(all[i]!.at - all[i - 1]!.at).toBeGreaterThanOrEqual(INTERVAL_MS - 20);
  for (const { text } of all) expect(text).toMatch(/^New reactions on 3 comments\.$|^(Rosa Host's comment: [^.]+\. ?){1,2}$/);
  expect(all.at(-1)!.text).toMatch(/Love 5|New reactions on 3 comments/);
  for (const client of [host, ...crowd]) client!.close();
});
