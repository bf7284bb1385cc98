/**
 * Fixtures for the event clock: "a host" (their discussion made over the
 * socket, then opened through its facilitator link: one page load) with the
 * clock panel in view, and "a guest" on the same discussion in another context.
 */
import { expect, type Page } from '@playwright/test';
import { BoardClient } from './board-socket.js';
import { test as people } from './fixtures.js';
import { PostPage, unique } from './post-page.js';

export const clockOf = (page: Page) => page.getByTestId('event-clock');
export const panelOf = (page: Page) => page.getByRole('region', { name: 'Event clock' });

export class EventHost extends PostPage {
  constructor(
    page: Page,
    readonly postId: string,
  ) {
    super(page);
  }
}

export const test = people.extend<{ host: EventHost; guest: PostPage }>({
  host: async ({ browser, baseURL }, use) => {
    const client = await BoardClient.connect(baseURL!, 'Host Harper');
    const { post, facilitatorToken } = await client.createPost(unique('Match night'), 'Kick-off together.');
    client.close();
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`/posts/${post.id}#facilitator=${encodeURIComponent(facilitatorToken)}`);
    await expect(panelOf(page).getByRole('button', { name: 'Start' })).toBeEnabled();
    await use(new EventHost(page, post.id));
    await context.close();
  },
  guest: async ({ arrive, host }, use) => {
    await use(await arrive(host.postId));
  },
});

export { expect } from '@playwright/test';
