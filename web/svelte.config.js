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
    version: { name: versionName() },
  },
};

export default config;
