/**
 * Fixtures for people using the board. Each person has their own browser
 * context (own storage, own identity), already on a post and connected.
 */
import { test as base, type Browser, type Page, type WebSocketRoute } from '@playwright/test';
import { PostPage } from './post-page.js';

/** The busy seeded watch-along most tests talk in. */
export const LIVE_POST = 'finale-watch-along';

/** A Socket.IO event frame from the server answering reaction clicks (default namespace, text parser). */
const RECEIPTS_FRAME = '42["reaction:receipts"';

interface ReceiptWatch {
  lose: boolean;
  seen: (frame: string) => void;
}

/** Lets a test cut a page's socket and restore it, as a flaky network would. */
export class Network {
  #online = true;
  readonly #open = new Set<WebSocketRoute>();
  /** Reconnect attempts made while "offline": they hang, as on a dead network, until goOnline(). */
  readonly #held = new Set<WebSocketRoute>();
  /** Tests waiting for receipts frames, first in line first. */
  readonly #receiptWatches: ReceiptWatch[] = [];

  async install(page: Page): Promise<void> {
    await page.routeWebSocket(/\/socket\.io\//, (ws) => {
      if (this.#online) this.#connect(ws);
      else this.#held.add(ws);
    });
  }

  async goOffline(): Promise<void> {
    this.#online = false;
    await Promise.all([...this.#open].map((ws) => ws.close({ code: 1006, reason: 'offline' })));
  }

  goOnline(): void {
    this.#online = true;
    for (const ws of this.#held) this.#connect(ws);
    this.#held.clear();
  }

  /**
   * Resolves with the next `reaction:receipts` frame the server sends the page (each
   * call waits for the one after the frames earlier calls wait for). With `lose`,
   * that frame never reaches the page and the connection drops with it, both sides,
   * before the promise resolves: the click was stored, the page never hears so. The
   * page then reconnects through this route as usual.
   */
  nextReceipt({ lose = false } = {}): Promise<string> {
    return new Promise((seen) => this.#receiptWatches.push({ lose, seen }));
  }

  #connect(ws: WebSocketRoute): void {
    const server = ws.connectToServer();
    this.#open.add(ws);
    ws.onClose(() => this.#open.delete(ws));
    // Forwarded by hand (Playwright relays every frame through the test anyway) so a receipt can be lost.
    server.onMessage((frame) => {
      const receipts = typeof frame === 'string' && frame.startsWith(RECEIPTS_FRAME) ? frame : null;
      const watch = receipts === null ? undefined : this.#receiptWatches.shift();
      if (!watch || receipts === null) return ws.send(frame);
      if (!watch.lose) {
        ws.send(receipts);
        return watch.seen(receipts);
      }
      this.#open.delete(ws);
      void Promise.all([server.close(), ws.close({ code: 1006, reason: 'dropped' })]).then(() => watch.seen(receipts));
    });
  }
}

interface People {
  /** A viewer on the live post, with a fresh identity. */
  viewer: PostPage;
  /** Another person on the same post, in a separate browser context. */
  otherViewer: PostPage;
  /** Opens another person (new context) on any post; closed after the test. */
  arrive: (postId?: string) => Promise<PostPage>;
  /** The viewer's network, routed so the test can drop it. */
  network: Network;
}

async function openPerson(browser: Browser, postId: string, network?: Network): Promise<PostPage> {
  const context = await browser.newContext();
  const page = await context.newPage();
  if (network) await network.install(page);
  const person = new PostPage(page);
  await person.open(postId);
  return person;
}

export const test = base.extend<People>({
  network: async ({}, use) => {
    await use(new Network());
  },
  viewer: async ({ browser, network }, use) => {
    const person = await openPerson(browser, LIVE_POST, network);
    await use(person);
    await person.page.context().close();
  },
  otherViewer: async ({ browser }, use) => {
    const person = await openPerson(browser, LIVE_POST);
    await use(person);
    await person.page.context().close();
  },
  arrive: async ({ browser }, use) => {
    const opened: PostPage[] = [];
    await use(async (postId = LIVE_POST) => {
      const person = await openPerson(browser, postId);
      opened.push(person);
      return person;
    });
    await Promise.all(opened.map((p) => p.page.context().close()));
  },
});

export { expect } from '@playwright/test';
