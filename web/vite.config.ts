import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

// In `pnpm dev` the realtime service runs on its own port; proxy its paths so
// the browser sees one origin, exactly as in production.
const realtime = process.env.REALTIME_INTERNAL_URL ?? 'http://127.0.0.1:3001';

export default defineConfig({
  plugins: [sveltekit()],
  server: {
    proxy: {
      '/socket.io': { target: realtime, ws: true },
      '/api': { target: realtime },
      '/healthz': { target: realtime },
    },
  },
});
