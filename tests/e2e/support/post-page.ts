/**
 * A person's view of one discussion, in the words the page uses: the names
 * below are the accessible names a screen reader announces.
 */
import { expect, type Locator, type Page } from '@playwright/test';

export type ReactionName = 'Like' | 'Love' | 'Laugh' | 'Wow';

export class PostPage {
  readonly comments: Locator;
  readonly composer: Locator;
  readonly postButton: Locator;
  readonly nameField: Locator;
  readonly alert: Locator;

  constructor(readonly page: Page) {
    this.comments = page.getByRole('log', { name: 'Comments' });
    this.composer = page.getByRole('textbox', { name: 'Write a comment' });
    this.postButton = page.getByRole('button', { name: 'Post', exact: true });
    this.nameField = page.locator('form').filter({ has: this.composer }).getByLabel('Your name');
    this.alert = page.getByRole('alert');
  }

  /** Opens a post as a first-time visitor: interactive, connected, and asked for a name. */
  async open(postId: string): Promise<void> {
    await this.page.goto(`/posts/${postId}`);
    // The Post button is enabled once the page is interactive...
    await expect(this.postButton).toBeEnabled();
    // ...and the name field appears once the server has said who we are.
    await expect(this.nameField).toBeVisible();
  }

  /** The comment (an article named by its author) whose text contains `text`. */
  comment(text: string): Locator {
    return this.comments.getByRole('article').filter({ hasText: text }).first();
  }

  /** A reaction button: its accessible name is what it means and the count it shows ("Like, 40"). */
  reaction(comment: Locator, name: ReactionName): Locator {
    return comment.getByRole('group', { name: 'Reactions' }).getByRole('button', { name: new RegExp(`^${name}, \\d+$`) });
  }

  /** Opens the inline reply composer under `author`'s comment, writes and posts a reply. */
  async reply(author: string, text: string, name = 'Test Viewer'): Promise<void> {
    await this.page.getByRole('button', { name: `Reply to ${author}` }).first().click();
    const form = this.page.locator('form').filter({ has: this.page.getByRole('textbox', { name: 'Write a reply' }) });
    const box = form.getByRole('textbox', { name: 'Write a reply' });
    await expect(box).toBeFocused();
    await box.fill(text);
    const nameField = form.getByLabel('Your name');
    if (await nameField.isVisible()) await nameField.fill(name);
    await box.press('Control+Enter');
  }

  /** Types and posts a comment, giving a name first when the board asks for one. */
  async write(text: string, name = 'Test Viewer'): Promise<void> {
    await this.composer.fill(text);
    const nameField = this.page.locator('form').filter({ has: this.composer }).getByLabel('Your name');
    if (await nameField.isVisible()) await nameField.fill(name);
    await this.postButton.click();
  }

  /** Posts and waits until the server has stored it (the pending "Sending…" state is gone). */
  async post(text: string, name?: string): Promise<Locator> {
    await this.write(text, name);
    const comment = this.comment(text);
    await expect(comment).toBeVisible();
    await expect(comment.getByText('Sending…')).toHaveCount(0);
    return comment;
  }
}

/** Text no other test (or earlier run) has written, so assertions cannot match someone else's comment. */
export const unique = (label: string) => `${label} ${Math.random().toString(36).slice(2, 8)}`;
