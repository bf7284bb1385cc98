import { fetchPostList } from '$lib/server/realtime-api.server';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ fetch }) => fetchPostList(fetch);
