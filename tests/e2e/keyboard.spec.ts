/**
 * A whole watch-along with the keyboard only (Tab, Shift+Tab, Enter, Space,
 * Escape and typing): every control is reached by Tab, named as a screen
 * reader names it, shows where focus is, and lets focus go again.
 */
import type { Browser } from '@playwright/test';
import { BoardClient } from './support/board-socket.js';
import { expect, test } from './support/fixtures.js';
import { KeyboardUser } from './support/keyboard.js';
import { PostPage, unique } from './support/post-page.js';

/** Threads on the first page of a discussion (web Discussion.svelte). */
const PAGE_SIZE = 30;

interface KeyboardScene {
  postId: string;
  title: string;
  facilitatorLink: string;
}

/**
 * A discussion with more threads than one page, a long comment, and a thread
 * with replies folded behind "N more replies". The newest (the long comment and
 * the thread) come first.
 */
async function buildScene(baseURL: string, fillers: number): Promise<KeyboardScene> {
  const [host, ana, ines, kofi, hana] = await Promise.all(
    ['Rosa Host', 'Ana Filler', 'Ines Duarte', 'Kofi Mensah', 'Hana Sato'].map((name) => BoardClient.connect(baseURL, name)),
  );
  const title = unique('Keyboard watch-along');
  const { post, facilitatorToken } = await host!.createPost(title, 'Every control, no mouse.');
  for (let i = 1; i <= fillers; i++) await ana!.comment(post.id, `Filler comment ${i}.`);
  const sentence = 'The lighthouse keeper hums the same four notes every time the fog rolls in, and nobody on the boat remarks on it. ';
  await ines!.comment(post.id, `${sentence.repeat(4)}\n\n${sentence.repeat(4)}\n\nSurely that is the key to the whole season.`);
  const root = await kofi!.comment(post.id, 'Who else saw the second lighthouse?');
  for (const [who, text] of [
    [hana, 'I did, left of the pier.'],
    [ines, 'It has no lamp at all.'],
    [hana, 'So it is not a lighthouse.'],
    [ines, 'Or it is the one from the book.'],
    [hana, 'Fifth reply, folded at first.'],
  ] as const) {
    await who!.comment(post.id, text, root.id);
  }
  for (const client of [host, ana, ines, kofi, hana]) client!.close();
  return { postId: post.id, title, facilitatorLink: `/posts/${post.id}#facilitator=${encodeURIComponent(facilitatorToken)}` };
}

/** A new person (own browser context) with the keyboard as their only input. */
async function keyboardPerson(browser: Browser, path: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(path);
  return { context, page, kb: new KeyboardUser(page), person: new PostPage(page) };
}

test('from the post list, a participant opens a discussion, comments and reacts with the keyboard only', async ({ browser, baseURL }) => {
  const scene = await buildScene(baseURL!, 0);
  const { context, page, kb, person } = await keyboardPerson(browser, '/');
  await kb.tabTo(page.getByRole('link', { name: 'Skip to content' }), { max: 1 });
  await kb.tabTo(page.getByRole('link', { name: 'New discussion' }));
  await kb.tabTo(page.getByRole('link', { name: scene.title }));
  await kb.press('Enter');
  await page.waitForURL(`**/posts/${scene.postId}`);
  await expect(person.postButton).toBeEnabled();

  // A comment, with the name asked once.
  await kb.tabTo(person.nameField);
  await kb.type('Keyboard Kim');
  await kb.tabTo(person.composer);
  const text = unique('Typed without a mouse');
  await kb.type(text);
  await kb.tabTo(person.postButton);
  await kb.press('Enter');
  await expect(person.comment(text).getByText('Sending…')).toHaveCount(0);

  const like = person.reaction(person.comment('Who else saw the second lighthouse?'), 'Like');
  await kb.tabTo(like);
  await kb.press('Space');
  await expect(like).toHaveAttribute('aria-pressed', 'true');
  await expect(like).toHaveAccessibleName('Like, 1');
  await context.close();
});

test('a participant unfolds replies and replies with the keyboard only', async ({ browser, baseURL }) => {
  const scene = await buildScene(baseURL!, 0);
  const { context, page, kb, person } = await keyboardPerson(browser, `/posts/${scene.postId}`);
  await expect(person.postButton).toBeEnabled();

  await kb.tabTo(page.getByRole('button', { name: '2 more replies' }));
  await kb.press('Enter');
  await expect(person.comments.getByText('Fifth reply, folded at first.')).toBeVisible();

  // The reply box takes focus; the name it asks for sits just before it.
  const replyBox = page.getByRole('textbox', { name: 'Write a reply' });
  const replyForm = page.locator('form').filter({ has: replyBox });
  await kb.tabTo(page.getByRole('button', { name: 'Reply to Kofi Mensah' }), { back: true });
  await kb.press('Enter');
  await kb.expectVisibleFocus(replyBox);
  await kb.tabTo(replyForm.getByLabel('Your name'), { back: true, max: 1 });
  await kb.type('Keyboard Kim');
  await kb.tabTo(replyBox, { max: 1 });
  await kb.type('Answered from the keyboard.');
  await kb.press('Control+Enter');
  await expect(page.getByRole('list', { name: 'Replies to Kofi Mensah' }).getByText('Answered from the keyboard.')).toBeVisible();
  await expect(replyBox).toHaveCount(0);

  // An empty reply box closes with Escape and gives focus back to its button.
  const replyToHana = page.getByRole('button', { name: 'Reply to Hana Sato' }).last();
  await kb.tabTo(replyToHana, { back: true });
  await kb.press('Enter');
  await kb.expectVisibleFocus(replyBox);
  await kb.press('Escape');
  await expect(replyBox).toHaveCount(0);
  await kb.expectVisibleFocus(replyToHana);
  await context.close();
});

