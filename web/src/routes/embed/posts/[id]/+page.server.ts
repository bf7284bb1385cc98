import { env } from '$env/dynamic/private';
import { embedOptions } from '$lib/embed/embed-options';
import { fetchPostPage } from '$lib/server/realtime-api.server';
import type { PageServerLoad } from './$types';

// The discussion for another site's iframe: the post's page plus how the host asked it to look.
export const load: PageServerLoad = async ({ fetch, params, url }) => ({
  ...(await fetchPostPage(fetch, params.id)),
  embed: embedOptions(url, env.EMBED_ORIGINS),
});
