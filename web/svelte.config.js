import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter({ out: 'build' }),
    // The session token sits in localStorage: only our own scripts may run (SvelteKit adds
    // a nonce per response to its inline start-up script). Inline style attributes stay
    // allowed (Svelte renders `style:` directives as attributes; they cannot run code).
    csp: {
      mode: 'auto',
      directives: {
        'default-src': ['self'],
        'script-src': ['self'],
        // The hash is app.html's <noscript> style (comments shown in full without JavaScript).
        'style-src': ['self', 'sha256-loATjbPTjtUni7e70cycd23WEuA7BVCNpUvL8KFWIyw='],
        'style-src-attr': ['unsafe-inline'],
        'img-src': ['self', 'data:'],
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