test('a long comment expands and more threads load with the keyboard only', async ({ browser, baseURL }) => {
  // About 170 presses of Tab past a full page of threads, each a round trip to the browser.
  test.slow();
  const scene = await buildScene(baseURL!, PAGE_SIZE + 1);
  const { context, page, kb, person } = await keyboardPerson(browser, `/posts/${scene.postId}`);
  await expect(person.postButton).toBeEnabled();

  const long = person.comment('The lighthouse keeper hums');
  await kb.tabTo(long.getByRole('button', { name: 'Expand full comment' }));
  await kb.press('Enter');
  await expect(long.getByRole('button', { name: 'Show less' })).toHaveAttribute('aria-expanded', 'true');
  await expect(long.getByText('Surely that is the key to the whole season.')).toBeVisible();

  await expect(person.comment('Filler comment 1.')).toHaveCount(0);
  await kb.tabTo(page.getByRole('button', { name: /^Load earlier comments \(\d+\)$/ }));
  await kb.press('Enter');
  await expect(person.comment('Filler comment 1.')).toBeVisible();
  await context.close();
});

test('a facilitator reads the log and pins with the keyboard only', async ({ browser, baseURL }) => {
  const scene = await buildScene(baseURL!, 3);
  const { context, page, kb, person: host } = await keyboardPerson(browser, scene.facilitatorLink);
  const tools = page.getByRole('region', { name: 'Facilitator tools' });
  await expect(tools).toBeVisible();
  await expect(host.postButton).toBeEnabled();

  // The moderation log is a modal dialog: focus goes in, Escape closes it and focus comes back.
  const logButton = tools.getByRole('button', { name: 'Moderation log' });
  await kb.tabTo(logButton);
  await kb.press('Enter');
  const log = page.getByRole('dialog', { name: 'Moderation log' });
  await expect(log.getByText('joined as facilitator')).toBeVisible();
  await kb.expectVisibleFocus(log.getByRole('button', { name: 'Close' }));
  await kb.press('Escape');
  await expect(log).toHaveCount(0);
  await kb.expectVisibleFocus(logButton);

  // The Moderate menu opens with Enter, its actions follow it in the Tab order, Escape closes it.
  const filler = host.comment('Filler comment 3.');
  const moderate = filler.getByRole('button', { name: 'Moderate' });
  await kb.tabTo(moderate);
  await kb.press('Enter');
  await expect(moderate).toHaveAttribute('aria-expanded', 'true');
  await kb.tabTo(filler.getByRole('button', { name: 'Pin', exact: true }), { max: 1 });
  await kb.press('Enter');
  await expect(page.getByRole('region', { name: 'Pinned comments' }).getByText('Filler comment 3.')).toBeVisible();
  await kb.press('Escape');
  await expect(moderate).toHaveAttribute('aria-expanded', 'false');
  await kb.expectVisibleFocus(moderate);
  await context.close();
});

test('a facilitator hides a comment with the keyboard only', async ({ browser, baseURL }) => {
  const scene = await buildScene(baseURL!, 2);
  const { context, page, kb, person: host } = await keyboardPerson(browser, scene.facilitatorLink);
  const tools = page.getByRole('region', { name: 'Facilitator tools' });
  await expect(tools).toBeVisible();
  await expect(host.postButton).toBeEnabled();

  // Hide; Tab then leaves the open menu (no trap).
  const other = host.comment('Filler comment 2.');
  await kb.tabTo(other.getByRole('button', { name: 'Moderate' }));
  await kb.press('Enter');
  await kb.tabTo(other.getByRole('button', { name: 'Hide', exact: true }));
  await kb.press('Enter');
  await expect(other.getByText('Hidden', { exact: true })).toBeVisible();
  await kb.tabOutOf(other.getByRole('button', { name: 'Restore', exact: true }).locator('..'));
  await context.close();
});

test('a facilitator declines a delete and locks with the keyboard only', async ({ browser, baseURL }) => {
  const scene = await buildScene(baseURL!, 1);
  const { context, page, kb, person: host } = await keyboardPerson(browser, scene.facilitatorLink);
  const tools = page.getByRole('region', { name: 'Facilitator tools' });
  await expect(tools).toBeVisible();
  await expect(host.postButton).toBeEnabled();

  // Delete asks first, in a dialog that Escape dismisses without deleting.
  const first = host.comment('Filler comment 1.');
  await kb.tabTo(first.getByRole('button', { name: 'Moderate' }));
  await kb.press('Enter');
  await kb.tabTo(first.getByRole('button', { name: 'Delete', exact: true }));
  await kb.press('Enter');
  const confirm = page.getByRole('dialog', { name: 'Delete this comment?' });
  await expect(confirm).toBeVisible();
  await kb.press('Escape');
  await expect(confirm).toHaveCount(0);
  await expect(first.getByText('Filler comment 1.')).toBeVisible();

  // Lock, back up the page with Shift+Tab.
  await kb.tabTo(tools.getByRole('button', { name: 'Lock discussion' }), { back: true });
  await kb.press('Enter');
  await expect(page.getByText('This discussion is locked by a facilitator')).toBeVisible();
  await kb.expectVisibleFocus(tools.getByRole('button', { name: 'Unlock discussion' }));
  await context.close();
});
