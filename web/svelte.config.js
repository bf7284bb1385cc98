import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { versionName } from '../scripts/lib/build-id.mjs';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  kit: {
    // scripts/build-web.sh builds into a fresh folder of web/builds/ (BOARD_WEB_OUT) and then switches web/build to it.
    adapter: adapter({ out: process.env.BOARD_WEB_OUT ?? 'build' }),
    // The git commit instead of the build time: builds of one commit name their files alike on every node.
    // scripts/build-web.sh names the version once for both of vite's passes (BOARD_WEB_VERSION).
    version: { name: process.env.BOARD_WEB_VERSION || versionName() },
    // The session token sits in localStorage: only our own scripts may run (SvelteKit adds
    // a nonce per response to its inline start-up script). Inline style attributes stay
    // allowed (Svelte renders `style:` directives as attributes; they cannot run code).
    csp: {
      // Hashes, not nonces: a post page may be served from a short-lived shared copy
      // (realtime/src/http/shared-pages.ts), and a nonce must never be sent twice.
      mode: 'hash',
      directives: {
        'default-src': ['self'],
        'script-src': ['self'],
        // The hash is app.html's <noscript> style (comments shown in full without JavaScript).
        'style-src': ['self', 'sha256-loATjbPTjtUni7e70cycd23WEuA7BVCNpUvL8KFWIyw='],
        'style-src-attr': ['unsafe-inline'],
        // https: for the pictures SSO hosts give their users (https only, no referrer: lib/components/Avatar.svelte).
        'img-src': ['self', 'data:', 'https:'],
        'font-src': ['self'],
        // The realtime socket is on this origin (ws: / wss: included by 'self').
        'connect-src': ['self'],
        'object-src': ['none'],
        'base-uri': ['self'],
        'form-action': ['self'],
        'frame-ancestors': ['none'],
      },
    },
  },
};

export default config;
