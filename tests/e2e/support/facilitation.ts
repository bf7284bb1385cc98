/**
 * Fixtures for hosting: "a facilitator" starts a discussion through the
 * New discussion page and keeps its facilitator link; "a participant" opens
 * that discussion in another browser context.
 */
import { expect, type Browser, type Page } from '@playwright/test';
import { test as people } from './fixtures.js';
import { PostPage, unique } from './post-page.js';

export class FacilitatorView extends PostPage {
  readonly tools = this.page.getByRole('region', { name: 'Facilitator tools' });
  readonly pinned = this.page.getByRole('region', { name: 'Pinned comments' });

  constructor(
    page: Page,
    readonly postId: string,
    /** The secret link shown once after creating the discussion. */
    readonly link: string,
  ) {
    super(page);
  }

  /** Opens the comment's Moderate menu and picks an action. */
  async moderate(comment: ReturnType<PostPage['comment']>, action: 'Pin' | 'Unpin' | 'Hide' | 'Restore' | 'Delete' | 'Remove participant') {
    const toggle = comment.getByRole('button', { name: 'Moderate' });
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    await comment.getByRole('button', { name: action, exact: true }).click();
  }
}

/** Starts a discussion through the UI as a new person; returns them on its page, facilitator link in hand. */
export async function startDiscussion(browser: Browser, name = 'Host Harper', title = unique('Watch-along')): Promise<FacilitatorView> {
  const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await context.newPage();
  await page.goto('/new');
  await expect(page.getByRole('button', { name: 'Start discussion' })).toBeEnabled();
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Description').fill('Testing the facilitator tools.');
  await page.getByRole('button', { name: 'Start discussion' }).click();

  const linkField = page.getByRole('textbox', { name: 'Facilitator link' });
  await expect(linkField).toBeVisible();
  const link = await linkField.inputValue();
  await page.getByRole('link', { name: 'Open the discussion' }).click();
  await page.waitForURL(/\/posts\//);
  const postId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
  const view = new FacilitatorView(page, postId, link);
  await expect(view.tools).toBeVisible();
  await expect(view.postButton).toBeEnabled();
  return view;
}

interface Hosting {
  facilitator: FacilitatorView;
  /** Someone else on the facilitator's discussion, with a fresh identity. */
  participant: PostPage;
}

export const test = people.extend<Hosting>({
  facilitator: async ({ browser }, use) => {
    const view = await startDiscussion(browser);
    await use(view);
    await view.page.context().close();
  },
  participant: async ({ arrive, facilitator }, use) => {
    await use(await arrive(facilitator.postId));
  },
});

export { expect } from '@playwright/test';
