/**
 * Two browsers through nginx (scripts/cluster.sh's configuration, started inside
 * the test: Redis, two board nodes, nginx in front): they land on different
 * nodes, proved by the node id each socket's handshake answer names, and see
 * each other's comments live. Then a rolling restart, one node after the other
 * drained with SIGTERM and started again: every comment posted before, during
 * and after appears exactly once in both browsers, and no page or request ever
 * gets an error status.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { startCluster, type Cluster } from '../support/nginx-cluster.js';
import { LIVE_POST } from './support/fixtures.js';
import { PostPage, unique } from './support/post-page.js';

interface Person {
  view: PostPage;
  /** The node each WebSocket handshake of this page was answered by, in order. */
  sockets: string[];
  /** Error statuses this page got: any 5xx, or a navigation that was not a page. */
  problems: string[];
}

/** The node of the page's current socket (the last handshake answered 101). */
const nodeOf = (p: Person) => p.sockets.at(-1);

async function openPerson(browser: Browser, cluster: Cluster): Promise<Person> {
  const context = await browser.newContext({ baseURL: cluster.url });
  const page = await context.newPage();
  const person: Person = { view: new PostPage(page), sockets: [], problems: [] };
  await watch(page, person);
  await person.view.open(LIVE_POST);
  return person;
}

async function watch(page: Page, person: Person): Promise<void> {
  page.on('response', (r) => {
    if (r.status() >= 500 || (r.request().isNavigationRequest() && r.status() >= 400)) {
      person.problems.push(`${r.status()} ${r.request().method()} ${r.url()}`);
    }
  });
  // Playwright does not show a WebSocket's handshake headers; Chromium's DevTools protocol does.
  const cdp = await page.context().newCDPSession(page);
  cdp.on('Network.webSocketHandshakeResponseReceived', ({ response }) => {
    if (response.status !== 101) return; // refused by a draining node: the client tries again
    const name = Object.keys(response.headers).find((h) => h.toLowerCase() === 'x-board-node');
    person.sockets.push(name ? response.headers[name]! : 'unnamed');
  });
  await cdp.send('Network.enable');
}

/** Exactly one comment with this text, stored (not "Sending…"). */
async function seesOnce(p: Person, text: string): Promise<void> {
  const found = p.view.comments.getByRole('article').filter({ hasText: text });
  await expect(found).toHaveCount(1);
  await expect(found.getByText('Sending…')).toHaveCount(0);
}

let cluster: Cluster;
test.beforeAll(async () => {
  cluster = await startCluster({ nodes: 2, web: true });
});
test.afterAll(async () => {
  await cluster?.dispose();
});

test('through nginx, two browsers on different nodes see each other live, and a rolling restart loses nothing', async ({ browser }) => {
  // Two node starts and two drains on top of the usual two-person test.
  test.setTimeout(120_000);
  const [ids, other] = [cluster.ids, (id: string) => cluster.ids.find((n) => n !== id)!];
  const [ann, ben] = await Promise.all([openPerson(browser, cluster), openPerson(browser, cluster)]);
  await expect.poll(() => nodeOf(ann)).toBeDefined();
  await expect.poll(() => nodeOf(ben)).toBeDefined();
  // Round robin turns per request (page, data, socket): when Ben's socket got Ann's node,
  // one extra request through the balancer, or none, shifts his next turn to the other.
  for (let attempt = 0; nodeOf(ben) === nodeOf(ann); attempt++) {
    expect(attempt, `Ben's sockets: ${ben.sockets.join(', ')}; Ann's: ${ann.sockets.join(', ')}`).toBeLessThan(6);
    if (attempt % 2 === 0) await fetch(`${cluster.url}/healthz`);
    const before = ben.sockets.length;
    await ben.view.open(LIVE_POST);
    await expect.poll(() => ben.sockets.length).toBeGreaterThan(before);
  }
  expect(new Set([nodeOf(ann), nodeOf(ben)])).toEqual(new Set(ids));

  const posted: string[] = [];
  const say = async (p: Person, label: string, name?: string) => {
    const text = unique(label);
    posted.push(text);
    await p.view.write(text, name);
  };

  // Live across nodes, both ways.
  await say(ann, 'Before, from Ann', 'Ann Through');
  await say(ben, 'Before, from Ben', 'Ben Through');
  for (const text of posted) for (const p of [ann, ben]) await seesOnce(p, text);

  // Rolling restart: Ann's node first, then the other one (by then both browsers are on it).
  for (const step of [1, 2]) {
    const leaving = nodeOf(ann)!;
    const slot = ids.indexOf(leaving);
    const drained = cluster.drain(slot);
    // Written while the node drains: sent before it lets go, or queued in the page until it is back.
    await say(ann, `During drain ${step}, from Ann`);
    await say(ben, `During drain ${step}, from Ben`);
    expect(await drained).toBe(0);
    // Its viewers came back through nginx to the node still up.
    await expect.poll(() => nodeOf(ann), { timeout: 20_000 }).toBe(other(leaving));
    await expect.poll(() => nodeOf(ben), { timeout: 20_000 }).toBe(other(leaving));
    if (step === 1) {
      // Someone arriving while that node is down gets the page, and a socket, from the other one.
      const newcomer = await openPerson(browser, cluster);
      expect(newcomer.problems).toEqual([]);
      await expect.poll(() => nodeOf(newcomer)).toBe(other(leaving));
      await say(newcomer, `While ${leaving} is down, from a newcomer`, 'Newcomer');
      await seesOnce(newcomer, posted.at(-1)!);
      await newcomer.view.page.context().close();
    }

    await cluster.restart(slot);
    await cluster.takesTraffic(slot);
    await say(ben, `After restart ${step}, from Ben`);
  }
  await say(ann, 'At the end, from Ann');

  for (const text of posted) for (const p of [ann, ben]) await seesOnce(p, text);
  for (const p of [ann, ben]) {
    expect(p.problems).toEqual([]);
    await expect(p.view.page).toHaveURL(new RegExp(`/posts/${LIVE_POST}$`));
    await expect(p.view.composer).toBeEditable();
  }
  // Both nodes served sockets, and each browser moved at least once.
  expect(new Set([...ann.sockets, ...ben.sockets])).toEqual(new Set(ids));
  expect(ann.sockets.length).toBeGreaterThanOrEqual(3);
});
