import { fetchPostPage } from '$lib/server/realtime-api.server';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ fetch, params }) => fetchPostPage(fetch, params.id);
