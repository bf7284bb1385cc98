import { expect, test } from './support/fixtures.js';
import { unique } from './support/post-page.js';

test.describe('a live discussion', () => {
  test('a comment and a reaction reach another viewer without a reload', async ({ viewer, otherViewer }) => {
    const text = unique('The lamp is lit again!');
    const mine = await viewer.post(text, 'Robin Vale');

    const seen = otherViewer.comment(text);
    await expect(seen).toBeVisible();
    await expect(seen.getByText('Robin Vale')).toBeVisible();

    await viewer.reaction(mine, 'Love').click();
    await expect(viewer.reaction(mine, 'Love')).toHaveAttribute('aria-pressed', 'true');
    await expect(viewer.reaction(mine, 'Love')).toContainText('1');
    await expect(otherViewer.reaction(seen, 'Love')).toContainText('1');
    await expect(otherViewer.reaction(seen, 'Love')).toHaveAttribute('aria-pressed', 'false');
  });

  test('someone arriving later sees the comments and counts so far', async ({ viewer, arrive }) => {
    const text = unique('Called it: two keepers.');
    const mine = await viewer.post(text, 'Early Bird');
    await viewer.reaction(mine, 'Wow').click();
    await expect(viewer.reaction(mine, 'Wow')).toContainText('1');

    const late = await arrive();
    const seen = late.comment(text);
    await expect(seen).toBeVisible();
    await expect(late.reaction(seen, 'Wow')).toContainText('1');
    // Seeded history is there too.
    await expect(late.comment('THE DOOR')).toBeVisible();
  });

  test('a reaction pressed twice returns to its count', async ({ viewer }) => {
    const mine = await viewer.post(unique('Counting test'), 'Counter');
    const like = viewer.reaction(mine, 'Like');
    await expect(like).toContainText('0');

    await like.click();
    await expect(like).toHaveAttribute('aria-pressed', 'true');
    await expect(like).toContainText('1');

    await like.click();
    await expect(like).toHaveAttribute('aria-pressed', 'false');
    await expect(like).toContainText('0');

    // And the server agrees: after a reload it is still 0 and not pressed.
    await viewer.page.reload();
    const again = viewer.reaction(viewer.comment('Counting test'), 'Like');
    await expect(again).toContainText('0');
    await expect(again).toHaveAttribute('aria-pressed', 'false');
  });

  test('a reply appears under its comment for everyone, and says whom it answers', async ({ viewer, otherViewer }) => {
    // Names unique to this run: the board outlives one test.
    const asker = unique('Asker');
    const answerer = unique('Answerer');
    const question = await viewer.post(unique('Who wrote the letters?'), asker);
    await expect(otherViewer.comment('Who wrote the letters?')).toBeVisible();

    await otherViewer.reply(asker, 'The second keeper, surely.', answerer);
    await expect(question).toBeVisible();
    const replies = viewer.comments.getByRole('list', { name: `Replies to ${asker}` });
    await expect(replies.getByRole('article', { name: answerer })).toContainText('The second keeper, surely.');

    // A reply to that reply stays in the same list and names whom it answers.
    await viewer.reply(answerer, 'Then who is on the stairs?');
    const answerBack = otherViewer.comments
      .getByRole('list', { name: `Replies to ${asker}` })
      .getByRole('article', { name: asker });
    await expect(answerBack).toContainText('Then who is on the stairs?');
    await expect(answerBack).toContainText(`replying to ${answerer}`);
  });

  test('a burst of clicks on one reaction sends a few messages, and everyone ends on the last state', async ({
    viewer,
    otherViewer,
  }) => {
    const mine = await viewer.post(unique('Click storm'), 'Quick Fingers');
    const sent: string[] = [];
    viewer.page.on('websocket', (ws) => ws.on('framesent', (f) => typeof f.payload === 'string' && sent.push(f.payload)));
    // The page's socket is already open, so watch frames through a fresh one: reload, then click.
    await viewer.page.reload();
    const like = viewer.reaction(viewer.comment(await mine.locator('p').first().innerText()), 'Like');
    await expect(like).toHaveAttribute('aria-pressed', 'false');
    // Seven clicks in one burst (faster than any ack can return); an odd number: pressed at the end.
    await like.evaluate((button) => {
      for (let i = 0; i < 7; i++) (button as HTMLButtonElement).click();
    });

    await expect(like).toHaveAttribute('aria-pressed', 'true');
    await expect(like).toContainText('1');
    const theirs = otherViewer.reaction(otherViewer.comment(await mine.locator('p').first().innerText()), 'Like');
    await expect(theirs).toContainText('1');
    // Reloading shows what the server stored: pressed, one like.
    await viewer.page.reload();
    await expect(viewer.reaction(viewer.comment(await mine.locator('p').first().innerText()), 'Like')).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    const reactionFrames = sent.filter((p) => p.includes('"reaction:set"'));
    // The first click goes out at once; the six made while it was in flight become one more message at most.
    expect(reactionFrames.length).toBeGreaterThan(0);
    expect(reactionFrames.length).toBeLessThanOrEqual(2);
  });

  test('my name and identity are remembered after a reload', async ({ viewer }) => {
    await viewer.post(unique('First words'), 'Remembered Name');
    await viewer.page.reload();
    await expect(viewer.postButton).toBeEnabled();
    const text = unique('Second words');
    await viewer.composer.fill(text);
    await expect(viewer.nameField).toBeHidden();
    await viewer.postButton.click();
    await expect(viewer.comment(text).getByText('Remembered Name')).toBeVisible();
  });
});
