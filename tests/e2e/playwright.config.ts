/**
 * End-to-end tests against the real one-process board (pages + API + Socket.IO
 * on one port), built from web/build. Run from the repo root:
 *   pnpm --filter @board/web build && pnpm --filter @board/tests exec playwright test -c e2e/playwright.config.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { defineConfig, devices } from '@playwright/test';
import { BIG_POST_COMMENTS } from './support/big-post.js';
import { hostSsoConfig } from './support/host-site.js';

const repoRoot = resolve(import.meta.dirname, '../..');

// The config is loaded by the runner and again by each worker: decide the port and
// data dir once and hand them down through the environment so all agree.
const port = Number((process.env.E2E_PORT ??= String(freePort())));
const dataDir = (process.env.E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'board-e2e-')));
const baseURL = `http://127.0.0.1:${port}`;
/** A second board with one big discussion and nothing else (big-discussion.spec.ts), so the other screens stay as they are. */
const bigPort = Number((process.env.E2E_BIG_PORT ??= String(freePort())));
const bigDataDir = (process.env.E2E_BIG_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'board-e2e-big-')));
/** The site that embeds the board (embed.spec.ts, support/host-site.ts): its port, and so its origin in EMBED_ORIGINS. */
const embedHostPort = Number((process.env.E2E_EMBED_HOST_PORT ??= String(freePort())));


/** Asks the OS for a free port (synchronously: the config must be a plain object). */
function freePort(): number {
  const script =
    "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
}

export default defineConfig({
  testDir: import.meta.dirname,
  testMatch: '**/*.spec.ts',
  outputDir: join(repoRoot, 'test-results/e2e-artifacts'),
  fullyParallel: false,
  workers: 2,
  retries: 0,
  // Two workers, each with two or three browser contexts and the board on 2 cores: a
  // two-person test takes 10-25 s here, so a minute keeps every test far from its limit.
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: join(repoRoot, 'test-results/e2e.json') }]],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    ...devices['Desktop Chrome'],
    // The page honours reduced motion: no endless pulse to composite in every open
    // page, which on a 2-core machine slowed two browsers enough to time tests out.
    reducedMotion: 'reduce',
    launchOptions: {
      // Debian's chromium; never `playwright install`.
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [
    // Screenshots first, so they show the seeded discussion rather than test comments.
    { name: 'screenshots', testMatch: 'screenshots.spec.ts' },
    { name: 'chromium', testIgnore: 'screenshots.spec.ts', dependencies: ['screenshots'] },
  ],
  webServer: [
    {
      command: 'node --import tsx src/main.ts',
      cwd: join(repoRoot, 'realtime'),
      url: `${baseURL}/readyz`,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: 'ignore',
      stderr: 'pipe',
      env: {
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        SEED_DEMO: 'true',
        // Tests write fast and from one address; slow mode is a per-post setting and is not scaled.
        RATE_LIMIT_FACTOR: '100',
        WEB_HANDLER: join(repoRoot, 'web/build/handler.js'),
        // Only the host site's localhost origin may frame /embed/ pages; its users sign in with its tokens.
        EMBED_ORIGINS: `http://localhost:${embedHostPort}`,
        SSO_HOSTS: hostSsoConfig(),
      },
    },
    {
      command: 'node --import tsx src/main.ts',
      cwd: join(repoRoot, 'realtime'),
      url: `http://127.0.0.1:${bigPort}/readyz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
      env: {
        PORT: String(bigPort),
        HOST: '127.0.0.1',
        DATA_DIR: bigDataDir,
        SEED_DEMO: 'false',
        SEED_BIG_POST: String(BIG_POST_COMMENTS),
        RATE_LIMIT_FACTOR: '100',
        WEB_HANDLER: join(repoRoot, 'web/build/handler.js'),
      },
    },
  ],
});
